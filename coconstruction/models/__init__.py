from .calendars import CalendarToken, MeetingNotice
from .committees import Committee, CommitteeMember, CommitteeOrganization, Participation
from .discussions import EDIT_WINDOW, Comment, Mention, Thread
from .meetings import Attendance, Decision, Meeting, Registration
from .workgroups import Document, DocumentVersion, WorkingGroup, WorkingGroupMember

__all__ = [
    "EDIT_WINDOW",
    "Attendance",
    "CalendarToken",
    "Comment",
    "Committee",
    "CommitteeMember",
    "CommitteeOrganization",
    "Decision",
    "Document",
    "DocumentVersion",
    "Meeting",
    "MeetingNotice",
    "Mention",
    "Participation",
    "Registration",
    "Thread",
    "WorkingGroup",
    "WorkingGroupMember",
]
