"""Drafts of framework versions: the pure edits of a draft's content, the services that
open, change, check, publish and discard drafts (with their revision and history), the
YAML round trip of a version, the differences between two versions, and local versions.

The draft's check and the loader's are one code path: `draft_problems` must say exactly
what `frameworks_load` says of the same content written to a file."""

import copy
import importlib
import threading
import time

import pytest
import yaml
from django.apps import apps
from django.db import connection, connections
from django.utils import timezone, translation
from django.utils.translation import gettext

from actors.models import Organization
from frameworks import drafts
from frameworks.drafts import (
    DraftConflict,
    DraftError,
    head_set,
    item_remove,
    item_set,
    move,
    section_remove,
    section_set,
)
from frameworks.export import data_diff, framework_data, to_yaml
from frameworks.models import THEMES, Framework, FrameworkDraft, Item, Level, Section
from frameworks.services import frameworks_load
from frameworks.validation import FrameworksLoadError
from tests.support import make_group, make_partner_coordinator, make_user

from .helpers import PACTE, SHIPPED, commit, item_of, pacte_data, write

pytestmark = pytest.mark.django_db

EGM = "egm-charte-commune-accueillante"
ON_POSTGRESQL = connection.vendor == "postgresql"


def current(slug=PACTE):
    return Framework.objects.get(slug=slug, is_current=True)


def this_year():
    return timezone.now().year


@pytest.fixture
def editor():
    return make_partner_coordinator("coordination@pacte.example.org", partner=PACTE, display_name="Léa Pacte")


@pytest.fixture
def other_editor():
    return make_partner_coordinator(
        "relecture@pacte.example.org", partner=PACTE, display_name="Noé Relecture"
    )


@pytest.fixture
def draft(editor):
    return drafts.draft_open(framework=current(), user=editor)


def change(draft, user, edit, text="Une modification"):
    """Apply `edit` to the draft at its current revision."""
    draft.refresh_from_db()
    return drafts.draft_change(draft=draft, revision=draft.revision, user=user, change=text, edit=edit)


def item_13():
    return {
        "code": "13",
        "section": "M",
        "title": "Soutenir les initiatives citoyennes de transition",
        "summary": "La commune soutient les collectifs d'habitant·es qui portent des projets de transition.",
        "themes": ["participation_citizenship"],
    }


def snapshot():
    """The framework rows a publication writes, to check that nothing changed."""
    return {
        "frameworks": list(
            Framework.objects.order_by("pk").values_list(
                "pk", "slug", "version", "title", "content_hash", "is_current", "published_online_at"
            )
        ),
        "sections": list(Section.objects.order_by("pk").values_list("pk", "framework_id", "code", "title")),
        "items": list(
            Item.objects.order_by("pk").values_list(
                "pk", "framework_id", "section_id", "code", "title", "summary"
            )
        ),
        "levels": list(Level.objects.order_by("pk").values_list("pk", "item_id", "code", "title")),
    }


# Pure edits --------------------------------------------------------------------------------


def small():
    """A small draft content: two sections (T empty), three items, two missing codes."""
    return {
        "slug": "charte-de-test",
        "title": "Charte de test",
        "publisher": "egm",
        "version": "2",
        "year": 2026,
        "source_url": "https://example.org/charte",
        "description": "Une charte pour les tests.",
        "complete": False,
        "missing": ["2", "3"],
        "sections": [
            {"code": "S", "kind": "chapter", "title": "Engagements", "summary": ""},
            {"code": "T", "kind": "chapter", "title": "Vide", "summary": ""},
        ],
        "items": [
            {"code": "1", "section": "S", "title": "Accueillir", "summary": "Accueillir.", "themes": []},
            {"code": "4", "section": "S", "title": "Loger", "summary": "Loger.", "themes": ["health"]},
            {"code": "5", "section": "S", "title": "Soigner", "summary": "Soigner.", "themes": []},
        ],
    }


def codes(entries):
    return [entry["code"] for entry in entries]


def refused(edit, data, message):
    """The edit raises DraftError with `message` (in English) and leaves `data` as it was."""
    before = copy.deepcopy(data)
    with translation.override("en"), pytest.raises(DraftError) as error:
        edit(data)
    assert str(error.value) == message
    assert data == before


def test_head_set_changes_the_head_and_missing_codes_make_it_partial():
    data = small()
    data.update(complete=True, missing=[])
    head_set(data, {"title": "Nouvelle charte", "version": "3", "missing": ["2"]})
    assert (data["title"], data["version"], data["missing"], data["complete"]) == (
        "Nouvelle charte",
        "3",
        ["2"],
        False,
    )
    head_set(data, {"missing": [], "complete": True})
    assert data["complete"] is True
    # Missing codes win over a ticked "complete".
    head_set(data, {"missing": ["7"], "complete": True})
    assert data["complete"] is False


def test_section_set_adds_a_section():
    data = small()
    section_set(data, None, {"code": "U", "kind": "principle", "title": "Principe", "summary": ""})
    assert codes(data["sections"]) == ["S", "T", "U"]
    assert data["sections"][-1]["kind"] == "principle"


def test_section_set_refuses_a_code_already_used():
    refused(
        lambda data: section_set(data, None, {"code": "S", "kind": "chapter", "title": "Doublon"}),
        small(),
        "The section code “S” is already used.",
    )
    refused(
        lambda data: section_set(data, "T", {"code": "S", "kind": "chapter", "title": "Doublon"}),
        small(),
        "The section code “S” is already used.",
    )


