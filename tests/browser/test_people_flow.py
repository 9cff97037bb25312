"""People and groups, end to end in French: sign up, create a local group,
have it validated by a partner network, invite a member; report and moderate.

Several people act at once, each in a browser context of their own. The live
server runs in a thread of this process and sends its emails at once (immediate
task backend) to pytest-django's in-memory backend: they land in
django.core.mail.outbox, emptied before each test."""

import re

import pytest
from playwright.sync_api import expect

from actors.models import Membership, Organization
from moderation.models import ModerationDecision, Report
from tests.browser.helpers import email_to, link_in, log_in, submit, totp_secret
from tests.support import PASSWORD, make_group, make_partner_coordinator, make_user

pytestmark = pytest.mark.browser

# Pages --------------------------------------------------------------------------


def main_form(page):
    return page.locator("main form").filter(has=page.get_by_role("button"))


def sign_up(browsing, email, name):
    """Fill and send the sign-up form shown by the page."""
    page = browsing.page
    expect(page.locator("h1")).to_have_text("Création de compte")
    form = page.locator("main form")
    form.get_by_label("Courriel").fill(email)
    form.get_by_label(re.compile(r"^Votre nom")).fill(name)
    form.get_by_label(re.compile(r"^Mot de passe( \(obligatoire\))?$")).fill(PASSWORD)
    form.get_by_label("Mot de passe (confirmation)").fill(PASSWORD)
    page = submit(browsing, form.get_by_role("button", name="Création de compte"))
    expect(page.locator("h1")).to_have_text("Vérifiez votre adresse e-mail")
    return page


def confirm_email(browsing, email):
    """Open the link of the verification email and press the confirm button."""
    page = browsing.open(
        link_in(email_to(email, "Confirmez votre adresse e-mail"), browsing, "/compte/confirm-email/")
    )
    expect(page.locator("h1")).to_have_text("Confirmer l'adresse e-mail")
    expect(page.locator("main")).to_contain_text(email)
    return submit(browsing, page.locator("main form").get_by_role("button", name="Confirmer"))


def section(page, heading):
    """The panel headed `heading`."""
    return page.locator("section.panel").filter(has=page.get_by_role("heading", name=heading, exact=True))


# Tests --------------------------------------------------------------------------


