"""What the database already holds, read once: every commune (by code, by name, and
close names for suggestions), and the campaign's frameworks, items, targets, lists,
commitments, commitments for the mandate and refusals, as dictionaries of plain records."""

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from commitments.models import Commitment, CommitmentItem, MandateCommitment
from frameworks.models import Item
from territories.models import ARTICLES, Commune, Department, full_name
from territories.normalize import normalize

from ..models import CandidateList, Step, Target

SUGGESTIONS = 3  # communes suggested for an unknown name
SUGGESTION_MIN_PREFIX = 3  # a name is cut down to this many letters at most to find some
SUGGESTION_SCAN = 2000  # names looked at per prefix, at most
COMMUNES_CHUNK = 5000  # communes fetched per round trip
ITEM_COLUMNS = ("id", "commitment_id", "item_id", "level_id", "comment")
LIST_FIELDS = ("id", "target_id", "name", "head_name", "email", "political_label", "is_elected", "created_at")


def _article_key(name_type):
    return normalize(ARTICLES.get(name_type, ""))


@dataclass(slots=True)
class _Commune:
    pk: int
    code: str
    name: str
    department: str
    kind: str
    is_active: bool
    parent_id: int | None

    @property
    def label(self):
        return f"{self.name} ({self.department})"

    @property
    def suggestion(self):
        return f"{self.name} ({self.department}) — {self.code}"


class _Communes:
    """Every commune, read once: by code, by normalised name (with and without its
    article), and sorted names for cheap "did you mean" suggestions."""

    def __init__(self):
        self.by_pk, self.by_code = {}, {}
        self.by_name = defaultdict(list)
        articles = {name_type: _article_key(name_type) + " " for name_type in ARTICLES if ARTICLES[name_type]}
        rows = Commune.objects.values_list(
            "pk",
            "code",
            "name",
            "name_type",
            "kind",
            "is_active",
            "department__code",
            "parent_id",
            "search_name",
        ).order_by("code")
        for pk, code, name, name_type, kind, is_active, department, parent_id, search_name in rows.iterator(
            chunk_size=COMMUNES_CHUNK
        ):
            commune = _Commune(pk, code, full_name(name, name_type), department, kind, is_active, parent_id)
            self.by_pk[pk] = commune
            self.by_code[code] = commune
            if not is_active or kind != Commune.Kind.COMMUNE:
                continue
            key = search_name.strip()
            self.by_name[key].append(commune)
            article = articles.get(name_type)
            if article and key.startswith(article):
                self.by_name[key[len(article) :]].append(commune)
        self.sorted_names = sorted(self.by_name)
        self.departments = set(Department.objects.values_list("code", flat=True))
        self._suggested = {}

    def close_to(self, key, department=None):
        """Up to SUGGESTIONS communes whose name starts like `key` (dropping its last letters until some match)."""
        cache_key = (key, department)
        if cache_key not in self._suggested:
            found = []
            probe = key
            while len(probe) >= SUGGESTION_MIN_PREFIX and not found:
                index = bisect_left(self.sorted_names, probe)
                scanned = 0
                while (
                    index < len(self.sorted_names)
                    and self.sorted_names[index].startswith(probe)
                    and len(found) < SUGGESTIONS
                    and scanned < SUGGESTION_SCAN
                ):
                    for commune in self.by_name[self.sorted_names[index]]:
                        if (department is None or commune.department == department) and commune not in found:
                            found.append(commune)
                    index += 1
                    scanned += 1
                probe = probe[:-1]
            self._suggested[cache_key] = found[:SUGGESTIONS]
        return self._suggested[cache_key]


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
