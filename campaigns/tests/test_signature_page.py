"""The signature page as a head of list uses it: the signatory pre-filled from the list,
ambition levels as radio buttons whose text is visible, « Tout cocher » (a static script,
the page working without it), then a summary of the chosen items, levels and comments
before the final « Signer » — nothing is signed before it — and « Modifier mes choix »
bringing the form back as it was. Declining stays on the page."""

import re
from html import unescape

import pytest
from django.conf import settings

from campaigns import services
from campaigns.models import Campaign, SignatureInvitation
from commitments.models import Commitment, CommitmentItem
from tests.support import browser

from .helpers import ANVITA, PACTE, fr, framework, item, make_campaign, take_on

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]

COMMENT = "Dès la rentrée.\nAvec les écoles du quartier."


@pytest.fixture
def campaign(coordinator):
    """The campaign of conftest.py, without a date for its first round."""
    return make_campaign(coordinator, frameworks=(PACTE, ANVITA))


@pytest.fixture
def invited(target, first, member):
    """(invitation, token) for Marie Curie, head of the list « Saint-Denis Ensemble »."""
    return services.invitation_send(
        target=target, framework=framework(), email="tete@example.org", sent_by=member, candidate_list=first
    )


def page_url(token):
    return f"/signer/{token}/"


def choices_data(level=None, comment=""):
    """Items A and 07 ticked; 07 with `level` (a Level) and `comment`."""
    data = {
        "signatory_name": "Marie Curie",
        "signatory_role": "Tête de liste",
        "terms": "on",
        f"item_{item('A').pk}": "on",
        f"item_{item('07').pk}": "on",
    }
    if level is not None:
        data[f"level_{item('07').pk}"] = level.pk
    if comment:
        data[f"comment_{item('07').pk}"] = comment
    return data


def hidden_fields(html):
    """The hidden inputs of the summary's form, as the browser would send them back."""
    form = re.search(r'<form method="post"[^>]*class="form sign-form">(.*?)</form>', html, re.S).group(1)
    fields = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form):
        fields[unescape(name)] = unescape(value)
    return fields


# The form -------------------------------------------------------------------------------------


def test_the_signatory_is_pre_filled_from_the_list(invited):
    _invitation, token = invited
    html = browser().get(page_url(token)).content.decode()
    assert re.search(r'name="signatory_name"[^>]*value="Marie Curie"', html)
    assert re.search(r'name="signatory_role"[^>]*value="Tête de liste"', html)
    # Pre-filled, not imposed: another signatory writes their own name.
    assert 'name="signatory_name"' in html and "readonly" not in html


def test_without_a_list_nothing_is_pre_filled(coordinator, group, member):
    campaign = make_campaign(coordinator, title="Mi-mandat", kind=Campaign.Kind.MID_MANDATE)
    target = take_on(campaign, group=group, user=member)
    _invitation, token = services.invitation_send(
        target=target, framework=framework(), email="mairie@example.org", sent_by=member
    )
    html = browser().get(page_url(token)).content.decode()
    assert not re.search(r'name="signatory_name"[^>]*value=', html)
    assert not re.search(r'name="signatory_role"[^>]*value=', html)


def test_levels_are_radio_buttons_with_their_text_and_no_level_chosen_by_default(invited):
    _invitation, token = invited
    html = browser().get(page_url(token)).content.decode()
    measure = item("07")
    levels = list(measure.levels.all())
    assert levels, "the fixture's item 07 has ambition levels"
    assert f'<select name="level_{measure.pk}"' not in html
    for level in levels:
        radio = re.search(
            rf'<input type="radio" name="level_{measure.pk}" value="{level.pk}"[^>]*id="([^"]+)"', html
        )
        assert radio, level.title
        assert re.search(rf'<label for="{radio.group(1)}">\s*{re.escape(level.title)}\s*</label>', html)
    no_level = re.search(rf'<input type="radio" name="level_{measure.pk}" value=""([^>]*)>', html)
    assert no_level and "checked" in no_level.group(1)
    assert fr("No level chosen") in html
    # A group of radio buttons is a fieldset whose legend names it.
    assert re.search(r'<fieldset class="level-choices">\s*<legend>' + fr("Ambition level"), html)


def test_tick_all_is_a_static_script_and_the_page_has_no_inline_code(invited):
    _invitation, token = invited
    html = browser().get(page_url(token)).content.decode()
    assert re.search(r"<div class=\"check-all\" data-check-all hidden>", html)  # shown by the script
    assert fr("Tick all") in html and fr("Untick all") in html
    assert f'src="{settings.STATIC_URL}campaigns/js/sign.js"' in html
    assert f'href="{settings.STATIC_URL}campaigns/css/sign.css"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # strict CSP: no inline script
    assert " style=" not in html and "<style" not in html
    # Without JavaScript, the form still says what to do and goes to the summary.
    assert fr("Review my bulletin") in html


def test_declining_stays_on_the_signature_page(invited):
    _invitation, token = invited
    html = browser().get(page_url(token)).content.decode()
    assert f'action="/signer/{token}/refus/"' in html
    assert fr("I do not commit") in html


# The summary, then the signature --------------------------------------------------------------


