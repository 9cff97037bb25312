"""The registry of roles that require two-factor authentication."""

import pytest

from core import mfa


@pytest.fixture
def no_requirement(monkeypatch):
    monkeypatch.setattr(mfa, "_REQUIREMENTS", [])


class Person:
    def __init__(self, role):
        self.role = role


def test_a_registered_role_requires_two_factors_and_others_do_not(no_requirement):
    mfa.require_for(lambda user: user.role == "partner coordinator")

    assert mfa.required_by_a_role(Person("partner coordinator"))
    assert not mfa.required_by_a_role(Person("member"))


def test_registering_the_same_predicate_twice_keeps_one(no_requirement):
    def is_boss(user):
        return user.role == "boss"

    mfa.require_for(is_boss)
    mfa.require_for(is_boss)

    assert mfa._REQUIREMENTS.count(is_boss) == 1


def test_actors_registers_partner_coordinators():
    from actors.rules import is_partner_coordinator

    assert is_partner_coordinator in mfa._REQUIREMENTS
