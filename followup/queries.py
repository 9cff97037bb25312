"""Reads of the follow-up, each in a fixed number of queries whatever the number of items
and updates: the board of a commune, an item's timeline, an update, the joint statements
waiting for a co-signature, and the panels of the commune and item pages."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from actors.rules import is_moderator
from commitments.models import CommitmentItem, Declaration, DeclarationItem, MandateCommitment
from core.history import history_entries
from territories.models import Commune

from . import board
from .models import Evidence, ItemState, Status, Update, Voice, other_voice
from .rules import voices_of

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from frameworks.models import Item

TIMELINE_PAGE_SIZE = 20
PANEL_COMMUNES = 10
HISTORY_MAX = 200


def commune_get(code: str) -> Commune | None:
    return Commune.objects.select_related("department__region").filter(code=code, is_active=True).first()


def _current_start_year(commune: Commune) -> Greatest:
    """The start year of the commune's current mandate, as an SQL expression: the latest of
    its standing commitments on the platform and its standing declared commitments."""
    platform = Subquery(
        MandateCommitment.objects.filter(commune=commune, commitment__withdrawn_at__isnull=True)
        .order_by("-start_year")
        .values("start_year")[:1]
    )
    declared = Subquery(
        Declaration.objects.filter(commune=commune, status__in=Declaration.STANDING)
        .order_by("-start_year")
        .values("start_year")[:1]
    )
    # NULL when there is none of one kind: each falls back on the other.
    return Greatest(Coalesce(platform, declared), Coalesce(declared, platform))


def _current_mandate_items(commune: Commune) -> QuerySet[CommitmentItem]:
    """The committed items of the commune's current mandate (its latest standing commitments)."""
    return CommitmentItem.objects.filter(
        commitment__mandate__commune=commune,
        commitment__withdrawn_at__isnull=True,
        commitment__mandate__start_year=_current_start_year(commune),
    )


def _current_declared_items(commune: Commune) -> QuerySet[DeclarationItem]:
    """The items of the commune's standing declarations (declared or confirmed) for its
    current mandate: commitments made elsewhere count as committed items."""
    return DeclarationItem.objects.filter(
        declaration__commune=commune,
        declaration__status__in=Declaration.STANDING,
        declaration__start_year=_current_start_year(commune),
    )


def _item_order(item: Item) -> tuple:
    return (item.framework.title, item.framework_id, item.section.position, item.position)


def committed_items_and_declarations(
    commune: Commune,
) -> tuple[list[tuple[Item, datetime]], tuple[int, int] | None, list[Declaration]]:
    """Each committed item once (framework, section, item order) with the date it was
    first committed on the platform (a bulletin's commitment for the mandate, or a
    declaration), the mandate's years (None when it committed to nothing), and the
    standing declarations of those items, with who declared and decided (3 queries)."""
    entries = _current_mandate_items(commune).select_related(
        "item__section", "item__framework", "commitment__mandate"
    )
    declared = _current_declared_items(commune).select_related(
        "item__section",
        "item__framework",
        "declaration__declared_by",
        "declaration__declared_for",
        "declaration__decided_by",
        "declaration__decided_for",
    )
    items: dict[int, tuple[Item, datetime]] = {}
    mandate = None
    declarations: dict[int, Declaration] = {}

    def keep(item: Item, committed_at: datetime) -> None:
        known = items.get(item.pk)
        if known is None or committed_at < known[1]:
            items[item.pk] = (item, committed_at)

    for entry in entries:
        mandate = (entry.commitment.mandate.start_year, entry.commitment.mandate.end_year)
        keep(entry.item, entry.commitment.mandate.created_at)
    for entry in declared:
        declaration = declarations.setdefault(entry.declaration_id, entry.declaration)
        declaration.commune = commune  # for its permalink, without a query each
        mandate = mandate or (declaration.start_year, declaration.end_year)
        keep(entry.item, declaration.declared_at)
    ordered = sorted(items.values(), key=lambda pair: _item_order(pair[0]))
    prefetch_related_objects([item for item, _at in ordered], "themes")
    return ordered, mandate, sorted(declarations.values(), key=lambda declaration: declaration.declared_at)


