"""What people are told when a meeting changes (the calendars helper fills this in):
`meeting_changed(meeting, change)` with change "created", "updated" or "cancelled",
called by services/meetings.py once its transaction commits."""


def meeting_changed(meeting, change):
    raise NotImplementedError
