"""Issue 11's whole journey, in French, with real names, at 1280 and 390 px wide.

Fatou Diallo signs up and founds « Accueil Saint-Denis » in the EGM network, choosing
Saint-Denis in the commune autocomplete; the EGM coordinator validates the group, seeing who
asks; Fatou invites Awa Koné, who joins. A Pacte coordinator creates « Municipales 2026 »;
Awa takes Saint-Denis on, adds two lists, fills the letter's sender block, downloads the
letter (with the bulletin attached) and emails the kit to both heads of list. Marie Curie
signs with a level and a comment; Jean Moulin declines from his signature page with a
reason. Marie Curie's list is elected: the commune is « Engagée ». The town hall's verified
contact, Inès Martin, records from « Ma commune » the council's adhesion to the ANVITA
charter. Then everything public is checked: the campaign's counts, its commune row, the map
data, the commune page's consolidated view, an item page, the CSV export, and every email
sent on the way (names, no empty placeholder, Reply-To).

Every page passes the browser checks (axe, no third party, no script error) and, at both
widths, does not scroll sideways. Several people act at once, each in a browser context of
their own; the live server sends its emails at once into django.core.mail.outbox."""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation
from playwright.sync_api import expect

from actors.models import Membership, MunicipalContact, Organization
from campaigns.models import Target
from campaigns.tests.test_letter_kit import pdf_pages
from commitments.models import Commitment, Declaration, MandateCommitment
from core.templatetags.dates import long_date
from frameworks.services import frameworks_load
from territories.models import Commune
from tests.browser.helpers import email_to, link_in, log_in, submit, totp_secret
from tests.support import PASSWORD, make_partner_coordinator, make_user
from tests.test_emails import problems

pytestmark = pytest.mark.browser

PACTE = "pacte-pour-la-transition"
ANVITA = "anvita-charte"
VIEWPORTS = {1280: {"width": 1280, "height": 900}, 390: {"width": 390, "height": 844}}
CAMPAIGN = "/campagnes/municipales-2026/"
TARGET = CAMPAIGN + "communes/93066/"
GROUP_CONTACT = "accueil.saint-denis@example.org"
COMMENT = "Cantine bio dès la rentrée 2027."
PARAGRAPH = "Notre groupe accueille chaque semaine des familles à la Maison de quartier."
REFUSAL = "Notre programme ne reprend pas ces engagements."


def text(words, exact=False):
    """A pattern matching the words, whatever their case."""
    return re.compile(f"^(?:{words})$" if exact else f"(?:{words})", re.IGNORECASE)


def in_french(value):
    with translation.override("fr"):
        return long_date(value)


@pytest.fixture
def frameworks(territories):
    """The frameworks of frameworks/data/, loaded again (the live server's tests flush the
    tables); their publishers, the national partners, exist again by then."""
    frameworks_load()


# Pages that must fit the screen -------------------------------------------------------


def assert_no_horizontal_scroll(page):
    """The page does not scroll sideways; else, name the outermost elements that stick out."""
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if width <= viewport:
        return
    culprits = page.evaluate(
        """(limit) => Array.from(document.querySelectorAll("body *"))
            .filter((e) => e.checkVisibility() && e.getBoundingClientRect().right > limit
                && e.parentElement.getBoundingClientRect().right <= limit)
            .map((e) => `<${e.tagName.toLowerCase()} class="${e.className}"> ${Math.round(e.getBoundingClientRect().right)} px`)""",
        viewport,
    )
    raise AssertionError(
        f"{page.url} scrolls sideways: {width} px wide in {viewport} px.\n" + "\n".join(culprits)
    )


def person(open_browsing, width):
    """A browsing helper at this width whose every page check also asserts that the page
    does not scroll sideways (open, submit and log_in all check the page they load)."""
    browsing = open_browsing(viewport=VIEWPORTS[width])
    checks = browsing.check_page

    def check_page():
        checks()
        assert_no_horizontal_scroll(browsing.page)

    browsing.check_page = check_page
    return browsing


