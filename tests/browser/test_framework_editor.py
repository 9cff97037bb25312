"""The framework editor, end to end in French: a coordinator of the Pacte pour la Transition
prepares the next version of the Pacte online, fills in its missing item 13, checks and
previews the draft, and publishes it; everyone then sees item 13 on the Pacte's page, in
what changed between the versions and on a page of its own. The editor's pages pass axe
and fit a small phone; the public pages make no request to a third party.

The French catalogue of the editor is still being written: each text of the pages is
matched as the catalogue translates it, or in English while it is not translated."""

import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from frameworks import drafts
from frameworks.models import Framework, FrameworkDraft
from frameworks.services import frameworks_load
from tests.browser.helpers import log_in, submit, totp_secret
from tests.browser.test_campaign_flow import phone_fits
from tests.support import make_partner_coordinator

pytestmark = pytest.mark.browser

PACTE = "pacte-pour-la-transition"
PACTE_PATH = f"/referentiels/{PACTE}/"
DRAFT_PATH = PACTE_PATH + "brouillon/"
COORDINATOR = "coordination@pacte.example.org"
PUBLISHER = "Pacte pour la Transition (Collectif pour une Transition Citoyenne)"
ITEM_13 = {
    "title": "Soutenir les initiatives citoyennes de transition",
    "summary": (
        "La commune soutient les collectifs d'habitant·es qui portent des projets de "
        "transition : locaux, subventions et accompagnement."
    ),
}


def tr(msgid, *, how="contains", **values):
    """A pattern matching the text `msgid` (with its %(values)s) as the French catalogue has
    it, or in English. `how`: "contains", "starts" or "exact"."""
    with translation.override("fr"):
        french = gettext(msgid)
    texts = (french % values, msgid % values) if values else (french, msgid)
    # Non-breaking spaces of the French typography: any space matches any space.
    body = "|".join(r"\s+".join(map(re.escape, text.split())) for text in texts)
    pattern = {"contains": "(?:{})", "starts": "^(?:{})", "exact": "^(?:{})$"}[how].format(body)
    return re.compile(pattern)


def section(page, heading):
    """The <section> headed `heading` (a pattern)."""
    return page.locator("main section").filter(has=page.get_by_role("heading", name=heading))


def not_yet_here(codes):
    """The end of the notice of a partial framework: the codes of its missing items."""
    return re.compile(tr("Not yet here:").pattern + r"\s*" + re.escape(codes) + r"\.")


def next_version():
    """The version a draft opened now proposes (the publisher may change it)."""
    return str(timezone.now().year)


@pytest.fixture
def frameworks(territories):
    """The frameworks of frameworks/data/ (the live server's tests flush the tables)."""
    frameworks_load()


@pytest.fixture
def pacte_coordinator(frameworks):
    return make_partner_coordinator(COORDINATOR, partner=PACTE, display_name="Coordination Pacte")


@pytest.fixture
def draft(pacte_coordinator):
    """The draft of the Pacte's next version, opened by its coordinator."""
    pacte = Framework.objects.get(slug=PACTE, is_current=True)
    return drafts.draft_open(framework=pacte, user=pacte_coordinator)


def sign_in(browsing, user, next_path):
    browsing.open(f"/compte/login/?next={next_path}")
    page = log_in(browsing, COORDINATOR, totp=totp_secret(user))
    expect(page).to_have_url(browsing.url(next_path))
    return page


def open_the_form_for_item_13(browsing, page):
    """From the draft page, follow the link to fill in the missing item 13."""
    to_fill = section(page, tr("Items to fill in", how="exact"))
    page = submit(
        browsing, to_fill.get_by_role("link", name=tr("Fill in item %(code)s", how="exact", code="13"))
    )
    expect(page).to_have_url(browsing.url(DRAFT_PATH + "engagements/ajouter/?code=13"))
    expect(page.locator("h1")).to_have_text(tr("Fill in item %(code)s", how="exact", code="13"))
    return page


def write_item_13(browsing, page):
    """Write item 13 in its form (a measure, in section M), and save it in the draft."""
    form = page.locator("main form")
    expect(form.get_by_label(tr("Code", how="starts"))).to_have_value("13")
    form.get_by_label(tr("Section", how="starts")).select_option(value="M")
    form.get_by_label(tr("Title", how="starts")).fill(ITEM_13["title"])
    form.get_by_label(tr("Summary", how="starts")).fill(ITEM_13["summary"])
    themes = form.get_by_role("group", name=tr("Themes", how="exact"))
    themes.get_by_role("checkbox", name=tr("solidarity and inclusion", how="exact")).check()
    page = submit(browsing, form.get_by_role("button", name=tr("Save in the draft", how="exact")))
    expect(page).to_have_url(browsing.url(DRAFT_PATH + "#items"))
    expect(page.locator(".messages")).to_contain_text(tr("The draft is saved."))
    return page


