"""What moderation stores about a user: the reports they made and, for moderators, the
reports they closed and their decisions. All stay after the account goes (the foreign
keys are set to null): the moderation log must not lose its entries."""

from core.personal_data import PersonalData, when

from .models import ModerationDecision, Report


def _content(record):
    return {"type": f"{record.content_type.app_label}.{record.content_type.model}", "id": record.object_id}


def export(user):
    return {
        "reports": [
            {"reason": report.reason, "comment": report.comment, "created_at": when(report.created_at)}
            for report in Report.objects.filter(reporter=user)
        ],
        # The reporter's comment is theirs, not the moderator's: left out.
        "reports_closed": [
            {
                "content": _content(report),
                "reason": report.reason,
                "status": report.status,
                "closed_at": when(report.closed_at),
            }
            for report in Report.objects.filter(closed_by=user).select_related("content_type")
        ],
        "moderation_decisions": [
            {
                "content": _content(decision),
                "action": decision.action,
                "reason": decision.reason,
                "on": when(decision.created_at),
            }
            for decision in ModerationDecision.objects.filter(moderator=user).select_related("content_type")
        ],
    }


PERSONAL_DATA = PersonalData(
    app="moderation",
    covers=(
        "moderation.Report.reporter",
        "moderation.Report.closed_by",
        "moderation.ModerationDecision.moderator",
    ),
    export=export,
)