def test_section_set_changes_a_section_in_place():
    data = small()
    section_set(data, "T", {"code": "T", "kind": "principle", "title": "Renommée", "summary": "Résumé"})
    assert codes(data["sections"]) == ["S", "T"]
    assert data["sections"][1] == {"code": "T", "kind": "principle", "title": "Renommée", "summary": "Résumé"}


def test_renaming_a_section_moves_its_items():
    data = small()
    data["items"].append({"code": "6", "section": "T", "title": "Autre", "summary": "Autre."})
    section_set(data, "S", {"code": "S2", "kind": "chapter", "title": "Engagements", "summary": ""})
    assert codes(data["sections"]) == ["S2", "T"]
    assert [(item["code"], item["section"]) for item in data["items"]] == [
        ("1", "S2"),
        ("4", "S2"),
        ("5", "S2"),
        ("6", "T"),
    ]


def test_section_set_of_a_section_no_longer_there():
    refused(
        lambda data: section_set(data, "Z", {"code": "Z", "kind": "chapter", "title": "Z"}),
        small(),
        "This section is no longer in the draft.",
    )


def test_section_remove():
    data = small()
    section_remove(data, "T")
    assert codes(data["sections"]) == ["S"]


def test_a_section_with_items_cannot_be_removed():
    refused(
        lambda data: section_remove(data, "S"), small(), "Move or remove the items of this section first."
    )


def test_removing_a_section_no_longer_there():
    refused(lambda data: section_remove(data, "Z"), small(), "This section is no longer in the draft.")


def test_item_set_adds_an_item_at_the_end():
    data = small()
    item_set(
        data, None, {"code": "6", "section": "T", "title": "Nouveau", "summary": "Nouveau.", "themes": []}
    )
    assert codes(data["items"]) == ["1", "4", "5", "6"]
    assert data["missing"] == ["2", "3"] and data["complete"] is False


def test_item_set_drops_empty_values_but_keeps_themes_and_maps_to():
    data = small()
    item_set(
        data,
        None,
        {
            "code": "6",
            "section": "S",
            "title": "Nouveau",
            "summary": "Nouveau.",
            "themes": [],
            "levels": [],
            "sources": [],
            "maps_to": [],
            "confidence": None,
        },
    )
    assert data["items"][-1] == {
        "code": "6",
        "section": "S",
        "title": "Nouveau",
        "summary": "Nouveau.",
        "themes": [],
        "maps_to": [],
    }


def test_item_set_replaces_an_item_in_place():
    data = small()
    item_set(
        data, "4", {"code": "4", "section": "T", "title": "Se loger", "summary": "Se loger.", "themes": []}
    )
    assert codes(data["items"]) == ["1", "4", "5"]
    assert data["items"][1] == {
        "code": "4",
        "section": "T",
        "title": "Se loger",
        "summary": "Se loger.",
        "themes": [],
    }


def test_item_set_may_change_an_item_code():
    data = small()
    item_set(data, "4", {"code": "4b", "section": "S", "title": "Loger", "summary": "Loger.", "themes": []})
    assert codes(data["items"]) == ["1", "4b", "5"]


def test_item_set_refuses_a_code_already_used():
    refused(
        lambda data: item_set(data, None, {"code": "1", "section": "S", "title": "Doublon", "summary": "D."}),
        small(),
        "The item code “1” is already used.",
    )
    refused(
        lambda data: item_set(data, "4", {"code": "5", "section": "S", "title": "Doublon", "summary": "D."}),
        small(),
        "The item code “5” is already used.",
    )


def test_item_set_of_an_item_no_longer_there():
    refused(
        lambda data: item_set(data, "9", {"code": "9", "section": "S", "title": "Neuf", "summary": "N."}),
        small(),
        "This item is no longer in the draft.",
    )


def test_filling_in_missing_codes_removes_them_and_completes_the_framework():
    data = small()
    item_set(data, None, {"code": "2", "section": "S", "title": "Deux", "summary": "Deux.", "themes": []})
    assert data["missing"] == ["3"] and data["complete"] is False
    item_set(data, None, {"code": "3", "section": "S", "title": "Trois", "summary": "Trois.", "themes": []})
    assert data["missing"] == [] and data["complete"] is True
    # Each takes its place among its neighbours.
    assert codes(data["items"]) == ["1", "2", "3", "4", "5"]


def test_a_new_item_goes_after_the_items_of_its_section_that_come_before_it():
    data = small()
    data["items"].append({"code": "7", "section": "T", "title": "Sept", "summary": "Sept.", "themes": []})
    item_set(data, None, {"code": "6", "section": "S", "title": "Six", "summary": "Six.", "themes": []})
    assert codes(data["items"]) == ["1", "4", "5", "6", "7"]
    item_set(data, None, {"code": "10", "section": "T", "title": "Dix", "summary": "Dix.", "themes": []})
    assert codes(data["items"]) == ["1", "4", "5", "6", "7", "10"]
    # In a section of its own (T2 is new): at the end.
    item_set(data, None, {"code": "2", "section": "T2", "title": "Deux", "summary": "Deux.", "themes": []})
    assert codes(data["items"])[-1] == "2"


def test_a_new_item_that_comes_first_in_its_section_is_not_put_among_the_others():
    data = small()
    item_set(data, None, {"code": "0", "section": "S", "title": "Zéro", "summary": "Zéro.", "themes": []})
    assert codes(data["items"]) in (["0", "1", "4", "5"], ["1", "4", "5", "0"])


