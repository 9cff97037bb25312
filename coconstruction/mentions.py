"""Mentions in comments: "@Prénom Nom" names a person by their public name.

Pure functions (no database): the names are compared folded (case and accents ignored,
spaces collapsed); after each "@" that does not end a word (an email address is no
mention), the longest known name that the text goes on with, up to a word's end, wins
("@Awa Koné" names Awa Koné, not Awa, when both are known). Homonyms are all named.

`render(text, people)` is core.markdown.render with the names of `people` (those the
comment mentions) highlighted: each mention is set aside before Markdown (a marker of
private-use characters), then put back once the HTML is sanitised, by walking its tags:
as `<strong class="mention">` in text, as plain (escaped) text inside a tag's attributes
(a link's title: the tag and its rel="nofollow ugc" stay whole) and in code (<code>, <pre>).
"""

import re
import unicodedata
from collections.abc import Iterable
from functools import partial

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.markdown import render as render_markdown

# Private-use characters that mark a mention while Markdown and nh3 run (taken out of the
# text first: nobody types them).
OPEN, CLOSE = "\ue000", "\ue001"
MARKER = re.compile(f"{OPEN}([0-9]*){CLOSE}|[{OPEN}{CLOSE}]")
# A tag of the sanitised HTML (nh3 quotes every attribute with "), and where text is shown as typed.
TAG = re.compile(r'(<[^<>"]*(?:"[^"]*"[^<>"]*)*>)')
TAG_NAME = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)")
VERBATIM = frozenset({"code", "pre"})


def fold(text: str) -> str:
    """Case and accents ignored, runs of spaces as one: how names are compared."""
    return " ".join(_fold_chars(text).split())


def _fold_chars(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the index of the original one."""
    folded, positions = [], []
    for index, char in enumerate(text):
        piece = " " if char.isspace() else _fold_chars(char)
        folded.append(piece)
        positions.extend([index] * len(piece))
    return "".join(folded), positions


def find(text: str, people: Iterable) -> list[tuple[int, int, list]]:
    """[(start, end, [people named])…]: where the text mentions some of `people` (objects
    with `pk` and `display_name`); start is the "@", end the index after the name."""
    by_name: dict[str, list] = {}
    for person in people:
        name = fold(person.display_name or "")
        if name:
            by_name.setdefault(name, []).append(person)
    if not by_name or "@" not in text:
        return []
    names = sorted(by_name, key=len, reverse=True)
    folded, positions = _folded_with_positions(text)
    found = []
    start = folded.find("@")
    while start != -1:
        match = None
        if start == 0 or not folded[start - 1].isalnum():
            match = next((name for name in names if _names_at(folded, start + 1, name)), None)
        if match is not None:
            end = start + 1 + len(match)
            original_end = positions[end - 1] + 1
            found.append((positions[start], original_end, by_name[match]))
            start = folded.find("@", end)
        else:
            start = folded.find("@", start + 1)
    return found


def _names_at(folded: str, at: int, name: str) -> bool:
    if not folded.startswith(name, at):
        return False
    after = at + len(name)
    return after == len(folded) or not folded[after].isalnum()


def mentioned(text: str, people: Iterable) -> list:
    """The people the text mentions, each once, in order."""
    seen, result = set(), []
    for _start, _end, named in find(text, people):
        for person in named:
            if person.pk not in seen:
                seen.add(person.pk)
                result.append(person)
    return result


def render(text: str, people: Iterable = ()) -> SafeString:
    """The comment's Markdown as sanitised HTML, its mentions of `people` highlighted."""
    text = (text or "").replace(OPEN, "").replace(CLOSE, "")
    spans = find(text, people)
    if not spans:
        return render_markdown(text)
    pieces, shown, last = [], [], 0
    for number, (start, end, _named) in enumerate(spans):
        pieces.extend([text[last:start], f"{OPEN}{number}{CLOSE}"])
        shown.append(escape(text[start:end]))
        last = end
    pieces.append(text[last:])
    return mark_safe(_put_back(str(render_markdown("".join(pieces))), shown))  # noqa: S308 (sanitised)


def _put_back(html: str, shown: list[str]) -> str:
    """The sanitised HTML with each marker turned back into its (escaped) mention: highlighted
    in text, as plain text inside a tag's attributes and in code (<code>, <pre>)."""
    result, in_code = [], 0
    for index, piece in enumerate(TAG.split(html)):
        is_tag = index % 2 == 1
        if is_tag:
            name = TAG_NAME.match(piece)
            if name and name.group(2).lower() in VERBATIM:
                in_code += -1 if name.group(1) else 1
        highlight = not is_tag and in_code <= 0
        result.append(MARKER.sub(partial(_mention, shown, highlight=highlight), piece))
    return "".join(result)


def _mention(shown: list[str], found: re.Match, *, highlight: bool) -> str:
    number = found.group(1)
    typed = shown[int(number)] if number and int(number) < len(shown) else ""
    return f'<strong class="mention">{typed}</strong>' if highlight and typed else typed