def test_sign_up_create_a_group_have_it_validated_by_its_network_and_invite_a_member(open_browsing):
    founder, coordinator, newcomer = open_browsing(), open_browsing(), open_browsing()
    egm = make_partner_coordinator("coordination@egm.example.org", display_name="Coordination EGM")

    # A visitor signs up, confirms the address from the email, lands in their space.
    founder.open("/compte/signup/")
    sign_up(founder, "fondatrice@example.org", "Fatou Diallo")
    page = confirm_email(founder, "fondatrice@example.org")
    expect(page).to_have_url(founder.url("/compte/"))
    expect(page.locator("h1")).to_have_text("Mon espace")
    expect(page.locator("main")).to_contain_text("Connecté avec fondatrice@example.org")

    # They create a local group for Saint-Denis that belongs to the EGM network.
    page = submit(founder, page.get_by_role("link", name="Créer un groupe local"))
    form = main_form(page)
    form.get_by_label("Nom du groupe").fill("Accueil Saint-Denis")
    form.get_by_label("Type de groupe").select_option(label="Assemblée locale des EGM")
    form.get_by_role("combobox", name="Commune").fill("93066")
    form.get_by_label("États Généraux des Migrations (EGM)").check()
    page = submit(founder, form.get_by_role("button", name="Créer le groupe"))
    expect(page.locator("h1")).to_have_text("Accueil Saint-Denis")
    expect(page.locator("main .badge-pending")).to_have_text("en attente")
    group = Organization.objects.get(name="Accueil Saint-Denis")
    assert (group.kind, group.commune.code, group.status) == ("local_group", "93066", "pending")
    assert list(group.networks.values_list("slug", flat=True)) == ["egm"]
    group_path = group.get_absolute_url()

    # The EGM coordinator is told by email and follows the link: the login form,
    # then the second factor, then the queue, where they validate the group.
    message = email_to("coordination@egm.example.org", "Un nouveau groupe à valider : Accueil Saint-Denis")
    coordinator.open(link_in(message, coordinator, "/organisations/a-valider/"))
    page = log_in(coordinator, "coordination@egm.example.org", totp=totp_secret(egm))
    expect(page).to_have_url(coordinator.url("/organisations/a-valider/"))
    expect(page.locator("h1")).to_have_text("Groupes en attente de validation")
    entry = section(page, "Accueil Saint-Denis")
    expect(entry).to_contain_text("Saint-Denis (93)")
    expect(entry).to_contain_text("États Généraux des Migrations (EGM)")
    # Whoever decides sees who is asking.
    expect(entry).to_contain_text("par Fatou Diallo (fondatrice@example.org)")
    page = submit(coordinator, entry.get_by_role("button", name="Valider"))
    expect(page).to_have_url(coordinator.url("/organisations/a-valider/"))
    expect(page.locator(".messages")).to_contain_text("Décision enregistrée")
    expect(section(page, "Accueil Saint-Denis")).to_have_count(0)
    group.refresh_from_db()
    assert group.is_validated
    email_to("fondatrice@example.org", "Accueil Saint-Denis est validé")

    # Back to the founder: the group is validated; they invite someone by email.
    page = founder.open(group_path)
    expect(page.locator("main .badge-pending")).to_have_count(0)
    page = submit(founder, page.locator("main .actions").get_by_role("link", name="Membres"))
    expect(page.locator("h1")).to_have_text("Membres — Accueil Saint-Denis")
    invite = section(page, "Inviter un membre")
    invite.get_by_label("Adresse e-mail de la personne à inviter").fill("nouveau@example.org")
    page = submit(founder, invite.get_by_role("button", name="Envoyer l’invitation"))
    expect(page.locator(".messages")).to_contain_text("nouveau@example.org")
    expect(section(page, "Inviter un membre").get_by_role("listitem")).to_contain_text("nouveau@example.org")

    # The invited person follows the link, creates an account with that very
    # address, confirms it, comes back to the invitation and accepts it.
    message = email_to("nouveau@example.org", "Invitation à rejoindre Accueil Saint-Denis")
    assert "Fatou Diallo vous invite" in message.body
    page = newcomer.open(link_in(message, newcomer, "/invitations/"))
    invitation_url = page.url
    expect(page.locator("h1")).to_have_text("Rejoindre Accueil Saint-Denis")
    page = submit(newcomer, page.locator("main .actions").get_by_role("link", name="Créer un compte"))
    # The sign-up form comes with the invited address.
    expect(page.locator("main form").get_by_label("Courriel")).to_have_value("nouveau@example.org")
    sign_up(newcomer, "nouveau@example.org", "Awa Koné")
    page = confirm_email(newcomer, "nouveau@example.org")
    expect(page).to_have_url(invitation_url)
    page = submit(newcomer, page.locator("main form").get_by_role("button", name="Accepter l’invitation"))
    expect(page).to_have_url(newcomer.url(group_path))
    expect(page.locator(".messages")).to_contain_text("Bienvenue dans Accueil Saint-Denis !")

    # They choose the name the others will see.
    page = newcomer.open("/compte/")
    expect(page.locator("main")).to_contain_text("Accueil Saint-Denis — membre")
    page = submit(newcomer, page.get_by_role("link", name="Modifier mon nom public"))
    main_form(page).get_by_label("Nom public").fill("Awa")
    page = submit(newcomer, main_form(page).get_by_role("button", name="Enregistrer"))
    expect(page.locator(".messages")).to_contain_text("Profil enregistré.")

    # The founder's members page lists them; the invitation is no longer pending.
    page = founder.open(group_path + "membres/")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Awa")).to_contain_text("membre")
    expect(rows.filter(has_text="(vous)")).to_contain_text("coordination")
    expect(section(page, "Inviter un membre")).not_to_contain_text("nouveau@example.org")
    assert Membership.objects.filter(
        organization=group, user__email="nouveau@example.org", role=Membership.Role.MEMBER
    ).exists()