# The scenario -----------------------------------------------------------------


def test_a_pacte_coordinator_fills_in_item_13_and_publishes_the_next_version(browsing, pacte_coordinator):
    version = next_version()
    page = sign_in(browsing, pacte_coordinator, PACTE_PATH)
    expect(page.locator("h1")).to_have_text("Pacte pour la Transition")

    # The coordinator prepares the next version: a draft of it opens, with its check.
    page = submit(browsing, page.get_by_role("button", name=tr("Prepare the next version", how="exact")))
    expect(page).to_have_url(browsing.url(DRAFT_PATH))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text(
        tr(
            "Draft: %(title)s, version %(version)s",
            how="exact",
            title="Pacte pour la Transition",
            version=version,
        )
    )
    check = section(page, tr("Check", how="exact"))
    expect(check).to_contain_text(
        tr("The draft passes every check of the framework files: it can be published.")
    )
    expect(check.locator(".errors")).to_have_count(0)
    expect(
        check.get_by_role("button", name=tr("Publish version %(version)s", version=version))
    ).to_be_visible()
    expect(page.locator("main .facts")).to_contain_text("13, 20, 22, 23")

    # They follow the link to fill in item 13, write it and save it.
    page = write_item_13(browsing, open_the_form_for_item_13(browsing, page))

    # The draft is saved: item 13 is in it and no longer to fill in.
    expect(page.locator("#item-13")).to_contain_text(f"13 {ITEM_13['title']}")
    expect(page.locator("main .facts")).to_contain_text("20, 22, 23")
    expect(page.locator("main .facts")).not_to_contain_text("13, 20")
    expect(page.get_by_role("link", name=tr("Fill in item %(code)s", how="exact", code="13"))).to_have_count(
        0
    )
    check = section(page, tr("Check", how="exact"))
    expect(check.locator(".errors")).to_have_count(0)

    # The preview shows the public page as it will be.
    page = submit(browsing, check.get_by_role("link", name=tr("Preview the public page", how="exact")))
    expect(page).to_have_url(browsing.url(DRAFT_PATH + "apercu/"))
    expect(page.get_by_role("note").first).to_contain_text(
        tr(
            "Preview of the draft of version %(version)s: this is how the public page will look "
            "once it is published.",
            version=version,
        )
    )
    expect(page.locator("h1")).to_have_text("Pacte pour la Transition")
    expect(page.locator("main .items li").filter(has_text=ITEM_13["title"])).to_contain_text(
        f"13 {ITEM_13['title']}"
    )
    expect(page.locator("main .notice").filter(has_text="20, 22")).to_contain_text(not_yet_here("20, 22, 23"))

    # Back to the draft, they publish it.
    page = submit(browsing, page.get_by_role("link", name=tr("Back to the draft", how="exact")))
    expect(page).to_have_url(browsing.url(DRAFT_PATH))
    page = submit(
        browsing,
        page.get_by_role("button", name=tr("Publish version %(version)s", how="exact", version=version)),
    )

    # The public page of the Pacte is the new version, with item 13.
    expect(page).to_have_url(browsing.url(PACTE_PATH))
    expect(page.locator(".messages")).to_contain_text(
        tr(
            "Version %(version)s of “%(title)s” is published.",
            version=version,
            title="Pacte pour la Transition",
        )
    )
    expect(page.locator("h1")).to_have_text("Pacte pour la Transition")
    expect(page.locator("main .muted").first).to_contain_text(f"{PUBLISHER} · version {version}")
    expect(page.get_by_role("link", name=f"13 {ITEM_13['title']}")).to_be_visible()
    notice = page.locator("main .notice")
    expect(notice).to_contain_text(not_yet_here("20, 22, 23"))
    expect(notice).not_to_contain_text(re.compile(r"\b13\b"))
    assert not FrameworkDraft.objects.filter(slug=PACTE, published_at__isnull=True).exists()
    published = Framework.objects.get(slug=PACTE, is_current=True)
    assert published.version == version and published.missing == ["20", "22", "23"]

    # What changed between the versions: item 13 is added.
    page = submit(browsing, page.get_by_role("link", name=tr("What changed between versions", how="exact")))
    expect(page).to_have_url(browsing.url(PACTE_PATH + "comparer/"))
    expect(page.get_by_role("heading", level=2)).to_have_text(
        tr("From version %(old)s to version %(new)s", how="exact", old="2020", new=version)
    )
    added = page.get_by_role("heading", name=tr("Items added", how="exact")).locator(
        "xpath=following-sibling::ul[1]"
    )
    expect(added.get_by_role("listitem")).to_have_text([f"13 {ITEM_13['title']}"])

    # Item 13 has its page.
    page = browsing.open(PACTE_PATH + "engagements/13/")
    expect(page.locator("h1")).to_have_text(f"13 {ITEM_13['title']}")
    expect(page.locator("main")).to_contain_text(ITEM_13["summary"])
    expect(page.locator("main")).to_contain_text(f"Pacte pour la Transition ({version})")
    expect(page.get_by_role("link", name=tr("solidarity and inclusion", how="exact"))).to_be_visible()


