"""The barometer's pages: the rating form (every committed item, one POST, all or nothing,
errors per item), the board's ratings and their evolution, the national page, the panels
of the item, department and region pages (counts per level and voice, bounded queries),
and the coordinators' pages to open a barometer and change its period."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actors.models import Membership
from followup.models import Barometer, Rating, Score, Voice
from territories.models import Commune
from tests.support import browser, make_group, make_partner_coordinator, make_user, messages_of

from .conftest import member_of
from .helpers import PACTE, fr, item
from .test_barometer_support import CIVIL_SOCIETY, MUNICIPALITY, cap, open_barometer, rate, staff

pytestmark = pytest.mark.django_db

BOARD = "/communes/93066/suivi/"


def form_url(barometer, voice_slug="municipalite", code="93066"):
    return f"/communes/{code}/suivi/barometre/{barometer.framework_slug}/{barometer.year}/{voice_slug}/"


def html_of(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        html_of(client.get(url))
    return len(captured)


@pytest.fixture
def barometer(committed):
    return open_barometer()


# The rating form ---------------------------------------------------------------------------------


def test_the_form_lists_every_committed_item_with_the_scale(barometer, mayor):
    html = html_of(browser(mayor).get(form_url(barometer)))

    for code in ("26", "01", "B"):
        assert f'name="score_{item(code).pk}"' in html
        assert f'name="comment_{item(code).pk}"' in html
    assert html.count('type="radio"') == 3 * 6  # five levels and "not rated"
    assert "speaking_for" not in html


def test_one_post_saves_every_rating(barometer, mayor):
    data = {
        f"score_{item('26').pk}": "5",
        f"comment_{item('26').pk}": "Le lieu d’accueil a ouvert.",
        f"score_{item('01').pk}": "2",
        f"score_{item('B').pk}": "",
    }
    response = browser(mayor).post(form_url(barometer), data)

    assert response.status_code == 302 and response["Location"] == BOARD + "#barometre"
    assert {(r.item.code, r.score) for r in Rating.objects.select_related("item")} == {("26", 5), ("01", 2)}
    assert messages_of(response) == [
        fr("Your ratings are saved. You may change them until the barometer closes.")
    ]


def test_all_or_nothing_with_an_error_per_item(barometer, mayor):
    data = {
        f"score_{item('26').pk}": "5",
        f"score_{item('01').pk}": "",
        f"comment_{item('01').pk}": "Sans niveau",
        f"comment_{item('B').pk}": "x" * 1001,
        f"score_{item('B').pk}": "3",
    }
    html = html_of(browser(mayor).post(form_url(barometer), data))

    assert not Rating.objects.exists()
    assert fr("Nothing is saved: correct the items marked below, then send the form again.") in html
    fieldsets = dict(
        re.findall(r'<fieldset class="barometer-rating[^"]*" id="item-(\d+)">(.*?)</fieldset>', html, re.S)
    )
    assert "row-error" not in html.split(f'id="item-{item("26").pk}"')[0].rsplit("<fieldset", 1)[1]
    assert fr("Choose a level for this item, or leave its comment empty.") in fieldsets[str(item("01").pk)]
    assert (
        fr("The comment is too long: %(max)s characters at most.", max=1000) in fieldsets[str(item("B").pk)]
    )
    assert "Sans niveau" in fieldsets[str(item("01").pk)]  # what was typed stays


def test_the_form_shows_the_voices_ratings_to_change_them(barometer, mayor):
    rate(mayor, barometer, MUNICIPALITY, {"26": Score.ON_TRACK}, comments={"26": "En cours."})

    html = html_of(browser(mayor).get(form_url(barometer)))

    assert re.search(rf'name="score_{item("26").pk}" value="3"[^>]*checked', html)
    assert "En cours." in html


def test_each_voice_has_its_own_form(barometer, mayor, member, other_mayor):
    assert browser(member).get(form_url(barometer)).status_code == 403
    assert browser(mayor).get(form_url(barometer, "societe-civile")).status_code == 403
    assert browser(other_mayor).get(form_url(barometer)).status_code == 403
    assert browser(member).get(form_url(barometer, "societe-civile")).status_code == 200
    anonymous = browser().get(form_url(barometer))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/compte/login/")


def test_a_closed_barometer_refuses_ratings(committed, mayor):
    closed = open_barometer(year=2025, opens_on=date(2025, 4, 1), closes_on=date(2025, 6, 30))

    html = html_of(browser(mayor).post(form_url(closed), {f"score_{item('26').pk}": "5"}))

    assert not Rating.objects.exists()
    assert "disabled" in html


def test_a_member_of_two_groups_says_which_one_speaks(barometer, member, group):
    other = make_group("Collectif Saint-Denis", coordinator=make_user("autre@example.org"))
    both = member_of(group, "deux@example.org")
    Membership.objects.create(user=both, organization=other)
    client = browser(both)
    assert 'name="speaking_for"' in html_of(client.get(form_url(barometer, "societe-civile")))

    response = client.post(
        form_url(barometer, "societe-civile"),
        {"speaking_for": f"group-{other.pk}", f"score_{item('26').pk}": "2"},
    )

    assert response.status_code == 302
    assert Rating.objects.get().organization == other


# The board -----------------------------------------------------------------------------------------


@pytest.fixture
def two_years(committed, mayor, member):
    earlier = open_barometer(year=2025, opens_on=date(2025, 4, 1), closes_on=date(2025, 6, 30))
    rate(mayor, earlier, MUNICIPALITY, {"26": Score.BEGUN, "01": Score.NOT_STARTED})
    rate(member, earlier, CIVIL_SOCIETY, {"26": Score.NOT_STARTED})
    latest = open_barometer()
    rate(mayor, latest, MUNICIPALITY, {"26": Score.LARGELY_DONE}, comments={"26": "Ouvert en mai."})
    rate(member, latest, CIVIL_SOCIETY, {"26": Score.ON_TRACK})
    return earlier, latest


def article_of(html, code):
    article = html[html.index(f'id="engagement-{item(code).pk}"') :]
    return article[: article.index("</article>")]


def test_the_board_shows_both_ratings_and_their_evolution(client, two_years):
    earlier, latest = two_years
    article = article_of(html_of(client.get(BOARD)), "26")

    block = article[article.index("barometer-item") :]
    assert fr("Barometer %(year)s", year=latest.year) in block
    assert fr("largely achieved") in block and fr("on track") in block and "Ouvert en mai." in block
    assert block.count("barometer-sparkline") == 2  # two years rated by each voice
    assert fr("%(year)s: %(level)s", year=earlier.year, level=fr("begun")) in block
    assert fr("%(year)s: %(level)s", year=latest.year, level=fr("on track")) in block
    not_rated = article_of(html_of(client.get(BOARD)), "B")
    assert fr("not rated") in not_rated


def test_the_board_invites_each_voice_to_rate_while_open(client, barometer, mayor):
    html = html_of(browser(mayor).get(BOARD))

    assert form_url(barometer) in html and form_url(barometer, "societe-civile") not in html
    assert form_url(barometer) not in html_of(client.get(BOARD))


def test_the_board_runs_as_many_queries_with_one_rating_as_with_many(client, committed, mayor, member):
    barometer = open_barometer()
    rate(mayor, barometer, MUNICIPALITY, {"26": Score.BEGUN})
    few = queries_of(client, BOARD)
    rate(mayor, barometer, MUNICIPALITY, {"26": Score.ON_TRACK, "01": Score.BEGUN, "B": Score.FULLY_DONE})
    rate(member, barometer, CIVIL_SOCIETY, {"26": Score.ON_TRACK, "01": Score.BEGUN, "B": Score.FULLY_DONE})
    open_barometer(year=barometer.year - 1)

    assert queries_of(client, BOARD) == few


# Aggregates --------------------------------------------------------------------------------------------


def ratings_in(barometer, communes, scores):
    """Ratings made directly: {(item code, voice): score} for each commune."""
    Rating.objects.bulk_create(
        Rating(barometer=barometer, commune=commune, item=item(code), voice=voice, score=score)
        for commune in communes
        for (code, voice), score in scores.items()
    )


def communes_of(department, count):
    return list(Commune.objects.filter(department__code=department, is_active=True).order_by("code")[:count])


SCORES = {("26", MUNICIPALITY): Score.FULLY_DONE, ("26", CIVIL_SOCIETY): Score.BEGUN, ("01", MUNICIPALITY): 3}


def test_the_national_page_counts_each_level_per_voice(client, committed):
    barometer = open_barometer()
    ratings_in(barometer, communes_of("93", 3), SCORES)
    ratings_in(barometer, communes_of("01", 2), {("26", CIVIL_SOCIETY): Score.BEGUN})

    html = html_of(client.get(barometer.get_absolute_url()))

    caption = fr("Item %(code)s. %(title)s: ratings per level and voice", code="26", title=item("26").title)
    table = html[html.index(caption) :]
    table = table[: table.index("</table>")]
    rows = {
        re.sub(r"<[^>]+>", "", head).strip(): re.findall(r'<td class="number">(\d+)</td>', cells)
        for head, cells in re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', table, re.S)
    }
    assert rows[cap(fr("begun"))] == ["0", "5"]
    assert rows[cap(fr("fully achieved"))] == ["3", "0"]
    assert rows[cap(fr("on track"))] == ["0", "0"]
    assert '<svg class="barometer-chart"' in html and 'role="img"' in html
    assert fr("Communes that answered:") in html


def test_the_national_page_runs_as_many_queries_for_one_commune_as_for_many(client, committed):
    barometer = open_barometer()
    ratings_in(barometer, communes_of("93", 1), SCORES)
    one = queries_of(client, barometer.get_absolute_url())
    ratings_in(barometer, communes_of("01", 40), SCORES)

    assert queries_of(client, barometer.get_absolute_url()) == one


@pytest.mark.parametrize("url", ["/departements/93/", "/regions/11/"])
def test_the_department_and_region_pages_show_their_counts(client, committed, url):
    barometer = open_barometer()
    ratings_in(barometer, communes_of("93", 2), SCORES)
    ratings_in(barometer, communes_of("01", 5), SCORES)  # elsewhere: not counted
    one = queries_of(client, url)
    ratings_in(barometer, communes_of("93", 10)[2:], SCORES)

    html = html_of(client.get(url))
    assert queries_of(client, url) == one
    assert fr("Yearly barometer of the commitments") in html
    panel = html[html.index('id="barometer-area-title"') :]
    assert fr("Communes that answered:") + f" {fr('municipality').capitalize()} 10" in re.sub(
        r"\s+", " ", panel
    )


def test_no_panel_without_ratings(client, committed):
    open_barometer()

    assert "barometer-area-title" not in html_of(client.get("/departements/93/"))
    assert "barometer-item-title" not in html_of(client.get(f"/referentiels/{PACTE}/engagements/26/"))


def test_the_item_page_counts_each_year(client, two_years):
    earlier, latest = two_years
    url = f"/referentiels/{PACTE}/engagements/26/"
    one = queries_of(client, url)
    ratings_in(latest, communes_of("01", 20), {("26", MUNICIPALITY): Score.ON_TRACK})

    html = html_of(client.get(url))
    assert queries_of(client, url) == one
    panel = html[html.index('id="barometer-item-title"') :]
    assert fr("Barometer %(year)s: communes per level and voice", year=latest.year) in panel
    assert fr("Barometer %(year)s: communes per level and voice", year=earlier.year) in panel
    totals = re.findall(
        r'<tfoot><tr><th scope="row">[^<]*</th><td class="number">(\d+)</td><td class="number">(\d+)</td>',
        panel,
    )
    assert totals[0] == ("21", "1")  # the latest year: 20 + Saint-Denis's mayor; its group member


# Opening a barometer ---------------------------------------------------------------------------------


def test_a_coordinator_of_the_publisher_opens_a_barometer(db):
    coordinator = make_partner_coordinator("coord@pacte.example.org", partner=PACTE)
    client = browser(coordinator)
    assert html_of(client.get("/suivi/barometres/")).count(f"/suivi/barometres/{PACTE}/ouvrir/") == 1

    response = client.post(
        f"/suivi/barometres/{PACTE}/ouvrir/",
        {"year": "2027", "opens_on": "2027-04-01", "closes_on": "2027-06-30"},
    )
    barometer = Barometer.objects.get()
    assert response.status_code == 302 and response["Location"] == barometer.get_absolute_url()
    assert barometer.created_by == coordinator

    html = html_of(
        client.post(
            f"/suivi/barometres/{PACTE}/ouvrir/",
            {"year": "2027", "opens_on": "2027-05-01", "closes_on": "2027-04-30"},
        )
    )
    assert fr("The barometer closes after it opens.") in html
    html = html_of(
        client.post(
            f"/suivi/barometres/{PACTE}/ouvrir/",
            {"year": "2027", "opens_on": "2027-05-01", "closes_on": "2027-06-30"},
        )
    )
    assert fr("%(framework)s already has a barometer for %(year)s.", framework="Pacte", year=2027) in html

    response = client.post(
        f"/suivi/barometres/{PACTE}/2027/modifier/", {"opens_on": "2027-04-02", "closes_on": "2027-07-14"}
    )
    barometer.refresh_from_db()
    assert response.status_code == 302 and barometer.closes_on == date(2027, 7, 14)


def test_others_do_not_open_barometers(db):
    egm = make_partner_coordinator("coord@egm.example.org", partner="egm")

    assert browser(egm).get(f"/suivi/barometres/{PACTE}/ouvrir/").status_code == 403
    assert browser(staff()).get(f"/suivi/barometres/{PACTE}/ouvrir/").status_code == 200
    assert browser().get(f"/suivi/barometres/{PACTE}/ouvrir/").status_code == 302


def test_voice_choices_are_the_followups(db):
    assert [voice for voice, _label in Voice.choices] == [MUNICIPALITY, CIVIL_SOCIETY]
