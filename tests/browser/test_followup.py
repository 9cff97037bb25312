"""The follow-up of Saint-Denis's commitments, in French, in a real browser: the municipal
contact reports item 26 "done" with the council deliberation as evidence; a member of the
local group assesses it "in progress"; anyone sees both voices side by side and their
disagreement; the group member drafts a joint statement, the municipal contact co-signs
it, and it is published as both voices' word. A resident who follows the commune gets the
updates in their weekly digest, and the commune's Atom feed lists them. Every page passes
axe-core, and the board fits a 360 px wide phone without scrolling sideways."""

import re

import feedparser
import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from followup.models import ItemState, Update
from followup.tests.conftest import member_of, verified_contact
from followup.tests.helpers import commit, item
from frameworks.services import frameworks_load
from tests.browser.helpers import log_in, submit
from tests.support import make_group, make_user

pytestmark = pytest.mark.browser

BOARD = "/communes/93066/suivi/"


def text(words, exact=False):
    """A pattern matching the words, whatever their case."""
    return re.compile(f"^(?:{words})$" if exact else f"(?:{words})", re.IGNORECASE)


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
    link = item_article(page, "26").get_by_role("link", name=text("Publier une mise à jour"))
    page = submit(browsing, link)
    form = page.locator("main form")
    form.get_by_label(text("^Statut")).select_option(value=status)
    form.get_by_label(text("Avancement")).fill(str(progress))
    form.get_by_label(text("^Texte")).fill(words)
    if reference:
        form.get_by_label(text("Délibération")).fill(reference)
    return submit(browsing, form.get_by_role("button", name=text("Publier la mise à jour")))


def test_two_voices_side_by_side_then_a_joint_statement(open_browsing, saint_denis_committed, settings):
    mayor_user, awa_user, group = saint_denis_committed
    mayor, awa, visitor, resident = (open_browsing() for _ in range(4))
    settings.SITE_URL = resident.url("")

    # A resident follows Saint-Denis from the commune page, by a weekly digest (the default).
    make_user("habitant@example.org", display_name="Hugo Habitant")
    resident.open("/compte/login/?next=/communes/93066/")
    page = log_in(resident, "habitant@example.org")
    follow = page.locator("section.follow")
    expect(follow.get_by_role("heading")).to_have_text("Suivre cette commune")
    page = submit(resident, follow.get_by_role("button", name="Suivre", exact=True))
    expect(page.locator("section.follow").get_by_role("heading")).to_have_text("Vous suivez cette commune")

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
    expect(page.locator(".messages")).to_contain_text(text("publiée"))
    expect(page.locator("main")).to_contain_text(text("Délibération du conseil municipal 2026-112"))

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
        page.get_by_role("link", name=text("Proposer une déclaration commune")),
    )
    form = page.locator("main form")
    form.get_by_label(text("^Statut")).select_option(value="in_progress")
    form.get_by_label(text("Avancement")).fill("75")
    form.get_by_label(text("^Texte")).fill("Comité de suivi du 3 juin : ouverture en semaine d’ici l’été.")
    page = submit(
        awa,
        form.get_by_role("button", name=text("Rédiger la déclaration commune")),
    )
    statement = Update.objects.get(kind="joint")
    assert statement.published_at is None
    expect(page.locator(".notice")).to_be_visible()

    # ...and the municipal contact co-signs it from the board.
    page = mayor.open(BOARD)
    link = page.locator(".followup-drafts").get_by_role("link")
    page = submit(mayor, link)
    page = submit(mayor, page.locator("main form").get_by_role("button", name=text("Cosigner")))
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

    # The resident's weekly digest holds the three updates, with a link to each; the
    # commune's Atom feed lists them.
    mail.outbox.clear()
    call_command("send_digests")
    [digest] = [message for message in mail.outbox if message.to == ["habitant@example.org"]]
    assert "3 nouvelles mises à jour" in digest.subject and "Saint-Denis" in digest.body
    for update in Update.objects.filter(published_at__isnull=False):
        assert update.get_absolute_url() in digest.body
    assert "/desabonnement/" in digest.body
    feed = feedparser.parse(resident.page.request.get(resident.url(BOARD + "flux.atom")).body())
    assert not feed.bozo
    assert len(feed.entries) == 3
    assert {entry.link for entry in feed.entries} == {
        resident.url(update.get_absolute_url())
        for update in Update.objects.filter(published_at__isnull=False)
    }

    # On a phone, the board and the item's timeline fit the screen.
    visitor.page.set_viewport_size({"width": 360, "height": 640})
    for path in (BOARD, f"{BOARD}engagements/{item('26').pk}/", statement.get_absolute_url()):
        page = visitor.open(path)
        fits_a_phone(page)
    assert awa_user.followup_updates.count() == 2
