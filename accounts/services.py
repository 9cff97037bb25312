"""Writes and exports for a user's own account (GDPR: access and erasure)."""

from django.db import transaction
from django.utils import timezone


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


@transaction.atomic
def account_delete(*, user):
    """Delete the account. Contributions stay, shown as by "compte supprimé"."""
    user.delete()
