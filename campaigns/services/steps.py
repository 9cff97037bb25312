"""Writes of the interpellation log (steps)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Step
from .campaigns import target_refresh
from .common import CampaignsError

if TYPE_CHECKING:
    from datetime import date

    from accounts.models import User

    from ..models import CandidateList, Target


@transaction.atomic
def step_add(
    *,
    target: Target,
    kind: str,
    date: date,
    notes: str = "",
    candidate_list: CandidateList | None = None,
    user: User | None = None,
) -> Step:
    if candidate_list is not None and candidate_list.target_id != target.pk:
        raise CampaignsError(_("This list is not one of this commune's."))
    if date > timezone.localdate():
        raise CampaignsError(_("A step of the log cannot be in the future."), field="date")
    step = Step.objects.create(
        target=target,
        kind=kind,
        date=date,
        notes=notes.strip(),
        candidate_list=candidate_list,
        created_by=user,
    )
    target_refresh(target)
    return step


@transaction.atomic
def step_delete(*, step: Step) -> None:
    target = step.target
    step.delete()
    target_refresh(target)
