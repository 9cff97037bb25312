"""A campaign, end to end in French: a partner coordinator creates it, a local group
takes on Saint-Denis, adds a candidate list and sends the signature invitation; the
head of the list signs online without an account (the commune shows "a list signed");
the group records the elected list; everyone sees the commune committed on the campaign
page (list and map), on the page of the commune and on the page of the item. Another head
of list declines from the signature link: everyone sees the refusal.

Several people act at once, each in a browser context of their own. The live server
runs in a thread of this process and sends its emails at once (immediate task backend)
to pytest-django's in-memory backend: they land in django.core.mail.outbox."""

import re

import pytest
from playwright.sync_api import expect

from actors.models import Membership
from campaigns import services
from campaigns.models import CandidateList, SignatureInvitation, Target
from campaigns.tests.helpers import PACTE, add_list, framework, make_campaign, take_on
from commitments.models import Commitment, MandateCommitment
from frameworks.services import frameworks_load
from tests.browser.helpers import email_to, link_in, log_in, submit, totp_secret
from tests.support import make_group, make_partner_coordinator, make_user

pytestmark = pytest.mark.browser


def text(words, exact=False):
    """A pattern matching the words, whatever their case."""
    return re.compile(f"^(?:{words})$" if exact else f"(?:{words})", re.IGNORECASE)


# Pages (the other helpers are in helpers.py) ----------------------------------


def press_enter(browsing, field):
    """Send a form from the keyboard: Enter in one of its text fields."""
    with browsing.page.expect_navigation():
        field.press("Enter")
    browsing.check_page()
    return browsing.page


def section(page, heading):
    """The <section> headed `heading` (a pattern)."""
    return page.locator("main section").filter(has=page.get_by_role("heading", name=heading))


# Texts of the campaign pages ------------------------------------------------------

COMMITTED = text("Engagée", exact=True)
LIST_SIGNED = text("Une liste a signé", exact=True)
MAP_LOADED = text(r"1 commune affichée sur la carte\.", exact=True)


@pytest.fixture
def frameworks(territories):
    """The frameworks of frameworks/data/, loaded again (the live server's tests flush
    the tables); their publishers, the national partners, exist again by then."""
    frameworks_load()


