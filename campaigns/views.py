import csv
import io
import itertools

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actors.rules import coordinated_partner_ids
from commitments.models import Commitment, CommitmentItem
from core.actions import perform
from core.history import history_entries
from core.permissions import require, site_url
from core.uploads import file_response
from frameworks.models import Framework, Item
from territories.queries import DEPARTMENT_CODE, clean_query

from . import imports, queries, services
from .forms import (
    CampaignForm,
    DeliberationForm,
    ElectedForm,
    FrameworkChoiceForm,
    ImportForm,
    InvitationForm,
    ListForm,
    PaperForm,
    SignForm,
    StepForm,
    TakeOnForm,
    WithdrawForm,
)
from .models import CandidateList, ImportJob, SignatureInvitation, Step, Target
from .pdf import render_pdf
from .rules import contact_commune_ids

PAGE_SIZE = 50


def _campaign(slug):
    campaign = queries.campaign_get(slug)
    if campaign is None:
        raise Http404
    return campaign


def _target(slug, code):
    campaign = _campaign(slug)
    target = queries.target_get(campaign, code)
    if target is None:
        raise Http404
    target.campaign = campaign
    return target


# Public pages ---------------------------------------------------------------------


@require_GET
def campaign_list(request):
    page = Paginator(queries.campaigns_public(), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/campaign_list.html",
        {"page": page, "can_add": request.user.has_perm("campaigns.add_campaign")},
    )


def _filters(request, campaign):
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
    from urllib.parse import urlencode

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
    campaign = _campaign(slug)
    filters = _filters(request, campaign)
    targets = queries.with_public_lists(queries.campaign_targets(campaign, **filters))
    page = Paginator(targets, PAGE_SIZE).get_page(request.GET.get("page"))
    user = request.user
    frameworks = list(campaign.frameworks.all())
    items = list(filters["framework"].items.order_by("position")) if filters["framework"] else []
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "frameworks": frameworks,
            "items": items,
            "counts": queries.campaign_counts(campaign),
            "page": page,
            "filters": filters,
            "query_string": _filters_query_string(filters),
            "statuses": Target.Status.choices,
            "can_change": user.has_perm("campaigns.change_campaign", campaign),
            "can_take_on": user.has_perm("campaigns.take_on_commune", campaign),
            "can_import": user.has_perm("campaigns.import_commitments", campaign),
        },
    )


@require_GET
def campaign_map_data(request, slug):
    campaign = _campaign(slug)
    import json

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
    campaign = _campaign(slug)
    filters = _filters(request, campaign)
    rows = ([_inert(value) for value in row] for row in queries.campaign_export_rows(campaign, **filters))
    filename = f"{campaign.slug}.{fmt}"
    if fmt == "csv":
        writer = csv.writer(_Echo())
        # With a BOM, spreadsheet software reads the accents as UTF-8.
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
    target = _target(slug, code)
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
        context.update(queries.target_private(target))
        context.update(
            {
                # One page, several forms: distinct HTML ids (the field names stay as they are).
                "list_form": ListForm(auto_id="list_%s"),
                "step_form": StepForm(target=target, auto_id="step_%s"),
                "invitation_form": InvitationForm(target=target, auto_id="invitation_%s"),
                "elected_form": ElectedForm(
                    target=target,
                    initial={"candidate_list": target.lists.filter(is_elected=True).first()},
                    auto_id="result_%s",
                ),
                "framework_form": FrameworkChoiceForm(campaign=target.campaign),
                "withdraw_form": WithdrawForm(),
            }
        )
    return render(request, "campaigns/target_detail.html", context)


# Campaigns ------------------------------------------------------------------------


