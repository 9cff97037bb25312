"""Writes of the commitments made elsewhere: a declaration (by a local group that follows
the commune or by its municipality), its confirmation or refusal (by a partner
coordinator or the municipality, never the declarer), and its withdrawal.

The municipality's own council: a deliberation the municipality declares itself (a
verified municipal contact, as the municipality, committed by the council) is confirmed
at once, by the municipality. Confirming asks the municipality (or a partner) to vouch
for what someone else says the commune committed to; the municipality speaking of its
own council's public act is that voucher already, as a deliberation recorded in a
campaign counts at once. A list's commitment the municipality declares still waits for
a confirmation (a partner coordinator, or another contact of the commune).

Each function checks what it must (commitments.declaring's pure checks, who may, no
duplicate), writes in one transaction with its history, and returns the declaration or
raises DeclarationError, whose messages are for people and name the fields they are about.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.uploads import EXTENSIONS, SNIFF_BYTES, UploadValidator, sniff

from . import declaring
from .models import CURRENT_MANDATE, PROOF_MAX_BYTES, PROOF_TYPES, Declaration, DeclarationItem
from .rules import declaring_capacities, reviewing_capacities
from .services import CommitmentsError
from .signals import deliberation_recorded

if TYPE_CHECKING:
    from datetime import date

    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User
    from actors.models import Organization
    from frameworks.models import Framework, Item, Level
    from territories.models import Commune

REASON_MAX = Declaration._meta.get_field("reason").max_length


class DeclarationError(CommitmentsError):
    """A refused declaration or decision; `field_errors` holds every problem, by field."""

    def __init__(self, problems: declaring.Problems) -> None:
        super().__init__(problems[0][1], field=problems[0][0])
        self.field_errors = {}
        for field, message in problems:
            self.field_errors.setdefault(field, []).append(message)

    @classmethod
    def one(cls, message: str, field: str | None = None) -> DeclarationError:
        return cls([(field, message)])


@dataclass(frozen=True)
class Committer:
    """Who committed: the council, or the elected list (its name and head of list)."""

    committed_by: str
    list_name: str = ""
    head_name: str = ""

    def cleaned(self) -> Committer:
        return Committer(
            self.committed_by, " ".join(self.list_name.split()), " ".join(self.head_name.split())
        )


@dataclass(frozen=True)
class ProofGiven:
    """The proof of a declaration: a document, a link, a deliberation's reference (one at least)."""

    file: UploadedFile | None = None
    url: str = ""
    reference: str = ""

    def cleaned(self) -> ProofGiven:
        return ProofGiven(self.file, self.url.strip(), " ".join(self.reference.split()))


# Checks ---------------------------------------------------------------------------------


def _items_problems(framework: Framework, choices: Sequence[tuple[Item, Level | None]]) -> declaring.Problems:
    if not choices:
        return [("items", _("Choose at least one item."))]
    seen = set()
    for item, level in choices:
        if item.framework_id != framework.pk:
            return [("items", _("This item is not part of the framework."))]
        if item.pk in seen:
            return [("items", _("An item is chosen twice."))]
        seen.add(item.pk)
        if level is not None and level.item_id != item.pk:
            return [("items", _("This ambition level does not belong to the item."))]
    return []


def _file_problems(upload: UploadedFile | None) -> declaring.Problems:
    if upload is None:
        return []
    try:
        UploadValidator(types=PROOF_TYPES, max_bytes=PROOF_MAX_BYTES)(upload)
    except ValidationError as error:
        return [("proof_file", " ".join(error.messages))]
    return []


def _capacity_check(user: User, commune: Commune, capacity: str, organization: Organization | None) -> None:
    """The user may declare for the commune in this capacity (the municipality, or one of
    their local groups that follow it)."""
    allowed = declaring_capacities(user, commune)
    if not allowed:
        raise DeclarationError.one(
            _(
                "Only the members of a local group that follows the commune and its verified municipal "
                "contacts declare its commitments."
            )
        )
    if (capacity, organization.pk if organization else None) not in {
        (value, group.pk if group else None) for value, group in allowed
    }:
        raise DeclarationError.one(_("Choose in whose name you declare it."), "declared_as")


