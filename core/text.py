"""Text as people type it: one line (a name, a title, a subject) or paragraphs (a description).

A single-line value goes into headers, subjects, CSV cells and sentences of emails, so it
must never carry a line break ("Groupe A\\r\\nBcc: …" would write a fake header line in an
invitation), another control character, or a Unicode bidirectional control (U+202E turns
"exe.pdf" into "fdp.exe" on screen). Paragraphs keep their line breaks but lose the
bidirectional controls and the control characters other than the tab.

- `validate_single_line(value)`: refuses, with a clear message (every CharField of the site
  does it through core.forms, whatever its form);
- `single_line(value)`: cleans instead (spreadsheet cells, where refusing a whole row for an
  invisible character would help nobody);
- `multiline(value)`: the cleaning of a paragraph field (a textarea).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Unicode bidirectional controls: embeddings and overrides (U+202A–U+202E), isolates
# (U+2066–U+2069), the left-to-right, right-to-left and Arabic letter marks.
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
# Control characters: Unicode's category Cc (C0, DEL and C1), tab and line feed included.
CONTROLS = "\x00-\x1f\x7f-\x9f"
# What ends a line for a mail client, a spreadsheet or Python's str.splitlines().
LINE_BREAKS = "\n\r\v\f\x1c-\x1e\x85\u2028\u2029"

_LINE_BREAK = re.compile(f"[{LINE_BREAKS}]")
_NOT_IN_LINE = re.compile(f"[{CONTROLS}{BIDI_CONTROLS}{LINE_BREAKS}]")
_BREAKS_AND_TABS = re.compile(f"[\t{LINE_BREAKS}]+")
_PARAGRAPH_BREAK = re.compile("\r\n|[\r\x85\u2028\u2029]")
_NOT_IN_PARAGRAPH = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI_CONTROLS}]")


def validate_single_line(value: str) -> None:
    """Refuse a line break, another control character or a bidirectional control."""
    if _LINE_BREAK.search(value):
        raise ValidationError(_("This field must fit on one line."), code="single_line")
    control = _NOT_IN_LINE.search(value)
    if control:
        raise ValidationError(
            _(
                "This field contains an invisible control character (%(code)s): "
                "type the text again rather than pasting it."
            ),
            code="control_character",
            params={"code": f"U+{ord(control.group()):04X}"},
        )


def is_single_line(value: str) -> bool:
    return not _NOT_IN_LINE.search(value)


def single_line(value: str) -> str:
    """The value on one line: each run of line breaks and tabs becomes one space, the
    other control characters and the bidirectional controls are dropped."""
    if not _NOT_IN_LINE.search(value):
        return value
    return _NOT_IN_LINE.sub("", _BREAKS_AND_TABS.sub(" ", value)).strip()


def multiline(value: str) -> str:
    """A paragraph field's text: line breaks as "\\n" (what browsers send as "\\r\\n"),
    tabs kept, the other control characters and the bidirectional controls dropped."""
    return _NOT_IN_PARAGRAPH.sub("", _PARAGRAPH_BREAK.sub("\n", value))