def test_a_group_has_a_list_sign_the_pacte_online_and_the_elected_commune_shows_committed(
    open_browsing, frameworks
):
    coordinator, member, head_of_list, visitor = (open_browsing() for _ in range(4))
    pacte_coordinator = make_partner_coordinator(
        "coordination@pacte.example.org", partner=PACTE, display_name="Coordination Pacte"
    )
    awa = make_user("awa@example.org", display_name="Awa")
    group = make_group("Accueil Saint-Denis", coordinator=make_user("fondatrice@example.org"))
    Membership.objects.create(user=awa, organization=group, role=Membership.Role.MEMBER)

    # The Pacte coordinator signs in with their second factor and creates the campaign.
    coordinator.open("/compte/login/?next=/campagnes/nouvelle/")
    page = log_in(coordinator, "coordination@pacte.example.org", totp=totp_secret(pacte_coordinator))
    expect(page).to_have_url(coordinator.url("/campagnes/nouvelle/"))
    expect(page.locator("h1")).to_have_text(text("Créer une campagne", exact=True))
    form = page.locator("main form")
    form.get_by_label(text("^Titre")).fill("Municipales 2026")
    form.get_by_label(text("^Type")).select_option(value="election")
    form.get_by_role("group", name=text("Référentiels")).get_by_label(
        "Pacte pour la Transition", exact=True
    ).check()
    form.get_by_role("group", name=text("Partenaires")).get_by_label(
        "Pacte pour la Transition (Collectif pour une Transition Citoyenne)"
    ).check()
    form.get_by_label(text("premier tour")).fill("2026-03-15")
    page = submit(coordinator, form.get_by_role("button", name="Enregistrer"))
    expect(page).to_have_url(coordinator.url("/campagnes/municipales-2026/"))
    expect(page.locator("h1")).to_have_text("Municipales 2026")
    expect(page.locator(".messages")).to_contain_text(text("campagne est créée"))
    expect(page.locator("main")).to_contain_text("15 mars 2026")
    campaign_path = "/campagnes/municipales-2026/"

    # A member of the Saint-Denis group signs in and takes on the commune; the form
    # goes with Enter from the commune field.
    member.open("/compte/login/")
    log_in(member, "awa@example.org")
    page = member.open(campaign_path)
    page = submit(member, page.get_by_role("link", name=text("Suivre une commune")))
    form = page.locator("main form")
    expect(form.get_by_label(text("Groupe local"))).to_have_value(str(group.pk))
    commune = form.get_by_role("combobox", name=text("^Commune"))
    commune.fill("93066")
    page = press_enter(member, commune)
    target_path = campaign_path + "communes/93066/"
    expect(page).to_have_url(member.url(target_path))
    expect(page.locator("h1")).to_have_text("Saint-Denis (93)")
    expect(page.locator("main")).to_contain_text("Accueil Saint-Denis")

    # They add the candidate list of the head of list...
    lists = section(page, text("Listes candidates"))
    lists.get_by_label(text("Nom de la liste")).fill("Saint-Denis Ensemble")
    lists.get_by_label(text("^Tête de liste")).fill("Marie Curie")
    lists.get_by_label(text("contact")).fill("tete@example.org")
    page = submit(member, lists.get_by_role("button", name=text("Ajouter la liste")))
    expect(page).to_have_url(member.url(target_path + "#listes"))
    expect(page.locator(".messages")).to_contain_text(text("liste est ajoutée"))
    expect(section(page, text("Listes candidates")).get_by_role("listitem")).to_contain_text(
        "Saint-Denis Ensemble — Marie Curie · tete@example.org"
    )
    assert CandidateList.objects.filter(name="Saint-Denis Ensemble").exists()

    # The working page names the next step: the letter, whose sender block the group fills in.
    expect(page.locator(".next-step")).to_contain_text(text("Prochaine étape : Lettre"))
    letter = section(page, text("Lettre"))
    letter.get_by_label(text("Personne à contacter")).fill("Awa Diallo")
    letter.get_by_label(text("Adresse de réponse")).fill("accueil@example.org")
    page = submit(member, letter.get_by_role("button", name=text("Enregistrer le paragraphe")))
    expect(page).to_have_url(member.url(target_path + "#lettre"))

    # ...and send its head the invitation to sign the Pacte online, pre-filled with the list's contact.
    invitation = section(page, text("Signature"))
    invitation.locator("summary").filter(has_text=text("Envoyer un lien de signature")).click()
    expect(invitation.get_by_role("radio", name="Pacte pour la Transition")).to_be_checked()
    expect(invitation.get_by_label(text("signataire"))).to_have_value("tete@example.org")
    page = submit(member, invitation.get_by_role("button", name="Envoyer l’invitation"))
    expect(page).to_have_url(member.url(target_path + "#invitations"))
    expect(page.locator(".messages")).to_contain_text(text("invitation .*est envoyée"))
    expect(section(page, text("Signature")).get_by_role("listitem").first).to_contain_text(
        "Lien envoyé à tete@example.org pour Pacte pour la Transition"
    )
    page = submit(member, page.get_by_role("button", name="Se déconnecter"))

    # The head of list, who has no account, follows the link of the email.
    message = email_to("tete@example.org", text("à signer"))
    assert "Accueil Saint-Denis" in message.body and "Saint-Denis Ensemble" in message.body
    assert message.reply_to == ["accueil@example.org"]  # the head of list answers the group
    page = head_of_list.open(link_in(message, head_of_list, "/signer/"))
    expect(page.locator("h1")).to_have_text(text("Signer le bulletin d[’']engagement", exact=True))
    expect(page.locator("main")).to_contain_text("Saint-Denis Ensemble")
    form = page.locator("main form")
    form.get_by_role("checkbox", name=re.compile(r"^26\b")).check()
    measure_07 = form.locator(".item-choice").filter(
        has=page.get_by_role("checkbox", name=re.compile(r"^07\b"))
    )
    measure_07.get_by_role("checkbox").check()
    # The ambition levels are radio buttons whose whole text is their label.
    levels = measure_07.get_by_role("group", name=text("Niveau d[’']ambition"))
    expect(levels.get_by_role("radio", name=text("Aucun niveau choisi"))).to_be_checked()
    level = levels.get_by_role("radio").nth(1)
    level.check()
    chosen_level = levels.locator(f'label[for="{level.get_attribute("id")}"]').inner_text()
    # The signatory comes pre-filled from the list.
    expect(form.get_by_label(text("Votre nom"))).to_have_value("Marie Curie")
    expect(form.get_by_label(text("Votre qualité"))).to_have_value("Tête de liste")
    form.get_by_label(text("Votre qualité")).fill("tête de la liste Saint-Denis Ensemble")
    terms = form.get_by_role("checkbox", name=text("J[’']accepte"))
    terms.focus()
    terms.press("Space")
    expect(terms).to_be_checked()
    # A summary of the choices comes before the final « Signer ».
    page = submit(head_of_list, form.get_by_role("button", name=text("Relire mon bulletin", exact=True)))
    expect(page.locator("h1")).to_have_text(text("Relisez votre bulletin avant de le signer"))
    expect(page.locator(".summary-items > li")).to_have_count(2)
    expect(page.locator(".summary-items")).to_contain_text(chosen_level)
    expect(page.locator("main")).to_contain_text("Marie Curie, tête de la liste Saint-Denis Ensemble.")
    assert not Commitment.objects.exists()
    page = submit(head_of_list, page.get_by_role("button", name=text("Signer", exact=True)))
    expect(page.locator("h1")).to_have_text(text("Merci"))
    commitment = Commitment.objects.get(signatory_name="Marie Curie")
    assert sorted(commitment.items.values_list("item__code", flat=True)) == ["07", "26"]
    assert commitment.items.get(item__code="07").level.title == chosen_level

    # The confirmation email brings the signed bulletin as a PDF.
    confirmation = email_to("tete@example.org", text("bulletin d[’']engagement signé"))
    ((name, content, mimetype),) = confirmation.attachments
    assert name.endswith(".pdf") and mimetype == "application/pdf"
    assert content.startswith(b"%PDF")

    # Before the result, the commune shows that a list signed, not that it committed.
    page = head_of_list.open(campaign_path + "?statut=list_signed")
    row = page.locator("#communes ~ .table-scroll tbody tr").filter(has_text="Saint-Denis")
    expect(row.locator(".status")).to_have_text(LIST_SIGNED)

    # The group member signs in again and records the elected list.
    member.open("/compte/login/")
    log_in(member, "awa@example.org")
    page = member.open(target_path)
    result = section(page, text("Résultat"))
    result.get_by_label(text("Liste élue")).select_option(label="Saint-Denis Ensemble")
    page = submit(member, result.get_by_role("button", name=text("Enregistrer le résultat")))
    expect(page).to_have_url(member.url(target_path + "#resultat"))
    expect(page.locator(".messages")).to_contain_text(text("liste élue"))
    assert MandateCommitment.objects.filter(commitment=commitment, commune__code="93066").exists()

    # Anyone sees the commune committed on the campaign page: in the list, and on the map.
    with visitor.page.expect_response(visitor.url(campaign_path + "carte.json")) as map_data:
        page = visitor.open(campaign_path)
    assert map_data.value.ok and len(map_data.value.json()["points"]) == 1
    expect(page.locator(".map-status")).to_have_text(MAP_LOADED)
    expect(page.locator("#campaign-map canvas")).to_have_count(1)
    row = page.locator("#communes ~ .table-scroll tbody tr").filter(has_text="Saint-Denis")
    expect(row).to_have_count(1)
    expect(row.locator(".status")).to_have_text(COMMITTED)
    expect(row).to_contain_text("Saint-Denis Ensemble")
    expect(row).to_contain_text("Marie Curie")
    expect(row.get_by_role("link", name="Accueil Saint-Denis")).to_be_visible()
    visitor.check_page()

    # The page of the commune shows the campaign, the signatory and the items.
    page = submit(visitor, row.get_by_role("link", name="Saint-Denis", exact=True))
    expect(page).to_have_url(visitor.url(target_path))
    page = visitor.open("/communes/93066/")
    campaigns = section(page, text("Engagements et campagnes"))
    expect(campaigns).to_contain_text("Municipales 2026")
    expect(campaigns).to_contain_text("Marie Curie")
    expect(
        campaigns.get_by_role("link", name=re.compile(r"^26 Dispositifs publics de premier accueil"))
    ).not_to_have_count(0)
    expect(campaigns.get_by_role("link", name=re.compile(r"^07 Alimentation bio"))).not_to_have_count(0)

    # The page of item 26 lists Saint-Denis among the communes committed to it.
    page = visitor.open(f"/referentiels/{PACTE}/engagements/26/")
    committed = section(page, text("Communes engagées"))
    expect(committed.get_by_role("link", name="Saint-Denis", exact=True)).to_be_visible()
    expect(committed).to_contain_text("2026–2032, Municipales 2026")


