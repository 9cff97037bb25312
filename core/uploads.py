"""Uploaded files: checked by their content (not their name), size-limited,
stored under random names, and served with headers that forbid execution."""

import mimetypes
import secrets
import zipfile
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
# Office documents are ZIP containers, recognised by what the archive holds (`sniff_file`):
# OpenDocument by its `mimetype` entry, Office Open XML by the main part its
# `[Content_Types].xml` declares (and the archive really has).
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OPENDOCUMENT = (ODT, ODS)
OOXML_MAIN_PARTS = {
    DOCX: ("word/document.xml", DOCX + ".main+xml"),
    XLSX: ("xl/workbook.xml", XLSX + ".main+xml"),
}
# Plain text and CSV: valid UTF-8 without NUL (told apart by the name, as nothing else can).
TEXT, CSV = "text/plain", "text/csv"
TEXTS = (TEXT, CSV)
MARKUP = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml")  # never taken for text
EXTENSIONS.update({ODT: ".odt", ODS: ".ods", DOCX: ".docx", XLSX: ".xlsx", TEXT: ".txt", CSV: ".csv"})
ZIP_SIGNATURE = b"PK\x03\x04"
ZIP_MAX_ENTRIES = 10000  # more parts than any real document: not opened
ZIP_MANIFEST_MAX = 256 * 1024  # the largest `mimetype` or `[Content_Types].xml` read
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


def _zip_type(handle):
    """The office type of a ZIP container (OpenDocument or Office Open XML), or None."""
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    with archive:
        infos = archive.infolist()
        if len(infos) > ZIP_MAX_ENTRIES:
            return None
        entries = {info.filename: info for info in infos}
        try:
            if "mimetype" in entries and entries["mimetype"].file_size <= ZIP_MANIFEST_MAX:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                return declared if declared in OPENDOCUMENT else None
            manifest = entries.get("[Content_Types].xml")
            if manifest is None or manifest.file_size > ZIP_MANIFEST_MAX:
                return None
            content_types = archive.read(manifest).decode("utf-8", "replace")
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
            return None
    for mime, (part, content_type) in OOXML_MAIN_PARTS.items():
        if part in entries and f'"{content_type}"' in content_types and f'"/{part}"' in content_types:
            return mime
    return None


def _text_type(handle, name):
    """TEXT (or CSV, by its name) for valid UTF-8 without NUL, else None."""
    data = handle.read()
    if b"\x00" in data or data.lstrip()[:16].lower().startswith(MARKUP):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return CSV if PurePosixPath(name or "").suffix.lower() == ".csv" else TEXT


def sniff_file(handle, name="", types=None):
    """The MIME type of a whole file (an open, seekable binary file), or None: its first
    bytes (`sniff`), else what a ZIP container holds, else text (for a file named .txt
    or .csv, when `types` is None or accepts text). Leaves the file at its start."""
    try:
        handle.seek(0)
        head = handle.read(SNIFF_BYTES)
        mime = sniff(head)
        if mime is None and head.startswith(ZIP_SIGNATURE):
            handle.seek(0)
            mime = _zip_type(handle)
        elif mime is None and _wants_text(name, types):
            handle.seek(0)
            mime = _text_type(handle, name)
    finally:
        handle.seek(0)
    return mime


def _wants_text(name, types):
    """Text is only ever taken for a file named .txt or .csv (and, for an upload, where
    text is accepted): a page or a script renamed .pdf is not "text"."""
    named_text = PurePosixPath(name or "").suffix.lower() in (EXTENSIONS[TEXT], EXTENSIONS[CSV])
    return named_text and (types is None or any(mime in TEXTS for mime in types))


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
        mime = sniff(head)
        if mime is None and self.types - set(SIGNATURES):
            mime = sniff_file(upload, getattr(upload, "name", ""), self.types)
            upload.seek(position)
        if mime not in self.types:
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


def file_response(path, download_name=None):
    """An uploaded file: never inline HTML or script, never sniffed, sandboxed.
    `download_name`: the name the browser saves it under (ASCII letters, digits, dashes
    and a dot only: the caller makes it so), else the stored one."""
    if ".." in path.split("/") or path.startswith("/"):
        raise Http404
    if not default_storage.exists(path):
        raise Http404
    with default_storage.open(path, "rb") as handle:
        mime = sniff_file(handle, path)
    if mime is None:
        raise Http404
    response = FileResponse(default_storage.open(path, "rb"), content_type=mime)
    disposition = "inline" if mime in IMAGES else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{download_name or PurePosixPath(path).name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = f"private, max-age={SERVED_MAX_AGE}"
    return response


mimetypes.add_type("image/webp", ".webp")