def section(page, heading):
    """The <section> headed `heading` (a text or a pattern)."""
    return page.locator("main section").filter(has=page.get_by_role("heading", name=heading))


def row_of(page, commune="Saint-Denis"):
    return page.locator("#communes ~ .table-scroll tbody tr").filter(has_text=commune)


# Accounts -----------------------------------------------------------------------------


def sign_up(browsing, email, name):
    """Fill and send the sign-up form shown by the page, then confirm the address from the email."""
    page = browsing.page
    expect(page.locator("h1")).to_have_text("Création de compte")
    form = page.locator("main form")
    form.get_by_label("Courriel").fill(email)
    form.get_by_label(re.compile(r"^Votre nom")).fill(name)
    form.get_by_label(re.compile(r"^Mot de passe( \(obligatoire\))?$")).fill(PASSWORD)
    form.get_by_label("Mot de passe (confirmation)").fill(PASSWORD)
    page = submit(browsing, form.get_by_role("button", name="Création de compte"))
    expect(page.locator("h1")).to_have_text("Vérifiez votre adresse e-mail")
    message = email_to(email, "Confirmez votre adresse e-mail")
    assert (
        "Bonjour, c'est Hospitalité !" in message.body and f"l'utilisateur {name} a indiqué" in message.body
    )
    page = browsing.open(link_in(message, browsing, "/compte/confirm-email/"))
    expect(page.locator("main")).to_contain_text(email)
    return submit(browsing, page.locator("main form").get_by_role("button", name="Confirmer"))


@dataclass
class Journey:
    """The people of the journey (browsing helpers) and what they made."""

    founder: object
    egm: object
    awa: object
    pacte: object
    marie: object
    jean: object
    town_hall: object
    visitor: object
    accounts: dict = field(default_factory=dict)
    chosen_level: str = ""


# 1. A group is founded, validated by its network, and a friend joins -------------------


def found_the_group(journey):
    founder = journey.founder
    founder.open("/compte/signup/")
    page = sign_up(founder, "fondatrice@example.org", "Fatou Diallo")
    expect(page).to_have_url(founder.url("/compte/"))
    page = submit(founder, page.locator("main").get_by_role("link", name="Créer un groupe local"))
    form = page.locator("main form").filter(has=page.get_by_role("button", name="Créer le groupe"))
    form.get_by_label("Nom du groupe").fill("Accueil Saint-Denis")
    form.get_by_label("Type de groupe").select_option(label="Assemblée locale des EGM")
    # The commune comes from the autocomplete's list of suggestions.
    commune = form.get_by_role("combobox", name=re.compile("^Commune"))
    commune.fill("saint denis")
    expect(commune).to_have_attribute("aria-expanded", "true")
    option = (
        page.locator("#id_commune_listbox")
        .get_by_role("option")
        .filter(has_text=re.compile(r"^Saint-Denis \(93 · Seine-Saint-Denis\)"))
    )
    # An ambiguous name: several Saint-Denis are offered.
    expect(page.locator("#id_commune_listbox").get_by_role("option")).not_to_have_count(1)
    founder.check_page()  # the open listbox passes axe too
    option.click()
    expect(commune).to_have_value("Saint-Denis (93 · Seine-Saint-Denis)")
    expect(form.locator('input[name="commune_code"]')).to_have_value("93066")
    form.get_by_label("États Généraux des Migrations (EGM)").check()
    page = submit(founder, form.get_by_role("button", name="Créer le groupe"))
    expect(page.locator("h1")).to_have_text("Accueil Saint-Denis")
    expect(page.locator("main .badge-pending")).to_have_text("en attente")
    group = Organization.objects.get(name="Accueil Saint-Denis")
    assert (group.commune.code, group.status) == ("93066", "pending")
    return group


