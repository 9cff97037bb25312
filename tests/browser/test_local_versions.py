"""A local version of the Pacte, end to end in French: the coordinator of a validated local
group creates it from the Pacte's page, rewords measure 26 for the town, adds a local item
that stands for measures 26 and 28, and publishes it. The Pacte's page lists it; once the
elected list of the town has signed it, the national page of measure 28 counts the commune
and the commune's page shows the local wording. Every page passes axe."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from campaigns import services as campaigns
from frameworks.models import Framework
from tests.browser.helpers import log_in, submit
from tests.browser.test_framework_editor import PACTE, PACTE_PATH, section, tr
from tests.support import make_group, make_partner_coordinator, make_user

pytestmark = pytest.mark.browser

LOCAL_ITEM = {
    "code": "L1",
    "title": "Un conseil local des personnes exilées",
    "summary": "La commune réunit chaque trimestre un conseil consultatif des personnes exilées.",
}


@pytest.fixture
def frameworks(territories):
    from frameworks.services import frameworks_load

    frameworks_load()


@pytest.fixture
def awa(frameworks):
    user = make_user("awa@example.org", display_name="Awa Diallo")
    make_group("Accueil Saint-Denis", coordinator=user)
    return user


def test_a_local_group_publishes_a_local_version_that_counts_for_the_national_items(browsing, awa):
    browsing.open(f"/compte/login/?next={PACTE_PATH}")
    page = log_in(browsing, "awa@example.org")
    expect(page).to_have_url(browsing.url(PACTE_PATH))

    # From the Pacte's page, she starts a local version for her group.
    page = submit(
        browsing, page.get_by_role("link", name=tr("Create a local version for my group", how="exact"))
    )
    expect(page.locator("h1")).to_have_text(tr("Create a local version", how="exact"))
    page.get_by_label(tr("For the local group")).select_option(label="Accueil Saint-Denis")
    page = submit(browsing, page.get_by_role("button", name=tr("Start the local version", how="exact")))
    local_slug = f"{PACTE}-accueil-saint-denis"
    expect(page).to_have_url(browsing.url(f"/referentiels/{local_slug}/brouillon/"))
    expect(section(page, tr("Check", how="exact")).locator(".errors")).to_have_count(0)

    # She rewords measure 26 for the town.
    page = submit(browsing, page.locator("#item-26").get_by_role("link", name=tr("Edit")))
    title = page.get_by_label(re.compile("^(Titre|Title)"))
    title.fill("Un lieu d'accueil de jour à Saint-Denis")
    page = submit(browsing, page.get_by_role("button", name=tr("Save in the draft", how="exact")))
    expect(page.locator("#item-26")).to_contain_text("Un lieu d'accueil de jour à Saint-Denis")

    # She adds a local item standing for measures 26 and 28.
    page = submit(browsing, page.get_by_role("link", name=tr("Add an item", how="exact")))
    page.get_by_label(re.compile("^Code")).fill(LOCAL_ITEM["code"])
    page.get_by_label(re.compile("^(Titre|Title)")).fill(LOCAL_ITEM["title"])
    page.get_by_label(re.compile("^(Résumé|Summary)")).fill(LOCAL_ITEM["summary"])
    page.get_by_label(re.compile("^(Section)")).select_option("M")
    stands_for = page.get_by_role("group", name=tr("National items it stands for"))
    expect(stands_for).to_be_visible()
    stands_for.locator("input[value='26']").check()
    stands_for.locator("input[value='28']").check()
    page = submit(browsing, page.get_by_role("button", name=tr("Save in the draft", how="exact")))
    expect(page.locator("#item-l1")).to_contain_text(LOCAL_ITEM["title"])

    # She publishes it: it is listed under the Pacte, with its items and what they stand for.
    page = submit(browsing, page.get_by_role("button", name=re.compile("^(Publier|Publish)")))
    expect(page).to_have_url(browsing.url(f"/referentiels/{local_slug}/"))
    expect(page.locator("main")).to_contain_text(LOCAL_ITEM["title"])
    local = Framework.objects.get(slug=local_slug, is_current=True)
    assert local.parent.slug == PACTE
    assert set(local.items.get(code="L1").national_items.values_list("code", flat=True)) == {"26", "28"}
    browsing.open(PACTE_PATH)
    expect(section(browsing.page, tr("Local versions", how="exact"))).to_contain_text(local.title)

    # The elected list of Saint-Denis signs the local version (a paper bulletin here).
    coordinator = make_partner_coordinator("coordination@pacte.example.org", partner=PACTE)
    campaign = campaigns.campaign_create(
        user=coordinator,
        title="Suivi 2026",
        kind="election",
        frameworks=[local],
        organizers=[local.parent.publisher],
    )
    target = campaigns.target_take_on(
        campaign=campaign, commune=local.publisher.commune, group=None, user=coordinator
    )
    candidate_list = campaigns.list_add(target=target, name="Saint-Denis Ensemble", head_name="Marie Curie")
    campaigns.paper_record(
        target=target,
        framework=local,
        choices=[(local.items.get(code=code), None, "") for code in ("26", "L1")],
        signatory_name="Marie Curie",
        signatory_role="tête de liste",
        signed_on=timezone.localdate(),
        candidate_list=candidate_list,
    )
    campaigns.mark_elected(target=target, candidate_list=candidate_list)

    # The national page of measure 28 counts Saint-Denis; the commune's page shows the local wording.
    browsing.open(f"{PACTE_PATH}engagements/28/")
    expect(browsing.page.locator("main")).to_contain_text("Saint-Denis")
    browsing.open("/communes/93066/")
    main = browsing.page.locator("main")
    expect(main).to_contain_text("Un lieu d'accueil de jour à Saint-Denis")
    expect(main).to_contain_text(LOCAL_ITEM["title"])