def _organises_one(user, form):
    """A partner coordinator creates campaigns that their own network organises (staff: any)."""
    if user.is_staff:
        return True
    return bool(
        coordinated_partner_ids(user) & {organizer.pk for organizer in form.cleaned_data["organizers"]}
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    require(request, "campaigns.add_campaign")
    form = CampaignForm(request.POST or None, initial={"letter_template": services.default_letter_text()})
    if request.method == "POST" and form.is_valid() and not _organises_one(request.user, form):
        form.add_error("organizers", _("Name your own network among the organising partners."))
    elif request.method == "POST" and form.is_valid():
        outcome = perform(
            request,
            lambda: services.campaign_create(user=request.user, **form.cleaned_data),
            errors=services.CampaignsError,
            form=form,
            success=_("The campaign is created."),
        )
        if outcome:
            return redirect(outcome.result)
    return render(request, "campaigns/campaign_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, slug):
    campaign = _campaign(slug)
    require(request, "campaigns.change_campaign", campaign)
    initial = {
        "title": campaign.title,
        "description": campaign.description,
        "frameworks": list(campaign.frameworks.all()),
        "organizers": list(campaign.organizers.all()),
        "first_round": campaign.first_round,
        "second_round": campaign.second_round,
        "mandate_start": campaign.mandate_start,
        "mandate_end": campaign.mandate_end,
        "is_open": campaign.is_open,
        "letter_template": campaign.letter_template,
    }
    form = CampaignForm(request.POST or None, initial=initial, editing=True)
    form.fields["frameworks"].queryset = (
        (Framework.objects.current() | Framework.objects.filter(campaigns=campaign))
        .distinct()
        .order_by("title")
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["letter_template"] = data["letter_template"] or services.default_letter_text()
        if perform(
            request,
            lambda: services.campaign_update(campaign=campaign, **data),
            errors=services.CampaignsError,
            form=form,
            success=_("Changes saved."),
        ):
            return redirect(campaign)
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": campaign})


@login_required
@require_http_methods(["GET", "POST"])
def target_take_on(request, slug):
    campaign = _campaign(slug)
    require(request, "campaigns.take_on_commune", campaign)
    user = request.user
    groups = services.user_groups(user)
    coordinator = user.has_perm("campaigns.change_campaign", campaign)
    represented = contact_commune_ids(user)
    form = TakeOnForm(
        request.POST or None,
        initial={"commune": clean_query(request.GET.get("commune", ""), 5)},
        groups=groups,
        group_required=not coordinator and not represented,
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and form.cleaned_data["group"] is None
        and not coordinator
        and form.cleaned_data["commune"].pk not in represented
    ):
        # Without a group, a municipal contact follows the commune they represent, nothing else.
        form.add_error(
            "group", _("Choose your group: without a group, you may only follow the commune you represent.")
        )
    elif request.method == "POST" and form.is_valid():
        outcome = perform(
            request,
            lambda: services.target_take_on(
                campaign=campaign,
                commune=form.cleaned_data["commune"],
                group=form.cleaned_data["group"],
                user=user,
            ),
            errors=services.CampaignsError,
            form=form,
            success=_("You follow this commune in the campaign."),
        )
        if outcome:
            return redirect(outcome.result)
    return render(
        request,
        "campaigns/take_on.html",
        {"campaign": campaign, "form": form, "represents": bool(represented)},
    )


# Managing a target ----------------------------------------------------------------


def _managed_target(request, slug, code, permission="campaigns.manage_target"):
    target = _target(slug, code)
    require(request, permission, target)
    return target


def _back(target, anchor=""):
    return redirect(target.get_absolute_url() + anchor)


def _form_errors(request, form):
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label} : {error}" if label else error)


@login_required
@require_POST
def list_add(request, slug, code):
    target = _managed_target(request, slug, code)
    form = ListForm(request.POST)
    if form.is_valid():
        perform(
            request,
            lambda: services.list_add(target=target, **form.cleaned_data),
            errors=services.CampaignsError,
            success=_("The list is added."),
        )
    else:
        _form_errors(request, form)
    return _back(target, "#listes")


def _list_of(target, list_id):
    return get_object_or_404(CandidateList, pk=list_id, target=target)


@login_required
@require_http_methods(["GET", "POST"])
def list_edit(request, slug, code, list_id):
    target = _managed_target(request, slug, code)
    candidate_list = _list_of(target, list_id)
    form = ListForm(
        request.POST or None,
        initial={
            "name": candidate_list.name,
            "head_name": candidate_list.head_name,
            "email": candidate_list.email,
            "political_label": candidate_list.political_label,
        },
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and perform(
            request,
            lambda: services.list_update(candidate_list=candidate_list, **form.cleaned_data),
            errors=services.CampaignsError,
            form=form,
            success=_("Changes saved."),
        )
    ):
        return _back(target, "#listes")
    return render(
        request,
        "campaigns/list_form.html",
        {"target": target, "candidate_list": candidate_list, "form": form},
    )


@login_required
@require_POST
def list_delete(request, slug, code, list_id):
    target = _managed_target(request, slug, code)
    candidate_list = _list_of(target, list_id)
    perform(
        request,
        lambda: services.list_delete(candidate_list=candidate_list),
        errors=services.CampaignsError,
        success=_("The list is removed."),
    )
    return _back(target, "#listes")


@login_required
@require_POST
def step_add(request, slug, code):
    target = _managed_target(request, slug, code)
    form = StepForm(request.POST, target=target)
    if form.is_valid():
        perform(
            request,
            lambda: services.step_add(target=target, user=request.user, **form.cleaned_data),
            errors=services.CampaignsError,
            success=_("The step is added to the log."),
        )
    else:
        _form_errors(request, form)
    return _back(target, "#journal")


@login_required
@require_POST
def step_delete(request, slug, code, step_id):
    target = _managed_target(request, slug, code)
    step = get_object_or_404(Step, pk=step_id, target=target)
    services.step_delete(step=step)
    messages.success(request, _("The step is removed from the log."))
    return _back(target, "#journal")


def _letter_args(request, target):
    wanted = request.GET.get("referentiel", "")
    framework = target.campaign.frameworks.filter(pk=int(wanted)).first() if wanted.isdigit() else None
    framework = framework or target.campaign.frameworks.order_by("title").first()
    candidate_list = None
    if list_id := request.GET.get("liste"):
        if not list_id.isdigit():
            raise Http404
        candidate_list = _list_of(target, int(list_id))
    return framework, candidate_list


@login_required
@require_GET
def letter(request, slug, code, fmt="html"):
    target = _managed_target(request, slug, code)
    framework, candidate_list = _letter_args(request, target)
    if framework is None:
        raise Http404
    text = services.letter_text(
        target=target, framework=framework, candidate_list=candidate_list, site_url=site_url(request)
    )
    context = {
        "target": target,
        "commune": target.commune,
        "framework": framework,
        "candidate_list": candidate_list,
        "paragraphs": [paragraph for paragraph in text.split("\n\n") if paragraph.strip()],
    }
    if fmt == "pdf":
        pdf = render_pdf("campaigns/letter_pdf.html", context)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="lettre-{target.commune.code}.pdf"'
        return response
    return render(request, "campaigns/letter.html", context)


@login_required
@require_POST
def invitation_send(request, slug, code):
    target = _managed_target(request, slug, code)
    form = InvitationForm(request.POST, target=target)
    if not form.is_valid():
        _form_errors(request, form)
    elif ratelimit.consume(request, action="signature_invitation", user=request.user) is False:
        messages.error(request, _("Too many invitations sent: try again later."))
    else:
        perform(
            request,
            lambda: services.invitation_send(
                target=target,
                framework=form.cleaned_data["framework"],
                candidate_list=form.cleaned_data.get("candidate_list"),
                email=form.cleaned_data["email"],
                sent_by=request.user,
                site_url=site_url(request),
            ),
            errors=services.CampaignsError,
            success=_("The signature invitation is sent."),
        )
    return _back(target, "#invitations")


@login_required
@require_POST
def invitation_cancel(request, slug, code, invitation_id):
    target = _managed_target(request, slug, code)
    invitation = get_object_or_404(SignatureInvitation, pk=invitation_id, target=target)
    services.invitation_cancel(invitation=invitation)
    messages.success(request, _("The invitation is cancelled: its link no longer works."))
    return _back(target, "#invitations")


def _chosen_framework(request, target):
    form = FrameworkChoiceForm(request.GET or None, campaign=target.campaign)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["referentiel"]
    return target.campaign.frameworks.order_by("title").first()


def _bulletin_page(request, target, framework, form, mode):
    """The form of a paper bulletin or of a deliberation: the framework's items to tick."""
    return render(
        request,
        "campaigns/bulletin_form.html",
        {
            "target": target,
            "framework": framework,
            "form": form,
            "sections": form.bound_sections(),
            "framework_form": FrameworkChoiceForm(
                initial={"referentiel": framework}, campaign=target.campaign
            ),
            "mode": mode,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def paper_record(request, slug, code):
    target = _managed_target(request, slug, code)
    framework = _chosen_framework(request, target)
    if framework is None:
        raise Http404
    form = PaperForm(request.POST or None, request.FILES or None, target=target, framework=framework)
    if (
        request.method == "POST"
        and form.is_valid()
        and perform(
            request,
            lambda: services.paper_record(
                target=target,
                framework=framework,
                choices=form.choices(),
                candidate_list=form.cleaned_data.get("candidate_list"),
                signatory_name=form.cleaned_data["signatory_name"],
                signatory_role=form.cleaned_data["signatory_role"],
                signed_on=form.cleaned_data["signed_on"],
                scan=form.cleaned_data.get("scan"),
                user=request.user,
            ),
            errors=services.CampaignsError,
            form=form,
            success=_("The paper bulletin is recorded."),
        )
    ):
        return _back(target, "#engagements")
    return _bulletin_page(request, target, framework, form, "paper")


@login_required
@require_http_methods(["GET", "POST"])
def deliberation_record(request, slug, code):
    target = _managed_target(request, slug, code, "campaigns.record_deliberation")
    framework = _chosen_framework(request, target)
    if framework is None:
        raise Http404
    form = DeliberationForm(request.POST or None, request.FILES or None, framework=framework)
    if (
        request.method == "POST"
        and form.is_valid()
        and perform(
            request,
            lambda: services.deliberation_record(
                target=target,
                framework=framework,
                choices=form.choices(),
                reference=form.cleaned_data["reference"],
                adopted_on=form.cleaned_data["adopted_on"],
                file=form.cleaned_data.get("file"),
                user=request.user,
            ),
            errors=services.CampaignsError,
            form=form,
            success=_("The deliberation is recorded: its items are the commune's commitments."),
        )
    ):
        return _back(target, "#engagements")
    return _bulletin_page(request, target, framework, form, "deliberation")


@login_required
@require_POST
def commitment_withdraw(request, slug, code, commitment_id):
    target = _managed_target(request, slug, code)
    commitment = get_object_or_404(Commitment, pk=commitment_id, target=target)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        perform(
            request,
            lambda: services.commitment_withdraw(commitment=commitment, reason=form.cleaned_data["reason"]),
            errors=services.CampaignsError,
            success=_("The commitment is recorded as withdrawn."),
        )
    else:
        _form_errors(request, form)
    return _back(target, "#engagements")


@login_required
@require_GET
def commitment_pdf(request, slug, code, commitment_id):
    target = _managed_target(request, slug, code)
    get_object_or_404(Commitment, pk=commitment_id, target=target)
    commitment = queries.commitment_for_document(commitment_id)
    pdf = render_pdf(
        "campaigns/bulletin_pdf.html", {"commitment": commitment, "items": commitment.items.all()}
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="bulletin-{target.commune.code}-{commitment.pk}.pdf"'
    )
    return response


@login_required
@require_GET
def commitment_scan(request, slug, code, commitment_id):
    """The scan of a signed paper bulletin: for the group and the coordinators only."""
    target = _managed_target(request, slug, code)
    commitment = get_object_or_404(Commitment, pk=commitment_id, target=target)
    if not commitment.scan:
        raise Http404
    return file_response(commitment.scan.name)


@login_required
@require_POST
def mark_elected(request, slug, code):
    target = _managed_target(request, slug, code)
    form = ElectedForm(request.POST, target=target)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(target, "#resultat")

    def success(count):
        if form.cleaned_data["candidate_list"] is None:
            return _("The result is cleared.")
        return _(
            "The elected list is recorded: %(count)s signed bulletin(s) become the commune's commitments."
        ) % {"count": count}

    perform(
        request,
        lambda: services.mark_elected(target=target, candidate_list=form.cleaned_data["candidate_list"]),
        errors=services.CampaignsError,
        success=success,
    )
    return _back(target, "#resultat")


@login_required
@require_GET
def target_history(request, slug, code):
    target = _managed_target(request, slug, code)
    list_ids = list(CandidateList.history.filter(target_id=target.pk).values_list("id", flat=True).distinct())
    commitment_ids = list(
        Commitment.history.filter(target_id=target.pk).values_list("id", flat=True).distinct()
    )
    item_records = list(
        CommitmentItem.history.filter(commitment_id__in=commitment_ids).order_by("-history_date")[:500]
    )
    items = Item.objects.in_bulk({record.item_id for record in item_records}) if item_records else {}

    def item_label(record):
        item = items.get(record.item_id)
        return f"{item.code}. {item.title}" if item else "—"

    entries = history_entries(item_records, label=item_label)
    for records in (
        target.history.order_by("-history_date")[:200],
        Step.history.filter(target_id=target.pk).order_by("-history_date")[:200],
        CandidateList.history.filter(id__in=list_ids).order_by("-history_date")[:200],
        Commitment.history.filter(id__in=commitment_ids).order_by("-history_date")[:200],
    ):
        entries += history_entries(list(records))
    entries.sort(key=lambda entry: entry["date"], reverse=True)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "campaigns/history.html", {"target": target, "page": page})


# Signing without an account -------------------------------------------------------


@require_http_methods(["GET", "POST"])
def sign(request, token):
    invitation = services.invitation_get(token)
    if invitation is None or not invitation.is_usable:
        return render(
            request,
            "campaigns/sign_invalid.html",
            {"invitation": invitation},
            status=410 if invitation else 404,
        )
    form = SignForm(request.POST or None, framework=invitation.framework)
    if request.method == "POST" and form.is_valid():
        outcome = perform(
            request,
            lambda: services.sign_online(
                token=token,
                choices=form.choices(),
                signatory_name=form.cleaned_data["signatory_name"],
                signatory_role=form.cleaned_data["signatory_role"],
                terms_accepted=form.cleaned_data["terms"],
                site_url=site_url(request),
            ),
            errors=services.CampaignsError,
            form=form,
        )
        if outcome:
            return render(request, "campaigns/sign_done.html", {"commitment": outcome.result})
    return render(
        request,
        "campaigns/sign.html",
        {
            "invitation": invitation,
            "target": invitation.target,
            "framework": invitation.framework,
            "form": form,
            "sections": form.bound_sections(),
        },
    )


@require_http_methods(["GET", "POST"])
def withdraw(request, token):
    commitment = services.withdraw_get(token)
    if commitment is None:
        return render(request, "campaigns/withdraw_invalid.html", status=404)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.commitment_withdraw(commitment=commitment, reason=form.cleaned_data["reason"])
        except services.CampaignsError as error:  # withdrawn meanwhile (a double submit)
            messages.info(request, str(error))
        else:
            messages.success(request, _("Your commitment is withdrawn. The page of the commune shows it."))
        return redirect(commitment.target)
    return render(request, "campaigns/withdraw.html", {"commitment": commitment, "form": form})


# Spreadsheet import ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request, slug):
    campaign = _campaign(slug)
    require(request, "campaigns.import_commitments", campaign)
    form = ImportForm()
    report = job = None
    if request.method == "POST" and request.POST.get("action") == "apply":
        job_id = request.POST.get("job", "")
        job = get_object_or_404(
            ImportJob, pk=int(job_id) if job_id.isdigit() else 0, campaign=campaign, created_by=request.user
        )
        perform(request, lambda: services.import_job_queue(job=job), errors=services.CampaignsError)
        return redirect(job)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > imports.MAX_BYTES:
                form.add_error("file", _("This file is too large: 10 MB at most."))
            else:
                outcome = perform(
                    request,
                    lambda: services.import_job_check(campaign=campaign, user=request.user, upload=upload),
                    errors=imports.ImportFileError,
                    form=form,
                    field="file",
                )
                if outcome:
                    report, job = outcome.result
    return render(
        request,
        "campaigns/import.html",
        {
            "campaign": campaign,
            "form": form,
            "report": report,
            "job": job,
            "columns": imports.COLUMNS,
            "jobs": campaign.import_jobs.select_related("created_by").exclude(
                status=ImportJob.Status.CHECKED
            )[:10],
        },
    )


@login_required
@require_GET
def import_job(request, slug, job_id):
    campaign = _campaign(slug)
    job = get_object_or_404(ImportJob.objects.select_related("created_by"), pk=job_id, campaign=campaign)
    require(request, "campaigns.import_commitments", campaign)
    return render(request, "campaigns/import_job.html", {"campaign": campaign, "job": job})


@login_required
@require_GET
def import_template(request, slug, fmt):
    campaign = _campaign(slug)
    require(request, "campaigns.import_commitments", campaign)
    content, content_type, filename = imports.import_template(fmt, campaign=campaign)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
