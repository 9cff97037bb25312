"""Writing to a group's coordinators: signed in only (the answer goes to a verified
address), by email through the task queue with the sender's address as Reply-To (shown
on no page), checked (one-line subject, length), rate-limited per user and IP."""

import re

import pytest
from django.core import mail

from actors import joining, services
from actors.models import Membership, Organization
from tests.support import browser, make_group, make_user, messages_of

pytestmark = pytest.mark.django_db

MESSAGE = "Bonjour, je voudrais aider aux permanences du samedi matin."


def html(response):
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def fatou():
    return make_user("fatou@example.org", display_name="Fatou Diallo")


@pytest.fixture
def group(fatou):
    group = make_group("Accueil Saint-Denis", coordinator=fatou)
    Membership.objects.create(
        user=make_user("awa@example.org", display_name="Awa", language="en"),
        organization=group,
        role=Membership.Role.COORDINATOR,
    )
    Membership.objects.create(user=make_user("plain-member@example.org"), organization=group)
    return group


@pytest.fixture
def karim():
    return make_user("karim@example.org", display_name="Karim Benali")


def contact_url(group):
    return f"/organisations/{group.slug}/ecrire/"


def test_a_message_reaches_each_coordinator_with_the_sender_as_reply_to(group, karim):
    client = browser(karim)
    page = html(client.get(contact_url(group)))
    assert "<h1>Écrire à Accueil Saint-Denis</h1>" in page
    assert "votre adresse n’est jamais affichée sur le site" in page
    assert "karim@example.org" not in page

    response = client.post(contact_url(group), {"subject": "Permanences", "message": MESSAGE})

    assert response["Location"] == group.get_absolute_url()
    assert messages_of(response) == [
        "Votre message a été envoyé à la coordination de Accueil Saint-Denis, qui vous répondra par e-mail."
    ]
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == ["awa@example.org", "fatou@example.org"]  # not the plain member
    french = by_address["fatou@example.org"]
    assert french.reply_to == ["karim@example.org"]
    assert french.subject == "[Hospitalité] Message pour Accueil Saint-Denis : Permanences"
    assert "Karim Benali écrit à la coordination de « Accueil Saint-Denis » via Hospitalité :" in french.body
    assert MESSAGE in french.body
    assert "karim@example.org" not in french.body
    english = by_address["awa@example.org"]
    assert english.subject == "[Hospitalité] Message for Accueil Saint-Denis: Permanences"
    assert english.reply_to == ["karim@example.org"]
    # The address shows on no page, the group's included.
    assert "karim@example.org" not in html(client.get(group.get_absolute_url()))


def test_line_breaks_in_the_subject_and_short_messages_are_refused(group, karim):
    client = browser(karim)
    response = client.post(
        contact_url(group), {"subject": "Bonjour\r\nBcc: spam@example.org", "message": "Trop court"}
    )
    page = html(response)
    assert response.status_code == 200
    assert "Ce champ doit tenir sur une seule ligne." in page
    assert "Assurez-vous que cette valeur comporte au moins 20 caractères" in page
    assert mail.outbox == []
    with pytest.raises(services.ActorsError, match="^Donnez un objet à votre message.$"):
        joining.contact_send(organization=group, sender=karim, subject="  ", message=MESSAGE)
    with pytest.raises(services.ActorsError, match="entre 20 et 3000 caractères"):
        joining.contact_send(organization=group, sender=karim, subject="Objet", message="x" * 3001)


def test_the_service_keeps_a_subject_on_one_line(group, karim):
    joining.contact_send(organization=group, sender=karim, subject="Un\nobjet", message=MESSAGE)
    assert {message.subject for message in mail.outbox} == {
        "[Hospitalité] Message pour Accueil Saint-Denis : Un objet",
        "[Hospitalité] Message for Accueil Saint-Denis: Un objet",
    }


def test_messages_are_rate_limited(group, karim):
    client = browser(karim)
    for number in range(5):
        response = client.post(contact_url(group), {"subject": f"Message {number}", "message": MESSAGE})
        assert response.status_code == 302
    mail.outbox.clear()
    response = client.post(contact_url(group), {"subject": "Encore", "message": MESSAGE})
    assert response.status_code == 200
    assert "Trop de messages envoyés : réessayez dans une heure." in html(response)
    assert mail.outbox == []


def test_who_may_write(group, fatou):
    response = browser().get(contact_url(group))
    assert response.status_code == 302 and response["Location"].startswith("/compte/login/")
    assert browser(fatou).get(contact_url(group)).status_code == 403  # a coordinator
    member = Membership.objects.get(organization=group, role=Membership.Role.MEMBER).user
    assert browser(member).get(contact_url(group)).status_code == 200
    pending = make_group("Collectif en attente", status=Organization.Status.PENDING)
    outsider = browser(make_user("zoe@example.org"))
    assert outsider.get(contact_url(pending)).status_code == 404
    assert outsider.get("/organisations/egm/ecrire/").status_code == 403  # a national partner
    with pytest.raises(services.ActorsError, match="^Seul un groupe local validé"):
        joining.contact_send(organization=pending, sender=fatou, subject="Objet", message=MESSAGE)
