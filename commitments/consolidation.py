"""What a commune committed to, framework by framework: one view whatever the sources.

A commune commits for its mandate through the elected list's bulletin, the municipality's
signature, a council deliberation recorded on the platform (each a MandateCommitment), or
a commitment made elsewhere and declared after the fact (a standing Declaration: by the
elected list or by the council). When several overlap (a list's bulletin, then a
deliberation on the same charter), the commune page and the item page show each item
once, with the source(s) of each and what each chose (level, comment).

A declaration still waiting for its confirmation is shown, as such ("to be confirmed"):
the follow-up board already follows its items; a commune whose only sources wait for
their confirmation is not counted as committed (`FrameworkCommitments.confirmed`).

`consolidate` is the one implementation, a pure function of rows already read (no query
of its own); queries.commune_commitments and queries.item_commitments read those rows in
a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.urls import reverse

from .models import Commitment, Declaration

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from datetime import date

    from frameworks.models import Framework, Item, Level
    from territories.models import Commune

    from .models import CommitmentItem, DeclarationItem, MandateCommitment

# The kinds of source, as templates tell them.
ELECTED_LIST = "elected_list"  # the elected list's bulletin, signed in a campaign
MUNICIPALITY = "municipality"  # the municipality's signature where it is the mandate's
DELIBERATION = "deliberation"  # a council deliberation recorded in a campaign
DECLARED_LIST = "declared_list"  # the elected list's commitment, declared after the fact
DECLARED_COUNCIL = "declared_council"  # a council deliberation, declared after the fact


@dataclass(eq=False)
class Source:
    """A bulletin, deliberation or declaration that committed the commune."""

    kind: str
    date: date
    commune: Commune
    commitment: Commitment | None = None
    mandate: MandateCommitment | None = None
    declaration: Declaration | None = None

    @property
    def confirmed(self) -> bool:
        """A declaration counts once confirmed; what was signed on the platform counts at once."""
        return self.declaration is None or self.declaration.status == Declaration.Status.CONFIRMED

    @property
    def is_deliberation(self) -> bool:
        return self.kind in (DELIBERATION, DECLARED_COUNCIL)

    @property
    def is_elected_list(self) -> bool:
        return self.kind in (ELECTED_LIST, DECLARED_LIST)

    @property
    def campaign(self):
        return self.mandate.campaign if self.mandate is not None else None

    @property
    def reference(self) -> str:
        """The deliberation's number, when one is given."""
        record = self.commitment or self.declaration
        return record.deliberation_reference

    @property
    def list_name(self) -> str:
        if self.declaration is not None:
            return self.declaration.list_name
        return self.commitment.candidate_list.name if self.commitment.candidate_list_id else ""

    @property
    def head_name(self) -> str:
        if self.declaration is not None:
            return self.declaration.head_name
        return self.commitment.candidate_list.head_name if self.commitment.candidate_list_id else ""

    @property
    def act_url(self) -> str:
        """Where anyone reads the act: the deliberation's file, the proof's link, or a
        confirmed council deliberation's document (a public act, commitments.rules)."""
        if self.commitment is not None:
            if self.commitment.deliberation_file:
                return reverse("uploaded_file", args=[self.commitment.deliberation_file.name])
            return ""
        if self.declaration.proof_url:
            return self.declaration.proof_url
        if self.kind == DECLARED_COUNCIL and self.confirmed:
            return self.declaration.proof_file_url
        return ""

    @property
    def mayor_predates_election(self) -> bool:
        """The register's mayor took office before the election that made this list the
        elected one: the register has not caught up yet (said next to the list's head)."""
        since = self.commune.mayor_since
        if not self.is_elected_list or since is None:
            return False
        campaign = self.campaign
        if campaign is not None and campaign.first_round is not None:
            return since < campaign.first_round
        start_year = self.mandate.start_year if self.mandate is not None else self.declaration.start_year
        return since.year < start_year


@dataclass(eq=False)
class Choice:
    """What one source chose for an item."""

    source: Source
    level: Level | None = None
    comment: str = ""


@dataclass(eq=False)
class ItemEntry:
    item: Item
    choices: list[Choice] = field(default_factory=list)
    # The choices worth a line: every source's when there are several, else a level or a comment.
    shown: list[Choice] = field(default_factory=list)

    @property
    def confirmed(self) -> bool:
        return any(choice.source.confirmed for choice in self.choices)


