"""Writes of the interpellation log (steps), a refusal's public reason among them."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from core.concurrency import claim

from ..models import Step
from .campaigns import target_refresh
from .common import CampaignsError

if TYPE_CHECKING:
    from datetime import date

    from accounts.models import User

    from ..models import CandidateList, Target

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def public_reason_clean(reason: str) -> str:
    """A refusal's public reason as plain text: no markup, no control character, one line."""
    text = " ".join(CONTROL_CHARACTERS.sub(" ", strip_tags(reason)).split())
    if len(text) > Step.PUBLIC_REASON_MAX_LENGTH:
        raise CampaignsError(
            _("The reason is too long: %(max)s characters at most.") % {"max": Step.PUBLIC_REASON_MAX_LENGTH},
            field="public_reason",
        )
    return text


def _step_checked(
    target: Target, *, kind: str, date: date, public_reason: str, candidate_list: CandidateList | None
) -> str:
    """The checks of a step, new or edited; its public reason, cleaned."""
    if candidate_list is not None and candidate_list.target_id != target.pk:
        raise CampaignsError(_("This list is not one of this commune's."))
    if date > timezone.localdate():
        raise CampaignsError(_("A step of the log cannot be in the future."), field="date")
    public_reason = public_reason_clean(public_reason)
    if public_reason and kind != Step.Kind.REFUSAL:
        raise CampaignsError(_("Only a refusal has a public reason."), field="public_reason")
    return public_reason


@transaction.atomic
def step_add(
    *,
    target: Target,
    kind: str,
    date: date,
    notes: str = "",
    public_reason: str = "",
    candidate_list: CandidateList | None = None,
    user: User | None = None,
) -> Step:
    """A step of the log; a refusal (kind REFUSAL) is public, with its public reason."""
    public_reason = _step_checked(
        target, kind=kind, date=date, public_reason=public_reason, candidate_list=candidate_list
    )
    step = Step.objects.create(
        target=target,
        kind=kind,
        date=date,
        notes=notes.strip(),
        public_reason=public_reason,
        candidate_list=candidate_list,
        created_by=user,
    )
    target_refresh(target)
    return step


@transaction.atomic
def step_update(
    *,
    step: Step,
    kind: str,
    date: date,
    notes: str = "",
    public_reason: str = "",
    candidate_list: CandidateList | None = None,
    version: int | None = None,
) -> Step:
    """A step corrected by its author (the history keeps what it said), unless it changed
    since `version` (ConcurrentEdit); a refusal changed changes the public status."""
    target = step.target
    claim(step, version)
    step.public_reason = _step_checked(
        target, kind=kind, date=date, public_reason=public_reason, candidate_list=candidate_list
    )
    step.kind, step.date, step.notes, step.candidate_list = kind, date, notes.strip(), candidate_list
    step.save()
    target_refresh(target)
    return step


@transaction.atomic
def step_delete(*, step: Step) -> None:
    target = step.target
    step.delete()
    target_refresh(target)