def _standing_duplicate(
    commune: Commune, framework: Framework, years: tuple[int, int], committer: Committer
) -> bool:
    return Declaration.objects.filter(
        commune=commune,
        framework=framework,
        start_year=years[0],
        committed_by=committer.committed_by,
        list_key=declaring.list_key(committer.committed_by, committer.list_name),
        status__in=Declaration.STANDING,
    ).exists()


def _name_by_content(upload: UploadedFile) -> str:
    """A stored file's extension is its content's (checked by _file_problems), not its name's."""
    upload.seek(0)
    mime = sniff(upload.read(SNIFF_BYTES))
    upload.seek(0)
    return "engagement" + EXTENSIONS.get(mime, "")


# Writes ---------------------------------------------------------------------------------


@transaction.atomic
def declaration_create(
    *,
    commune: Commune,
    framework: Framework,
    choices: Sequence[tuple[Item, Level | None]],
    committed_on: date | None,
    committer: Committer,
    proof: ProofGiven,
    user: User,
    capacity: str,
    organization: Organization | None = None,
    years: tuple[int, int] = CURRENT_MANDATE,
) -> Declaration:
    """Declare that the commune committed elsewhere to these items of the framework
    (choices: [(item, level or None)]) for the mandate `years`; published as "declared by
    …" until someone confirms it (the municipality's own council's: confirmed at once).
    A council's deliberation is told to the apps above (signals.deliberation_recorded)."""
    _capacity_check(user, commune, capacity, organization)
    committer, proof = committer.cleaned(), proof.cleaned()
    if problems := _declaration_problems(framework, choices, committed_on, years, committer, proof):
        raise DeclarationError(problems)
    if _standing_duplicate(commune, framework, years, committer):
        raise DeclarationError.one(declaring.duplicate_message(committer.committed_by))
    declaration = Declaration(
        commune=commune,
        framework=framework,
        start_year=years[0],
        end_year=years[1],
        committed_on=committed_on,
        committed_by=committer.committed_by,
        list_name=committer.list_name,
        list_key=declaring.list_key(committer.committed_by, committer.list_name),
        head_name=committer.head_name,
        proof_url=proof.url,
        deliberation_reference=proof.reference,
        declared_by=user,
        declared_as=capacity,
        declared_for=organization,
    )
    _confirm_at_once(declaration, user)
    if proof.file is not None:
        declaration.proof_file.save(_name_by_content(proof.file), proof.file, save=False)
    declaration._history_user = user
    try:
        with transaction.atomic():
            declaration.save()
    except IntegrityError:  # declared at the same moment by someone else
        raise DeclarationError.one(declaring.duplicate_message(committer.committed_by)) from None
    bulk_create_with_history(
        [DeclarationItem(declaration=declaration, item=item, level=level) for item, level in choices],
        DeclarationItem,
        default_user=user,
    )
    if committer.committed_by == Declaration.CommittedBy.COUNCIL:
        transaction.on_commit(
            lambda: deliberation_recorded.send(sender=Declaration, declaration=declaration, user=user)
        )
    return declaration


def _declaration_problems(
    framework: Framework,
    choices: Sequence[tuple[Item, Level | None]],
    committed_on: date | None,
    years: tuple[int, int],
    committer: Committer,
    proof: ProofGiven,
) -> declaring.Problems:
    return [
        *_items_problems(framework, choices),
        *declaring.date_problems(committed_on, years=years, today=timezone.localdate()),
        *declaring.committer_problems(committer.committed_by, committer.list_name, committer.head_name),
        *declaring.proof_problems(has_file=proof.file is not None, url=proof.url, reference=proof.reference),
        *_file_problems(proof.file),
    ]


