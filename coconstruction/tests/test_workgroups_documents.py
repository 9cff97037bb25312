"""A working group's documents: uploads checked by content, versions kept, identical files
refused, files served after the permission check; and the pages' query counts."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coconstruction.forms.workgroups import DocumentForm
from coconstruction.models import Document, DocumentVersion, WorkingGroup
from coconstruction.services import workgroups as services
from coconstruction.tests.conftest import make_meeting
from frameworks.models import Theme
from tests.support import browser, make_user

from .workgroups_support import PDF, add_member, fr, make_working_group, odt, pdf_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def working_group(group, coordinator, member):
    working_group = make_working_group(coordinator, organization=group)
    add_member(working_group, member)
    return working_group


@pytest.fixture
def private_group(committee, mayor, member):
    working_group = make_working_group(
        mayor, committee=committee, name="Accueil des mineurs", visibility=WorkingGroup.Visibility.MEMBERS
    )
    add_member(working_group, member)
    return working_group


def prefix(message):
    """A French message's text before its first placeholder."""
    return fr(message).split("%(")[0]


def upload(client, group, file, title="Compte rendu de la réunion", note=""):
    return client.post(
        f"/chantiers/{group.pk}/documents/nouveau/", {"title": title, "file": file, "note": note}
    )


def test_a_member_shares_a_pdf_and_anyone_may_download_it_from_a_public_group(working_group, member):
    response = upload(browser(member), working_group, pdf_file(), note="Première version")
    document = Document.objects.get()
    assert response["Location"] == document.get_absolute_url()
    version = document.versions.get()
    assert (version.number, version.content_type, version.size) == (1, "application/pdf", len(PDF))
    assert version.sha256 == hashlib.sha256(PDF).hexdigest()
    assert version.file.name.startswith("chantiers/") and version.file.name.endswith(".pdf")
    file = browser().get(f"/chantiers/fichiers/{version.pk}/")
    assert file.status_code == 200
    assert b"".join(file.streaming_content) == PDF
    assert file["Content-Disposition"] == 'attachment; filename="compte-rendu-de-la-reunion-v1.pdf"'
    assert file["X-Content-Type-Options"] == "nosniff"
    page = browser().get(document.get_absolute_url()).content.decode()
    assert "Première version" in page and "Awa Koné" in page


def test_an_opendocument_text_is_accepted(working_group, member):
    upload(browser(member), working_group, SimpleUploadedFile("notes.odt", odt()))
    version = DocumentVersion.objects.get()
    assert version.content_type == "application/vnd.oasis.opendocument.text"
    assert version.file.name.endswith(".odt")
    assert browser(member).get(f"/chantiers/fichiers/{version.pk}/").status_code == 200


def test_a_page_renamed_pdf_is_refused_in_french(working_group, member):
    fake = SimpleUploadedFile("rapport.pdf", b"<html><script>alert(1)</script></html>")
    response = upload(browser(member), working_group, fake)
    assert response.status_code == 200
    assert prefix("This type of file is not accepted. Accepted: %(types)s.") in response.content.decode()
    assert not Document.objects.exists()


def test_a_file_over_ten_megabytes_is_refused():
    big = SimpleUploadedFile("gros.pdf", PDF + b"0" * services.DOCUMENT_MAX_BYTES)
    form = DocumentForm({"title": "Gros"}, {"file": big})
    assert not form.is_valid()
    assert form.errors["file"][0].startswith(
        prefix("This file is too large (%(size)s KB); the limit is %(limit)s KB.")
    )


def test_a_new_version_keeps_the_old_ones_and_an_identical_file_is_refused(
    working_group, member, coordinator
):
    upload(browser(member), working_group, pdf_file())
    document = Document.objects.get()
    url = f"/chantiers/documents/{document.pk}/nouvelle-version/"
    response = browser(coordinator).post(url, {"file": pdf_file(extra=b"% v2\n"), "note": "Relu"})
    assert response["Location"] == document.get_absolute_url()
    assert list(document.versions.values_list("number", flat=True)) == [2, 1]
    page = browser().get(document.get_absolute_url()).content.decode()
    for version in document.versions.all():
        assert f"/chantiers/fichiers/{version.pk}/" in page
        assert browser().get(f"/chantiers/fichiers/{version.pk}/").status_code == 200
    response = browser(coordinator).post(url, {"file": pdf_file(), "note": "Encore"})
    assert response.status_code == 200
    assert fr(
        "This file is already in the working group: “%(title)s”, version %(number)s.",
        title="Compte rendu de la réunion",
        number=1,
    ) in response.content.decode().replace("&nbsp;", "\u00a0")
    assert document.versions.count() == 2


