"""The writes of a commune's follow-up committee: its creation, the requests to take part
(an organisation's, a person's), the deciders' answers, leaving and removing, the purpose.

Every write is one transaction; the emails (to the deciders on a new request, to the
requester on the decision) leave once it commits, through the task queue. A service
raises CommitteesError with a message written for people; a second click on a form that
already did its work finds the row it made (no error, no duplicate)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.models import Membership, MunicipalContact, Organization
from actors.rules import is_coordinator, is_verified_contact_of
from commitments.rules import following_groups
from core.concurrency import claim

from ..models import Committee, CommitteeMember, CommitteeOrganization, Participation
from ..models.committees import DESCRIPTION_MAX
from ..rules.committees import JOINABLE_KINDS, is_committee_decider, may_create_committee
from .committee_emails import tell_deciders, tell_requester

if TYPE_CHECKING:
    from accounts.models import User
    from territories.models import Commune

Row = CommitteeOrganization | CommitteeMember

ACCEPTED, PENDING, REFUSED, LEFT = (
    Participation.ACCEPTED,
    Participation.PENDING,
    Participation.REFUSED,
    Participation.LEFT,
)


class CommitteesError(Exception):
    pass


def _attributed(row: Committee | Row, user: User | None) -> Committee | Row:
    """The history's author, whatever the request (simple_history reads it)."""
    row._history_user = user
    return row


def _check_description(description: str) -> str:
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise CommitteesError(
            _("The purpose is too long: %(max)d characters at most.") % {"max": DESCRIPTION_MAX}
        )
    return description


# Creation ----------------------------------------------------------------------------------


def committee_create(
    *, commune: Commune, user: User, description: str, organizations: Iterable[Organization] = ()
) -> tuple[Committee, bool]:
    """Create the commune's committee, with its creator as a member and the local groups
    they chose as member organisations. Returns (committee, created): a committee that
    already exists (a second click, a colleague quicker) is returned as it is."""
    existing = Committee.objects.filter(commune=commune).first()
    if existing is not None:
        return existing, False
    if not may_create_committee(user, commune):
        raise CommitteesError(
            _(
                "Only a verified contact of the town hall or a coordinator of a local group following the commune may create its committee."
            )
        )
    description = _check_description(description)
    organizations = list(organizations)
    allowed = {group.pk for group in following_groups(user, commune) if is_coordinator(user, group)}
    if any(organization.pk not in allowed for organization in organizations):
        raise CommitteesError(
            _("You may only bring in the local groups you coordinate that follow this commune.")
        )
    contact = is_verified_contact_of(user, commune)
    if not contact and not organizations:
        raise CommitteesError(_("Choose the local group you create the committee for."))
    try:
        with transaction.atomic():
            committee = _attributed(
                Committee(commune=commune, description=description, created_by=user), user
            )
            committee.save()
            now = timezone.now()
            for organization in organizations:
                _attributed(
                    CommitteeOrganization(
                        committee=committee,
                        organization=organization,
                        status=ACCEPTED,
                        requested_by=user,
                        decided_by=user,
                        decided_at=now,
                    ),
                    user,
                ).save()
            _attributed(
                CommitteeMember(
                    committee=committee,
                    user=user,
                    organization=None if contact else organizations[0],
                    status=ACCEPTED,
                    decided_by=user,
                    decided_at=now,
                ),
                user,
            ).save()
    except IntegrityError:
        return Committee.objects.get(commune=commune), False
    return committee, True


@transaction.atomic
def committee_update(
    *, committee: Committee, user: User, description: str, version: int | None = None
) -> Committee:
    """Edit the purpose, unless someone saved it since `version` (ConcurrentEdit)."""
    description = _check_description(description)
    claim(committee, version)
    committee.description = description
    _attributed(committee, user).save(update_fields=["description", "version"])
    return committee


# Requests ----------------------------------------------------------------------------------


