"""Citizens join a local group: a message to its coordinators, a request to join, the
coordinators' answer.

Writes, as services.py's: each function checks what it must, writes in one transaction,
and returns its result or raises ActorsError with a message for people. Messages sent
through the contact form are not stored: they go by email to the coordinators, with the
sender's (verified) address as Reply-To, which no page shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.emails import email_send

from .models import JoinRequest, Membership, Organization
from .services import ActorsError

if TYPE_CHECKING:
    from accounts.models import User

SUBJECT_MAX_LENGTH = 150
MESSAGE_MIN_LENGTH = 20
MESSAGE_MAX_LENGTH = 3000
JOIN_MESSAGE_MAX_LENGTH = 1000


def _coordinators(organization: Organization) -> list[User]:
    return [
        membership.user
        for membership in organization.memberships.filter(role=Membership.Role.COORDINATOR)
        .select_related("user")
        .order_by("created_at")
    ]


def _check_open(organization: Organization) -> None:
    if (
        organization.kind != Organization.Kind.LOCAL_GROUP
        or not organization.is_validated
        or organization.is_hidden
    ):
        raise ActorsError(_("Only a validated local group can be contacted or joined."))


def contact_send(
    *, organization: Organization, sender: User, subject: str, message: str, site_url: str = ""
) -> int:
    """Email a message to the group's coordinators; their answer goes to the sender's
    address (Reply-To). Returns how many coordinators it was sent to."""
    _check_open(organization)
    subject = " ".join(subject.split())
    message = message.strip()
    if not subject:
        raise ActorsError(_("Give your message a subject."))
    if len(subject) > SUBJECT_MAX_LENGTH:
        raise ActorsError(
            _("The subject is too long: %(max)d characters at most.") % {"max": SUBJECT_MAX_LENGTH}
        )
    if not MESSAGE_MIN_LENGTH <= len(message) <= MESSAGE_MAX_LENGTH:
        raise ActorsError(
            _("Your message must be between %(min)d and %(max)d characters long.")
            % {"min": MESSAGE_MIN_LENGTH, "max": MESSAGE_MAX_LENGTH}
        )
    coordinators = [user for user in _coordinators(organization) if user.pk != sender.pk]
    if not coordinators:
        raise ActorsError(_("You coordinate this group: there is nobody else to write to."))
    context = {
        "organization": organization,
        "sender_name": sender.public_name,
        "subject": subject,
        "message": message,
        "url": site_url + organization.get_absolute_url(),
    }
    for coordinator in coordinators:
        email_send(
            template="actors/emails/contact_message",
            to=coordinator,
            context=context,
            reply_to=[sender.email],
        )
    return len(coordinators)


def _notify_join_request(join_request: JoinRequest, *, site_url: str) -> None:
    organization = join_request.organization
    context = {
        "organization": organization,
        "requester_name": join_request.user.public_name,
        "message": join_request.message,
        "url": site_url + reverse("actors:members", args=[organization.slug]),
    }
    for coordinator in _coordinators(organization):
        email_send(template="actors/emails/join_request", to=coordinator, context=context)


@transaction.atomic
def join_request_create(
    *, organization: Organization, user: User, message: str = "", site_url: str = ""
) -> JoinRequest:
    """A signed-in user asks to join a local group; its coordinators are told by email."""
    _check_open(organization)
    message = message.strip()
    if len(message) > JOIN_MESSAGE_MAX_LENGTH:
        raise ActorsError(
            _("Your message is too long: %(max)d characters at most.") % {"max": JOIN_MESSAGE_MAX_LENGTH}
        )
    if Membership.objects.filter(organization=organization, user=user).exists():
        raise ActorsError(_("You are already a member of this group."))
    already = _("You have already asked to join this group: its coordinators will answer you by email.")
    if JoinRequest.objects.filter(
        organization=organization, user=user, status=JoinRequest.Status.PENDING
    ).exists():
        raise ActorsError(already)
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(organization=organization, user=user, message=message)
    except IntegrityError:  # a concurrent double submit
        raise ActorsError(already) from None
    transaction.on_commit(lambda: _notify_join_request(join_request, site_url=site_url))
    return join_request


@transaction.atomic
def join_request_withdraw(*, join_request: JoinRequest, user: User) -> JoinRequest:
    """The requester takes their request back before it is answered."""
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.user_id != user.pk or not join_request.is_pending:
        raise ActorsError(_("This request has already been answered."))
    join_request.status = JoinRequest.Status.WITHDRAWN
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_at"])
    return join_request


@transaction.atomic
def join_request_decide(
    *, join_request: JoinRequest, by: User, accept: bool, site_url: str = ""
) -> JoinRequest:
    """A coordinator accepts (the requester becomes a member) or declines a request; the
    requester is told by email."""
    join_request = (
        JoinRequest.objects.select_for_update(of=("self",))
        .select_related("organization", "user")
        .get(pk=join_request.pk)
    )
    if not join_request.is_pending:
        raise ActorsError(_("This request has already been answered."))
    organization = join_request.organization
    if accept:
        Membership.objects.get_or_create(
            user=join_request.user, organization=organization, defaults={"role": Membership.Role.MEMBER}
        )
    join_request.status = JoinRequest.Status.ACCEPTED if accept else JoinRequest.Status.DECLINED
    join_request.decided_at = timezone.now()
    join_request.decided_by = by
    join_request.save(update_fields=["status", "decided_at", "decided_by"])
    transaction.on_commit(
        lambda: email_send(
            template="actors/emails/join_answer",
            to=join_request.user,
            context={
                "organization": organization,
                "accepted": accept,
                "url": site_url + organization.get_absolute_url(),
            },
        )
    )
    return join_request
