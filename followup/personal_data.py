"""What the follow-up stores about a user: the updates and joint statements they wrote,
and the joint statements they co-signed.

Published ones stay after the account goes, shown as by "compte supprimé" (the foreign
keys are set to null): they are a voice's public word in the commune's follow-up. The
joint statements the user drafted and nobody co-signed yet are theirs alone: they go
with the account."""

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q

from core.personal_data import PersonalData, when

from .models import Barometer, BarometerReminder, Evidence, Rating, Update


def _entry(update):
    return {
        "commune": update.commune.code,
        "item": f"{update.item.framework.slug} {update.item.code}",
        "kind": update.kind,
        "status": update.status,
        "progress": update.progress,
        "text": update.text,
        "written_at": when(update.created_at),
        "published_at": when(update.published_at),
    }


def export(user):
    updates = Update.objects.filter(Q(created_by=user) | Q(cosigned_by=user)).select_related(
        "commune", "item__framework"
    )
    return {
        **_barometer_export(user),
        "followup_updates_written": [_entry(update) for update in updates if update.created_by_id == user.pk],
        "followup_statements_cosigned": [
            {**_entry(update), "cosigned_at": when(update.cosigned_at)}
            for update in updates
            if update.cosigned_by_id == user.pk
        ],
    }


def erase(user):
    drafts = Update.objects.filter(created_by=user, kind=Update.Kind.JOINT, published_at__isnull=True)
    names = list(Evidence.objects.filter(update__in=drafts).exclude(file="").values_list("file", flat=True))
    drafts.delete()
    transaction.on_commit(lambda: [default_storage.delete(name) for name in names])


def _barometer_export(user):
    """The barometers the user opened, the ratings they gave (their side's, as they last
    left them: a later change by someone else of their side makes it theirs), the reminders
    they were sent. Ratings and barometers stay after the account goes ("compte supprimé");
    reminders go with it."""
    ratings = Rating.objects.filter(author=user).select_related("barometer", "commune", "item__framework")
    return {
        "followup_barometers_opened": [
            {
                "framework": b.framework_slug,
                "year": b.year,
                "opens_on": str(b.opens_on),
                "closes_on": str(b.closes_on),
            }
            for b in Barometer.objects.filter(created_by=user)
        ],
        "followup_barometer_ratings": [
            {
                "barometer": f"{r.barometer.framework_slug} {r.barometer.year}",
                "commune": r.commune.code,
                "item": f"{r.item.framework.slug} {r.item.code}",
                "voice": r.voice,
                "score": r.score,
                "rating": str(r.get_score_display()),
                "comment": r.comment,
                "rated_at": when(r.rated_at),
            }
            for r in ratings
        ],
        "followup_barometer_reminders": [
            {
                "barometer": f"{r.barometer.framework_slug} {r.barometer.year}",
                "kind": r.kind,
                "sent_at": when(r.sent_at),
            }
            for r in BarometerReminder.objects.filter(user=user).select_related("barometer")
        ],
    }


PERSONAL_DATA = PersonalData(
    app="followup",
    covers=(
        "followup.Update.created_by",
        "followup.Update.cosigned_by",
        "followup.Barometer.created_by",
        "followup.Rating.author",
        "followup.BarometerReminder.user",
    ),
    export=export,
    erase=erase,
)
