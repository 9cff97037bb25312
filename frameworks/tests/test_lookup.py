"""frameworks.lookup: the frameworks, items and levels a spreadsheet names (both imports
use it), read once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frameworks.lookup import FrameworkLookup, level_label
from frameworks.models import Framework
from frameworks.services import frameworks_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def lookup():
    frameworks_load()
    return FrameworkLookup(Framework.objects.current().order_by("slug"), levels=True)


def pacte():
    return Framework.objects.get(slug="pacte-pour-la-transition", is_current=True)


@pytest.mark.parametrize(
    "given",
    [
        "pacte-pour-la-transition",
        "PACTE-POUR-LA-TRANSITION",
        "Pacte",
        "pacte pour la transition",
        "Pacte pour la Transition",
    ],
)
def test_a_framework_by_slug_title_or_short_title(lookup, given):
    assert lookup.find(given) == [pacte()]


def test_an_unknown_framework(lookup):
    assert lookup.find("inconnu") == [] and lookup.find("") == []


def test_items_by_code(lookup):
    framework = pacte()
    assert lookup.item(framework.pk, "07") == framework.items.get(code="07").pk
    assert lookup.item(framework.pk, "7") == framework.items.get(code="07").pk  # a number lost its zero
    assert lookup.item(framework.pk, "A") == framework.items.get(code="A").pk
    assert lookup.item(framework.pk, "ZZ") is None
    ids = set(lookup.items[framework.pk].values())
    in_order = [code for pk, code in lookup.codes.items() if pk in ids]
    assert in_order == list(framework.items.order_by("position").values_list("code", flat=True))


def test_levels_by_code_title_or_both(lookup):
    item = pacte().items.get(code="07")
    level = item.levels.get(code="2")
    assert lookup.level(item.pk, "2") == level.pk
    assert lookup.level(item.pk, level.title.upper()) == level.pk
    assert lookup.level(item.pk, level_label("2", level.title)) == level.pk
    assert lookup.level(item.pk, "2 — anything") == level.pk
    assert lookup.level(item.pk, "9") is None and lookup.level(item.pk, "") is None
    assert lookup.level_codes[item.pk] == ["1", "2", "3"]
    assert lookup.level(pacte().items.get(code="26").pk, "1") is None  # no levels


def test_read_once(lookup):
    with CaptureQueriesContext(connection) as reading:
        fresh = FrameworkLookup(Framework.objects.current(), levels=True)
    assert len(reading) == 3  # frameworks, items, levels
    with CaptureQueriesContext(connection) as finding:
        for _ in range(20):
            fresh.find("Pacte")
            fresh.item(fresh.frameworks[0].pk, "1")
    assert len(finding) == 0
