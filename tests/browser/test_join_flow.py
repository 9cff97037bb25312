"""Citizens join a group, end to end in French: the commune page says a group already
acts there; a resident asks to join it and writes to its coordinators; the coordinator
accepts the request from the members page; the resident is told by email."""

import pytest
from playwright.sync_api import expect

from actors.models import JoinRequest, Membership
from tests.browser.helpers import email_to, link_in, log_in, submit
from tests.support import make_group, make_user

pytestmark = pytest.mark.browser


def test_a_resident_finds_the_group_of_their_commune_and_joins_it(open_browsing):
    resident, coordinator = open_browsing(), open_browsing()
    fatou = make_user("fatou@example.org", display_name="Fatou Diallo")
    group = make_group("Accueil Saint-Denis", coordinator=fatou)
    make_user("karim@example.org", display_name="Karim Benali")

    # The resident signs in, opens their commune's page: a group already acts there.
    resident.open("/compte/login/")
    log_in(resident, "karim@example.org")
    page = resident.open("/communes/93066/")
    act = page.locator('section[aria-labelledby="act-title"]')
    expect(act).to_contain_text("Un groupe agit déjà ici :")
    expect(act).to_contain_text("Accueil Saint-Denis (1 membre) — le contacter")
    expect(act.get_by_role("link", name="le contacter (Accueil Saint-Denis)")).to_be_visible()
    expect(act.get_by_role("link", name="Créer un autre groupe local dans cette commune")).to_be_visible()

    # They ask to join it, with a word for the coordinators.
    page = submit(resident, act.get_by_role("link", name="demander à le rejoindre (Accueil Saint-Denis)"))
    expect(page.locator("h1")).to_have_text("Rejoindre Accueil Saint-Denis")
    form = page.locator("main form")
    form.get_by_label("Quelques mots pour la coordination (facultatif)").fill("J’habite le quartier.")
    page = submit(resident, form.get_by_role("button", name="Envoyer ma demande"))
    expect(page.locator("h1")).to_have_text("Accueil Saint-Denis")
    expect(page.locator(".messages")).to_contain_text("La coordination de Accueil Saint-Denis vous répondra")
    expect(page.locator("main .badge-pending")).to_have_text("en attente de réponse")

    # And write to the coordinators: their address goes as Reply-To only.
    page = submit(resident, page.get_by_role("link", name="Écrire à la coordination"))
    form = page.locator("main form")
    form.get_by_label("Objet").fill("Permanences du samedi")
    form.get_by_label("Votre message").fill("Bonjour, je peux aider aux permanences du samedi matin.")
    page = submit(resident, form.get_by_role("button", name="Envoyer le message"))
    expect(page.locator(".messages")).to_contain_text("Votre message a été envoyé à la coordination")
    message = email_to("fatou@example.org", "Message pour Accueil Saint-Denis : Permanences du samedi")
    assert message.reply_to == ["karim@example.org"]

    # The coordinator follows the email's link, signs in, accepts the request.
    request_email = email_to("fatou@example.org", "Karim Benali demande à rejoindre Accueil Saint-Denis")
    coordinator.open(link_in(request_email, coordinator, f"/organisations/{group.slug}/membres/"))
    page = log_in(coordinator, "fatou@example.org")
    requests = page.locator('section[aria-labelledby="join-requests-title"]')
    expect(requests).to_contain_text("Karim Benali")
    expect(requests).to_contain_text("J’habite le quartier.")
    expect(requests).not_to_contain_text("karim@example.org")
    # As the only coordinator, Fatou is offered neither to step down nor to leave.
    expect(page.get_by_role("button", name="Quitter cette organisation")).to_have_count(0)
    page = submit(coordinator, requests.get_by_role("button", name="Accepter Karim Benali"))
    expect(page.locator(".messages")).to_contain_text("Karim Benali est maintenant membre")
    expect(page.locator("main table tbody tr")).to_have_count(2)
    expect(requests).to_contain_text("Aucune demande d’adhésion n’attend de réponse.")
    assert JoinRequest.objects.get().status == JoinRequest.Status.ACCEPTED
    assert Membership.objects.filter(organization=group, user__email="karim@example.org").exists()

    # The resident is told, and is now a member on the group's page.
    email_to("karim@example.org", "Bienvenue dans Accueil Saint-Denis")
    page = resident.open(group.get_absolute_url())
    expect(page.locator("main")).to_contain_text("Vous êtes membre de ce groupe.")
    expect(page.locator("main")).to_contain_text("2 membres")