def _check_joinable(organization: Organization) -> None:
    if (
        organization.kind not in JOINABLE_KINDS
        or organization.status != Organization.Status.VALIDATED
        or organization.hidden_at is not None
    ):
        raise CommitteesError(
            _(
                "Only validated local groups, municipalities and partner associations may take part in a committee."
            )
        )


def _row(model: type[Row], **lookup: object) -> Row | None:
    """The existing row for this committee and organisation or person, locked, or None."""
    return model.objects.select_for_update().filter(**lookup).first()


def _accept_representative(
    committee: Committee, organization: Organization, user: User | None, by: User
) -> None:
    """The coordinator who brought an organisation in takes part for it."""
    if user is None or not is_coordinator(user, organization):
        return
    member = _row(CommitteeMember, committee=committee, user=user)
    if member is None:
        member = CommitteeMember(committee=committee, user=user)
    elif member.status == ACCEPTED:
        return
    member.organization, member.status = organization, ACCEPTED
    member.decided_by, member.decided_at = by, timezone.now()
    _attributed(member, by).save()


@transaction.atomic
def organization_request(
    *, committee: Committee, organization: Organization, user: User, site_url: str = ""
) -> CommitteeOrganization:
    """A coordinator asks for their organisation to take part: pending, the deciders are
    told; a decider's own organisation is in at once. Asking twice returns the request."""
    if not is_coordinator(user, organization):
        raise CommitteesError(_("Only a coordinator of an organisation may ask for it to take part."))
    _check_joinable(organization)
    row = _row(CommitteeOrganization, committee=committee, organization=organization)
    if row is not None and row.status in (ACCEPTED, PENDING):
        if row.status == ACCEPTED:
            raise CommitteesError(_("This organisation already takes part in the committee."))
        return row
    row = row or CommitteeOrganization(committee=committee, organization=organization)
    decider = is_committee_decider(user, committee)
    row.status = ACCEPTED if decider else PENDING
    row.requested_by, row.requested_at = user, timezone.now()
    row.decided_by, row.decided_at = (user, timezone.now()) if decider else (None, None)
    _attributed(row, user).save()
    if decider:
        _accept_representative(committee, organization, user, user)
    else:
        transaction.on_commit(
            lambda: tell_deciders(committee, requester=user, organization=organization, site_url=site_url)
        )
    return row


@transaction.atomic
def organization_add(*, committee: Committee, organization: Organization, by: User) -> CommitteeOrganization:
    """A decider adds a member organisation directly (a pending request is accepted)."""
    _check_joinable(organization)
    row = _row(CommitteeOrganization, committee=committee, organization=organization)
    if row is not None and row.status == ACCEPTED:
        raise CommitteesError(_("This organisation already takes part in the committee."))
    row = row or CommitteeOrganization(committee=committee, organization=organization, requested_by=by)
    row.status, row.decided_by, row.decided_at = ACCEPTED, by, timezone.now()
    _attributed(row, by).save()
    return row


@transaction.atomic
def member_request(
    *, committee: Committee, user: User, organization: Organization | None = None, site_url: str = ""
) -> CommitteeMember:
    """A person asks to take part, for a member organisation they belong to or in their
    own name: pending, the deciders are told. A verified contact of the commune (taking
    part for the municipality) and a decider are in at once. Asking twice returns it."""
    contact = is_verified_contact_of(user, committee.commune)
    if organization is not None:
        if not committee.organizations.filter(organization=organization, status=ACCEPTED).exists():
            raise CommitteesError(_("This organisation does not take part in the committee."))
        if not Membership.objects.filter(user=user, organization=organization).exists():
            raise CommitteesError(_("You may only take part for an organisation you are a member of."))
    row = _row(CommitteeMember, committee=committee, user=user)
    if row is not None and row.status in (ACCEPTED, PENDING):
        if row.status == ACCEPTED:
            raise CommitteesError(_("You already take part in the committee."))
        return row
    row = row or CommitteeMember(committee=committee, user=user)
    at_once = contact or is_committee_decider(user, committee)
    row.organization = None if contact and organization is None else organization
    row.status, row.requested_at = (ACCEPTED if at_once else PENDING), timezone.now()
    row.decided_by, row.decided_at = (user, timezone.now()) if at_once else (None, None)
    _attributed(row, user).save()
    if not at_once:
        transaction.on_commit(
            lambda: tell_deciders(
                committee, requester=user, organization=organization, site_url=site_url, except_user=user
            )
        )
    return row


