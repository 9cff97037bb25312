"""Public read-only API for territories (django-ninja), mounted under /api/v1/."""

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from core.api import INVALID, NOT_FOUND, NotFoundOut, ValidationErrorOut

from . import queries
from .models import Commune

router = Router(tags=["territoires"])


class DepartmentOut(Schema):
    code: str
    name: str = Field(..., alias="display_name")


class CommuneOut(Schema):
    code: str = Field(..., description="Code INSEE")
    name: str = Field(..., alias="display_name")
    kind: str = Field(..., description="COM (commune) ou ARM (arrondissement municipal)")
    department: DepartmentOut
    population: int | None
    postal_codes: list[str]
    url: str

    @staticmethod
    def resolve_postal_codes(obj):
        return obj.all_postal_codes()

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class CommuneDetailOut(CommuneOut):
    latitude: float | None
    longitude: float | None
    epci: str | None = None
    mayor_name: str
    town_hall_address: str
    town_hall_email: str
    town_hall_phone: str
    town_hall_website: str

    @staticmethod
    def resolve_epci(obj):
        return obj.epci.name if obj.epci else None


class SearchParams(Schema):
    q: str = Field(
        ..., min_length=1, max_length=queries.MAX_QUERY_LENGTH, description="Nom, code postal ou code INSEE"
    )
    limit: int = Field(10, ge=1, le=50, description="Nombre maximal de résultats")


@router.get(
    "/communes",
    response={200: list[CommuneOut], INVALID: ValidationErrorOut},
    summary="Rechercher une commune",
    url_name="communes_search",
)
def search_communes(request, params: Query[SearchParams]):
    """Communes by name (accents, casse, tirets et abréviations ignorés), code postal ou code INSEE."""
    return list(queries.with_postal_codes(queries.search_communes(params.q))[: params.limit])


@router.get(
    "/communes/{code}",
    response={200: CommuneDetailOut, NOT_FOUND: NotFoundOut},
    summary="Une commune",
    url_name="commune_detail",
)
def commune_detail(request, code: str):
    return get_object_or_404(
        queries.with_postal_codes(Commune.objects.active().select_related("department", "epci")), code=code
    )
