"""The letter kit a group sends to a head of list: addressed to them (not to the town hall),
dated, with the group's sender block and its own paragraph, one letter covering every
framework of the campaign, the bulletins to sign in the same PDF, and, emailed, the
signature links with their QR codes; the emails to heads of list answer to the group."""

import re
import zlib
from html import unescape

import pytest
from django.core import mail

from campaigns import services
from campaigns.models import Campaign, SignatureInvitation, Step, Target
from campaigns.services.letters import qr_svg
from tests.support import browser, make_user, messages_of

from .helpers import (
    ANVITA,
    IMMEDIATE_TASKS,
    PACTE,
    add_list,
    framework,
    make_campaign,
    paper,
    refused,
    take_on,
)

pytestmark = pytest.mark.django_db

SITE = "https://hospitalite.example"


@pytest.fixture
def contact(target):
    return services.letter_settings_save(
        target=target,
        letter_paragraph="Nous tenons une permanence chaque samedi au marché.",
        contact_name="Nadia Benali",
        contact_email="contact@accueil-saint-denis.example",
        contact_phone="01 23 45 67 89",
    )


@pytest.fixture
def addressed(first):
    first.address = "12 rue de la République\n93200 Saint-Denis"
    first.save()
    return first


def pdf_pages(data):
    """The pages of a PDF: its page objects, in the file or in its compressed object streams."""
    parts = [data]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return sum(len(re.findall(rb"/Type\s*/Page(?![s\w])", part)) for part in parts)


def kit(target, candidate_list, member, email="tete@example.org"):
    return services.kit_send(
        target=target, candidate_list=candidate_list, email=email, sent_by=member, site_url=SITE
    )


# The text ----------------------------------------------------------------------------------


def test_one_letter_covers_every_framework_of_the_campaign(target, first, contact):
    text = services.letter_text(target=target, candidate_list=first, site_url=SITE)
    pacte, anvita = framework(PACTE), framework(ANVITA)
    assert "{" not in text
    assert f"{anvita.title} et {pacte.title}" in text  # the frameworks, by title
    assert f"{SITE}{pacte.get_absolute_url()}" in text and f"{SITE}{anvita.get_absolute_url()}" in text
    assert "Nous tenons une permanence chaque samedi au marché." in text
    assert "\n\n\n" not in text


def test_a_letter_without_local_paragraph_leaves_no_hole(target, first):
    text = services.letter_text(target=target, candidate_list=first)
    assert "\n\n\n" not in text and "{paragraphe_local}" not in text


def test_an_older_template_gets_the_paragraph_before_its_signature(target, first, contact):
    target.campaign.letter_template = "Madame, Monsieur,\n\nSignez {liste}.\n\n{groupe}"
    text = services.letter_text(target=target, candidate_list=first)
    assert text == (
        "Madame, Monsieur,\n\nSignez Saint-Denis Ensemble.\n\n"
        "Nous tenons une permanence chaque samedi au marché.\n\nAccueil Saint-Denis"
    )


def test_the_local_paragraph_is_a_field_of_the_template(campaign):
    services.letter_check("Bonjour {destinataire}, {paragraphe_local}")
    assert "{paragraphe_local}" in services.default_letter_text()


# The page and the PDF ----------------------------------------------------------------------------


def test_the_letter_to_a_head_of_list_is_addressed_to_them(target, addressed, contact, member):
    response = browser(member).get(target.get_absolute_url() + f"lettre/?liste={addressed.pk}")
    html = unescape(response.content.decode())
    address = html.split('class="address">', 1)[1].split("</p>", 1)[0]
    assert "Marie Curie" in address and "Tête de la liste « Saint-Denis Ensemble »" in address
    assert "12 rue de la République" in address
    assert "place du Caquet" not in address and "Mairie" not in address  # not the town hall
    sender = html.split('class="sender">', 1)[1].split("</p>", 1)[0]
    assert "Accueil Saint-Denis" in sender and "Nadia Benali" in sender
    assert "Répondre à : contact@accueil-saint-denis.example" in sender
    assert "Saint-Denis, le 1er décembre 2026" in html  # dated, "1er" for the first day
    subject = f"Objet : campagne « Municipales 2026 » — {framework(ANVITA).title}, {framework(PACTE).title}"
    assert subject in re.sub(r"<[^>]+>", "", html)
    # The bulletins to sign follow the letter, one per framework, with their items.
    assert html.count('class="bulletin"') == 2
    assert framework(PACTE).items.order_by("position").first().title in html
    assert "Ci-joint les 2 bulletins d’engagement, à nous retourner signés." in html


