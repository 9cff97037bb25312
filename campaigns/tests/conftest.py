"""Fixtures shared by the test files of campaigns: a Pacte coordinator, a member who
coordinates the Saint-Denis group, an election campaign of the Pacte and the ANVITA charter,
Saint-Denis taken on by the group, and two lists. A test file overrides what it needs
otherwise (a campaign without a date, a coordinator of another partner…).

Plain helpers are in helpers.py."""

from datetime import date

import pytest

from tests.support import make_group, make_partner_coordinator, make_user

from .helpers import ANVITA, IMMEDIATE_TASKS, PACTE, add_list, make_campaign, take_on


@pytest.fixture
def coordinator():
    return make_partner_coordinator("coord@example.org", partner=PACTE)


@pytest.fixture
def member():
    return make_user("member@example.org")


@pytest.fixture
def group(member):
    return make_group(coordinator=member)


@pytest.fixture
def campaign(coordinator):
    return make_campaign(coordinator, frameworks=(PACTE, ANVITA), first_round=date(2026, 3, 15))


@pytest.fixture
def target(campaign, group, member):
    return take_on(campaign, group=group, user=member)


@pytest.fixture
def first(target):
    return add_list(target)


@pytest.fixture
def second(target):
    return add_list(target, name="Autre Saint-Denis", head_name="Louise Michel", email="louise@example.org")


@pytest.fixture
def immediate_tasks(settings):
    """Tasks run at once, within the request (or once its transaction commits)."""
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded files go to a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path
