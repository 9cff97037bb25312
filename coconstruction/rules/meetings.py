"""Who sees a meeting, who registers for it and who runs it (see rules/committees.py for who
takes part in a committee, rules/workgroups.py for working groups).

- A committee's meeting: public ones are seen by everyone; members-only ones by the
  committee's insiders (its members and deciders, moderators). Its deciders schedule it,
  edit it, cancel it, write its minutes and its decisions.
- A working group's meeting: seen by whoever sees the group (perm view_working_group);
  members-only ones by the group's active members (coordinators included), the deciders
  or coordinators of its owner, moderators and staff. Its coordinators (perm
  coordinate_working_group) run it.
- Anyone signed in who sees a meeting registers for it (or cancels their registration).
- The names of the people registered are shown to the insiders only.
"""

import rules
from rules import is_authenticated

from actors.rules import is_moderator

from ..models import Committee
from .workgroups import is_group_member, runs_the_owner


@rules.predicate
def is_meeting_organizer(user, meeting):
    """The committee's deciders, or the working group's coordinators."""
    if meeting is None or not user.is_authenticated:
        return False
    return may_schedule(user, meeting.committee or meeting.working_group)


def may_schedule(user, body):
    """Whether the user runs the meetings of this committee or working group."""
    if body is None or not user.is_authenticated:
        return False
    if isinstance(body, Committee):
        return user.has_perm("coconstruction.decide_committee", body)
    return user.has_perm("coconstruction.coordinate_working_group", body)


def is_group_insider(user, group):
    """Who sees a working group's members-only meetings: its active members, those who run
    its owner, moderators and staff (an invitation is not enough)."""
    if group is None or not user.is_authenticated:
        return False
    return bool(
        is_group_member(user, group) or runs_the_owner(user, group) or is_moderator(user) or user.is_staff
    )


@rules.predicate
def is_meeting_insider(user, meeting):
    """A member of the body that holds the meeting (or a moderator)."""
    if meeting is None or not user.is_authenticated:
        return False
    if meeting.committee_id is not None:
        return user.has_perm("coconstruction.committee_insider", meeting.committee)
    return is_group_insider(user, meeting.working_group)


@rules.predicate
def may_see_meeting(user, meeting):
    if meeting is None:
        return False
    if meeting.working_group_id is not None and not user.has_perm(
        "coconstruction.view_working_group", meeting.working_group
    ):
        return False
    return meeting.is_public or is_meeting_insider(user, meeting)


rules.add_perm("coconstruction.view_meeting", may_see_meeting)
rules.add_perm("coconstruction.meeting_insider", may_see_meeting & is_meeting_insider)
rules.add_perm("coconstruction.change_meeting", may_see_meeting & is_meeting_organizer)
rules.add_perm("coconstruction.register_meeting", is_authenticated & may_see_meeting)
# The object is the committee or the working group the meeting is for.
rules.add_perm("coconstruction.schedule_meeting", rules.predicate(may_schedule))
