"""Working groups (chantiers): a committee's, a local group's, or a national partner's.

- WorkingGroup: a name, a purpose, themes and linked items, members, open to all (anyone
  signed in may join) or by invitation, public or members only (a members-only group, its
  meetings, documents and discussion are invisible to others: 404). It may be closed with
  a conclusion; a closed group stays readable and takes no new content.
- WorkingGroupMember: a person in it (invited, then member; or member at once in an open
  group), with the coordinators who run it.
- Document and DocumentVersion: a shared file (checked by its content, served by the
  app's view after the permission check, never by URL), each upload a new version.

Every change is recorded by django-simple-history.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actors.models import Organization
from core.history import tracked_history
from core.uploads import random_name
from frameworks.models import Item, Theme

from .committees import Committee, Visibility
from .fields import acting_person

NAME_MAX = 200
TEXT_MAX = 5000
# Served only by coconstruction's view, after the permission check (core.uploads.PRIVATE_FOLDERS).
DOCUMENTS_FOLDER = "chantiers"


def document_upload_to(instance, filename):
    return random_name(DOCUMENTS_FOLDER, filename)


class WorkingGroup(models.Model):
    class Access(models.TextChoices):
        OPEN = "open", _("open to all")
        INVITATION = "invitation", _("by invitation")

    Visibility = Visibility

    # Whose working group: a committee's, or an organisation's (a local group, or a national
    # partner's for a national group); exactly one.
    committee = models.ForeignKey(
        Committee,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="working_groups",
        verbose_name=_("committee"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="working_groups",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=NAME_MAX)
    purpose = models.TextField(
        _("purpose"), max_length=TEXT_MAX, help_text=_("Markdown: **bold**, *italics*, lists, links.")
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="+", verbose_name=_("themes"))
    items = models.ManyToManyField(Item, blank=True, related_name="+", verbose_name=_("linked items"))
    access = models.CharField(_("who may join"), max_length=10, choices=Access.choices, default=Access.OPEN)
    visibility = models.CharField(
        _("who may see it"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    conclusion = models.TextField(
        _("conclusion"),
        max_length=TEXT_MAX,
        blank=True,
        help_text=_("Markdown: **bold**, *italics*, lists, links."),
    )
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)
    closed_by = acting_person(_("closed by"))
    created_by = acting_person(_("created by"))
    created_at = models.DateTimeField(_("created on"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=0)
    history = tracked_history(excluded_fields=["version"])

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["committee", "closed_at"], name="workgroup_committee"),
            models.Index(fields=["organization", "closed_at"], name="workgroup_organization"),
        ]
        constraints = [
            models.CheckConstraint(
                name="workgroup_of_one_body",
                condition=Q(committee__isnull=False, organization__isnull=True)
                | Q(committee__isnull=True, organization__isnull=False),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("coconstruction:working_group", args=[self.pk])

    @property
    def is_closed(self):
        return self.closed_at is not None

    @property
    def is_public(self):
        return self.visibility == self.Visibility.PUBLIC


class WorkingGroupMember(models.Model):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("coordinator")
        MEMBER = "member", _("member")

    class Status(models.TextChoices):
        INVITED = "invited", _("invited")
        ACTIVE = "active", _("member")
        LEFT = "left", _("left")

    working_group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, related_name="members", verbose_name=_("working group")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="working_group_memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    invited_by = acting_person(_("invited by"))
    joined_at = models.DateTimeField(_("since"), default=timezone.now)
    history = tracked_history()

    class Meta:
        verbose_name = _("working group member")
        verbose_name_plural = _("working group members")
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["working_group", "user"], name="workgroup_member_once")
        ]
        indexes = [models.Index(fields=["user", "status"], name="workgroup_member_status")]

    def __str__(self):
        return f"{self.user} — {self.working_group}"


class Document(models.Model):
    working_group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, related_name="documents", verbose_name=_("working group")
    )
    title = models.CharField(_("title"), max_length=NAME_MAX)
    created_by = acting_person(_("added by"))
    created_at = models.DateTimeField(_("added on"), default=timezone.now)
    history = tracked_history()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["working_group", "title"], name="document_group")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("coconstruction:document", args=[self.pk])


class DocumentVersion(models.Model):
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="versions", verbose_name=_("document")
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=document_upload_to)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    uploaded_by = acting_person(_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded on"), default=timezone.now)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="document_version_once")]

    def __str__(self):
        return f"{self.document} (v{self.number})"
