"""The communes of a department: a table sortable by its headers, paginated."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PAGE_SIZE = 50
CORSE_DU_SUD_COMMUNES = 124


def header(page, name):
    return page.locator("table.communes th").filter(has_text=name)


def populations(page):
    cells = page.locator("table.communes tbody td.number").all_inner_texts()
    return [int(re.sub(r"\D", "", cell)) for cell in cells]


def click_and_check(browsing, link, url):
    link.click()
    browsing.page.wait_for_url(url)
    browsing.check_page()


def test_communes_are_listed_by_name_fifty_per_page(browsing):
    page = browsing.open("/departements/2A/")

    expect(page.locator("h1")).to_have_text("Corse-du-Sud (2A)")
    expect(page.locator("table.communes tbody tr")).to_have_count(PAGE_SIZE)
    expect(header(page, "Commune")).to_have_attribute("aria-sort", "ascending")
    expect(header(page, "Population")).not_to_have_attribute("aria-sort", re.compile(".*"))
    expect(page.locator("table.communes tbody tr").first.locator("td").first).to_have_text("Afa")
    pages = page.locator("nav.pagination")
    expect(pages.locator('[aria-current="page"]')).to_have_text("1")
    expect(pages.get_by_role("link", name="3", exact=True)).to_be_visible()


def test_population_header_sorts_by_decreasing_then_increasing_population(browsing):
    page = browsing.open("/departements/2A/")
    population = header(page, "Population")

    click_and_check(browsing, population.get_by_role("link"), re.compile(r"\?tri=-population$"))
    expect(population).to_have_attribute("aria-sort", "descending")
    expect(header(page, "Commune")).not_to_have_attribute("aria-sort", re.compile(".*"))
    expect(page.locator("table.communes tbody tr").first.locator("td").first).to_have_text("Ajaccio")
    assert populations(page) == sorted(populations(page), reverse=True)

    click_and_check(browsing, population.get_by_role("link"), re.compile(r"\?tri=population$"))
    expect(population).to_have_attribute("aria-sort", "ascending")
    assert populations(page) == sorted(populations(page))


def test_next_page_keeps_the_chosen_sort(browsing):
    page = browsing.open("/departements/2A/?tri=-population")
    smallest_on_first_page = min(populations(page))

    click_and_check(
        browsing, page.locator('nav.pagination a[rel="next"]'), re.compile(r"\?tri=-population&page=2$")
    )
    expect(page.locator('nav.pagination [aria-current="page"]')).to_have_text("2")
    expect(header(page, "Population")).to_have_attribute("aria-sort", "descending")
    expect(page.locator("table.communes tbody tr")).to_have_count(PAGE_SIZE)
    assert max(populations(page)) <= smallest_on_first_page
    click_and_check(
        browsing, page.locator('nav.pagination a[rel="next"]'), re.compile(r"\?tri=-population&page=3$")
    )
    expect(page.locator("table.communes tbody tr")).to_have_count(CORSE_DU_SUD_COMMUNES - 2 * PAGE_SIZE)
