"""Writes of a commune's candidate lists, and the election result."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from commitments import domain
from commitments.models import MandateCommitment
from core.concurrency import claim

from ..models import CandidateList
from .campaigns import target_refresh
from .common import CampaignsError
from .mandates import _bulletin, _mandates_apply

if TYPE_CHECKING:
    from commitments.models import Commitment

    from ..models import Target


def _clean_list_fields(name: str, head_name: str) -> tuple[str, str]:
    name, head_name = " ".join(name.split()), " ".join(head_name.split())
    if not name or not head_name:
        raise CampaignsError(_("Give the list's name and its head of list."))
    return name, head_name


def _check_list_name(target: Target, name: str, exclude: int | None = None) -> None:
    """Names compare without case, accented letters included (SQLite's iexact only folds ASCII)."""
    wanted = name.casefold()
    others = target.lists.exclude(pk=exclude).values_list("name", flat=True)
    if any(other.casefold() == wanted for other in others):
        raise CampaignsError(_("This commune already has a list with this name."))


@transaction.atomic
def list_add(
    *,
    target: Target,
    name: str,
    head_name: str,
    email: str = "",
    political_label: str = "",
    address: str = "",
) -> CandidateList:
    kind = target.campaign.kind_spec
    if not kind.has_lists:
        raise CampaignsError(str(kind.lists_refused))
    name, head_name = _clean_list_fields(name, head_name)
    _check_list_name(target, name)
    try:
        with transaction.atomic():
            candidate_list = CandidateList.objects.create(
                target=target,
                name=name,
                head_name=head_name,
                email=email.strip(),
                political_label=political_label.strip(),
                address=address.strip(),
            )
    except IntegrityError:
        raise CampaignsError(_("This commune already has a list with this name.")) from None
    target_refresh(target)
    return candidate_list


@transaction.atomic
def list_update(
    *,
    candidate_list: CandidateList,
    name: str,
    head_name: str,
    email: str = "",
    political_label: str = "",
    address: str = "",
    version: int | None = None,
) -> CandidateList:
    """A list's edit, unless it changed since `version` (ConcurrentEdit)."""
    name, head_name = _clean_list_fields(name, head_name)
    claim(candidate_list, version)
    _check_list_name(candidate_list.target, name, exclude=candidate_list.pk)
    candidate_list.name, candidate_list.head_name = name, head_name
    candidate_list.email, candidate_list.political_label = email.strip(), political_label.strip()
    candidate_list.address = address.strip()
    candidate_list.save()
    return candidate_list


@transaction.atomic
def list_delete(*, candidate_list: CandidateList) -> None:
    if candidate_list.commitments.exists():
        raise CampaignsError(_("This list has signed a bulletin: it stays on record (it can withdraw)."))
    target = candidate_list.target
    candidate_list.delete()
    target_refresh(target)


# Election results -----------------------------------------------------------------


def _of_list(commitment: Commitment, list_id: int | None) -> bool:
    return list_id is not None and commitment.candidate_list_id == list_id


def _list_state(candidate_list: CandidateList) -> domain.ListState:
    return domain.ListState(
        head_name=candidate_list.head_name,
        email=candidate_list.email,
        political_label=candidate_list.political_label,
        is_elected=candidate_list.is_elected,
    )


def _list_apply(candidate_list: CandidateList, changes: dict[str, object]) -> None:
    for name, value in changes.items():
        setattr(candidate_list, name, value)
    if changes:
        candidate_list.save(update_fields=list(changes))


@transaction.atomic
def mark_elected(*, target: Target, candidate_list: CandidateList | None) -> int:
    """The elected list: its signed commitments become the commune's for the mandate, and
    the commune committed (a list signed: domain.target_status). Marking another list
    corrects a mistake; `None` clears the result."""
    kind = target.campaign.kind_spec
    if not kind.records_result:
        raise CampaignsError(str(kind.result_refused))
    if candidate_list is not None and candidate_list.target_id != target.pk:
        raise CampaignsError(_("This list is not one of this commune's."))
    elected_id = candidate_list.pk if candidate_list is not None else None
    for other in target.lists.filter(is_elected=True).exclude(pk=elected_id):
        _list_apply(
            other, domain.list_change(_list_state(other), _list_state(other)._replace(is_elected=False))
        )
    if candidate_list is not None:
        current = _list_state(candidate_list)
        _list_apply(candidate_list, domain.list_change(current, current._replace(is_elected=True)))
    # The election result moves the commune's commitments for the mandate: every bulletin
    # of the commune is planned again (a withdrawn one is never the mandate's).
    commitments = list(target.commitments.all())
    _mandates_apply(
        target.campaign,
        [
            _bulletin(commitment, target=target, list_elected=_of_list(commitment, elected_id))
            for commitment in commitments
        ],
        mandated=set(
            MandateCommitment.objects.filter(commitment__target=target).values_list(
                "commitment_id", flat=True
            )
        ),
    )
    # …and the commune's status: a list's signature becomes the commune's commitment (or not).
    target_refresh(target)
    return sum(1 for commitment in commitments if commitment.is_active and _of_list(commitment, elected_id))
