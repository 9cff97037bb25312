"""The history told as sentences for people (core/history.py, core/includes/history.html):
who did what to which record, each change named by the field's verbose name, with
booleans as « oui/non », choices as their labels, foreign keys as their names, dates as
long French dates, files as « fichier remplacé » (never a path); a page of history costs
the same few queries whatever its length."""

import re
from datetime import date

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from actors.models import Organization
from campaigns.models import Campaign, CandidateList, Step
from campaigns.tests.helpers import ANVITA, PACTE, add_list, framework, make_campaign, take_on
from core.history import field_label, history_entries
from core.templatetags.dates import long_date
from tests.support import make_group, make_partner_coordinator, make_user

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


def plain(text):
    """French's non-breaking spaces as plain ones, to compare with readable strings."""
    return text.replace(NBSP, " ")


def entries_of(obj, **options):
    return history_entries(list(obj.history.all()), **options)


def changes_of(obj):
    """The sentences of the object's last change."""
    latest = max(entries_of(obj), key=lambda entry: entry["date"])
    return [plain(change["text"]) for change in latest["changes"]]


def save_as(obj, user):
    obj._history_user = user  # as simple_history's middleware does for a request
    obj.save()


@pytest.fixture
def awa():
    return make_user("awa@example.org", display_name="Awa Diallo")


@pytest.fixture
def group(awa):
    return make_group(coordinator=awa)


@pytest.fixture
def target(group, awa):
    coordinator = make_partner_coordinator("coord@example.org", partner=PACTE)
    campaign = make_campaign(coordinator, frameworks=(PACTE,), first_round=date(2026, 3, 1))
    return take_on(campaign, group=group, user=awa)


# Sentences ---------------------------------------------------------------------------------------


def test_created_changed_deleted_by_whom(target, awa):
    candidate_list = add_list(target)
    candidate_list.name = "Ensemble pour Saint-Denis"
    save_as(candidate_list, awa)
    pk = candidate_list.pk
    candidate_list.delete()

    entries = history_entries(list(CandidateList.history.filter(id=pk)))
    sentences = sorted(plain(entry["sentence"]) for entry in entries)

    assert sentences == [
        "Awa Diallo a modifié la liste « Ensemble pour Saint-Denis ».",
        "Awa Diallo a supprimé la liste « Ensemble pour Saint-Denis ».",  # still her instance
        "La plateforme a créé la liste « Saint-Denis Ensemble ».",
    ]
    assert {entry["user"] for entry in entries} == {"Awa Diallo", "la plateforme"}


def test_a_deleted_account_is_named_so(target):
    ghost = make_user("ghost@example.org", display_name="Fantôme")
    candidate_list = add_list(target)
    candidate_list.head_name = "Louise Michel"
    save_as(candidate_list, ghost)
    ghost.delete()

    latest = max(entries_of(candidate_list), key=lambda entry: entry["date"])

    assert plain(latest["sentence"]) == "Un compte supprimé a modifié la liste « Saint-Denis Ensemble »."
    assert latest["user"] == "compte supprimé"
    assert "Fantôme" not in latest["sentence"]


def test_booleans_say_yes_or_no(target):
    candidate_list = add_list(target)
    candidate_list.is_elected = True
    candidate_list.save()

    assert changes_of(candidate_list) == ["Élue : oui (auparavant non)."]


def test_choices_say_their_label_and_people_their_name(group, awa):
    group.status = Organization.Status.PENDING
    group.validated_by = None
    group.validated_at = None
    group.save()
    group.status = Organization.Status.VALIDATED
    group.validated_by = awa
    group.validated_at = timezone.now()
    group.save()

    changes = changes_of(group)

    assert "Statut : validée (auparavant en attente)." in changes
    assert "Validée par : Awa Diallo." in changes
    (validated_at,) = [change for change in changes if change.startswith("Validée le")]
    assert re.fullmatch(r"Validée le : \d{1,2}(?:er)? \w+ \d{4} à \d\d:\d\d\.", validated_at)
    group.validated_by = None
    group.save()
    assert changes_of(group) == ["Validée par : aucune valeur désormais (auparavant Awa Diallo)."]


def test_dates_are_long_french_dates(target):
    campaign = target.campaign
    campaign.first_round = date(2026, 3, 15)
    campaign.save()

    assert changes_of(campaign) == [
        "Date de l’élection (premier tour) : 15 mars 2026 (auparavant 1er mars 2026)."
    ]
    assert long_date(date(2026, 3, 1)) == "1er mars 2026"


def test_files_are_added_replaced_removed_never_shown(group):
    group.logo = "logos/Vd3c2kP-premier.png"
    group.save()
    assert changes_of(group) == ["Logo : fichier ajouté."]
    group.logo = "logos/Qw8x1zR-second.png"
    group.save()
    assert changes_of(group) == ["Logo : fichier remplacé."]
    group.logo = ""
    group.save()
    assert changes_of(group) == ["Logo : fichier retiré."]
    html = render_to_string("core/includes/history.html", {"entries": entries_of(group)})
    assert "logos/" not in html and ".png" not in html


