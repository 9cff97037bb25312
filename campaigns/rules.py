"""Who may do what in campaigns.

- Creating a campaign: partner coordinators and staff.
- Changing a campaign, importing its spreadsheets: coordinators of its organising partners, staff.
- Taking on a commune: members of a validated local group (for their group), the organisers'
  coordinators and staff, and verified municipal contacts (for the commune they represent, so that
  it can commit by deliberation), while the campaign is open.
- Managing a target (lists, log, letters, invitations, paper bulletins, results): the members of the
  group that took it on, the coordinators of the campaign's organising partners, staff.
- Recording a council deliberation: those, and the commune's verified municipal contacts.
- Editing a step of the log: its author, while they manage the target; staff.
"""

import rules
from rules import is_authenticated, is_staff

from actors.models import Membership, MunicipalContact, Organization
from actors.rules import coordinated_partner_ids, is_partner_coordinator, is_verified_contact_of
from core.cache import cached_ids


def _group_ids(user):
    """The validated, visible local groups the user belongs to."""
    return cached_ids(
        user,
        "_member_group_ids",
        lambda: Membership.objects.filter(
            user=user,
            organization__kind=Organization.Kind.LOCAL_GROUP,
            organization__status=Organization.Status.VALIDATED,
            organization__hidden_at__isnull=True,
        ).values_list("organization_id", flat=True),
    )


def _organizer_ids(campaign):
    return cached_ids(campaign, "_organizer_ids", lambda: campaign.organizers.values_list("pk", flat=True))


@rules.predicate
def organizes(user, campaign):
    """A coordinator of one of the campaign's organising partners."""
    if campaign is None or not user.is_authenticated:
        return False
    return bool(coordinated_partner_ids(user) & _organizer_ids(campaign))


@rules.predicate
def is_open(user, campaign):
    return campaign is not None and campaign.is_open


@rules.predicate
def is_group_member(user):
    return bool(user.is_authenticated and _group_ids(user))


@rules.predicate
def is_municipal_contact(user):
    """A verified contact of some commune's council or staff."""
    return bool(user.is_authenticated and contact_commune_ids(user))


def contact_commune_ids(user):
    """The communes the user is a verified contact of."""
    return cached_ids(
        user,
        "_contact_commune_ids",
        lambda: MunicipalContact.objects.filter(
            user=user, status=MunicipalContact.Status.VERIFIED
        ).values_list("commune_id", flat=True),
    )


@rules.predicate
def is_target_group_member(user, target):
    return target is not None and user.is_authenticated and target.group_id in _group_ids(user)


@rules.predicate
def organizes_target_campaign(user, target):
    return target is not None and organizes(user, target.campaign)


@rules.predicate
def is_target_contact(user, target):
    return target is not None and is_verified_contact_of(user, target.commune)


manages_target = is_target_group_member | organizes_target_campaign | is_staff

rules.add_perm("campaigns.add_campaign", is_partner_coordinator | is_staff)
rules.add_perm("campaigns.change_campaign", organizes | is_staff)
rules.add_perm("campaigns.import_commitments", organizes | is_staff)
rules.add_perm(
    "campaigns.take_on_commune",
    is_authenticated & is_open & (is_group_member | organizes | is_staff | is_municipal_contact),
)
rules.add_perm("campaigns.manage_target", manages_target)


@rules.predicate
def is_step_author(user, step):
    return step is not None and user.is_authenticated and step.created_by_id == user.pk


@rules.predicate
def manages_step_target(user, step):
    return step is not None and manages_target.test(user, step.target)


rules.add_perm("campaigns.change_step", (is_step_author & manages_step_target) | is_staff)
rules.add_perm("campaigns.record_deliberation", manages_target | is_target_contact)
