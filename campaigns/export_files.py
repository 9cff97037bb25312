"""The campaign exports as files (CSV, gzipped CSV, XLSX), built off the request path.

Built in the request, an anonymous export.xlsx of a big campaign cost seconds of CPU, and
six visitors took the home page from 5 ms to 18 s. So the task worker builds the files
(tasks.build_campaign_export) and the export URLs serve them from disk, with ETag and
Last-Modified (campaigns.views.public.campaign_export).

- Version: a digest of the page cache's versions of the scopes a campaign's page shows
  ("national" and "campaign:<slug>", core/pagecache.py), so that every write that changes
  the campaign's page changes its exports. Without the page cache nothing tracks changes:
  the version is then the time cut in slices of EXPORTS_UNTRACKED_SECONDS (0: a new
  version for each download, built at once where tasks run inline: development, tests).
- Files: MEDIA_ROOT/exports/<campaign pk>/<key>-<version>.<csv|xlsx>[.gz]; the key is
  "all" for the whole campaign, else a digest of the page's filters. Each is written to a
  temporary name, then renamed (a reader never sees half a file); a build removes the
  older versions of its key and keeps the newest MAX_VARIANTS filtered exports.
- Builds: with a task worker, a change to a campaign's page (pagecache.on_flush) queues a
  build of its whole export (EXPORTS_BUILD_ON_CHANGE); otherwise, for filtered exports and
  after a "national" change, the first download queues it. At most one build per campaign
  and key waits at a time (a flag in the cache, taken off when the build starts).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import logging
import os
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from core import pagecache

from . import exports

if TYPE_CHECKING:
    from .models import Campaign

logger = logging.getLogger(__name__)

FOLDER = "exports"
WHOLE = "all"  # the key of the whole campaign's export
# The file of each format, also kept gzipped: sent as is to the clients accepting gzip, never
# compressed again in the request (GZipMiddleware leaves a response with an encoding alone).
SUFFIXES = ("csv", "csv.gz", "xlsx", "xlsx.gz")
XLSX_GZIP_LEVEL = 1  # a workbook is a zip already: gzip saves little, so spend little
# Bumped when the files' content changes (columns, cells): older files are then never served.
FILE_FORMAT = "1"
MAX_VARIANTS = 40  # filtered exports kept per campaign (the newest)
QUEUED_SECONDS = 600  # a queued build's flag: another is queued after it, if the worker lost it
UNTRACKED_SECONDS = 300  # default of EXPORTS_UNTRACKED_SECONDS with a task worker
STALE_TEMPORARY_SECONDS = 3600  # a temporary file this old is left over from a killed build
CSV_CHUNK_ROWS = 1000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FILTER_NAMES = ("statut", "referentiel", "engagement", "departement", "q")


def inert(value):
    """Text that spreadsheet software will not run as a formula (names come from the public)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# --- settings ---------------------------------------------------------------------------------


def inline_tasks() -> bool:
    """Tasks run in the process that queues them (no worker): development and tests."""
    return settings.TASKS["default"]["BACKEND"].endswith("ImmediateBackend")


def build_on_change() -> bool:
    setting = getattr(settings, "EXPORTS_BUILD_ON_CHANGE", None)
    return not inline_tasks() if setting is None else bool(setting)


def untracked_seconds() -> int:
    setting = getattr(settings, "EXPORTS_UNTRACKED_SECONDS", None)
    return (0 if inline_tasks() else UNTRACKED_SECONDS) if setting is None else int(setting)


def allowed(request, action: str, *, dry_run: bool = False) -> bool:
    """Whether the visitor's IP may still download ("campaign_export") or have a filtered
    export built ("campaign_export_build"): the counters of the project's rate limiter
    (allauth's, in the shared cache; ACCOUNT_RATE_LIMITS), which its public consume()
    leaves GET requests out of."""
    from allauth.core.internal import ratelimit

    usage = ratelimit.consume(request, app="allauth.account", action=action, limit_get=True, dry_run=dry_run)
    return usage is not None


# --- versions and names -------------------------------------------------------------------------


def _scope_tokens(scopes: list[str]) -> list[str]:
    """The page cache's current versions of `scopes`, created when missing (as the page
    cache does: a new token never matches an older file)."""
    keys = [pagecache.VERSION_PREFIX + scope for scope in scopes]
    found = cache.get_many(keys)
    tokens = []
    for key in keys:
        token = found.get(key)
        if token is None:
            token = secrets.token_hex(8)
            if not cache.add(key, token, timeout=None):
                token = cache.get(key) or token
        tokens.append(token)
    return tokens


