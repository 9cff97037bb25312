"""The board's rules (pure functions) and its reads: stale items, disagreements, filters,
the summary and its chart, and a number of queries that does not grow with the data."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from followup import board, queries
from followup.board import Filters
from followup.models import ItemState, Status, Update, Voice

from .helpers import EGM, commit, commune, item, post

MUNICIPALITY, CIVIL_SOCIETY = Voice.MUNICIPALITY, Voice.CIVIL_SOCIETY


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 9, 15, 10, 0), datetime(2026, 3, 15, 10, 0)),
        (datetime(2026, 8, 31, 10, 0), datetime(2026, 2, 28, 10, 0)),
        (datetime(2026, 3, 31), datetime(2025, 9, 30)),
        (datetime(2026, 1, 5), datetime(2025, 7, 5)),
    ],
)
def test_months_before_counts_calendar_months(moment, expected):
    assert board.months_before(moment, 6) == expected


def test_summary_counts_each_status_for_each_voice_and_draws_it():
    class State:
        def __init__(self, status):
            self.status, self.updated_at = status, timezone.now()

    rows = [
        board.Row(
            item=None,
            states={MUNICIPALITY: State("done"), CIVIL_SOCIETY: State("in_progress")},
            committed_at=None,
        ),
        board.Row(item=None, states={MUNICIPALITY: State("done"), CIVIL_SOCIETY: None}, committed_at=None),
    ]

    summary = board.summary(rows)

    table = {value: counts for value, _label, counts in summary["table"]}
    assert table["done"] == [2, 0] and table["in_progress"] == [0, 1] and table["none"] == [0, 1]
    municipality, civil_society = summary["chart"]["bars"]
    assert [(s["status"], s["x"], s["width"]) for s in municipality["segments"]] == [("done", 100.0, 220.0)]
    assert [(s["status"], s["x"], s["width"]) for s in civil_society["segments"]] == [
        ("in_progress", 100.0, 110.0),
        ("none", 210.0, 110.0),
    ]
    assert rows[0].diverges and not rows[1].diverges


@pytest.fixture
def voices(committed, mayor, member):
    """26: done for the municipality, in progress for civil society; 01: done for both."""
    post(mayor, item("26"), MUNICIPALITY, status=Status.DONE, progress=100)
    post(member, item("26"), CIVIL_SOCIETY, status=Status.IN_PROGRESS, progress=60)
    post(mayor, item("01"), MUNICIPALITY, status=Status.DONE)
    post(member, item("01"), CIVIL_SOCIETY, status=Status.DONE)


def rows_by_code(filters=None, now=None):
    filters = filters or Filters()
    data = queries.commune_board(commune(), now=now)
    groups = board.arrange(data["rows"], filters, data["themes_of"])
    return {row.item.code: row for group in groups for section in group.sections for row in section.rows}


@pytest.mark.django_db
def test_the_board_has_every_committed_item_with_both_voices(voices):
    rows = rows_by_code()

    assert list(rows) == ["B", "01", "26"]  # section by section, in the framework's order
    assert rows["26"].diverges and rows["26"].status_of(MUNICIPALITY) == Status.DONE
    assert not rows["01"].diverges
    assert rows["B"].states == {MUNICIPALITY: None, CIVIL_SOCIETY: None}


@pytest.mark.django_db
def test_filters_by_status_and_voice_framework_and_theme(voices):
    commit("5", slug=EGM)

    assert set(rows_by_code(Filters(status=Status.IN_PROGRESS))) == {"26"}
    assert set(rows_by_code(Filters(status=Status.DONE))) == {"01", "26"}
    assert set(rows_by_code(Filters(status=Status.DONE, voice=CIVIL_SOCIETY))) == {"01"}
    assert set(rows_by_code(Filters(status=board.UNREPORTED))) == {"B", "5"}
    assert set(rows_by_code(Filters(framework=EGM))) == {"5"}
    assert set(rows_by_code(Filters(theme="schooling_children"))) == {"5"}


@pytest.mark.django_db
def test_items_without_update_for_six_months_are_stale(voices):
    now = timezone.now()
    later = board.months_before(now + timedelta(days=400), 0)

    assert not any(row.stale for row in rows_by_code(now=now).values())
    assert all(row.stale for row in rows_by_code(now=now + timedelta(days=200)).values())
    ItemState.objects.filter(item=item("26")).update(updated_at=now + timedelta(days=300))
    stale = {code for code, row in rows_by_code(now=later).items() if row.stale}
    assert stale == {"B", "01"}


def board_queries(client, code):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/communes/{code}/suivi/")
    assert response.status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_the_board_runs_as_many_queries_for_one_item_as_for_many(
    client, saint_denis, mayor, member, other_mayor
):
    commit("26", code="01001")
    post(other_mayor, item("26"), MUNICIPALITY, code="01001", status=Status.DONE)
    one = board_queries(client, "01001")

    commit("01", "02", "03", "A", "B", "26")
    commit("1", "2", "3", "5", slug=EGM, reference="2026-047")
    for code in ["01", "02", "03", "A", "B", "26"]:
        for _ in range(3):
            post(mayor, item(code), MUNICIPALITY, status=Status.IN_PROGRESS, progress=50)
            post(member, item(code), CIVIL_SOCIETY, status=Status.BLOCKED)
    assert Update.objects.count() == 37
    many = board_queries(client, "93066")

    assert many == one
    assert one <= 9  # 8, and the committee panel (coconstruction, "followup_board" slot)


@pytest.mark.django_db
def test_the_timeline_runs_as_many_queries_for_one_update_as_for_many(client, committed, mayor):
    url = f"/communes/93066/suivi/engagements/{item('26').pk}/"
    post(mayor, item("26"), MUNICIPALITY, status=Status.DONE)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _ in range(12):
        post(mayor, item("26"), MUNICIPALITY, progress=10)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200

    assert len(many) == len(one)
