"""Writing validated rows, a chunk at a time: targets, lists, commitments and their
items (with their levels and comments), refusals (updates.py), the commune's commitments
for the mandate they call for and the targets' status
(by the rules of commitments.domain, as campaigns.services applies them one bulletin at
a time)."""

from collections import defaultdict

from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from commitments import domain
from commitments.models import Commitment, CommitmentItem, MandateCommitment
from core import pagecache
from core.concurrency import bump

from ..models import CandidateList, Target
from . import updates
from .bulk import _Bulk, _chunks
from .columns import REFUSED, SIGNED
from .state import ITEM_COLUMNS, LIST_FIELDS, _fold, _ListRef, _TargetRef
from .validation import _list_changes

# Rows written per step of import_apply (and per call of `progress`).
WRITE_CHUNK = 2000
UPDATE_CHUNK = 500  # targets whose status changes, per bulk update
TARGET_COLUMNS = ("campaign_id", "commune_id", "group_id", "status", "created_by_id", "created_at")
LIST_CHANGE_FIELDS = ["head_name", "email", "political_label", "is_elected"]
COMMITMENT_COLUMNS = (
    "target_id",
    "candidate_list_id",
    "framework_id",
    "channel",
    "signatory_name",
    "signatory_role",
    "signed_on",
    "created_by_id",
    "created_at",
)
MANDATE_COLUMNS = ("commune_id", "campaign_id", "commitment_id", "start_year", "end_year", "created_at")


