"""Who may maintain frameworks.

- Opening, editing, publishing or discarding the draft of a framework's next version: the
  coordinators of its publisher (a national partner; for a local version, its local
  group), and staff.
- Opening a local version of a national framework: coordinators of a validated local group.
- Everyone may read frameworks, their versions, their differences and their YAML.
"""

import rules
from rules import is_staff

from actors.models import Membership, Organization
from actors.rules import is_coordinator
from core.cache import cached_ids


def coordinated_group_ids(user):
    """The validated, visible local groups this user coordinates (cached on the user)."""
    if not user.is_authenticated:
        return frozenset()
    return cached_ids(
        user,
        "_coordinated_group_ids",
        lambda: Membership.objects.filter(
            user=user,
            role=Membership.Role.COORDINATOR,
            organization__kind=Organization.Kind.LOCAL_GROUP,
            organization__status=Organization.Status.VALIDATED,
            organization__hidden_at__isnull=True,
        ).values_list("organization_id", flat=True),
    )


@rules.predicate
def coordinates_publisher(user, obj):
    """A coordinator of the publisher of a framework or of a draft."""
    return obj is not None and is_coordinator(user, obj.publisher)


@rules.predicate
def is_national(user, framework):
    return framework is not None and framework.parent_id is None


@rules.predicate
def coordinates_a_local_group(user):
    return bool(coordinated_group_ids(user))


rules.add_perm("frameworks.edit_framework", coordinates_publisher | is_staff)
rules.add_perm("frameworks.create_local_version", is_national & coordinates_a_local_group)
