"""Helpers shared by the test files of campaigns: the frameworks, partners and communes of
the fixture data, campaigns and their targets, lists and bulletins made through the
services, counts of rows, and spreadsheets to import. Fixtures are in conftest.py."""

import csv
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.translation import gettext

from actors.models import Organization
from campaigns import services
from campaigns.imports import COLUMNS
from campaigns.models import Campaign, CandidateList, SignatureInvitation, Step, Target
from campaigns.services import CampaignsError
from commitments.models import Commitment, CommitmentItem, MandateCommitment
from frameworks.models import Framework
from territories.models import Commune

PACTE = "pacte-pour-la-transition"
ANVITA = "anvita-charte"
EGM = "egm-charte-commune-accueillante"
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


# Messages ---------------------------------------------------------------------------


def fr(message, **params):
    """A message as French users see it."""
    with translation.override("fr"):
        text = gettext(message)
    return text % params if params else text


def refused(message, **params):
    """pytest.raises for a CampaignsError carrying exactly this (translated) message."""
    return pytest.raises(CampaignsError, match="^" + re.escape(fr(message, **params)) + "$")


# Rows of the fixture data and made through the services -------------------------------


def today():
    return timezone.localdate()


def framework(slug=PACTE):
    return Framework.objects.get(slug=slug, is_current=True)


def partner(slug=PACTE):
    return Organization.objects.get(slug=slug)


def commune(code="93066"):
    return Commune.objects.get(code=code)


def item(code, slug=PACTE):
    return framework(slug).items.get(code=code)


def choices(*codes, slug=PACTE):
    return [(item(code, slug), None, "") for code in codes]


def make_campaign(
    user,
    *,
    title="Municipales 2026",
    kind=Campaign.Kind.ELECTION,
    frameworks=(PACTE,),
    organizers=(PACTE,),
    **fields,
):
    """A campaign of the frameworks and organising partners given by their slugs."""
    return services.campaign_create(
        user=user,
        title=title,
        kind=kind,
        frameworks=[framework(slug) for slug in frameworks],
        organizers=[partner(slug) for slug in organizers],
        **fields,
    )


def take_on(campaign, code="93066", group=None, user=None):
    return services.target_take_on(campaign=campaign, commune=commune(code), group=group, user=user)


def add_list(
    target, name="Saint-Denis Ensemble", head_name="Marie Curie", email="tete@example.org", **fields
):
    return services.list_add(target=target, name=name, head_name=head_name, email=email, **fields)


def paper(
    target, *codes, candidate_list=None, slug=PACTE, name="Marie Curie", role="tête de liste", **fields
):
    """A paper bulletin of the given items (by default the first item of the framework)."""
    codes = codes or (framework(slug).items.order_by("position").values_list("code", flat=True)[0],)
    return services.paper_record(
        target=target,
        framework=framework(slug),
        choices=choices(*codes, slug=slug),
        candidate_list=candidate_list,
        signatory_name=name,
        signatory_role=role,
        signed_on=fields.pop("signed_on", today()),
        **fields,
    )


# Counts ---------------------------------------------------------------------------------


def status_of(target):
    return Target.objects.values_list("status", flat=True).get(pk=target.pk)


def counts():
    """Counts of every model of campaigns, to check that a refused write wrote nothing."""
    return {
        model.__name__: model.objects.count()
        for model in (
            Campaign,
            Target,
            CandidateList,
            Step,
            Commitment,
            CommitmentItem,
            SignatureInvitation,
            MandateCommitment,
        )
    }


def snapshot():
    """Counts of every model an import writes, and of their history records."""
    models = (Target, CandidateList, Commitment, CommitmentItem, MandateCommitment, Step, SignatureInvitation)
    counted = {model.__name__: model.objects.count() for model in models}
    for model in (Target, CandidateList, Commitment, CommitmentItem, MandateCommitment):
        counted[f"history {model.__name__}"] = model.history.count()
    return counted


# Spreadsheets to import ---------------------------------------------------------------------

DEFAULTS = {
    "code_insee": "93066",
    "commune": "Saint-Denis",
    "departement": "93",
    "liste": "Saint-Denis en commun",
    "tete_de_liste": "Camille Martin",
    "email": "camille@example.org",
    "etiquette": "",
    "referentiel": PACTE,
    "engagements": "A;B;01",
    "signataire": "",
    "qualite": "",
    "date_signature": "15/03/2026",
    "elue": "",
    "reponse": "",
    "date_refus": "",
    "motif_refus": "",
}


def line(**values):
    """A row of the import file: DEFAULTS but for the given columns."""
    return [values.get(column, DEFAULTS.get(column, "")) for column in COLUMNS]


def csv_upload(rows, *, header=COLUMNS, delimiter=",", bom=False, encoding="utf-8", name="engagements.csv"):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    return SimpleUploadedFile(name, data, content_type="text/csv")


def xlsx_upload(rows, *, header=COLUMNS, name="engagements.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())