class _Writer:
    """Writes the rows through _Bulk and keeps `state` (a state._Campaign) up to date, so
    that a chunk finds what the chunks before it created."""

    def __init__(self, campaign, state, user, group):
        self.campaign, self.state, self.user, self.group = campaign, state, user, group
        self.user_id = user.pk if user is not None else None
        self.group_id = group.pk if group is not None else None
        self.now = timezone.now()
        self.bulk = _Bulk(user, self.now)
        self.touched_targets = {}
        self.new_statuses = {}  # commune id -> the status of its target, created by the file

    def write(self, rows, progress):
        total = len(rows)
        self.new_statuses = self.planned_statuses(rows)
        if progress:
            progress(0, total)
        for index, chunk in enumerate(_chunks(rows, WRITE_CHUNK)):
            self.write_chunk(chunk)
            if progress:
                progress(min((index + 1) * WRITE_CHUNK, total), total)
        self.targets_status()
        # Bulk writes send no signals: every cached page may show what changed (core/pagecache.py).
        pagecache.bump(pagecache.NATIONAL)

    def write_chunk(self, rows):
        self.targets(rows)
        row_lists = self.lists(rows) if self.campaign.kind_spec.has_lists else [None] * len(rows)
        signed = [(row, item) for row, item in zip(rows, row_lists, strict=True) if row.answer == SIGNED]
        signed_rows, signed_lists = [row for row, _ in signed], [item for _, item in signed]
        self.commitments(signed_rows, signed_lists)
        self.mandates(signed_rows, signed_lists)
        updates.refusals(self, rows, row_lists)

    def targets(self, rows):
        """The commune in the campaign: created where the campaign has no target yet."""
        state = self.state
        new_communes = list(
            dict.fromkeys(row.commune.pk for row in rows if row.commune.pk not in state.targets)
        )
        ids = self.bulk.create(
            Target,
            TARGET_COLUMNS,
            [
                (self.campaign.pk, pk, self.group_id, self.new_statuses[pk], self.user_id, self.now)
                for pk in new_communes
            ],
        )
        for commune_pk, pk in zip(new_communes, ids, strict=True):
            state.targets[commune_pk] = _TargetRef(pk, self.new_statuses[commune_pk])
        for row in rows:
            target = state.targets[row.commune.pk]
            self.touched_targets[target.pk] = target

    def lists(self, rows):
        """Each row's list (kinds with lists): the existing one, completed by the row, or a
        new one. Returns the lists, one per row."""
        state = self.state
        row_lists, new_lists, changed_lists = [], {}, {}
        for row in rows:
            if not row.list_key:  # the municipality's refusal, or the commune alone
                row_lists.append(None)
                continue
            target = state.targets[row.commune.pk]
            key = (target.pk, row.list_key)
            candidate_list = new_lists.get(key) or state.lists[target.pk].get(key[1])
            if candidate_list is None:
                candidate_list = _ListRef(
                    None, target.pk, row.list_name, row.head_name, row.email, row.label, row.elected, self.now
                )
                new_lists[key] = candidate_list
            else:
                changes = _list_changes(row, candidate_list)
                for name, value in changes.items():
                    setattr(candidate_list, name, value)
                if changes and candidate_list.pk is not None:
                    changed_lists[candidate_list.pk] = candidate_list
            row_lists.append(candidate_list)
        self.lists_save(list(new_lists.values()), list(changed_lists.values()))
        return row_lists

    def lists_save(self, created, changed):
        fields = LIST_FIELDS[1:]
        ids = self.bulk.create(
            CandidateList, fields, [tuple(getattr(item, name) for name in fields) for item in created]
        )
        for candidate_list, pk in zip(created, ids, strict=True):
            candidate_list.pk = pk
            self.state.lists[candidate_list.target_id][_fold(candidate_list.name)] = candidate_list
        if changed:
            bulk_update_with_history(
                [candidate_list.instance() for candidate_list in changed],
                CandidateList,
                LIST_CHANGE_FIELDS,
                default_user=self.user,
                default_date=self.now,
            )
            # A list's edit form opened before the import is refused, not silently applied over it.
            bump(CandidateList, [candidate_list.pk for candidate_list in changed])

    def commitments(self, rows, row_lists):
        """The bulletins: new ones, and the items of existing ones that the file changes."""
        state = self.state
        new_commitments, new_items, removed_items, changed_items, signatures = [], [], [], [], {}
        for row, candidate_list in zip(rows, row_lists, strict=True):
            target = state.targets[row.commune.pk]
            key = (target.pk, candidate_list.pk if candidate_list else None, row.framework_id)
            commitment_pk = state.commitments.get(key)
            if commitment_pk is None:
                new_commitments.append((key, row))
                continue
            existing = state.commitment_items[commitment_pk]
            wanted = set(row.item_ids)
            if set(existing) != wanted:
                removed_items.extend(item for item_id, item in existing.items() if item_id not in wanted)
                for item_id in list(existing):
                    if item_id not in wanted:
                        del existing[item_id]
                new_items.extend(
                    (commitment_pk, item_id, row.levels.get(item_id), row.comments.get(item_id, ""))
                    for item_id in row.item_ids
                    if item_id not in existing
                )
            changed_items.extend(updates.items_changed(row, existing))
            if state.channels.get(commitment_pk) != Commitment.Channel.IMPORT:
                continue  # signed online, on paper or by deliberation: its signature stays
            if signature := updates.signature_changed(row, state.signatures[commitment_pk]):
                signatures[commitment_pk] = state.signatures[commitment_pk] = signature
        new_items.extend(self.commitments_create(new_commitments))
        self.items_replace(removed_items, new_items)
        updates.items_update(changed_items, user=self.user, now=self.now)
        updates.signatures_update(signatures, user=self.user, now=self.now)

    def commitments_create(self, new_commitments):
        """Create the bulletins of ((target, list, framework), row); returns their items
        as (commitment id, item id)."""
        state = self.state
        ids = self.bulk.create(
            Commitment,
            COMMITMENT_COLUMNS,
            [
                (
                    key[0],
                    key[1],
                    row.framework_id,
                    Commitment.Channel.IMPORT,
                    row.signatory,
                    row.role,
                    row.signed_on,
                    self.user_id,
                    self.now,
                )
                for key, row in new_commitments
            ],
        )
        items = []
        for (key, row), pk in zip(new_commitments, ids, strict=True):
            state.commitments[key] = pk
            state.signatures[pk] = (row.signatory, row.role, row.signed_on)
            if key[1] is not None:
                state.list_commitments[key[1]].append(pk)
            items.extend(
                (pk, item_id, row.levels.get(item_id), row.comments.get(item_id, ""))
                for item_id in row.item_ids
            )
        return items

    def items_replace(self, removed_items, new_items):
        self.bulk.delete(CommitmentItem, ITEM_COLUMNS, removed_items)
        ids = self.bulk.create(CommitmentItem, ITEM_COLUMNS[1:], new_items)
        commitment_items = self.state.commitment_items
        for values, pk in zip(new_items, ids, strict=True):
            commitment_items[values[0]][values[1]] = (pk, *values)

    def bulletins(self, rows, row_lists):
        """A domain.Bulletin(commitment, commune, list, list elected, by deliberation) per
        row, positional (made as cheaply as can be); for an elected list, all its bulletins
        (from the file or not)."""
        state = self.state
        bulletins, expanded = [], set()
        deliberation, channels = Commitment.Channel.DELIBERATION, state.channels
        for row, candidate_list in zip(rows, row_lists, strict=True):
            commune_pk = row.commune.pk
            if candidate_list is None:
                pk = state.commitments[(state.targets[commune_pk].pk, None, row.framework_id)]
                bulletins.append(
                    domain.Bulletin(pk, commune_pk, None, False, channels.get(pk) == deliberation)
                )
            elif not candidate_list.is_elected:
                pk = state.commitments[(state.targets[commune_pk].pk, candidate_list.pk, row.framework_id)]
                bulletins.append(
                    domain.Bulletin(
                        pk, commune_pk, candidate_list.pk, False, channels.get(pk) == deliberation
                    )
                )
            elif candidate_list.pk not in expanded:
                expanded.add(candidate_list.pk)
                for pk in state.list_commitments.get(candidate_list.pk, ()):
                    bulletins.append(
                        domain.Bulletin(
                            pk, commune_pk, candidate_list.pk, True, channels.get(pk) == deliberation
                        )
                    )
        return bulletins

    def mandates(self, rows, row_lists):
        """The commune's commitments for the mandate that these bulletins call for: the
        elected list's, the municipality's where its signature is the mandate's; by the
        rules campaigns.services applies (commitments.domain)."""
        state, campaign = self.state, self.campaign
        plan = domain.mandate_plan(
            self.bulletins(rows, row_lists),
            mandated=state.mandates,
            campaign_id=campaign.pk,
            years=(campaign.mandate_start, campaign.mandate_end),
            signature_is_mandate=campaign.kind_spec.signature_is_mandate,
        )
        if plan.delete:  # only where the database already disagreed with the rules
            MandateCommitment.objects.filter(commitment_id__in=plan.delete).delete()
            state.mandates.difference_update(plan.delete)
        self.bulk.create(
            MandateCommitment,
            MANDATE_COLUMNS,
            [
                (row.commune_id, row.campaign_id, row.commitment_id, row.start_year, row.end_year, self.now)
                for row in plan.create
            ],
        )
        state.mandates.update(row.commitment_id for row in plan.create)

    def planned_statuses(self, rows):
        """The status of each target the file creates, known before it is written (a new
        target is created with its status: one history record): its bulletins are the
        file's, its lists and refusals the file's (elected when a row says so)."""
        kind, state = self.campaign.kind_spec, self.state
        new_rows = defaultdict(list)
        for row in rows:
            if row.commune.pk not in state.targets:
                new_rows[row.commune.pk].append(row)
        statuses = {}
        for commune_pk, commune_rows in new_rows.items():
            keys = (
                {row.list_key: index for index, row in enumerate(commune_rows) if row.list_key}
                if kind.has_lists
                else {}
            )
            elected = {row.list_key for row in commune_rows if row.elected}
            statuses[commune_pk] = domain.target_status(
                bulletins=[
                    domain.Bulletin(0, commune_pk, keys.get(row.list_key), row.list_key in elected)
                    for row in commune_rows
                    if row.answer == SIGNED
                ],
                refused_by={keys.get(row.list_key) for row in commune_rows if row.answer == REFUSED},
                signature_is_mandate=kind.signature_is_mandate,
                list_ids=set(keys.values()),
                elected_list_id=next((keys[key] for key in elected if key in keys), None),
                interpellated=True,
            )
        return statuses

    def targets_status(self):
        """The status of every touched target, from its bulletins, lists and refusals once
        written (commitments.domain.target_status, as campaigns.services.target_refresh)."""
        state, kind = self.state, self.campaign.kind_spec
        deliberation, channels = Commitment.Channel.DELIBERATION, state.channels
        bulletins = defaultdict(list)
        for (target_pk, list_pk, _framework), pk in state.commitments.items():
            if target_pk in self.touched_targets:
                bulletins[target_pk].append((pk, list_pk, channels.get(pk) == deliberation))
        stale = {}
        for pk, target in self.touched_targets.items():
            lists = state.lists[pk].values()
            elected_pk = next((item.pk for item in lists if item.is_elected), None)
            status = domain.target_status(
                bulletins=[
                    domain.Bulletin(
                        commitment_pk,
                        0,
                        list_pk,
                        list_pk is not None and list_pk == elected_pk,
                        by_deliberation,
                    )
                    for commitment_pk, list_pk, by_deliberation in bulletins[pk]
                ],
                signature_is_mandate=kind.signature_is_mandate,
                refused_by=state.refusals.get(pk, ()),
                list_ids={item.pk for item in lists},
                elected_list_id=elected_pk,
                interpellated=True,
            )
            if status != target.status:
                stale[pk] = target.status = status
        self.statuses_save(stale)

    def statuses_save(self, stale):
        for chunk in _chunks(list(stale), UPDATE_CHUNK):
            targets = list(Target.objects.filter(pk__in=chunk))
            for target in targets:
                target.status = stale[target.pk]
            bulk_update_with_history(
                targets, Target, ["status"], default_user=self.user, default_date=self.now
            )