def test_a_list_without_an_address_is_pointed_out(target, first, member):
    html = unescape(
        browser(member).get(target.get_absolute_url() + f"lettre/?liste={first.pk}").content.decode()
    )
    assert "Aucune adresse postale n’est enregistrée pour cette liste" in html
    assert "La lettre ne donne pas encore d’adresse de réponse." in html
    address = html.split('class="address">', 1)[1].split("</p>", 1)[0]
    assert "Marie Curie" in address and "place du Caquet" not in address


def test_the_letter_to_the_municipality_goes_to_the_town_hall(coordinator, group, member):
    campaign = make_campaign(coordinator, title="Mi-mandat", kind=Campaign.Kind.MID_MANDATE)
    target = take_on(campaign, group=group, user=member)
    html = unescape(browser(member).get(target.get_absolute_url() + "lettre/").content.decode())
    address = html.split('class="address">', 1)[1].split("</p>", 1)[0]
    assert "Madame la Maire ou Monsieur le Maire de Saint-Denis" in address and "2 place du Caquet" in address


def test_the_pdf_holds_the_letter_then_the_bulletins(target, first, contact, member):
    response = browser(member).get(target.get_absolute_url() + f"lettre.pdf?liste={first.pk}")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert pdf_pages(response.content) >= 3  # the letter, then a bulletin per framework


def test_the_qr_code_is_drawn_inline():
    svg = qr_svg("https://hospitalite.example/signer/abc/")
    assert svg.startswith('<svg role="img"') and 'class="qr"' in svg and "<path" in svg
    assert "http" not in svg.split("<title>", 1)[0]  # nothing to fetch


def test_the_letter_is_for_its_managers_only(target, first):
    stranger = make_user("passant@example.org")
    # 404, as for a commune the campaign does not have (tests/test_not_found_for_hidden.py).
    assert browser(stranger).get(target.get_absolute_url() + "lettre/").status_code == 404
    assert browser(stranger).get(target.get_absolute_url() + "lettre.pdf").status_code == 404


# The group's paragraph and contact ---------------------------------------------------------------


