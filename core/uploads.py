"""Uploaded files: checked by their content (not their name), size-limited,
stored under random names, and served with headers that forbid execution."""

import mimetypes
import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

# Signatures of the file types we accept: the first bytes of the file.
SIGNATURES = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/webp": (b"RIFF",),  # followed by size then "WEBP", checked below
    "application/pdf": (b"%PDF-",),
}
EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp", "application/pdf": ".pdf"}
IMAGES = {"image/png", "image/jpeg", "image/webp"}
# A WebP file is a RIFF container: "RIFF", its size on 4 bytes, then "WEBP" at this offset.
WEBP_MARK_AT = 8
SNIFF_BYTES = 16  # the first bytes read to recognise a file: enough for every signature above
KB = 1024
RANDOM_NAME_BYTES = 16  # 128 bits: a stored file's name cannot be guessed
SERVED_MAX_AGE = 3600  # seconds a browser may keep a served file (in its private cache only)


def sniff(head):
    """The MIME type of a file from its first bytes, or None."""
    for mime, signatures in SIGNATURES.items():
        if any(head.startswith(signature) for signature in signatures):
            if mime == "image/webp" and not head.startswith(b"WEBP", WEBP_MARK_AT):
                continue
            return mime
    return None


class UploadValidator:
    """Accept only the given types (by content) up to a size."""

    def __init__(self, *, types, max_bytes=None):
        self.types = set(types)
        self.max_bytes = max_bytes

    def __call__(self, upload):
        limit = self.max_bytes or settings.UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                _("This file is too large (%(size)s KB); the limit is %(limit)s KB."),
                code="too_large",
                params={"size": upload.size // KB, "limit": limit // KB},
            )
        position = upload.tell() if hasattr(upload, "tell") else 0
        upload.seek(0)
        head = upload.read(SNIFF_BYTES)
        upload.seek(position)
        if sniff(head) not in self.types:
            allowed = ", ".join(sorted(EXTENSIONS[mime].lstrip(".").upper() for mime in self.types))
            raise ValidationError(
                _("This type of file is not accepted. Accepted: %(types)s."),
                code="bad_type",
                params={"types": allowed},
            )

    def deconstruct(self):
        return (
            "core.uploads.UploadValidator",
            (),
            {"types": sorted(self.types), "max_bytes": self.max_bytes},
        )

    def __eq__(self, other):
        return isinstance(other, UploadValidator) and (self.types, self.max_bytes) == (
            other.types,
            other.max_bytes,
        )


def random_name(folder, filename):
    """A random file name in folder; only a known, checked extension is kept."""
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix not in EXTENSIONS.values() and suffix != ".jpeg":
        suffix = ""
    return f"{folder}/{secrets.token_urlsafe(RANDOM_NAME_BYTES)}{suffix}"


# Folders whose files are served only by their app's view, after its permission check
# (signed bulletins, spreadsheets, follow-up evidence, proofs of declared commitments):
# never by `serve`, even if a URL pattern of theirs went missing.
PRIVATE_FOLDERS = ("bulletins/", "imports/", "preuves/", "declarations/", "chantiers/")


@require_GET
def serve(request, path):
    """Serve a public uploaded file (logos, deliberations…)."""
    if path.startswith(PRIVATE_FOLDERS):
        raise Http404
    return file_response(path)


def file_response(path):
    """An uploaded file: never inline HTML or script, never sniffed, sandboxed."""
    if ".." in path.split("/") or path.startswith("/"):
        raise Http404
    if not default_storage.exists(path):
        raise Http404
    with default_storage.open(path, "rb") as handle:
        mime = sniff(handle.read(SNIFF_BYTES))
    if mime is None:
        raise Http404
    response = FileResponse(default_storage.open(path, "rb"), content_type=mime)
    disposition = "inline" if mime in IMAGES else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{PurePosixPath(path).name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = f"private, max-age={SERVED_MAX_AGE}"
    return response


mimetypes.add_type("image/webp", ".webp")
