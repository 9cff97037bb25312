"""What the campaigns' services share: their error, and the naming of uploads."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

from commitments.services import CommitmentsError
from core.uploads import EXTENSIONS, SNIFF_BYTES, sniff

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from django.core.files.uploadedfile import UploadedFile


class CampaignsError(Exception):
    """A refused action; the message is shown to the user as is.

    `field` names the form field it is about (None: the whole action). `field_errors`,
    which core.actions.perform reads, holds every problem found at once
    ({field or None: [messages]}); the error's own message is the first of them."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.field_errors: dict[str | None, list[str]] = {field: [message]}

    @classmethod
    def gathered(cls, problems: Sequence[tuple[str | None, str]]) -> CampaignsError:
        """One error for several (field, message) problems, the first giving its message."""
        field, message = problems[0]
        error = cls(message, field=field)
        error.field_errors = {}
        for name, text in problems:
            error.field_errors.setdefault(name, []).append(text)
        return error


@contextmanager
def commitments_refusals() -> Iterator[None]:
    """commitments.services' refusals, raised as CampaignsError (messages and fields kept):
    callers of campaigns' services catch one error."""
    try:
        yield
    except CommitmentsError as refusal:
        error = CampaignsError(str(refusal), field=refusal.field)
        error.field_errors = {name: list(texts) for name, texts in refusal.field_errors.items()}
        raise error from refusal


def _named_by_content(upload: UploadedFile, stem: str) -> UploadedFile:
    """Name an (already validated) upload by its content's type, whatever its own name."""
    position = upload.tell()
    upload.seek(0)
    mime = sniff(upload.read(SNIFF_BYTES))
    upload.seek(position)
    upload.name = stem + EXTENSIONS.get(mime, "")
    return upload
