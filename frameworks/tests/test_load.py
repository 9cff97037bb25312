"""Loading the frameworks from YAML: the shipped files, reloading, editing, new versions,
protection of signed items, validation errors, the transaction and the command."""

from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.utils import translation

from actors.models import Organization
from frameworks.models import THEMES, Framework, Item, Level, Section, Theme
from frameworks.services import DATA_DIR, FrameworksLoadError, frameworks_load
from tests.support import make_user

from .helpers import PACTE, SHIPPED, commit, item_of, pacte_data, read_yaml, write

pytestmark = pytest.mark.django_db


def new_framework_data(slug="charte-de-test"):
    """A small valid framework that is not in the database."""
    return {
        "slug": slug,
        "title": "Charte de test",
        "publisher": "egm",
        "version": "1",
        "year": 2024,
        "source_url": "https://example.org/charte",
        "description": "Une charte pour les tests.",
        "sections": [{"code": "S", "kind": "chapter", "title": "Engagements"}],
        "items": [
            {
                "code": "1",
                "section": "S",
                "title": "Accueillir",
                "summary": "Accueillir dignement.",
                "themes": [],
            }
        ],
    }


def snapshot():
    """Every row the loader writes, to check that nothing changed."""
    return {
        "frameworks": list(
            Framework.objects.order_by("pk").values_list(
                "pk", "slug", "version", "title", "content_hash", "is_current", "is_complete", "loaded_at"
            )
        ),
        "sections": list(
            Section.objects.order_by("pk").values_list("pk", "framework_id", "code", "title", "position")
        ),
        "items": list(
            Item.objects.order_by("pk").values_list(
                "pk", "framework_id", "section_id", "code", "title", "summary", "position"
            )
        ),
        "levels": list(
            Level.objects.order_by("pk").values_list("pk", "item_id", "code", "title", "position")
        ),
        "item_themes": list(Item.themes.through.objects.order_by("pk").values_list("item_id", "theme_id")),
        "themes": list(Theme.objects.order_by("pk").values_list("pk", "code", "name", "position")),
    }


def pacte():
    return Framework.objects.get(slug=PACTE, is_current=True)


# The shipped files ----------------------------------------------------------------------


def test_the_three_shipped_frameworks_are_loaded_and_current():
    assert set(Framework.objects.values_list("slug", flat=True)) == set(SHIPPED)
    assert Framework.objects.current().count() == 3
    framework = pacte()
    assert (framework.version, framework.year, framework.short_title) == ("2020", 2020, "Pacte")
    assert framework.publisher == Organization.objects.get(slug=PACTE)
    assert framework.source_url == "https://www.pacte-transition.org/"
    assert framework.get_absolute_url() == "/referentiels/pacte-pour-la-transition/"


@pytest.mark.parametrize("slug", sorted(SHIPPED))
def test_sections_items_and_themes_match_the_file(slug):
    data = read_yaml(SHIPPED[slug])
    framework = Framework.objects.get(slug=slug, version=str(data["version"]))
    assert framework.title == data["title"]
    assert list(framework.sections.order_by("position").values_list("code", "kind")) == [
        (section["code"], section["kind"]) for section in data["sections"]
    ]
    items = list(framework.items.order_by("position").select_related("section").prefetch_related("themes"))
    assert [item.code for item in items] == [str(item["code"]) for item in data["items"]]
    for item, expected in zip(items, data["items"], strict=True):
        assert item.section.code == expected["section"]
        assert item.title == " ".join(expected["title"].split())
        assert item.summary == " ".join(expected["summary"].split())
        assert {theme.code for theme in item.themes.all()} == set(expected.get("themes") or [])


