"""Commitments leave campaigns: the models Commitment, CommitmentItem and
MandateCommitment (and their django-simple-history records) become this app's, their
rows untouched.

1. The state takes the models over as they are in campaigns (0004), tables included:
   no database operation (SeparateDatabaseAndState).
2. The tables are renamed to this app's names (AlterModelTable: ALTER TABLE … RENAME).
   PostgreSQL follows a renamed table by its oid (foreign keys, indexes, constraints and
   the identity sequence keep working, under their old names); SQLite (3.26 and later,
   legacy_alter_table off, as Django sets it) rewrites the foreign keys of the other
   tables that point to it.

campaigns 0005 then forgets the models (state only) and points
SignatureInvitation.commitment here; 0002 moves the content types.
"""

import commitments.models
import core.uploads
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

MOVED = [
    "commitment",
    "commitmentitem",
    "mandatecommitment",
    "historicalcommitment",
    "historicalcommitmentitem",
    "historicalmandatecommitment",
]


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('campaigns', '0004_step_history_active_commitment'),
        ('frameworks', '0004_transition_themes'),
        ('territories', '0002_commune_words'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Commitment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('channel', models.CharField(choices=[('online', 'signed online'), ('paper', 'paper bulletin'), ('import', 'imported'), ('deliberation', 'council deliberation')], max_length=12, verbose_name='how')),
                        ('signatory_name', models.CharField(max_length=150, verbose_name='signatory')),
                        ('signatory_role', models.CharField(max_length=150, verbose_name="signatory's role")),
                        ('signed_on', models.DateField(verbose_name='signed on')),
                        ('terms_accepted_at', models.DateTimeField(blank=True, null=True, verbose_name='publication terms accepted on')),
                        ('scan', models.FileField(blank=True, upload_to=commitments.models.scan_upload_to, validators=[core.uploads.UploadValidator(max_bytes=5242880, types=['application/pdf', 'image/jpeg', 'image/png'])], verbose_name='scan of the bulletin')),
                        ('deliberation_reference', models.CharField(blank=True, max_length=100, verbose_name='deliberation reference')),
                        ('deliberation_file', models.FileField(blank=True, upload_to=commitments.models.deliberation_upload_to, validators=[core.uploads.UploadValidator(max_bytes=5242880, types=['application/pdf', 'image/jpeg', 'image/png'])], verbose_name='deliberation')),
                        ('withdrawn_at', models.DateTimeField(blank=True, null=True, verbose_name='withdrawn on')),
                        ('withdrawal_reason', models.CharField(blank=True, max_length=500, verbose_name='reason for withdrawal')),
                        ('withdraw_token_hash', models.CharField(blank=True, db_index=True, editable=False, max_length=64)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='recorded on')),
                        ('candidate_list', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='commitments', to='campaigns.candidatelist', verbose_name='list')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('framework', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='commitments', to='frameworks.framework', verbose_name='framework')),
                        ('target', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='commitments', to='campaigns.target')),
                    ],
                    options={
                        'db_table': 'campaigns_commitment',
                        'verbose_name': 'signed commitment',
                        'verbose_name_plural': 'signed commitments',
                        'ordering': ['-signed_on', '-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='CommitmentItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('comment', models.TextField(blank=True, max_length=1000, verbose_name='comment')),
                        ('commitment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='commitments.commitment')),
                        ('item', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='commitment_items', to='frameworks.item')),
                        ('level', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='frameworks.level')),
                    ],
                    options={
                        'db_table': 'campaigns_commitmentitem',
                        'verbose_name': 'committed item',
                        'verbose_name_plural': 'committed items',
                        'ordering': ['item__position'],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalCommitment',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('channel', models.CharField(choices=[('online', 'signed online'), ('paper', 'paper bulletin'), ('import', 'imported'), ('deliberation', 'council deliberation')], max_length=12, verbose_name='how')),
                        ('signatory_name', models.CharField(max_length=150, verbose_name='signatory')),
                        ('signatory_role', models.CharField(max_length=150, verbose_name="signatory's role")),
                        ('signed_on', models.DateField(verbose_name='signed on')),
                        ('terms_accepted_at', models.DateTimeField(blank=True, null=True, verbose_name='publication terms accepted on')),
                        ('scan', models.TextField(blank=True, max_length=100, validators=[core.uploads.UploadValidator(max_bytes=5242880, types=['application/pdf', 'image/jpeg', 'image/png'])], verbose_name='scan of the bulletin')),
                        ('deliberation_reference', models.CharField(blank=True, max_length=100, verbose_name='deliberation reference')),
                        ('deliberation_file', models.TextField(blank=True, max_length=100, validators=[core.uploads.UploadValidator(max_bytes=5242880, types=['application/pdf', 'image/jpeg', 'image/png'])], verbose_name='deliberation')),
                        ('withdrawn_at', models.DateTimeField(blank=True, null=True, verbose_name='withdrawn on')),
                        ('withdrawal_reason', models.CharField(blank=True, max_length=500, verbose_name='reason for withdrawal')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='recorded on')),
                        ('history_user_id', models.BigIntegerField(blank=True, null=True)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('candidate_list', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='campaigns.candidatelist', verbose_name='list')),
                        ('created_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('framework', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='frameworks.framework', verbose_name='framework')),
                        ('target', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='campaigns.target')),
                    ],
                    options={
                        'db_table': 'campaigns_historicalcommitment',
                        'verbose_name': 'historical signed commitment',
                        'verbose_name_plural': 'historical signed commitments',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalCommitmentItem',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('comment', models.TextField(blank=True, max_length=1000, verbose_name='comment')),
                        ('history_user_id', models.BigIntegerField(blank=True, null=True)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('commitment', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='commitments.commitment')),
                        ('item', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='frameworks.item')),
                        ('level', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='frameworks.level')),
                    ],
                    options={
                        'db_table': 'campaigns_historicalcommitmentitem',
                        'verbose_name': 'historical committed item',
                        'verbose_name_plural': 'historical committed items',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalMandateCommitment',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('start_year', models.PositiveSmallIntegerField(verbose_name='from')),
                        ('end_year', models.PositiveSmallIntegerField(verbose_name='to')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('history_user_id', models.BigIntegerField(blank=True, null=True)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('campaign', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='campaigns.campaign')),
                        ('commitment', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='commitments.commitment')),
                        ('commune', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='territories.commune')),
                    ],
                    options={
                        'db_table': 'campaigns_historicalmandatecommitment',
                        'verbose_name': 'historical commitment for the mandate',
                        'verbose_name_plural': 'historical commitments for the mandate',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='MandateCommitment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('start_year', models.PositiveSmallIntegerField(verbose_name='from')),
                        ('end_year', models.PositiveSmallIntegerField(verbose_name='to')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='mandate_commitments', to='campaigns.campaign')),
                        ('commitment', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='mandate', to='commitments.commitment')),
                        ('commune', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='mandate_commitments', to='territories.commune')),
                    ],
                    options={
                        'db_table': 'campaigns_mandatecommitment',
                        'verbose_name': 'commitment for the mandate',
                        'verbose_name_plural': 'commitments for the mandate',
                        'ordering': ['-start_year'],
                    },
                ),
                migrations.AddIndex(
                    model_name='commitment',
                    index=models.Index(fields=['target', 'withdrawn_at'], name='commitment_target_active'),
                ),
                migrations.AddConstraint(
                    model_name='commitment',
                    constraint=models.UniqueConstraint(condition=models.Q(('withdrawn_at__isnull', True)), fields=('target', 'candidate_list', 'framework'), name='one_active_commitment'),
                ),
                migrations.AddConstraint(
                    model_name='commitmentitem',
                    constraint=models.UniqueConstraint(fields=('commitment', 'item'), name='unique_commitment_item'),
                ),
                migrations.AddIndex(
                    model_name='mandatecommitment',
                    index=models.Index(fields=['commune', 'start_year'], name='mandate_commune'),
                ),
            ],
        ),
    ] + [migrations.AlterModelTable(name=name, table=None) for name in MOVED]
