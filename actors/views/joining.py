"""Citizens join a local group: the contact form, the request to join (and its
withdrawal), the coordinators' answer from the members page.

Both forms ask for an account: the answer goes to a verified address, and the platform
never relays mail from an address nobody checked. Both are rate-limited per user and IP
(ACCOUNT_RATE_LIMITS: contact_organization, join_organization)."""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.actions import perform
from core.permissions import require, site_url

from .. import joining, services
from ..forms import ContactForm, JoinDecisionForm, JoinRequestForm
from ..models import JoinRequest
from .common import organization_or_404


@login_required
@require_http_methods(["GET", "POST"])
def organization_contact(request, slug):
    organization = organization_or_404(request, slug)
    require(request, "actors.contact_organization", organization)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if ratelimit.consume(request, action="contact_organization", user=request.user) is False:
            form.add_error(None, _("Too many messages sent: try again in an hour."))
        elif perform(
            request,
            lambda: joining.contact_send(
                organization=organization,
                sender=request.user,
                site_url=site_url(request),
                **form.cleaned_data,
            ),
            errors=services.ActorsError,
            form=form,
            success=_("Your message was sent to the coordinators of %(name)s. They will answer you by email.")
            % {"name": organization.name},
        ):
            return redirect(organization)
    return render(request, "actors/contact.html", {"organization": organization, "form": form})


def _pending_request(organization, user):
    return JoinRequest.objects.filter(
        organization=organization, user=user, status=JoinRequest.Status.PENDING
    ).first()


@login_required
@require_http_methods(["GET", "POST"])
def organization_join(request, slug):
    organization = organization_or_404(request, slug)
    pending = _pending_request(organization, request.user)
    if pending is None:
        require(request, "actors.request_to_join", organization)
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and pending is None and form.is_valid():
        if ratelimit.consume(request, action="join_organization", user=request.user) is False:
            form.add_error(None, _("Too many requests sent: try again in an hour."))
        elif perform(
            request,
            lambda: joining.join_request_create(
                organization=organization,
                user=request.user,
                message=form.cleaned_data["message"],
                site_url=site_url(request),
            ),
            errors=services.ActorsError,
            form=form,
            field="message",
            success=_("Your request was sent. The coordinators of %(name)s will answer you by email.")
            % {"name": organization.name},
        ):
            return redirect(organization)
    elif request.method == "POST":
        messages.error(request, _("You have already asked to join this group."))
    return render(
        request, "actors/join.html", {"organization": organization, "form": form, "pending": pending}
    )


@login_required
@require_POST
def join_request_withdraw(request, slug):
    organization = organization_or_404(request, slug)
    join_request = _pending_request(organization, request.user)
    if join_request is None:
        messages.error(request, _("You have no request waiting for an answer in this group."))
        return redirect(organization)
    perform(
        request,
        lambda: joining.join_request_withdraw(join_request=join_request, user=request.user),
        errors=services.ActorsError,
        success=_("Your request to join was withdrawn."),
    )
    return redirect(organization)


@login_required
@require_POST
def join_request_decide(request, slug, request_id):
    organization = organization_or_404(request, slug)
    require(request, "actors.decide_join_request", organization)
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("user"), pk=request_id, organization=organization
    )
    form = JoinDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or to decline."))
        return redirect("actors:members", slug=organization.slug)
    accept = form.cleaned_data["decision"] == "accept"
    name = join_request.user.public_name
    perform(
        request,
        lambda: joining.join_request_decide(
            join_request=join_request, by=request.user, accept=accept, site_url=site_url(request)
        ),
        errors=services.ActorsError,
        success=(
            _("%(name)s is now a member; they are told by email.")
            if accept
            else _("Request of %(name)s declined; they are told by email.")
        )
        % {"name": name},
    )
    return redirect("actors:members", slug=organization.slug)
