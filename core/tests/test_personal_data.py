"""The personal-data registry: every app's export and erasure, and nothing forgotten."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from core import personal_data
from core.personal_data import PersonalData


def test_every_foreign_key_to_the_user_model_is_covered_by_a_registered_entry():
    """A model that points to a user must say, in its app's personal_data.py, how that
    data is exported (and erased, where the foreign key's on_delete is not enough)."""
    uncovered = personal_data.user_foreign_keys() - personal_data.covered_fields()
    assert sorted(uncovered) == [], "add them to an entry's `covers` (and its export)"


def test_entries_cover_only_foreign_keys_that_exist():
    stale = personal_data.covered_fields() - personal_data.user_foreign_keys()
    assert sorted(stale) == []


def test_a_model_left_out_of_every_entry_is_reported(monkeypatch):
    registry = {app: entry for app, entry in personal_data._REGISTRY.items() if app != "campaigns"}
    monkeypatch.setattr(personal_data, "_REGISTRY", registry)

    uncovered = personal_data.user_foreign_keys() - personal_data.covered_fields()

    assert "campaigns.Step.created_by" in uncovered
    assert "campaigns.ImportJob.created_by" in uncovered


def test_historical_records_are_left_out_of_the_foreign_keys():
    assert "campaigns.HistoricalStep.created_by" not in personal_data.user_foreign_keys()
    assert "actors.Membership.user" in personal_data.user_foreign_keys()


def test_every_app_with_user_data_is_registered_in_installed_apps_order():
    assert [entry.app for entry in personal_data.entries()] == [
        "accounts",
        "frameworks",
        "actors",
        "moderation",
        "notifications",
        "commitments",
        "campaigns",
        "followup",
        "coconstruction",
    ]


@pytest.fixture
def empty_registry(monkeypatch):
    monkeypatch.setattr(personal_data, "_REGISTRY", {})


def test_export_gathers_every_entrys_sections(empty_registry):
    personal_data.register(PersonalData(app="one", covers=(), export=lambda user: {"a": [user]}))
    personal_data.register(PersonalData(app="two", covers=(), export=lambda user: {"b": 2}))

    assert personal_data.export("alice") == {"a": ["alice"], "b": 2}


def test_two_entries_exporting_the_same_section_is_an_error(empty_registry):
    personal_data.register(PersonalData(app="one", covers=(), export=lambda user: {"a": 1}))
    personal_data.register(PersonalData(app="two", covers=(), export=lambda user: {"a": 2}))

    with pytest.raises(ImproperlyConfigured):
        personal_data.export("alice")


def test_registering_an_app_again_replaces_its_entry(empty_registry):
    personal_data.register(PersonalData(app="one", covers=(), export=lambda user: {"a": 1}))
    personal_data.register(PersonalData(app="one", covers=(), export=lambda user: {"a": 2}))

    assert personal_data.export("alice") == {"a": 2}


def test_erase_runs_every_entrys_erasure_and_refusals_say_every_reason(empty_registry):
    erased = []
    personal_data.register(
        PersonalData(
            app="one", covers=(), export=lambda user: {}, erase=erased.append, refusal=lambda user: None
        )
    )
    personal_data.register(
        PersonalData(
            app="two", covers=(), export=lambda user: {}, refusal=lambda user: f"{user} coordinates X."
        )
    )
    personal_data.register(PersonalData(app="three", covers=(), export=lambda user: {}, erase=erased.append))

    personal_data.erase("alice")

    assert erased == ["alice", "alice"]
    assert personal_data.refusals("alice") == ["alice coordinates X."]