# On a small phone ---------------------------------------------------------------------


def test_the_draft_and_the_item_form_fit_a_small_phone(open_browsing, pacte_coordinator, draft):
    phone = open_browsing()
    phone.page.set_viewport_size({"width": 360, "height": 640})
    page = sign_in(phone, pacte_coordinator, DRAFT_PATH)
    expect(page.locator("h1")).to_contain_text("Pacte pour la Transition")
    phone_fits(page)

    # The form to fill in item 13, reached from the draft.
    page = open_the_form_for_item_13(phone, page)
    phone_fits(page)
    button = page.locator("main form").get_by_role("button", name=tr("Save in the draft", how="exact"))
    button.scroll_into_view_if_needed()
    expect(button).to_be_in_viewport()

    # The form of an item with ambition levels.
    page = phone.open(DRAFT_PATH + "engagements/07/")
    expect(page.locator("h1")).to_have_text(tr("Item %(code)s", how="exact", code="07"))
    phone_fits(page)


# No third party -------------------------------------------------------------------------


@pytest.fixture
def published(pacte_coordinator, draft):
    """A version of the Pacte with item 13, published from a draft."""
    values = {"code": "13", "section": "M", "themes": ["solidarity"], "levels": [], "sources": [], **ITEM_13}
    draft = drafts.draft_change(
        draft=draft,
        revision=draft.revision,
        user=pacte_coordinator,
        change="Item 13 saved",
        edit=lambda data: drafts.item_set(data, None, values),
    )
    return drafts.draft_publish(draft=draft, revision=draft.revision, user=pacte_coordinator)


PUBLIC_PATHS = (
    "/referentiels/",
    PACTE_PATH,
    PACTE_PATH + "?theme=solidarity",
    PACTE_PATH + "comparer/",
    PACTE_PATH + "comparer/?de={version}&a=2020",
    PACTE_PATH + "engagements/13/",
    PACTE_PATH + "versions/2020/",
    PACTE_PATH + "versions/2020/engagements/12/",
)


def test_the_public_pages_of_a_published_version_make_no_third_party_request(browsing, published):
    for path in PUBLIC_PATHS:
        page = browsing.open(path.format(version=published.version))
        expect(page.locator("h1")).to_be_visible()
        # open() checked the page (no request to another origin, no script error, axe); check
        # again once the page has loaded everything it asks for.
        page.wait_for_load_state("networkidle")
        browsing.assert_no_third_party_request()
    assert any(browsing.is_own(url) and url.endswith(".css") for url in browsing.requests)
    # A visitor is offered no editing.
    page = browsing.open(PACTE_PATH)
    expect(page.get_by_role("button", name=tr("Prepare the next version", how="exact"))).to_have_count(0)


# Known problems of the editor ------------------------------------------------------------


def item_codes(items):
    """The codes of the items of a list, in their order on the page."""
    return [text.strip() for text in items.all_inner_texts()]


def test_a_filled_in_item_takes_its_place_between_its_neighbours(browsing, pacte_coordinator, draft):
    page = sign_in(browsing, pacte_coordinator, DRAFT_PATH)
    page = write_item_13(browsing, open_the_form_for_item_13(browsing, page))
    codes = item_codes(page.locator("main ul.draft-items li > strong"))
    assert codes[codes.index("12") : codes.index("12") + 3] == ["12", "13", "14"], codes
    page = submit(browsing, page.get_by_role("link", name=tr("Preview the public page", how="exact")))
    codes = item_codes(page.locator("main .items .item-code"))
    assert codes[codes.index("12") : codes.index("12") + 3] == ["12", "13", "14"], codes


def test_the_preview_names_the_publisher_as_the_public_page_does(browsing, pacte_coordinator, draft):
    page = sign_in(browsing, pacte_coordinator, DRAFT_PATH + "apercu/")
    expect(page.locator("main .muted").first).to_contain_text(f"{PUBLISHER} · version {next_version()}")


def test_the_choices_of_the_item_form_are_in_named_groups(browsing, pacte_coordinator, draft):
    page = sign_in(browsing, pacte_coordinator, DRAFT_PATH + "engagements/ajouter/?code=13")
    form = page.locator("main form")
    sure = tr("How sure is this text?", how="starts")
    confidence = form.get_by_role("radiogroup", name=sure).or_(form.get_by_role("group", name=sure))
    expect(confidence.get_by_role("radio")).to_have_count(3)
    themes = form.get_by_role("group", name=tr("Themes", how="exact"))
    for group, count in (("Welcome", 12), ("Transition", 7)):
        expect(
            themes.get_by_role("group", name=tr(group, how="exact")).get_by_role("checkbox")
        ).to_have_count(count)