def test_a_reported_group_hidden_by_a_partner_coordinator_leaves_the_public_list(open_browsing):
    reporter, moderator, visitor = open_browsing(), open_browsing(), open_browsing()
    author = make_user("auteur@example.org", display_name="Auteur")
    group = make_group("Collectif Fantôme", coordinator=author)
    make_user("vigilante@example.org", display_name="Vigilante")
    egm = make_partner_coordinator("moderation@egm.example.org", display_name="Modération EGM")

    # Anyone sees the validated group in the list.
    page = visitor.open("/organisations/")
    expect(page.locator("main ul.results").get_by_role("link", name="Collectif Fantôme")).to_be_visible()

    # A signed-in user reports it from its page.
    reporter.open("/compte/login/")
    log_in(reporter, "vigilante@example.org")
    page = reporter.open("/organisations/")
    page = submit(reporter, page.locator("main ul.results").get_by_role("link", name="Collectif Fantôme"))
    page = submit(reporter, page.locator("main .actions").get_by_role("link", name="Signaler ce contenu"))
    expect(page.locator("h1")).to_have_text("Signaler ce contenu")
    form = main_form(page)
    form.get_by_label("information fausse ou trompeuse").check()
    form.get_by_label("Commentaire").fill("Ce collectif n'existe pas : personne ne le connaît à Saint-Denis.")
    page = submit(reporter, form.get_by_role("button", name="Envoyer le signalement"))
    expect(page).to_have_url(reporter.url("/organisations/collectif-fantome/"))
    expect(page.locator(".messages")).to_contain_text("Merci : la modération va examiner ce contenu.")
    assert Report.objects.filter(object_id=group.pk, status=Report.Status.OPEN).count() == 1

    # An EGM coordinator, signed in with their second factor, hides it from the queue.
    moderator.open("/moderation/")
    page = log_in(moderator, "moderation@egm.example.org", totp=totp_secret(egm))
    expect(page).to_have_url(moderator.url("/moderation/"))
    expect(page.locator("h1")).to_have_text("File de modération")
    entry = section(page, "Collectif Fantôme (organisation)")
    expect(entry).to_contain_text("1 signalement ouvert")
    report = entry.get_by_role("listitem")
    expect(report).to_contain_text("information fausse ou trompeuse")
    expect(report).to_contain_text("Ce collectif n'existe pas")
    entry.get_by_label("Motif, envoyé à l’auteur").fill("Groupe inconnu du réseau EGM à Saint-Denis.")
    page = submit(moderator, entry.get_by_role("button", name="Masquer"))
    expect(page.locator(".messages")).to_contain_text("Contenu masqué ; son auteur est prévenu par e-mail.")
    expect(page.locator("main")).to_contain_text("Aucun signalement ouvert.")
    expect(page.locator("main")).to_contain_text("Groupe inconnu du réseau EGM à Saint-Denis.")
    group.refresh_from_db()
    assert group.is_hidden
    assert ModerationDecision.objects.filter(object_id=group.pk, action="hide").count() == 1
    assert "Groupe inconnu du réseau EGM" in email_to("auteur@example.org", "Collectif Fantôme").body

    # Anonymous visitors no longer find it, in the list or at its address.
    page = visitor.open("/organisations/")
    expect(page.locator("main")).not_to_contain_text("Collectif Fantôme")
    page = visitor.open("/organisations/?q=Fant%C3%B4me")
    expect(page.locator("main .empty")).to_have_text("Aucune organisation ne correspond à ces filtres.")
    # Its address answers 404 (asked without loading it: Chromium reports any 404
    # document as a console error, and the site has no 404 page of its own yet).
    assert visitor.page.request.get(visitor.url("/organisations/collectif-fantome/")).status == 404
