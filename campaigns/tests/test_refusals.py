"""Refusals are public: a head of list declines from the signature link ("I do not
commit"), or the group records a refusal received by mail; the commune's pages and the
export show who refused, when, and the public reason."""

import csv
import io

import pytest
from django.core import mail

from campaigns import services
from campaigns.models import Campaign, SignatureInvitation, Step, Target
from commitments.models import Commitment
from tests.support import browser, make_user

from .helpers import add_list, counts, fr, framework, make_campaign, refused, status_of, take_on, today

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]


@pytest.fixture
def invited(target, first, second, member):
    """(invitation, token) for the head of the first list, the Pacte (a second list exists)."""
    return services.invitation_send(
        target=target, framework=framework(), email="tete@example.org", sent_by=member, candidate_list=first
    )


def decline(token, reason="", **fields):
    return services.decline_online(
        token=token, reason=reason, site_url="https://hospitalite.example", **fields
    )


# The service ----------------------------------------------------------------------------------


def test_declining_records_a_public_refusal_and_spends_the_link(
    invited, target, first, django_capture_on_commit_callbacks
):
    invitation, token = invited
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        step = decline(token, reason=" Nous ne signons <i>aucune</i> charte.\n")
    assert (step.kind, step.candidate_list, step.date, step.created_by) == (
        Step.Kind.REFUSAL,
        first,
        today(),
        None,
    )
    assert step.public_reason == "Nous ne signons aucune charte."
    assert "tete@example.org" in step.notes  # the private log says which link
    invitation.refresh_from_db()
    assert invitation.declined_at is not None and not invitation.is_usable
    assert status_of(target) == Target.Status.INTERPELLATED  # the other list has not answered
    # The link can no longer sign, nor decline again.
    with refused("This link is invalid, expired or already used."):
        services.sign_online(
            token=token, choices=[], signatory_name="M", signatory_role="t", terms_accepted=True
        )
    with refused("This link is invalid, expired or already used."):
        decline(token)
    # The group's coordinators are told, in their language, with the public page's address.
    [notice] = mail.outbox
    assert notice.to == ["member@example.org"] and "Saint-Denis" in notice.subject
    assert "Saint-Denis Ensemble" in notice.body and "Nous ne signons aucune charte." in notice.body
    assert f"https://hospitalite.example{target.get_absolute_url()}" in notice.body


def test_the_last_list_declining_makes_the_commune_refused(invited, target, second):
    services.step_add(target=target, kind=Step.Kind.REFUSAL, date=today(), candidate_list=second)
    decline(invited[1])
    assert status_of(target) == Target.Status.REFUSED


def test_the_municipality_declines_in_a_mid_mandate_campaign(coordinator, member):
    campaign = make_campaign(coordinator, title="Mi-mandat", kind=Campaign.Kind.MID_MANDATE)
    target = take_on(campaign, user=coordinator)
    _invitation, token = services.invitation_send(
        target=target, framework=framework(), email="mairie@example.org", sent_by=coordinator
    )
    step = decline(token)
    assert step.candidate_list is None and step.public_reason == ""
    assert status_of(target) == Target.Status.REFUSED


def test_a_too_long_reason_writes_nothing(invited):
    _invitation, token = invited
    before = counts()
    with refused("The reason is too long: %(max)s characters at most.", max=Step.PUBLIC_REASON_MAX_LENGTH):
        decline(token, reason="x" * (Step.PUBLIC_REASON_MAX_LENGTH + 1))
    assert counts() == before and SignatureInvitation.objects.get().is_usable


def test_a_link_of_a_closed_campaign_cannot_decline(campaign, invited):
    _invitation, token = invited
    Campaign.objects.filter(pk=campaign.pk).update(is_open=False)
    with refused("This campaign is closed."):
        decline(token)
    assert not Step.objects.filter(kind=Step.Kind.REFUSAL).exists()


# The pages --------------------------------------------------------------------------------------


def test_declining_from_the_signature_page(invited, target, django_capture_on_commit_callbacks):
    _invitation, token = invited
    anonymous = browser()
    html = anonymous.get(f"/signer/{token}/").content.decode()
    assert f'action="/signer/{token}/refus/"' in html and f'action="/signer/{token}/"' in html
    assert fr("I do not commit") in html
    # Too long: the page comes back with the error, nothing is written.
    response = anonymous.post(f"/signer/{token}/refus/", {"public_reason": "x" * 501})
    assert response.status_code == 200 and not Step.objects.filter(kind=Step.Kind.REFUSAL).exists()
    assert f'action="/signer/{token}/"' in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = anonymous.post(f"/signer/{token}/refus/", {"public_reason": "Pas cette fois."})
    assert response.status_code == 200
    assert fr("Your answer is recorded") in response.content.decode()
    assert Step.objects.get(kind=Step.Kind.REFUSAL).public_reason == "Pas cette fois."
    # The link is spent: 410, saying it was declined; signing is refused.
    response = anonymous.get(f"/signer/{token}/")
    assert response.status_code == 410
    assert fr("This invitation was declined: the refusal is recorded.") in response.content.decode()
    assert anonymous.post(f"/signer/{token}/refus/", {}).status_code == 410
    assert not Commitment.objects.exists()


