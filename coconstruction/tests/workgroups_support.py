"""Helpers of the working groups' tests: groups made through the service, files of each
kind (a PDF, an OpenDocument text, a fake PDF), French as users read it."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext

from coconstruction.models import WorkingGroup, WorkingGroupMember
from coconstruction.services import workgroups as services

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def fr(message, **params):
    with translation.override("fr"):
        text = gettext(message)
    return text % params if params else text


def odt():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def pdf_file(name="compte-rendu.pdf", extra=b""):
    return SimpleUploadedFile(name, PDF + extra, content_type="application/pdf")


def make_working_group(creator, *, committee=None, organization=None, name="Accès au logement", **fields):
    fields.setdefault("access", WorkingGroup.Access.OPEN)
    fields.setdefault("visibility", WorkingGroup.Visibility.PUBLIC)
    return services.working_group_create(
        user=creator,
        committee=committee,
        organization=organization,
        name=name,
        purpose=fields.pop("purpose", "Trouver des **logements** pour les familles."),
        **fields,
    )


def add_member(group, user, role=WorkingGroupMember.Role.MEMBER):
    return WorkingGroupMember.objects.create(working_group=group, user=user, role=role)