def test_renaming_an_item_to_a_missing_code_fills_it_in():
    data = small()
    item_set(data, "5", {"code": "3", "section": "S", "title": "Trois", "summary": "Trois.", "themes": []})
    assert data["missing"] == ["2"]
    assert codes(data["items"]) == ["1", "4", "3"]


def egm_like():
    """Partial with no known missing code, as the EGM and ANVITA files are."""
    data = small()
    data.update(complete=False, missing=[])
    return data


def test_editing_an_item_of_a_partial_framework_without_missing_codes_keeps_it_partial():
    data = egm_like()
    item_set(
        data, "1", {"code": "1", "section": "S", "title": "Accueillir", "summary": "Mieux.", "themes": []}
    )
    assert data["complete"] is False


def test_editing_the_head_of_a_partial_framework_without_missing_codes_keeps_it_partial():
    data = egm_like()
    head_set(data, {"title": "Charte de test, version 2", "missing": []})
    assert data["complete"] is False


def test_item_remove():
    data = small()
    item_remove(data, "4")
    assert codes(data["items"]) == ["1", "5"]
    refused(lambda data: item_remove(data, "4"), data, "This item is no longer in the draft.")


def test_move_items_up_and_down():
    data = small()
    move(data, "items", "4", -1)
    assert codes(data["items"]) == ["4", "1", "5"]
    move(data, "items", "4", +1)
    assert codes(data["items"]) == ["1", "4", "5"]
    move(data, "items", "4", +1)
    assert codes(data["items"]) == ["1", "5", "4"]


def test_move_stops_at_the_ends():
    data = small()
    move(data, "items", "1", -1)
    assert codes(data["items"]) == ["1", "4", "5"]
    move(data, "items", "5", +1)
    assert codes(data["items"]) == ["1", "4", "5"]
    move(data, "sections", "S", -1)
    move(data, "sections", "T", +1)
    assert codes(data["sections"]) == ["S", "T"]


def test_move_sections():
    data = small()
    move(data, "sections", "T", -1)
    assert codes(data["sections"]) == ["T", "S"]
    # Items keep their section and their order.
    assert [(item["code"], item["section"]) for item in data["items"]] == [("1", "S"), ("4", "S"), ("5", "S")]


def test_move_an_entry_no_longer_there():
    refused(lambda data: move(data, "items", "9", -1), small(), "This entry is no longer in the draft.")
    refused(lambda data: move(data, "sections", "Z", +1), small(), "This entry is no longer in the draft.")


# Opening a draft -------------------------------------------------------------------------------


def test_draft_open_proposes_the_next_version_from_the_current_one(editor):
    framework = current()
    with translation.override("en"):
        draft = drafts.draft_open(framework=framework, user=editor)
    expected = framework_data(framework)
    expected["version"], expected["year"] = str(this_year()), this_year()
    assert draft.data == expected
    assert (draft.slug, draft.base, draft.publisher) == (PACTE, framework, framework.publisher)
    assert draft.revision == 1 and draft.published_at is None
    assert draft.created_by == editor and draft.updated_by == editor
    assert draft.change == "Draft opened"
    # Nothing is published by opening a draft.
    assert Framework.objects.filter(slug=PACTE).count() == 1


def test_draft_open_reuses_the_open_draft(draft, other_editor):
    again = drafts.draft_open(framework=current(), user=other_editor)
    assert again.pk == draft.pk
    assert again.created_by != other_editor
    assert FrameworkDraft.objects.filter(slug=PACTE).count() == 1


def test_draft_open_proposes_a_version_not_taken(editor, tmp_path):
    data = pacte_data()
    data["version"], data["year"] = str(this_year()), this_year()
    frameworks_load([write(tmp_path, "pacte-next.yaml", data)])
    draft = drafts.draft_open(framework=current(), user=editor)
    assert draft.data["version"] == f"{this_year()}.1"
    assert draft.base.version == str(this_year())


def test_draft_open_records_its_author_in_the_history(draft, editor):
    records = list(draft.history.all())
    assert [(record.history_type, record.history_user_id, record.revision) for record in records] == [
        ("+", editor.pk, 1)
    ]


# Changing a draft --------------------------------------------------------------------------------


def test_draft_change_applies_the_edit_and_counts_the_revision(draft, other_editor):
    saved = drafts.draft_change(
        draft=draft,
        revision=1,
        user=other_editor,
        change="Mesure 13 ajoutée",
        edit=lambda data: item_set(data, None, item_13()),
    )
    draft.refresh_from_db()
    assert draft.revision == saved.revision == 2
    assert (draft.change, draft.updated_by) == ("Mesure 13 ajoutée", other_editor)
    assert item_of(draft.data, "13")["title"] == item_13()["title"]
    assert draft.data["missing"] == ["20", "22", "23"]


def test_a_stale_revision_is_a_conflict_naming_the_last_editor(draft, editor, other_editor):
    change(draft, other_editor, lambda data: item_set(data, None, item_13()), "Mesure 13 ajoutée")
    draft.refresh_from_db()
    before = (draft.revision, copy.deepcopy(draft.data), draft.updated_by_id, draft.updated_at)

    with translation.override("en"), pytest.raises(DraftConflict) as conflict:
        drafts.draft_change(
            draft=draft,
            revision=1,
            user=editor,
            change="Mesure 26 réécrite",
            edit=lambda data: item_of(data, "26").update(title="Écrasé"),
        )
    message = str(conflict.value)
    assert message.startswith("This draft was changed by Noé Relecture on "), message
    assert "(“Mesure 13 ajoutée”) since you opened it." in message
    assert conflict.value.draft.revision == 2
    draft.refresh_from_db()
    assert (draft.revision, draft.data, draft.updated_by_id, draft.updated_at) == before
    assert item_of(draft.data, "26")["title"] != "Écrasé"
    assert draft.history.count() == 2


