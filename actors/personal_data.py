"""What actors stores about a user: memberships, organisations they created or validated,
municipal roles (and those they verified), invitations sent and received, requests to
join a group (and those they answered). Messages sent through a group's contact form are
not stored (they go by email).

Erased with the account: the history of their municipal roles (the position names a
person), the invitations sent to their addresses, their requests to join (with the
account, by cascade) and those requests' history (their message may name them). Refused while they alone coordinate
an organisation that has other members."""

from allauth.account.models import EmailAddress
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from core.personal_data import PersonalData, when

from .models import Invitation, JoinRequest, Membership, MunicipalContact, Organization


def _join_requests(user):
    """Their requests to join a group, and the requests they answered as coordinators."""
    return {
        "join_requests": [
            {
                "organization": join_request.organization.name,
                "message": join_request.message,
                "status": join_request.status,
                "asked_at": when(join_request.created_at),
                "answered_at": when(join_request.decided_at),
            }
            for join_request in JoinRequest.objects.filter(user=user).select_related("organization")
        ],
        "join_requests_answered": [
            {
                "organization": join_request.organization.name,
                "status": join_request.status,
                "on": when(join_request.decided_at),
            }
            for join_request in JoinRequest.objects.filter(decided_by=user).select_related("organization")
        ],
    }


def export(user):
    return {
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
        "organizations_validated": [
            {"name": organization.name, "status": organization.status, "on": when(organization.validated_at)}
            for organization in Organization.objects.filter(validated_by=user)
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
        "municipal_contacts_verified": [
            {"commune": contact.commune.code, "status": contact.status, "on": when(contact.verified_at)}
            for contact in MunicipalContact.objects.filter(verified_by=user).select_related("commune")
        ],
        "invitations_received": [
            {"organization": invitation.organization.name, "sent_at": when(invitation.created_at)}
            for invitation in Invitation.objects.filter(
                Q(email__iexact=user.email) | Q(accepted_by=user)
            ).select_related("organization")
        ],
        "invitations_sent": [
            {
                "organization": invitation.organization.name,
                "email": invitation.email,
                "role": invitation.role,
                "sent_at": when(invitation.created_at),
                "accepted_at": when(invitation.accepted_at),
                "cancelled_at": when(invitation.cancelled_at),
            }
            for invitation in Invitation.objects.filter(invited_by=user).select_related("organization")
        ],
        **_join_requests(user),
    }


def organizations_left_without_coordinator(user):
    """Organisations with other members that this user alone coordinates."""
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


def refusal(user):
    orphans = list(organizations_left_without_coordinator(user))
    if not orphans:
        return None
    return _("You alone coordinate %(names)s: name another coordinator first, then delete your account.") % {
        "names": ", ".join(organization.name for organization in orphans)
    }


def erase(user):
    """What would still say who they were: their municipal roles' history (where the
    position identifies a person) and the invitations to any of their addresses."""
    addresses = set(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) | {user.email}
    MunicipalContact.history.filter(user_id=user.pk).delete()
    JoinRequest.history.filter(user_id=user.pk).delete()
    for address in addresses:
        Invitation.objects.filter(email__iexact=address).delete()


PERSONAL_DATA = PersonalData(
    app="actors",
    covers=(
        "actors.Organization.created_by",
        "actors.Organization.validated_by",
        "actors.Membership.user",
        "actors.Invitation.invited_by",
        "actors.Invitation.accepted_by",
        "actors.MunicipalContact.user",
        "actors.MunicipalContact.verified_by",
        "actors.JoinRequest.user",
        "actors.JoinRequest.decided_by",
    ),
    export=export,
    erase=erase,
    refusal=refusal,
)