def test_the_group_writes_its_paragraph_and_contact(target, first, member):
    client = browser(member)
    page = client.get(target.get_absolute_url()).content.decode()
    assert 'value="member@example.org"' in page  # pre-filled with the member's own, until saved
    response = client.post(
        target.get_absolute_url() + "lettre/reglages/",
        {
            "letter_paragraph": "  Une permanence chaque samedi.  ",
            "contact_name": "Nadia  Benali",
            "contact_email": "contact@accueil.example",
            "contact_phone": "",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#lettre")
    assert messages_of(response) == ["Le paragraphe et le contact de la lettre sont enregistrés."]
    target = Target.objects.get(pk=target.pk)
    assert target.letter_paragraph == "Une permanence chaque samedi."
    assert target.contact_name == "Nadia Benali" and target.contact_email == "contact@accueil.example"
    assert target.history.first().contact_email == "contact@accueil.example"
    response = client.post(
        target.get_absolute_url() + "lettre/reglages/", {"contact_email": "pas-une-adresse"}
    )
    assert any("Saisissez une adresse de courriel valide." in message for message in messages_of(response))
    assert Target.objects.get(pk=target.pk).contact_email == "contact@accueil.example"


def test_the_list_form_takes_the_head_of_lists_address(target, first, member):
    response = browser(member).post(
        target.get_absolute_url() + f"listes/{first.pk}/modifier/",
        {
            "name": first.name,
            "head_name": first.head_name,
            "email": first.email,
            "address": "1 rue Haute\n93200 Saint-Denis",
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.address == "1 rue Haute\n93200 Saint-Denis"


# The kit emailed -----------------------------------------------------------------------------------


def test_the_kit_is_emailed_with_the_pdf_and_a_link_per_framework(
    settings, target, addressed, contact, member, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE_TASKS
    client = browser(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            target.get_absolute_url() + "lettre/envoi/",
            {"candidate_list": addressed.pk, "email": "tete@example.org"},
        )
    assert response["Location"].endswith("#lettre")
    assert messages_of(response) == [
        "La lettre est envoyée à tete@example.org, avec les bulletins et leurs liens de signature."
    ]
    [message] = mail.outbox
    assert message.to == ["tete@example.org"]
    assert message.reply_to == ["contact@accueil-saint-denis.example"]
    assert "Lettre et bulletins d’engagement — Saint-Denis" in message.subject
    assert message.body.startswith("Bonjour Marie Curie,")
    [(name, pdf, mimetype)] = message.attachments
    assert name == "lettre-93066.pdf" and mimetype == "application/pdf" and pdf.startswith(b"%PDF")
    assert pdf_pages(pdf) >= 3
    links = re.findall(r"http://testserver/signer/([A-Za-z0-9_-]+)/", message.body)
    assert len(links) == 2
    invitations = {services.invitation_get(token).framework.slug for token in links}
    assert invitations == {PACTE, ANVITA}  # the tokens are those of the email, not the first ones
    assert SignatureInvitation.objects.filter(target=target, candidate_list=addressed).count() == 2
    step = target.steps.get(kind=Step.Kind.EMAIL)
    assert step.candidate_list == addressed and "tete@example.org" in step.notes


def test_the_kit_carries_the_qr_codes_of_the_links(target, first):
    context = services.letter_context(
        target=target, candidate_list=first, links={framework(PACTE).pk: f"{SITE}/signer/xyz/"}
    )
    pacte = next(bulletin for bulletin in context["bulletins"] if bulletin.framework.slug == PACTE)
    anvita = next(bulletin for bulletin in context["bulletins"] if bulletin.framework.slug == ANVITA)
    assert pacte.url == f"{SITE}/signer/xyz/" and pacte.qr.startswith("<svg")
    assert anvita.url == "" and anvita.qr == ""
    # The PDF draws the inline SVG: nothing fetched (pdf.py refuses every request).
    assert services.letter_pdf(
        target=target, candidate_list=first, links={framework(PACTE).pk: SITE}
    ).startswith(b"%PDF")


def test_the_kit_invites_only_to_what_the_list_has_not_signed(target, first, member):
    paper(target, "A", candidate_list=first)
    invitations = kit(target, first, member)
    assert [invitation.framework.slug for invitation in invitations] == [ANVITA]
    paper(target, candidate_list=first, slug=ANVITA)
    with refused("This list has signed every framework of the campaign."):
        kit(target, first, member)


def test_a_new_kit_replaces_the_pending_links(target, first, member):
    old = kit(target, first, member)
    kit(target, first, member, email="autre@example.org")
    assert all(SignatureInvitation.objects.get(pk=invitation.pk).cancelled_at for invitation in old)
    assert SignatureInvitation.objects.filter(cancelled_at__isnull=True).count() == 2


def test_the_kit_is_refused_for_another_communes_list(campaign, target, first, member, coordinator):
    other = add_list(take_on(campaign, "01001", user=coordinator), name="Ailleurs", head_name="Jean Moulin")
    with refused("This list is not one of this commune's."):
        kit(target, other, member)


def test_the_kit_is_refused_when_the_campaign_is_closed(campaign, target, first, member):
    campaign.is_open = False
    campaign.save()
    with refused("This campaign is closed."):
        kit(target, first, member)


# Reply-To ---------------------------------------------------------------------------------------------


def test_a_signature_invitation_answers_the_groups_contact(
    settings, target, first, contact, member, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_send(
            target=target,
            framework=framework(),
            email="tete@example.org",
            sent_by=member,
            candidate_list=first,
        )
    [message] = mail.outbox
    assert message.reply_to == ["contact@accueil-saint-denis.example"]
    assert "Pour répondre au groupe, répondez à cet e-mail." in message.body


def test_without_a_contact_the_answer_goes_to_the_sender(
    settings, target, first, member, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_send(
            target=target,
            framework=framework(),
            email="tete@example.org",
            sent_by=member,
            candidate_list=first,
        )
    assert mail.outbox[0].reply_to == ["member@example.org"]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_kit_email_has_no_empty_placeholder(
    settings, target, first, member, language, django_capture_on_commit_callbacks
):
    from tests.test_emails import problems

    settings.TASKS = IMMEDIATE_TASKS
    settings.LANGUAGE_CODE = language
    with django_capture_on_commit_callbacks(execute=True):
        kit(target, first, member)
    [message] = mail.outbox
    assert not problems(message), message.body
    assert ("Pour répondre au groupe" if language == "fr" else "To answer the group") in message.body
