"""Writing: the parsed data into the database, inside the caller's transaction.

Regions, departments, EPCI and communes are inserted or updated by code, so
that a second run updates and never duplicates. Every commune is first marked
inactive and the ones in the data active again: a commune missing from the new
data is deactivated, never deleted. Search words and postal codes are rebuilt.
"""

from ..models import ARTICLES, Commune, CommuneWord, Department, Epci, PostalCode, Region, commune_words
from ..normalize import search_key

BATCH = 2000
BULK_BATCH = 5000


def write_territories(data, progress):
    """Write every region, department, EPCI, commune, search word and postal code of
    the ParsedData (with its geometry added). The caller holds the transaction."""
    region_pks = _write_regions(data, progress)
    department_pks = _write_departments(data, region_pks, progress)
    epci_pks = _write_epcis(data, progress)
    Commune.objects.update(is_active=False)
    commune_rows = [
        _commune_row(code, fields, department_pks, epci_pks) for code, fields in data.communes.items()
    ]
    commune_pks = _write_communes(commune_rows, progress)
    _write_arrondissement_parents(data, commune_pks)
    _write_search_words(commune_rows, commune_pks)
    _write_postal_codes(data, commune_pks)


def _upsert(model, rows, update_fields, progress, label):
    """Insert or update rows by code; return {code: primary key}."""
    objects = [model(**row) for row in rows]
    with progress(total=len(objects), desc=label, unit=" lignes") as bar:
        for start in range(0, len(objects), BATCH):
            chunk = objects[start : start + BATCH]
            model.objects.bulk_create(
                chunk, update_conflicts=True, unique_fields=["code"], update_fields=update_fields
            )
            bar.update(len(chunk))
    return dict(model.objects.values_list("code", "pk"))


def _write_regions(data, progress):
    return _upsert(
        Region,
        [{"code": code, **fields} for code, fields in data.regions.items()],
        ["name", "name_type", "outline"],
        progress,
        "regions",
    )


def _write_departments(data, region_pks, progress):
    return _upsert(
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


def _write_epcis(data, progress):
    return _upsert(
        Epci,
        [{"code": code, **fields} for code, fields in data.epcis.items()],
        ["name", "kind"],
        progress,
        "epci",
    )


def _commune_row(code, fields, department_pks, epci_pks):
    """The model fields of an active commune, its parent left to _write_arrondissement_parents."""
    search_name = search_key(fields["name"], ARTICLES[fields["name_type"]])
    return {
        "code": code,
        "kind": fields["kind"],
        "name": fields["name"],
        "name_type": fields["name_type"],
        "department_id": department_pks[fields["department"]],
        "epci_id": epci_pks[fields["epci"]] if fields["epci"] else None,
        "population": fields["population"],
        "search_name": search_name,
        "search_compact": search_name.replace(" ", ""),
        "latitude": fields["latitude"],
        "longitude": fields["longitude"],
        "outline": fields["outline"],
        "town_hall_address": fields["town_hall_address"],
        "town_hall_email": fields["town_hall_email"],
        "town_hall_phone": fields["town_hall_phone"],
        "town_hall_website": fields["town_hall_website"],
        "mayor_name": fields["mayor_name"],
        "mayor_since": fields["mayor_since"],
        "is_active": True,
        "parent_id": None,
    }


def _write_communes(commune_rows, progress):
    """Insert or update every commune (the rows are never empty); return {code: pk}."""
    update_fields = [name.removesuffix("_id") for name in commune_rows[0] if name != "code"]
    return _upsert(Commune, commune_rows, update_fields, progress, "communes")


def _write_arrondissement_parents(data, commune_pks):
    """Once every commune has a key: each arrondissement's parent, its city."""
    arrondissements = [
        Commune(pk=commune_pks[code], parent_id=commune_pks[fields["parent"]])
        for code, fields in data.communes.items()
        if fields["parent"]
    ]
    Commune.objects.bulk_update(arrondissements, ["parent"])


def _write_search_words(commune_rows, commune_pks):
    CommuneWord.objects.all().delete()
    CommuneWord.objects.bulk_create(
        [
            CommuneWord(word=word, commune_id=commune_pks[row["code"]])
            for row in commune_rows
            for word in commune_words(row["search_name"], row["search_compact"])
        ],
        batch_size=BULK_BATCH,
    )


def _write_postal_codes(data, commune_pks):
    PostalCode.objects.all().delete()
    PostalCode.objects.bulk_create(
        [PostalCode(code=postal, commune_id=commune_pks[code]) for postal, code in sorted(data.postal_codes)],
        batch_size=BULK_BATCH,
    )