def test_a_double_submit_makes_one_document(working_group, member):
    client = browser(member)
    first = upload(client, working_group, pdf_file())
    second = upload(client, working_group, pdf_file())
    assert first["Location"] == second["Location"]
    assert Document.objects.count() == 1 and DocumentVersion.objects.count() == 1


def test_a_non_member_may_not_upload(working_group, passerby):
    assert upload(browser(passerby), working_group, pdf_file()).status_code == 403
    assert not Document.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "outsider", "passerby"])
def test_a_members_only_groups_documents_are_404_for_others(private_group, member, who, outsider, passerby):
    document = services.document_add(group=private_group, user=member, title="Liste", upload=pdf_file())
    version = document.versions.get()
    client = browser({"anonymous": None, "outsider": outsider, "passerby": passerby}[who])
    assert client.get(document.get_absolute_url()).status_code == 404
    assert client.get(f"/chantiers/fichiers/{version.pk}/").status_code == 404
    assert client.get(f"/chantiers/fichiers/{version.pk + 1000}/").status_code == 404
    assert browser(member).get(f"/chantiers/fichiers/{version.pk}/").status_code == 200


# Query counts -----------------------------------------------------------------------------


def _populate(group, coordinator, count):
    themes = list(Theme.objects.all()[:3])
    for number in range(count):
        name = f"Chantier {number}-{WorkingGroup.objects.count()}"  # the same name at once: a double submit
        other = make_working_group(coordinator, organization=group, name=name, themes=themes)
        add_member(
            other, make_user(f"membre{number}-{other.pk}@example.org", display_name=f"Membre {number}")
        )
        document = services.document_add(
            group=other, user=coordinator, title=f"Document {number}", upload=pdf_file(extra=b"%d" % other.pk)
        )
        services.document_version_add(
            document=document, user=coordinator, upload=pdf_file(extra=b"v2 %d" % other.pk)
        )
        make_meeting(working_group=other, title=f"Réunion {number}")


def _queries(client, url, django_assert_max_num_queries, budget):
    client.get(url)  # the session's first request writes it: not the page's cost
    with django_assert_max_num_queries(budget) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("viewer", ["anonymous", "member"])
def test_the_list_costs_the_same_with_many_groups(
    group, coordinator, member, viewer, django_assert_max_num_queries
):
    client = browser(member if viewer == "member" else None)
    _populate(group, coordinator, 2)
    few = _queries(client, "/chantiers/?statut=open", django_assert_max_num_queries, 20)
    _populate(group, coordinator, 12)
    assert _queries(client, "/chantiers/?statut=open", django_assert_max_num_queries, 20) == few


def test_the_group_page_costs_the_same_with_many_documents_and_members(
    working_group, coordinator, member, django_assert_max_num_queries
):
    url = working_group.get_absolute_url()

    def grow(count):
        for number in range(count):
            add_member(working_group, make_user(f"m{number}-{Document.objects.count()}@example.org"))
            document = services.document_add(
                group=working_group,
                user=coordinator,
                title=f"Doc {Document.objects.count()}",
                upload=pdf_file(extra=b"%d" % Document.objects.count()),
            )
            services.document_version_add(
                document=document, user=coordinator, upload=pdf_file(extra=b"b%d" % document.pk)
            )
            make_meeting(working_group=working_group, title=f"Réunion {number}")

    grow(1)
    few = _queries(browser(coordinator), url, django_assert_max_num_queries, 30)
    grow(10)
    assert _queries(browser(coordinator), url, django_assert_max_num_queries, 30) == few


def test_the_document_page_costs_the_same_with_many_versions(
    working_group, member, django_assert_max_num_queries
):
    document = services.document_add(group=working_group, user=member, title="Notes", upload=pdf_file())
    few = _queries(browser(member), document.get_absolute_url(), django_assert_max_num_queries, 15)
    for number in range(10):
        services.document_version_add(document=document, user=member, upload=pdf_file(extra=b"%d" % number))
    assert _queries(browser(member), document.get_absolute_url(), django_assert_max_num_queries, 15) == few
