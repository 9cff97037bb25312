"""Helpers of the tests of declared commitments (commitments' and followup's): the
communes, frameworks and items of the fixture, verified contacts and members, a
declaration made through the service, and messages as French users read them."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from actors.models import Membership, MunicipalContact, Organization
from commitments import declarations
from commitments.declarations import Committer, ProofGiven
from commitments.models import Declaration
from frameworks.models import Framework
from territories.models import Commune
from tests.support import make_user

PACTE = "pacte-pour-la-transition"
EGM = "egm-charte-commune-accueillante"
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
LINK = "https://example.org/engagements/saint-denis"


def fr(message, **params):
    """A message as French users see it."""
    with translation.override("fr"):
        text = gettext(message)
    return text % params if params else text


def refused(message, **params):
    """pytest.raises for a DeclarationError whose messages include exactly this one."""
    return pytest.raises(declarations.DeclarationError, match=re.escape(fr(message, **params)))


def commune(code="93066"):
    return Commune.objects.get(code=code)


def framework(slug=PACTE):
    return Framework.objects.get(slug=slug, is_current=True)


def item(code, slug=PACTE):
    return framework(slug).items.get(code=code)


def recently(days=5):
    return timezone.localdate() - timedelta(days=days)


def verified_contact(user, code):
    MunicipalContact.objects.create(
        user=user,
        commune=commune(code),
        role=MunicipalContact.Role.COUNCIL,
        position="Adjointe à la solidarité",
        status=MunicipalContact.Status.VERIFIED,
        method=MunicipalContact.Method.TOWN_HALL_EMAIL,
        verified_at=timezone.now(),
    )
    return user


def member_of(group, email, **fields):
    user = make_user(email, **fields)
    Membership.objects.create(user=user, organization=group, role=Membership.Role.MEMBER)
    return user


def declare(user, *codes, code="93066", slug=PACTE, capacity=None, organization=None, **fields):
    """A declaration of these items by `user` (as the municipality when they are a verified
    contact, else for their first following group), by the council with a deliberation."""
    if capacity is None:
        group = Organization.objects.filter(
            memberships__user=user, kind=Organization.Kind.LOCAL_GROUP
        ).first()
        capacity = Declaration.Capacity.LOCAL_GROUP if group else Declaration.Capacity.MUNICIPALITY
        organization = organization or group
    arguments = {
        "commune": commune(code),
        "framework": framework(slug),
        "choices": [(item(c, slug), None) for c in codes],
        "committed_on": recently(),
        "committer": Committer(Declaration.CommittedBy.COUNCIL),
        "proof": ProofGiven(reference="2026-045"),
        "user": user,
        "capacity": capacity,
        "organization": organization,
    }
    return declarations.declaration_create(**{**arguments, **fields})