def test_texts_are_quoted_and_long_ones_shortened(group):
    group.description = "Avant"
    group.save()
    group.description = "Nous accueillons. " * 40
    group.save()

    (change,) = changes_of(group)

    assert change.startswith("Description : « Nous accueillons. Nous accueillons.")
    assert change.endswith("…» (auparavant « Avant »).") or change.endswith("… » (auparavant « Avant »).")
    assert len(change) < 250


def test_many_to_many_fields_say_what_was_added_and_removed(target):
    campaign = target.campaign
    campaign.frameworks.add(framework(ANVITA))
    campaign.frameworks.remove(framework(PACTE))

    entries = sorted(entries_of(campaign), key=lambda entry: entry["date"])

    texts = [plain(change["text"]) for entry in entries for change in entry["changes"]]
    assert f"Référentiels proposés, ajout : {framework(ANVITA)}." in texts
    assert f"Référentiels proposés, retrait : {framework(PACTE)}." in texts


def test_the_record_is_named_by_the_callers_label_else_by_its_field(target):
    step = Step.objects.create(target=target, kind=Step.Kind.MEETING, date=date(2026, 2, 1))
    (entry,) = history_entries(list(step.history.all()), label=lambda record: "Rencontre du 1er février")
    assert (
        plain(entry["sentence"])
        == "La plateforme a créé l’étape d’interpellation « Rencontre du 1er février »."
    )
    (entry,) = entries_of(step)  # NOUNS names a step by its kind: its label
    assert plain(entry["sentence"]) == "La plateforme a créé l’étape d’interpellation « rencontre »."


def test_the_fallback_names_the_record_and_its_model(monkeypatch, target):
    from core import history

    monkeypatch.delitem(history.NOUNS, "campaigns.candidatelist")
    candidate_list = add_list(target)
    (entry,) = entries_of(candidate_list)
    assert plain(entry["sentence"]) == "La plateforme a créé « Saint-Denis Ensemble » (liste candidate)."


def test_fields_without_a_verbose_name_get_ours():
    assert field_label(Step._meta.get_field("created_by")) == "auteur ou autrice"
    assert field_label(Step._meta.get_field("target")) == "commune d’une campagne"
    assert field_label(Campaign._meta.get_field("first_round")) == "date de l’élection (premier tour)"


# The page ------------------------------------------------------------------------------------------


def test_the_page_reads_as_sentences_without_raw_values(target, awa):
    candidate_list = add_list(target)
    candidate_list.is_elected = True
    save_as(candidate_list, awa)
    campaign = target.campaign
    campaign.first_round = date(2026, 3, 22)
    campaign.save()
    entries = entries_of(candidate_list) + entries_of(campaign)
    entries.sort(key=lambda entry: entry["date"], reverse=True)

    html = plain(render_to_string("core/includes/history.html", {"entries": entries}))

    assert "Awa Diallo a modifié la liste « Saint-Denis Ensemble »." in html
    assert "<li>Élue : oui (auparavant non).</li>" in html
    assert "22 mars 2026 (auparavant 1er mars 2026)" in html
    text = re.sub(r'datetime="[^"]*"', "", html)  # machine-readable dates stay for machines
    for raw in ("True", "False", "→", "None", "is_elected", "first_round"):
        assert raw not in text, raw
    assert not re.search(r"\d{4}-\d\d-\d\d", text)  # no ISO date
    assert re.search(r"<time datetime=\"[^\"]+\">\d{1,2}(?:er)? \w+ \d{4} à \d\d:\d\d</time>", html)


def test_an_empty_history_says_so():
    html = render_to_string("core/includes/history.html", {"entries": []})
    assert '<p class="empty">Aucune modification enregistrée pour l’instant.</p>' in html


def test_the_queries_do_not_grow_with_the_history(target, awa, django_assert_max_num_queries):
    def many(count):
        candidate_list = add_list(target, name=f"Liste {count}")
        for number in range(count):
            candidate_list.head_name = f"Tête {number}"
            candidate_list.is_elected = not candidate_list.is_elected
            save_as(candidate_list, awa)
        return list(CandidateList.history.filter(id=candidate_list.pk))

    few, lots = many(2), many(30)
    with django_assert_max_num_queries(3) as few_queries:
        history_entries(few)
    with django_assert_max_num_queries(len(few_queries.captured_queries)):
        entries = history_entries(lots)
    assert len(entries) == 31


def test_every_model_with_a_history_has_its_phrase():
    """A model whose history is kept says how a sentence names its records (NOUNS), so that
    French reads « la liste « … » », not « « … » (liste candidate) »."""
    from django.apps import apps
    from simple_history.models import registered_models

    from core.history import NOUNS

    tracked = {model._meta.label_lower for model in registered_models.values() if model in apps.get_models()}
    assert tracked and not tracked - set(NOUNS), tracked - set(NOUNS)