def phone_fits(page):
    """The page does not scroll sideways on a 360 px wide phone; else, name the culprits
    (the outermost elements that stick out)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    culprits = page.evaluate(
        """() => Array.from(document.querySelectorAll("body *"))
            .filter((e) => e.checkVisibility() && !e.closest(".leaflet-container")
                && e.getBoundingClientRect().right > 360
                && e.parentElement.getBoundingClientRect().right <= 360)
            .map((e) => `<${e.tagName.toLowerCase()} class="${e.className}"> ${Math.round(e.getBoundingClientRect().right)} px`)"""
    )
    assert width <= 360, f"{page.url} scrolls sideways: {width} px wide in a 360 px viewport.\n" + "\n".join(
        culprits
    )


@pytest.fixture
def invited(frameworks):
    """A campaign, a group following Saint-Denis, a list, and the token of the pending
    invitation of its head to sign the Pacte."""
    pacte_coordinator = make_partner_coordinator("coordination@pacte.example.org", partner=PACTE)
    awa = make_user("awa@example.org", display_name="Awa")
    group = make_group("Accueil Saint-Denis", coordinator=awa)
    target = take_on(make_campaign(pacte_coordinator), group=group, user=awa)
    candidate_list = add_list(target)
    _invitation, token = services.invitation_send(
        target=target,
        framework=framework(),
        candidate_list=candidate_list,
        email="tete@example.org",
        sent_by=awa,
    )
    return target, token


def on_a_phone(open_browsing):
    phone = open_browsing()
    phone.page.set_viewport_size({"width": 360, "height": 640})
    return phone


def sign_on(phone, token):
    page = phone.open(f"/signer/{token}/")
    phone_fits(page)
    form = page.locator("main form.sign-form")
    tick_all = form.get_by_role("button", name=text("Tout cocher", exact=True))
    tick_all.click()  # « Tout cocher », then « Tout décocher »: every item, then none
    items = form.locator('input[type="checkbox"][name^="item_"]')
    assert items.evaluate_all("boxes => boxes.every(box => box.checked)")
    form.get_by_role("button", name=text("Tout décocher", exact=True)).click()
    assert items.evaluate_all("boxes => boxes.every(box => !box.checked)")
    expect(tick_all).to_be_visible()
    form.get_by_role("checkbox", name=re.compile(r"^26\b")).check()
    form.get_by_role("checkbox", name=text("J[’']accepte")).check()
    assert_tap_targets(form)
    button = form.get_by_role("button", name=text("Relire mon bulletin", exact=True))
    button.scroll_into_view_if_needed()
    expect(button).to_be_in_viewport()
    page = submit(phone, button)
    phone_fits(page)
    button = page.get_by_role("button", name=text("Signer", exact=True))
    assert_tap_targets(page.locator("main form.sign-form"))
    page = submit(phone, button)
    expect(page.locator("h1")).to_have_text(text("Merci"))
    phone_fits(page)


def assert_tap_targets(form):
    """Every checkbox's and radio button's label and every button: 44 px high at least."""
    heights = form.evaluate(
        """form => Array.from(form.querySelectorAll(
            '.choice-row label, .field input[type=checkbox] + label, button, details summary'
        )).filter(node => node.offsetParent !== null)
          .map(node => [node.textContent.trim().slice(0, 40), node.getBoundingClientRect().height])"""
    )
    assert heights
    small = [(label, height) for label, height in heights if height < 44]
    assert not small, small


def test_the_head_of_list_signs_on_a_small_phone(open_browsing, invited):
    target, token = invited
    sign_on(on_a_phone(open_browsing), token)
    target.refresh_from_db()
    assert target.status == Target.Status.LIST_SIGNED  # no result recorded yet


def test_the_campaign_page_fits_a_small_phone(open_browsing, invited):
    target, token = invited
    phone = on_a_phone(open_browsing)
    sign_on(phone, token)
    page = phone.open(target.campaign.get_absolute_url())
    expect(page.locator(".map-status")).to_have_text(MAP_LOADED)
    map_box = page.locator("#campaign-map").bounding_box()
    assert map_box["x"] >= 0 and map_box["x"] + map_box["width"] <= 360
    row = page.locator("#communes ~ .table-scroll tbody tr").filter(has_text="Saint-Denis")
    row.scroll_into_view_if_needed()
    expect(row.locator(".status")).to_have_text(LIST_SIGNED)
    expect(row.get_by_role("link", name="Saint-Denis", exact=True)).to_be_in_viewport()
    phone.check_page()
    phone_fits(page)


def test_the_group_pages_of_a_commune_pass_the_browser_checks(open_browsing, invited):
    """The pages a group uses beyond the main path (paper bulletin with its errors, deliberation,
    letter, list, history) pass axe, in French, with no third-party request."""
    target, _token = invited
    member = open_browsing()
    member.open(f"/compte/login/?next={target.get_absolute_url()}")
    log_in(member, "awa@example.org")
    base = target.get_absolute_url()
    for path in ("lettre/", "historique/", "deliberation/", f"listes/{target.lists.get().pk}/modifier/"):
        page = member.open(base + path)
        expect(page.locator("h1")).to_be_visible()

    page = member.open(base + "bulletin-papier/")
    form = page.locator("main form[enctype]")
    form.get_by_label(re.compile(r"^(?:Signataire|Signatory)\b")).fill("Marie Curie")
    form.get_by_label(text("Qualité du ou de la signataire")).fill("tête de liste")
    form.get_by_label(text("Signé le")).fill("2026-03-01")
    page = submit(member, form.get_by_role("button", name=text("Enregistrer", exact=True)))
    # No item ticked: the form comes back, says why, and nothing is recorded.
    expect(page.locator(".errors")).to_contain_text(text("Choisissez au moins un engagement"))
    assert not Commitment.objects.exists()
    form = page.locator("main form[enctype]")
    form.get_by_role("checkbox", name=re.compile(r"^26\b")).check()
    page = submit(member, form.get_by_role("button", name=text("Enregistrer", exact=True)))
    expect(page.locator(".message")).to_contain_text(text("Le bulletin papier est enregistré"))
    assert Commitment.objects.get().channel == Commitment.Channel.PAPER


def test_a_head_of_list_declines_from_the_signature_page_and_everyone_sees_it(open_browsing, invited):
    target, token = invited
    head_of_list, visitor = open_browsing(), open_browsing()
    page = head_of_list.open(f"/signer/{token}/")
    declining = section(page, text("Vous ne souhaitez pas vous engager"))
    declining.get_by_label(text("Motif")).fill("Nous ne signons pas de chartes.")
    page = submit(
        head_of_list,
        declining.get_by_role("button", name=text("Je ne m[’']engage pas", exact=True)),
    )
    expect(page.locator("h1")).to_have_text(text("Votre réponse est enregistrée"))
    expect(page.locator("main")).to_contain_text("Accueil Saint-Denis")
    assert not SignatureInvitation.objects.get().is_usable  # the link is spent (a 410 page now)
    # The group's coordinator is told.
    notice = email_to("awa@example.org", text("refus"))
    assert "Saint-Denis Ensemble" in notice.body and "Nous ne signons pas de chartes." in notice.body

    # Anyone sees the refusal: on the page of the commune in the campaign, with its
    # reason, and in the campaign's counts.
    page = visitor.open(target.get_absolute_url())
    expect(page.locator("main .refusal")).to_contain_text("Nous ne signons pas de chartes.")
    expect(page.locator("main .refusal")).to_contain_text("Saint-Denis Ensemble")
    page = visitor.open(target.campaign.get_absolute_url())
    expect(page.locator(".refusal-count")).to_contain_text(re.compile(r"^\s*1 (?:refus|refusal)"))
    row = page.locator("#communes ~ .table-scroll tbody tr").filter(has_text="Saint-Denis")
    expect(row.locator(".status")).to_have_text(text("Refus", exact=True))  # its only list
