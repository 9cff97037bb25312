"""The public pages of campaigns: the list, a campaign (its communes, filtered), its map
data and its export, a commune in a campaign (with the forms of its managers)."""

import json
import logging
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.middleware.gzip import re_accepts_gzip as ACCEPTS_GZIP
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from frameworks.models import Item
from territories.queries import DEPARTMENT_CODE, clean_query

from .. import export_files, queries
from ..models import Target
from .common import campaign_or_404, target_or_404
from .working import working_context

PAGE_SIZE = 50
logger = logging.getLogger(__name__)


def status_legend(campaign, counts):
    """(status, label, count, what it means) for each status the campaign's kind can
    show (queries.shown_statuses), in the map's order."""
    kind = campaign.kind_spec
    meanings = {
        Target.Status.NOT_INTERPELLATED: _("nothing recorded yet"),
        Target.Status.INTERPELLATED: _("letters, meetings or invitations; no signature yet"),
        Target.Status.LIST_SIGNED: _("a list signed, before the result or without being elected"),
        Target.Status.COMMITTED: _("the elected list signed, or the council deliberated")
        if kind.has_lists
        else _("the municipality signed, or the council deliberated"),
        Target.Status.REFUSED: _("the municipality, the elected list or every list refused")
        if kind.has_lists
        else _("the municipality refused"),
    }
    return [(status, label, count, meanings[status]) for status, label, count in counts["ordered"]]


@require_GET
def campaign_list(request):
    page = Paginator(queries.campaigns_public(), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/campaign_list.html",
        {"page": page, "can_add": request.user.has_perm("campaigns.add_campaign")},
    )


def target_filters(request, campaign):
    status = request.GET.get("statut", "")
    if status not in Target.Status.values:
        status = ""
    frameworks = list(campaign.frameworks.all())
    framework = next((f for f in frameworks if f.slug == request.GET.get("referentiel")), None)
    item = None
    if framework is not None and (code := clean_query(request.GET.get("engagement", ""), 20)):
        item = Item.objects.filter(framework=framework, code=code).first()
    department = clean_query(request.GET.get("departement", ""), 3).upper()
    if not DEPARTMENT_CODE.match(department):
        department = ""
    return {
        "status": status,
        "framework": framework,
        "item": item,
        "department": department,
        "query": clean_query(request.GET.get("q", ""), 60),
    }


def filter_values(filters):
    """The page's query values of `filters` (target_filters), those set only."""
    values = {
        "statut": filters["status"],
        "referentiel": filters["framework"].slug if filters["framework"] else "",
        "engagement": filters["item"].code if filters["item"] else "",
        "departement": filters["department"],
        "q": filters["query"],
    }
    return {key: value for key, value in values.items() if value}


def _filters_query_string(filters):
    return urlencode(filter_values(filters))


@require_GET
def campaign_detail(request, slug):
    campaign = campaign_or_404(slug)
    filters = target_filters(request, campaign)
    targets = queries.with_public_lists(queries.campaign_targets(campaign, **filters))
    page = Paginator(targets, PAGE_SIZE).get_page(request.GET.get("page"))
    user = request.user
    frameworks = list(campaign.frameworks.all())
    items = list(filters["framework"].items.order_by("position")) if filters["framework"] else []
    counts = queries.campaign_counts(campaign)
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "frameworks": frameworks,
            "items": items,
            "counts": counts,
            "legend": status_legend(campaign, counts),
            "page": page,
            "filters": filters,
            "query_string": _filters_query_string(filters),
            "statuses": Target.Status.choices,  # the map's, by index
            "can_change": user.has_perm("campaigns.change_campaign", campaign),
            "can_take_on": user.has_perm("campaigns.take_on_commune", campaign),
            "can_import": user.has_perm("campaigns.import_commitments", campaign),
        },
    )


@require_GET
def campaign_map_data(request, slug):
    campaign = campaign_or_404(slug)
    body = json.dumps(
        {"statuses": Target.Status.values, "points": queries.campaign_map_points(campaign)},
        separators=(",", ":"),
        ensure_ascii=False,
    )
    response = HttpResponse(body, content_type="application/json")
    response["Cache-Control"] = "public, max-age=60"
    return response


