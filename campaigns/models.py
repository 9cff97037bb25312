"""Interpellation campaigns: targets (a commune in a campaign), candidate lists, the
interpellation log, signature invitations and spreadsheet imports. The bulletins signed
in a campaign, and the communes' commitments for the mandate, are commitments' models."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commitments import domain
from commitments.models import Commitment
from core.concurrency import version_field
from core.history import tracked_history
from core.uploads import random_name
from frameworks.models import Framework
from territories.models import Commune

from .kinds import PHASE_LABELS, campaign_phase, kind_choices, kind_of

LETTER_FIELDS = (
    "commune",
    "adresse_mairie",
    "destinataire",
    "liste",
    "groupe",
    "campagne",
    "referentiel",
    "resume",
    "lien_referentiel",
    "date",
    "paragraphe_local",
)


def default_letter():
    return gettext(
        "Dear Madam or Sir,\n\n"
        "We are {groupe}, people of {commune} who work for a dignified welcome of exiled people.\n\n"
        "For the campaign “{campagne}”, we invite you to commit to {referentiel}.\n\n"
        "{resume}\n\n"
        "The full text is available at {lien_referentiel}\n\n"
        "{paragraphe_local}\n\n"
        "We would be glad to meet you to talk about it, and to receive your signed bulletin of commitment.\n\n"
        "Yours faithfully,\n\n"
        "{groupe}"
    )


class Campaign(models.Model):
    Kind = kind_choices()  # ELECTION, MID_MANDATE…: one member per declared kind (kinds.KINDS)

    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(_("address"), max_length=170, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    frameworks = models.ManyToManyField(
        Framework, related_name="campaigns", verbose_name=_("frameworks proposed")
    )
    organizers = models.ManyToManyField(
        "actors.Organization",
        related_name="organized_campaigns",
        limit_choices_to={"kind": "partner"},
        verbose_name=_("organising partners"),
    )
    first_round = models.DateField(_("election date (first round)"), null=True, blank=True)
    second_round = models.DateField(_("second round"), null=True, blank=True)
    mandate_start = models.PositiveSmallIntegerField(_("mandate starts in"), default=2026)
    mandate_end = models.PositiveSmallIntegerField(_("mandate ends in"), default=2032)
    is_open = models.BooleanField(_("open"), default=True)
    letter_template = models.TextField(
        _("letter template"),
        max_length=10000,
        default=default_letter,
        help_text=_(
            "Fields replaced in each letter: {commune}, {adresse_mairie}, {destinataire}, {liste}, "
            "{groupe}, {campagne}, {referentiel}, {resume}, {lien_referentiel}, {date}, "
            "{paragraphe_local} (the paragraph each group writes for its commune)."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created on"), default=timezone.now)
    version = version_field()
    history = tracked_history(m2m_fields=[frameworks, organizers], excluded_fields=["slug", "version"])

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("campaigns:campaign", args=[self.slug])

    @property
    def kind_spec(self):
        """What this kind of campaign allows (kinds.CampaignKind)."""
        return kind_of(self.kind)

    @property
    def results_recorded(self):
        """An election result is recorded in one of its communes. The public queries
        annotate it (queries.campaigns_public, campaign_get); asked here otherwise."""
        if "results_recorded" not in self.__dict__:
            self.__dict__["results_recorded"] = (
                self.kind_spec.records_result
                and CandidateList.objects.filter(target__campaign=self, is_elected=True).exists()
            )
        return self.__dict__["results_recorded"]

    @results_recorded.setter
    def results_recorded(self, value):
        self.__dict__["results_recorded"] = bool(value)

    @property
    def phase(self):
        """Open, waiting for the results, results recorded or closed (kinds.campaign_phase)."""
        return campaign_phase(
            self.kind_spec,
            is_open=self.is_open,
            first_round=self.first_round,
            results_recorded=self.results_recorded,
            today=timezone.localdate(),
        )

    @property
    def phase_label(self):
        return PHASE_LABELS[self.phase]


class Target(models.Model):
    """A commune in a campaign, taken on by a local group (or by a coordinator)."""

    class Status(models.TextChoices):
        # The public status, derived from the log and the commitments (services.target_refresh
        # and the imports, by commitments.domain.target_status).
        NOT_INTERPELLATED = domain.NOT_INTERPELLATED, _("not interpellated")
        INTERPELLATED = domain.INTERPELLATED, _("interpellated")
        LIST_SIGNED = domain.LIST_SIGNED, _("a list signed")
        COMMITTED = domain.COMMITTED, _("committed")
        REFUSED = domain.REFUSED, _("refused")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="campaign_targets", verbose_name=_("commune")
    )
    group = models.ForeignKey(
        "actors.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaign_targets",
        verbose_name=_("local group"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_INTERPELLATED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("taken on on"), default=timezone.now)
    # The letter kit: the group's own paragraph and the sender block (who the lists answer).
    letter_paragraph = models.TextField(
        _("local paragraph"),
        max_length=3000,
        blank=True,
        help_text=_("Your words for this commune, added to the campaign's letter."),
    )
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(
        _("reply address"),
        blank=True,
        help_text=_("Shown on the letter; the emails sent to the lists answer to it."),
    )
    contact_phone = models.CharField(_("phone (optional)"), max_length=30, blank=True)
    version = version_field()  # of the letter's settings (the form of the working page)
    history = tracked_history(excluded_fields=["version"])

    class Meta:
        verbose_name = _("commune of a campaign")
        verbose_name_plural = _("communes of a campaign")
        ordering = ["commune__name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "commune"], name="unique_campaign_commune")
        ]
        indexes = [models.Index(fields=["campaign", "status"], name="target_campaign_status")]

    def __str__(self):
        return f"{self.commune} — {self.campaign}"

    def get_absolute_url(self):
        return reverse("campaigns:target", args=[self.campaign.slug, self.commune.code])


class CandidateList(models.Model):
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="lists")
    name = models.CharField(_("list name"), max_length=200)
    head_name = models.CharField(_("head of list"), max_length=150)
    email = models.EmailField(_("contact email"), blank=True)
    address = models.TextField(
        _("postal address of the head of list"),
        max_length=500,
        blank=True,
        help_text=_("Where the letter is posted: the list's own address, not the town hall's."),
    )
    political_label = models.CharField(_("political label"), max_length=100, blank=True)
    is_elected = models.BooleanField(_("elected"), default=False)
    created_at = models.DateTimeField(_("added on"), default=timezone.now)
    version = version_field()
    history = tracked_history(excluded_fields=["version"])

    class Meta:
        verbose_name = _("candidate list")
        verbose_name_plural = _("candidate lists")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["target", "name"], name="unique_list_name")]

    def __str__(self):
        return self.name


class Step(models.Model):
    """A dated step of the interpellation log (seen by the group and coordinators only),
    but for its refusals: who refused and when, with the refusal's public reason, are
    shown on the public pages (the notes stay private)."""

    PUBLIC_REASON_MAX_LENGTH = 500

    class Kind(models.TextChoices):
        LETTER = "letter", _("letter sent")
        EMAIL = "email", _("email sent")
        MEETING = "meeting", _("meeting")
        REMINDER = "reminder", _("reminder")
        ANSWER = "answer", _("answer received")
        REFUSAL = "refusal", _("refusal")
        NO_ANSWER = "no_answer", _("no answer")

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="steps")
    candidate_list = models.ForeignKey(
        CandidateList,
        # A list is removed only before it signs; its steps go with it, and the history keeps them.
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="steps",
        verbose_name=_("list"),
    )
    kind = models.CharField(_("step"), max_length=10, choices=Kind.choices)
    date = models.DateField(_("date"))
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    public_reason = models.TextField(
        _("public reason of a refusal"),
        max_length=PUBLIC_REASON_MAX_LENGTH,
        blank=True,
        help_text=_("A refusal is public, with its date and this reason; the notes stay private."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = version_field()
    history = tracked_history(excluded_fields=["version"])

    class Meta:
        verbose_name = _("interpellation step")
        verbose_name_plural = _("interpellation steps")
        ordering = ["-date", "-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.date}"


class SignatureInvitation(models.Model):
    """An emailed, single-use, expiring link to sign a bulletin without an account."""

    VALIDITY_DAYS = 30

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="invitations")
    candidate_list = models.ForeignKey(
        CandidateList, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    email = models.EmailField(_("email address"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent on"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires on"))
    used_at = models.DateTimeField(_("signed on"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled on"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined on"), null=True, blank=True)
    commitment = models.OneToOneField(
        Commitment, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitation"
    )

    class Meta:
        verbose_name = _("signature invitation")
        verbose_name_plural = _("signature invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.target}"

    @property
    def is_usable(self):
        return (
            self.used_at is None
            and self.cancelled_at is None
            and self.declined_at is None
            and self.expires_at > timezone.now()
        )


def import_upload_to(instance, filename):
    return random_name("imports", filename)


class ImportJob(models.Model):
    """A spreadsheet checked by a dry run, then applied by the task worker."""

    class Status(models.TextChoices):
        CHECKED = "checked", _("checked, not applied")
        QUEUED = "queued", _("waiting to be applied")
        RUNNING = "running", _("being applied")
        DONE = "done", _("applied")
        FAILED = "failed", _("refused, nothing written")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    file = models.FileField(upload_to=import_upload_to, blank=True)
    filename = models.CharField(_("file"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CHECKED)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    counts = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)  # [[line, column, message]] (first 200)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(_("checked on"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished on"), null=True, blank=True)

    class Meta:
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} → {self.campaign}"

    def get_absolute_url(self):
        return reverse("campaigns:import_job", args=[self.campaign.slug, self.pk])

    STALE_AFTER = timedelta(hours=1)

    @property
    def is_pending(self):
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_stale(self):
        """Waiting for over an hour: the task worker is probably not running."""
        return self.is_pending and timezone.now() - self.created_at > self.STALE_AFTER