def current_version(campaign: Campaign) -> str:
    """The version of the campaign's data the exports should show (see the module's docstring)."""
    if pagecache.enabled():
        tokens = _scope_tokens([pagecache.NATIONAL, f"campaign:{campaign.slug}"])
    else:
        seconds = untracked_seconds()
        tokens = [f"t{int(time.time() // seconds)}" if seconds > 0 else secrets.token_hex(8)]
    parts = [FILE_FORMAT, settings.LANGUAGE_CODE, str(campaign.pk), *tokens]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def filters_key(values: dict[str, str]) -> str:
    """The files' key of these filters (the page's query values): "all" without any."""
    kept = [(name, values[name]) for name in FILTER_NAMES if values.get(name)]
    if not kept:
        return WHOLE
    return hashlib.sha256(repr(kept).encode()).hexdigest()[:16]


def campaign_folder(campaign_id: int) -> Path:
    """The campaign's folder: EXPORTS_ROOT (default MEDIA_ROOT/exports), shared by the app
    servers and the task worker."""
    root = getattr(settings, "EXPORTS_ROOT", None) or Path(settings.MEDIA_ROOT) / FOLDER
    return Path(root) / str(int(campaign_id))


def _parse_name(name: str) -> tuple[str, str, str] | None:
    """(key, version, suffix) of a built file's name, None for anything else."""
    stem, dot, suffix = name.partition(".")
    key, dash, version = stem.partition("-")
    if not (dot and dash) or suffix not in SUFFIXES or not key or not version:
        return None
    return key, version, suffix


# --- finding a built file ---------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    """An open built file: its handle (kept open, a later build may remove its name), size,
    modification time, version, and whether it is older than the current data."""

    handle: object
    size: int
    modified: float
    version: str
    suffix: str
    stale: bool


def find(campaign_id: int, key: str, version: str, suffixes: tuple[str, ...]) -> Built | None:
    """The file of `version` in the first of `suffixes` built, else the newest earlier
    version (stale), else None. The file is returned open."""
    folder = campaign_folder(campaign_id)
    for suffix in suffixes:
        built = _open(folder / f"{key}-{version}.{suffix}", version, suffix, stale=False)
        if built is not None:
            return built
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return None
    candidates = []
    for entry in entries:
        parsed = _parse_name(entry.name)
        if parsed and parsed[0] == key and parsed[2] in suffixes:
            try:
                candidates.append((entry.stat().st_mtime, -suffixes.index(parsed[2]), parsed, entry.path))
            except FileNotFoundError:
                continue
    for _mtime, _rank, (_key, old_version, suffix), path in sorted(candidates, reverse=True):
        built = _open(Path(path), old_version, suffix, stale=old_version != version)
        if built is not None:
            return built
    return None


def _open(path: Path, version: str, suffix: str, *, stale: bool) -> Built | None:
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return None
    status = os.fstat(handle.fileno())
    return Built(handle, status.st_size, status.st_mtime, version, suffix, stale)


# --- queueing builds --------------------------------------------------------------------------


def _queued_key(campaign_id: int, key: str) -> str:
    return f"exports:queued:{int(campaign_id)}:{key}"


def request_build(campaign: Campaign, values: dict[str, str], version: str | None = None) -> bool:
    """Queue a build of the campaign's export with these filters, unless one waits
    already; True when queued now. `version`: the name to build under (None: the task's
    current version)."""
    if not cache.add(_queued_key(campaign.pk, filters_key(values)), 1, timeout=QUEUED_SECONDS):
        return False
    from .tasks import build_campaign_export

    try:
        build_campaign_export.enqueue(campaign_id=campaign.pk, values=values, version=version)
    except Exception:
        cache.delete(_queued_key(campaign.pk, filters_key(values)))
        raise
    return True


def scopes_flushed(scopes: frozenset[str]) -> None:
    """pagecache.on_flush's listener: queue a build of the whole export of every campaign
    whose page changed, when a task worker runs them (EXPORTS_BUILD_ON_CHANGE)."""
    slugs = [scope.partition(":")[2] for scope in scopes if scope.startswith("campaign:")]
    if not slugs or not build_on_change():
        return
    from .models import Campaign

    for campaign in Campaign.objects.filter(slug__in=slugs).only("pk", "slug"):
        request_build(campaign, {})


# --- building ---------------------------------------------------------------------------------


def build(campaign_id: int, values: dict[str, str], version: str | None = None) -> str | None:
    """Build the export of the campaign with these filters (the task's work); the version
    built, or None when the campaign is gone. Nothing is written when the files of this
    version exist already."""
    from .models import Campaign

    key = filters_key(values)
    cache.delete(_queued_key(campaign_id, key))  # a change from now on queues another build
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return None
    version = version or current_version(campaign)
    folder = campaign_folder(campaign_id)
    targets = {suffix: folder / f"{key}-{version}.{suffix}" for suffix in SUFFIXES}
    if all(path.exists() for path in targets.values()):
        return version
    folder.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with translation.override(settings.LANGUAGE_CODE):
        rows = exports.campaign_export_rows(campaign, **resolve_filters(campaign, values))
        _write(folder, targets, rows)
    _prune(folder, key, version)
    logger.info("Export of campaign %s (%s) built in %.1f s", campaign_id, key, time.monotonic() - started)
    return version


def resolve_filters(campaign: Campaign, values: dict[str, str]) -> dict:
    """The filters of campaign_targets() from the page's query values (checked by the view)."""
    from frameworks.models import Item

    framework = None
    if values.get("referentiel"):
        framework = campaign.frameworks.filter(slug=values["referentiel"]).first()
    item = None
    if framework is not None and values.get("engagement"):
        item = Item.objects.filter(framework=framework, code=values["engagement"]).first()
    return {
        "status": values.get("statut", ""),
        "framework": framework,
        "item": item,
        "department": values.get("departement", ""),
        "query": values.get("q", ""),
    }


def _write(folder: Path, targets: dict[str, Path], rows) -> None:
    """Write the rows as CSV (";" and a BOM, as the import's template: French spreadsheet
    software splits the columns and reads the accents as UTF-8) and XLSX in one pass, and
    each gzipped; each file under a temporary name, renamed once complete."""
    from openpyxl import Workbook

    temporary = {suffix: _temporary(folder, suffix) for suffix in SUFFIXES}
    try:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title="communes")
        with (
            temporary["csv"].open("wb") as plain,
            gzip.GzipFile(temporary["csv.gz"], "wb", compresslevel=6, mtime=0) as packed,
        ):
            buffer = io.StringIO()
            writer = csv.writer(buffer, delimiter=";")
            buffer.write("\ufeff")
            for number, row in enumerate(rows, start=1):
                row = [inert(value) for value in row]
                writer.writerow(row)
                sheet.append(row)
                if number % CSV_CHUNK_ROWS == 0:
                    _flush_csv(buffer, plain, packed)
            _flush_csv(buffer, plain, packed)
        workbook.save(temporary["xlsx"])
        with (
            temporary["xlsx"].open("rb") as source,
            gzip.GzipFile(temporary["xlsx.gz"], "wb", compresslevel=XLSX_GZIP_LEVEL, mtime=0) as packed,
        ):
            shutil.copyfileobj(source, packed)
        for suffix in SUFFIXES:
            os.replace(temporary[suffix], targets[suffix])
    finally:
        for path in temporary.values():
            path.unlink(missing_ok=True)


