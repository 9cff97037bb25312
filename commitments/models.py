"""Signed commitments: the bulletins d'engagement (a list or the municipality commits to
items of a framework), their items, and the commitments of a commune for its mandate;
and the commitments made elsewhere (paper, a partner's site, a council vote), declared
after the fact by a local group or the municipality, then confirmed or refused
(Declaration, DeclarationItem).

The campaign a bulletin was signed in is an upper app's (campaigns): the foreign keys
name its models by string, and this app never imports it."""

from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from actors.models import Organization
from core.history import tracked_history
from core.uploads import UploadValidator, random_name
from frameworks.models import Framework, Item, Level
from territories.models import Commune

SCAN_TYPES = ["application/pdf", "image/png", "image/jpeg"]
SCAN_MAX_BYTES = 5 * 1024 * 1024
# The mandate a declaration is for unless said otherwise: the one that began in 2026.
CURRENT_MANDATE = (2026, 2032)
PROOF_TYPES = ["application/pdf", "image/png", "image/jpeg", "image/webp"]
PROOF_MAX_BYTES = 5 * 1024 * 1024
# Proof files of declarations: served by followup's view, which checks who may read them.
PROOF_FOLDER = "declarations"


def scan_upload_to(instance, filename):
    return random_name("bulletins", filename)


def deliberation_upload_to(instance, filename):
    return random_name("deliberations", filename)


def proof_upload_to(instance, filename):
    return random_name(PROOF_FOLDER, filename)


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


class Declaration(models.Model):
    """A commitment made elsewhere, declared after the fact: a commune (its elected list or
    its council) committed to items of a framework for a mandate, on a date, with its
    proof (a file, a link or a deliberation's reference). Public as "declared by …" until a
    partner coordinator or the municipality confirms it (or refuses it)."""

    class CommittedBy(models.TextChoices):
        LIST = "list", _("the elected list")
        COUNCIL = "council", _("the municipal council")

    class Status(models.TextChoices):
        DECLARED = "declared", _("declared, to be confirmed")
        CONFIRMED = "confirmed", _("confirmed")
        REFUSED = "refused", pgettext_lazy("declared commitment", "refused")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class Capacity(models.TextChoices):
        """In whose name someone declares, confirms or refuses."""

        LOCAL_GROUP = "local_group", _("local group")
        MUNICIPALITY = "municipality", _("municipality")
        PARTNER = "partner", _("national partner")
        STAFF = "staff", _("platform team")

    STANDING = (Status.DECLARED, Status.CONFIRMED)

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="declarations", verbose_name=_("commune")
    )
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="declarations", verbose_name=_("framework")
    )
    start_year = models.PositiveSmallIntegerField(_("mandate from"), default=CURRENT_MANDATE[0])
    end_year = models.PositiveSmallIntegerField(_("mandate to"), default=CURRENT_MANDATE[1])
    committed_on = models.DateField(_("committed on"))
    committed_by = models.CharField(_("committed by"), max_length=8, choices=CommittedBy.choices)
    list_name = models.CharField(_("name of the list"), max_length=200, blank=True)
    list_key = models.CharField(max_length=200, blank=True, editable=False)  # declaring.fold(list_name)
    head_name = models.CharField(_("head of list"), max_length=150, blank=True)
    proof_file = models.FileField(
        _("document"),
        upload_to=proof_upload_to,
        blank=True,
        validators=[UploadValidator(types=PROOF_TYPES, max_bytes=PROOF_MAX_BYTES)],
    )
    proof_url = models.URLField(_("link to the proof"), max_length=500, blank=True)
    deliberation_reference = models.CharField(_("deliberation reference"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DECLARED)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commitment_declarations",
        verbose_name=_("declared by"),
    )
    declared_as = models.CharField(_("declared as"), max_length=12, choices=Capacity.choices)
    declared_for = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("declared for"),
    )
    declared_at = models.DateTimeField(_("declared on"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commitment_declarations_decided",
        verbose_name=_("confirmed or refused by"),
    )
    decided_as = models.CharField(
        _("confirmed or refused as"), max_length=12, choices=Capacity.choices, blank=True
    )
    decided_for = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed or refused for"),
    )
    decided_at = models.DateTimeField(_("confirmed or refused on"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    history = tracked_history(excluded_fields=["list_key"])

    class Meta:
        verbose_name = _("declared commitment")
        verbose_name_plural = _("declared commitments")
        ordering = ["-declared_at", "-pk"]
        indexes = [models.Index(fields=["commune", "status", "start_year"], name="declaration_commune")]
        constraints = [
            # One standing declaration per commune, framework, mandate and committer (the
            # council, or a list by its folded name).
            models.UniqueConstraint(
                fields=["commune", "framework", "start_year", "committed_by", "list_key"],
                condition=Q(status__in=["declared", "confirmed"]),
                name="one_standing_declaration",
            ),
            models.CheckConstraint(
                name="declaration_has_a_proof",
                condition=~Q(proof_file="") | ~Q(proof_url="") | ~Q(deliberation_reference=""),
            ),
            models.CheckConstraint(
                name="declared_list_has_a_name", condition=Q(committed_by="council") | ~Q(list_name="")
            ),
            models.CheckConstraint(
                name="declaration_mandate_years", condition=Q(end_year__gt=models.F("start_year"))
            ),
        ]

    def __str__(self):
        return f"{self.commune} — {self.framework.short_title} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("followup:declaration", args=[self.commune.code, self.pk])

    @property
    def is_standing(self):
        return self.status in self.STANDING

    @property
    def declarer(self):
        """Who declared it, for people: "Awa (Accueil Saint-Denis)", "EGM"…"""
        return _who(self.declared_by, self.declared_as, self.declared_for)

    @property
    def decider(self):
        """Who confirmed or refused it, for people ("" while nobody did)."""
        return _who(self.decided_by, self.decided_as, self.decided_for) if self.decided_as else ""

    @property
    def committer(self):
        """Who committed, for people: the list (and its head), or the municipal council."""
        if self.committed_by == self.CommittedBy.LIST:
            return _("the list “%(list)s” (head of list: %(head)s)") % {
                "list": self.list_name,
                "head": self.head_name,
            }
        return self.get_committed_by_display()

    @property
    def awaits_confirmation(self):
        return self.status == self.Status.DECLARED

    @property
    def proof_file_url(self):
        """The file's address, served by followup's view (never the storage's own URL)."""
        if not self.proof_file:
            return ""
        return reverse("followup:declaration_file", args=[PurePosixPath(self.proof_file.name).name])


def _who(user, capacity, organization):
    """A person and in whose name they acted; the organisation (or the capacity) alone
    when the account is gone or there was none (an import from the command line)."""
    where = organization.name if organization is not None else str(Declaration.Capacity(capacity).label)
    return f"{user.public_name} ({where})" if user is not None else capfirst(where)


class DeclarationItem(models.Model):
    """An item of a declared commitment (of the declaration's framework), with its level."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="declaration_items")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    history = tracked_history()

    class Meta:
        verbose_name = _("declared item")
        verbose_name_plural = _("declared items")
        constraints = [
            models.UniqueConstraint(fields=["declaration", "item"], name="unique_declaration_item")
        ]

    def __str__(self):
        return str(self.item)
