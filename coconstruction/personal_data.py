"""What co-construction stores about a user: the committees and working groups they take
part in, their registrations to meetings, what they wrote (comments, decisions, minutes as
the meetings they created, documents), the people who named them, their calendar link.

Participations, registrations, mentions and the calendar link go with the account
(CASCADE). What they wrote for others stays, shown as by "compte supprimé" (SET_NULL):
comments, decisions, meetings, working groups and documents are part of a committee's
record."""

from core.personal_data import PersonalData, when

from .models import (
    CalendarToken,
    Comment,
    CommitteeMember,
    Decision,
    Meeting,
    MeetingNotice,
    Registration,
    WorkingGroupMember,
)


def export(user):
    committees = CommitteeMember.objects.filter(user=user).select_related(
        "committee__commune", "organization"
    )
    groups = WorkingGroupMember.objects.filter(user=user).select_related("working_group")
    registrations = Registration.objects.filter(user=user).select_related("meeting")
    comments = Comment.objects.filter(created_by=user).select_related("thread")
    return {
        "coconstruction_committees": [
            {
                "commune": member.committee.commune.code,
                "organization": member.organization.name if member.organization else "",
                "status": member.status,
                "asked_at": when(member.requested_at),
            }
            for member in committees
        ],
        "coconstruction_working_groups": [
            {"working_group": member.working_group.name, "role": member.role, "status": member.status}
            for member in groups
        ],
        "coconstruction_registrations": [
            {
                "meeting": registration.meeting.title,
                "starts_at": when(registration.meeting.starts_at),
                "registered_at": when(registration.registered_at),
                "cancelled_at": when(registration.cancelled_at),
            }
            for registration in registrations
        ],
        "coconstruction_comments": [
            {"discussion": comment.thread.title, "text": comment.text, "written_at": when(comment.created_at)}
            for comment in comments
        ],
        "coconstruction_calendar_link": CalendarToken.objects.filter(user=user).exists(),
        "coconstruction_meetings_scheduled": [
            {"meeting": meeting.title, "starts_at": when(meeting.starts_at), "minutes": meeting.minutes}
            for meeting in Meeting.objects.filter(created_by=user)
        ],
        "coconstruction_decisions": [
            {"meeting": decision.meeting.title, "item": decision.item.code, "text": decision.text}
            for decision in Decision.objects.filter(created_by=user).select_related("meeting", "item")
        ],
        "coconstruction_meeting_emails": [
            {"meeting": notice.meeting.title, "email": notice.change, "sent_at": when(notice.sent_at)}
            for notice in MeetingNotice.objects.filter(user=user).select_related("meeting")
        ],
    }


PERSONAL_DATA = PersonalData(
    app="coconstruction",
    covers=(
        "coconstruction.Committee.created_by",
        "coconstruction.CommitteeOrganization.requested_by",
        "coconstruction.CommitteeOrganization.decided_by",
        "coconstruction.CommitteeMember.user",
        "coconstruction.CommitteeMember.decided_by",
        "coconstruction.Meeting.created_by",
        "coconstruction.Registration.user",
        "coconstruction.Decision.created_by",
        "coconstruction.WorkingGroup.closed_by",
        "coconstruction.WorkingGroup.created_by",
        "coconstruction.WorkingGroupMember.user",
        "coconstruction.WorkingGroupMember.invited_by",
        "coconstruction.Document.created_by",
        "coconstruction.DocumentVersion.uploaded_by",
        "coconstruction.Thread.created_by",
        "coconstruction.Thread.closed_by",
        "coconstruction.Comment.created_by",
        "coconstruction.Mention.user",
        "coconstruction.CalendarToken.user",
        "coconstruction.MeetingNotice.user",
    ),
    export=export,
)
