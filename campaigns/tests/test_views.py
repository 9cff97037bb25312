"""The pages of campaigns: who sees what, the forms and their French errors, letters,
exports, filters, the map data, the history."""

import csv
import io
import json
import re
from datetime import timedelta
from html import unescape

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.translation import ngettext

from actors.models import MunicipalContact
from campaigns import services
from campaigns.models import Campaign, CandidateList, Step, Target
from commitments.models import Commitment, CommitmentItem, MandateCommitment
from territories.models import Commune
from tests.support import browser, make_group, make_partner_coordinator, make_user, messages_of

from .helpers import (
    ANVITA,
    PACTE,
    PDF_BYTES,
    add_list,
    fr,
    framework,
    item,
    make_campaign,
    paper,
    partner,
    status_of,
    take_on,
    today,
)

pytestmark = pytest.mark.django_db

REQUIRED = "Ce champ est obligatoire."


@pytest.fixture
def stranger():
    """A member of another validated group: may take on communes, not manage ours."""
    user = make_user("stranger@example.org")
    make_group("Accueil La Réunion", commune="97411", coordinator=user)
    return user


def codes_in(response):
    """The INSEE codes of the communes listed in a campaign page's table, in order."""
    table = response.content.decode().split('id="communes"', 1)[1]
    return re.findall(r'/communes/([0-9][0-9AB][0-9]{3})/"', table)


def html_of(response):
    return response.content.decode()


# Campaigns -------------------------------------------------------------------------------


def test_campaign_list(campaign, target, first, coordinator, member):
    paper(target, "A", candidate_list=first)
    make_campaign(coordinator, title="Mi-mandat 2029", kind=Campaign.Kind.MID_MANDATE, is_open=False)
    response = browser().get("/campagnes/")
    assert response.status_code == 200
    html = html_of(response)
    assert html.index("Municipales 2026") < html.index("Mi-mandat 2029")  # open ones first
    assert "/campagnes/nouvelle/" not in html
    assert "/campagnes/nouvelle/" not in html_of(browser(member).get("/campagnes/"))
    assert "/campagnes/nouvelle/" in html_of(browser(coordinator).get("/campagnes/"))


def test_campaign_create_is_for_partner_coordinators(member):
    assert browser().get("/campagnes/nouvelle/").status_code == 302
    assert browser(member).get("/campagnes/nouvelle/").status_code == 403
    assert browser(member).post("/campagnes/nouvelle/", {"title": "x"}).status_code == 403
    assert not Campaign.objects.exists()


def test_campaign_create_form(coordinator):
    client = browser(coordinator)
    response = client.get("/campagnes/nouvelle/")
    assert response.status_code == 200
    assert "{lien_referentiel}" in html_of(response)  # the default letter is offered
    response = client.post("/campagnes/nouvelle/", {"title": ""})  # a browser always posts something
    assert response.status_code == 200
    html = html_of(response)
    assert html.count(REQUIRED) == 6  # title, kind, frameworks, organisers, mandate start and end
    base = {
        "title": "Municipales 2026",
        "kind": "election",
        "frameworks": [framework().pk],
        "organizers": [partner().pk],
        "mandate_start": 2026,
        "mandate_end": 2032,
        "is_open": "on",
    }
    response = client.post(
        "/campagnes/nouvelle/",
        {**base, "first_round": "2026-03-22", "second_round": "2026-03-15", "mandate_end": 2020},
    )
    html = html_of(response)
    assert fr("The second round comes after the first.") in html
    assert fr("The mandate ends after it starts.") in html
    response = client.post("/campagnes/nouvelle/", {**base, "first_round": "hier", "mandate_start": 1900})
    html = html_of(response)
    assert "Saisissez une date valide." in html
    assert "Assurez-vous que cette valeur est supérieure ou égale à 2000." in html
    response = client.post("/campagnes/nouvelle/", {**base, "letter_template": "Bonjour {maire}"})
    assert response.status_code == 200
    assert 'class="errors"' in html_of(response) and "{maire}" in html_of(response)
    assert not Campaign.objects.exists()
    response = client.post("/campagnes/nouvelle/", {**base, "letter_template": ""})
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert response["Location"] == campaign.get_absolute_url() == "/campagnes/municipales-2026/"
    assert messages_of(response) == [fr("The campaign is created.")]
    assert campaign.letter_template == services.default_letter_text()


