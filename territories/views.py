from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_GET

from core import panels

from . import queries
from .models import Commune, Department, Region
from .svg import commune_map

PAGE_SIZE = 50
SEARCH_PAGE_SIZE = 20


def _page(request, queryset, size):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


@require_GET
def commune_detail(request, code):
    commune = get_object_or_404(
        queries.with_postal_codes(
            Commune.objects.select_related("department__region", "epci", "parent")
        ).filter(is_active=True),
        code=code,
    )
    arrondissements = sorted(commune.arrondissements.all(), key=lambda arrondissement: arrondissement.code)
    postal_codes = commune.all_postal_codes()
    return render(
        request,
        "territories/commune_detail.html",
        {
            "commune": commune,
            "department": commune.department,
            "region": commune.department.region,
            "arrondissements": arrondissements,
            "postal_codes": postal_codes,
            "data_imported_on": queries.data_imported_on() if commune.mayor_name else None,
            "panels": panels.collect("commune", commune, request),
            "map": commune_map(
                department_outline=commune.department.outline,
                commune_outline=commune.outline,
                latitude=commune.latitude,
                longitude=commune.longitude,
            ),
        },
    )


def _communes_page(request, queryset):
    communes, sort = queries.sorted_communes(queryset, request.GET.get("tri"))
    page = _page(request, communes.select_related("department").defer(*queries.LIST_DEFERRED), PAGE_SIZE)
    return page, sort


@require_GET
def department_detail(request, code):
    department = get_object_or_404(Department.objects.select_related("region"), code=code.upper())
    page, sort = _communes_page(request, Commune.objects.active().filter(department=department))
    return render(
        request,
        "territories/department_detail.html",
        {
            "department": department,
            "region": department.region,
            "page": page,
            "sort": sort,
            "panels": panels.collect("department", department, request),
        },
    )


@require_GET
def region_detail(request, code):
    region = get_object_or_404(Region, code=code)
    departments = region.departments.order_by("code")
    page, sort = _communes_page(request, Commune.objects.active().filter(department__region=region))
    return render(
        request,
        "territories/region_detail.html",
        {
            "region": region,
            "departments": departments,
            "page": page,
            "sort": sort,
            "panels": panels.collect("region", region, request),
        },
    )


@require_GET
def region_list(request):
    regions = Region.objects.prefetch_related("departments").order_by("name")
    return render(request, "territories/region_list.html", {"regions": regions})


@require_GET
def search(request):
    query = queries.clean_query(request.GET.get("q", ""))
    page = (
        _page(request, queries.with_postal_codes(queries.search_communes(query)), SEARCH_PAGE_SIZE)
        if query
        else None
    )
    if page is not None:
        queries.code_reasons(page.object_list, query)
    return render(
        request,
        "territories/search.html",
        {"query": query, "page": page, "query_string": urlencode({"q": query})},
    )


@require_GET
def national_map(request):
    departments = Department.objects.select_related("region").order_by("code")
    return render(
        request,
        "territories/national_map.html",
        {"departments": departments, "tile_attribution": settings.MAP_TILE_ATTRIBUTION},
    )


def _etag(request, *args, **kwargs):
    return queries.data_version()


def _geojson(body):
    response = HttpResponse(body, content_type="application/geo+json")
    patch_cache_control(response, public=True, max_age=3600)
    return response


@require_GET
@condition(etag_func=_etag)
def department_outlines(request):
    return _geojson(queries.department_outlines_geojson())


@require_GET
@condition(etag_func=_etag)
def region_outlines(request):
    return _geojson(queries.region_outlines_geojson())


@require_GET
@condition(etag_func=_etag)
def department_communes(request, code):
    department = get_object_or_404(Department, code=code.upper())
    return _geojson(queries.department_communes_geojson(department))


@require_GET
def sources(request):
    from .models import ImportRun

    return render(
        request,
        "territories/sources.html",
        {"last_import": ImportRun.objects.first(), "title": _("Data sources")},
    )
