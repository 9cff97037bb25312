"""The barometer's pictures as data for server-rendered SVG (pure functions, no database):
stacked bars of the counts per level for each voice, and a commune's small line of an
item's ratings year after year. Each comes with its text alternative; the pages show the
same numbers in a table. Colours are SVG attributes (no style attribute: the Content
Security Policy allows none)."""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Score

# One colour per level, light to dark (and the track behind the bars).
COLOURS = {
    Score.NOT_STARTED: "#d9d4cc",
    Score.BEGUN: "#b6d4ea",
    Score.ON_TRACK: "#6baed6",
    Score.LARGELY_DONE: "#2f7bbf",
    Score.FULLY_DONE: "#0b3f73",
}
TRACK = "#f3efea"
BARS_WIDTH, BARS_LABEL_WIDTH, BAR_HEIGHT, BAR_GAP = 320, 100, 20, 8
SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 72, 20, 3
VOICE_COLOURS = {"municipality": "#2b5797", "civil_society": "#8a2c0d"}


def levels() -> list[tuple[int, str, str]]:
    """(value, label, colour) of every level of the scale, lowest first."""
    return [(value, label, COLOURS[value]) for value, label in Score.choices]


def bars(lines: list[dict]) -> dict:
    """Horizontal stacked bars, one per voice, on a common scale (the largest number of
    ratings): `lines` are {"label", "counts": [(value, label, count)…]} dicts."""
    totals = [sum(count for _value, _label, count in line["counts"]) for line in lines]
    largest = max(totals, default=0)
    scale = (BARS_WIDTH - BARS_LABEL_WIDTH) / largest if largest else 0
    drawn, phrases = [], []
    for index, (line, total) in enumerate(zip(lines, totals, strict=True)):
        y = index * (BAR_HEIGHT + BAR_GAP)
        x, segments = float(BARS_LABEL_WIDTH), []
        for value, label, count in line["counts"]:
            if count:
                width = round(count * scale, 2)
                segments.append({"x": round(x, 2), "width": width, "fill": COLOURS[value], "label": label})
                x += width
        drawn.append(
            {"label": capfirst(line["label"]), "y": y, "text_y": y + BAR_HEIGHT * 0.7, "segments": segments}
        )
        told = ", ".join(
            _("%(level)s: %(count)s") % {"level": label, "count": count}
            for _value, label, count in line["counts"]
            if count
        )
        phrases.append(
            ngettext("%(voice)s, %(count)s rating", "%(voice)s, %(count)s ratings", total)
            % {"voice": capfirst(line["label"]), "count": total}
            + (f" ({told})" if told else "")
            + "."
        )
    return {
        "width": BARS_WIDTH,
        "label_width": BARS_LABEL_WIDTH,
        "bar_width": BARS_WIDTH - BARS_LABEL_WIDTH,
        "height": max(len(lines) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP, 1),
        "bar_height": BAR_HEIGHT,
        "track": TRACK,
        "bars": drawn,
        "description": " ".join(phrases),
    }


def sparkline(points: list[tuple[int, int | None]], voice: str) -> dict | None:
    """A small line of one voice's ratings of an item, year after year (`points` are
    (year, score or None), oldest first); None below two ratings (the text says it all)."""
    rated = [(index, score) for index, (_year, score) in enumerate(points) if score is not None]
    if len(rated) < 2:
        return None
    step = (SPARK_WIDTH - 2 * SPARK_PAD) / max(len(points) - 1, 1)
    top, bottom = SPARK_PAD, SPARK_HEIGHT - SPARK_PAD
    lowest, highest = Score.NOT_STARTED.value, Score.FULLY_DONE.value

    def y_of(score: int) -> float:
        return round(bottom - (score - lowest) * (bottom - top) / (highest - lowest), 2)

    coordinates = [(round(SPARK_PAD + index * step, 2), y_of(score)) for index, score in rated]
    return {
        "width": SPARK_WIDTH,
        "height": SPARK_HEIGHT,
        "colour": VOICE_COLOURS.get(voice, "#444"),
        "points": " ".join(f"{x},{y}" for x, y in coordinates),
        "dots": [{"x": x, "y": y} for x, y in coordinates],
    }


def evolution_text(points: list[tuple[int, int | None]]) -> str:
    """ "2025: begun; 2026: on track" (years without a rating say so)."""
    labels = dict(Score.choices)
    return "; ".join(
        _("%(year)s: %(level)s") % {"year": year, "level": labels[score] if score else _("not rated")}
        for year, score in points
    )
