"""The follow-up board's rules as pure functions (values in, values out, no database):
which items are stale, where the voices disagree, the filters, the grouping by framework
and section, and the summary per framework with its small chart.

queries.py reads the rows from the database and hands them here; the yearly barometer
and the department and region aggregates can reuse the same functions."""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Status, Voice

if TYPE_CHECKING:
    from frameworks.models import Framework, Item, Section

    from .models import ItemState

STALE_MONTHS = 6
UNREPORTED = "none"  # the status filter's value for "no status given yet"
VOICES = (Voice.MUNICIPALITY, Voice.CIVIL_SOCIETY)
# The chart: one bar per voice, in a viewBox this wide; the label column on the left.
CHART_WIDTH, CHART_LABEL_WIDTH, CHART_BAR_HEIGHT, CHART_GAP = 320, 100, 22, 10


def months_before(moment: datetime, months: int) -> datetime:
    """The same moment `months` calendar months earlier (the 31st becomes the month's last day)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


@dataclass
class Row:
    """One committed item on the board, with what each voice says of it."""

    item: Item
    states: dict[str, ItemState | None]
    committed_at: datetime
    stale: bool = False

    @property
    def last_activity(self) -> datetime | None:
        dates = [state.updated_at for state in self.states.values() if state and state.updated_at]
        return max(dates) if dates else None

    def status_of(self, voice: str) -> str:
        state = self.states.get(voice)
        return state.status if state and state.status else ""

    @property
    def diverges(self) -> bool:
        """Both voices gave a status, and not the same one."""
        statuses = [self.status_of(voice) for voice in VOICES]
        return all(statuses) and statuses[0] != statuses[1]


def rows_build(
    items: list[tuple[Item, datetime]], states: dict[tuple[int, str], ItemState], *, now: datetime
) -> list[Row]:
    """A row per committed item (with the date it was committed), stale when neither voice
    said anything for over STALE_MONTHS months (counted from the commitment when they never did)."""
    limit = months_before(now, STALE_MONTHS)
    rows = []
    for item, committed_at in items:
        row = Row(
            item=item,
            states={voice: states.get((item.pk, voice)) for voice in VOICES},
            committed_at=committed_at,
        )
        row.stale = (row.last_activity or committed_at) < limit
        rows.append(row)
    return rows


@dataclass(frozen=True)
class Filters:
    framework: str = ""  # a framework's slug
    theme: str = ""  # a theme's code
    status: str = ""  # a Status value, or UNREPORTED
    voice: str = ""  # a Voice value: that voice's column only, the status filter on it

    @property
    def voices(self) -> tuple[str, ...]:
        return (self.voice,) if self.voice else VOICES

    @property
    def active(self) -> bool:
        return any((self.framework, self.theme, self.status, self.voice))


def rows_filter(rows: list[Row], filters: Filters, themes_of: dict[int, set[str]]) -> list[Row]:
    kept = []
    for row in rows:
        if filters.framework and row.item.framework.slug != filters.framework:
            continue
        if filters.theme and filters.theme not in themes_of.get(row.item.pk, set()):
            continue
        if filters.status:
            wanted = "" if filters.status == UNREPORTED else filters.status
            if not any(row.status_of(voice) == wanted for voice in filters.voices):
                continue
        kept.append(row)
    return kept


@dataclass
class SectionGroup:
    section: Section
    rows: list[Row] = field(default_factory=list)


@dataclass
class FrameworkGroup:
    framework: Framework
    sections: list[SectionGroup] = field(default_factory=list)
    summary: dict | None = None

    @property
    def count(self) -> int:
        return sum(len(group.rows) for group in self.sections)


def rows_group(rows: list[Row]) -> list[FrameworkGroup]:
    """Rows by framework, then section, in the order they come (framework, section, item)."""
    frameworks: dict[int, FrameworkGroup] = {}
    for row in rows:
        framework_group = frameworks.setdefault(row.item.framework_id, FrameworkGroup(row.item.framework))
        if not framework_group.sections or framework_group.sections[-1].section.pk != row.item.section_id:
            framework_group.sections.append(SectionGroup(row.item.section))
        framework_group.sections[-1].rows.append(row)
    return list(frameworks.values())


def arrange(rows: list[Row], filters: Filters, themes_of: dict[int, set[str]]) -> list[FrameworkGroup]:
    """The filtered rows by framework and section, each framework with the summary of all
    its committed items (the filters narrow the list, not the summary)."""
    summaries = {
        group.framework.pk: summary([row for section in group.sections for row in section.rows])
        for group in rows_group(rows)
    }
    groups = rows_group(rows_filter(rows, filters, themes_of))
    for group in groups:
        group.summary = summaries[group.framework.pk]
    return groups


def status_choices() -> list[tuple[str, str]]:
    """The statuses in their order, then "no status yet"."""
    return [*Status.choices, (UNREPORTED, _("no status yet"))]


def summary(rows: list[Row]) -> dict:
    """How many items are in each status, for each voice; and the chart that draws it."""
    counts = {voice: Counter(row.status_of(voice) or UNREPORTED for row in rows) for voice in VOICES}
    labels = dict(Voice.choices)
    lines = [
        {
            "voice": voice,
            "label": labels[voice],
            "counts": [(value, label, counts[voice][value]) for value, label in status_choices()],
        }
        for voice in VOICES
    ]
    table = [(value, label, [counts[voice][value] for voice in VOICES]) for value, label in status_choices()]
    return {"total": len(rows), "lines": lines, "table": table, "chart": chart(lines, total=len(rows))}


def chart(lines: list[dict], *, total: int) -> dict:
    """Horizontal stacked bars, one per voice, in viewBox units (rounded to hundredths)."""
    scale = (CHART_WIDTH - CHART_LABEL_WIDTH) / total if total else 0
    bars, phrases = [], []
    for index, line in enumerate(lines):
        y = index * (CHART_BAR_HEIGHT + CHART_GAP)
        x, segments = float(CHART_LABEL_WIDTH), []
        for value, label, count in line["counts"]:
            if count:
                width = round(count * scale, 2)
                segments.append(
                    {"status": value, "x": round(x, 2), "width": width, "label": label, "count": count}
                )
                x += width
        bars.append(
            {
                "label": capfirst(line["label"]),
                "y": y,
                "text_y": y + CHART_BAR_HEIGHT * 0.7,
                "segments": segments,
            }
        )
        told = ", ".join(
            _("%(status)s: %(count)s") % {"status": label, "count": count}
            for _value, label, count in line["counts"]
            if count
        )
        phrases.append(_("%(voice)s: %(statuses)s") % {"voice": capfirst(line["label"]), "statuses": told})
    return {
        "width": CHART_WIDTH,
        "label_width": CHART_LABEL_WIDTH,
        "bar_width": CHART_WIDTH - CHART_LABEL_WIDTH,
        "height": len(lines) * (CHART_BAR_HEIGHT + CHART_GAP) - CHART_GAP,
        "bar_height": CHART_BAR_HEIGHT,
        "bars": bars,
        "description": " ".join(
            [ngettext("%(count)s item.", "%(count)s items.", total) % {"count": total}]
            + [phrase + "." for phrase in phrases]
        ),
    }
