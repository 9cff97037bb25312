"""Signed commitments: the bulletins d'engagement (a list or the municipality commits to
items of a framework), their items, and the commitments of a commune for its mandate.

The campaign a bulletin was signed in is an upper app's (campaigns): the foreign keys
name its models by string, and this app never imports it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import tracked_history
from core.uploads import UploadValidator, random_name
from frameworks.models import Framework, Item, Level
from territories.models import Commune

SCAN_TYPES = ["application/pdf", "image/png", "image/jpeg"]
SCAN_MAX_BYTES = 5 * 1024 * 1024


def scan_upload_to(instance, filename):
    return random_name("bulletins", filename)


def deliberation_upload_to(instance, filename):
    return random_name("deliberations", filename)


class Commitment(models.Model):
    """A signed bulletin d'engagement: a list (or the municipality) commits to items of a framework."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("signed online")
        PAPER = "paper", _("paper bulletin")
        IMPORT = "import", _("imported")
        DELIBERATION = "deliberation", _("council deliberation")

    target = models.ForeignKey("campaigns.Target", on_delete=models.CASCADE, related_name="commitments")
    candidate_list = models.ForeignKey(
        "campaigns.CandidateList",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("list"),
    )
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("framework")
    )
    channel = models.CharField(_("how"), max_length=12, choices=Channel.choices)
    signatory_name = models.CharField(_("signatory"), max_length=150)
    signatory_role = models.CharField(_("signatory's role"), max_length=150)
    signed_on = models.DateField(_("signed on"))
    terms_accepted_at = models.DateTimeField(_("publication terms accepted on"), null=True, blank=True)
    scan = models.FileField(
        _("scan of the bulletin"),
        upload_to=scan_upload_to,
        blank=True,
        validators=[UploadValidator(types=SCAN_TYPES, max_bytes=SCAN_MAX_BYTES)],
    )
    deliberation_reference = models.CharField(_("deliberation reference"), max_length=100, blank=True)
    deliberation_file = models.FileField(
        _("deliberation"),
        upload_to=deliberation_upload_to,
        blank=True,
        validators=[UploadValidator(types=SCAN_TYPES, max_bytes=SCAN_MAX_BYTES)],
    )
    withdrawn_at = models.DateTimeField(_("withdrawn on"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=500, blank=True)
    withdraw_token_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded on"), default=timezone.now)
    history = tracked_history(excluded_fields=["withdraw_token_hash"])

    class Meta:
        verbose_name = _("signed commitment")
        verbose_name_plural = _("signed commitments")
        ordering = ["-signed_on", "-created_at"]
        indexes = [models.Index(fields=["target", "withdrawn_at"], name="commitment_target_active")]
        constraints = [
            # One active bulletin per signatory (list) and framework; the municipality's
            # (no list) are checked by the services, NULLs being distinct in SQL.
            models.UniqueConstraint(
                fields=["target", "candidate_list", "framework"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_active_commitment",
            )
        ]

    def __str__(self):
        return f"{self.signatory_name} — {self.framework.short_title}"

    @property
    def is_active(self):
        return self.withdrawn_at is None


class CommitmentItem(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="commitment_items")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    history = tracked_history()

    class Meta:
        verbose_name = _("committed item")
        verbose_name_plural = _("committed items")
        ordering = ["item__position"]
        constraints = [models.UniqueConstraint(fields=["commitment", "item"], name="unique_commitment_item")]

    def __str__(self):
        return str(self.item)


class MandateCommitment(models.Model):
    """A commune's commitment for the mandate: the elected list's bulletin, or a council
    deliberation (domain.is_for_the_mandate says which). Followed up during the mandate
    by a later app."""

    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="mandate_commitments")
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="mandate_commitments"
    )
    commitment = models.OneToOneField(Commitment, on_delete=models.CASCADE, related_name="mandate")
    start_year = models.PositiveSmallIntegerField(_("from"))
    end_year = models.PositiveSmallIntegerField(_("to"))
    created_at = models.DateTimeField(default=timezone.now)
    history = tracked_history()

    class Meta:
        verbose_name = _("commitment for the mandate")
        verbose_name_plural = _("commitments for the mandate")
        ordering = ["-start_year"]
        indexes = [models.Index(fields=["commune", "start_year"], name="mandate_commune")]

    def __str__(self):
        return f"{self.commune} {self.start_year}–{self.end_year}"
