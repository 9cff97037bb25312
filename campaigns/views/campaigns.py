"""Creating and editing a campaign; taking a commune on in it (a group, or a municipal contact)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from actors.rules import coordinated_partner_ids
from core.actions import perform
from core.concurrency import perform_edit, track
from core.permissions import require
from territories.queries import clean_query

from .. import services
from ..forms import CampaignForm, TakeOnForm
from ..rules import contact_commune_ids
from .common import campaign_or_404


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
    campaign = campaign_or_404(slug)
    require(request, "campaigns.change_campaign", campaign)
    # Initial values from the campaign; its frameworks stay offered even when superseded.
    form = track(CampaignForm(request.POST or None, instance=campaign), campaign)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["letter_template"] = data["letter_template"] or services.default_letter_text()
        if perform_edit(
            request,
            form,
            lambda: services.campaign_update(campaign=campaign, **data),
            current_values=lambda current: CampaignForm(instance=current).initial,
            what=_("this campaign"),
            errors=services.CampaignsError,
            success=_("Changes saved."),
        ):
            return redirect(campaign)
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": campaign})


@login_required
@require_http_methods(["GET", "POST"])
def target_take_on(request, slug):
    campaign = campaign_or_404(slug)
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
