"""The letter kit of a commune in a campaign, for its managers: one letter per list covering
every framework of the campaign, with the bulletins to sign, as a page or a PDF; the group's
paragraph and contact; the kit emailed to a head of list with its signature links."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.concurrency import perform_edit, track
from core.permissions import site_url

from .. import services
from ..letter_forms import KitForm, LetterSettingsForm
from ..models import CandidateList
from .common import back_to_target, form_errors, managed_target, send_signature_links


def _candidate_list(request, target):
    """The list the letter is for (`?liste=`), or None: the municipality."""
    list_id = request.GET.get("liste")
    if not list_id:
        return None
    if not list_id.isdigit():
        raise Http404
    return get_object_or_404(CandidateList, pk=int(list_id), target=target)


@login_required
@require_GET
def letter(request, slug, code, fmt="html"):
    target = managed_target(request, slug, code, hidden=True)
    candidate_list = _candidate_list(request, target)
    if candidate_list is None and target.campaign.kind_spec.has_lists and target.lists.exists():
        # A campaign with lists writes to a head of list, never to the town hall in their stead.
        candidate_list = target.lists.order_by("name").first()
    if not target.campaign.frameworks.exists():
        raise Http404
    arguments = {"target": target, "candidate_list": candidate_list, "site_url": site_url(request)}
    if fmt == "pdf":
        response = HttpResponse(services.letter_pdf(**arguments), content_type="application/pdf")
        name = f"lettre-{target.commune.code}" + (f"-{candidate_list.pk}" if candidate_list else "")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    return render(request, "campaigns/letter.html", services.letter_context(**arguments))


@login_required
@require_POST
def letter_settings(request, slug, code):
    target = managed_target(request, slug, code)
    form = track(LetterSettingsForm(request.POST, auto_id="letter_%s"), target)
    if not form.is_valid():
        form_errors(request, form)
    elif not perform_edit(
        request,
        form,
        lambda: services.letter_settings_save(target=target, **form.cleaned_data),
        current_values=lambda current: {
            name: getattr(current, name) for name in LetterSettingsForm.base_fields
        },
        what=_("the letter's sender block"),
        errors=services.CampaignsError,
        success=_("The letter's paragraph and contact are saved."),
    ):
        # Refused, or someone else saved them meanwhile: this form again (with theirs beside it).
        return render(request, "campaigns/letter_settings.html", {"target": target, "form": form})
    return back_to_target(target, "#lettre")


@login_required
@require_POST
def kit_send(request, slug, code):
    target = managed_target(request, slug, code)
    send_signature_links(
        request,
        KitForm(request.POST, target=target),
        lambda data: services.kit_send(
            target=target,
            candidate_list=data.get("candidate_list"),
            email=data["email"],
            sent_by=request.user,
            site_url=site_url(request),
        ),
        success=lambda invitations: (
            _("The letter is sent to %(email)s, with the bulletins and their signature links.")
            % {"email": invitations[0].email}
        ),
    )
    return back_to_target(target, "#lettre")
