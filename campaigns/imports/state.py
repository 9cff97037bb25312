"""What the database already holds about a campaign, read once: its frameworks, items,
targets, lists, commitments, commitments for the mandate and refusals, as dictionaries of
plain records. The communes are territories.lookup's."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from commitments.models import Commitment, CommitmentItem, MandateCommitment
from frameworks.models import Item
from territories.normalize import normalize

from ..models import CandidateList, Step, Target

ITEM_COLUMNS = ("id", "commitment_id", "item_id", "level_id", "comment")
LIST_FIELDS = ("id", "target_id", "name", "head_name", "email", "political_label", "is_elected", "created_at")


class _Campaign:
    """The campaign's frameworks and items, and what it already holds, read once."""

    def __init__(self, campaign):
        self.campaign = campaign
        self.frameworks = list(campaign.frameworks.all().order_by("slug", "version"))
        self.framework_keys = defaultdict(list)
        for framework in self.frameworks:
            for key in {framework.slug.lower(), normalize(framework.short_title), normalize(framework.title)}:
                if framework not in self.framework_keys[key]:
                    self.framework_keys[key].append(framework)
        self.items = defaultdict(dict)  # framework id -> {code: item id}
        self.item_aliases = defaultdict(dict)  # framework id -> {"1": id of "01"}
        for pk, framework_id, code in Item.objects.filter(framework__in=self.frameworks).values_list(
            "pk", "framework_id", "code"
        ):
            self.items[framework_id][code.upper()] = pk
            if code.isdigit():
                self.item_aliases[framework_id].setdefault(str(int(code)), pk)

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
        active = Commitment.objects.filter(target__campaign=campaign, withdrawn_at__isnull=True).values_list(
            "pk", "target_id", "candidate_list_id", "framework_id", "channel"
        )
        for pk, target_id, list_id, framework_id, channel in active:
            self.commitments[(target_id, list_id, framework_id)] = pk
            self.channels[pk] = channel
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
        for target_id, list_id in Step.objects.filter(
            target__campaign=campaign, kind=Step.Kind.REFUSAL
        ).values_list("target_id", "candidate_list_id"):
            self.refusals[target_id].add(list_id)

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
