"""Who speaks in the follow-up of a commune's commitments.

The two voices of a commune:

- the municipality: the commune's verified municipal contacts (actors.rules.is_verified_contact_of);
- the civil society: the members of the local groups that follow the commune. A group
  follows a commune when it is a validated, visible local group whose territory covers
  the commune (its commune, intercommunality, department or region:
  actors.queries.group_covers). National partners are no local group.

Staff and partner coordinators have no voice of their own; they moderate updates
(moderation.moderate) like other content.
"""

import rules
from rules import is_authenticated

from actors.models import Membership, Organization
from actors.queries import group_covers
from actors.rules import is_moderator, is_verified_contact_of

from .models import Voice, other_voice


def following_groups(user, commune):
    """The local groups of this user that follow the commune (a list, cached on the user
    for the commune)."""
    if not user.is_authenticated or commune is None:
        return []
    cache = user.__dict__.setdefault("_followup_groups", {})
    if commune.pk not in cache:
        groups = Organization.objects.filter(
            pk__in=Membership.objects.filter(user=user).values("organization_id"),
            kind=Organization.Kind.LOCAL_GROUP,
            status=Organization.Status.VALIDATED,
            hidden_at__isnull=True,
        ).order_by("name")
        cache[commune.pk] = [group for group in groups if group_covers(group, commune)]
    return cache[commune.pk]


def voices_of(user, commune):
    """The voices this user may speak with for the commune, municipality first."""
    voices = []
    if is_verified_contact_of(user, commune):
        voices.append(Voice.MUNICIPALITY)
    if following_groups(user, commune):
        voices.append(Voice.CIVIL_SOCIETY)
    return voices


def speaks_as(user, commune, voice):
    return voice in voices_of(user, commune)


@rules.predicate
def has_a_voice(user, commune):
    return bool(commune is not None and voices_of(user, commune))


@rules.predicate
def is_author(user, update):
    return (
        update is not None
        and user.is_authenticated
        and user.pk in (update.created_by_id, update.cosigned_by_id)
    )


@rules.predicate
def is_cosigner_side(user, update):
    """A member of the side that did not draft this joint statement."""
    return (
        update is not None and update.is_joint and speaks_as(user, update.commune, other_voice(update.voice))
    )


@rules.predicate
def speaks_in_its_commune(user, update):
    """Either voice of the update's commune (a draft is shared with both sides)."""
    return update is not None and bool(voices_of(user, update.commune))


@rules.predicate
def awaits_cosignature(user, update):
    return update is not None and update.is_joint and not update.is_published and not update.is_hidden


@rules.predicate
def is_public(user, update):
    return update is not None and update.is_published and not update.is_hidden


rules.add_perm("followup.post_update", is_authenticated & has_a_voice)
rules.add_perm("followup.draft_joint_statement", is_authenticated & has_a_voice)
rules.add_perm("followup.cosign", awaits_cosignature & ~is_author & is_cosigner_side)
rules.add_perm(
    "followup.view_update",
    is_public | is_author | (awaits_cosignature & speaks_in_its_commune) | (is_authenticated & is_moderator),
)