def validate_the_group(journey, group):
    coordinator = journey.egm
    message = email_to("coordination@egm.example.org", "Un nouveau groupe à valider : Accueil Saint-Denis")
    assert "« Accueil Saint-Denis »" in message.body
    coordinator.open(link_in(message, coordinator, "/organisations/a-valider/"))
    page = log_in(coordinator, "coordination@egm.example.org", totp=totp_secret(journey.accounts["egm"]))
    expect(page.locator("h1")).to_have_text("Groupes en attente de validation")
    entry = page.locator("section.panel").filter(
        has=page.get_by_role("heading", name="Accueil Saint-Denis", exact=True)
    )
    expect(entry).to_contain_text("Saint-Denis (93)")
    expect(entry).to_contain_text("par Fatou Diallo (fondatrice@example.org)")
    page = submit(coordinator, entry.get_by_role("button", name="Valider"))
    expect(page.locator(".messages")).to_contain_text("Décision enregistrée")
    group.refresh_from_db()
    assert group.is_validated
    email_to("fondatrice@example.org", "Accueil Saint-Denis est validé")


def invite_awa(journey, group):
    founder, awa = journey.founder, journey.awa
    page = founder.open(group.get_absolute_url() + "membres/")
    invite = page.locator("section.panel").filter(has=page.get_by_role("heading", name="Inviter un membre"))
    invite.get_by_label("Adresse e-mail de la personne à inviter").fill("awa.kone@example.org")
    page = submit(founder, invite.get_by_role("button", name="Envoyer l’invitation"))
    expect(page.locator(".messages")).to_contain_text("awa.kone@example.org")

    message = email_to("awa.kone@example.org", "Invitation à rejoindre Accueil Saint-Denis")
    assert "Fatou Diallo vous invite" in message.body
    page = awa.open(link_in(message, awa, "/invitations/"))
    invitation_url = page.url
    page = submit(awa, page.locator("main .actions").get_by_role("link", name="Créer un compte"))
    expect(page.locator("main form").get_by_label("Courriel")).to_have_value("awa.kone@example.org")
    page = sign_up(awa, "awa.kone@example.org", "Awa Koné")
    expect(page).to_have_url(invitation_url)
    page = submit(awa, page.locator("main form").get_by_role("button", name="Accepter l’invitation"))
    expect(page.locator(".messages")).to_contain_text("Bienvenue dans Accueil Saint-Denis !")
    assert Membership.objects.filter(organization=group, user__email="awa.kone@example.org").exists()


# 2. The campaign, the commune taken on, its lists ---------------------------------------


def create_the_campaign(journey):
    coordinator = journey.pacte
    coordinator.open("/compte/login/?next=/campagnes/nouvelle/")
    page = log_in(coordinator, "coordination@pacte.example.org", totp=totp_secret(journey.accounts["pacte"]))
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
    expect(page).to_have_url(coordinator.url(CAMPAIGN))
    expect(page.locator(".messages")).to_contain_text(text("campagne est créée"))
    expect(page.locator("main")).to_contain_text("15 mars 2026")


def take_on_saint_denis(journey, group):
    awa = journey.awa
    page = awa.open(CAMPAIGN)
    page = submit(awa, page.get_by_role("link", name=text("Suivre une commune")))
    form = page.locator("main form")
    expect(form.get_by_label(text("Groupe local"))).to_have_value(str(group.pk))
    commune = form.get_by_role("combobox", name=text("^Commune"))
    commune.fill("93066")
    form.get_by_role("option").filter(has_text=re.compile(r"^Saint-Denis \(93")).click()
    page = submit(awa, form.get_by_role("button", name=text("Suivre cette commune")))
    expect(page).to_have_url(awa.url(TARGET))
    expect(page.locator("h1")).to_have_text("Saint-Denis (93)")


