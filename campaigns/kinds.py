"""The kinds of campaign, declared as data (as adhocracy+ declares its phases).

A kind says what its campaigns allow; services, imports, forms and templates ask
`campaign.kind_spec` rather than testing the kind's name. Adding a kind is a declaration
in KINDS (plus templates when it needs new pages): `Campaign.Kind`, the choices of the
model field, is made from KINDS, so the two cannot drift.

- has_lists: candidate lists are recorded; they receive the letters and sign the bulletins
  (invitations and paper bulletins name the list). Otherwise the municipality does.
- has_rounds: the campaign keeps a second-round date (the first is kept in every kind).
- mandate_from: where the commune's commitment for the mandate comes from.
  ELECTED_LIST: the bulletins of the list recorded as elected (the election result);
  SIGNATURE: the municipality's bulletin, as soon as it is signed.
  A council deliberation is one in every kind.
- lists_refused, lists_refused_in_file, result_refused: the refusals in the kind's own
  words (French grammar differs from one kind to the next), required when the kind has no
  lists, or no election result.

A campaign's phase (open, waiting for the results, results recorded, closed) is derived
from its kind, its dates, whether it is open and whether results are recorded:
`campaign_phase`, a pure function.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from datetime import date

ELECTED_LIST = "elected_list"
SIGNATURE = "signature"


@dataclass(frozen=True, kw_only=True)
class CampaignKind:
    label: str
    description: str
    has_lists: bool
    has_rounds: bool
    mandate_from: str
    lists_refused: str | None = None
    lists_refused_in_file: str | None = None
    result_refused: str | None = None

    def __post_init__(self):
        if self.mandate_from not in (ELECTED_LIST, SIGNATURE):
            raise ImproperlyConfigured(f"Unknown origin of the mandate commitment: {self.mandate_from!r}")
        if self.mandate_from == ELECTED_LIST and not self.has_lists:
            raise ImproperlyConfigured("A kind without lists has no elected list.")
        # `is None`, not truthiness: the messages are lazy, translated only when shown.
        if not self.has_lists and None in (self.lists_refused, self.lists_refused_in_file):
            raise ImproperlyConfigured("A kind without lists says why lists are refused.")
        if not self.records_result and self.result_refused is None:
            raise ImproperlyConfigured("A kind without election result says why a result is refused.")

    @property
    def records_result(self):
        """The election result is recorded: the elected list's bulletins become the mandate's."""
        return self.mandate_from == ELECTED_LIST

    @property
    def signature_is_mandate(self):
        """The municipality's signed bulletin is the commune's commitment for the mandate at once."""
        return self.mandate_from == SIGNATURE


KINDS = {
    "election": CampaignKind(
        label=_("election"),
        description=_(
            "Election: the candidate lists sign; the bulletins of the elected list become "
            "the commune's commitments for the mandate."
        ),
        has_lists=True,
        has_rounds=True,
        mandate_from=ELECTED_LIST,
    ),
    "mid_mandate": CampaignKind(
        label=_("mid-mandate"),
        description=_(
            "Mid-mandate: the municipality signs; its bulletin is the commune's commitment "
            "for the mandate at once."
        ),
        has_lists=False,
        has_rounds=False,
        mandate_from=SIGNATURE,
        lists_refused=_("A mid-mandate campaign addresses the municipality, not lists."),
        lists_refused_in_file=_(
            "Leave empty: in a mid-mandate campaign, the municipality signs, not a list."
        ),
        result_refused=_("A mid-mandate campaign has no election."),
    ),
}


def kind_choices():
    """The TextChoices of Campaign.kind, made from KINDS (member names: the keys upper-cased)."""
    return models.TextChoices(
        "Kind",
        [(key.upper(), (key, kind.label)) for key, kind in KINDS.items()],
        module="campaigns.models",
        qualname="Campaign.Kind",
    )


def kind_of(value):
    """The declared kind of a campaign's `kind` value (KeyError when none is declared)."""
    return KINDS[value]


# Phases ------------------------------------------------------------------------------

OPEN = "open"
AWAITING_RESULTS = "awaiting_results"
RESULTS_RECORDED = "results_recorded"
CLOSED = "closed"

# In French, the words agree with "campagne" (feminine): "Élection · ouverte".
PHASE_LABELS = {
    OPEN: pgettext_lazy("campaign phase", "open"),
    AWAITING_RESULTS: pgettext_lazy("campaign phase", "waiting for the results"),
    RESULTS_RECORDED: pgettext_lazy("campaign phase", "results recorded"),
    CLOSED: pgettext_lazy("campaign phase", "closed"),
}


def campaign_phase(
    kind: CampaignKind, *, is_open: bool, first_round: date | None, results_recorded: bool, today: date
) -> str:
    """The phase of a campaign, in this order: CLOSED once it is closed; for a kind that
    records election results, RESULTS_RECORDED once one is, AWAITING_RESULTS from the day
    of the first round; else OPEN."""
    if not is_open:
        return CLOSED
    if kind.records_result:
        if results_recorded:
            return RESULTS_RECORDED
        if first_round is not None and today >= first_round:
            return AWAITING_RESULTS
    return OPEN
