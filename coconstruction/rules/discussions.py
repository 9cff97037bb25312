"""Who reads, writes and closes discussions (see rules/committees.py for who takes part in a
committee). A discussion's subject is an item's follow-up in a commune, a meeting or a
working group; every rule below receives a Thread (an unsaved one stands for a subject
before its first discussion: `Thread(commune=…, item=…)`, `Thread(meeting=…)`…).

- Read: whoever may see the subject: everyone for an item's follow-up (the commune's
  board is public); who may see the meeting (perm "coconstruction.view_meeting") or the
  working group ("coconstruction.view_working_group"). Others get a 404.
- Write (start a discussion, comment): on an item's follow-up, the commune's two voices
  (followup.rules.has_a_voice) and the members of its committee; on a meeting, its
  committee's insiders (or its working group's contributors) and the people registered
  to it; on a working group, its active members while it is open. Nobody writes in a
  closed discussion, nor in those of a closed working group and of its meetings.
- Close with a summary: who started the discussion, the subject's deciders (the
  commune's verified contacts and the coordinators of the groups that follow it or sit
  in its committee; the meeting's committee's deciders or its working group's
  coordinators; the working group's coordinators), and moderators.
- A comment: read by whoever reads its discussion; once hidden by the moderators, its
  text only by its author and the moderators (others read the reason). Its author edits
  it for EDIT_WINDOW (the service says when it is too late), while it is neither hidden
  nor in a closed discussion.
"""

import rules

from actors.rules import is_coordinator, is_moderator, is_verified_contact_of
from commitments.rules import following_groups
from followup.rules import has_a_voice

from ..models import Committee, Registration
from .committees import is_committee_decider, is_committee_member


def committee_of_commune(commune):
    """The commune's committee, or None (cached on the commune)."""
    if commune is None:
        return None
    if not hasattr(commune, "_discussion_committee"):
        commune._discussion_committee = Committee.objects.filter(commune=commune).first()
    return commune._discussion_committee


def _meeting_body_perm(user, meeting, committee_perm, group_perm):
    if meeting.committee_id:
        return user.has_perm(committee_perm, meeting.committee)
    return user.has_perm(group_perm, meeting.working_group)


def in_closed_group(thread):
    """Whether the discussion's working group, or its meeting's, is closed (it then takes
    no new discussion, comment nor edit: the group stays readable). `thread` may be an
    unsaved one naming a subject."""
    if thread.working_group_id:
        return thread.working_group.is_closed
    meeting = thread.meeting if thread.meeting_id else None
    return bool(meeting and meeting.working_group_id and meeting.working_group.is_closed)


def _is_registered(user, meeting):
    return Registration.objects.filter(meeting=meeting, user=user, cancelled_at__isnull=True).exists()


@rules.predicate
def may_read_subject(user, thread):
    if thread is None:
        return False
    if thread.meeting_id:
        return user.has_perm("coconstruction.view_meeting", thread.meeting)
    if thread.working_group_id:
        return user.has_perm("coconstruction.view_working_group", thread.working_group)
    return thread.commune_id is not None and thread.item_id is not None


@rules.predicate
def may_write_subject(user, thread):
    if thread is None or not user.is_authenticated or not may_read_subject(user, thread):
        return False
    if thread.meeting_id:
        meeting = thread.meeting
        if in_closed_group(thread):
            return False  # a closed group's meetings take nothing new, registered or not
        return _meeting_body_perm(
            user, meeting, "coconstruction.committee_insider", "coconstruction.contribute_working_group"
        ) or _is_registered(user, meeting)
    if thread.working_group_id:
        return not thread.working_group.is_closed and user.has_perm(
            "coconstruction.contribute_working_group", thread.working_group
        )
    return has_a_voice(user, thread.commune) or is_committee_member(
        user, committee_of_commune(thread.commune)
    )


@rules.predicate
def decides_subject(user, thread):
    if thread is None or not user.is_authenticated:
        return False
    if thread.meeting_id:
        return _meeting_body_perm(
            user,
            thread.meeting,
            "coconstruction.decide_committee",
            "coconstruction.coordinate_working_group",
        )
    if thread.working_group_id:
        return user.has_perm("coconstruction.coordinate_working_group", thread.working_group)
    commune = thread.commune
    return (
        is_verified_contact_of(user, commune)
        or any(is_coordinator(user, group) for group in following_groups(user, commune))
        or is_committee_decider(user, committee_of_commune(commune))
    )


@rules.predicate
def started_it(user, thread):
    return thread is not None and user.is_authenticated and thread.created_by_id == user.pk


@rules.predicate
def is_open(user, thread):
    return thread is not None and not thread.is_closed


@rules.predicate
def reads_comment(user, comment):
    if comment is None or not user.has_perm("coconstruction.view_thread", comment.thread):
        return False
    return not comment.is_hidden or wrote_it(user, comment) or is_moderator(user)


@rules.predicate
def wrote_it(user, comment):
    return comment is not None and user.is_authenticated and comment.created_by_id == user.pk


@rules.predicate
def comment_is_editable(user, comment):
    return (
        comment is not None
        and not comment.is_hidden
        and not comment.thread.is_closed
        and not in_closed_group(comment.thread)
    )


@rules.predicate
def reads_hidden_text(user, comment):
    """Whether the viewer reads a hidden comment's text (its author, the moderators)."""
    return comment is not None and (wrote_it(user, comment) or is_moderator(user))


rules.add_perm("coconstruction.view_thread", may_read_subject)
rules.add_perm("coconstruction.add_thread", may_write_subject)
rules.add_perm("coconstruction.comment_thread", is_open & may_write_subject)
rules.add_perm(
    "coconstruction.close_thread", is_open & may_read_subject & (started_it | decides_subject | is_moderator)
)
rules.add_perm("coconstruction.view_comment", reads_comment)
rules.add_perm("coconstruction.change_comment", wrote_it & comment_is_editable & reads_comment)
rules.add_perm("coconstruction.read_hidden_comment", reads_hidden_text)