@dataclass(eq=False)
class FrameworkCommitments:
    """A commune's commitment to one framework for one mandate: its sources (oldest first)
    and each committed item once (in the framework's order) with the sources' choices."""

    commune: Commune
    framework: Framework
    start_year: int
    end_year: int
    sources: list[Source] = field(default_factory=list)
    items: list[ItemEntry] = field(default_factory=list)

    @property
    def confirmed(self) -> bool:
        """The commune committed (not only a declaration waiting for its confirmation)."""
        return any(source.confirmed for source in self.sources)

    @property
    def campaigns(self) -> list:
        """The campaigns it was signed in, once each."""
        seen = {}
        for source in self.sources:
            if source.campaign is not None:
                seen.setdefault(source.campaign.pk, source.campaign)
        return list(seen.values())

    @property
    def several_sources(self) -> bool:
        return len(self.sources) > 1


def _commitment_kind(commitment: Commitment) -> str:
    if commitment.channel == Commitment.Channel.DELIBERATION:
        return DELIBERATION
    return ELECTED_LIST if commitment.candidate_list_id else MUNICIPALITY


def _declaration_kind(declaration: Declaration) -> str:
    return DECLARED_COUNCIL if declaration.committed_by == Declaration.CommittedBy.COUNCIL else DECLARED_LIST


class _Builder:
    """Blocks by (commune, framework, mandate), sources by record, items by block."""

    def __init__(self, communes: Mapping[int, Commune]):
        self.communes = communes
        self.blocks: dict[tuple, FrameworkCommitments] = {}
        self.sources: dict[tuple, Source] = {}
        self.items: dict[tuple, ItemEntry] = {}

    def block(self, commune_id: int, framework: Framework, years: tuple[int, int]) -> FrameworkCommitments:
        key = (commune_id, framework.pk, *years)
        if key not in self.blocks:
            self.blocks[key] = FrameworkCommitments(self.communes[commune_id], framework, *years)
        return self.blocks[key]

    def choose(self, block: FrameworkCommitments, key: tuple, make_source, entry) -> None:
        """The source (made once, by `make_source(commune)`) chose the row's item."""
        source = self.sources.get(key)
        if source is None:
            source = self.sources[key] = make_source(block.commune)
            block.sources.append(source)
        item_key = (id(block), entry.item_id)
        item_entry = self.items.get(item_key)
        if item_entry is None:
            item_entry = self.items[item_key] = ItemEntry(entry.item)
            block.items.append(item_entry)
        item_entry.choices.append(Choice(source, entry.level, getattr(entry, "comment", "")))

    def result(self) -> list[FrameworkCommitments]:
        for block in self.blocks.values():
            block.sources.sort(key=lambda source: (source.date, source.declaration is not None))
            order = {id(source): index for index, source in enumerate(block.sources)}
            block.items.sort(key=lambda entry: (entry.item.section.position, entry.item.position))
            for entry in block.items:
                entry.choices.sort(key=lambda choice: order[id(choice.source)])
                entry.shown = [
                    choice
                    for choice in entry.choices
                    if block.several_sources or choice.level is not None or choice.comment
                ]
        return sorted(
            self.blocks.values(),
            key=lambda block: (
                block.commune.pk,
                -block.start_year,
                block.framework.title,
                block.framework.pk,
            ),
        )


def consolidate(
    commitment_items: Iterable[CommitmentItem],
    declaration_items: Iterable[DeclarationItem],
    communes: Mapping[int, Commune],
) -> list[FrameworkCommitments]:
    """The blocks of these rows, by commune (in `communes`, by id), latest mandate first,
    then by framework title.

    `commitment_items`: items of standing bulletins that are commitments for the mandate,
    with `commitment__mandate__campaign`, `commitment__framework`,
    `commitment__candidate_list`, `item__section` and `level`;
    `declaration_items`: items of standing declarations, with `declaration__framework`
    (and who declared and decided), `item__section` and `level`."""
    builder = _Builder(communes)
    for entry in commitment_items:
        commitment, mandate = entry.commitment, entry.commitment.mandate
        block = builder.block(
            mandate.commune_id, commitment.framework, (mandate.start_year, mandate.end_year)
        )
        builder.choose(
            block,
            ("commitment", commitment.pk),
            lambda commune, commitment=commitment, mandate=mandate: Source(
                _commitment_kind(commitment), commitment.signed_on, commune, commitment, mandate
            ),
            entry,
        )
    for entry in declaration_items:
        declaration = entry.declaration
        block = builder.block(
            declaration.commune_id, declaration.framework, (declaration.start_year, declaration.end_year)
        )
        builder.choose(
            block,
            ("declaration", declaration.pk),
            lambda commune, declaration=declaration: _declared_source(declaration, commune),
            entry,
        )
    return builder.result()


def _declared_source(declaration: Declaration, commune: Commune) -> Source:
    declaration.commune = commune  # its permalink, without a query
    return Source(_declaration_kind(declaration), declaration.committed_on, commune, declaration=declaration)