def test_a_refused_edit_saves_nothing(draft, editor):
    with translation.override("en"), pytest.raises(DraftError, match="Move or remove the items"):
        drafts.draft_change(
            draft=draft,
            revision=1,
            user=editor,
            change="Section M retirée",
            edit=lambda d: section_remove(d, "M"),
        )
    draft.refresh_from_db()
    assert draft.revision == 1 and draft.history.count() == 1


def test_every_edit_is_in_the_history_with_its_author_and_change(draft, editor, other_editor):
    change(draft, other_editor, lambda data: item_set(data, None, item_13()), "Mesure 13 ajoutée")
    change(draft, editor, lambda data: move(data, "items", "13", -1), "13 remontée")
    change(draft, other_editor, lambda data: head_set(data, {"title": "Pacte 2026"}), "Titre changé")
    records = list(FrameworkDraft.history.filter(id=draft.pk).order_by("history_date", "history_id"))
    opened = gettext("Draft opened")  # in the language active when the fixture opened it
    assert [(r.history_type, r.revision, r.history_user_id, r.change) for r in records] == [
        ("+", 1, editor.pk, opened),
        ("~", 2, other_editor.pk, "Mesure 13 ajoutée"),
        ("~", 3, editor.pk, "13 remontée"),
        ("~", 4, other_editor.pk, "Titre changé"),
    ]
    assert records[-1].data["title"] == "Pacte 2026"


def test_a_published_draft_cannot_be_changed(draft, editor):
    drafts.draft_publish(draft=draft, revision=1, user=editor)
    with (
        translation.override("en"),
        pytest.raises(DraftError, match="This draft has been published already."),
    ):
        drafts.draft_change(draft=draft, revision=2, user=editor, change="Après", edit=lambda data: None)


# The one check of files and drafts ---------------------------------------------------------------


def unknown_theme(data):
    item_of(data, "26")["themes"] = ["first_welcome", "meteo"]


def many_problems(data):
    data.pop("title")
    data["year"] = 20
    data["source_url"] = "www.pacte-transition.org"
    item_of(data, "01")["section"] = "Z"
    item_of(data, "07")["levels"] = [{"code": "1", "title": "Un"}, {"code": "1", "title": "Deux"}]
    item_of(data, "28")["confidence"] = "maybe"
    data["items"].append(dict(item_of(data, "26")))


def filled_but_still_missing(data):
    data["items"].append(item_13())


def national_maps_to(data):
    item_of(data, "26")["maps_to"] = ["01"]


def no_items(data):
    data["items"] = []


PROBLEMS = {
    "unknown_theme": unknown_theme,
    "many_problems": many_problems,
    "filled_but_still_missing": filled_but_still_missing,
    "national_maps_to": national_maps_to,
    "no_items": no_items,
    "unknown_publisher": lambda data: data.update(publisher="inconnu"),
}


def load_problems(tmp_path, data):
    """The messages of frameworks_load for `data` written to a file."""
    with pytest.raises(FrameworksLoadError) as error:
        frameworks_load([write(tmp_path, "brouillon.yaml", data)])
    return error.value.messages


@pytest.mark.parametrize("case", sorted(PROBLEMS))
def test_draft_problems_are_the_loaders_messages(case, draft, editor, tmp_path):
    # The draft edited with the same change as the file (the pure edits cannot make them all).
    change(draft, editor, PROBLEMS[case])
    draft.refresh_from_db()
    with translation.override("fr"):
        problems = drafts.draft_problems(draft)
        expected = load_problems(tmp_path, draft.data)
    assert problems, "the draft has problems"
    assert problems == expected


def test_draft_problems_in_french(draft, editor, tmp_path):
    FrameworkDraft.objects.filter(pk=draft.pk).update(data={**draft.data, "title": " ", "year": 20})
    draft.refresh_from_db()
    with translation.override("fr"):
        problems = drafts.draft_problems(draft)
        assert problems == load_problems(tmp_path, draft.data)
    assert problems == [
        "référentiel : le champ « title » manque.",
        "« year » doit être une année, comme 2026.",
    ]


def test_a_fresh_draft_has_no_problem(draft):
    assert drafts.draft_problems(draft) == []


def test_the_check_of_a_local_version_is_the_loaders(tmp_path):
    coordinator = make_user("g@example.org")
    group = make_group("Accueil Saint-Denis", slug="accueil-saint-denis", coordinator=coordinator)
    local = drafts.draft_open_local(national=current(), group=group, user=coordinator)
    data = copy.deepcopy(local.data)
    item_of(data, "26")["maps_to"] = ["26", "99", "98"]
    item_of(data, "01")["themes"] = ["meteo"]
    FrameworkDraft.objects.filter(pk=local.pk).update(data=data)
    local.refresh_from_db()
    with translation.override("fr"):
        problems = drafts.draft_problems(local)
        assert problems == load_problems(tmp_path, local.data)
    assert len(problems) == 2
    assert "99, 98" in problems[1]


# Publishing -------------------------------------------------------------------------------------------


