"""The follow-up of Saint-Denis's commitments, in French, in a real browser: the municipal
contact reports item 26 "done" with the council deliberation as evidence; a member of the
local group assesses it "in progress"; anyone sees both voices side by side and their
disagreement; the group member drafts a joint statement, the municipal contact co-signs
it, and it is published as both voices' word. Every page passes axe-core, and the board
fits a 360 px wide phone without scrolling sideways.

The French catalogue of the follow-up is still being written: where a text may still be
English, the selectors accept both (the French first)."""

import re

import pytest
from playwright.sync_api import expect

from followup.models import ItemState, Update
from followup.tests.conftest import member_of, verified_contact
from followup.tests.helpers import commit, item
from frameworks.services import frameworks_load
from tests.browser.helpers import log_in, submit
from tests.support import make_group, make_user

pytestmark = pytest.mark.browser

BOARD = "/communes/93066/suivi/"


def text(*alternatives, exact=False):
    """A pattern matching any of the texts (French first, then English)."""
    body = "|".join(alternatives)
    return re.compile(f"^(?:{body})$" if exact else f"(?:{body})", re.IGNORECASE)


def fits_a_phone(page):
    """No sideways scrolling at 360 px; else, name the outermost elements that stick out."""
    width = page.evaluate("document.documentElement.scrollWidth")
    culprits = page.evaluate(
        """() => Array.from(document.querySelectorAll("body *"))
            .filter((e) => e.checkVisibility() && e.getBoundingClientRect().right > 360
                && e.parentElement.getBoundingClientRect().right <= 360)
            .map((e) => `<${e.tagName.toLowerCase()} class="${e.className}"> ${Math.round(e.getBoundingClientRect().right)} px`)"""
    )
    assert width <= 360, f"{page.url} scrolls sideways: {width} px.\n" + "\n".join(culprits)


@pytest.fixture
def saint_denis_committed(territories):
    """Saint-Denis committed to items 26 and 01 of the Pacte by a council deliberation; its
    verified municipal contact; a member of its validated local group."""
    frameworks_load()
    commit("26", "01")
    mayor = verified_contact(
        make_user("adjointe@saint-denis.example.org", display_name="Nadia Adjointe"), "93066"
    )
    group = make_group("Accueil Saint-Denis", coordinator=make_user("fondatrice@example.org"))
    awa = member_of(group, "awa@example.org", display_name="Awa")
    return mayor, awa, group


def item_article(page, code):
    return page.locator(f"#engagement-{item(code).pk}")


def post_update(browsing, *, status, progress, words, reference=""):
    """From the board, the item 26's form: publish the voice's update."""
    page = browsing.open(BOARD)
    link = item_article(page, "26").get_by_role(
        "link", name=text("Publier une mise à jour", "Post an update")
    )
    page = submit(browsing, link)
    form = page.locator("main form")
    form.get_by_label(text("^Statut", "^Status")).select_option(value=status)
    form.get_by_label(text("Avancement", "Progress")).fill(str(progress))
    form.get_by_label(text("^Texte", "^Text")).fill(words)
    if reference:
        form.get_by_label(text("Délibération", "Council deliberation")).fill(reference)
    return submit(
        browsing, form.get_by_role("button", name=text("Publier la mise à jour", "Publish the update"))
    )


def test_two_voices_side_by_side_then_a_joint_statement(open_browsing, saint_denis_committed):
    mayor_user, awa_user, group = saint_denis_committed
    mayor, awa, visitor = (open_browsing() for _ in range(3))

    # The municipal contact reports item 26 done, with the council deliberation as evidence.
    mayor.open("/compte/login/?next=" + BOARD)
    log_in(mayor, "adjointe@saint-denis.example.org")
    page = post_update(
        mayor,
        status="done",
        progress=100,
        words="Le lieu d’accueil a **ouvert** en mai.",
        reference="2026-112",
    )
    report = Update.objects.get(kind="municipality")
    expect(page).to_have_url(mayor.url(report.get_absolute_url()))
    expect(page.locator(".messages")).to_contain_text(text("publiée", "published"))
    expect(page.locator("main")).to_contain_text(
        text("Délibération du conseil municipal 2026-112", "Council deliberation 2026-112")
    )

    # A member of the local group assesses it as in progress.
    awa.open("/compte/login/?next=" + BOARD)
    log_in(awa, "awa@example.org")
    post_update(
        awa, status="in_progress", progress=60, words="Ouvert deux demi-journées par semaine seulement."
    )

    # Anyone sees both voices side by side, and their disagreement.
    page = visitor.open(BOARD)
    article = item_article(page, "26")
    municipality = article.locator(".followup-voice-municipality")
    civil_society = article.locator(".followup-voice-civil_society")
    expect(municipality).to_contain_text("Le lieu d’accueil a ouvert en mai.")
    expect(municipality.locator("strong")).to_have_text("ouvert")
    expect(civil_society).to_contain_text("Ouvert deux demi-journées par semaine seulement.")
    left, right = municipality.bounding_box(), civil_society.bounding_box()
    assert left["x"] + left["width"] <= right["x"] and abs(left["y"] - right["y"]) < 2
    expect(article.locator(".followup-diverges")).to_be_visible()
    chart = page.locator("svg.followup-chart")
    expect(chart).to_have_attribute("role", "img")
    expect(chart).to_have_accessible_name(re.compile("2"))
    expect(page.locator(".followup-summary table")).to_be_visible()

    # The group member drafts a joint statement after the follow-up committee...
    page = awa.open(f"{BOARD}engagements/{item('26').pk}/")
    page = submit(
        awa,
        page.get_by_role("link", name=text("Proposer une déclaration commune", "Draft a joint statement")),
    )
    form = page.locator("main form")
    form.get_by_label(text("^Statut", "^Status")).select_option(value="in_progress")
    form.get_by_label(text("Avancement", "Progress")).fill("75")
    form.get_by_label(text("^Texte", "^Text")).fill(
        "Comité de suivi du 3 juin : ouverture en semaine d’ici l’été."
    )
    page = submit(
        awa,
        form.get_by_role("button", name=text("Rédiger la déclaration commune", "Draft the joint statement")),
    )
    statement = Update.objects.get(kind="joint")
    assert statement.published_at is None
    expect(page.locator(".notice")).to_be_visible()

    # ...and the municipal contact co-signs it from the board.
    page = mayor.open(BOARD)
    link = page.locator(".followup-drafts").get_by_role("link")
    page = submit(mayor, link)
    page = submit(mayor, page.locator("main form").get_by_role("button", name=text("Cosigner", "Co-sign")))
    expect(page).to_have_url(mayor.url(statement.get_absolute_url()))
    statement.refresh_from_db()
    assert (statement.cosigned_by, statement.organization) == (mayor_user, group)
    assert set(ItemState.objects.filter(item=item("26")).values_list("status", "progress")) == {
        ("in_progress", 75)
    }

    # It is published as both voices' word: the disagreement is resolved.
    page = visitor.open(BOARD)
    article = item_article(page, "26")
    expect(article.locator(".followup-voice")).to_have_count(2)
    for voice in article.locator(".followup-voice").all():
        expect(voice).to_contain_text("Comité de suivi du 3 juin")
    expect(article.locator(".followup-diverges")).to_have_count(0)

    # On a phone, the board and the item's timeline fit the screen.
    visitor.page.set_viewport_size({"width": 360, "height": 640})
    for path in (BOARD, f"{BOARD}engagements/{item('26').pk}/", statement.get_absolute_url()):
        page = visitor.open(path)
        fits_a_phone(page)
    assert awa_user.followup_updates.count() == 2
