"""The yearly barometer: once a year, each voice of a commune rates each committed item.

- Barometer: the rating period of a national framework for a year (one per framework and
  year; its local versions count with it), set by the coordinators of the framework's
  publisher or by staff.
- Rating: what one voice of a commune says of one committed item in a barometer, on a
  fixed scale of five levels, with a comment. One per barometer, commune, item and voice;
  the voice changes it until the barometer closes (every change is kept in its history).
- BarometerReminder: the reminder emailed to a person for a barometer (when it opens, a
  week before it closes); recorded so that the daily command never sends it twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actors.models import Organization
from core.concurrency import version_field
from core.history import tracked_history
from frameworks.models import Framework, Item
from territories.models import Commune

from .updates import Voice

COMMENT_MAX = 1000


class Score(models.IntegerChoices):
    """The barometer's fixed scale, from nothing done to everything done."""

    NOT_STARTED = 1, _("not started")
    BEGUN = 2, _("begun")
    ON_TRACK = 3, _("on track")
    LARGELY_DONE = 4, _("largely achieved")
    FULLY_DONE = 5, _("fully achieved")


class Barometer(models.Model):
    """The yearly rating period of a national framework (and of its local versions)."""

    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="+", verbose_name=_("framework")
    )
    # The framework's slug: a barometer is the framework's whatever its version.
    framework_slug = models.SlugField(_("framework identifier"), max_length=80, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"), help_text=_("Ratings are accepted until this day included."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followup_barometers",
        verbose_name=_("opened by"),
    )
    created_at = models.DateTimeField(_("created on"), default=timezone.now)
    version = version_field()  # of its period (the edit form)
    history = tracked_history(excluded_fields=["version"])

    class Meta:
        verbose_name = _("barometer")
        verbose_name_plural = _("barometers")
        ordering = ["-year", "framework_slug"]
        constraints = [
            models.UniqueConstraint(fields=["framework_slug", "year"], name="one_barometer_per_year"),
            models.CheckConstraint(
                name="barometer_closes_after_opening", condition=Q(closes_on__gt=F("opens_on"))
            ),
        ]
        indexes = [
            models.Index(fields=["opens_on"], name="barometer_opens"),
            models.Index(fields=["closes_on"], name="barometer_closes"),
        ]

    def __str__(self):
        return _("Barometer %(year)s — %(framework)s") % {
            "year": self.year,
            "framework": self.framework.short_title,
        }

    def get_absolute_url(self):
        return reverse("followup:barometer", args=[self.framework_slug, self.year])

    def is_open(self, today=None):
        today = today or timezone.localdate()
        return self.opens_on <= today <= self.closes_on

    def has_opened(self, today=None):
        return self.opens_on <= (today or timezone.localdate())


class Rating(models.Model):
    """What one voice of a commune says of one committed item in a barometer."""

    # No index of their own: the composite indexes below start with each of them.
    barometer = models.ForeignKey(
        Barometer,
        on_delete=models.PROTECT,
        related_name="ratings",
        verbose_name=_("barometer"),
        db_index=False,
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="+", verbose_name=_("commune"), db_index=False
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("item"), db_index=False
    )
    voice = models.CharField(_("voice"), max_length=16, choices=Voice.choices)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("local group"),
    )
    score = models.PositiveSmallIntegerField(_("rating"), choices=Score.choices)
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followup_ratings",
        verbose_name=_("rated by"),
    )
    rated_at = models.DateTimeField(_("rated on"), default=timezone.now)
    history = tracked_history()

    class Meta:
        verbose_name = _("barometer rating")
        verbose_name_plural = _("barometer ratings")
        constraints = [
            # Its index also serves a voice's ratings in a commune (the form) and the number
            # of communes each voice answered for (read from the index alone).
            models.UniqueConstraint(
                fields=["barometer", "voice", "commune", "item"], name="one_rating_per_voice_and_item"
            ),
            models.CheckConstraint(name="rating_on_the_scale", condition=Q(score__gte=1) & Q(score__lte=5)),
        ]
        indexes = [
            # The aggregates: a barometer's counts per item, voice and level (national and
            # area pages), an item's counts per barometer (its page); read from the index alone.
            models.Index(fields=["barometer", "item", "voice", "score"], name="rating_barometer_counts"),
            models.Index(fields=["item", "barometer", "voice", "score"], name="rating_item_counts"),
            # A commune's ratings over the years (its board).
            models.Index(fields=["commune", "item"], name="rating_commune"),
        ]

    def __str__(self):
        return f"{self.get_voice_display()} — {self.get_score_display()}"


class BarometerReminder(models.Model):
    """A reminder emailed to a person for a barometer: at its opening, or before it closes."""

    class Kind(models.TextChoices):
        OPENING = "opening", _("opening")
        CLOSING = "closing", _("closing soon")

    barometer = models.ForeignKey(
        Barometer, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("barometer")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="followup_barometer_reminders",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    communes_count = models.PositiveIntegerField(_("communes to rate"), default=0)
    sent_at = models.DateTimeField(_("sent on"), default=timezone.now)

    class Meta:
        verbose_name = _("barometer reminder")
        verbose_name_plural = _("barometer reminders")
        constraints = [
            models.UniqueConstraint(fields=["barometer", "user", "kind"], name="one_reminder_per_kind")
        ]

    def __str__(self):
        return f"{self.barometer} — {self.get_kind_display()}"
