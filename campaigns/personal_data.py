"""What campaigns stores about a user: the campaigns they created, the communes they took
on, the steps they logged, the signature invitations they sent and the spreadsheets they
imported. (The bulletins they recorded are commitments'.)

All of it stays after the account goes, shown as by "compte supprimé" (the foreign keys
are set to null): it is the campaign's record, not the person's."""

from core.personal_data import PersonalData, when

from .models import Campaign, ImportJob, SignatureInvitation, Step, Target


def _where(target):
    return {"campaign": target.campaign.title, "commune": target.commune.code}


def export(user):
    return {
        "campaigns_created": [
            {"title": campaign.title, "kind": campaign.kind, "created_at": when(campaign.created_at)}
            for campaign in Campaign.objects.filter(created_by=user)
        ],
        "communes_taken_on": [
            {**_where(target), "created_at": when(target.created_at)}
            for target in Target.objects.filter(created_by=user).select_related("campaign", "commune")
        ],
        "steps_logged": [
            {
                **_where(step.target),
                "step": step.kind,
                "date": when(step.date),
                "notes": step.notes,
                "public_reason": step.public_reason,
                "created_at": when(step.created_at),
            }
            for step in Step.objects.filter(created_by=user).select_related(
                "target__campaign", "target__commune"
            )
        ],
        "signature_invitations_sent": [
            {
                **_where(invitation.target),
                "email": invitation.email,
                "sent_at": when(invitation.created_at),
                "signed_at": when(invitation.used_at),
                "cancelled_at": when(invitation.cancelled_at),
            }
            for invitation in SignatureInvitation.objects.filter(sent_by=user).select_related(
                "target__campaign", "target__commune"
            )
        ],
        "imports_run": [
            {
                "campaign": job.campaign.title,
                "file": job.filename,
                "status": job.status,
                "rows": job.row_count,
                "created_at": when(job.created_at),
            }
            for job in ImportJob.objects.filter(created_by=user).select_related("campaign")
        ],
    }


PERSONAL_DATA = PersonalData(
    app="campaigns",
    covers=(
        "campaigns.Campaign.created_by",
        "campaigns.Target.created_by",
        "campaigns.Step.created_by",
        "campaigns.SignatureInvitation.sent_by",
        "campaigns.ImportJob.created_by",
    ),
    export=export,
)
