"""What commitments stores about a user: the bulletins they recorded (on paper, by
deliberation or by importing a spreadsheet).

They stay after the account goes, shown as by "compte supprimé" (the foreign key is set
to null): a bulletin is the signatory's word, not the recorder's."""

from core.personal_data import PersonalData, when

from .models import Commitment


def export(user):
    return {
        "commitments_recorded": [
            {
                "campaign": commitment.target.campaign.title,
                "commune": commitment.target.commune.code,
                "channel": commitment.channel,
                "signatory": commitment.signatory_name,
                "created_at": when(commitment.created_at),
            }
            for commitment in Commitment.objects.filter(created_by=user).select_related(
                "target__campaign", "target__commune"
            )
        ],
    }


PERSONAL_DATA = PersonalData(
    app="commitments",
    covers=("commitments.Commitment.created_by",),
    export=export,
)