def test_publishing_a_new_version_makes_it_current_and_keeps_the_old_one(draft, editor):
    from commitments.models import CommitmentItem

    old = current()
    old_items = dict(old.items.values_list("code", "pk"))
    *_, commitment = commit(old, user=make_user("campagne@example.org"), code="26")
    signed = CommitmentItem.objects.get(commitment=commitment)
    change(draft, editor, lambda data: item_set(data, None, item_13()), "Mesure 13 ajoutée")
    change(
        draft,
        editor,
        lambda data: item_of(data, "26").update(title="Lieux de premier accueil, version révisée"),
        "26 reformulée",
    )
    draft.refresh_from_db()

    framework = drafts.draft_publish(draft=draft, revision=draft.revision, user=editor)

    assert framework == current() and framework.pk != old.pk
    assert framework.version == str(this_year()) and framework.year == this_year()
    assert framework.published_by == editor and framework.published_online_at is not None
    assert framework.missing == ["20", "22", "23"] and framework.is_complete is False
    assert framework.items.get(code="13").title == item_13()["title"]
    assert framework.items.get(code="26").title == "Lieux de premier accueil, version révisée"
    assert list(framework.items.order_by("position").values_list("code", flat=True)) == codes(
        draft.data["items"]
    )
    old.refresh_from_db()
    assert old.is_current is False
    assert dict(old.items.values_list("code", "pk")) == old_items
    assert not set(framework.items.values_list("pk", flat=True)) & set(old_items.values())
    signed.refresh_from_db()
    assert signed.item.pk == old_items["26"] and signed.item.framework == old
    assert signed.item.title != "Lieux de premier accueil, version révisée"
    draft.refresh_from_db()
    assert draft.published_at is not None and draft.published_framework == framework
    assert not FrameworkDraft.objects.filter(slug=PACTE, published_at__isnull=True).exists()
    # The next draft starts from the new version.
    assert drafts.draft_open(framework=current(), user=editor).base == framework


def test_publishing_the_same_version_corrects_unsigned_texts_in_place(draft, editor):
    commit(current(), user=make_user("campagne@example.org"), code="26")
    framework = current()
    ids = dict(framework.items.values_list("code", "pk"))
    change(draft, editor, lambda data: head_set(data, {"version": "2020", "year": 2020}), "Même version")
    change(
        draft, editor, lambda data: item_of(data, "01").update(summary="Un résumé corrigé."), "01 corrigée"
    )
    draft.refresh_from_db()

    published = drafts.draft_publish(draft=draft, revision=draft.revision, user=editor)

    assert published.pk == framework.pk and Framework.objects.filter(slug=PACTE).count() == 1
    assert dict(published.items.values_list("code", "pk")) == ids
    assert published.items.get(code="01").summary == "Un résumé corrigé."
    assert published.published_online_at is not None and published.published_by == editor


@pytest.mark.parametrize("field", ["title", "summary"])
def test_publishing_the_same_version_refuses_to_change_a_signed_text(field, draft, editor):
    commit(current(), user=make_user("campagne@example.org"), code="26")
    change(draft, editor, lambda data: head_set(data, {"version": "2020", "year": 2020}), "Même version")
    change(
        draft, editor, lambda data: item_of(data, "01").update(summary="Un résumé corrigé."), "01 corrigée"
    )
    change(
        draft, editor, lambda data: item_of(data, "26").update({field: "Texte signé changé."}), "26 changée"
    )
    draft.refresh_from_db()
    before = snapshot()

    with translation.override("fr"), pytest.raises(FrameworksLoadError) as error:
        drafts.draft_publish(draft=draft, revision=draft.revision, user=editor)

    assert error.value.messages == [
        "le texte de l’engagement 26, déjà signé, changerait dans la version 2020 : "
        "publiez plutôt une nouvelle version."
    ]
    assert snapshot() == before  # not even 01's correction
    draft.refresh_from_db()
    assert draft.published_at is None and draft.revision == 4


def test_publishing_the_same_version_refuses_to_remove_a_signed_item(draft, editor):
    commit(current(), user=make_user("campagne@example.org"), code="26")
    change(draft, editor, lambda data: head_set(data, {"version": "2020", "year": 2020}), "Même version")
    change(draft, editor, lambda data: item_remove(data, "26"), "26 retirée")
    draft.refresh_from_db()
    before = snapshot()
    with pytest.raises(FrameworksLoadError):
        drafts.draft_publish(draft=draft, revision=draft.revision, user=editor)
    assert snapshot() == before
    assert FrameworkDraft.objects.get(pk=draft.pk).published_at is None


def test_publishing_a_stale_revision_is_a_conflict(draft, editor, other_editor):
    change(draft, other_editor, lambda data: item_set(data, None, item_13()), "Mesure 13 ajoutée")
    before = snapshot()
    with pytest.raises(DraftConflict) as conflict:
        drafts.draft_publish(draft=draft, revision=1, user=editor)
    assert conflict.value.draft.updated_by == other_editor
    assert snapshot() == before
    assert FrameworkDraft.objects.get(pk=draft.pk).published_at is None


def test_publishing_a_draft_with_problems_is_refused_with_them(draft, editor):
    change(draft, editor, unknown_theme)
    draft.refresh_from_db()
    before = snapshot()
    with translation.override("fr"):
        problems = drafts.draft_problems(draft)
        with pytest.raises(FrameworksLoadError) as error:
            drafts.draft_publish(draft=draft, revision=draft.revision, user=editor)
    assert error.value.messages == problems
    assert snapshot() == before
    assert FrameworkDraft.objects.get(pk=draft.pk).published_at is None


def test_publishing_is_in_the_history(draft, editor):
    drafts.draft_publish(draft=draft, revision=1, user=editor)
    last = FrameworkDraft.history.filter(id=draft.pk).latest()
    assert last.history_user_id == editor.pk and last.published_at is not None
    assert str(this_year()) in last.change


