"""core.concurrency: the one optimistic-concurrency rule of every edit form (the forms'
own two-browser tests are in their apps: test_concurrent_edits.py)."""

from datetime import date

import pytest
from django import forms
from django.db import transaction
from django.test import RequestFactory
from django.utils import translation

from accounts.models import User
from core.concurrency import ConcurrentEdit, bump, claim, conflict_rows, perform_edit, shown, track
from followup.services import StateConflict
from frameworks.drafts import DraftConflict
from tests.support import make_user

pytestmark = pytest.mark.django_db


def test_a_claim_on_the_version_read_moves_it_on():
    user = make_user("nadia@example.org")
    claim(user, 0)
    assert user.version == 1
    user.refresh_from_db()
    assert user.version == 1


def test_a_claim_on_an_older_version_is_refused_with_the_current_row():
    user = make_user("nadia@example.org")
    User.objects.filter(pk=user.pk).update(display_name="Nadia B.", version=3)
    with pytest.raises(ConcurrentEdit) as conflict:
        claim(user, 2)
    assert conflict.value.current.display_name == "Nadia B." and conflict.value.current.version == 3
    assert User.objects.get(pk=user.pk).version == 3  # nothing moved


def test_a_claim_without_a_version_and_a_bump_move_it_on_whatever_it_is():
    user = make_user("nadia@example.org")
    User.objects.filter(pk=user.pk).update(version=5)
    claim(user, None)
    assert user.version == 6
    bump(User, [user.pk])
    bump(User, [])
    assert User.objects.get(pk=user.pk).version == 7


@pytest.mark.django_db(transaction=True)
def test_a_claim_outside_a_transaction_is_a_programming_error():
    user = make_user("nadia@example.org")
    with pytest.raises(RuntimeError):
        claim(user, 0)
    with transaction.atomic():
        claim(user, 0)
    assert User.objects.get(pk=user.pk).version == 1


class Sample(forms.Form):
    name = forms.CharField(label="Nom")
    open = forms.BooleanField(label="Ouvert", required=False)
    kind = forms.ChoiceField(label="Sorte", choices=[("a", "Alpha"), ("b", "Bêta")])
    day = forms.DateField(label="Jour", required=False)


def test_values_are_shown_as_people_read_them():
    form = Sample()
    with translation.override("fr"):
        assert (shown(form.fields["open"], True), shown(form.fields["open"], False)) == ("oui", "non")
    assert shown(form.fields["kind"], "b") == "Bêta"
    assert shown(form.fields["name"], "") == "—"
    assert "2026" in shown(form.fields["day"], date(2026, 3, 1))


def test_the_form_again_keeps_what_was_typed_beside_the_current_values():
    user = make_user("nadia@example.org")
    request = RequestFactory().post("/")
    data = {"name": "Mien", "kind": "a", "version": "0"}
    form = track(Sample(data), user)
    assert form.is_valid()
    User.objects.filter(pk=user.pk).update(version=1)

    def action():
        with transaction.atomic():
            claim(user, form.cleaned_data["version"])

    outcome = perform_edit(
        request,
        form,
        action,
        current_values=lambda current: {"name": "Sien", "kind": "b", "open": False},
        errors=ValueError,
    )

    assert not outcome and isinstance(outcome.error, ConcurrentEdit)
    assert form.data["version"] == 1 and form.data["name"] == "Mien"  # sent again: saved knowingly
    assert form.non_field_errors()
    rows = {row["label"]: row for row in form.conflict}
    assert (rows["Nom"]["current"], rows["Nom"]["yours"], rows["Nom"]["differs"]) == ("Sien", "Mien", True)
    assert rows["Ouvert"]["differs"] is False
    assert "version" not in rows and "Jour" not in rows  # a value the object does not hold is not shown
    assert conflict_rows(form, {}) == []


def test_the_followup_and_the_framework_drafts_conflicts_are_the_same_rule():
    assert issubclass(StateConflict, ConcurrentEdit) and issubclass(DraftConflict, ConcurrentEdit)
