"""Helpers of the follow-up's tests: commitments made through campaigns' services, updates
made through followup's, and messages as French users read them."""

import re
from datetime import date

import pytest
from django.utils import translation
from django.utils.translation import gettext

from actors.models import Organization
from campaigns import services as campaigns
from campaigns.models import Campaign, Target
from followup import services
from followup.models import ItemState
from frameworks.models import Framework
from territories.models import Commune

PACTE = "pacte-pour-la-transition"
EGM = "egm-charte-commune-accueillante"
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def fr(message, **params):
    """A message as French users see it."""
    with translation.override("fr"):
        text = gettext(message)
    return text % params if params else text


def refused(message, **params):
    """pytest.raises for a FollowupError carrying exactly this (translated) message."""
    return pytest.raises(services.FollowupError, match="^" + re.escape(fr(message, **params)) + "$")


def commune(code="93066"):
    return Commune.objects.get(code=code)


def framework(slug=PACTE):
    return Framework.objects.get(slug=slug, is_current=True)


def item(code, slug=PACTE):
    return framework(slug).items.get(code=code)


def campaign():
    """The campaign the commitments are recorded in (made once)."""
    existing = Campaign.objects.filter(slug="municipales-2026").first()
    if existing:
        return existing
    return campaigns.campaign_create(
        user=None,
        title="Municipales 2026",
        kind=Campaign.Kind.ELECTION,
        frameworks=[framework(PACTE), framework(EGM)],
        organizers=[Organization.objects.get(slug=PACTE)],
    )


def commit(*codes, code="93066", slug=PACTE, reference="2026-045"):
    """The commune commits to these items of a framework by a council deliberation: its
    commitment for the mandate."""
    target = Target.objects.filter(campaign=campaign(), commune__code=code).first()
    if target is None:
        target = campaigns.target_take_on(campaign=campaign(), commune=commune(code), group=None, user=None)
    return campaigns.deliberation_record(
        target=target,
        framework=framework(slug),
        choices=[(item(c, slug), None, "") for c in codes],
        reference=reference,
        adopted_on=date(2026, 4, 10),
    )


def version(item_, voice, code="93066"):
    state = ItemState.objects.filter(commune__code=code, item=item_, voice=voice).first()
    return state.version if state else 0


def post(user, item_, voice, *, text="Où nous en sommes.", code="93066", **fields):
    """An update of a voice, on the version its author sees now."""
    return services.update_post(
        commune=commune(code),
        item=item_,
        user=user,
        voice=voice,
        version=fields.pop("version", version(item_, voice, code)),
        text=text,
        **fields,
    )
