"""Private calendar feeds: a person's token, whose SHA-256 only is stored (core.tokens).
Revoking makes a new one: every URL given before stops working."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CalendarToken(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_token",
        verbose_name=_("person"),
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created on"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used on"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar link")
        verbose_name_plural = _("calendar links")

    def __str__(self):
        return str(self.user)


class MeetingNotice(models.Model):
    """One email told a person about a meeting: an invitation ("created"), an update, a
    cancellation or the day-before reminder, at one sequence of the meeting. Written in
    the same transaction as the email is queued: a row that exists is an email that went
    (or is on its way), so that no task run twice sends it twice."""

    class Change(models.TextChoices):
        CREATED = "created", _("invitation")
        UPDATED = "updated", _("update")
        CANCELLED = "cancelled", _("cancellation")
        REMINDER = "reminder", _("reminder")

    meeting = models.ForeignKey(
        "coconstruction.Meeting", on_delete=models.CASCADE, related_name="+", verbose_name=_("meeting")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="meeting_notices",
        verbose_name=_("person"),
    )
    change = models.CharField(_("kind"), max_length=10, choices=Change.choices)
    sequence = models.PositiveIntegerField()
    sent_at = models.DateTimeField(_("sent on"), default=timezone.now)

    class Meta:
        verbose_name = _("meeting email")
        verbose_name_plural = _("meeting emails")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user", "change", "sequence"], name="meeting_notice_once"
            )
        ]

    def __str__(self):
        return f"{self.get_change_display()} — {self.meeting_id} → {self.user_id}"