def committed_items(commune: Commune) -> tuple[list[tuple[Item, datetime]], tuple[int, int] | None]:
    """Each committed item once (framework, section, item order) with the date the commune
    committed to it, and the mandate's years (None when it committed to nothing)."""
    items, mandate, _declarations = committed_items_and_declarations(commune)
    return items, mandate


def is_committed(commune: Commune, item: Item) -> bool:
    return (
        _current_mandate_items(commune).filter(item=item).exists()
        or _current_declared_items(commune).filter(item=item).exists()
    )


def committed_item_get(commune: Commune, item_id: int) -> Item | None:
    for entries in (_current_mandate_items(commune), _current_declared_items(commune)):
        entry = entries.filter(item_id=item_id).select_related("item__framework", "item__section").first()
        if entry is not None:
            return entry.item
    return None


def _with_authors(updates: QuerySet[Update]) -> QuerySet[Update]:
    return updates.select_related(
        "organization", "created_by", "cosigned_by", "cosigner_organization"
    ).prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("pk")))


def states_of(commune: Commune, item_ids: list[int] | None = None) -> dict[tuple[int, str], ItemState]:
    """The current states of the commune's items, by (item id, voice), with their last update."""
    states = ItemState.objects.filter(commune=commune).select_related(
        "last_update__organization",
        "last_update__created_by",
        "last_update__cosigned_by",
        "last_update__cosigner_organization",
    )
    if item_ids is not None:
        states = states.filter(item_id__in=item_ids)
    states = states.prefetch_related(
        Prefetch("last_update__evidence", queryset=Evidence.objects.order_by("pk"))
    )
    by_key = {}
    for state in states:
        if state.last_update is not None:
            state.last_update.commune = commune  # for its permalink, without a query each
        by_key[(state.item_id, state.voice)] = state
    return by_key


def _frameworks_with_declarations(
    items: list[tuple[Item, datetime]], declarations: list[Declaration]
) -> dict:
    """The frameworks of the items by slug, one instance each (the items share it), each
    carrying `board_declarations`: the standing declarations of its items (the board says
    "declared by …, to be confirmed" or "confirmed by …" next to the framework)."""
    frameworks = {}
    for item, _at in items:
        item.framework = frameworks.setdefault(item.framework.slug, item.framework)
        item.framework.board_declarations = []
    by_pk = {framework.pk: framework for framework in frameworks.values()}
    for declaration in declarations:
        if declaration.framework_id in by_pk:
            by_pk[declaration.framework_id].board_declarations.append(declaration)
    return frameworks


def commune_board(commune: Commune, *, now: datetime | None = None) -> dict:
    """The board's data: a row per committed item with both voices' states (unfiltered:
    board.arrange filters and groups them), the items' themes, the filters' choices, and
    the standing declarations (each framework also carries its own: `board_declarations`)."""
    items, mandate, declarations = committed_items_and_declarations(commune)
    frameworks = _frameworks_with_declarations(items, declarations)
    rows = board.rows_build(
        items, states_of(commune, [item.pk for item, _ in items]), now=now or timezone.now()
    )
    themes = {theme.code: theme for item, _ in items for theme in item.themes.all()}
    return {
        "mandate": mandate,
        "rows": rows,
        "themes_of": {item.pk: {theme.code for theme in item.themes.all()} for item, _ in items},
        "frameworks": sorted(frameworks.values(), key=lambda framework: framework.title),
        "themes": sorted(themes.values(), key=lambda theme: (theme.position, theme.code)),
        "declarations": declarations,
    }


def joint_drafts(commune: Commune, user: User | AnonymousUser) -> dict[str, list[Update]]:
    """The joint statements of the commune waiting for a co-signature that this user may
    see: those they drafted, and those of the other side that they may co-sign."""
    voices = voices_of(user, commune) if user.is_authenticated else []
    if not voices:
        return {"to_cosign": [], "drafted": []}
    other_sides = [other_voice(voice) for voice in voices]
    drafts = (
        Update.objects.filter(
            commune=commune, kind=Update.Kind.JOINT, published_at__isnull=True, hidden_at__isnull=True
        )
        .filter(Q(created_by=user) | Q(voice__in=other_sides))
        .select_related("item", "organization", "created_by")
        .order_by("created_at")
    )
    result = {"to_cosign": [], "drafted": []}
    for draft in drafts:
        result["drafted" if draft.created_by_id == user.pk else "to_cosign"].append(draft)
    return result


