"""Every email the platform sends, as its reader gets it, in French and in English: each
template is rendered through the flow that sends it, with a marker for any variable the
template asks and the context lacks, and no placeholder may come out empty ("Bonjour,
c'est  !")."""

import copy
import re

import pytest
from django.core import mail
from django.test import Client

from actors import services as actors_services
from actors.models import MunicipalContact, Organization
from moderation import services as moderation_services
from territories.models import Commune
from tests.support import make_group, make_partner_coordinator, make_user

pytestmark = pytest.mark.django_db

MISSING = "⟦missing: %s⟧"
PASSWORD = "un mot de passe assez long 42"
SITE = "http://testserver"


@pytest.fixture(autouse=True)
def marked_templates(settings):
    """A variable a template asks and its context lacks shows as a marker."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = MISSING
    settings.TEMPLATES = templates


def problems(message):
    """What is wrong in an email as sent: missing variables, empty placeholders (two
    spaces in a row, a space before a full stop or a comma, empty quotes), HTML escapes."""
    found = []
    for part, text in (("subject", message.subject), ("body", message.body)):
        found += [f"{part}: {marker}" for marker in re.findall(r"⟦missing: [^⟧]*⟧", text)]
        for line in text.splitlines():
            stripped = line.strip()
            if "  " in stripped or re.search(r"\s[.,)]|«\s*»|“\s*”|\(\s*\)", stripped):
                found.append(f"{part}: {line!r}")
        found += [
            f"{part} is HTML-escaped" for entity in ("&#x27;", "&quot;", "&amp;", "&lt;") if entity in text
        ]
    return found


def sent(language):
    messages = list(mail.outbox)
    assert messages, "no email was sent"
    for message in messages:
        assert not problems(message), (language, message.subject, problems(message), message.body)
    return messages


LANGUAGES = ["fr", "en"]


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a service as a request would: its emails leave once its transaction commits."""

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


