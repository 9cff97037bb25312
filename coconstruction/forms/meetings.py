"""Forms of meetings: a meeting (its day and times entered in Paris time, whatever the
server's), its cancellation, its minutes with the attendance counts, a decision."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..models import Attendance, Meeting
from ..models.meetings import PLACE_MAX, TEXT_MAX, TITLE_MAX
from ..services.meetings import DECISION_MAX, REASON_MAX

MARKDOWN_HELP = _("Markdown: **bold**, *italics*, lists, links.")
COUNT_ERROR = _("A count of people is a whole number, 0 or more.")
# The attendance form's labels (the model's choices name the categories in lower case).
ATTENDANCE_LABELS = {
    Attendance.ELECTED: pgettext_lazy("attendance", "Elected officials"),
    Attendance.STAFF: pgettext_lazy("attendance", "Municipal staff"),
    Attendance.ASSOCIATIONS: pgettext_lazy("attendance", "Members of associations"),
    Attendance.RESIDENTS: pgettext_lazy("attendance", "Residents"),
    Attendance.LIVED_EXPERIENCE: pgettext_lazy("attendance", "People with lived experience of exile"),
}


def paris() -> ZoneInfo:
    """The timezone meetings are entered in (settings.TIME_ZONE: Europe/Paris)."""
    return ZoneInfo(settings.TIME_ZONE)


NO_SUCH_TIME = _(
    "This time does not exist in Paris that day: the clocks go forward from 2:00 to 3:00. Choose another time."
)


def exists_in_paris(moment: datetime) -> bool:
    """Whether the wall-clock time of `moment` (in Paris) exists: not one of the hour the
    clocks skip (the last Sunday of March, 02:00 to 02:59), which a round trip through UTC
    does not give back."""
    back = moment.astimezone(UTC).astimezone(paris())
    return back.replace(tzinfo=None) == moment.replace(tzinfo=None)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class MeetingForm(forms.Form):
    """A meeting, new or edited (`meeting`: its date may stay in the past once it is)."""

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    date = forms.DateField(label=_("Date"), widget=DateInput(), help_text=_("Paris time."))
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput())
    end_time = forms.TimeField(label=_("End time"), widget=TimeInput())
    place = forms.CharField(
        label=_("Place"),
        max_length=PLACE_MAX,
        required=False,
        help_text=_("The address and the room. Give a place, a video link, or both."),
    )
    video_url = forms.URLField(
        label=_("Video link"),
        required=False,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("A web address, for example https://visio.example.org/comite."),
    )
    agenda = forms.CharField(
        label=_("Agenda"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=MARKDOWN_HELP,
    )
    visibility = forms.ChoiceField(
        label=_("Who may see it"),
        choices=[
            (Meeting.Visibility.PUBLIC, _("Everyone: the meeting is public")),
            (Meeting.Visibility.MEMBERS, _("The members only")),
        ],
        initial=Meeting.Visibility.PUBLIC,
        widget=forms.RadioSelect,
        help_text=_(
            "When a public meeting becomes for members only, the registrations of the other people are"
            " cancelled and they are told by email."
        ),
    )
    capacity = forms.IntegerField(
        label=_("Number of places"),
        required=False,
        min_value=1,
        help_text=_("Leave empty for no limit."),
        error_messages={"min_value": _("The number of places is at least 1 (leave it empty for no limit).")},
    )

    def __init__(self, *args, meeting: Meeting | None = None, now: datetime | None = None, **kwargs):
        self.meeting = meeting
        self.now = now
        if meeting is not None and "initial" not in kwargs:
            kwargs["initial"] = self.values_of(meeting)
        super().__init__(*args, **kwargs)

    @staticmethod
    def values_of(meeting: Meeting) -> dict:
        """The form's values for a meeting (its times in Paris time)."""
        starts, ends = (value.astimezone(paris()) for value in (meeting.starts_at, meeting.ends_at))
        return {
            "title": meeting.title,
            "date": starts.date(),
            "start_time": starts.time().replace(second=0, microsecond=0),
            "end_time": ends.time().replace(second=0, microsecond=0),
            "place": meeting.place,
            "video_url": meeting.video_url,
            "agenda": meeting.agenda,
            "visibility": meeting.visibility,
            "capacity": meeting.capacity,
        }

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day is None or start is None or end is None:
            return data
        data["starts_at"] = self.instant(day, start)
        data["ends_at"] = self.instant(day, end)
        for field, clock in (("start_time", start), ("end_time", end)):
            if not exists_in_paris(datetime.combine(day, clock, tzinfo=paris())):
                self.add_error(field, NO_SUCH_TIME)
        if self.errors:
            return data
        if end <= start:
            self.add_error("end_time", _("The meeting must end after it starts: check the end time."))
        moved = self.meeting is None or self.meeting.starts_at != data["starts_at"]
        if moved and data["starts_at"] < (self.now or timezone.now()):
            self.add_error("date", _("This date and time are past: choose a moment to come."))
        if not data.get("place") and not data.get("video_url") and "video_url" not in self.errors:
            self.add_error("place", _("Give a place, a video link, or both."))
        return data

    def instant(self, day: date, clock: time) -> datetime:
        """The Paris time typed, as an instant. The hour that happens twice (the last
        Sunday of October, 02:00 to 02:59) is its first occurrence, still in summer time
        (UTC+2), unless the meeting being edited is at the second one and keeps its time."""
        moment = datetime.combine(day, clock, tzinfo=paris())
        if self.meeting is not None:
            for stored in (self.meeting.starts_at, self.meeting.ends_at):
                # The stored instant itself: an ambiguous local time with fold=1 never
                # equals an instant of another zone (PEP 495).
                if stored.astimezone(paris()).replace(tzinfo=None) == moment.replace(tzinfo=None):
                    return stored
        return moment

    def arguments(self) -> dict:
        data = self.cleaned_data
        names = ("title", "starts_at", "ends_at", "place", "video_url", "agenda", "visibility", "capacity")
        return {name: data.get(name) for name in names}


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=REASON_MAX,
        help_text=_("Shown on the meeting's page and sent to the people invited."),
    )