def _flush_csv(buffer: io.StringIO, *files) -> None:
    data = buffer.getvalue().encode()
    for handle in files:
        handle.write(data)
    buffer.seek(0)
    buffer.truncate()


def _temporary(folder: Path, suffix: str) -> Path:
    descriptor, name = tempfile.mkstemp(dir=folder, prefix=".building-", suffix="." + suffix)
    os.close(descriptor)
    return Path(name)


def _prune(folder: Path, key: str, version: str) -> None:
    """Remove the versions of `key` older than `version` (a newer one, built meanwhile by
    another worker, stays), the filtered exports beyond the newest MAX_VARIANTS, and the
    temporary files of builds killed long ago."""
    now = time.time()
    ours = folder / f"{key}-{version}.csv"
    built_at = ours.stat().st_mtime if ours.exists() else now
    variants: dict[tuple[str, str], float] = {}
    for entry in os.scandir(folder):
        try:
            modified = entry.stat().st_mtime
        except FileNotFoundError:
            continue
        parsed = _parse_name(entry.name)
        if parsed is None:
            if entry.name.startswith(".building-") and modified < now - STALE_TEMPORARY_SECONDS:
                Path(entry.path).unlink(missing_ok=True)
            continue
        entry_key, entry_version, _suffix = parsed
        if entry_key == key and entry_version != version and modified <= built_at:
            Path(entry.path).unlink(missing_ok=True)
        elif entry_key != WHOLE:
            variants[entry_key, entry_version] = max(modified, variants.get((entry_key, entry_version), 0))
    for entry_key, entry_version in sorted(variants, key=variants.get, reverse=True)[MAX_VARIANTS:]:
        for suffix in SUFFIXES:
            (folder / f"{entry_key}-{entry_version}.{suffix}").unlink(missing_ok=True)
