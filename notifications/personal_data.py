"""What following stores about a person: what they follow, how they want to be told, and
the events still to tell them (or told lately). All of it goes with the account."""

from core.personal_data import PersonalData, when

from .models import Notification, Preference, Subscription


def _target(subscription):
    if subscription.commune_id:
        return f"{subscription.commune.code} {subscription.commune.display_name}"
    if subscription.item_id:
        return f"{subscription.item.framework.slug} {subscription.item.code}"
    return subscription.organization.slug


def export(user):
    subscriptions = Subscription.objects.filter(user=user).select_related(
        "commune", "item__framework", "organization"
    )
    preference = Preference.objects.filter(user=user).first()
    return {
        "subscriptions": [
            {
                "kind": subscription.kind,
                "target": _target(subscription),
                "since": when(subscription.created_at),
            }
            for subscription in subscriptions
        ],
        "notification_preference": {
            "frequency": preference.frequency if preference else Preference.Frequency.WEEKLY,
            "last_digest_at": when(preference.last_digest_at) if preference else None,
        },
        "notifications": [
            {
                "event": row["event"],
                "object": row["object_id"],
                "created_at": when(row["created_at"]),
                "sent_at": when(row["sent_at"]),
            }
            for row in Notification.objects.filter(user=user).values(
                "event", "object_id", "created_at", "sent_at"
            )
        ],
    }


def erase(user):
    Subscription.objects.filter(user=user).delete()
    Notification.objects.filter(user=user).delete()
    Preference.objects.filter(user=user).delete()


PERSONAL_DATA = PersonalData(
    app="notifications",
    covers=(
        "notifications.Subscription.user",
        "notifications.Preference.user",
        "notifications.Notification.user",
    ),
    export=export,
    erase=erase,
)