def attendance_field(category: str) -> str:
    return f"attended_{category}"


class MinutesForm(forms.Form):
    """The minutes and the attendance counts by category (numbers only: never names)."""

    minutes = forms.CharField(
        label=_("Minutes"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=MARKDOWN_HELP,
    )
    publish = forms.BooleanField(
        label=_("Publish the minutes"),
        required=False,
        help_text=_("Published minutes are shown to whoever sees the meeting."),
    )
    # The attendance fields are drawn in their own fieldset by the page.
    rendered_elsewhere = [attendance_field(category) for category in Attendance.values] + ["publish"]

    def __init__(self, *args, meeting: Meeting | None = None, **kwargs):
        if meeting is not None and "initial" not in kwargs:
            kwargs["initial"] = self.values_of(meeting)
        super().__init__(*args, **kwargs)
        for category in Attendance.values:
            self.fields[attendance_field(category)] = forms.IntegerField(
                label=ATTENDANCE_LABELS[category],
                required=False,
                min_value=0,
                error_messages={"min_value": COUNT_ERROR, "invalid": COUNT_ERROR},
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    @staticmethod
    def values_of(meeting: Meeting) -> dict:
        values = {"minutes": meeting.minutes, "publish": meeting.minutes_published_at is not None}
        for category in Attendance.values:
            values[attendance_field(category)] = getattr(meeting, attendance_field(category))
        return values

    def attendance_fields(self):
        return [self[attendance_field(category)] for category in Attendance.values]

    def arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "minutes": data.get("minutes", ""),
            "publish": bool(data.get("publish")),
            "attendance": {category: data.get(attendance_field(category)) for category in Attendance.values},
        }


class DecisionForm(forms.Form):
    """A decision on one of the commune's committed items (`items`, in the board's order)."""

    item = forms.TypedChoiceField(label=_("Committed item"), coerce=int)
    text = forms.CharField(
        label=_("Decision"),
        max_length=DECISION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was decided: who does what, by when."),
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = {item.pk: item for item in items}
        self.fields["item"].choices = [("", _("Choose an item"))] + [
            (item.pk, f"{item.code}. {item.title}") for item in items
        ]

    def arguments(self) -> dict:
        return {"item": self.items.get(self.cleaned_data["item"]), "text": self.cleaned_data["text"]}
