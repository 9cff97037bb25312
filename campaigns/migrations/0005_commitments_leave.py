"""Commitment, CommitmentItem and MandateCommitment (and their history) are commitments'
models now (commitments 0001 took them over and renamed their tables): campaigns forgets
them, in the state only, and its SignatureInvitation.commitment points to the new app's
model (the same table, so no database operation either)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0004_step_history_active_commitment'),
        ('commitments', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='signatureinvitation',
                    name='commitment',
                    field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='invitation', to='commitments.commitment'),
                ),
                # What points to Commitment goes first.
                migrations.DeleteModel(name='HistoricalMandateCommitment'),
                migrations.DeleteModel(name='MandateCommitment'),
                migrations.DeleteModel(name='HistoricalCommitmentItem'),
                migrations.DeleteModel(name='CommitmentItem'),
                migrations.DeleteModel(name='HistoricalCommitment'),
                migrations.DeleteModel(name='Commitment'),
            ],
        ),
    ]
