"""A commune's follow-up committee: the place where the municipality, the local groups and
the other associations of the platform follow and co-build the mandate's commitments.

- Committee: one per commune. Created by a verified municipal contact of the commune or by
  a coordinator of a local group that follows it; its deciders are the commune's verified
  contacts and the coordinators of its member organisations, together (rules/committees.py).
- CommitteeOrganization: an organisation taking part (a local group, the municipality, an
  association), asked by one of its coordinators and accepted by a decider, or added by one.
- CommitteeMember: a person taking part, in the name of a member organisation or as the
  municipality's contact; asked and accepted the same way.

Every change is recorded by django-simple-history.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actors.models import Organization
from core.history import tracked_history
from territories.models import Commune

from .fields import acting_person

DESCRIPTION_MAX = 3000


class Committee(models.Model):
    commune = models.OneToOneField(
        Commune, on_delete=models.PROTECT, related_name="committee", verbose_name=_("commune")
    )
    description = models.TextField(
        _("purpose"),
        max_length=DESCRIPTION_MAX,
        blank=True,
        help_text=_("Markdown: **bold**, *italics*, lists, links."),
    )
    created_by = acting_person(_("created by"))
    created_at = models.DateTimeField(_("created on"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=0)
    history = tracked_history(excluded_fields=["version"])

    class Meta:
        verbose_name = _("follow-up committee")
        verbose_name_plural = _("follow-up committees")
        ordering = ["commune__name"]

    def __str__(self):
        from ..notices import of_commune  # "du Havre (76)" (notices reads the models)

        return _("Follow-up committee %(of_commune)s") % {"of_commune": of_commune(self.commune)}

    def get_absolute_url(self):
        return reverse("coconstruction:committee", args=[self.commune.code])


class Visibility(models.TextChoices):
    """Who may see a meeting or a working group (and what they hold)."""

    PUBLIC = "public", _("everyone")
    MEMBERS = "members", _("members only")


class Participation(models.TextChoices):
    """Where a request to take part stands."""

    PENDING = "pending", _("waiting for a decision")
    ACCEPTED = "accepted", _("member")
    REFUSED = "refused", _("refused")
    LEFT = "left", _("left")


class CommitteeOrganization(models.Model):
    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="organizations", verbose_name=_("committee")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="committees", verbose_name=_("organisation")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Participation.choices, default=Participation.PENDING
    )
    requested_by = acting_person(_("asked by"))
    requested_at = models.DateTimeField(_("asked on"), default=timezone.now)
    decided_by = acting_person(_("decided by"))
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    history = tracked_history()

    class Meta:
        verbose_name = _("member organisation")
        verbose_name_plural = _("member organisations")
        ordering = ["organization__name"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "organization"], name="committee_organization_once")
        ]
        indexes = [models.Index(fields=["organization", "status"], name="committee_org_status")]

    def __str__(self):
        return f"{self.organization} — {self.committee}"


class CommitteeMember(models.Model):
    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="members", verbose_name=_("committee")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="committee_memberships",
        verbose_name=_("person"),
    )
    # The organisation the person takes part for; none for the municipality's contacts.
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("for the organisation"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Participation.choices, default=Participation.PENDING
    )
    requested_at = models.DateTimeField(_("asked on"), default=timezone.now)
    decided_by = acting_person(_("decided by"))
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    history = tracked_history()

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["requested_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["committee", "user"], name="committee_member_once")]
        indexes = [models.Index(fields=["user", "status"], name="committee_member_status")]

    def __str__(self):
        return f"{self.user} — {self.committee}"

    @property
    def is_active(self):
        return self.status == Participation.ACCEPTED


def accepted(queryset):
    return queryset.filter(status=Participation.ACCEPTED)


__all__ = [
    "Committee",
    "CommitteeMember",
    "CommitteeOrganization",
    "Participation",
    "Visibility",
    "accepted",
]
