"""The follow-up of a commune's commitments for the mandate: two voices per committed item.

- Update: a dated post on a committed item by one voice — the municipality's report (by
  a verified municipal contact of the commune) or the civil society's assessment (by a
  member of a local group that follows the commune) — or a joint statement, drafted by
  one side and published when a member of the other side co-signs it. Its text is
  Markdown; it may change the voice's status and progress; it carries its evidence.
- ItemState: what one voice says of one committed item now (status, progress, last
  update), the fold of that voice's published, visible updates (a joint statement counts
  for both voices). Its `version` grows with every change: a form carries the version it
  showed, and the services refuse a write made on an older one (no silent overwrite).
- Evidence: a link, a file (checked by its content, served by a view) or the reference
  of a council deliberation.

Every change is recorded by django-simple-history.
"""

from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from actors.models import Organization
from core.history import tracked_history
from core.models import Moderatable
from core.uploads import UploadValidator, random_name
from frameworks.models import Item
from territories.models import Commune

PROGRESS_MAX = 100
TEXT_MAX = 5000
EVIDENCE_TYPES = ["application/pdf", "image/png", "image/jpeg", "image/webp"]
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
# Evidence files are served by followup's own view (it checks that the update is visible).
EVIDENCE_FOLDER = "preuves"


class Status(models.TextChoices):
    TO_START = "to_start", _("to be launched")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    ABANDONED = "abandoned", _("abandoned")
    BLOCKED = "blocked", _("blocked")


class Voice(models.TextChoices):
    MUNICIPALITY = "municipality", _("municipality")
    CIVIL_SOCIETY = "civil_society", _("civil society")


def other_voice(voice):
    return Voice.CIVIL_SOCIETY if voice == Voice.MUNICIPALITY else Voice.MUNICIPALITY


def evidence_upload_to(instance, filename):
    return random_name(EVIDENCE_FOLDER, filename)


class UpdateQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def public(self):
        return self.filter(published_at__isnull=False, hidden_at__isnull=True)


class Update(Moderatable):
    """A dated post on a committed item of a commune, by one voice, or by both."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("municipality's report")
        CIVIL_SOCIETY = "civil_society", _("civil society's assessment")
        JOINT = "joint", _("joint statement")

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="followup_updates", verbose_name=_("commune")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="followup_updates", verbose_name=_("item")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # The author's side; for a joint statement, the side that drafted it.
    voice = models.CharField(_("voice"), max_length=16, choices=Voice.choices)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("local group"),
    )
    text = models.TextField(
        _("text"), max_length=TEXT_MAX, help_text=_("Markdown: **bold**, *italics*, lists, links.")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followup_updates",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("written on"), default=timezone.now)
    cosigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followup_cosignatures",
        verbose_name=_("co-signed by"),
    )
    cosigner_organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("co-signer's local group"),
    )
    cosigned_at = models.DateTimeField(_("co-signed on"), null=True, blank=True)
    # When it became public: at once for one voice, at the co-signature for a joint statement.
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    history = tracked_history()

    objects = UpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up update")
        verbose_name_plural = _("follow-up updates")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["commune", "item", "published_at"], name="update_commune_item"),
            models.Index(fields=["commune", "kind", "published_at"], name="update_commune_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                name="update_progress_percentage",
                condition=Q(progress__isnull=True) | Q(progress__lte=PROGRESS_MAX),
            ),
            models.CheckConstraint(
                name="update_kind_matches_voice", condition=Q(kind="joint") | Q(kind=models.F("voice"))
            ),
        ]

    def __str__(self):
        date = self.published_at or self.created_at
        return _("%(kind)s on “%(item)s” (%(commune)s), %(date)s") % {
            "kind": self.get_kind_display(),
            "item": f"{self.item.code}. {self.item.title}",
            "commune": self.commune.display_name,
            "date": formats.date_format(timezone.localtime(date), "SHORT_DATE_FORMAT"),
        }

    def get_absolute_url(self):
        return reverse("followup:update", args=[self.commune.code, self.pk])

    @property
    def is_joint(self):
        return self.kind == self.Kind.JOINT

    @property
    def is_published(self):
        return self.published_at is not None

    def is_visible_to(self, user):
        """Published and not hidden: everyone. A joint statement waiting for its
        co-signature: both voices of the commune. Hidden: its authors and moderators."""
        return user.has_perm("followup.view_update", self)


class ItemState(models.Model):
    """What one voice says of one committed item of a commune now."""

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="+", verbose_name=_("commune")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="followup_states", verbose_name=_("item")
    )
    voice = models.CharField(_("voice"), max_length=16, choices=Voice.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    last_update = models.ForeignKey(
        Update,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last update"),
    )
    updated_at = models.DateTimeField(_("last updated on"), null=True, blank=True)
    # Who set which status and progress, when (the update itself has its own history).
    history = tracked_history(excluded_fields=["version", "last_update"])

    class Meta:
        verbose_name = _("state of a committed item")
        verbose_name_plural = _("states of committed items")
        constraints = [
            models.UniqueConstraint(fields=["commune", "item", "voice"], name="one_state_per_voice"),
            models.CheckConstraint(
                name="state_progress_percentage",
                condition=Q(progress__isnull=True) | Q(progress__lte=PROGRESS_MAX),
            ),
        ]

    def __str__(self):
        return f"{self.get_voice_display()} — {self.get_status_display() or '—'}"


class Evidence(models.Model):
    """What supports an update: a link, a file, or a council deliberation's reference."""

    class Kind(models.TextChoices):
        LINK = "link", _("link")
        FILE = "file", _("file")
        DELIBERATION = "deliberation", _("council deliberation")

    update = models.ForeignKey(
        Update, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("update")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    url = models.URLField(_("address"), max_length=500, blank=True)
    file = models.FileField(
        _("file"),
        upload_to=evidence_upload_to,
        blank=True,
        validators=[UploadValidator(types=EVIDENCE_TYPES, max_bytes=EVIDENCE_MAX_BYTES)],
    )
    reference = models.CharField(_("deliberation reference"), max_length=100, blank=True)
    label = models.CharField(_("description"), max_length=200, blank=True)
    history = tracked_history()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                name="evidence_has_its_content",
                condition=(
                    Q(kind="link") & ~Q(url="")
                    | Q(kind="file") & ~Q(file="")
                    | Q(kind="deliberation") & ~Q(reference="")
                ),
            )
        ]

    def __str__(self):
        return self.label or self.reference or self.url or self.get_kind_display()

    @property
    def file_url(self):
        """The file's address, served by followup's view (never the storage's own URL)."""
        if not self.file:
            return ""
        return reverse("followup:evidence_file", args=[PurePosixPath(self.file.name).name])
