"""Writes for organisations, memberships, invitations and municipal contacts.

Each function checks what it must, writes in one transaction, and either
returns its result or raises ActorsError with a message for people.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Literal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.concurrency import claim
from core.emails import email_send
from core.slugs import unique_slug
from core.tokens import TOKEN_MAX_LENGTH, new_token, token_hash

from . import queries
from .models import Invitation, Membership, MunicipalContact, Organization
from .signals import municipal_contact_verified

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User
    from territories.models import Commune


class ActorsError(Exception):
    """A refused action; the message is shown to the user as is."""


def _unique_slug(name: str, commune: Commune | None = None) -> str:
    """The group's name, with its commune's when the name does not say it."""
    text = f"{name} {commune.name}" if commune and commune.name.lower() not in name.lower() else name
    return unique_slug(Organization, text, fallback="organisation")


def _notify_network_coordinators(organization: Organization, *, site_url: str) -> None:
    partners = organization.networks.all()
    coordinators = Membership.objects.filter(
        organization__in=partners, role=Membership.Role.COORDINATOR
    ).select_related("user")
    for membership in coordinators:
        email_send(
            template="actors/emails/organization_to_validate",
            to=membership.user,
            context={"organization": organization, "url": site_url + reverse("actors:validation_queue")},
        )


@transaction.atomic
def organization_create_local_group(
    *,
    user: User,
    name: str,
    group_type: str,
    commune: Commune,
    networks: Iterable[Organization],
    description: str = "",
    website: str = "",
    site_url: str = "",
) -> Organization:
    """A user creates a local group for a commune: pending until validated; they coordinate it."""
    name = name.strip()
    if not name:
        raise ActorsError(_("Give the group a name."))
    if not commune.is_active:
        raise ActorsError(_("This commune no longer exists."))
    if Organization.objects.filter(
        kind=Organization.Kind.LOCAL_GROUP, commune=commune, name__iexact=name
    ).exists():
        raise ActorsError(_("A group with this name already exists in this commune."))
    organization = Organization.objects.create(
        name=name,
        slug=_unique_slug(name, commune),
        kind=Organization.Kind.LOCAL_GROUP,
        group_type=group_type,
        scale=Organization.Scale.COMMUNE,
        commune=commune,
        description=description.strip(),
        website=website,
        created_by=user,
    )
    organization.networks.set(networks)
    Membership.objects.create(user=user, organization=organization, role=Membership.Role.COORDINATOR)
    transaction.on_commit(lambda: _notify_network_coordinators(organization, site_url=site_url))
    return organization


@transaction.atomic
def organization_update(
    *,
    organization: Organization,
    name: str,
    description: str,
    website: str,
    logo: UploadedFile | Literal[False] | None = None,
    networks: Iterable[Organization] | None = None,
    version: int | None = None,
) -> Organization:
    """Edit an organisation, unless it changed since `version` (ConcurrentEdit). logo: an
    uploaded file, False to remove it, None to keep it."""
    name = name.strip()
    if not name:
        raise ActorsError(_("Give the group a name."))
    if (
        organization.commune_id
        and Organization.objects.filter(
            commune_id=organization.commune_id, kind=organization.kind, name__iexact=name
        )
        .exclude(pk=organization.pk)
        .exists()
    ):
        raise ActorsError(_("A group with this name already exists in this commune."))
    claim(organization, version)
    organization.name = name
    organization.description = description.strip()
    organization.website = website
    fields = ["name", "description", "website"]
    if logo is False and organization.logo:
        organization.logo.delete(save=False)
        fields.append("logo")
    elif logo:
        organization.logo = logo
        fields.append("logo")
    organization.save(update_fields=fields)
    if networks is not None and organization.is_pending:
        organization.networks.set(networks)
    return organization


@transaction.atomic
def organization_set_status(
    *, organization: Organization, user: User, validated: bool, reason: str = "", site_url: str = ""
) -> Organization:
    """A network coordinator (or staff) validates or rejects a pending organisation."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if not organization.is_pending:
        raise ActorsError(_("This organisation has already been reviewed."))
    if not validated and not reason.strip():
        raise ActorsError(_("Say why the organisation is rejected."))
    organization.status = Organization.Status.VALIDATED if validated else Organization.Status.REJECTED
    organization.status_reason = reason.strip()
    organization.validated_by = user
    organization.validated_at = timezone.now()
    organization.save(update_fields=["status", "status_reason", "validated_by", "validated_at"])
    coordinators = [
        membership.user
        for membership in organization.memberships.filter(role=Membership.Role.COORDINATOR).select_related(
            "user"
        )
    ]

    def notify() -> None:
        for coordinator in coordinators:
            email_send(
                template="actors/emails/organization_reviewed",
                to=coordinator,
                context={
                    "organization": organization,
                    "validated": validated,
                    "reason": reason,
                    "url": site_url + organization.get_absolute_url(),
                },
            )

    transaction.on_commit(notify)
    return organization


