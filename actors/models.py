"""Organisations, memberships and roles, invitations, verified municipal contacts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.concurrency import version_field
from core.history import tracked_history
from core.models import Moderatable
from core.uploads import UploadValidator, random_name
from territories.models import Commune, Department, Epci, Region


def logo_upload_to(instance, filename):
    return random_name("logos", filename)


class OrganizationQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status=Organization.Status.VALIDATED, hidden_at__isnull=True)

    def partners(self):
        return self.filter(kind=Organization.Kind.PARTNER)


class Organization(Moderatable):
    class Kind(models.TextChoices):
        PARTNER = "partner", _("national partner")
        LOCAL_GROUP = "local_group", _("local group")
        MUNICIPALITY = "municipality", _("municipality")
        INTERCOMMUNALITY = "intercommunality", _("intercommunality (EPCI)")
        LOCAL_AUTHORITY = "local_authority", _("other local authority")

    class GroupType(models.TextChoices):
        EGM_ASSEMBLY = "egm_assembly", _("EGM local assembly")
        PACTE_COLLECTIVE = "pacte_collective", _("Pacte local collective")
        ASSOCIATION_SECTION = "association_section", _("association section")
        OTHER = "other", _("other local group")

    class Scale(models.TextChoices):
        COMMUNE = "commune", _("commune")
        EPCI = "epci", _("intercommunality")
        DEPARTMENT = "department", _("department")
        REGION = "region", _("region")
        NATIONAL = "national", _("national")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        VALIDATED = "validated", _("validated")
        REJECTED = "rejected", _("rejected")

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("address"), max_length=170, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    group_type = models.CharField(_("type of group"), max_length=20, choices=GroupType.choices, blank=True)
    scale = models.CharField(_("scale"), max_length=12, choices=Scale.choices)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("commune"),
    )
    epci = models.ForeignKey(
        Epci,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("EPCI"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("department"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("region"),
    )
    networks = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="network_members",
        limit_choices_to={"kind": "partner"},
        verbose_name=_("networks"),
        help_text=_("The partner networks this organisation belongs to."),
    )
    description = models.TextField(_("description"), max_length=3000, blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.FileField(
        _("logo"),
        upload_to=logo_upload_to,
        blank=True,
        validators=[UploadValidator(types=["image/png", "image/jpeg", "image/webp"], max_bytes=1024 * 1024)],
        help_text=_("PNG, JPEG or WebP image, 1 MB at most."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    validated_at = models.DateTimeField(_("validated on"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validated by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_organizations",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created on"), default=timezone.now)
    version = version_field()
    history = tracked_history(m2m_fields=[networks], excluded_fields=["slug", "version"])

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "status"], name="organization_kind_status")]
        constraints = [
            models.CheckConstraint(
                name="organization_territory_matches_scale",
                condition=(
                    Q(scale="commune", commune__isnull=False)
                    | Q(scale="epci", epci__isnull=False)
                    | Q(scale="department", department__isnull=False)
                    | Q(scale="region", region__isnull=False)
                    | Q(scale="national")
                ),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("actors:organization", args=[self.slug])

    @property
    def territory(self):
        return {
            self.Scale.COMMUNE: self.commune,
            self.Scale.EPCI: self.epci,
            self.Scale.DEPARTMENT: self.department,
            self.Scale.REGION: self.region,
        }.get(self.scale)

    def is_visible_to(self, user):
        """Public once validated and not hidden. Before validation: its members, the
        coordinators of its declared networks and staff. Hidden: those, and moderators."""
        if self.is_validated and not self.is_hidden:
            return True
        if user.has_perm("actors.view_members", self):
            return True
        return self.is_validated and user.has_perm("moderation.moderate", self)

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    @property
    def is_validated(self):
        return self.status == self.Status.VALIDATED


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("member")
        COORDINATOR = "coordinator", _("coordinator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("member since"), default=timezone.now)
    version = version_field()  # of the role (the form of the members' page)
    history = tracked_history(excluded_fields=["version"])

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization", "-role", "created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="unique_membership")]
        indexes = [models.Index(fields=["user", "role"], name="membership_user_role")]

    def __str__(self):
        return f"{self.user} — {self.organization} ({self.get_role_display()})"


class JoinRequest(models.Model):
    """A signed-in user asks to join a local group; its coordinators accept or decline.

    One pending request per user and group at a time (a constraint); the answer is kept,
    with who gave it, and the requester is told by email."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("a request to join", "waiting for an answer")
        ACCEPTED = "accepted", pgettext_lazy("a request to join", "accepted")
        DECLINED = "declined", pgettext_lazy("a request to join", "declined")
        WITHDRAWN = "withdrawn", pgettext_lazy("a request to join", "withdrawn")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="join_requests", verbose_name=_("organisation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="join_requests",
        verbose_name=_("requester"),
    )
    message = models.TextField(_("message to the coordinators"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("asked on"), default=timezone.now)
    decided_at = models.DateTimeField(_("answered on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    history = tracked_history()

    class Meta:
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=Q(status="pending"),
                name="one_pending_join_request",
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.organization} ({self.get_status_display()})"

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING


class Invitation(models.Model):
    """A single-use, expiring invitation to join an organisation, sent by email."""

    VALIDITY_DAYS = 7

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("organisation")
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(
        _("role"), max_length=12, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent on"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires on"))
    accepted_at = models.DateTimeField(_("accepted on"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    cancelled_at = models.DateTimeField(_("cancelled on"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.organization}"

    @property
    def is_usable(self):
        return self.accepted_at is None and self.cancelled_at is None and self.expires_at > timezone.now()


class MunicipalContact(models.Model):
    """A user who says they represent a commune's council or staff."""

    VALIDITY_HOURS = 48

    class Role(models.TextChoices):
        COUNCIL = "council", _("elected member of the council")
        STAFF = "staff", _("municipal staff")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending verification")
        VERIFIED = "verified", _("verified")
        REJECTED = "rejected", _("rejected")

    class Method(models.TextChoices):
        TOWN_HALL_EMAIL = "town_hall_email", _("link sent to the town hall's official address")
        COORDINATOR = "coordinator", _("checked by a partner coordinator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="municipal_contacts",
        verbose_name=_("user"),
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="municipal_contacts", verbose_name=_("commune")
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices)
    position = models.CharField(
        _("position"), max_length=120, help_text=_("For example: deputy mayor for solidarity.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    method = models.CharField(_("verified by"), max_length=16, choices=Method.choices, blank=True)
    token_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    token_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    requested_at = models.DateTimeField(_("requested on"), default=timezone.now)
    verified_at = models.DateTimeField(_("verified on"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by (coordinator)"),
    )
    history = tracked_history(excluded_fields=["token_hash", "token_expires_at"])

    class Meta:
        verbose_name = _("municipal contact")
        verbose_name_plural = _("municipal contacts")
        ordering = ["-requested_at"]
        constraints = [models.UniqueConstraint(fields=["user", "commune"], name="unique_municipal_contact")]

    def __str__(self):
        return f"{self.user} — {self.commune} ({self.get_role_display()})"

    @property
    def is_verified(self):
        return self.status == self.Status.VERIFIED