def test_decline_needs_a_post_and_a_known_token(invited):
    _invitation, token = invited
    assert browser().get(f"/signer/{token}/refus/").status_code == 405
    assert browser().post("/signer/unknown/refus/", {}).status_code == 404


def test_the_public_pages_show_who_refused_when_and_why(campaign, target, first, second, member):
    decline(
        services.invitation_send(
            target=target,
            framework=framework(),
            email="tete@example.org",
            sent_by=member,
            candidate_list=first,
        )[1],
        reason="Nous préférons agir seuls.",
    )
    services.step_add(
        target=target, kind=Step.Kind.REFUSAL, date=today(), candidate_list=second, notes="Appel de la mairie"
    )
    html = browser().get(target.get_absolute_url()).content.decode()
    for text in (
        fr("Refusal of the list “%(name)s”", name="Saint-Denis Ensemble"),
        fr("Refusal of the list “%(name)s”", name="Autre Saint-Denis"),
        "Nous préférons agir seuls.",
    ):
        assert text in html
    assert "Appel de la mairie" not in html and "tete@example.org" not in html  # the notes stay private
    panel = browser().get("/communes/93066/").content.decode().split('id="campaigns-title"', 1)[1]
    assert "Nous préférons agir seuls." in panel
    assert fr("Refusal of the list “%(name)s”", name="Autre Saint-Denis") in panel
    # The group sees the declined invitation and the public reason in its log.
    html = browser(member).get(target.get_absolute_url()).content.decode()
    assert fr("declined") in html and fr("public reason:") in html


def test_the_group_records_a_refusal_received_by_mail_with_its_public_reason(target, first, member):
    response = browser(member).post(
        target.get_absolute_url() + "journal/",
        {
            "kind": "refusal",
            "date": today().isoformat(),
            "candidate_list": first.pk,
            "notes": "Courrier du 3 mars",
            "public_reason": "Pas avant les élections.",
        },
    )
    assert response.status_code == 302
    step = Step.objects.get()
    assert (step.kind, step.public_reason, step.notes) == (
        "refusal",
        "Pas avant les élections.",
        "Courrier du 3 mars",
    )
    assert status_of(target) == Target.Status.REFUSED  # its only list refused
    html = browser().get(target.get_absolute_url()).content.decode()
    assert "Pas avant les élections." in html and "Courrier du 3 mars" not in html


def test_the_export_carries_the_refusals(campaign, target, first, second, coordinator):
    services.step_add(
        target=target, kind=Step.Kind.REFUSAL, date=today(), candidate_list=second, public_reason="Non merci"
    )
    paris = take_on(campaign, "75056", user=coordinator)
    add_list(paris, name="Liste de Paris", head_name="Anne Hidalgo")
    services.step_add(target=paris, kind=Step.Kind.REFUSAL, date=today(), public_reason="Le conseil refuse")
    content = b"".join(browser().get(campaign.get_absolute_url() + "export.csv").streaming_content)
    rows = list(csv.DictReader(io.StringIO(content.decode().lstrip("\ufeff")), delimiter=";"))
    by_list = {(row["code_insee"], row["liste"]): (row["date_refus"], row["motif_refus"]) for row in rows}
    assert by_list == {
        ("93066", "Autre Saint-Denis"): (today().isoformat(), "Non merci"),
        ("93066", "Saint-Denis Ensemble"): ("", ""),
        ("75056", "Liste de Paris"): ("", ""),
        ("75056", ""): (today().isoformat(), "Le conseil refuse"),  # the municipality's row
    }


def test_a_stranger_cannot_see_the_log_but_sees_the_refusal(target, first, member):
    services.step_add(
        target=target, kind=Step.Kind.REFUSAL, date=today(), candidate_list=first, notes="privé"
    )
    html = browser(make_user("stranger@example.org")).get(target.get_absolute_url()).content.decode()
    assert fr("Refusal of the list “%(name)s”", name="Saint-Denis Ensemble") in html and "privé" not in html
