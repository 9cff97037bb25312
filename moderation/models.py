"""Reports from users and the moderators' decisions. Hidden content stays in the database."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Report(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", _("spam or advertising")
        ABUSE = "abuse", _("insulting, hateful or discriminatory content")
        PERSONAL_DATA = "personal_data", _("personal data that should not be published")
        FALSE = "false", _("false or misleading information")
        OTHER = "other", _("other reason")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        RESOLVED = "resolved", _("resolved")
        DISMISSED = "dismissed", _("dismissed")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content = GenericForeignKey("content_type", "object_id")
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="reports",
        verbose_name=_("reported by"),
    )
    created_at = models.DateTimeField(_("reported on"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "content_type", "object_id"], name="report_status_object")]

    def __str__(self):
        return f"{self.get_reason_display()} ({self.content_type.model} {self.object_id})"


class ModerationDecision(models.Model):
    """One hide or restore, with its reason: the moderation log."""

    class Action(models.TextChoices):
        HIDE = "hide", _("hidden")
        RESTORE = "restore", _("restored")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    reason = models.CharField(_("reason"), max_length=500)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("moderator"),
    )
    created_at = models.DateTimeField(_("on"), default=timezone.now)

    class Meta:
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="decision_object")]

    def __str__(self):
        return f"{self.get_action_display()}: {self.reason}"