def test_campaign_edit(campaign, target, first, coordinator, member):
    url = campaign.get_absolute_url() + "modifier/"
    assert browser(member).get(url).status_code == 403
    assert browser(make_partner_coordinator("egm@example.org", partner="egm")).get(url).status_code == 403
    client = browser(coordinator)
    response = client.get(url)
    assert response.status_code == 200
    html = html_of(response)
    assert 'value="Municipales 2026"' in html and 'value="2026-03-15"' in html
    assert 'name="kind"' not in html  # the kind does not change
    paper(target, "1", candidate_list=first, slug=ANVITA)
    data = {
        "title": "Municipales 2026",
        "frameworks": [framework().pk],
        "organizers": [partner().pk],
        "first_round": "2026-03-15",
        "mandate_start": 2026,
        "mandate_end": 2032,
        "letter_template": "",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert fr("A framework that already has signatures in this campaign cannot be removed.") in html_of(
        response
    )
    response = client.post(
        url, {**data, "frameworks": [framework().pk, framework(ANVITA).pk], "description": "Texte"}
    )
    assert response.status_code == 302
    assert messages_of(response) == ["Modifications enregistrées."]
    campaign.refresh_from_db()
    assert campaign.description == "Texte"
    assert not campaign.is_open  # the box was not ticked
    assert campaign.letter_template == services.default_letter_text()


def test_campaign_page_buttons(campaign, coordinator, member, group):
    url = campaign.get_absolute_url()
    take_on_url = url + "suivre/"
    anonymous = html_of(browser().get(url))
    assert take_on_url not in anonymous and "modifier/" not in anonymous and "import/" not in anonymous
    html = html_of(browser(member).get(url))
    assert take_on_url in html and "modifier/" not in html
    html = html_of(browser(coordinator).get(url))
    assert take_on_url in html and url + "modifier/" in html and url + "import/" in html
    assert take_on_url not in html_of(browser(make_user("lonely@example.org")).get(url))
    # Closed: nobody takes on a commune any more.
    campaign.is_open = False
    campaign.save()
    assert take_on_url not in html_of(browser(member).get(url))
    assert take_on_url not in html_of(browser(coordinator).get(url))
    assert browser(member).get(take_on_url).status_code == 403
    assert browser(member).post(take_on_url, {"commune": "93066", "group": group.pk}).status_code == 403
    assert not Target.objects.exists()


def test_a_hidden_group_no_longer_takes_on_nor_manages(campaign, target, first, member, group):
    group.hidden_at = timezone.now()
    group.save()
    client = browser(member)
    assert campaign.get_absolute_url() + "suivre/" not in html_of(client.get(campaign.get_absolute_url()))
    assert client.get(campaign.get_absolute_url() + "suivre/").status_code == 403
    html = html_of(client.get(target.get_absolute_url()))
    assert "tete@example.org" not in html  # the public page only
    assert (
        client.post(target.get_absolute_url() + "listes/", {"name": "x", "head_name": "y"}).status_code == 403
    )


def test_unknown_pages_are_404(campaign, target):
    client = browser()
    assert client.get("/campagnes/inconnue/").status_code == 404
    assert client.get("/campagnes/inconnue/carte.json").status_code == 404
    assert client.get(campaign.get_absolute_url() + "communes/97411/").status_code == 404
    assert client.get("/signer/abc/").status_code == 404
    assert client.get("/retrait/abc/").status_code == 404


# Taking on a commune ----------------------------------------------------------------------


def test_take_on_form(campaign, member, group):
    client = browser(member)
    url = campaign.get_absolute_url() + "suivre/"
    response = client.get(url + "?commune=93066")
    assert response.status_code == 200
    assert 'value="Saint-Denis (93 · Seine-Saint-Denis)"' in html_of(response)
    response = client.post(url, {"commune": "Saint-Denis", "group": group.pk})
    assert response.status_code == 200
    html = html_of(response)
    assert "Plusieurs communes correspondent" in html
    assert "Saint-Denis (93 · Seine-Saint-Denis)" in html and "Saint-Denis (974 · La Réunion)" in html
    response = client.post(url, {"commune": "Zzyzx", "group": group.pk})
    assert "Aucune commune ne correspond à «\u00a0Zzyzx\u00a0». Vérifiez" in html_of(response)
    response = client.post(url, {"commune": "", "group": ""})
    assert html_of(response).count(REQUIRED) == 2
    other = make_group("Pas le mien", coordinator=make_user("other@example.org"))
    response = client.post(url, {"commune": "93066", "group": other.pk})
    assert "Sélectionnez un choix valide." in html_of(response)
    response = client.post(url, {"commune": "75101", "group": group.pk})
    assert "est un arrondissement municipal : choisissez sa ville, Paris" in html_of(response)
    assert not Target.objects.exists()
    response = client.post(url, {"commune": "Saint-Denis 974", "group": group.pk})
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.commune.code, target.group) == ("97411", group)
    assert response["Location"] == target.get_absolute_url()
    assert messages_of(response) == [fr("You follow this commune in the campaign.")]
    # Another group is sent to the first one.
    response = browser(other.created_by).post(url, {"commune": "97411", "group": other.pk})
    assert response.status_code == 200
    assert fr(
        "%(group)s already follows this commune in this campaign: contact them to work together.",
        group="Accueil Saint-Denis",
    ) in html_of(response)


