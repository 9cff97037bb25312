"""Writes of working groups: creating one, joining and leaving, inviting and accepting,
documents and their versions, closing with a conclusion.

Each function checks what it must (the views have checked who may), writes in one
transaction and returns its result, or raises WorkingGroupError with a message for people.
A double submit finds what the first one wrote (a membership, a version with the same
content): never a second row, never an error page."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.models import Organization
from core.concurrency import claim
from core.emails import email_send
from core.uploads import DOCX, EXTENSIONS, ODS, ODT, XLSX, sniff_file

from ..models import Committee, Document, DocumentVersion, Meeting, WorkingGroup, WorkingGroupMember
from ..rules.workgroups import forget_memberships
from . import meetings

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User
    from frameworks.models import Item, Theme

Member = WorkingGroupMember
HASH_CHUNK = 64 * 1024
# What a working group shares: checked by content (core.uploads), 10 MB at most (under
# settings.REQUEST_MAX_BYTES, which leaves room for the form's other fields).
DOCUMENT_TYPES = (
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/webp",
    ODT,
    ODS,
    DOCX,
    XLSX,
    "text/plain",
    "text/csv",
)
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
# A second identical upload by the same person this soon is the same click sent twice.
DOUBLE_SUBMIT_SECONDS = 120


class WorkingGroupError(Exception):
    """A refused write; the message is shown as is."""


def _locked(group: WorkingGroup) -> WorkingGroup:
    return WorkingGroup.objects.select_for_update().get(pk=group.pk)


def _open(group: WorkingGroup) -> WorkingGroup:
    group = _locked(group)
    if group.is_closed:
        raise WorkingGroupError(_("This working group is closed: it stays readable but takes nothing new."))
    return group


# Creating -------------------------------------------------------------------------------


def _lock_owner(committee: Committee | None, organization: Organization | None) -> None:
    """Hold the owner's row until the transaction ends: two requests creating the same
    group run one after the other."""
    if committee is not None:
        Committee.objects.select_for_update().filter(pk=committee.pk).first()
    else:
        Organization.objects.select_for_update().filter(pk=organization.pk).first()


@transaction.atomic
def working_group_create(
    *,
    user: User,
    committee: Committee | None = None,
    organization: Organization | None = None,
    name: str,
    purpose: str,
    themes: Iterable[Theme] = (),
    items: Iterable[Item] = (),
    access: str,
    visibility: str,
) -> WorkingGroup:
    """A working group of a committee or of an organisation; its creator coordinates it.
    The same group sent twice (a double click) is created once: the owner's row is locked
    (PostgreSQL: FOR UPDATE) before looking for the group the first request made."""
    _lock_owner(committee, organization)
    twin = WorkingGroup.objects.filter(
        committee=committee,
        organization=organization,
        created_by=user,
        name=name.strip(),
        created_at__gte=timezone.now() - timedelta(seconds=DOUBLE_SUBMIT_SECONDS),
    ).first()
    if twin is not None:
        return twin
    group = WorkingGroup.objects.create(
        committee=committee,
        organization=organization,
        name=name.strip(),
        purpose=purpose.strip(),
        access=access,
        visibility=visibility,
        created_by=user,
    )
    group.themes.set(themes)
    group.items.set(items)
    Member.objects.create(
        working_group=group, user=user, role=Member.Role.COORDINATOR, status=Member.Status.ACTIVE
    )
    forget_memberships(user)
    return group


# Members --------------------------------------------------------------------------------


@transaction.atomic
def working_group_join(*, group: WorkingGroup, user: User) -> WorkingGroupMember:
    """Join an open group (a second click finds the membership made by the first)."""
    group = _open(group)
    if group.access != WorkingGroup.Access.OPEN:
        raise WorkingGroupError(_("This working group is joined by invitation only."))
    member, _created = Member.objects.get_or_create(working_group=group, user=user)
    if member.status != Member.Status.ACTIVE:
        member.status = Member.Status.ACTIVE
        member.joined_at = timezone.now()
        member.save(update_fields=["status", "joined_at"])
    forget_memberships(user)
    return member


@transaction.atomic
def working_group_accept(*, group: WorkingGroup, user: User) -> WorkingGroupMember:
    group = _open(group)
    member = Member.objects.select_for_update().filter(working_group=group, user=user).first()
    if member is None or member.status == Member.Status.LEFT:
        raise WorkingGroupError(_("There is no invitation to this working group for you."))
    if member.status == Member.Status.INVITED:
        member.status = Member.Status.ACTIVE
        member.joined_at = timezone.now()
        member.save(update_fields=["status", "joined_at"])
    forget_memberships(user)
    return member


@transaction.atomic
def working_group_leave(*, group: WorkingGroup, user: User) -> None:
    """Leave the group, or decline its invitation (the coordinator role goes with it)."""
    member = Member.objects.select_for_update().filter(working_group=group, user=user).first()
    if member is not None and member.status != Member.Status.LEFT:
        member.status = Member.Status.LEFT
        member.role = Member.Role.MEMBER
        member.save(update_fields=["status", "role"])
    forget_memberships(user)


@transaction.atomic
def working_group_invite(
    *, group: WorkingGroup, email: str, invited_by: User, site_url: str = ""
) -> WorkingGroupMember | None:
    """Invite the person whose account has this address; they get an email with the group's
    link. None when no active account has it: nothing is sent, and the view answers with
    the same neutral message either way, so that the form tells nobody which addresses
    have an account."""
    group = _open(group)
    invitee = get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).first()
    if invitee is None:
        return None
    member, created = Member.objects.get_or_create(
        working_group=group,
        user=invitee,
        defaults={"status": Member.Status.INVITED, "invited_by": invited_by},
    )
    if not created and member.status == Member.Status.ACTIVE:
        raise WorkingGroupError(_("This person is already a member of the working group."))
    if not created and member.status == Member.Status.INVITED:
        raise WorkingGroupError(_("This person is already invited."))
    if not created:
        member.status, member.invited_by, member.role = Member.Status.INVITED, invited_by, Member.Role.MEMBER
        member.save(update_fields=["status", "invited_by", "role"])
    url = site_url + reverse("coconstruction:working_group", args=[group.pk])
    context = {"group": group, "inviter": invited_by, "invitee": invitee, "url": url}
    transaction.on_commit(
        lambda: email_send(
            template="coconstruction/workgroups/emails/invitation", to=invitee, context=context
        )
    )
    return member


# Documents ------------------------------------------------------------------------------


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks(HASH_CHUNK):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _same_content(group: WorkingGroup, sha256: str) -> DocumentVersion | None:
    return (
        DocumentVersion.objects.filter(document__working_group=group, sha256=sha256)
        .select_related("document")
        .first()
    )


def _refuse_duplicate(group: WorkingGroup, sha256: str, user: User) -> DocumentVersion | None:
    """Refuse a file already in the group; return the version when it is the same person's
    upload of a moment ago (a double submit: what the first click made)."""
    existing = _same_content(group, sha256)
    if existing is None:
        return None
    if (
        existing.uploaded_by_id == user.pk
        and (timezone.now() - existing.uploaded_at).total_seconds() < DOUBLE_SUBMIT_SECONDS
    ):
        return existing
    raise WorkingGroupError(
        _("This file is already in the working group: “%(title)s”, version %(number)s.")
        % {"title": existing.document.title, "number": existing.number}
    )


def _version(
    document: Document, *, number: int, upload: UploadedFile, sha256: str, note: str, user: User
) -> DocumentVersion:
    content_type = sniff_file(upload, upload.name, DOCUMENT_TYPES)
    if content_type not in DOCUMENT_TYPES:  # the form checked it: a file changed since
        raise WorkingGroupError(_("This type of file is not accepted."))
    version = DocumentVersion(
        document=document,
        number=number,
        content_type=content_type,
        size=upload.size,
        sha256=sha256,
        note=note.strip(),
        uploaded_by=user,
    )
    # Stored under a random name with the extension of its real type (never the one sent).
    version.file.save("document" + EXTENSIONS[content_type], upload, save=False)
    version.save()
    return version


@transaction.atomic
def document_add(
    *, group: WorkingGroup, user: User, title: str, upload: UploadedFile, note: str = ""
) -> Document:
    """A new document with its first version (the file was checked by the form)."""
    group = _open(group)
    sha256 = _sha256(upload)
    if twice := _refuse_duplicate(group, sha256, user):
        return twice.document
    document = Document.objects.create(working_group=group, title=title.strip(), created_by=user)
    _version(document, number=1, upload=upload, sha256=sha256, note=note, user=user)
    return document


@transaction.atomic
def document_version_add(
    *, document: Document, user: User, upload: UploadedFile, note: str = ""
) -> DocumentVersion:
    """A new version of a document; the earlier ones stay listed and downloadable."""
    _open(document.working_group)
    document = Document.objects.select_for_update().get(pk=document.pk)
    sha256 = _sha256(upload)
    if twice := _refuse_duplicate(document.working_group, sha256, user):
        return twice
    number = (document.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    try:
        with transaction.atomic():
            return _version(document, number=number, upload=upload, sha256=sha256, note=note, user=user)
    except IntegrityError as error:
        raise WorkingGroupError(_("Another version was added meanwhile: send yours again.")) from error


# Closing --------------------------------------------------------------------------------


@transaction.atomic
def working_group_close(
    *, group: WorkingGroup, user: User, conclusion: str, version: int | None
) -> WorkingGroup:
    """Close the group with its conclusion: it stays readable and takes nothing new. Its
    meetings still to come are cancelled (their people are told, with the reason): once
    closed, nobody runs them any more."""
    if not conclusion.strip():
        raise WorkingGroupError(_("Write the conclusion of the working group."))
    claim(group, version)
    group = _open(group)
    now = timezone.now()
    group.conclusion = conclusion.strip()
    group.closed_at = now
    group.closed_by = user
    group.save(update_fields=["conclusion", "closed_at", "closed_by"])
    _cancel_meetings_to_come(group, user, now)
    return group


def _cancel_meetings_to_come(group: WorkingGroup, user: User, now: datetime) -> None:
    reason = _("The working group is closed.")
    to_come = Meeting.objects.filter(working_group=group, status=Meeting.Status.SCHEDULED, starts_at__gt=now)
    for meeting in to_come.select_for_update():
        meetings.meeting_cancel(meeting=meeting, user=user, reason=reason, now=now)
