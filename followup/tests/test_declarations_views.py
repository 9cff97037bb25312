"""Commitments made elsewhere in the follow-up: the board follows declared items with
"declared by …, to be confirmed" or "confirmed by …" next to the framework, in as many
queries for one declaration as for many; the pages to declare, read, confirm, refuse and
withdraw a declaration, its document, the list waiting for confirmation, the import."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments import declarations
from commitments.declarations import Committer, ProofGiven
from commitments.imports import COLUMNS
from commitments.models import Declaration
from commitments.tests.declarations_helpers import LINK, declare, recently
from followup.models import Status, Voice
from tests.support import browser, messages_of

from .helpers import EGM, PDF_BYTES, commit, fr, item, post

pytestmark = pytest.mark.django_db
BOARD = "/communes/93066/suivi/"
MUNICIPALITY = Declaration.Capacity.MUNICIPALITY


def html_of(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def page_url(declaration, suffix=""):
    return f"{BOARD}declarations/{declaration.pk}/{suffix}"


# The board -------------------------------------------------------------------------------


def test_declared_items_are_followed_on_the_board_with_who_declared_them(client, saint_denis, member, mayor):
    declaration = declare(member, "26", "01")

    html = html_of(client.get(BOARD))
    assert f'id="engagement-{item("26").pk}"' in html and f'id="engagement-{item("01").pk}"' in html
    assert fr("declared by %(who)s, to be confirmed", who="Awa (Accueil Saint-Denis)") in html
    assert declaration.get_absolute_url() in html

    declarations.declaration_confirm(declaration=declaration, user=mayor, capacity=MUNICIPALITY)
    html = html_of(client.get(BOARD))
    assert fr("to be confirmed") not in html
    assert "Nadia Adjointe" in html and fr("declared by %(who)s, to be confirmed", who="Awa")[:8] in html


def test_the_mention_sits_next_to_its_framework_only(client, committed, member):
    declare(member, "5", slug=EGM)

    html = html_of(client.get(BOARD))
    pacte = html.index(">Pacte pour la Transition<")
    egm = html.index("EGM") if html.index("EGM") > pacte else html.rindex("EGM")
    mention = html.index("Awa (Accueil Saint-Denis)")
    assert mention > min(pacte, egm)
    assert html.count("Awa (Accueil Saint-Denis)") == 1


def test_refused_and_withdrawn_declarations_leave_the_board(client, saint_denis, member, mayor):
    refused = declare(member, "26")
    declarations.declaration_refuse(declaration=refused, user=mayor, capacity=MUNICIPALITY, reason="Non.")
    html = html_of(client.get(BOARD))
    assert f'id="engagement-{item("26").pk}"' not in html

    withdrawn = declare(member, "01")
    declarations.declaration_withdraw(declaration=withdrawn, user=member)
    assert f'id="engagement-{item("01").pk}"' not in html_of(client.get(BOARD))


def test_voices_follow_a_declared_item_up(client, saint_denis, member, mayor):
    declare(member, "26")

    post(mayor, item("26"), Voice.MUNICIPALITY, status=Status.IN_PROGRESS)

    assert html_of(client.get(f"{BOARD}engagements/{item('26').pk}/"))
    assert html_of(client.get("/communes/93066/")).count(f"{BOARD}") >= 1


def board_queries(client, code):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/communes/{code}/suivi/")
    assert response.status_code == 200
    return len(captured)


def test_the_board_runs_as_many_queries_for_one_declaration_as_for_many(
    client, saint_denis, mayor, member, other_mayor, moderator
):
    declare(other_mayor, "26", code="01001")
    commit("01", code="01001")
    one = board_queries(client, "01001")

    commit("01", "02", "A")
    first = declare(member, "26", "03", "B")
    declare(member, "1", "2", "3", slug=EGM)
    declare(member, "07", committer=Committer(Declaration.CommittedBy.LIST, "Liste", "Tête"))
    declarations.declaration_confirm(declaration=first, user=mayor, capacity=MUNICIPALITY)
    many = board_queries(client, "93066")

    assert many == one


# Declaring ------------------------------------------------------------------------------


def test_declaring_through_the_pages(saint_denis, member):
    client = browser(member)
    html = html_of(client.get(f"{BOARD}declarer/"))
    assert 'name="referentiel"' in html and 'name="committed_on"' not in html

    url = f"{BOARD}declarer/?referentiel=pacte-pour-la-transition"
    html = html_of(client.get(url))
    assert f'name="item_{item("26").pk}"' in html and f'name="level_{item("07").pk}"' in html

    data = {
        "referentiel": "pacte-pour-la-transition",
        "declared_as": f"local_group-{member.memberships.get().organization_id}",
        "committed_by": "list",
        "list_name": "Saint-Denis en commun",
        "head_name": "Camille Martin",
        "committed_on": recently().isoformat(),
        f"item_{item('26').pk}": "on",
        "proof_file": SimpleUploadedFile("bulletin.pdf", PDF_BYTES),
    }
    response = client.post(url, data)
    declaration = Declaration.objects.get()
    assert response.status_code == 302 and response["Location"] == declaration.get_absolute_url()
    assert declaration.proof_file and declaration.items.get().item == item("26")
    assert messages_of(response)


def test_a_refused_declaration_comes_back_with_its_errors_on_their_fields(saint_denis, mayor):
    response = browser(mayor).post(
        f"{BOARD}declarer/?referentiel=pacte-pour-la-transition",
        {"declared_as": "municipality", "committed_by": "council", "committed_on": recently().isoformat()},
    )

    html = html_of(response)
    assert fr("Choose at least one item.") in html
    assert (
        fr("Give a proof of the commitment: a document, a link or the reference of a deliberation.") in html
    )
    assert not Declaration.objects.exists()


def test_only_those_who_may_declare_see_the_form(client, saint_denis, member, other_mayor):
    assert client.get(f"{BOARD}declarer/").status_code == 302  # to the login page
    assert browser(other_mayor).get(f"{BOARD}declarer/").status_code == 403
    assert fr("Declare a commitment made elsewhere") in html_of(browser(member).get(BOARD))
    assert fr("Declare a commitment made elsewhere") not in html_of(browser(other_mayor).get(BOARD))


# A declaration's page -----------------------------------------------------------------------


def test_a_declaration_page_shows_its_commitment_and_history(client, saint_denis, member):
    declaration = declare(member, "26", proof=ProofGiven(url=LINK, reference="2026-045"))

    html = html_of(client.get(page_url(declaration)))
    assert LINK in html and "2026-045" in html and "Awa (Accueil Saint-Denis)" in html
    assert item("26").title in html
    assert 'action="' + page_url(declaration, "confirmer/") not in html  # anonymous: no button


def test_the_buttons_are_those_of_who_may_use_them(saint_denis, member, mayor, moderator, other_mayor):
    declaration = declare(member, "26")

    for user in (mayor, moderator):
        html = html_of(browser(user).get(page_url(declaration)))
        assert page_url(declaration, "confirmer/") in html and page_url(declaration, "refuser/") in html
    for user in (member, other_mayor):
        assert page_url(declaration, "confirmer/") not in html_of(browser(user).get(page_url(declaration)))
    assert page_url(declaration, "retirer/") in html_of(browser(member).get(page_url(declaration)))


def test_confirming_and_refusing_through_the_pages(saint_denis, member, mayor, moderator):
    first = declare(member, "26")
    response = browser(mayor).post(
        page_url(first, "confirmer/"), {"decided_as": "municipality", "reason": ""}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == Declaration.Status.CONFIRMED

    second = declare(member, "5", slug=EGM)
    partner = f"partner-{moderator.memberships.get().organization_id}"
    html = html_of(
        browser(moderator).post(page_url(second, "refuser/"), {"decided_as": partner, "reason": ""})
    )
    assert fr("This field is required.") in html
    response = browser(moderator).post(
        page_url(second, "refuser/"), {"decided_as": partner, "reason": "Aucune preuve."}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == Declaration.Status.REFUSED


def test_a_refused_declaration_is_read_by_its_declarer_and_reviewers_only(client, saint_denis, member, mayor):
    declaration = declare(member, "26")
    declarations.declaration_refuse(
        declaration=declaration, user=mayor, capacity=MUNICIPALITY, reason="Pas vu."
    )

    assert client.get(page_url(declaration)).status_code == 404
    assert "Pas vu." in html_of(browser(member).get(page_url(declaration)))


def test_the_document_is_served_to_its_readers_only(
    client, saint_denis, member, mayor, other_mayor, moderator
):
    declaration = declare(member, "26", proof=ProofGiven(file=SimpleUploadedFile("p.pdf", PDF_BYTES)))
    url = declaration.proof_file_url

    for user in (member, mayor, moderator):
        response = browser(user).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert client.get(url).status_code == 404
    assert browser(other_mayor).get(url).status_code == 404
    assert url not in html_of(client.get(page_url(declaration)))
    assert client.get("/fichiers/declarations/inconnu.pdf").status_code == 404


# Waiting for a confirmation --------------------------------------------------------------------


def test_the_declarations_waiting_for_ones_confirmation(saint_denis, member, mayor, other_mayor, moderator):
    # A list's commitment: the municipality's own council deliberation is confirmed at once.
    mine = declare(mayor, "26", committer=Committer(Declaration.CommittedBy.LIST, "Liste", "Tête"))
    theirs = declare(member, "5", slug=EGM)
    url = "/suivi/engagements-declares/"

    html = html_of(browser(mayor).get(url))
    assert theirs.get_absolute_url() in html and mine.get_absolute_url() not in html
    html = html_of(browser(moderator).get(url))
    assert theirs.get_absolute_url() in html and mine.get_absolute_url() in html
    assert fr("No declaration is waiting for your confirmation.") in html_of(browser(other_mayor).get(url))
    assert fr("Declarations waiting for a confirmation") in html_of(browser(mayor).get(BOARD))


# The import -------------------------------------------------------------------------------


def csv_file(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return SimpleUploadedFile("engagements.csv", buffer.getvalue().encode())


def row(**values):
    base = dict.fromkeys(COLUMNS, "")
    base.update(
        code_insee="93066",
        referentiel="pacte-pour-la-transition",
        engagements="26",
        date=recently().strftime("%d/%m/%Y"),
        engage_par="conseil",
        deliberation="2026-045",
    )
    base.update(values)
    return [base[column] for column in COLUMNS]


def test_importing_checks_first_then_applies_everything(saint_denis, moderator):
    client = browser(moderator)
    url = "/suivi/engagements-declares/import/"
    partner = f"partner-{moderator.memberships.get().organization_id}"
    assert html_of(client.get(url))

    html = html_of(
        client.post(
            url,
            {"action": "check", "declared_as": partner, "file": csv_file([row(), row(code_insee="01001")])},
        )
    )
    assert not Declaration.objects.exists()
    assert 'value="apply"' in html

    response = client.post(url, {"action": "apply"})
    assert response.status_code == 302
    assert Declaration.objects.filter(declared_by=moderator, declared_as="partner").count() == 2
    assert client.post(url, {"action": "apply"}).status_code == 302  # nothing waits any more
    assert Declaration.objects.count() == 2


def test_an_import_with_errors_shows_them_by_line_and_column(saint_denis, moderator):
    client = browser(moderator)
    partner = f"partner-{moderator.memberships.get().organization_id}"
    upload = csv_file([row(), row(code_insee="01001", engagements="ZZ")])

    html = html_of(
        client.post(
            "/suivi/engagements-declares/import/", {"action": "check", "declared_as": partner, "file": upload}
        )
    )

    assert fr("Column “%(column)s”: %(message)s") % {"column": "engagements", "message": ""} in html
    assert "ZZ" in html and 'value="apply"' not in html
    assert not Declaration.objects.exists()


def test_only_partner_coordinators_and_staff_import(client, member, mayor):
    url = "/suivi/engagements-declares/import/"
    assert client.get(url).status_code == 302
    assert browser(member).get(url).status_code == 403
    assert browser(mayor).get(url + "modele.csv").status_code == 403