def add_list(journey, name, head, email):
    awa = journey.awa
    lists = section(awa.page, text("Listes candidates"))
    adding = lists.locator("details").filter(
        has=awa.page.locator("summary", has_text=text("Ajouter une liste"))
    )
    if adding.get_attribute("open") is None:
        adding.locator("summary").click()
    lists.get_by_label(text("Nom de la liste")).fill(name)
    lists.get_by_label(text("^Tête de liste")).fill(head)
    lists.get_by_label(text("contact")).fill(email)
    page = submit(awa, lists.get_by_role("button", name=text("Ajouter la liste")))
    expect(page).to_have_url(awa.url(TARGET + "#listes"))
    expect(page.locator(".messages")).to_contain_text(text("liste est ajoutée"))
    expect(
        section(page, text("Listes candidates")).get_by_role("listitem").filter(has_text=name)
    ).to_contain_text(f"{name} — {head} · {email}")


# 3. The letter: sender block, PDF with the bulletin, kit emailed -----------------------


def write_the_letter(journey):
    awa = journey.awa
    page = awa.page
    expect(page.locator(".next-step")).to_contain_text(text("Prochaine étape : Lettre"))
    letter = section(page, text("Lettre"))
    letter.get_by_label(text("paragraphe local")).fill(PARAGRAPH)
    letter.get_by_label(text("Personne à contacter")).fill("Awa Koné")
    letter.get_by_label(text("Adresse de réponse")).fill(GROUP_CONTACT)
    page = submit(awa, letter.get_by_role("button", name=text("Enregistrer le paragraphe")))
    expect(page).to_have_url(awa.url(TARGET + "#lettre"))

    # The print view of Marie Curie's letter: the sender block, her address, the date.
    letter = section(page, text("Lettre"))
    page = submit(awa, letter.get_by_role("link", name=text("Version à imprimer — Saint-Denis Ensemble")))
    body = page.locator(".letter")
    expect(body.locator(".sender")).to_contain_text("Accueil Saint-Denis")
    expect(body.locator(".sender")).to_contain_text("Awa Koné")
    expect(body.locator(".sender")).to_contain_text(GROUP_CONTACT)
    expect(body.locator(".address")).to_contain_text("Marie Curie")
    expect(body.locator(".address")).to_contain_text("« Saint-Denis Ensemble »")
    expect(body).to_contain_text(PARAGRAPH)
    expect(body.locator(".date")).to_have_text(f"Saint-Denis, le {in_french(timezone.localdate())}")
    expect(page.locator("main section.bulletin")).to_have_count(1)  # the Pacte's, to sign

    # The PDF: the letter, then the bulletin to sign on a page of its own.
    with page.expect_download() as download:
        page.get_by_role("link", name=text("Télécharger en PDF")).click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    pages = pdf_pages(pdf)  # its page objects, in the file or in its compressed object streams
    assert pages >= 2, f"The letter's PDF has {pages} page(s): the bulletin is missing."
    page = awa.open(TARGET)


def send_the_kits(journey):
    awa = journey.awa
    for name, email in (
        ("Saint-Denis Ensemble", "marie.curie@example.org"),
        ("Saint-Denis Demain", "jean.moulin@example.org"),
    ):
        letter = section(awa.page, text("Lettre"))
        card = letter.locator(".recipients > li").filter(has=awa.page.get_by_role("heading", name=text(name)))
        expect(card.get_by_label(text("E-mail de la tête de liste"))).to_have_value(email)
        page = submit(awa, card.get_by_role("button", name=text("Envoyer par e-mail")))
        expect(page).to_have_url(awa.url(TARGET + "#lettre"))
        expect(page.locator(".messages")).to_contain_text(email)
    for email, head in (
        ("marie.curie@example.org", "Marie Curie"),
        ("jean.moulin@example.org", "Jean Moulin"),
    ):
        message = email_to(email, "Lettre et bulletins d’engagement — Saint-Denis")
        assert message.reply_to == [GROUP_CONTACT]  # the head of list answers the group
        assert f"Bonjour {head}," in message.body and "Accueil Saint-Denis" in message.body
        ((name, content, mimetype),) = message.attachments
        assert name.endswith(".pdf") and mimetype == "application/pdf" and content.startswith(b"%PDF")
        link_in(message, awa, "/signer/")


