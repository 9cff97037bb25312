"""Meetings of a committee or of a working group, their registrations and their decisions.

- Meeting: a date and time (stored in UTC, entered and shown in Europe/Paris unless the
  viewer's timezone says otherwise), a place or a video link, an agenda, public or for
  members only, a capacity for registrations. After it: minutes (Markdown, sanitised by
  core.markdown), attendance counted by category (counts only: never the names of the
  people with lived experience of exile), decisions. `uid` and `sequence` make it one
  event of iCalendar feeds, updated (sequence + 1 on every change people see) or
  cancelled (status CANCELLED stays in the feeds).
- Registration: a person coming to a meeting (one row per person; cancelled is kept).
- Decision: what a meeting decided about a committed item of the commune; it shows in
  that item's timeline on the follow-up board.

Every change is recorded by django-simple-history.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import tracked_history
from core.models import Moderatable
from frameworks.models import Item
from territories.models import Commune

from .committees import Committee, Visibility
from .fields import acting_person

TITLE_MAX = 200
TEXT_MAX = 20000
PLACE_MAX = 300


class Attendance(models.TextChoices):
    """The categories attendance is counted by (numbers only)."""

    ELECTED = "elected", _("elected officials")
    STAFF = "staff", _("municipal staff")
    ASSOCIATIONS = "associations", _("associations")
    RESIDENTS = "residents", _("residents")
    LIVED_EXPERIENCE = "lived_experience", _("people with lived experience of exile")


class MeetingQuerySet(models.QuerySet):
    def scheduled(self):
        return self.filter(status=Meeting.Status.SCHEDULED)

    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now())

    def past(self, now=None):
        return self.filter(ends_at__lt=now or timezone.now())


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        CANCELLED = "cancelled", _("cancelled")

    Visibility = Visibility

    # A meeting of a committee, or of a working group (workgroups.py): exactly one.
    committee = models.ForeignKey(
        Committee,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("committee"),
    )
    working_group = models.ForeignKey(
        "coconstruction.WorkingGroup",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("working group"),
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=PLACE_MAX, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    agenda = models.TextField(
        _("agenda"),
        max_length=TEXT_MAX,
        blank=True,
        help_text=_("Markdown: **bold**, *italics*, lists, links."),
    )
    visibility = models.CharField(
        _("who may see it"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    cancelled_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)
    minutes = models.TextField(
        _("minutes"),
        max_length=TEXT_MAX,
        blank=True,
        help_text=_("Markdown: **bold**, *italics*, lists, links."),
    )
    minutes_published_at = models.DateTimeField(_("minutes published on"), null=True, blank=True)
    attended_elected = models.PositiveIntegerField(_("elected officials"), null=True, blank=True)
    attended_staff = models.PositiveIntegerField(_("municipal staff"), null=True, blank=True)
    attended_associations = models.PositiveIntegerField(_("associations"), null=True, blank=True)
    attended_residents = models.PositiveIntegerField(_("residents"), null=True, blank=True)
    attended_lived_experience = models.PositiveIntegerField(
        _("people with lived experience of exile"), null=True, blank=True
    )
    # iCalendar: one event per meeting; SEQUENCE grows with each change people see.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    invitations_sent_at = models.DateTimeField(_("invitations sent on"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent on"), null=True, blank=True)
    created_by = acting_person(_("created by"))
    created_at = models.DateTimeField(_("created on"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated on"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=0)
    history = tracked_history(excluded_fields=["version", "sequence", "uid", "reminder_sent_at"])

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["committee", "starts_at"], name="meeting_committee_start"),
            models.Index(fields=["working_group", "starts_at"], name="meeting_group_start"),
            models.Index(fields=["status", "starts_at"], name="meeting_status_start"),
        ]
        constraints = [
            models.CheckConstraint(
                name="meeting_of_one_body",
                condition=Q(committee__isnull=False, working_group__isnull=True)
                | Q(committee__isnull=True, working_group__isnull=False),
            ),
            models.CheckConstraint(
                name="meeting_ends_after_start", condition=Q(ends_at__gt=models.F("starts_at"))
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("coconstruction:meeting", args=[self.pk])

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def is_public(self):
        return self.visibility == self.Visibility.PUBLIC

    def attendance(self):
        """[(category label, count)] for the categories counted."""
        counts = []
        for value, label in Attendance.choices:
            count = getattr(self, f"attended_{value}")
            if count is not None:
                counts.append((label, count))
        return counts


class Registration(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("meeting")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="meeting_registrations",
        verbose_name=_("person"),
    )
    registered_at = models.DateTimeField(_("registered on"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled on"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["registered_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="registration_once")]
        indexes = [models.Index(fields=["user", "cancelled_at"], name="registration_user")]

    def __str__(self):
        return f"{self.user} — {self.meeting}"

    @property
    def is_active(self):
        return self.cancelled_at is None


class Decision(Moderatable):
    """What a meeting decided about a committed item of its commune."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("meeting")
    )
    # The commune whose follow-up board shows it (the meeting's committee's, or its
    # working group's committee's): kept here so the board reads it by (commune, item).
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="+", verbose_name=_("commune")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="coconstruction_decisions", verbose_name=_("item")
    )
    text = models.TextField(_("decision"), max_length=3000)
    created_by = acting_person(_("recorded by"))
    created_at = models.DateTimeField(_("recorded on"), default=timezone.now)
    history = tracked_history()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["commune", "item", "created_at"], name="decision_commune_item")]

    def __str__(self):
        return f"{self.item.code} — {self.meeting}"

    def get_absolute_url(self):
        return reverse("coconstruction:meeting", args=[self.meeting_id]) + f"#decision-{self.pk}"

    def is_visible_to(self, user):
        return user.has_perm("coconstruction.view_meeting", self.meeting) and not self.is_hidden
