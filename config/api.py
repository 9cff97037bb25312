"""The public REST API, under /api/v1/ (schema at /api/v1/openapi.json)."""

from csp.decorators import csp_update
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError

from territories.api import router as territories_router

api = NinjaAPI(
    title="Hospitalité API",
    version="1",
    description="API publique en lecture de la plateforme Hospitalité.",
    urls_namespace="api",
    # Swagger UI (served by us, from django-ninja's static files) sets inline
    # styles; only its page allows them. Scripts stay 'self' only.
    docs_decorator=csp_update({"style-src": ["'unsafe-inline'"]}),
)
api.add_router("/", territories_router)


def _message(error):
    """A French (or the request's language) message for one pydantic error."""
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "missing":
        return _("This parameter is required.")
    if kind in {"string_too_short"} and context.get("min_length") == 1:
        return _("This parameter cannot be empty.")
    if kind == "string_too_short":
        return _("At least %(count)s characters.") % {"count": context.get("min_length")}
    if kind == "string_too_long":
        return _("At most %(count)s characters.") % {"count": context.get("max_length")}
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("A whole number is expected.")
    if kind == "less_than_equal":
        return _("Must be at most %(limit)s.") % {"limit": context.get("le")}
    if kind == "greater_than_equal":
        return _("Must be at least %(limit)s.") % {"limit": context.get("ge")}
    return _("Invalid value.")


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    errors = [
        {"loc": list(error.get("loc", [])), "type": error.get("type", ""), "msg": _message(error)}
        for error in exc.errors
    ]
    return api.create_response(request, {"detail": errors}, status=422)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)
