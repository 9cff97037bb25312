"""Abstract models shared by the apps (core has no table of its own)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Moderatable(models.Model):
    """Content that moderators can hide (it stays in the database) and restore.

    The moderation app acts on any model with these fields, `is_visible_to(user)`,
    `get_absolute_url()` and an author (`created_by`). It sits in core because the apps
    with moderated content (actors, later campaigns…) sit below moderation."""

    hidden_at = models.DateTimeField(_("hidden on"), null=True, blank=True)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=500, blank=True)

    class Meta:
        abstract = True

    @property
    def is_hidden(self):
        return self.hidden_at is not None
