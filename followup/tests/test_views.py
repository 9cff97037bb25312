"""The follow-up's pages: the board (grouped items, both voices, filters, the summary's SVG
and its table), the item's timeline, permalinks, forms and their conflicts, evidence
files, the panels of the commune and item pages, and the empty states."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from followup.models import Evidence, ItemState, Status, Update, Voice
from followup.services import Proof
from moderation import services as moderation
from tests.support import browser, make_user, messages_of

from .conftest import verified_contact
from .helpers import PDF_BYTES, fr, item, post

pytestmark = pytest.mark.django_db

MUNICIPALITY, CIVIL_SOCIETY = Voice.MUNICIPALITY, Voice.CIVIL_SOCIETY
BOARD = "/communes/93066/suivi/"


def item_url(code, suffix=""):
    return f"{BOARD}engagements/{item(code).pk}/{suffix}"


def html_of(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def voices(committed, mayor, member):
    post(
        mayor,
        item("26"),
        MUNICIPALITY,
        status=Status.DONE,
        progress=100,
        text="Le lieu d’accueil a **ouvert**.",
        evidence=[Proof(kind=Evidence.Kind.DELIBERATION, reference="2026-112")],
    )
    post(
        member,
        item("26"),
        CIVIL_SOCIETY,
        status=Status.IN_PROGRESS,
        progress=60,
        text="Ouvert deux jours par semaine.",
    )


def test_the_board_shows_items_by_framework_and_section_with_both_voices(client, voices):
    html = html_of(client.get(BOARD))

    headings = re.findall(r"<h([234])[^>]*>(.*?)</h\1>", html, re.S)
    outline = [(level, re.sub(r"<[^>]+>", "", text).strip()) for level, text in headings]
    assert outline[1:] == [
        ("2", "Pacte pour la Transition"),
        ("3", f"{fr('Principle')} B — Co-construction des politiques locales"),
        ("4", "B Co-construire les politiques locales"),
        ("3", "Les 32 mesures"),
        ("4", "01 Achats publics responsables"),
        ("4", "26 Dispositifs publics de premier accueil pour les personnes étrangères"),
    ]
    article = html[html.index(f'id="engagement-{item("26").pk}"') :]
    article = article[: article.index("</article>")]
    assert article.index("followup-voice-municipality") < article.index("followup-voice-civil_society")
    assert fr("Done") in article or fr("done").capitalize() in article
    assert "Ouvert deux jours par semaine." in article
    assert 'value="100"' in article and 'value="60"' in article
    assert "followup-diverges" in article
    assert fr("Council deliberation %(reference)s", reference="2026-112") in article


def test_the_summary_is_an_svg_image_with_a_text_alternative(client, voices):
    html = html_of(client.get(BOARD))

    svg = re.search(r'<svg class="followup-chart"[^>]*>', html).group(0)
    assert 'role="img"' in svg
    label = re.search(r'aria-label="([^"]+)"', svg).group(1)
    assert "3" in label  # three committed items
    table = html[html.index("<table>", html.index("followup-summary")) :]
    table = table[: table.index("</table>")]
    assert "<caption" in table and 'scope="col"' in table and 'scope="row"' in table
    assert re.search(r'<td class="number">1</td><td class="number">0</td>', table)  # done: 1 / 0
    assert " style=" not in html and "<script>" not in html


def test_filters_narrow_the_list_not_the_summary(client, voices):
    html = html_of(client.get(BOARD, {"statut": "in_progress", "voix": "civil_society"}))

    assert f'id="engagement-{item("26").pk}"' in html
    assert f'id="engagement-{item("01").pk}"' not in html
    assert "followup-voice-municipality" not in html  # one voice's column
    assert 'aria-label="' in html and "followup-chart" in html

    none = html_of(client.get(BOARD, {"statut": "abandoned"}))
    assert fr("No committed item matches these filters.") in none


def test_unknown_filter_values_show_everything(client, voices):
    html = html_of(client.get(BOARD, {"statut": "n'importe-quoi", "theme": "<b>"}))

    for code in ["26", "01", "B"]:
        assert f'id="engagement-{item(code).pk}"' in html


def test_a_commune_without_commitment_shows_an_empty_board(client, db):
    html = html_of(client.get("/communes/01001/suivi/"))

    assert "Abergement-Clémenciat" in html
    assert 'class="empty"' in html and "followup-chart" not in html


def test_unknown_communes_and_uncommitted_items_are_not_found(client, committed):
    assert client.get("/communes/99999/suivi/").status_code == 404
    assert client.get(item_url("02")).status_code == 404
    assert client.get(f"{BOARD}mises-a-jour/999/").status_code == 404


def test_the_commune_page_links_to_its_board(client, voices):
    html = html_of(client.get("/communes/93066/"))

    assert f'href="{BOARD}"' in html
    assert 'href="/communes/01001/suivi/"' not in html_of(client.get("/communes/01001/"))


def test_the_item_page_shows_the_communes_following_it(client, voices):
    html = html_of(client.get(item("26").get_absolute_url()))

    assert 'id="item-followup-title"' in html
    assert f'href="{BOARD}"' in html


def test_the_timeline_and_the_permalink_of_an_update(client, voices, mayor):
    update = Update.objects.get(kind=MUNICIPALITY)
    html = html_of(client.get(item_url("26")))

    assert f'id="maj-{update.pk}"' in html and "Ouvert deux jours par semaine." in html
    assert f'href="{BOARD}mises-a-jour/{update.pk}/"' in html
    assert 'class="history"' in html and "Nadia Adjointe" in html

    permalink = html_of(client.get(update.get_absolute_url()))
    assert "Le lieu d’accueil a <strong>ouvert</strong>." in permalink
    assert "/signaler/" not in permalink  # anonymous visitors sign in to report
    reader = browser(make_user("lecteur@example.org"))
    assert f'href="/signaler/followup/update/{update.pk}/"' in html_of(reader.get(update.get_absolute_url()))


def test_a_hidden_update_leaves_the_board_and_its_author_reads_why(client, voices, mayor, moderator):
    update = Update.objects.get(kind=MUNICIPALITY)
    moderation.content_hide(content=update, moderator=moderator, reason="Données personnelles")

    assert "Le lieu d’accueil" not in html_of(client.get(BOARD))
    assert "Le lieu d’accueil" not in html_of(client.get(item_url("26")))
    assert client.get(update.get_absolute_url()).status_code == 404
    page = html_of(browser(mayor).get(update.get_absolute_url()))
    assert "Données personnelles" in page
    assert html_of(browser(moderator).get(update.get_absolute_url()))


# Forms ----------------------------------------------------------------------------------


def test_the_form_is_for_those_who_have_a_voice(committed, mayor, other_mayor, client):
    assert client.get(item_url("26", "publier/")).status_code == 302  # to log in
    assert browser(other_mayor).get(item_url("26", "publier/")).status_code == 403
    html = html_of(browser(mayor).get(item_url("26", "publier/")))
    assert 'name="municipality_version" value="0"' in html
    assert 'enctype="multipart/form-data"' in html


def test_a_voice_posts_an_update_with_evidence(committed, mayor):
    response = browser(mayor).post(
        item_url("26", "publier/"),
        {
            "speaking_for": "municipality",
            "status": "done",
            "progress": "100",
            "text": "Délibération votée.",
            "deliberation_reference": "2026-112",
            "link_url": "https://saint-denis.example.org/accueil",
            "file": SimpleUploadedFile("cr.pdf", PDF_BYTES),
            "municipality_version": "0",
            "civil_society_version": "0",
        },
    )

    update = Update.objects.get()
    assert response.status_code == 302 and response["Location"] == update.get_absolute_url()
    assert messages_of(response) == [fr("Your update is published.")]
    assert sorted(update.evidence.values_list("kind", flat=True)) == ["deliberation", "file", "link"]
    assert ItemState.objects.get(voice=MUNICIPALITY).status == Status.DONE


def test_the_progress_error_is_shown_on_the_form_in_french(committed, mayor):
    response = browser(mayor).post(
        item_url("26", "publier/"),
        {
            "speaking_for": "municipality",
            "progress": "140",
            "text": "x",
            "municipality_version": "0",
            "civil_society_version": "0",
        },
    )

    assert fr("The progress is a percentage: a whole number from 0 to 100.") in html_of(response)
    assert not Update.objects.exists()


def test_the_second_writer_gets_a_conflict_with_the_current_state(committed, mayor):
    colleague = verified_contact(make_user("dgs@example.org", display_name="Sam DGS"), "93066")
    post(colleague, item("26"), MUNICIPALITY, status=Status.DONE, text="Fait par Sam.", version=0)

    response = browser(mayor).post(
        item_url("26", "publier/"),
        {
            "speaking_for": "municipality",
            "status": "in_progress",
            "text": "Mon texte gardé.",
            "municipality_version": "0",
            "civil_society_version": "0",
        },
    )

    html = html_of(response)
    assert 'role="alert"' in html and "Sam DGS" in html
    assert "Fait par Sam." in html  # the current state is shown
    assert "Mon texte gardé." in html  # the text is kept
    assert 'name="municipality_version" value="1"' in html  # sending again is on the current version
    assert Update.objects.count() == 1


def test_a_joint_statement_drafted_then_cosigned_through_the_pages(committed, mayor, member, group):
    response = browser(mayor).post(
        item_url("26", "declaration-commune/"),
        {
            "speaking_for": "municipality",
            "status": "in_progress",
            "progress": "50",
            "text": "Comité du 3 juin.",
        },
    )
    draft = Update.objects.get()
    assert response["Location"] == draft.get_absolute_url()
    assert browser().get(draft.get_absolute_url()).status_code == 404  # not public yet
    board = html_of(browser(member).get(BOARD))
    assert f'href="{BOARD}mises-a-jour/{draft.pk}/cosigner/"' in board

    cosign_url = f"{BOARD}mises-a-jour/{draft.pk}/cosigner/"
    assert browser(mayor).get(cosign_url).status_code == 403
    form = html_of(browser(member).get(cosign_url))
    assert f'value="group-{group.pk}"' in form
    response = browser(member).post(
        cosign_url,
        {"speaking_for": f"group-{group.pk}", "municipality_version": "0", "civil_society_version": "0"},
    )

    draft.refresh_from_db()
    assert response.status_code == 302 and draft.published_at is not None
    assert "Comité du 3 juin." in html_of(browser().get(BOARD))


def test_evidence_files_are_served_only_with_their_visible_update(client, committed, mayor, moderator):
    update = post(
        mayor,
        item("26"),
        MUNICIPALITY,
        evidence=[
            Proof(kind=Evidence.Kind.FILE, file=SimpleUploadedFile("cr.pdf", PDF_BYTES), label="cr.pdf")
        ],
    )
    proof = update.evidence.get()
    url = proof.file_url
    assert url.startswith("/fichiers/preuves/") and url.endswith(".pdf")

    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert response["X-Content-Type-Options"] == "nosniff"

    moderation.content_hide(content=update, moderator=moderator, reason="Document privé")
    assert client.get(url).status_code == 404
    assert browser(mayor).get(url).status_code == 200
