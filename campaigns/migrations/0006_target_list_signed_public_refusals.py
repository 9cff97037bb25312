"""A list's signature is not the commune's commitment: the LIST_SIGNED status, a
refusal's public reason, an invitation declined from its link. The targets shown
"committed" (and "interpellated", where the elected list refused) are derived again by
commitments.domain.target_status: committed where a bulletin counts for the mandate,
else a list signed, or refused where the municipality or the elected list refused."""

from collections import defaultdict

from django.db import migrations, models

from campaigns.kinds import KINDS
from commitments import domain

DELIBERATION = "deliberation"
REFUSAL = "refusal"
DERIVED_AGAIN = (domain.COMMITTED, domain.INTERPELLATED)  # the others stay what they are


def statuses_derived_again(apps, schema_editor):
    Target = apps.get_model("campaigns", "Target")
    Step = apps.get_model("campaigns", "Step")
    CandidateList = apps.get_model("campaigns", "CandidateList")
    Commitment = apps.get_model("commitments", "Commitment")
    targets = Target.objects.filter(status__in=DERIVED_AGAIN)
    current = {
        pk: (kind, status) for pk, kind, status in targets.values_list("pk", "campaign__kind", "status")
    }
    elected = dict(
        CandidateList.objects.filter(target__status__in=DERIVED_AGAIN, is_elected=True).values_list(
            "target_id", "pk"
        )
    )
    bulletins = defaultdict(list)
    for pk, target_id, list_id, channel in Commitment.objects.filter(
        target__status__in=DERIVED_AGAIN, withdrawn_at__isnull=True
    ).values_list("pk", "target_id", "candidate_list_id", "channel"):
        bulletins[target_id].append(
            domain.Bulletin(
                pk,
                0,
                list_id,
                list_elected=list_id is not None and elected.get(target_id) == list_id,
                by_deliberation=channel == DELIBERATION,
            )
        )
    refused_by = defaultdict(set)
    refusals = Step.objects.filter(target__status__in=DERIVED_AGAIN, kind=REFUSAL)
    for target_id, list_id in refusals.values_list("target_id", "candidate_list_id"):
        refused_by[target_id].add(list_id)
    changed = defaultdict(list)
    for pk, (kind, old) in current.items():
        status = domain.target_status(
            bulletins=bulletins[pk],
            signature_is_mandate=KINDS[kind].signature_is_mandate if kind in KINDS else False,
            refused_by=refused_by[pk],
            elected_list_id=elected.get(pk),
            interpellated=True,
        )
        if status != old:
            changed[status].append(pk)
    for status, pks in changed.items():
        for start in range(0, len(pks), 500):
            Target.objects.filter(pk__in=pks[start : start + 500]).update(status=status)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0005_commitments_leave"),
        ("commitments", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalstep",
            name="public_reason",
            field=models.TextField(
                blank=True,
                help_text="A refusal is public, with its date and this reason; the notes stay private.",
                max_length=500,
                verbose_name="public reason of a refusal",
            ),
        ),
        migrations.AddField(
            model_name="signatureinvitation",
            name="declined_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="declined on"),
        ),
        migrations.AddField(
            model_name="step",
            name="public_reason",
            field=models.TextField(
                blank=True,
                help_text="A refusal is public, with its date and this reason; the notes stay private.",
                max_length=500,
                verbose_name="public reason of a refusal",
            ),
        ),
        migrations.AlterField(
            model_name="historicaltarget",
            name="status",
            field=models.CharField(
                choices=[
                    ("not_interpellated", "not interpellated"),
                    ("interpellated", "interpellated"),
                    ("list_signed", "a list signed"),
                    ("committed", "committed"),
                    ("refused", "refused"),
                ],
                default="not_interpellated",
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="target",
            name="status",
            field=models.CharField(
                choices=[
                    ("not_interpellated", "not interpellated"),
                    ("interpellated", "interpellated"),
                    ("list_signed", "a list signed"),
                    ("committed", "committed"),
                    ("refused", "refused"),
                ],
                default="not_interpellated",
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.RunPython(statuses_derived_again, migrations.RunPython.noop),
    ]