@transaction.atomic
def request_decide(*, row: Row, by: User, accept: bool, site_url: str = "") -> Row:
    """A decider accepts or refuses a pending request (an organisation's or a person's);
    the requester is told. A request already answered is left as it is."""
    row = (
        type(row).objects.select_for_update().select_related("committee__commune__department").get(pk=row.pk)
    )
    if row.status != PENDING:
        raise CommitteesError(_("This request has already been answered."))
    row.status = ACCEPTED if accept else REFUSED
    row.decided_by, row.decided_at = by, timezone.now()
    _attributed(row, by).save()
    if isinstance(row, CommitteeOrganization):
        to = row.requested_by
        if accept:
            _accept_representative(row.committee, row.organization, to, by)
    else:
        to = row.user
    transaction.on_commit(lambda: tell_requester(row, to=to, accepted=accept, site_url=site_url))
    return row


# Leaving -----------------------------------------------------------------------------------


def _keeps_a_decider(committee: Committee, leaving: Organization) -> bool:
    """Whether someone still decides once the organisation `leaving` is gone."""
    if MunicipalContact.objects.filter(
        commune_id=committee.commune_id, status=MunicipalContact.Status.VERIFIED
    ).exists():
        return True
    return (
        Membership.objects.filter(
            role=Membership.Role.COORDINATOR,
            organization__committees__committee=committee,
            organization__committees__status=ACCEPTED,
        )
        .exclude(organization=leaving)
        .exists()
    )


@transaction.atomic
def organization_remove(*, row: CommitteeOrganization, by: User) -> CommitteeOrganization:
    """A member organisation leaves (its coordinator withdraws it, or a decider removes
    it); the people taking part for it leave with it. The committee keeps a decider."""
    row = CommitteeOrganization.objects.select_for_update().get(pk=row.pk)
    if row.status != ACCEPTED:
        raise CommitteesError(_("This organisation does not take part in the committee."))
    if not _keeps_a_decider(row.committee, row.organization):
        raise CommitteesError(
            _(
                "The committee would have nobody left to decide: another organisation, or a verified contact of the town hall, must take part first."
            )
        )
    row.status = LEFT
    _attributed(row, by).save()
    for member in CommitteeMember.objects.select_for_update().filter(
        committee=row.committee, organization=row.organization, status__in=(ACCEPTED, PENDING)
    ):
        member.status = LEFT
        _attributed(member, by).save()
    return row


@transaction.atomic
def member_leave(*, committee: Committee, user: User) -> CommitteeMember:
    """A person leaves the committee."""
    row = _row(CommitteeMember, committee=committee, user=user)
    if row is None or row.status != ACCEPTED:
        raise CommitteesError(_("You do not take part in the committee."))
    row.status = LEFT
    _attributed(row, user).save()
    return row


@transaction.atomic
def member_remove(*, row: CommitteeMember, by: User) -> CommitteeMember:
    """A decider removes a person. Whoever decides by their role (a verified contact of the
    town hall, a coordinator of a member organisation) is not removed as a person: their
    organisation is, or they leave themselves."""
    row = (
        CommitteeMember.objects.select_for_update()
        .select_related("committee__commune", "user")
        .get(pk=row.pk)
    )
    if row.status != ACCEPTED:
        raise CommitteesError(_("This person does not take part in the committee."))
    if is_committee_decider(row.user, row.committee):
        raise CommitteesError(
            _(
                "%(name)s decides for the committee as a verified contact of the town hall or a coordinator of a member organisation: they may leave it themselves."
            )
            % {"name": row.user.public_name}
        )
    row.status = LEFT
    row.decided_by, row.decided_at = by, timezone.now()
    _attributed(row, by).save()
    return row