# Discarding ---------------------------------------------------------------------------------------------


def test_draft_discard(draft, other_editor):
    before = snapshot()
    drafts.draft_discard(draft=draft, user=other_editor)
    assert not FrameworkDraft.objects.filter(pk=draft.pk).exists()
    assert snapshot() == before
    deleted = FrameworkDraft.history.filter(id=draft.pk).latest()
    assert (deleted.history_type, deleted.history_user_id) == ("-", other_editor.pk)
    # A new draft may be opened.
    assert drafts.draft_open(framework=current(), user=other_editor).pk != draft.pk


def test_the_history_says_a_draft_was_discarded(draft, editor, other_editor):
    change(draft, editor, lambda data: item_set(data, None, item_13()), "Mesure 13 ajoutée")
    drafts.draft_discard(draft=draft, user=other_editor)
    deleted = FrameworkDraft.history.filter(id=draft.pk).latest()
    assert (deleted.history_type, deleted.history_user_id) == ("-", other_editor.pk)
    assert deleted.change == gettext("Draft discarded")  # not the last edit's text again


def test_a_published_draft_cannot_be_discarded(draft, editor):
    framework = drafts.draft_publish(draft=draft, revision=1, user=editor)
    with (
        translation.override("en"),
        pytest.raises(DraftError, match="This draft has been published already."),
    ):
        drafts.draft_discard(draft=draft, user=editor)
    assert FrameworkDraft.objects.filter(pk=draft.pk).exists()
    assert current() == framework


# YAML round trip ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", sorted(SHIPPED))
def test_a_versions_yaml_loads_back_unchanged(slug, tmp_path):
    framework = current(slug)
    path = tmp_path / f"{slug}.yaml"
    path.write_text(to_yaml(framework_data(framework)), encoding="utf-8")
    report = frameworks_load([path])
    assert report.unchanged == [f"{framework.title} ({framework.version})"]
    assert report.created == report.updated == report.kept == []
    assert current(slug).content_hash == framework.content_hash


def test_yaml_keeps_codes_as_text():
    text = to_yaml(framework_data(current()))
    data = yaml.safe_load(text)
    assert codes(data["items"])[:4] == ["A", "B", "C", "01"]
    assert data["version"] == "2020" and data["missing"] == ["13", "20", "22", "23"]
    assert text.startswith("slug: pacte-pour-la-transition\n")


def test_a_version_published_online_is_kept_by_the_loader(draft, editor, tmp_path):
    change(draft, editor, lambda data: head_set(data, {"version": "2020", "year": 2020}), "Même version")
    change(
        draft, editor, lambda data: item_of(data, "01").update(summary="Un résumé corrigé."), "01 corrigée"
    )
    draft.refresh_from_db()
    framework = drafts.draft_publish(draft=draft, revision=draft.revision, user=editor)
    online_hash = framework.content_hash

    report = frameworks_load()
    assert report.kept == ["Pacte pour la Transition (2020)"]
    assert current().items.get(code="01").summary == "Un résumé corrigé."
    assert current().content_hash == online_hash

    # Its YAML, downloaded, is the site's version: loading it changes nothing.
    path = tmp_path / "pacte.yaml"
    path.write_text(to_yaml(framework_data(current())), encoding="utf-8")
    assert frameworks_load([path]).unchanged == ["Pacte pour la Transition (2020)"]

    report = frameworks_load(overwrite_online=True)
    assert report.updated == ["Pacte pour la Transition (2020)"]
    assert current().items.get(code="01").summary == " ".join(item_of(pacte_data(), "01")["summary"].split())


# Differences between two versions -------------------------------------------------------------------------


def test_data_diff_of_identical_versions_is_empty():
    diff = data_diff(pacte_data(), pacte_data())
    assert diff["is_empty"]
    assert all(diff[key] == [] for key in ("added", "removed", "reworded", "themes", "levels", "moved"))


def test_data_diff():
    old, new = pacte_data(), pacte_data()
    new["items"].append(item_13())
    new["items"] = [item for item in new["items"] if item["code"] != "28"]
    item_of(new, "26")["title"] = "Lieux de premier accueil"
    item_of(new, "01")["themes"] = ["economy_finance", "solidarity"]
    item_of(new, "02")["themes"] = []
    item_of(new, "07")["levels"] = item_of(new, "07")["levels"][:2]
    item_of(new, "05")["section"] = "B"
    item_of(new, "06")["confidence"] = "confirmed"
    item_of(new, "08")["confidence"] = "inferred"
    new["missing"] = ["20", "22", "23"]
    new["year"] = 2026

    diff = data_diff(old, new)

    assert not diff["is_empty"]
    assert codes(diff["added"]) == ["13"] and codes(diff["removed"]) == ["28"]
    assert [(c["code"], c["old"]["title"], c["new"]["title"]) for c in diff["reworded"]] == [
        ("26", item_of(old, "26")["title"], "Lieux de premier accueil")
    ]
    # The themes are named by their labels.
    themes = {
        c["code"]: ([str(t) for t in c["added"]], [str(t) for t in c["removed"]]) for c in diff["themes"]
    }
    assert themes == {
        "01": ([str(THEMES["solidarity"])], []),
        "02": ([], [str(THEMES[theme]) for theme in sorted(item_of(old, "02")["themes"])]),
    }
    assert [(c["code"], len(c["old"]), len(c["new"])) for c in diff["levels"]] == [("07", 3, 2)]
    assert [(c["code"], c["old"], c["new"]) for c in diff["moved"]] == [
        ("05", item_of(old, "05")["section"], "B")
    ]
    confidence = {c["code"]: (c["old"], c["new"]) for c in diff["confidence"]}
    assert confidence["06"] == ("single_source", "confirmed")
    assert confidence["08"] == (item_of(old, "08").get("confidence", "confirmed"), "inferred")
    assert {c["key"] for c in diff["head"]} == {"missing", "year"}