# 4. One head of list signs, the other declines ------------------------------------------


def marie_signs(journey):
    marie = journey.marie
    message = email_to("marie.curie@example.org", "Lettre et bulletins d’engagement")
    page = marie.open(link_in(message, marie, "/signer/"))
    expect(page.locator("h1")).to_have_text(text("Signer le bulletin d[’']engagement", exact=True))
    form = page.locator("main form.sign-form")
    form.get_by_role("checkbox", name=re.compile(r"^26\b")).check()
    measure_07 = form.locator(".item-choice").filter(
        has=page.get_by_role("checkbox", name=re.compile(r"^07\b"))
    )
    measure_07.get_by_role("checkbox").check()
    levels = measure_07.get_by_role("group", name=text("Niveau d[’']ambition"))
    level = levels.get_by_role("radio").nth(2)
    level.check()
    journey.chosen_level = levels.locator(f'label[for="{level.get_attribute("id")}"]').inner_text().strip()
    measure_07.locator("summary").filter(has_text=text("Ajouter un commentaire")).click()
    measure_07.get_by_label(text("Commentaire")).fill(COMMENT)
    expect(form.get_by_label(text("Votre nom"))).to_have_value("Marie Curie")
    form.get_by_label(text("Votre qualité")).fill("tête de la liste Saint-Denis Ensemble")
    form.get_by_role("checkbox", name=text("J[’']accepte")).check()
    page = submit(marie, form.get_by_role("button", name=text("Relire mon bulletin", exact=True)))
    expect(page.locator("h1")).to_have_text(text("Relisez votre bulletin avant de le signer"))
    summary = page.locator(".summary-items")
    expect(summary.locator("> li")).to_have_count(2)
    expect(summary).to_contain_text(journey.chosen_level)
    expect(summary).to_contain_text(COMMENT)
    assert not Commitment.objects.exists()
    page = submit(marie, page.get_by_role("button", name=text("Signer", exact=True)))
    expect(page.locator("h1")).to_have_text(text("Merci"))
    commitment = Commitment.objects.get(signatory_name="Marie Curie")
    chosen = commitment.items.get(item__code="07")
    assert (chosen.level.title, chosen.comment) == (journey.chosen_level, COMMENT)
    confirmation = email_to("marie.curie@example.org", text("bulletin d[’']engagement signé"))
    ((_name, content, _mimetype),) = confirmation.attachments
    assert content.startswith(b"%PDF")
    assert confirmation.reply_to == [GROUP_CONTACT]
    notice = email_to("fondatrice@example.org", "Nouveau bulletin signé — Saint-Denis")
    assert "Marie Curie (tête de la liste Saint-Denis Ensemble) a signé" in notice.body


def jean_declines(journey):
    jean = journey.jean
    message = email_to("jean.moulin@example.org", "Lettre et bulletins d’engagement")
    page = jean.open(link_in(message, jean, "/signer/"))
    expect(page.locator("main")).to_contain_text("Saint-Denis Demain")
    declining = section(page, text("Vous ne souhaitez pas vous engager"))
    declining.get_by_label(text("Motif")).fill(REFUSAL)
    page = submit(jean, declining.get_by_role("button", name=text("Je ne m[’']engage pas", exact=True)))
    expect(page.locator("h1")).to_have_text(text("Votre réponse est enregistrée"))
    notice = email_to("fondatrice@example.org", text("refus"))
    assert "Saint-Denis Demain" in notice.body and REFUSAL in notice.body


# 5. The result, then the town hall's deliberation from « Ma commune » ----------------------


