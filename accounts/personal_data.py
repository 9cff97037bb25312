"""What accounts stores about a user: the account itself, its email addresses, sessions,
two-factor authenticators (never their secrets) and, for staff, the admin's log.

Everything here goes with the account: the foreign keys cascade, nothing else to erase."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry

from core.personal_data import PersonalData, when

ADMIN_ACTIONS = {ADDITION: "addition", CHANGE: "change", DELETION: "deletion"}


def export(user):
    return {
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
        "two_factor_authenticators": [
            {
                "type": authenticator.type,
                "created_at": when(authenticator.created_at),
                "last_used_at": when(authenticator.last_used_at),
            }
            for authenticator in Authenticator.objects.filter(user=user)
        ],
        # What was changed, not the changed object's name (it may be someone else's).
        "admin_actions": [
            {
                "at": when(entry.action_time),
                "model": f"{entry.content_type.app_label}.{entry.content_type.model}"
                if entry.content_type
                else None,
                "object_id": entry.object_id,
                "action": ADMIN_ACTIONS.get(entry.action_flag, entry.action_flag),
            }
            for entry in LogEntry.objects.filter(user=user).select_related("content_type")
        ],
    }


PERSONAL_DATA = PersonalData(
    app="accounts",
    covers=(
        "account.EmailAddress.user",
        "usersessions.UserSession.user",
        "mfa.Authenticator.user",
        "admin.LogEntry.user",
    ),
    export=export,
)
