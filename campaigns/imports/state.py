"""What the database already holds about a campaign, read once: its frameworks, items and
levels (frameworks.lookup), targets, lists, commitments (their items, levels, comments
and signatures), commitments for the mandate and refusals, as dictionaries of plain
records. The communes are territories.lookup's."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from commitments.models import Commitment, CommitmentItem, MandateCommitment
from frameworks.lookup import FrameworkLookup

from ..models import CandidateList, Step, Target
from .columns import item_columns

ITEM_COLUMNS = ("id", "commitment_id", "item_id", "level_id", "comment")
SIGNATURE_FIELDS = ("signatory_name", "signatory_role", "signed_on")
LIST_FIELDS = ("id", "target_id", "name", "head_name", "email", "political_label", "is_elected", "created_at")


def campaign_lookup(campaign):
    """The campaign's frameworks, items and levels, read once (frameworks.lookup)."""
    return FrameworkLookup(campaign.frameworks.all().order_by("slug", "version"), levels=True)


class _Campaign:
    """The campaign's frameworks and items, and what it already holds, read once."""

    def __init__(self, campaign, lookup=None):
        self.campaign = campaign
        # The frameworks by slug, title or short title, their items and levels (frameworks.lookup).
        self.lookup = lookup or campaign_lookup(campaign)
        self.frameworks = self.lookup.frameworks
        self.level_columns, self.comment_columns = item_columns(self.lookup)

        # Plain records rather than model instances: a campaign may hold tens of thousands.
        self.targets = {  # commune id -> target
            commune_id: _TargetRef(pk, status)
            for pk, commune_id, status in Target.objects.filter(campaign=campaign).values_list(
                "pk", "commune_id", "status"
            )
        }
        self.lists = defaultdict(dict)  # target id -> {folded name: list}
        for values in CandidateList.objects.filter(target__campaign=campaign).values_list(*LIST_FIELDS):
            candidate_list = _ListRef(*values)
            self.lists[candidate_list.target_id][_fold(candidate_list.name)] = candidate_list
        self.commitments = {}  # (target id, list id or None, framework id) -> active commitment id
        self.list_commitments = defaultdict(list)  # list id -> its active commitments' ids
        self.channels = {}  # active commitment id -> how it was signed
        self.signatures = {}  # active commitment id -> (signatory, role, signed on)
        active = Commitment.objects.filter(target__campaign=campaign, withdrawn_at__isnull=True).values_list(
            "pk", "target_id", "candidate_list_id", "framework_id", "channel", *SIGNATURE_FIELDS
        )
        for pk, target_id, list_id, framework_id, channel, *signature in active:
            self.commitments[(target_id, list_id, framework_id)] = pk
            self.channels[pk] = channel
            self.signatures[pk] = tuple(signature)
            if list_id:
                self.list_commitments[list_id].append(pk)
        self.commitment_items = defaultdict(dict)  # commitment id -> {item id: (ITEM_COLUMNS values)}
        for values in CommitmentItem.objects.filter(
            commitment__target__campaign=campaign, commitment__withdrawn_at__isnull=True
        ).values_list(*ITEM_COLUMNS):
            self.commitment_items[values[1]][values[2]] = values
        self.mandates = set(
            MandateCommitment.objects.filter(commitment__target__campaign=campaign).values_list(
                "commitment_id", flat=True
            )
        )
        self.refusals = defaultdict(set)  # target id -> who refused (list ids, None: the municipality)
        self.refusal_steps = {}  # (target id, list id or None) -> its latest refusal: (pk, date, reason)
        for pk, target_id, list_id, day, reason in (
            Step.objects.filter(target__campaign=campaign, kind=Step.Kind.REFUSAL)
            .order_by("date", "created_at", "pk")
            .values_list("pk", "target_id", "candidate_list_id", "date", "public_reason")
        ):
            self.refusals[target_id].add(list_id)
            self.refusal_steps[(target_id, list_id)] = (pk, day, reason)

    def list_of(self, commune_pk, key):
        """The commune's list of this folded name (_Row.list_key)."""
        target = self.targets.get(commune_pk)
        if target is None:
            return None
        return self.lists[target.pk].get(key)

    def elected_list(self, commune_pk):
        target = self.targets.get(commune_pk)
        if target is None:
            return None
        return next((item for item in self.lists[target.pk].values() if item.is_elected), None)

    def refusal_of(self, commune_pk, candidate_list):
        """The latest refusal of this list (None: of the municipality): (pk, date, reason)."""
        target = self.targets.get(commune_pk)
        if target is None:
            return None
        return self.refusal_steps.get((target.pk, candidate_list.pk if candidate_list else None))

    def commitment_of(self, commune_pk, candidate_list, framework_id):
        target = self.targets.get(commune_pk)
        if target is None:
            return None
        return self.commitments.get((target.pk, candidate_list.pk if candidate_list else None, framework_id))


@dataclass(slots=True)
class _TargetRef:
    pk: int
    status: str


@dataclass(slots=True)
class _ListRef:
    """A candidate list, as LIST_FIELDS."""

    pk: int | None
    target_id: int
    name: str
    head_name: str
    email: str
    political_label: str
    is_elected: bool
    created_at: datetime

    def instance(self):
        return CandidateList(**{name: getattr(self, "pk" if name == "id" else name) for name in LIST_FIELDS})


def _fold(name):
    return " ".join(name.split()).casefold()