def test_shipped_counts():
    counts = {
        framework.slug: (framework.sections.count(), framework.items.count())
        for framework in Framework.objects.all()
    }
    shipped = {}
    for path in sorted(DATA_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        shipped[data["slug"]] = (len(data["sections"]), len(data["items"]))
    assert counts == shipped
    assert set(shipped) == {PACTE, "anvita-charte", "egm-charte-commune-accueillante"}


def test_themes_are_attached():
    item = pacte().items.get(code="26")
    assert set(item.themes.values_list("code", flat=True)) == {"first_welcome", "access_to_rights"}
    assert set(pacte().items.get(code="01").themes.values_list("code", flat=True)) == {"economy_finance"}
    assert pacte().items.filter(themes__code="first_welcome").count() == 1
    assert Theme.objects.count() == len(THEMES) == 19


def test_every_pacte_item_has_a_theme():
    assert not pacte().items.filter(themes__isnull=True).exists()


def test_levels():
    item = pacte().items.get(code="07")
    assert list(item.levels.values_list("code", flat=True)) == ["1", "2", "3"]
    assert item.levels.get(code="3").title.startswith("100 % de produits bio")
    assert Level.objects.filter(item__framework__slug=PACTE).count() == 3


def test_completeness_comes_from_the_files():
    framework = pacte()
    assert framework.is_complete is False
    assert framework.missing == [str(code) for code in read_yaml(SHIPPED[PACTE])["missing"]]
    assert framework.missing == ["13", "20", "22", "23"]
    measures = {f"{number:02d}" for number in range(1, 33)} - set(framework.missing)
    assert set(framework.items.values_list("code", flat=True)) == measures | {"A", "B", "C"}


def test_items_resting_on_one_source_or_inference_say_so():
    items = dict(pacte().items.values_list("code", "confidence"))
    assert items["26"] == "confirmed" and items["06"] == "single_source"
    assert all(item.sources for item in Item.objects.all())


def test_complete_defaults_to_true(tmp_path):
    frameworks_load([write(tmp_path, "new.yaml", new_framework_data())])
    framework = Framework.objects.get(slug="charte-de-test")
    assert framework.is_complete is True and framework.missing == []
    assert framework.short_title == "Charte de test"


# Reloading and editing -------------------------------------------------------------------


def test_second_load_reports_unchanged_and_changes_nothing():
    before = snapshot()
    report = frameworks_load()
    assert report.created == [] and report.updated == []
    assert sorted(report.unchanged) == [
        "Charte de l'ANVITA (2018)",
        "Charte « Je m'engage pour une commune accueillante » (États Généraux des Migrations) (2020)",
        "Pacte pour la Transition (2020)",
    ]
    assert snapshot() == before


def test_editing_a_summary_updates_in_place(tmp_path):
    ids = dict(pacte().items.values_list("code", "pk"))
    level_ids = list(Level.objects.order_by("pk").values_list("pk", flat=True))
    data = pacte_data()
    item_of(data, "26")["summary"] = "Un résumé   réécrit\nsur deux lignes."
    report = frameworks_load([write(tmp_path, "pacte.yaml", data)])
    assert report.updated == ["Pacte pour la Transition (2020)"]
    assert report.created == [] and report.unchanged == []
    assert dict(pacte().items.values_list("code", "pk")) == ids
    assert list(Level.objects.order_by("pk").values_list("pk", flat=True)) == level_ids
    assert pacte().items.get(code="26").summary == "Un résumé réécrit sur deux lignes."
    assert Framework.objects.filter(slug=PACTE).count() == 1
    # Loading the same copy again: unchanged.
    assert frameworks_load([tmp_path / "pacte.yaml"]).unchanged == ["Pacte pour la Transition (2020)"]


def test_editing_themes_levels_and_moving_an_item(tmp_path):
    data = pacte_data()
    item_of(data, "01")["themes"] = ["food"]
    item_of(data, "07")["levels"] = item_of(data, "07")["levels"][:2]
    item_of(data, "26")["section"] = "B"
    item_id = pacte().items.get(code="26").pk
    frameworks_load([write(tmp_path, "pacte.yaml", data)])
    assert list(pacte().items.get(code="01").themes.values_list("code", flat=True)) == ["food"]
    assert list(pacte().items.get(code="07").levels.values_list("code", flat=True)) == ["1", "2"]
    moved = pacte().items.get(code="26")
    assert moved.pk == item_id and moved.section.code == "B"


def test_removing_an_unsigned_item_deletes_it(tmp_path):
    data = pacte_data()
    data["items"] = [item for item in data["items"] if item["code"] != "28"]
    frameworks_load([write(tmp_path, "pacte.yaml", data)])
    assert not pacte().items.filter(code="28").exists()
    assert pacte().items.count() == len(data["items"])


def test_a_new_version_creates_new_rows_and_becomes_current(tmp_path):
    old = pacte()
    old_items = dict(old.items.values_list("code", "pk"))
    data = pacte_data()
    data["version"], data["year"] = "2026", 2026
    item_of(data, "26")["summary"] = "Résumé de la version 2026."
    report = frameworks_load([write(tmp_path, "pacte-2026.yaml", data)])
    assert report.created == ["Pacte pour la Transition (2026)"]
    new = pacte()
    assert new.version == "2026" and new.pk != old.pk
    old.refresh_from_db()
    assert old.is_current is False
    assert Framework.objects.current().count() == 3
    assert dict(old.items.values_list("code", "pk")) == old_items
    assert not set(new.items.values_list("pk", flat=True)) & set(old_items.values())
    assert new.items.count() == len(data["items"]) and new.sections.count() == 4
    assert new.items.get(code="07").levels.count() == 3
    assert old.items.get(code="26").summary != new.items.get(code="26").summary
    assert old.get_absolute_url() == "/referentiels/pacte-pour-la-transition/versions/2020/"
    assert new.get_absolute_url() == "/referentiels/pacte-pour-la-transition/"
    # Reloading the shipped files does not make the old version current again.
    frameworks_load()
    assert pacte().pk == new.pk


# Signed items are protected ----------------------------------------------------------------


def record_commitment(framework, code="26"):
    """A signed bulletin of the item `code` of the framework, by a list of Saint-Denis."""
    user = make_user("coordination@example.org")
    *_, commitment = commit(framework, user=user, code=code, list_name="Saint-Denis en commun")
    return commitment


def test_removing_a_signed_item_fails_and_changes_nothing(tmp_path):
    from commitments.models import CommitmentItem

    commitment = record_commitment(pacte())
    assert CommitmentItem.objects.filter(commitment=commitment, item__code="26").exists()
    data = pacte_data()
    item_of(data, "01")["summary"] = "Ce changement ne doit pas être écrit."
    data["items"] = [item for item in data["items"] if item["code"] != "26"]
    path = write(tmp_path, "pacte.yaml", data)
    before = snapshot()
    with translation.override("fr"), pytest.raises(FrameworksLoadError) as error:
        frameworks_load([path])
    assert "pacte.yaml" in str(error.value) and "2020" in str(error.value)
    assert snapshot() == before


def test_removing_a_signed_level_fails_and_changes_nothing(tmp_path):
    from commitments.models import CommitmentItem

    commitment = record_commitment(pacte(), code="07")
    CommitmentItem.objects.filter(commitment=commitment).update(
        level=pacte().items.get(code="07").levels.get(code="3")
    )
    data = pacte_data()
    item_of(data, "07")["levels"] = item_of(data, "07")["levels"][:2]
    before = snapshot()
    with pytest.raises(FrameworksLoadError):
        frameworks_load([write(tmp_path, "pacte.yaml", data)])
    assert snapshot() == before


def test_a_signed_item_survives_a_new_version_without_it(tmp_path):
    from commitments.models import CommitmentItem

    record_commitment(pacte())
    signed = CommitmentItem.objects.get()
    data = pacte_data()
    data["version"], data["year"] = "2026", 2026
    data["items"] = [item for item in data["items"] if item["code"] != "26"]
    assert frameworks_load([write(tmp_path, "pacte-2026.yaml", data)]).created
    signed.refresh_from_db()
    assert signed.item.framework.version == "2020" and signed.item.code == "26"
    assert not pacte().items.filter(code="26").exists()


# Validation errors ---------------------------------------------------------------------------


def bad_yaml(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("slug: charte\ntitle: Charte\n  version: 1\nyear: 2020\n", encoding="utf-8")
    return [path]


def not_utf8(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_bytes(yaml.safe_dump(pacte_data(), allow_unicode=True).encode("latin-1", errors="replace"))
    return [path]


def mutated(change):
    def build(tmp_path):
        data = pacte_data()
        change(data)
        return [write(tmp_path, "bad.yaml", data)]

    return build


def local_group_publisher(tmp_path):
    from tests.support import make_group

    make_group("Accueil Saint-Denis", slug="accueil-saint-denis")
    return mutated(lambda data: data.update(publisher="accueil-saint-denis"))(tmp_path)


def same_version_twice(tmp_path):
    data = pacte_data()
    item_of(data, "26")["summary"] = "Une autre rédaction."
    return [SHIPPED[PACTE], write(tmp_path, "pacte-copie.yaml", data)]


ERRORS = {
    # case: (files, what the French message must contain besides the file name)
    "invalid_yaml": (bad_yaml, ["YAML invalide vers la ligne 3."]),
    "not_utf8": (not_utf8, ["le fichier n’est pas un texte UTF-8."]),
    "missing_title": (mutated(lambda data: data.pop("title")), ["le champ « title » manque."]),
    "blank_title": (mutated(lambda data: data.update(title="  ")), ["le champ « title » manque."]),
    "unknown_publisher": (
        mutated(lambda data: data.update(publisher="inconnu")),
        ["l’éditeur « inconnu » n’est pas un partenaire national."],
    ),
    "local_group_publisher": (
        local_group_publisher,
        ["l’éditeur « accueil-saint-denis » n’est pas un partenaire national."],
    ),
    "unknown_theme": (
        mutated(lambda data: item_of(data, "26").update(themes=["first_welcome", "meteo"])),
        ["26", "thèmes inconnus : meteo."],
    ),
    "duplicate_item_code": (
        mutated(lambda data: data["items"].append(dict(item_of(data, "26")))),
        ["le code d’engagement « 26 » apparaît deux fois."],
    ),
    "unknown_section": (
        mutated(lambda data: item_of(data, "26").update(section="Z")),
        ["26", "section « Z » inconnue."],
    ),
    "bad_year": (mutated(lambda data: data.update(year=20)), ["« year » doit être une année, comme 2026."]),
    "year_as_text": (mutated(lambda data: data.update(year="2020")), ["« year » doit être une année"]),
    "non_url_source": (
        mutated(lambda data: data.update(source_url="www.pacte-transition.org")),
        ["« source_url » doit être une adresse web."],
    ),
    "empty_items": (mutated(lambda data: data.update(items=[])), ["le référentiel n’a aucun engagement."]),
    "same_version_twice": (
        same_version_twice,
        ["la version 2020 de « pacte-pour-la-transition » est décrite deux fois."],
    ),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_invalid_files_are_refused_in_french_and_nothing_is_written(case, tmp_path):
    build, expected = ERRORS[case]
    # A good new file comes first: it must not be written either.
    good = write(tmp_path, "a-good.yaml", new_framework_data())
    paths = build(tmp_path)
    before = snapshot()
    with translation.override("fr"), pytest.raises(FrameworksLoadError) as error:
        frameworks_load([good, *paths])
    message = str(error.value)
    assert any(message.startswith(f"{path.name} : ") for path in paths), message
    for text in expected:
        assert text in message, message
    assert snapshot() == before
    assert not Framework.objects.filter(slug="charte-de-test").exists()


@pytest.mark.parametrize("case", ["missing_title", "unknown_theme", "unknown_section"])
def test_error_locations_are_in_french(case, tmp_path):
    build, _expected = ERRORS[case]
    with translation.override("fr"), pytest.raises(FrameworksLoadError) as error:
        frameworks_load(build(tmp_path))
    message = str(error.value)
    assert "framework :" not in message and "item " not in message, message


def test_signed_item_error_is_in_french(tmp_path):
    record_commitment(pacte())
    data = pacte_data()
    data["items"] = [item for item in data["items"] if item["code"] != "26"]
    with translation.override("fr"), pytest.raises(FrameworksLoadError) as error:
        frameworks_load([write(tmp_path, "pacte.yaml", data)])
    assert str(error.value) == (
        "pacte.yaml : des engagements déjà signés seraient retirés de la version 2020 : "
        "publiez plutôt une nouvelle version."
    )


def test_a_bad_file_among_good_ones_writes_nothing_even_after_writing_began(tmp_path):
    """The new framework (first in order) is written before the signed item's removal
    fails: the transaction takes it back."""
    record_commitment(pacte())
    data = pacte_data()
    data["items"] = [item for item in data["items"] if item["code"] != "26"]
    paths = [write(tmp_path, "a-good.yaml", new_framework_data()), write(tmp_path, "pacte.yaml", data)]
    before = snapshot()
    with pytest.raises(FrameworksLoadError):
        frameworks_load(paths)
    assert snapshot() == before
    assert not Framework.objects.filter(slug="charte-de-test").exists()


def test_no_file_to_load(tmp_path, monkeypatch):
    from frameworks import services

    monkeypatch.setattr(services, "DATA_DIR", tmp_path)
    with translation.override("fr"), pytest.raises(FrameworksLoadError, match="Aucun fichier de référentiel"):
        frameworks_load()


def test_themes_ensure_restores_a_deleted_theme(tmp_path):
    Theme.objects.filter(code="mobility").delete()
    frameworks_load([write(tmp_path, "new.yaml", new_framework_data())])
    assert Theme.objects.filter(code="mobility").exists()


# The management command ------------------------------------------------------------------------


def test_command_prints_counts():
    out = StringIO()
    call_command("load_frameworks", stdout=out)
    output = out.getvalue()
    assert "unchanged: Pacte pour la Transition (2020)" in output
    assert "0 created, 0 updated, 3 unchanged." in output


def test_command_loads_the_given_files(tmp_path):
    data = pacte_data()
    item_of(data, "26")["summary"] = "Nouveau résumé."
    paths = [write(tmp_path, "new.yaml", new_framework_data()), write(tmp_path, "pacte.yaml", data)]
    out = StringIO()
    call_command("load_frameworks", *map(str, paths), stdout=out)
    output = out.getvalue()
    assert "created: Charte de test (1)" in output
    assert "updated: Pacte pour la Transition (2020)" in output
    assert "1 created, 1 updated, 0 unchanged." in output
    assert Framework.objects.filter(slug="charte-de-test").exists()


def test_command_raises_command_error(tmp_path):
    data = pacte_data()
    data["publisher"] = "inconnu"
    path = write(tmp_path, "bad.yaml", data)
    before = snapshot()
    with pytest.raises(CommandError, match="bad.yaml"):
        call_command("load_frameworks", str(path), stdout=StringIO())
    assert snapshot() == before


@pytest.mark.parametrize("theme", [{"code": "food"}, ["food"]])
def test_a_theme_that_is_not_text_is_a_load_error(theme, tmp_path):
    data = pacte_data()
    item_of(data, "26")["themes"] = [theme]
    with pytest.raises(FrameworksLoadError):
        frameworks_load([write(tmp_path, "bad.yaml", data)])
