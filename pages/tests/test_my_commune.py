"""« Ma commune »: the page of a verified municipal contact — its communes' campaigns (phase,
status), the commitments for the mandate consolidated per framework, what waits for the
town hall, and the actions (a council deliberation on any framework, the municipality's
voice); who gets it, its empty state, its bounded queries."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from actors.models import MunicipalContact
from campaigns import services as campaigns_services
from campaigns.models import Campaign
from campaigns.tests.helpers import (
    ANVITA,
    EGM,
    PACTE,
    add_list,
    choices,
    framework,
    item,
    make_campaign,
    take_on,
)
from commitments import declarations
from commitments.declarations import Committer, ProofGiven
from commitments.models import Declaration
from territories.models import Commune
from tests.support import browser, make_group, make_partner_coordinator, make_user, messages_of

pytestmark = pytest.mark.django_db
URL = "/compte/ma-commune/"


def fr(message, **params):
    with translation.override("fr"):
        text = gettext(message)
    return text % params if params else text


def html_of(response):
    assert response.status_code == 200, response.status_code
    return re.sub(r"[ \t\r\n]+", " ", response.content.decode())  # non-breaking spaces kept


def contact(user, code="93066", status=MunicipalContact.Status.VERIFIED, position="Adjointe à la solidarité"):
    return MunicipalContact.objects.create(
        user=user,
        commune=Commune.objects.get(code=code),
        role=MunicipalContact.Role.COUNCIL,
        position=position,
        status=status,
        method=MunicipalContact.Method.COORDINATOR if status == "verified" else "",
        verified_at=timezone.now() if status == "verified" else None,
    )


@pytest.fixture
def mayor():
    user = make_user("ines@example.org", display_name="Inès Adjointe")
    contact(user)
    return user


@pytest.fixture
def fatou():
    return make_user("fatou@example.org", display_name="Fatou Diallo")


@pytest.fixture
def group(fatou):
    return make_group("Accueil Saint-Denis", coordinator=fatou)


@pytest.fixture
def coordinator():
    return make_partner_coordinator("chloe@pacte.example.org", partner=PACTE, display_name="Chloé Pacte")


def declare(user, codes, *, slug=PACTE, capacity="municipality", organization=None, committer=None, days=10):
    return declarations.declaration_create(
        commune=Commune.objects.get(code="93066"),
        framework=framework(slug),
        choices=[(item(code, slug), None) for code in codes],
        committed_on=timezone.localdate() - timedelta(days=days),
        committer=committer or Committer("council"),
        proof=ProofGiven(reference="2026-045"),
        user=user,
        capacity=capacity,
        organization=organization,
    )


# Who gets the page ------------------------------------------------------------------------


def test_anonymous_people_are_asked_to_sign_in():
    response = browser().get(URL)

    assert response.status_code == 302 and response["Location"].startswith("/compte/login/")


def test_someone_who_is_not_a_verified_contact_is_sent_back_to_their_space_told_why():
    user = make_user("curieux@example.org")
    response = browser(user).get(URL)
    assert response.status_code == 302 and response["Location"] == "/compte/"
    assert messages_of(response) == [
        fr(
            "“My commune” is for the verified municipal contacts of a commune. Do you represent its council "
            "or staff? Open the commune's page and choose “I represent this commune”."
        )
    ]

    contact(user, status=MunicipalContact.Status.PENDING)
    response = browser(user).get(URL)
    assert response.status_code == 302
    assert messages_of(response) == [
        fr(
            "Your request to represent a commune waits for its verification: “My commune” opens once it is verified."
        )
    ]
    assert "/compte/ma-commune/" not in html_of(browser(user).get("/compte/"))


def test_a_verified_contact_finds_it_from_their_space_and_the_account_navigation(mayor):
    html = html_of(browser(mayor).get("/compte/"))

    assert html.count('href="/compte/ma-commune/"') == 2  # the account navigation and the section


# Empty state ---------------------------------------------------------------------------------


def test_a_new_contact_sees_the_empty_state_and_the_actions(mayor):
    html = html_of(browser(mayor).get(URL))

    assert "<h1>Ma commune</h1>" in html
    assert "Saint-Denis (93)" in html
    assert (
        fr(
            "You represent it: %(role)s (%(position)s).",
            role=fr("elected member of the council"),
            position="Adjointe à la solidarité",
        )
        in html
    )
    assert fr("Nothing waits for the town hall.") in html
    assert fr("No campaign addresses the commune yet.") in html
    assert (
        fr(
            "The commune has no commitment for the mandate yet. A list’s bulletin, once it is elected, or a "
            "deliberation of the council shows here."
        )
        in html
    )
    # Record a deliberation on any framework, ANVITA's charter included, and speak on the board.
    assert 'action="/communes/93066/suivi/declarer/"' in html
    assert '<input type="hidden" name="committed_by" value="council">' in html
    assert f'<option value="{ANVITA}">' in html and f'<option value="{EGM}">' in html
    assert 'href="/communes/93066/suivi/"' in html
    assert '<label for="deliberation-framework-93066">' in html and "<legend>" in html


# What it shows ----------------------------------------------------------------------------


@pytest.fixture
def campaign(coordinator):
    return make_campaign(coordinator, frameworks=(PACTE, ANVITA), first_round=date(2026, 3, 15))


def test_campaigns_with_their_phase_the_commune_s_status_and_the_deliberations_left(
    mayor, group, fatou, campaign
):
    target = take_on(campaign, group=group, user=fatou)
    campaigns_services.deliberation_record(
        target=target,
        framework=framework(ANVITA),
        choices=choices("P1", slug=ANVITA),
        reference="2026-12",
        adopted_on=timezone.localdate(),
        user=mayor,
    )

    html = html_of(browser(mayor).get(URL))

    assert 'href="/campagnes/municipales-2026/communes/93066/"' in html
    phase = fr("%(kind)s · %(phase)s", kind=fr("election").capitalize(), phase=translation_of_phase(campaign))
    assert phase in html
    target.refresh_from_db()
    assert target.get_status_display() and fr("committed").capitalize() in html
    assert "Accueil Saint-Denis" in html
    # The Pacte is still open to a deliberation in the campaign; the ANVITA charter is done.
    assert f"/campagnes/municipales-2026/communes/93066/deliberation/?referentiel={PACTE}" in html
    assert f"deliberation/?referentiel={ANVITA}" not in html


def translation_of_phase(campaign):
    with translation.override("fr"):
        return str(campaign.phase_label)


def test_commitments_are_consolidated_per_framework(mayor, group, fatou, campaign, coordinator):
    target = take_on(campaign, group=group, user=fatou)
    elected = add_list(target, name="Saint-Denis Ensemble", head_name="Marie Curie")
    campaigns_services.paper_record(
        target=target,
        framework=framework(PACTE),
        choices=choices("26", "01"),
        candidate_list=elected,
        signatory_name="Marie Curie",
        signatory_role="tête de liste",
        signed_on=timezone.localdate(),
        user=fatou,
    )
    campaigns_services.mark_elected(target=target, candidate_list=elected)
    # The council then deliberates on the Pacte (one item more) outside the campaign, and on ANVITA's charter.
    declare(mayor, ["01", "02"])
    declare(mayor, ["P1"], slug=ANVITA)

    html = html_of(browser(mayor).get(URL))

    section = html.split('id="commitments-93066"', 1)[1].split('id="campaigns-93066"', 1)[0]
    assert section.count("<h4>") == 2  # one list per framework
    pacte = section.split(framework(PACTE).title, 1)[1].split("</div>", 1)[0].replace("\xa0", " ")
    for code in ("01", "02"):
        assert f'<span class="item-code">{code}</span>' in pacte
    # One block per framework, shared with the commune page (commitments.consolidation):
    # each item once, naming its sources when several overlap.
    assert "délibération n° 2026-045" in pacte
    assert "bulletin de la liste « Saint-Denis Ensemble »" in pacte
    assert pacte.count('<span class="item-code">01</span>') == 1
    assert fr("Post an update") in section
    assert "/communes/93066/suivi/engagements/" in section


def test_what_waits_for_the_town_hall(mayor, group, fatou, coordinator):
    member_declaration = declare(fatou, ["26"], capacity="local_group", organization=group)
    own = declare(
        mayor, ["1"], slug=EGM, committer=Committer("list", "Saint-Denis en commun", "Camille Martin")
    )
    mid = make_campaign(coordinator, title="Mi-mandat", kind=Campaign.Kind.MID_MANDATE, frameworks=(PACTE,))
    target = take_on(mid, group=group, user=fatou)
    campaigns_services.invitation_send(
        target=target, framework=framework(PACTE), email="mairie@example.org", sent_by=fatou
    )
    contact(make_user("autre@example.org", display_name="Paul Autre"), status="pending", position="Directeur")

    html = html_of(browser(mayor).get(URL))

    requests = html.split('id="requests-93066"', 1)[1].split('id="commitments-93066"', 1)[0]
    assert member_declaration.get_absolute_url() in requests and own.get_absolute_url() in requests
    assert "Fatou Diallo (Accueil Saint-Denis)" in requests
    assert "mairie@example.org" in requests and "Mi-mandat" in requests
    assert "Paul Autre" in requests and "Directeur" in requests
    assert fr("Nothing waits for the town hall.") not in requests


def test_a_contact_of_several_communes_gets_a_section_each(mayor):
    contact(mayor, code="01001", position="Maire")

    html = html_of(browser(mayor).get(URL))

    assert 'href="#commune-93066"' in html and 'href="#commune-01001"' in html
    assert 'id="commune-01001"' in html and "L'Abergement-Clémenciat (01)" in html.replace("&#x27;", "'")


def test_the_page_runs_a_fixed_number_of_queries(mayor, group, fatou, campaign, coordinator):
    """As many queries for one commune with one of everything as for several with many."""
    client = browser(mayor)

    def deliberation(code, *items):
        target = take_on(campaign, code=code, group=group if code == "93066" else None, user=fatou)
        campaigns_services.deliberation_record(
            target=target,
            framework=framework(ANVITA),
            choices=choices(*items, slug=ANVITA),
            reference="2026-12",
            adopted_on=timezone.localdate(),
            user=mayor,
        )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    deliberation("93066", "P1")
    declare(mayor, ["01"])
    declare(fatou, ["1"], slug=EGM, capacity="local_group", organization=group)
    client.get(URL)  # the session is read and recorded once
    one = queries()
    contact(mayor, code="01001", position="Maire")
    contact(mayor, code="01004", position="Maire")
    deliberation("01001", "P1", "P2", "P3")
    declare(mayor, ["2"], slug=EGM, committer=Committer("list", "Liste", "Tête"))
    mid = make_campaign(
        coordinator, title="Mi-mandat", kind=Campaign.Kind.MID_MANDATE, frameworks=(PACTE, EGM)
    )
    take_on(mid, group=group, user=fatou)
    many = queries()

    assert many == one
    assert one <= 20  # the session, user and its sessions (6), the page's own (12), the account menu's


# Recording a deliberation from « Ma commune » ---------------------------------------------------


def test_recording_the_anvita_adhesion_from_my_commune(
    mayor, group, fatou, django_capture_on_commit_callbacks, mailoutbox
):
    client = browser(mayor)
    form = html_of(client.get(f"/communes/93066/suivi/declarer/?committed_by=council&referentiel={ANVITA}"))
    assert re.search(r'name="committed_by" value="council"[^>]*checked', form)
    anvita = framework(ANVITA)
    first = anvita.items.get(code="P1")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/communes/93066/suivi/declarer/?committed_by=council&referentiel={ANVITA}",
            {
                "referentiel": ANVITA,
                "committed_by": "council",
                "committed_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
                f"item_{first.pk}": "on",
                "deliberation_reference": "DCM-2026-031",
            },
        )

    assert response.status_code == 302, html_of(response)
    declaration = Declaration.objects.get()
    assert declaration.status == Declaration.Status.CONFIRMED and declaration.decided_by == mayor
    assert messages_of(response) == [
        fr("The deliberation is recorded and confirmed: its items are the commune's commitments.")
    ]
    assert [message.to for message in mailoutbox] == [["fatou@example.org"]]
    html = html_of(client.get(URL))
    assert anvita.title.replace("'", "&#x27;") in html.split('id="commitments-93066"', 1)[1]