def record_the_result(journey):
    visitor, awa = journey.visitor, journey.awa
    # Before the result, Saint-Denis shows that a list signed, not that it committed.
    page = visitor.open(CAMPAIGN)
    expect(row_of(page).locator(".status")).to_have_text(text("Une liste a signé", exact=True))
    page = awa.open(TARGET)
    result = section(page, text("Résultat"))
    result.get_by_label(text("Liste élue")).select_option(label="Saint-Denis Ensemble")
    page = submit(awa, result.get_by_role("button", name=text("Enregistrer le résultat")))
    expect(page).to_have_url(awa.url(TARGET + "#resultat"))
    expect(page.locator(".messages")).to_contain_text(text("liste élue"))
    assert Target.objects.get(commune__code="93066").status == Target.Status.COMMITTED
    assert MandateCommitment.objects.filter(
        commune__code="93066", commitment__signatory_name="Marie Curie"
    ).exists()


def the_council_adheres_to_the_anvita_charter(journey):
    town_hall = journey.town_hall
    ines = make_user("ines.martin@example.org", display_name="Inès Martin")
    MunicipalContact.objects.create(
        user=ines,
        commune=Commune.objects.get(code="93066"),
        role=MunicipalContact.Role.COUNCIL,
        position="Adjointe à la solidarité",
        status=MunicipalContact.Status.VERIFIED,
        method=MunicipalContact.Method.COORDINATOR,
        verified_at=timezone.now(),
    )
    town_hall.open("/compte/login/")
    page = log_in(town_hall, "ines.martin@example.org")
    page = submit(town_hall, page.locator("main").get_by_role("link", name="Ma commune").first)
    expect(page.locator("h1")).to_have_text("Ma commune")
    campaigns = page.get_by_role("region", name="Campagnes", exact=True)
    expect(campaigns).to_contain_text("Municipales 2026")
    expect(campaigns.locator(".status")).to_have_text("Engagée")
    actions = page.get_by_role("region", name="Actions", exact=True)
    actions.get_by_label("Référentiel").select_option(label="Charte de l'ANVITA")
    page = submit(town_hall, actions.get_by_role("button", name="Choisir les engagements"))
    form = page.locator("main form[enctype]")
    expect(form.get_by_role("radio", name=text("conseil municipal"))).to_be_checked()
    adopted_on = timezone.localdate() - timedelta(days=3)
    form.get_by_label(text("date de l[’']engagement")).fill(adopted_on.isoformat())
    form.get_by_label(text("référence de la délibération")).fill("DCM-2026-031")
    for code in ("1", "2"):
        form.get_by_role("checkbox", name=re.compile(rf"^{code} ")).check()
    page = submit(town_hall, form.get_by_role("button", name=text("Déclarer l[’']engagement")))
    expect(page.locator(".messages")).to_contain_text(text("La délibération est enregistrée et confirmée"))
    declaration = Declaration.objects.get(framework__slug=ANVITA)
    assert declaration.status == Declaration.Status.CONFIRMED and declaration.decided_by == ines
    message = email_to("fondatrice@example.org", text("délibération du conseil"))
    assert message.body.startswith("Bonjour Fatou Diallo,")
    assert "Inès Martin (municipalité) a enregistré une délibération" in message.body
    assert "Charte de l'ANVITA" in message.body and "DCM-2026-031" in message.body
    page = journey.founder.open(link_in(message, journey.founder, "/communes/93066/suivi/declarations/"))
    expect(page.locator("main")).to_contain_text("DCM-2026-031")
    page = town_hall.open("/compte/ma-commune/")
    expect(page.locator("#commitments-93066 ~ .consolidated")).to_have_count(
        2
    )  # the Pacte, the ANVITA charter
    return adopted_on


# 6. What everyone sees ----------------------------------------------------------------