def _confirm_at_once(declaration: Declaration, user: User) -> None:
    """The municipality declaring its own council's deliberation confirms it at once (see
    the module's docstring)."""
    if (
        declaration.declared_as == Declaration.Capacity.MUNICIPALITY
        and declaration.committed_by == Declaration.CommittedBy.COUNCIL
    ):
        declaration.status = Declaration.Status.CONFIRMED
        declaration.decided_by, declaration.decided_as = user, declaration.declared_as
        declaration.decided_at = declaration.declared_at


def _locked(declaration: Declaration) -> Declaration:
    locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
    locked.commune = declaration.commune  # read already: the rules ask for it
    return locked


def _decide(
    declaration: Declaration,
    *,
    user: User,
    status: str,
    capacity: str,
    organization: Organization | None,
    reason: str,
) -> Declaration:
    declaration = _locked(declaration)
    if not declaration.awaits_confirmation:
        raise DeclarationError.one(_("This declaration no longer waits for a confirmation."))
    if declaration.declared_by_id == user.pk:
        raise DeclarationError.one(_("You declared this commitment: someone else confirms or refuses it."))
    allowed = {
        (value, group.pk if group else None) for value, group in reviewing_capacities(user, declaration)
    }
    if not allowed:
        raise DeclarationError.one(
            _(
                "Only a partner coordinator or a verified municipal contact of the commune confirms or refuses it."
            )
        )
    if (capacity, organization.pk if organization else None) not in allowed:
        raise DeclarationError.one(_("Choose in whose name you decide."), "decided_as")
    declaration.status = status
    declaration.decided_by, declaration.decided_as, declaration.decided_for = user, capacity, organization
    declaration.decided_at = timezone.now()
    declaration.reason = reason
    declaration._history_user = user
    declaration.save()
    return declaration


def _reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if len(reason) > REASON_MAX:
        raise DeclarationError.one(_("At most %(max)s characters.") % {"max": REASON_MAX}, "reason")
    return reason


@transaction.atomic
def declaration_confirm(
    *,
    declaration: Declaration,
    user: User,
    capacity: str,
    organization: Organization | None = None,
    note: str = "",
) -> Declaration:
    """Confirm a declaration waiting for it (as the municipality, or for a national partner)."""
    return _decide(
        declaration,
        user=user,
        status=Declaration.Status.CONFIRMED,
        capacity=capacity,
        organization=organization,
        reason=_reason(note),
    )


@transaction.atomic
def declaration_refuse(
    *,
    declaration: Declaration,
    user: User,
    capacity: str,
    organization: Organization | None = None,
    reason: str,
) -> Declaration:
    """Refuse a declaration waiting for confirmation, saying why: its items no longer count."""
    reason = _reason(reason)
    if not reason:
        raise DeclarationError.one(_("Say why you refuse it: the declarer reads it."), "reason")
    return _decide(
        declaration,
        user=user,
        status=Declaration.Status.REFUSED,
        capacity=capacity,
        organization=organization,
        reason=reason,
    )


@transaction.atomic
def declaration_withdraw(*, declaration: Declaration, user: User, reason: str = "") -> Declaration:
    """Withdraw a declaration: its declarer while it waits for confirmation, staff while it stands."""
    reason = _reason(reason)
    declaration = _locked(declaration)
    if user.is_staff:
        if not declaration.is_standing:
            raise DeclarationError.one(_("This declaration is already refused or withdrawn."))
    elif declaration.declared_by_id != user.pk:
        raise DeclarationError.one(_("Only its declarer withdraws a declaration."))
    elif not declaration.awaits_confirmation:
        raise DeclarationError.one(_("A declaration is withdrawn only while it waits for a confirmation."))
    declaration.status = Declaration.Status.WITHDRAWN
    declaration.reason = reason
    declaration._history_user = user
    declaration.save()
    return declaration