@transaction.atomic
def invitation_send(
    *, organization: Organization, email: str, role: str, invited_by: User, site_url: str = ""
) -> Invitation:
    """Invite someone by email; returns the invitation (the token only travels by email)."""
    email = email.strip().lower()
    if not organization.is_validated:
        raise ActorsError(_("Members can be invited once the organisation is validated."))
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise ActorsError(_("This person is already a member."))
    # A new invitation replaces a pending one to the same address.
    Invitation.objects.filter(
        organization=organization, email__iexact=email, accepted_at__isnull=True, cancelled_at__isnull=True
    ).update(cancelled_at=timezone.now())
    token, hashed = new_token()
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        token_hash=hashed,
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=Invitation.VALIDITY_DAYS),
    )
    url = site_url + reverse("actors:invitation", args=[token])
    transaction.on_commit(
        lambda: email_send(
            template="actors/emails/invitation",
            to=email,
            language=getattr(invited_by, "language", None),
            context={
                "invitation": invitation,
                "organization": organization,
                "url": url,
                "inviter": invited_by,
            },
        )
    )
    return invitation


def invitation_get(token: str) -> Invitation | None:
    """The invitation behind a token, usable or not; None when unknown."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    return Invitation.objects.select_related("organization").filter(token_hash=token_hash(token)).first()


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    invitation = invitation_get(token)
    if invitation is None or not invitation.is_usable:
        # One message for unknown, used, cancelled and expired links.
        raise ActorsError(_("This invitation link is invalid or has expired. Ask for a new one."))
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise ActorsError(_("This invitation link is invalid or has expired. Ask for a new one."))
    if invitation.email.lower() != user.email.lower():
        raise ActorsError(_("This invitation was sent to another email address. Sign in with that address."))
    membership, created = Membership.objects.get_or_create(
        user=user, organization=invitation.organization, defaults={"role": invitation.role}
    )
    if not created and invitation.role == Membership.Role.COORDINATOR and membership.role != invitation.role:
        membership.role = invitation.role
        membership.save(update_fields=["role"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def invitation_cancel(*, invitation: Invitation) -> None:
    if invitation.accepted_at or invitation.cancelled_at:
        raise ActorsError(_("This invitation can no longer be cancelled."))
    invitation.cancelled_at = timezone.now()
    invitation.save(update_fields=["cancelled_at"])


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    """Remove a member; an organisation always keeps at least one coordinator."""
    if membership.role == Membership.Role.COORDINATOR:
        others = Membership.objects.filter(
            organization=membership.organization, role=Membership.Role.COORDINATOR
        ).exclude(pk=membership.pk)
        if not others.exists():
            raise ActorsError(_("The last coordinator cannot leave: name another coordinator first."))
    membership.delete()


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str, version: int | None = None) -> Membership:
    """A member's role, unless it changed since `version` (ConcurrentEdit)."""
    claim(membership, version)
    if membership.role == Membership.Role.COORDINATOR and role != Membership.Role.COORDINATOR:
        others = Membership.objects.filter(
            organization=membership.organization, role=Membership.Role.COORDINATOR
        ).exclude(pk=membership.pk)
        if not others.exists():
            raise ActorsError(_("The last coordinator cannot step down: name another coordinator first."))
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def municipal_contact_request(
    *, user: User, commune: Commune, role: str, position: str, by_town_hall_email: bool, site_url: str = ""
) -> MunicipalContact:
    """A user says they represent a commune; verification by the town hall's email or by a coordinator."""
    if not commune.is_active:
        raise ActorsError(_("This commune no longer exists."))
    if by_town_hall_email and not commune.town_hall_email:
        raise ActorsError(
            _(
                "The official directory gives no email for this town hall: ask a partner coordinator to verify you."
            )
        )
    try:
        contact, _created = MunicipalContact.objects.get_or_create(
            user=user, commune=commune, defaults={"role": role, "position": position.strip()}
        )
    except IntegrityError:  # pragma: no cover - concurrent double submit
        raise ActorsError(_("Your request is already recorded.")) from None
    if contact.is_verified:
        raise ActorsError(_("You are already a verified contact of this commune."))
    contact.role = role
    contact.position = position.strip()
    contact.status = MunicipalContact.Status.PENDING
    contact.token_hash = ""
    contact.token_expires_at = None
    if by_town_hall_email:
        token, hashed = new_token()
        contact.token_hash = hashed
        contact.token_expires_at = timezone.now() + timedelta(hours=MunicipalContact.VALIDITY_HOURS)
        url = site_url + reverse("actors:municipal_contact_verify", args=[token])
        transaction.on_commit(
            lambda: email_send(
                template="actors/emails/town_hall_verification",
                to=commune.town_hall_email,
                language="fr",
                context={"contact": contact, "commune": commune, "url": url},
            )
        )
    contact.save()
    return contact