def the_campaign_page_and_its_map(journey):
    visitor = journey.visitor
    with visitor.page.expect_response(visitor.url(CAMPAIGN + "carte.json")) as map_data:
        page = visitor.open(CAMPAIGN)
    data = map_data.value.json()
    ((_lon, _lat, status, code, name),) = data["points"]
    assert (data["statuses"][status], code, name) == ("committed", "93066", "Saint-Denis")
    expect(page.locator(".map-status")).to_have_text(text(r"1 commune affichée sur la carte\.", exact=True))
    counts = page.locator(".status-counts")
    expect(counts.locator("li").filter(has_text=text("Engagée"))).to_contain_text(re.compile(r"Engagée\s*1$"))
    expect(counts.locator("li").filter(has_text=text("Une liste a signé"))).to_contain_text(
        re.compile(r"\s0$")
    )
    expect(page.locator(".refusal-count")).to_contain_text(
        re.compile(r"^\s*1 refus enregistré \(1 par une liste, 0 par une municipalité\)")
    )
    row = row_of(page)
    expect(row.locator(".status")).to_have_text("Engagée")
    expect(row).to_contain_text("Saint-Denis Demain (a refusé)")
    expect(row).to_contain_text("Saint-Denis Ensemble (élue)")
    expect(row).to_contain_text("Signé : Marie Curie — Pacte")
    expect(row.get_by_role("link", name="Accueil Saint-Denis")).to_be_visible()
    visitor.check_page()  # once the map is drawn

    # The page of the commune in the campaign shows the refusal and its reason.
    page = submit(visitor, row.get_by_role("link", name="Saint-Denis", exact=True))
    expect(page.locator("main .refusal")).to_contain_text(REFUSAL)
    expect(page.locator("main .refusal")).to_contain_text("Saint-Denis Demain")


def the_commune_page(journey, adopted_on):
    page = journey.visitor.open("/communes/93066/")
    blocks = page.locator(".consolidated")
    expect(blocks).to_have_count(2)
    pacte = blocks.filter(has=page.get_by_role("link", name="Pacte pour la Transition"))
    expect(pacte.get_by_role("link", name=re.compile(r"^07 Alimentation bio"))).to_have_count(1)
    expect(pacte.get_by_role("link", name=re.compile(r"^26 "))).to_have_count(1)
    expect(pacte).to_contain_text(f"niveau : {journey.chosen_level}")
    expect(pacte).to_contain_text(COMMENT)
    expect(pacte).to_contain_text(
        "Bulletin de la liste élue « Saint-Denis Ensemble » (tête de liste : Marie Curie)"
    )
    anvita = blocks.filter(has=page.get_by_role("link", name="Charte de l'ANVITA"))
    expect(
        anvita.get_by_role("link", name=re.compile(r"^1 Reconnaître la présence temporaire"))
    ).to_have_count(1)
    expect(anvita).to_contain_text(
        f"Délibération du conseil municipal n° DCM-2026-031 du {in_french(adopted_on)}"
    )
    expect(anvita).to_contain_text("confirmée par Inès Martin")
    campaign = page.locator("#campaigns-title ~ .card:not(.consolidated)").filter(has_text="Municipales 2026")
    expect(campaign.locator(".status").first).to_have_text("Engagée")
    expect(campaign).to_contain_text("Saint-Denis Ensemble (Marie Curie) — élue")
    expect(campaign).to_contain_text("Saint-Denis Demain (Jean Moulin) — a refusé")
    expect(campaign.locator(".refusal")).to_contain_text("Refus de la liste « Saint-Denis Demain »")
    expect(campaign.locator(".refusal")).to_contain_text(REFUSAL)


def the_item_page(journey):
    page = journey.visitor.open(f"/referentiels/{PACTE}/engagements/07/")
    committed = page.locator("section", has=page.locator("#item-communes-title"))
    expect(committed).to_contain_text("1 commune engagée pour son mandat")
    expect(committed.get_by_role("link", name="Saint-Denis", exact=True)).to_be_visible()
    expect(committed).to_contain_text("2026–2032, Municipales 2026")
    expect(committed).to_contain_text(journey.chosen_level)
    expect(committed).to_contain_text(COMMENT)
    page = journey.visitor.open(f"/referentiels/{ANVITA}/engagements/1/")
    committed = page.locator("section", has=page.locator("#item-communes-title"))
    expect(committed).to_contain_text("1 commune engagée pour son mandat")
    expect(committed.get_by_role("link", name="Saint-Denis", exact=True)).to_be_visible()