def test_take_on_by_a_coordinator_without_group(campaign, coordinator):
    client = browser(coordinator)
    url = campaign.get_absolute_url() + "suivre/"
    response = client.get(url)
    assert fr("No group") in html_of(response)
    response = client.post(url, {"commune": "93066", "group": ""})
    assert response.status_code == 302
    assert Target.objects.get().group is None


# The target page and its forms ----------------------------------------------------------------


def test_target_page_public_and_private_parts(campaign, target, first, member, stranger, coordinator):
    services.step_add(
        target=target, kind=Step.Kind.MEETING, date=today(), notes="Notes privées", candidate_list=first
    )
    paper(target, "A", "07", candidate_list=first)
    url = target.get_absolute_url()
    for user in (None, stranger):
        response = browser(user).get(url)
        assert response.status_code == 200
        html = html_of(response)
        assert "Saint-Denis Ensemble" in html and "Marie Curie" in html
        assert item("07").title in html
        assert "tete@example.org" not in html and "Notes privées" not in html
        assert "historique/" not in html and "bulletin-papier/" not in html
    for user in (member, coordinator):
        html = html_of(browser(user).get(url))
        assert "tete@example.org" in html and "Notes privées" in html
        assert url + "historique/" in html and url + "bulletin-papier/" in html and url + "lettre/" in html


def test_managing_pages_are_refused_to_strangers(target, first, stranger):
    url = target.get_absolute_url()
    commitment = paper(target, "A", candidate_list=first)
    step = services.step_add(target=target, kind=Step.Kind.LETTER, date=today())
    client = browser(stranger)
    for path in (
        "historique/",
        "lettre/",
        "lettre.pdf",
        "bulletin-papier/",
        "deliberation/",
        f"listes/{first.pk}/modifier/",
        f"bulletins/{commitment.pk}.pdf",
    ):
        # The history, the letter and the signed bulletins are its managers' only: 404, as
        # for a missing commune.
        hidden = path in ("historique/", "lettre/", "lettre.pdf", f"bulletins/{commitment.pk}.pdf")
        assert client.get(url + path).status_code == (404 if hidden else 403), path
        assert browser().get(url + path).status_code == 302, path  # to log in
    for path in (
        "listes/",
        f"listes/{first.pk}/supprimer/",
        "journal/",
        f"journal/{step.pk}/supprimer/",
        "resultat/",
        "invitations/",
    ):
        assert client.post(url + path, {"name": "x", "head_name": "y"}).status_code == 403, path
    assert CandidateList.objects.count() == 1 and Step.objects.count() == 1


def test_list_add_view(target, first, member):
    client = browser(member)
    url = target.get_absolute_url() + "listes/"
    response = client.post(url, {"name": "", "head_name": "Louise Michel", "email": "pas-une-adresse"})
    assert response.status_code == 302 and response["Location"].endswith("#listes")
    errors = messages_of(response)
    assert any(REQUIRED in text for text in errors)
    assert any("Saisissez une adresse de courriel valide." in text for text in errors)
    response = client.post(url, {"name": "saint-denis ENSEMBLE", "head_name": "Louise Michel"})
    assert messages_of(response)[-1] == fr("This commune already has a list with this name.")
    response = client.post(
        url, {"name": "Autre liste", "head_name": "Louise Michel", "political_label": "DVG"}
    )
    assert messages_of(response)[-1] == fr("The list is added.")
    assert list(target.lists.values_list("name", flat=True)) == ["Autre liste", "Saint-Denis Ensemble"]


