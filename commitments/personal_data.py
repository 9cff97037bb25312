"""What commitments stores about a user: the bulletins they recorded (on paper, by
deliberation or by importing a spreadsheet), the commitments made elsewhere they declared,
and the declarations they confirmed or refused.

They stay after the account goes, shown as by "compte supprimé" (the foreign keys are set
to null): a bulletin is the signatory's word, not the recorder's; a declaration and its
confirmation are the commune's record."""

from django.db.models import Q

from core.personal_data import PersonalData, when

from .models import Commitment, Declaration


def _declaration(declaration):
    return {
        "commune": declaration.commune.code,
        "framework": declaration.framework.slug,
        "committed_by": declaration.committed_by,
        "list": declaration.list_name,
        "committed_on": when(declaration.committed_on),
        "status": declaration.status,
    }


def export(user):
    declarations = Declaration.objects.filter(Q(declared_by=user) | Q(decided_by=user)).select_related(
        "commune", "framework"
    )
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
        "commitments_declared": [
            {
                **_declaration(declaration),
                "declared_as": declaration.declared_as,
                "declared_at": when(declaration.declared_at),
            }
            for declaration in declarations
            if declaration.declared_by_id == user.pk
        ],
        "declarations_decided": [
            {
                **_declaration(declaration),
                "decided_as": declaration.decided_as,
                "decided_at": when(declaration.decided_at),
                "reason": declaration.reason,
            }
            for declaration in declarations
            if declaration.decided_by_id == user.pk
        ],
    }


PERSONAL_DATA = PersonalData(
    app="commitments",
    covers=(
        "commitments.Commitment.created_by",
        "commitments.Declaration.declared_by",
        "commitments.Declaration.decided_by",
    ),
    export=export,
)