def test_data_diff_of_a_summary_is_a_rewording():
    old, new = pacte_data(), pacte_data()
    item_of(new, "26")["summary"] = "Autre résumé."
    diff = data_diff(old, new)
    assert codes([c["new"] for c in diff["reworded"]]) == ["26"]
    assert diff["added"] == diff["removed"] == diff["moved"] == []


def test_data_diff_between_two_stored_versions(tmp_path):
    data = pacte_data()
    data["version"], data["year"] = "2026", 2026
    data["items"].append(item_13())
    data["missing"] = ["20", "22", "23"]
    frameworks_load([write(tmp_path, "pacte-2026.yaml", data)])
    old = Framework.objects.get(slug=PACTE, version="2020")
    diff = data_diff(framework_data(old), framework_data(current()))
    assert codes(diff["added"]) == ["13"]
    assert diff["removed"] == diff["reworded"] == diff["themes"] == diff["levels"] == []
    assert {c["key"] for c in diff["head"]} == {"missing", "year"}


# Local versions -------------------------------------------------------------------------------------------


@pytest.fixture
def group_coordinator():
    return make_user("coordination@accueil-saint-denis.example.org", display_name="Sam Accueil")


@pytest.fixture
def group(group_coordinator):
    return make_group("Accueil Saint-Denis", slug="accueil-saint-denis", coordinator=group_coordinator)


def test_draft_open_local(group, group_coordinator):
    national = current()
    with translation.override("en"):
        local = drafts.draft_open_local(national=national, group=group, user=group_coordinator)
    assert local.slug == "pacte-pour-la-transition-accueil-saint-denis"
    assert (local.base, local.publisher, local.revision) == (national, group, 1)
    assert local.change == "Local version opened"
    data = local.data
    assert data["publisher"] == "accueil-saint-denis"
    assert data["based_on"] == {"slug": PACTE, "version": "2020"}
    assert (data["version"], data["complete"], data["missing"]) == ("1", True, [])
    assert data["title"] == "Pacte pour la Transition — Accueil Saint-Denis"
    assert codes(data["items"]) == list(national.items.order_by("position").values_list("code", flat=True))
    assert all(item["maps_to"] == [item["code"]] for item in data["items"])
    assert drafts.draft_problems(local) == []


def test_a_second_local_version_gets_another_slug(group, group_coordinator):
    first = drafts.draft_open_local(national=current(), group=group, user=group_coordinator)
    second = drafts.draft_open_local(national=current(), group=group, user=group_coordinator)
    assert second.slug == f"{first.slug}-2"


def test_publishing_a_local_version(group, group_coordinator):
    national = current()
    local = drafts.draft_open_local(national=national, group=group, user=group_coordinator)
    kept = {"26", "01"}
    change(
        local,
        group_coordinator,
        lambda data: data.update(items=[item for item in data["items"] if item["code"] in kept]),
        "Seules 01 et 26",
    )
    change(
        local,
        group_coordinator,
        lambda data: item_set(
            data,
            None,
            {
                "code": "L1",
                "section": "M",
                "title": "Une maison de l'accueil à Saint-Denis",
                "summary": "Un lieu d'accueil ouvert à toutes et tous.",
                "themes": ["first_welcome"],
                "maps_to": ["26", "28"],
            },
        ),
        "L1 ajoutée",
    )
    local.refresh_from_db()
    assert drafts.draft_problems(local) == []

    framework = drafts.draft_publish(draft=local, revision=local.revision, user=group_coordinator)

    assert framework.parent == national and framework.publisher == group and framework.is_local
    assert framework.is_current and framework.slug == local.slug and framework.version == "1"
    national_items = {
        item.code: sorted(framework.items.get(code=item.code).national_items.values_list("code", flat=True))
        for item in framework.items.all()
    }
    assert national_items == {"01": ["01"], "26": ["26"], "L1": ["26", "28"]}
    assert all(n.framework == national for item in framework.items.all() for n in item.national_items.all())
    assert set(national.items.get(code="26").local_items.values_list("code", flat=True)) == {"26", "L1"}
    assert list(national.local_versions.all()) == [framework]
    # The national framework is untouched.
    national.refresh_from_db()
    assert national.is_current and national.items.count() == len(pacte_data()["items"])
    # Its YAML round trip keeps the mapping.
    data = framework_data(framework)
    assert data["based_on"] == {"slug": PACTE, "version": "2020"}
    assert item_of(data, "L1")["maps_to"] == ["26", "28"]


def test_a_local_item_mapping_to_an_unknown_national_code_is_a_problem(group, group_coordinator):
    local = drafts.draft_open_local(national=current(), group=group, user=group_coordinator)
    change(local, group_coordinator, lambda data: item_of(data, "26").update(maps_to=["26", "99"]), "26 → 99")
    local.refresh_from_db()
    with translation.override("en"):
        assert drafts.draft_problems(local) == ["item 26: the national framework has no item 99."]
        with pytest.raises(FrameworksLoadError):
            drafts.draft_publish(draft=local, revision=local.revision, user=group_coordinator)
    assert not Framework.objects.filter(slug=local.slug).exists()