def test_list_add_view_in_a_mid_mandate_campaign(coordinator, member, group):
    campaign = make_campaign(coordinator, title="Mi-mandat", kind=Campaign.Kind.MID_MANDATE)
    target = take_on(campaign, group=group, user=member)
    response = browser(member).post(
        target.get_absolute_url() + "listes/", {"name": "Liste", "head_name": "Tête"}
    )
    assert messages_of(response) == [fr("A mid-mandate campaign addresses the municipality, not lists.")]
    assert not CandidateList.objects.exists()
    html = html_of(browser(member).get(target.get_absolute_url()))
    assert 'action="%slistes/"' % target.get_absolute_url() not in html


def test_list_edit_view(campaign, target, first, member):
    add_list(target, name="Autre liste", head_name="Louise Michel")
    client = browser(member)
    url = target.get_absolute_url() + f"listes/{first.pk}/modifier/"
    response = client.get(url)
    assert response.status_code == 200
    html = html_of(response)
    assert 'value="Saint-Denis Ensemble"' in html and 'value="tete@example.org"' in html
    response = client.post(url, {"name": "AUTRE LISTE", "head_name": "Marie Curie"})
    assert response.status_code == 200
    assert fr("This commune already has a list with this name.") in html_of(response)
    response = client.post(url, {"name": "Nouveau nom", "head_name": "", "email": "x"})
    assert html_of(response).count(REQUIRED) == 1
    assert "Saisissez une adresse de courriel valide." in html_of(response)
    response = client.post(
        url, {"name": "Nouveau nom", "head_name": "Marie Curie", "email": "marie@example.org"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#listes")
    first.refresh_from_db()
    assert (first.name, first.email) == ("Nouveau nom", "marie@example.org")
    # A list of another commune is not found here.
    other = add_list(take_on(campaign, "97411", group=target.group, user=member), name="Liste de La Réunion")
    assert client.get(target.get_absolute_url() + f"listes/{other.pk}/modifier/").status_code == 404
    assert client.post(target.get_absolute_url() + f"listes/{other.pk}/supprimer/").status_code == 404


def test_list_delete_view(target, first, member):
    second = add_list(target, name="Autre liste", head_name="Louise Michel")
    client = browser(member)
    response = client.post(target.get_absolute_url() + f"listes/{second.pk}/supprimer/")
    assert messages_of(response) == [fr("The list is removed.")]
    paper(target, "A", candidate_list=first)
    html = html_of(client.get(target.get_absolute_url()))
    assert f"listes/{first.pk}/supprimer/" not in html  # no button once signed
    response = client.post(target.get_absolute_url() + f"listes/{first.pk}/supprimer/")
    assert messages_of(response)[-1] == fr(
        "This list has signed a bulletin: it stays on record (it can withdraw)."
    )
    assert list(target.lists.all()) == [first]


def test_step_views(target, first, member):
    client = browser(member)
    url = target.get_absolute_url() + "journal/"
    tomorrow = (today() + timedelta(days=1)).isoformat()
    response = client.post(url, {"kind": "letter", "date": tomorrow})
    assert response.status_code == 302 and response["Location"].endswith("#journal")
    assert any(fr("A step of the log cannot be in the future.") in text for text in messages_of(response))
    response = client.post(url, {"kind": "pigeon", "date": "hier"})
    errors = messages_of(response)
    assert any("Sélectionnez un choix valide." in text for text in errors)
    assert any("Saisissez une date valide." in text for text in errors)
    assert not Step.objects.exists()
    response = client.post(
        url,
        {"kind": "refusal", "date": today().isoformat(), "candidate_list": first.pk, "notes": "Non merci"},
    )
    assert messages_of(response)[-1] == fr("The step is added to the log.")
    step = Step.objects.get()
    assert (step.kind, step.candidate_list, step.notes, step.created_by) == (
        "refusal",
        first,
        "Non merci",
        member,
    )
    assert status_of(target) == Target.Status.REFUSED
    assert "Non merci" in html_of(client.get(target.get_absolute_url()))
    response = client.post(target.get_absolute_url() + f"journal/{step.pk}/supprimer/")
    assert messages_of(response)[-1] == fr("The step is removed from the log.")
    assert not Step.objects.exists()
    assert status_of(target) == Target.Status.NOT_INTERPELLATED


def test_letter_print_view_and_pdf(target, first, member):
    """One letter per list, about every framework of the campaign (test_letter_kit.py: the rest)."""
    client = browser(member)
    url = target.get_absolute_url()
    html = html_of(client.get(url))
    assert f"lettre/?liste={first.pk}" in html and f"lettre.pdf?liste={first.pk}" in html
    response = client.get(url + f"lettre/?liste={first.pk}")
    assert response.status_code == 200
    html = html_of(response)
    assert "Marie Curie" in html
    assert framework().title in unescape(html) and framework(ANVITA).title in unescape(html)
    assert "{" not in html.split('class="letter"', 1)[1].split("</div>", 1)[0]
    response = client.get(url + f"lettre.pdf?liste={first.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="lettre-93066-{first.pk}.pdf"'
    assert response.content.startswith(b"%PDF")
    assert client.get(url + "lettre/?liste=abc").status_code == 404
    assert client.get(url + "lettre/?liste=999999").status_code == 404
    assert client.get(url + "lettre/?referentiel=999999").status_code == 200  # one letter for all


def test_letter_with_a_malformed_framework_is_not_an_error(target, first, member):
    response = browser(member).get(target.get_absolute_url() + f"lettre/?referentiel=abc&liste={first.pk}")
    assert response.status_code in (200, 404)


def test_paper_view(settings, tmp_path, target, first, member):
    settings.MEDIA_ROOT = tmp_path
    client = browser(member)
    url = target.get_absolute_url() + "bulletin-papier/"
    response = client.get(url + f"?referentiel={framework(ANVITA).pk}")
    assert response.status_code == 200
    assert f'name="item_{item("1", ANVITA).pk}"' in html_of(response)
    html = html_of(client.get(url))  # by default, the first framework by title
    assert f'name="item_{item("1", ANVITA).pk}"' in html and f'name="item_{item("A").pk}"' not in html
    assert f'name="item_{item("A").pk}"' in html_of(client.get(url + f"?referentiel={framework().pk}"))
    data = {
        "candidate_list": first.pk,
        "signatory_name": "Marie Curie",
        "signatory_role": "tête de liste",
        "signed_on": today().isoformat(),
    }
    fake = SimpleUploadedFile("bulletin.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    response = client.post(
        url + f"?referentiel={framework().pk}", {**data, "scan": fake, f"item_{item('A').pk}": "on"}
    )
    assert response.status_code == 200
    assert "Ce type de fichier n’est pas accepté. Acceptés : JPG, PDF, PNG." in html_of(response)
    response = client.post(
        url + f"?referentiel={framework().pk}",
        {**data, "signed_on": (today() + timedelta(days=1)).isoformat()},
    )
    html = html_of(response)
    assert fr("The date of signature cannot be in the future.") in html
    assert fr("Choose at least one item.") in html
    assert not Commitment.objects.exists()
    scan = SimpleUploadedFile("scan.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(
        url + f"?referentiel={framework().pk}",
        {**data, "scan": scan, f"item_{item('A').pk}": "on", f"item_{item('26').pk}": "on"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#engagements")
    assert messages_of(response) == [fr("The paper bulletin is recorded.")]
    commitment = Commitment.objects.get()
    assert commitment.channel == Commitment.Channel.PAPER and commitment.created_by == member
    assert re.fullmatch(r"bulletins/[A-Za-z0-9_-]{20,}\.pdf", commitment.scan.name)
    assert (tmp_path / commitment.scan.name).read_bytes() == PDF_BYTES
    # The scan is linked for the managers only, and served to them only (never by /fichiers/).
    scan_url = target.get_absolute_url() + f"bulletins/{commitment.pk}/scan/"
    assert scan_url in html_of(client.get(target.get_absolute_url()))
    assert scan_url not in html_of(browser().get(target.get_absolute_url()))
    assert b"".join(client.get(scan_url).streaming_content) == PDF_BYTES
    assert browser(make_user("curieux@example.org")).get(scan_url).status_code == 404
    assert browser().get(f"/fichiers/{commitment.scan.name}").status_code == 404
    # Signed twice: refused.
    response = client.post(url + f"?referentiel={framework().pk}", {**data, f"item_{item('B').pk}": "on"})
    assert fr("This signatory has already signed this framework in this campaign.") in html_of(response)


def test_deliberation_view(target, member, coordinator):
    url = target.get_absolute_url() + "deliberation/"
    pacte = f"?referentiel={framework().pk}"
    contact = make_user("maire@example.org")
    MunicipalContact.objects.create(
        user=contact,
        commune=target.commune,
        role="council",
        position="maire",
        status="verified",
        method="coordinator",
    )
    pending = make_user("pending@example.org")
    MunicipalContact.objects.create(user=pending, commune=target.commune, role="council", position="maire")
    assert browser(pending).get(url).status_code == 403
    client = browser(contact)
    response = client.get(url)
    assert response.status_code == 200
    assert url in html_of(client.get(target.get_absolute_url()))  # the button on the target page
    assert "listes/" not in html_of(client.get(target.get_absolute_url()))  # but not the management
    response = client.post(url + pacte, {"reference": "", "adopted_on": "2099-01-01"})
    html = html_of(response)
    assert (
        REQUIRED in html
        and fr("The date cannot be in the future.") in html
        and fr("Choose at least one item.") in html
    )
    response = client.post(
        url + pacte,
        {"reference": "DEL-2026-045", "adopted_on": today().isoformat(), f"item_{item('A').pk}": "on"},
    )
    assert response.status_code == 302
    assert messages_of(response) == [
        fr("The deliberation is recorded: its items are the commune's commitments.")
    ]
    mandate = MandateCommitment.objects.get()
    assert mandate.commitment.deliberation_reference == "DEL-2026-045"
    assert mandate.commitment.created_by == contact


def test_mark_elected_view(target, first, member):
    paper(target, "A", candidate_list=first)
    client = browser(member)
    url = target.get_absolute_url() + "resultat/"
    response = client.post(url, {"candidate_list": first.pk})
    assert response.status_code == 302 and response["Location"].endswith("#resultat")
    with translation.override("fr"):
        expected = ngettext(
            "The elected list is recorded: %(count)s signed bulletin becomes the commune's commitment.",
            "The elected list is recorded: %(count)s signed bulletins become the commune's commitments.",
            1,
        ) % {"count": 1}
    assert messages_of(response) == [expected]
    assert MandateCommitment.objects.count() == 1
    html = html_of(client.get(target.get_absolute_url()))
    assert f'<option value="{first.pk}" selected>' in html
    response = client.post(url, {"candidate_list": 999999})
    assert any("Sélectionnez un choix valide." in text for text in messages_of(response))
    assert MandateCommitment.objects.count() == 1
    response = client.post(url, {"candidate_list": ""})
    assert messages_of(response)[-1] == fr("The result is cleared.")
    assert not MandateCommitment.objects.exists()


def test_commitment_pdf_view(target, first, member):
    commitment = paper(target, "A", "07", candidate_list=first)
    response = browser(member).get(target.get_absolute_url() + f"bulletins/{commitment.pk}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="bulletin-93066-{commitment.pk}.pdf"'
    assert response.content.startswith(b"%PDF")
    assert browser(member).get(target.get_absolute_url() + "bulletins/999999.pdf").status_code == 404


def test_history_page_shows_changes(target, first, member):
    services.list_update(
        candidate_list=first, name="Nouveau nom", head_name="Marie Curie", email="tete@example.org"
    )
    paper(target, "A", candidate_list=first)
    response = browser(member).get(target.get_absolute_url() + "historique/")
    assert response.status_code == 200
    html = html_of(response)
    # Sentences for people (core/history.py): who did what, the field's name, old and new values.
    html = html.replace("\u00a0", " ")  # French's non-breaking spaces, as plain ones
    assert "La plateforme a créé la liste « Saint-Denis Ensemble »." in html
    assert "Nom de la liste : « Nouveau nom » (auparavant « Saint-Denis Ensemble »)." in html
    assert "La plateforme a créé le bulletin signé par Marie Curie." in html
    assert "La plateforme a créé la fiche « Saint-Denis » de la campagne." in html  # taken on
    assert "Statut : " in html  # the target's status, as its label
    # target (taken on, committed), list (added, renamed), bulletin, its item
    assert html.count("<time ") == 6


def test_history_page_shows_the_committed_items(target, first, member):
    paper(target, "A", "26", candidate_list=first)
    assert CommitmentItem.history.count() == 2
    html = html_of(browser(member).get(target.get_absolute_url() + "historique/"))
    assert f"A. {item('A').title}" in html and f"26. {item('26').title}" in html


def test_import_page(campaign, coordinator, member):
    url = campaign.get_absolute_url() + "import/"
    assert browser(member).get(url).status_code == 403
    response = browser(coordinator).get(url)
    assert response.status_code == 200
    assert "code_insee" in html_of(response)
    response = browser(coordinator).get(url + "modele.csv")
    assert response.status_code == 200 and b"code_insee" in response.content


# Exports, filters, the map --------------------------------------------------------------------


@pytest.fixture
def several(campaign, target, first, member, group, coordinator):
    """93066 where a list signed (Pacte A and 07, no result), 97411 interpellated, Paris
    refused, 01001 not interpellated, 2A004 committed to the Anvita charter by its
    municipality (a council deliberation)."""
    paper(target, "A", "07", candidate_list=first)
    add_list(target, name="Autre liste", head_name="Louise Michel", email="louise@example.org")
    reunion = take_on(campaign, "97411", user=coordinator)
    services.step_add(target=reunion, kind=Step.Kind.LETTER, date=today())
    paris = take_on(campaign, "75056", group=group, user=member)
    services.step_add(target=paris, kind=Step.Kind.REFUSAL, date=today())
    take_on(campaign, "01001", user=coordinator)
    corse = take_on(
        campaign,
        Commune.objects.filter(department__code="2A").order_by("code").values_list("code", flat=True)[0],
        user=coordinator,
    )
    services.deliberation_record(
        target=corse,
        framework=framework(ANVITA),
        choices=[(item("1", ANVITA), None, "")],
        reference="DEL-1",
        adopted_on=today(),
    )
    return {target.commune.code: target for target in Target.objects.select_related("commune")}


def test_export_csv(campaign, several):
    response = browser().get(campaign.get_absolute_url() + "export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="municipales-2026.csv"'
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("\ufeff")  # spreadsheet software then reads UTF-8
    text = text[1:]
    assert "@" not in text  # never the contact emails
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))  # as the import's template
    assert list(rows[0]) == [
        "code_insee",
        "commune",
        "departement",
        "region",
        "statut",
        "groupe_local",
        "liste",
        "tete_de_liste",
        "etiquette",
        "elue",
        "referentiel",
        "signataire",
        "qualite",
        "date_signature",
        "engagements",
        "intitules_engagements",
        "engagements_nationaux",
        "reponse",
        "date_refus",
        "motif_refus",
        "niveau_07",  # a level column per item that has levels (no comment column: no comment)
    ]
    saint_denis = [row for row in rows if row["code_insee"] == "93066"]
    assert [(row["liste"], row["referentiel"], row["engagements"]) for row in saint_denis] == [
        ("Autre liste", "", ""),
        ("Saint-Denis Ensemble", PACTE, "A;07"),
    ]
    signed = saint_denis[1]
    assert (signed["signataire"], signed["qualite"], signed["date_signature"], signed["elue"]) == (
        "Marie Curie",
        "tête de liste",
        today().isoformat(),
        "non",
    )
    assert (
        signed["statut"] == str(Target.Status.LIST_SIGNED.label)
        and signed["groupe_local"] == "Accueil Saint-Denis"
    )
    assert signed["region"] == "Île-de-France" and signed["departement"] == "93"
    assert {row["code_insee"] for row in rows} == set(several)
    corse = next(row for row in rows if row["departement"] == "2A")
    assert (corse["liste"], corse["referentiel"], corse["engagements"]) == ("", ANVITA, "1")
    paris = next(row for row in rows if row["code_insee"] == "75056")
    assert paris["statut"] == str(Target.Status.REFUSED.label) and paris["referentiel"] == ""
    assert paris["date_refus"] == today().isoformat()  # the municipality's refusal
    # With the page's filters.
    response = browser().get(campaign.get_absolute_url() + "export.csv?departement=974")
    rows = list(
        csv.DictReader(
            io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff")), delimiter=";"
        )
    )
    assert [row["code_insee"] for row in rows] == ["97411"]


def test_export_xlsx(campaign, several):
    response = browser().get(campaign.get_absolute_url() + "export.xlsx?referentiel=" + PACTE)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("code_insee", "commune", "departement")
    assert {row[0] for row in rows[1:]} == {"93066"}
    assert not any("@" in str(cell) for row in rows for cell in row if cell)


def test_campaign_page_filters(campaign, several):
    client = browser()
    url = campaign.get_absolute_url()
    corse = next(code for code in several if code.startswith("2A"))
    response = client.get(url)
    assert response.status_code == 200
    assert sorted(codes_in(response)) == sorted(several)
    assert codes_in(client.get(url + "?statut=committed")) == [corse]
    assert codes_in(client.get(url + "?statut=list_signed")) == ["93066"]
    assert codes_in(client.get(url + "?statut=refused")) == ["75056"]
    assert codes_in(client.get(url + "?statut=not_interpellated")) == ["01001"]
    assert sorted(codes_in(client.get(url + "?statut=nimportequoi"))) == sorted(several)  # ignored
    assert codes_in(client.get(url + "?referentiel=" + ANVITA)) == [corse]
    response = client.get(url + f"?referentiel={PACTE}&engagement=07")
    assert codes_in(response) == ["93066"]
    assert '<option value="07" selected>' in html_of(response)
    assert codes_in(client.get(url + f"?referentiel={PACTE}&engagement=26")) == []
    assert fr("No commune matches these filters.") in html_of(
        client.get(url + f"?referentiel={PACTE}&engagement=26")
    )
    assert sorted(codes_in(client.get(url + "?engagement=26"))) == sorted(several)  # no framework: ignored
    assert codes_in(client.get(url + "?departement=974")) == ["97411"]
    assert codes_in(client.get(url + "?departement=2a")) == [corse]
    assert sorted(codes_in(client.get(url + "?departement=<script>"))) == sorted(several)
    assert sorted(codes_in(client.get(url + "?q=saint-denis"))) == ["93066", "97411"]
    assert codes_in(client.get(url + "?q=par")) == ["75056"]
    assert codes_in(client.get(url + "?q=saint+denis&departement=93&statut=list_signed")) == ["93066"]
    # The export links keep the filters.
    html = html_of(client.get(url + "?statut=committed&departement=93"))
    assert "export.csv?statut=committed&amp;departement=93" in html


def test_campaign_page_paginates(campaign, coordinator):
    communes = Commune.objects.filter(kind=Commune.Kind.COMMUNE, is_active=True).order_by("code")[:60]
    Target.objects.bulk_create(
        Target(campaign=campaign, commune=commune, created_by=coordinator) for commune in communes
    )
    client = browser()
    url = campaign.get_absolute_url()
    first_page = codes_in(client.get(url))
    second_page = codes_in(client.get(url + "?page=2"))
    assert (len(first_page), len(second_page)) == (50, 10)
    assert set(first_page) | set(second_page) == {commune.code for commune in communes}
    assert codes_in(client.get(url + "?page=999")) == second_page
    assert codes_in(client.get(url + "?page=abc")) == first_page
    assert "60" in html_of(client.get(url))


def test_map_data(campaign, several):
    response = browser().get(campaign.get_absolute_url() + "carte.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "public, max-age=60"
    data = json.loads(response.content)
    assert data["statuses"] == ["not_interpellated", "interpellated", "list_signed", "committed", "refused"]
    points = {point[3]: point for point in data["points"]}
    assert set(points) == set(several)
    lon, lat, status, code, name = points["93066"]
    assert isinstance(lon, float) and isinstance(lat, float) and 48 < lat < 49 and 2 < lon < 3
    assert data["statuses"][status] == "list_signed" and name == "Saint-Denis"
    assert data["statuses"][points["75056"][2]] == "refused"
    assert data["statuses"][points["01001"][2]] == "not_interpellated"
    assert all(len(point) == 5 and round(point[0], 4) == point[0] for point in data["points"])
