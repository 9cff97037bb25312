"""What the follow-up stores about a user: exported with the account's data; on deletion,
published updates stay (by "compte supprimé"), unsigned drafts go with the account."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import services as accounts
from followup import services
from followup.models import Evidence, Status, Update, Voice
from followup.services import Proof
from tests.support import browser

from .helpers import PDF_BYTES, commune, item, post

pytestmark = pytest.mark.django_db


def draft(user, voice, **fields):
    return services.joint_statement_draft(
        commune=commune(), item=item("26"), user=user, voice=voice, text="Projet de déclaration", **fields
    )


def test_the_export_has_the_updates_written_and_the_statements_cosigned(committed, mayor, member):
    post(mayor, item("26"), Voice.MUNICIPALITY, status=Status.DONE, text="Compte rendu de la mairie")
    statement = draft(member, Voice.CIVIL_SOCIETY, status=Status.IN_PROGRESS)
    services.joint_statement_cosign(update=statement, user=mayor, versions={Voice.MUNICIPALITY: 1})

    data = json.loads(browser(mayor).get("/compte/mes-donnees/export.json").content)

    assert [(u["kind"], u["text"]) for u in data["followup_updates_written"]] == [
        ("municipality", "Compte rendu de la mairie")
    ]
    assert [(u["commune"], u["item"], u["status"]) for u in data["followup_statements_cosigned"]] == [
        ("93066", "pacte-pour-la-transition 26", "in_progress")
    ]
    assert data["followup_statements_cosigned"][0]["cosigned_at"]


def test_deletion_keeps_published_updates_and_removes_unsigned_drafts(
    committed, mayor, member, django_capture_on_commit_callbacks, settings
):
    published = post(member, item("26"), Voice.CIVIL_SOCIETY, status=Status.BLOCKED)
    unsigned = draft(
        member,
        Voice.CIVIL_SOCIETY,
        evidence=[Proof(kind=Evidence.Kind.FILE, file=SimpleUploadedFile("cr.pdf", PDF_BYTES))],
    )
    stored = settings.MEDIA_ROOT / unsigned.evidence.get().file.name
    assert stored.exists()

    with django_capture_on_commit_callbacks(execute=True):
        accounts.account_delete(user=member)

    published.refresh_from_db()
    assert published.created_by is None and published.organization is not None
    assert not Update.objects.filter(pk=unsigned.pk).exists()
    assert not stored.exists()
    assert "compte supprimé" in browser().get(published.get_absolute_url()).content.decode()