def test_a_local_version_of_a_group_not_validated_is_refused(group_coordinator, tmp_path):
    pending = make_group(
        "Collectif en attente", slug="collectif-en-attente", coordinator=group_coordinator, status="pending"
    )
    local = drafts.draft_open_local(national=current(), group=pending, user=group_coordinator)
    message = "the publisher “collectif-en-attente” of a local version is not a validated local group."
    with translation.override("en"):
        assert drafts.draft_problems(local) == [message]
        # The loader says the same of the file.
        assert load_problems(tmp_path, local.data) == [message]
        with pytest.raises(FrameworksLoadError) as error:
            drafts.draft_publish(draft=local, revision=1, user=group_coordinator)
    assert error.value.messages == [message]
    assert not Framework.objects.filter(slug=local.slug).exists()


def test_a_local_version_published_by_a_partner_is_refused(group, group_coordinator):
    local = drafts.draft_open_local(national=current(), group=group, user=group_coordinator)
    FrameworkDraft.objects.filter(pk=local.pk).update(data={**local.data, "publisher": "egm"})
    local.refresh_from_db()
    with translation.override("en"):
        assert drafts.draft_problems(local) == [
            "the publisher “egm” of a local version is not a validated local group."
        ]


def test_maps_to_is_only_for_local_versions(draft):
    data = copy.deepcopy(draft.data)
    item_of(data, "26")["maps_to"] = ["26"]
    FrameworkDraft.objects.filter(pk=draft.pk).update(data=data)
    draft.refresh_from_db()
    with translation.override("en"):
        assert drafts.draft_problems(draft) == [
            "item 26: “maps_to” is only for the items of a local version."
        ]


def test_a_local_version_of_a_local_version_is_refused(group, group_coordinator, tmp_path):
    local_draft = drafts.draft_open_local(national=current(), group=group, user=group_coordinator)
    local = drafts.draft_publish(draft=local_draft, revision=1, user=group_coordinator)
    other = make_group("Accueil Abergement", commune="01001", coordinator=make_user("h@example.org"))
    drafts_before = FrameworkDraft.objects.count()
    with translation.override("en"), pytest.raises(DraftError) as error:
        drafts.draft_open_local(national=local, group=other, user=group_coordinator)
    assert str(error.value) == "A local version adapts a national framework, not another local version."
    assert FrameworkDraft.objects.count() == drafts_before
    # Nor may a file be based on a local version.
    data = copy.deepcopy(local_draft.data)
    data.update(slug="local-de-local", publisher=other.slug, based_on={"slug": local.slug, "version": "1"})
    with translation.override("en"):
        assert load_problems(tmp_path, data)[0] == (
            f"“based_on”: there is no national framework “{local.slug}” in version 1."
        )


def test_the_national_framework_must_exist_for_a_local_version(group, group_coordinator):
    local = drafts.draft_open_local(national=current(), group=group, user=group_coordinator)
    FrameworkDraft.objects.filter(pk=local.pk).update(
        data={**local.data, "based_on": {"slug": PACTE, "version": "1999"}}
    )
    local.refresh_from_db()
    with translation.override("en"):
        problems = drafts.draft_problems(local)
    assert problems[0] == f"“based_on”: there is no national framework “{PACTE}” in version 1999."


# Two editors at the same moment (PostgreSQL only) ---------------------------------------------------------


def ensure_frameworks():
    """Transactional tests start from tables that other transactional tests (the browser's)
    may have flushed: the national partners (a data migration's) and the frameworks."""
    importlib.import_module("actors.migrations.0002_partners").create_partners(apps, None)
    frameworks_load()


@pytest.mark.skipif(not ON_POSTGRESQL, reason="row locks are PostgreSQL's; SQLite locks the whole database")
@pytest.mark.django_db(transaction=True)
def test_two_editors_saving_the_same_revision_at_once():
    ensure_frameworks()
    assert Organization.objects.filter(slug=PACTE).exists()
    first = make_partner_coordinator("une@pacte.example.org", partner=PACTE, display_name="Une")
    second = make_partner_coordinator("deux@pacte.example.org", partner=PACTE, display_name="Deux")
    draft = drafts.draft_open(framework=current(), user=first)
    barrier = threading.Barrier(2)
    outcomes = {}

    def save(user, title):
        def edit(data):
            time.sleep(0.3)  # hold the row lock while the other editor waits for it
            item_of(data, "26")["title"] = title

        try:
            barrier.wait(timeout=10)
            drafts.draft_change(draft=draft, revision=1, user=user, change=title, edit=edit)
        except DraftConflict as conflict:
            outcomes[user.pk] = ("conflict", conflict.draft.updated_by_id)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcomes[user.pk] = ("error", repr(error))
        else:
            outcomes[user.pk] = ("saved", None)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(first, "Titre de Une")),
        threading.Thread(target=save, args=(second, "Titre de Deux")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcome for outcome, _ in outcomes.values()) == ["conflict", "saved"], outcomes
    winner = next(pk for pk, (outcome, _) in outcomes.items() if outcome == "saved")
    loser = next(pk for pk, (outcome, _) in outcomes.items() if outcome == "conflict")
    assert outcomes[loser][1] == winner  # the conflict names who saved
    draft.refresh_from_db()
    assert draft.revision == 2 and draft.updated_by_id == winner
    assert item_of(draft.data, "26")["title"] == ("Titre de Une" if winner == first.pk else "Titre de Deux")
    assert draft.history.count() == 2