# Seconds a visitor waits before asking again for an export being built, or once over the limit.
EXPORT_RETRY_SECONDS = 10
EXPORT_LIMITED_SECONDS = 60
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _export_wait(request, campaign):
    """The page of an export not built yet: 503, Retry-After, and the link to ask again."""
    context = {"campaign": campaign, "retry": EXPORT_RETRY_SECONDS, "again": request.get_full_path()}
    response = render(request, "campaigns/export_wait.html", context, status=503)
    return _unlogged(response, EXPORT_RETRY_SECONDS, f"export of {campaign.slug} being built")


def _export_limited(slug):
    """429 for an address over its limit: a page without the layout, nor any query (a
    flood's answers must cost next to nothing)."""
    context = {"retry": EXPORT_LIMITED_SECONDS, "campaign_url": reverse("campaigns:campaign", args=[slug])}
    response = HttpResponse(render_to_string("campaigns/export_limited.html", context), status=429)
    return _unlogged(response, EXPORT_LIMITED_SECONDS, f"export of {slug} rate-limited")


def _unlogged(response, retry, what):
    response["Retry-After"] = str(retry)
    response["Cache-Control"] = "no-store"
    # Expected answers, not faults: one info line, never an error logged per visitor's 503.
    response._has_been_logged = True
    logger.info("%s: %s", what, response.status_code)
    return response


@require_GET
def campaign_export(request, slug, fmt):
    """The export of the campaign (with the page's filters), served from the file the task
    worker built (campaigns/export_files.py): the current version; else the previous one,
    marked "X-Export-Stale: 1", while the current one is built; else 503 and a short page.
    Rate-limited per IP: downloads ("campaign_export"), and the builds that filters ask for
    ("campaign_export_build")."""
    if not export_files.allowed(request, "campaign_export", dry_run=True):
        return _export_limited(slug)
    campaign = campaign_or_404(slug)
    values = filter_values(target_filters(request, campaign))
    key = export_files.filters_key(values)
    version = export_files.current_version(campaign)
    gzipped = ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    suffixes = (f"{fmt}.gz", fmt) if gzipped else (fmt,)
    built = export_files.find(campaign.pk, key, version, suffixes)
    if built is None or built.stale:
        if key == export_files.WHOLE or export_files.allowed(request, "campaign_export_build"):
            if export_files.request_build(campaign, values, version) and export_files.inline_tasks():
                built = _reopen(built, export_files.find(campaign.pk, key, version, suffixes))
        elif built is None:
            return _export_limited(slug)
    if built is None:
        return _export_wait(request, campaign)
    return _export_response(request, campaign, fmt, key, built)


def _reopen(previous, built):
    if previous is not None and built is not previous:
        previous.handle.close()
    return built


def _export_response(request, campaign, fmt, key, built):
    etag = quote_etag(f"{built.version}-{key}.{built.suffix}")
    conditional = get_conditional_response(request, etag=etag, last_modified=int(built.modified))
    if conditional is not None:  # 304: not counted by the rate limit
        built.handle.close()
        conditional["ETag"] = etag
        return conditional
    if not export_files.allowed(request, "campaign_export"):
        built.handle.close()
        return _export_limited(campaign.slug)
    response = FileResponse(built.handle, content_type=EXPORT_TYPES[fmt])
    response["Content-Length"] = str(built.size)
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}.{fmt}"'
    response["ETag"] = etag
    response["Last-Modified"] = http_date(built.modified)
    # Kept by browsers and proxies, asked again each time: a 304 while the data are the same.
    response["Cache-Control"] = "public, no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    if built.suffix.endswith(".gz"):
        # Compressed once by the worker; GZipMiddleware leaves an encoded response alone.
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ("Accept-Encoding",))
    if built.stale:
        response["X-Export-Stale"] = "1"
    return response


@require_GET
def target_detail(request, slug, code):
    target = target_or_404(slug, code)
    user = request.user
    can_manage = user.has_perm("campaigns.manage_target", target)
    context = {
        "target": target,
        "campaign": target.campaign,
        "commune": target.commune,
        "can_manage": can_manage,
        "can_deliberate": user.has_perm("campaigns.record_deliberation", target),
        **queries.target_public(target),
    }
    if can_manage:
        context.update(working_context(target, context, user))
    return render(request, "campaigns/target_detail.html", context)
