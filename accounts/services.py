"""Writes and exports for a user's own account (GDPR: access and erasure)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _


def account_data_export(*, user):
    """Everything we store about this user, as a JSON-ready dict."""
    from allauth.account.models import EmailAddress
    from allauth.usersessions.models import UserSession

    from actors.models import Invitation, Membership, MunicipalContact, Organization
    from moderation.models import Report

    def when(value):
        return value.isoformat() if value else None

    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "public_name": user.display_name,
            "language": user.language,
            "joined_on": when(user.date_joined),
            "last_login": when(user.last_login),
            "platform_staff": user.is_staff,
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user)
        ],
        "sessions": [
            {"ip": session.ip, "user_agent": session.user_agent, "created_at": when(session.created_at)}
            for session in UserSession.objects.filter(user=user)
        ],
        "memberships": [
            {
                "organization": membership.organization.name,
                "role": membership.role,
                "since": when(membership.created_at),
            }
            for membership in Membership.objects.filter(user=user).select_related("organization")
        ],
        "organizations_created": [
            {"name": organization.name, "created_at": when(organization.created_at)}
            for organization in Organization.objects.filter(created_by=user)
        ],
        "municipal_contacts": [
            {
                "commune": contact.commune.code,
                "role": contact.role,
                "position": contact.position,
                "status": contact.status,
                "requested_at": when(contact.requested_at),
            }
            for contact in MunicipalContact.objects.filter(user=user).select_related("commune")
        ],
        "invitations_received": [
            {"organization": invitation.organization.name, "sent_at": when(invitation.created_at)}
            for invitation in Invitation.objects.filter(email__iexact=user.email).select_related(
                "organization"
            )
        ],
        "reports": [
            {"reason": report.reason, "comment": report.comment, "created_at": when(report.created_at)}
            for report in Report.objects.filter(reporter=user)
        ],
    }


class AccountError(Exception):
    """A refused action on an account; the message is shown as is."""


def organizations_left_without_coordinator(user):
    """Organisations with other members that this user alone coordinates."""
    from django.db.models import Count, Q

    from actors.models import Membership, Organization

    coordinated = Membership.objects.filter(user=user, role=Membership.Role.COORDINATOR).values(
        "organization"
    )
    return (
        Organization.objects.filter(pk__in=coordinated)
        .annotate(
            coordinators=Count("memberships", filter=Q(memberships__role=Membership.Role.COORDINATOR)),
            members=Count("memberships"),
        )
        .filter(coordinators=1, members__gt=1)
        .order_by("name")
    )


@transaction.atomic
def account_delete(*, user):
    """Delete the account. Contributions stay, shown as by "compte supprimé".

    Refused while the user alone coordinates an organisation that has other
    members: they name another coordinator first.
    """
    orphans = list(organizations_left_without_coordinator(user))
    if orphans:
        raise AccountError(
            _("You alone coordinate %(names)s: name another coordinator first, then delete your account.")
            % {"names": ", ".join(organization.name for organization in orphans)}
        )
    from allauth.account.models import EmailAddress

    from actors.models import Invitation, MunicipalContact

    # What would still say who they were: their municipal roles (with their
    # history, where the position identifies a person) and invitations to them.
    addresses = set(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) | {user.email}
    MunicipalContact.history.filter(user_id=user.pk).delete()
    for address in addresses:
        Invitation.objects.filter(email__iexact=address).delete()
    user.delete()
