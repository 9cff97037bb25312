"""Following and being notified.

- Subscription: a person follows one commune, one item (in every commune) or one local
  group. One row per person and target (a double submit finds the row already there).
- Preference: how a person is told (at once, one email per event; or a weekly digest,
  the default when they have no row yet), and what their unsubscribe links are made of:
  a random salt, from which each email's link token is derived with the site's secret
  key; only the token's SHA-256 is stored, to find the person by it. A new salt revokes
  every link already sent.
- Notification: the queue, one row per (person, event): what is still to tell them.
  `claimed_at` marks the rows an email is being built from, `sent_at` the rows told: a
  digest never tells the same event twice, and a run that crashed resumes with the rows
  nobody sent (a claim older than CLAIM_TIMEOUT is given up).

Events come from the upper apps through the registry of events.py (followup's updates
and joint statements); a notification names its event by the source's key and the
object's id, and the commune it happened in (the digest's groups).
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actors.models import Organization
from frameworks.models import Item
from territories.models import Commune

CLAIM_TIMEOUT = timedelta(hours=1)


class Subscription(models.Model):
    """A person follows a commune, an item (in every commune) or a local group."""

    TARGETS = ("commune", "item", "organization")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_subscriptions",
        verbose_name=_("user"),
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("commune")
    )
    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("item")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("local group"),
    )
    created_at = models.DateTimeField(_("followed since"), default=timezone.now)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="subscription_has_one_target",
                condition=(
                    Q(commune__isnull=False, item__isnull=True, organization__isnull=True)
                    | Q(commune__isnull=True, item__isnull=False, organization__isnull=True)
                    | Q(commune__isnull=True, item__isnull=True, organization__isnull=False)
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "commune"], condition=Q(commune__isnull=False), name="follow_commune_once"
            ),
            models.UniqueConstraint(
                fields=["user", "item"], condition=Q(item__isnull=False), name="follow_item_once"
            ),
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=Q(organization__isnull=False),
                name="follow_group_once",
            ),
        ]

    def __str__(self):
        return f"{self.user_id} → {self.target}"

    @property
    def target(self):
        return self.commune or self.item or self.organization

    @property
    def kind(self):
        """ "commune", "item" or "organization": the field that names the target."""
        return next(name for name in self.TARGETS if getattr(self, f"{name}_id") is not None)


class Preference(models.Model):
    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("at once (one email per update)")
        WEEKLY = "weekly", _("in a weekly digest (one email a week at most)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    frequency = models.CharField(
        _("emails"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    # The unsubscribe links: the salt they are derived from, the SHA-256 of the current one.
    unsubscribe_salt = models.CharField(max_length=64)
    unsubscribe_hash = models.CharField(max_length=64, unique=True)
    updated_at = models.DateTimeField(_("changed on"), default=timezone.now)
    last_digest_at = models.DateTimeField(_("last digest sent on"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return f"{self.user_id}: {self.frequency}"


class NotificationQuerySet(models.QuerySet):
    def pending(self, now=None):
        """Not sent, and claimed by nobody (or by a run that has given no news for too long)."""
        stale = (now or timezone.now()) - CLAIM_TIMEOUT
        return self.filter(sent_at__isnull=True).filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))


class Notification(models.Model):
    """An event still to tell a person (sent_at empty), or told."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    event = models.CharField(_("event"), max_length=50)  # the event source's key
    object_id = models.PositiveBigIntegerField(_("object"))
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("commune")
    )
    created_at = models.DateTimeField(_("created on"), default=timezone.now)
    claimed_at = models.DateTimeField(_("being sent since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "event", "object_id"], name="one_notification_per_event"),
        ]
        indexes = [
            models.Index(
                fields=["user", "claimed_at"], condition=Q(sent_at__isnull=True), name="notification_pending"
            ),
            models.Index(fields=["sent_at"], name="notification_sent"),
        ]

    def __str__(self):
        return f"{self.user_id}: {self.event} {self.object_id}"