def test_the_summary_comes_before_the_signature_and_writes_nothing(invited):
    invitation, token = invited
    level = item("07").levels.last()
    response = browser().post(page_url(token), choices_data(level=level, comment=COMMENT))

    assert response.status_code == 200
    html = response.content.decode()
    assert fr("Read your bulletin again before signing it") in html
    assert f"{item('A').title}" in html and f"{item('07').title}" in html
    assert fr("Ambition level: %(level)s", level=level.title) in html
    assert "Dès la rentrée.<br>Avec les écoles du quartier." in html
    assert "Marie Curie, Tête de liste." in html
    assert f"Vous prenez 2 engagements sur {framework().items.count()}" in html
    assert re.search(r'<button type="submit" name="confirm" value="1">\s*Signer\s*</button>', html)
    assert re.search(r'name="edit" value="1"[^>]*>\s*' + fr("Change my choices"), html)
    # Nothing is signed yet: the link still works.
    assert not Commitment.objects.exists()
    invitation.refresh_from_db()
    assert invitation.is_usable


def test_item_without_level_chosen_says_so_in_the_summary(invited):
    _invitation, token = invited
    html = browser().post(page_url(token), choices_data()).content.decode()
    assert fr("No ambition level chosen.") in html  # 07 has levels, none chosen
    assert html.count(fr("No ambition level chosen.")) == 1  # A has no level to choose


def test_signing_from_the_summary_signs_exactly_what_it_shows(invited):
    invitation, token = invited
    level = item("07").levels.last()
    anonymous = browser()
    summary = anonymous.post(page_url(token), choices_data(level=level, comment=COMMENT)).content.decode()
    carried = hidden_fields(summary)
    assert carried[f"comment_{item('07').pk}"] == COMMENT

    response = anonymous.post(page_url(token), {**carried, "confirm": "1"})

    assert response.status_code == 200
    assert fr("Thank you for your commitment") in response.content.decode()
    commitment = Commitment.objects.get()
    assert (commitment.signatory_name, commitment.signatory_role) == ("Marie Curie", "Tête de liste")
    assert sorted(commitment.items.values_list("item__code", flat=True)) == ["07", "A"]
    chosen = CommitmentItem.objects.get(item__code="07")
    assert chosen.level == level and chosen.comment == COMMENT
    assert CommitmentItem.objects.get(item__code="A").level is None
    assert not SignatureInvitation.objects.get(pk=invitation.pk).is_usable


def test_change_my_choices_brings_the_form_back_as_it_was(invited):
    _invitation, token = invited
    level = item("07").levels.last()
    anonymous = browser()
    summary = anonymous.post(page_url(token), choices_data(level=level, comment=COMMENT)).content.decode()

    response = anonymous.post(page_url(token), {**hidden_fields(summary), "edit": "1"})

    html = response.content.decode()
    assert response.status_code == 200
    assert fr("Sign the bulletin of commitment") in html and fr("Review my bulletin") in html
    assert re.search(rf'name="item_{item("A").pk}"[^>]*checked', html)
    assert not re.search(rf'name="item_{item("26").pk}"[^>]*checked', html)
    assert re.search(rf'name="level_{item("07").pk}" value="{level.pk}"[^>]*checked', html)
    assert "<details open>" in html and "Dès la rentrée." in html
    assert 'class="errorlist"' not in html and 'class="errors"' not in html
    assert not Commitment.objects.exists()


def test_a_tampered_confirmation_signs_nothing_and_says_why(invited):
    _invitation, token = invited
    anonymous = browser()
    summary = anonymous.post(page_url(token), choices_data()).content.decode()
    carried = hidden_fields(summary)
    carried[f"level_{item('07').pk}"] = item("A").pk  # not a level of 07

    response = anonymous.post(page_url(token), {**carried, "confirm": "1"})

    html = response.content.decode()
    assert fr("Select a valid choice. That choice is not one of the available choices.") in html
    assert fr("Review my bulletin") in html  # back on the form
    assert not Commitment.objects.exists()


def test_errors_stay_on_the_form_not_the_summary(invited):
    _invitation, token = invited
    response = browser().post(page_url(token), {**choices_data(), "terms": ""})
    html = response.content.decode()
    assert fr("Read your bulletin again before signing it") not in html
    assert fr("This field is required.") in html
    assert not Commitment.objects.exists()


def test_a_link_spent_between_the_summary_and_the_signature(invited, target, first, member):
    _invitation, token = invited
    anonymous = browser()
    carried = hidden_fields(anonymous.post(page_url(token), choices_data()).content.decode())
    services.invitation_send(  # a new invitation replaces this one
        target=target, framework=framework(), email="tete@example.org", sent_by=member, candidate_list=first
    )
    response = anonymous.post(page_url(token), {**carried, "confirm": "1"})
    assert response.status_code == 410
    assert not Commitment.objects.exists()


def test_the_paper_bulletin_also_shows_levels_as_radio_buttons(target, member):
    url = target.get_absolute_url() + f"bulletin-papier/?referentiel={framework().pk}"
    html = browser(member).get(url).content.decode()
    assert f'<input type="radio" name="level_{item("07").pk}"' in html