@transaction.atomic
def municipal_contact_verify_by_token(*, token: str) -> MunicipalContact:
    """The town hall clicked the link sent to its official address."""
    contact = queries.pending_contact_by_token(token, for_update=True)
    if contact is None:
        raise ActorsError(_("This verification link is invalid or has expired."))
    contact.status = MunicipalContact.Status.VERIFIED
    contact.method = MunicipalContact.Method.TOWN_HALL_EMAIL
    contact.verified_at = timezone.now()
    contact.token_hash = ""
    contact.token_expires_at = None
    contact.save()
    _tell_verified(contact, reviewer=None)
    return contact


def _tell_verified(contact: MunicipalContact, *, reviewer: User | None) -> None:
    """Once the verification commits, the apps above are told (they email the contact,
    the groups acting on the commune and the campaigns' coordinators)."""
    transaction.on_commit(
        lambda: municipal_contact_verified.send(sender=MunicipalContact, contact=contact, reviewer=reviewer)
    )


@transaction.atomic
def municipal_contact_review(
    *, contact: MunicipalContact, reviewer: User, verified: bool
) -> MunicipalContact:
    """A partner coordinator (or staff) verifies or rejects a municipal contact."""
    contact = MunicipalContact.objects.select_for_update().get(pk=contact.pk)
    if contact.status != MunicipalContact.Status.PENDING:
        raise ActorsError(_("This request has already been reviewed."))
    contact.status = MunicipalContact.Status.VERIFIED if verified else MunicipalContact.Status.REJECTED
    contact.method = MunicipalContact.Method.COORDINATOR if verified else ""
    contact.verified_by = reviewer
    contact.verified_at = timezone.now() if verified else None
    contact.token_hash = ""
    contact.token_expires_at = None
    contact.save()
    if verified:
        _tell_verified(contact, reviewer=reviewer)
    return contact
