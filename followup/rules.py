"""Who speaks in the follow-up of a commune's commitments.

The two voices of a commune:

- the municipality: the commune's verified municipal contacts (actors.rules.is_verified_contact_of);
- the civil society: the members of the local groups that follow the commune. A group
  follows a commune when it is a validated, visible local group whose territory covers
  the commune (its commune, intercommunality, department or region:
  actors.queries.group_covers). National partners are no local group. The definition is
  commitments.rules.following_groups (the same groups declare commitments made elsewhere).

Staff and partner coordinators have no voice of their own; they moderate updates
(moderation.moderate) like other content.

The yearly barometer: the coordinators of a national framework's publisher (and staff)
open it and set its period; the commune's two voices rate its committed items.
"""

import rules
from rules import is_authenticated, is_staff

from actors.rules import is_coordinator, is_moderator, is_verified_contact_of
from commitments.rules import following_groups

from .models import Voice, other_voice


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


# The yearly barometer -----------------------------------------------------------------


@rules.predicate
def coordinates_framework_publisher(user, obj):
    """A coordinator of the publisher of a framework, or of a barometer's framework."""
    framework = getattr(obj, "framework", obj)
    return framework is not None and is_coordinator(user, framework.publisher)


@rules.predicate
def is_national_framework(user, framework):
    return framework is not None and framework.parent_id is None


rules.add_perm(
    "followup.open_barometer",
    is_authenticated & is_national_framework & (coordinates_framework_publisher | is_staff),
)
rules.add_perm("followup.change_barometer", is_authenticated & (coordinates_framework_publisher | is_staff))
rules.add_perm("followup.rate", is_authenticated & has_a_voice)
