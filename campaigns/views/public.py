"""The public pages of campaigns: the list, a campaign (its communes, filtered), its map
data and its export, a commune in a campaign (with the forms of its managers)."""

import csv
import io
import itertools
import json
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from frameworks.models import Item
from territories.queries import DEPARTMENT_CODE, clean_query

from .. import exports, queries
from ..models import Target
from .common import campaign_or_404, target_or_404
from .working import working_context

PAGE_SIZE = 50


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


def _filters_query_string(filters):
    values = {
        "statut": filters["status"],
        "referentiel": filters["framework"].slug if filters["framework"] else "",
        "engagement": filters["item"].code if filters["item"] else "",
        "departement": filters["department"],
        "q": filters["query"],
    }
    return urlencode({key: value for key, value in values.items() if value})


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


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(value):
    """Text that spreadsheet software will not run as a formula (names come from the public)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


@require_GET
def campaign_export(request, slug, fmt):
    campaign = campaign_or_404(slug)
    filters = target_filters(request, campaign)
    rows = ([_inert(value) for value in row] for row in exports.campaign_export_rows(campaign, **filters))
    filename = f"{campaign.slug}.{fmt}"
    if fmt == "csv":
        # As the import's template: ";" and a BOM, so that French spreadsheet software
        # splits the columns and reads the accents as UTF-8.
        writer = csv.writer(_Echo(), delimiter=";")
        chunks = itertools.chain(["\ufeff"], (writer.writerow(row) for row in rows))
        response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title="communes")
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
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