def _visible_updates(user: User | AnonymousUser) -> Q:
    """Published updates this user may see: every visible one; hidden ones to their authors and moderators."""
    if user.is_authenticated and is_moderator(user):
        return Q(published_at__isnull=False)
    visible = Q(hidden_at__isnull=True)
    if user.is_authenticated:
        visible |= Q(created_by=user) | Q(cosigned_by=user)
    return Q(published_at__isnull=False) & visible


def item_timeline(
    commune: Commune, item: Item, user: User | AnonymousUser, *, page: int | str | None = None
) -> Page:
    """The published updates of the item in the commune, latest first, a page at a time."""
    updates = _with_authors(Update.objects.filter(commune=commune, item=item).filter(_visible_updates(user)))
    result = Paginator(updates.order_by("-published_at", "-pk"), TIMELINE_PAGE_SIZE).get_page(page)
    result.object_list = list(result.object_list)
    for update in result.object_list:
        update.commune, update.item = commune, item
    return result


def update_get(commune: Commune, pk: int) -> Update | None:
    update = (
        _with_authors(Update.objects.filter(commune=commune, pk=pk)).select_related("item__framework").first()
    )
    if update is not None:
        update.commune = commune
    return update


def evidence_file_get(name: str) -> Evidence | None:
    return (
        Evidence.objects.filter(kind=Evidence.Kind.FILE, file=name)
        .select_related("update__commune__department", "update__item")
        .first()
    )


def state_history(commune: Commune, item: Item) -> list[dict]:
    """Who changed each voice's status and progress of the item, and when (latest first)."""
    records = list(
        ItemState.history.filter(commune_id=commune.pk, item_id=item.pk).order_by("-history_date")[
            :HISTORY_MAX
        ]
    )
    labels = dict(Voice.choices)
    entries = history_entries(records, label=lambda record: labels.get(record.voice, record.voice))
    # A row's creation (empty, made when first locked) says nothing: only changes are kept.
    entries = [entry for entry in entries if entry["changes"]]
    entries.sort(key=lambda entry: entry["date"], reverse=True)
    return entries


def commune_panel(commune: Commune) -> dict | None:
    """The commune page's panel: how much is followed (None when nothing is committed)."""
    items_count = (
        _current_mandate_items(commune)
        .order_by()
        .values("item")
        .union(_current_declared_items(commune).order_by().values("item"))
        .count()
    )
    if not items_count:
        return None
    updates = (
        Update.objects.public().filter(commune=commune).aggregate(count=Count("pk"), last=Max("published_at"))
    )
    return {"commune": commune, "items_count": items_count, **updates}


def item_panel(item: Item) -> dict | None:
    """The item page's panel: what the voices of the communes say of it, and the latest
    communes where it moved (None when no commune followed it up yet)."""
    counts = list(
        ItemState.objects.filter(item=item)
        .exclude(status="")
        .values("voice", "status")
        .annotate(count=Count("pk"))
    )
    if not counts:
        return None
    last_change = (
        ItemState.objects.filter(item=item, commune=OuterRef("pk"))
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )
    communes = (
        Commune.objects.filter(
            pk__in=ItemState.objects.filter(item=item, updated_at__isnull=False).values("commune_id")
        )
        .annotate(last=Subquery(last_change))
        .select_related("department")
        .defer("outline", "town_hall_address", "department__outline", "department__bbox")
        .order_by("-last")[:PANEL_COMMUNES]
    )
    by_voice = {voice: {} for voice, _label in Voice.choices}
    for row in counts:
        by_voice[row["voice"]][row["status"]] = row["count"]
    table = [
        (label, [by_voice[voice].get(value, 0) for voice, _voice_label in Voice.choices])
        for value, label in Status.choices
    ]
    return {
        "item": item,
        "voices": [label for _voice, label in Voice.choices],
        "table": table,
        "communes": list(communes),
    }