@pytest.mark.parametrize("language", LANGUAGES)
def test_sign_up_confirmation_names_the_platform(client, settings, language):
    settings.LANGUAGE_CODE = language
    client.post(
        "/compte/signup/",
        {
            "email": "nadia@example.org",
            "display_name": "Nadia N.",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        HTTP_ACCEPT_LANGUAGE=language,
    )
    [message] = sent(language)
    assert "Hospitalité" in message.body
    assert "testserver" in message.body


@pytest.mark.parametrize("language", LANGUAGES)
def test_password_reset(client, language):
    make_user("alice@example.org", display_name="Alice Martin", language=language)
    client.post("/compte/password/reset/", {"email": "alice@example.org"})
    [message] = sent(language)
    assert "Hospitalité" in message.body


@pytest.mark.parametrize("language", LANGUAGES)
def test_group_to_validate_reviewed_and_invitation(commit, language):
    coordinator = make_partner_coordinator(
        "coord@egm.example.org", display_name="Claire EGM", language=language
    )
    founder = make_user("fatou@example.org", display_name="Fatou Diallo", language=language)
    egm = Organization.objects.get(slug="egm")
    group = commit(
        lambda: actors_services.organization_create_local_group(
            user=founder,
            name="Accueil l'Abergement",
            group_type=Organization.GroupType.OTHER,
            commune=Commune.objects.get(code="01001"),
            networks=[egm],
            site_url=SITE,
        )
    )
    [to_validate] = sent(language)
    assert to_validate.to == ["coord@egm.example.org"] and "Accueil l'Abergement" in to_validate.subject
    mail.outbox.clear()
    group = commit(
        lambda: actors_services.organization_set_status(
            organization=group, user=coordinator, validated=True, site_url=SITE
        )
    )
    [reviewed] = sent(language)
    assert reviewed.to == ["fatou@example.org"]
    mail.outbox.clear()
    commit(
        lambda: actors_services.invitation_send(
            organization=group, email="awa@example.org", role="member", invited_by=founder, site_url=SITE
        )
    )
    [invitation] = sent(language if language == "fr" else "fr")  # no account yet: the site's language
    assert "Fatou Diallo" in invitation.body


@pytest.mark.parametrize("language", LANGUAGES)
def test_contact_message_join_request_and_its_answers(commit, language):
    from actors import joining

    coordinator = make_user("fatou@example.org", display_name="Fatou Diallo", language=language)
    group = make_group("Accueil l'Abergement", commune="01001", coordinator=coordinator)
    karim = make_user("karim@example.org", display_name="Karim Benali", language=language)
    joining.contact_send(
        organization=group,
        sender=karim,
        subject="Permanences d'accueil",
        message="Bonjour, je voudrais aider le samedi.",
        site_url=SITE,
    )
    [contact] = sent(language)
    assert contact.reply_to == ["karim@example.org"] and "karim@example.org" not in contact.body
    mail.outbox.clear()
    for accept, message in ((True, "Je parle arabe."), (False, "")):
        join_request = commit(
            lambda message=message: joining.join_request_create(
                organization=group, user=karim, message=message, site_url=SITE
            )
        )
        [to_coordinator] = sent(language)
        assert to_coordinator.to == ["fatou@example.org"] and "Karim Benali" in to_coordinator.subject
        mail.outbox.clear()
        commit(
            lambda join_request=join_request, accept=accept: joining.join_request_decide(
                join_request=join_request, by=coordinator, accept=accept, site_url=SITE
            )
        )
        [answer] = sent(language)
        assert answer.to == ["karim@example.org"] and "Accueil l'Abergement" in answer.subject
        mail.outbox.clear()
        group.memberships.filter(user=karim).delete()


@pytest.mark.parametrize("language", LANGUAGES)
def test_town_hall_verification(commit, language):
    user = make_user("adjointe@example.org", display_name="Inès Adjointe", language=language)
    commune = Commune.objects.get(code="93066")
    Commune.objects.filter(pk=commune.pk).update(town_hall_email="mairie@example.org")
    commune.refresh_from_db()
    commit(
        lambda: actors_services.municipal_contact_request(
            user=user,
            commune=commune,
            role=MunicipalContact.Role.COUNCIL,
            position="Adjointe à la solidarité",
            by_town_hall_email=True,
            site_url=SITE,
        )
    )
    [message] = sent(language)
    assert message.to == ["mairie@example.org"]
    assert "Inès Adjointe" in message.body


@pytest.mark.parametrize("language", LANGUAGES)
def test_moderation_decision(commit, language):
    author = make_user("auteur@example.org", display_name="Paul Auteur", language=language)
    moderator = make_partner_coordinator("mod@egm.example.org", display_name="Modération")
    group = make_group("Collectif Fantôme", coordinator=author)
    commit(
        lambda: moderation_services.content_hide(
            content=group, moderator=moderator, reason="Inconnu du réseau", site_url=SITE
        )
    )
    [message] = sent(language)
    assert message.to == ["auteur@example.org"]
    assert "Inconnu du réseau" in message.body


def test_the_checker_finds_an_empty_placeholder():
    """The check itself: the broken greeting of the issue is caught."""
    broken = mail.EmailMessage(
        subject="[Hospitalité] Confirmez", body="Bonjour, c'est  !\nMerci d'utiliser  !"
    )
    assert problems(broken)
    fine = mail.EmailMessage(subject="[Hospitalité] Confirmez", body="Bonjour, c’est Hospitalité !")
    assert not problems(fine)


def test_a_second_browser_sees_the_invitation_sign_up_prefilled(commit):
    founder = make_user("fatou@example.org", display_name="Fatou Diallo")
    group = make_group("Accueil Saint-Denis", coordinator=founder)
    commit(
        lambda: actors_services.invitation_send(
            organization=group, email="awa@example.org", role="member", invited_by=founder, site_url=SITE
        )
    )
    path = re.search(r"http://testserver(/invitations/\S+)", mail.outbox[-1].body).group(1)
    page = Client().get(path).content.decode()
    # The invitation page's own link (the header's keeps ?next).
    signup = re.search(r'<main.*?href="(/compte/signup/[^"]+)"', page, re.S).group(1).replace("&amp;", "&")
    assert "email=awa%40example.org" in signup
    form = Client().get(signup).content.decode()
    assert 'value="awa@example.org"' in form


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_signature_invitation_to_a_commune_with_an_apostrophe(commit, language, settings):
    from campaigns import services as campaigns_services
    from campaigns.tests.helpers import PACTE, add_list, framework, make_campaign, take_on

    settings.LANGUAGE_CODE = language
    coordinator = make_partner_coordinator(
        "coord@pacte.example.org", partner=PACTE, display_name="Chloé Pacte"
    )
    group = make_group(
        "Accueil Abergement", commune="01001", coordinator=make_user("g@example.org", display_name="Gaël")
    )
    campaign = make_campaign(coordinator)
    target = take_on(campaign, "01001", group=group)
    candidate_list = add_list(target, name="L'Abergement d'abord", head_name="Jeanne D'Arc")
    mail.outbox.clear()
    commit(
        lambda: campaigns_services.invitation_send(
            target=target,
            framework=framework(PACTE),
            email="tete@example.org",
            sent_by=group.memberships.first().user,
            candidate_list=candidate_list,
            site_url=SITE,
        )
    )
    [message] = sent(language)
    assert "L'Abergement" in message.subject or "L’Abergement" in message.subject


@pytest.mark.parametrize("language", LANGUAGES)
def test_hand_offs_a_contact_verified_and_a_council_deliberation(commit, language):
    """pages/emails/: contact_verified (to the contact), contact_verified_to_others and
    deliberation_recorded (a campaign's, and one declared after the fact)."""
    from django.utils import timezone

    from campaigns import services as campaigns_services
    from campaigns.tests.helpers import ANVITA, PACTE, choices, framework, make_campaign, take_on
    from commitments import declarations
    from commitments.declarations import Committer, ProofGiven

    chloe = make_partner_coordinator("chloe@pacte.example.org", partner=PACTE, display_name="Chloé Pacte")
    fatou = make_user("fatou@example.org", display_name="Fatou Diallo", language=language)
    group = make_group("Accueil l'Abergement", commune="01001", coordinator=fatou)
    target = take_on(make_campaign(chloe, frameworks=(PACTE, ANVITA)), "01001", group=group, user=fatou)
    ines = make_user("ines@example.org", display_name="Inès Adjointe", language=language)
    request = MunicipalContact.objects.create(
        user=ines, commune=Commune.objects.get(code="01001"), role="council", position="Maire adjointe"
    )
    mail.outbox.clear()
    commit(lambda: actors_services.municipal_contact_review(contact=request, reviewer=chloe, verified=True))
    verified = sent(language)
    assert sorted(message.to[0] for message in verified) == ["fatou@example.org", "ines@example.org"]
    assert all("L'Abergement-Clémenciat" in message.subject for message in verified)
    mail.outbox.clear()
    commit(
        lambda: campaigns_services.deliberation_record(
            target=target,
            framework=framework(ANVITA),
            choices=choices("P1", slug=ANVITA),
            reference="DCM-2026-031",
            adopted_on=timezone.localdate(),
            user=fatou,
        )
    )
    in_campaign = sent(language)
    assert sorted(message.to[0] for message in in_campaign) == ["chloe@pacte.example.org", "ines@example.org"]
    assert "Fatou Diallo" in in_campaign[0].body
    mail.outbox.clear()
    commit(
        lambda: declarations.declaration_create(
            commune=Commune.objects.get(code="01001"),
            framework=framework(PACTE),
            choices=[(framework(PACTE).items.get(code="26"), None)],
            committed_on=timezone.localdate(),
            committer=Committer("council"),
            proof=ProofGiven(url="https://example.org/deliberation"),  # no reference
            user=ines,
            capacity="municipality",
        )
    )
    declared = sent(language)
    assert sorted(message.to[0] for message in declared) == ["chloe@pacte.example.org", "fatou@example.org"]
    assert "Inès Adjointe" in declared[0].body


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_request_to_take_part_in_a_follow_up_committee_and_its_answers(commit, language):
    """coconstruction/emails/committee_request (to the deciders) and committee_decision
    (to the requester: accepted, refused; a person's and an organisation's)."""
    from coconstruction.models import Committee, CommitteeOrganization
    from coconstruction.services import committees as committees_services

    saint_denis = Commune.objects.get(code="93066")
    fatou = make_user("fatou@example.org", display_name="Fatou Diallo", language=language)
    group = make_group("Accueil Saint-Denis", coordinator=fatou)
    committee = Committee.objects.create(commune=saint_denis)
    CommitteeOrganization.objects.create(committee=committee, organization=group, status="accepted")
    lea = make_user("lea@example.org", display_name="Léa Passante", language=language)
    ines = make_user("ines@example.org", display_name="Inès Asso", language=language)
    asso = make_group("L'Autre Rive", slug="autre-rive", coordinator=ines)
    mail.outbox.clear()
    person = commit(lambda: committees_services.member_request(committee=committee, user=lea, site_url=SITE))
    organization = commit(
        lambda: committees_services.organization_request(
            committee=committee, organization=asso, user=ines, site_url=SITE
        )
    )
    asked = sent(language)
    assert [message.to[0] for message in asked] == ["fatou@example.org", "fatou@example.org"]
    assert "Saint-Denis (93)" in asked[0].subject and "Léa Passante" in asked[0].body
    assert "L'Autre Rive" in asked[1].body and f"{SITE}/communes/93066/comite/" in asked[1].body
    mail.outbox.clear()
    commit(lambda: committees_services.request_decide(row=person, by=fatou, accept=False, site_url=SITE))
    commit(lambda: committees_services.request_decide(row=organization, by=fatou, accept=True, site_url=SITE))
    answered = sent(language)
    assert [message.to[0] for message in answered] == ["lea@example.org", "ines@example.org"]
    assert "L'Autre Rive" in answered[1].body