def the_export(journey):
    visitor = journey.visitor
    page = visitor.open(CAMPAIGN)
    link = page.get_by_role("link", name="CSV", exact=True)
    response = page.request.get(visitor.url(link.get_attribute("href")))
    assert response.ok and response.headers["content-type"].startswith("text/csv")
    content = response.body().decode("utf-8")
    assert content.startswith("\ufeff")  # the BOM, for French spreadsheet software
    reader = csv.DictReader(io.StringIO(content[1:]), delimiter=";")
    rows = {row["liste"]: row for row in reader}
    assert set(rows) == {"Saint-Denis Ensemble", "Saint-Denis Demain"}, rows
    signed, refused = rows["Saint-Denis Ensemble"], rows["Saint-Denis Demain"]
    assert (signed["commune"], signed["statut"], signed["groupe_local"]) == (
        "Saint-Denis",
        "engagée",
        "Accueil Saint-Denis",
    )
    assert (signed["tete_de_liste"], signed["signataire"], signed["reponse"]) == (
        "Marie Curie",
        "Marie Curie",
        "signé",
    )
    # The items with their titles, the level chosen (« code — title ») and the comment.
    assert signed["niveau_07"].endswith(f" — {journey.chosen_level}") and signed["commentaire_07"] == COMMENT
    assert "07 — Alimentation bio" in signed["intitules_engagements"]
    assert "26 — Dispositifs publics de premier accueil" in signed["intitules_engagements"]
    assert (refused["reponse"], refused["motif_refus"], refused["tete_de_liste"]) == (
        "refus",
        REFUSAL,
        "Jean Moulin",
    )
    assert refused["date_refus"] == timezone.localdate().isoformat() and not refused["signataire"]


def the_emails(journey):
    """Every email of the journey: no empty placeholder, addressed by name where it names someone."""
    assert mail.outbox
    for message in mail.outbox:
        assert not problems(message), (message.subject, problems(message), message.body)
        assert "Membre" not in message.body, (message.subject, message.body)
    to_heads = [
        message
        for message in mail.outbox
        if set(message.to) & {"marie.curie@example.org", "jean.moulin@example.org"}
    ]
    kits = [message for message in to_heads if "Lettre et bulletins" in message.subject]
    assert len(kits) == 2 and all(message.reply_to == [GROUP_CONTACT] for message in kits)


# The journey --------------------------------------------------------------------------


@pytest.mark.parametrize("width", [1280, 390])
def test_the_whole_journey_in_french_with_real_names(open_browsing, frameworks, settings, width):
    journey = Journey(*(person(open_browsing, width) for _ in range(8)))
    # The emails sent without a request (the hand-offs) link to SITE_URL: here, the live server.
    settings.SITE_URL = journey.visitor.url("")
    journey.accounts["egm"] = make_partner_coordinator(
        "coordination@egm.example.org", display_name="Claire EGM"
    )
    journey.accounts["pacte"] = make_partner_coordinator(
        "coordination@pacte.example.org", partner=PACTE, display_name="Chloé Pacte"
    )

    group = found_the_group(journey)
    validate_the_group(journey, group)
    invite_awa(journey, group)

    create_the_campaign(journey)
    take_on_saint_denis(journey, group)
    add_list(journey, "Saint-Denis Ensemble", "Marie Curie", "marie.curie@example.org")
    add_list(journey, "Saint-Denis Demain", "Jean Moulin", "jean.moulin@example.org")
    write_the_letter(journey)
    send_the_kits(journey)

    marie_signs(journey)
    jean_declines(journey)
    record_the_result(journey)
    adopted_on = the_council_adheres_to_the_anvita_charter(journey)

    the_campaign_page_and_its_map(journey)
    the_commune_page(journey, adopted_on)
    the_item_page(journey)
    the_export(journey)
    the_emails(journey)
