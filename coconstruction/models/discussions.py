"""Discussions: threads of comments on an item's follow-up in a commune, a meeting or a
working group (and later a practice).

- Thread: a titled conversation on exactly one subject; closed with a summary, it takes no
  new comment and stays readable.
- Comment: Markdown (sanitised by core.markdown), a reply to another comment of the thread
  (one level shown) or a quote of one, editable by its author for a short time
  (EDIT_WINDOW), reported and hidden through the moderation app (Moderatable).
  `submission_key` is the form's one-time key: a double submit finds the comment already
  written, never a second one nor an error.
- Mention: a member named with "@" in a comment, told once.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Moderatable
from frameworks.models import Item
from territories.models import Commune

from .fields import acting_person
from .meetings import Meeting
from .workgroups import WorkingGroup

TITLE_MAX = 200
TEXT_MAX = 5000
SUMMARY_MAX = 3000
EDIT_WINDOW = timedelta(minutes=15)


class Thread(models.Model):
    # The subject: an item's follow-up in a commune (commune + item), a meeting, or a
    # working group; exactly one.
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("commune")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("item")
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="threads",
        verbose_name=_("meeting"),
    )
    working_group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="threads",
        verbose_name=_("working group"),
    )
    title = models.CharField(_("subject"), max_length=TITLE_MAX)
    created_by = acting_person(_("started by"))
    created_at = models.DateTimeField(_("started on"), default=timezone.now)
    last_comment_at = models.DateTimeField(_("last comment on"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)
    closed_by = acting_person(_("closed by"))
    summary = models.TextField(
        _("summary"),
        max_length=SUMMARY_MAX,
        blank=True,
        help_text=_("Markdown: **bold**, *italics*, lists, links."),
    )

    class Meta:
        verbose_name = _("discussion")
        verbose_name_plural = _("discussions")
        ordering = ["-last_comment_at", "-pk"]
        indexes = [
            models.Index(fields=["commune", "item", "last_comment_at"], name="thread_item"),
            models.Index(fields=["meeting", "last_comment_at"], name="thread_meeting"),
            models.Index(fields=["working_group", "last_comment_at"], name="thread_working_group"),
        ]
        constraints = [
            models.CheckConstraint(
                name="thread_has_one_subject",
                condition=Q(
                    commune__isnull=False,
                    item__isnull=False,
                    meeting__isnull=True,
                    working_group__isnull=True,
                )
                | Q(
                    commune__isnull=True, item__isnull=True, meeting__isnull=False, working_group__isnull=True
                )
                | Q(
                    commune__isnull=True, item__isnull=True, meeting__isnull=True, working_group__isnull=False
                ),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("coconstruction:thread", args=[self.pk])

    @property
    def is_closed(self):
        return self.closed_at is not None


class Comment(Moderatable):
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="comments", verbose_name=_("discussion")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("in reply to"),
    )
    quoted = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("quotes")
    )
    text = models.TextField(
        _("comment"), max_length=TEXT_MAX, help_text=_("Markdown: **bold**, *italics*, lists, links.")
    )
    created_by = acting_person(_("written by"), related_name="coconstruction_comments")
    created_at = models.DateTimeField(_("written on"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited on"), null=True, blank=True)
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["thread", "created_at"], name="comment_thread")]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "submission_key"],
                condition=Q(submission_key__isnull=False),
                name="comment_submitted_once",
            )
        ]

    def __str__(self):
        return _("Comment in “%(thread)s”") % {"thread": self.thread.title}

    def get_absolute_url(self):
        """The comment's address: it sends to the page of its discussion the comment is on."""
        return reverse("coconstruction:comment", args=[self.pk])

    def is_visible_to(self, user):
        return user.has_perm("coconstruction.view_comment", self)

    def is_editable(self, now=None):
        return (now or timezone.now()) - self.created_at <= EDIT_WINDOW


class Mention(models.Model):
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="mentions", verbose_name=_("comment")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [models.UniqueConstraint(fields=["comment", "user"], name="mention_once")]
        indexes = [models.Index(fields=["user"], name="mention_user")]

    def __str__(self):
        return f"@{self.user} — {self.comment_id}"
