"""Signing without an account: the emailed single-use link, the signature, the confirmation
with its PDF and its withdrawal link, withdrawals, and the rate limit on invitations."""

import re
from datetime import timedelta

import pytest
import yaml
from django.core import mail
from django.db import connection
from django.utils import timezone

from actors.models import Membership
from campaigns import services
from campaigns.models import Campaign, SignatureInvitation, Target
from campaigns.tasks import send_signature_confirmation
from commitments.models import Commitment, CommitmentItem, MandateCommitment
from core.tokens import token_hash
from frameworks.services import DATA_DIR, FrameworksLoadError, frameworks_load
from tests.support import browser, make_user, messages_of

from .helpers import (
    ANVITA,
    PACTE,
    add_list,
    choices,
    counts,
    fr,
    framework,
    item,
    make_campaign,
    paper,
    refused,
    status_of,
    take_on,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]


@pytest.fixture
def campaign(coordinator):
    """The campaign of conftest.py, without a date for its first round."""
    return make_campaign(coordinator, frameworks=(PACTE, ANVITA))


@pytest.fixture
def invited(target, first, member):
    """(invitation, token) for the head of the first list, the Pacte."""
    return services.invitation_send(
        target=target, framework=framework(), email="tete@example.org", sent_by=member, candidate_list=first
    )


def sign(token, codes=("A",), **fields):
    arguments = {
        "token": token,
        "choices": choices(*codes),
        "signatory_name": "Marie Curie",
        "signatory_role": "tête de liste",
        "terms_accepted": True,
        "site_url": "https://hospitalite.example",
        **fields,
    }
    return services.sign_online(**arguments)


def form_data(codes=("A",), **fields):
    data = {"signatory_name": "Marie Curie", "signatory_role": "tête de liste", "terms": "on"}
    for code in codes:
        data[f"item_{item(code).pk}"] = "on"
    data.update(fields)
    return data


# The service ----------------------------------------------------------------------------


def test_sign_online(invited, target, first, django_capture_on_commit_callbacks):
    invitation, token = invited
    seven = item("07")
    level = seven.levels.order_by("position").first()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        commitment = sign(
            token,
            choices=[(item("26"), None, " Avec plaisir "), (seven, level, "")],
            signatory_name="  Marie   Curie ",
            signatory_role=" tête  de liste ",
        )
    assert len(callbacks) == 1  # the confirmation is queued once committed
    assert (commitment.target, commitment.candidate_list, commitment.framework, commitment.channel) == (
        target,
        first,
        framework(),
        Commitment.Channel.ONLINE,
    )
    assert (commitment.signatory_name, commitment.signatory_role) == ("Marie Curie", "tête de liste")
    assert commitment.signed_on == timezone.localdate()
    assert commitment.terms_accepted_at is not None
    assert [
        (entry.item.code, entry.level, entry.comment) for entry in commitment.items.order_by("item__position")
    ] == [
        ("07", level, ""),
        ("26", None, "Avec plaisir"),
    ]
    invitation.refresh_from_db()
    assert invitation.used_at is not None and invitation.commitment == commitment
    assert status_of(target) == Target.Status.LIST_SIGNED
    assert not MandateCommitment.objects.exists()  # the list is not elected


def _expire(invitation, token):
    SignatureInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )


def _use(invitation, token):
    sign(token)


def _cancel(invitation, token):
    services.invitation_cancel(invitation=invitation)


@pytest.mark.parametrize("spoil", [_expire, _use, _cancel], ids=["expired", "used twice", "cancelled"])
def test_sign_online_refuses_a_dead_link(invited, spoil):
    invitation, token = invited
    spoil(invitation, token)
    before = counts()
    with refused("This link is invalid, expired or already used."):
        sign(token, codes=("B",))
    assert counts() == before


def test_sign_online_refuses_an_unknown_token(invited):
    with refused("This link is invalid, expired or already used."):
        sign("not-a-token")
    assert not Commitment.objects.exists()


def _another_framework():
    return {"choices": choices("1", slug=ANVITA)}


def _another_level():
    return {"choices": [(item("26"), item("07").levels.first(), "")]}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (_another_framework, "This item is not part of the framework."),
        (_another_level, "This ambition level does not belong to the item."),
        (lambda: {"choices": []}, "Choose at least one item."),
        (lambda: {"terms_accepted": False}, "Accept the publication terms to sign."),
        (lambda: {"signatory_name": "  "}, "Give the signatory's name and role."),
    ],
    ids=["item of another framework", "level of another item", "no item", "terms", "no name"],
)
def test_sign_online_refusals_write_nothing(invited, fields, message):
    invitation, token = invited
    before = counts()
    with refused(message):
        sign(token, **fields())
    assert counts() == before
    invitation.refresh_from_db()
    assert invitation.is_usable and invitation.commitment is None
    assert not mail.outbox
    sign(token)  # the link still works


def test_sign_online_when_the_list_already_signed_on_paper(invited, target, first):
    invitation, token = invited
    services.paper_record(
        target=target,
        framework=framework(),
        choices=choices("A"),
        candidate_list=first,
        signatory_name="Marie Curie",
        signatory_role="tête de liste",
        signed_on=timezone.localdate(),
    )
    with refused("This signatory has already signed this framework in this campaign."):
        sign(token)
    invitation.refresh_from_db()
    assert invitation.used_at is None


# The confirmation ------------------------------------------------------------------------


def test_the_confirmation_mails_the_pdf_and_a_withdrawal_link(
    invited, target, group, member, django_capture_on_commit_callbacks
):
    invitation, token = invited
    other_coordinator = make_user("second@example.org")
    Membership.objects.create(user=other_coordinator, organization=group, role=Membership.Role.COORDINATOR)
    plain = make_user("plain@example.org")
    Membership.objects.create(user=plain, organization=group, role=Membership.Role.MEMBER)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        commitment = sign(token)
    confirmations = [message for message in mail.outbox if message.to == ["tete@example.org"]]
    assert len(confirmations) == 1
    confirmation = confirmations[0]
    assert confirmation.subject.startswith("[Hospitalité] ") and "Saint-Denis" in confirmation.subject
    assert "\n" not in confirmation.subject
    [(filename, content, mimetype)] = confirmation.attachments
    assert filename == f"bulletin-93066-{commitment.pk}.pdf"
    assert mimetype == "application/pdf"
    assert content.startswith(b"%PDF")
    assert f"https://hospitalite.example{target.get_absolute_url()}" in confirmation.body
    withdraw_url = re.search(r"https://hospitalite\.example/retrait/([A-Za-z0-9_-]+)/", confirmation.body)
    assert withdraw_url
    withdraw_token = withdraw_url.group(1)
    # Only the hash of the withdrawal token is stored, never the token.
    commitment.refresh_from_db()
    assert commitment.withdraw_token_hash == token_hash(withdraw_token)
    assert services.withdraw_get(withdraw_token) == commitment
    with connection.cursor() as cursor:
        for table in (
            Commitment._meta.db_table,
            Commitment.history.model._meta.db_table,
            SignatureInvitation._meta.db_table,
        ):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - the models' own table names
            assert withdraw_token not in repr(cursor.fetchall())
        cursor.execute(f"SELECT * FROM {Commitment.history.model._meta.db_table}")  # noqa: S608
        assert commitment.withdraw_token_hash not in repr(cursor.fetchall())  # not even its hash
    # The group's coordinators hear about it, plain members do not.
    notified = sorted(message.to[0] for message in mail.outbox if message.to != ["tete@example.org"])
    assert notified == ["member@example.org", "second@example.org"]
    notice = next(message for message in mail.outbox if message.to == ["member@example.org"])
    assert "Marie Curie" in notice.body and target.get_absolute_url() in notice.body
    assert not notice.attachments


def test_the_confirmation_tells_the_organisers_when_no_group_follows(
    campaign, coordinator, django_capture_on_commit_callbacks
):
    target = take_on(campaign, "97411", user=coordinator)
    candidate_list = add_list(target, name="Liste de La Réunion")
    _, token = services.invitation_send(
        target=target,
        framework=framework(),
        email="tete@example.org",
        sent_by=coordinator,
        candidate_list=candidate_list,
    )
    with django_capture_on_commit_callbacks(execute=True):
        sign(token)
    assert sorted(message.to[0] for message in mail.outbox) == ["coord@example.org", "tete@example.org"]


def test_the_confirmation_task_skips_a_withdrawn_commitment(invited):
    invitation, token = invited
    commitment = sign(token)
    services.commitment_withdraw(commitment=commitment)
    result = send_signature_confirmation.enqueue(
        commitment_id=commitment.pk, email="tete@example.org", manager_ids=[], site_url=""
    )
    assert result.return_value == 0
    assert not mail.outbox
    commitment.refresh_from_db()
    assert commitment.withdraw_token_hash == ""


# Withdrawals -------------------------------------------------------------------------------


def _signed_with_withdraw_token(invited, django_capture_on_commit_callbacks):
    invitation, token = invited
    with django_capture_on_commit_callbacks(execute=True):
        commitment = sign(token)
    body = next(message.body for message in mail.outbox if message.attachments)
    return commitment, re.search(r"/retrait/[A-Za-z0-9_-]+/", body).group(0)


def test_withdraw_by_the_emailed_link(invited, target, django_capture_on_commit_callbacks):
    commitment, path = _signed_with_withdraw_token(invited, django_capture_on_commit_callbacks)
    anonymous = browser()
    response = anonymous.get(path)
    assert response.status_code == 200
    assert "Marie Curie" in response.content.decode()
    response = anonymous.post(path, {"reason": "  Je   me suis trompée "})
    assert response.status_code == 302
    assert response["Location"] == target.get_absolute_url()
    assert messages_of(response) == [fr("Your commitment is withdrawn. The page of the commune shows it.")]
    commitment.refresh_from_db()
    assert commitment.withdrawn_at is not None
    assert commitment.withdrawal_reason == "Je me suis trompée"
    assert commitment.withdraw_token_hash == ""
    assert status_of(target) == Target.Status.INTERPELLATED
    # The link is dead now.
    for response in (anonymous.get(path), anonymous.post(path, {"reason": ""})):
        assert response.status_code == 404
        assert fr("This link no longer works") in response.content.decode()
    page = anonymous.get(target.get_absolute_url()).content.decode()
    assert "Je me suis trompée" in page


def test_withdraw_by_the_managers_kills_the_emailed_link(
    invited, target, member, django_capture_on_commit_callbacks
):
    commitment, path = _signed_with_withdraw_token(invited, django_capture_on_commit_callbacks)
    url = target.get_absolute_url() + f"bulletins/{commitment.pk}/retrait/"
    assert browser(make_user("stranger@example.org")).post(url, {"reason": "x"}).status_code == 403
    response = browser(member).post(url, {"reason": "Retrait demandé par téléphone"})
    assert response.status_code == 302 and response["Location"].endswith("#engagements")
    assert messages_of(response) == [fr("The commitment is recorded as withdrawn.")]
    commitment.refresh_from_db()
    assert (
        commitment.withdrawn_at is not None
        and commitment.withdrawal_reason == "Retrait demandé par téléphone"
    )
    assert browser().get(path).status_code == 404
    response = browser(member).post(url, {"reason": ""})
    assert messages_of(response) == [fr("This commitment is already withdrawn.")]


def test_withdraw_get_ignores_empty_and_unknown_tokens(invited):
    invitation, token = invited
    sign(token)  # no confirmation ran: no withdrawal hash yet
    assert services.withdraw_get("") is None
    assert services.withdraw_get(None) is None
    assert services.withdraw_get("unknown") is None


# The signing pages -----------------------------------------------------------------------


def test_sign_page(invited, target, django_capture_on_commit_callbacks):
    invitation, token = invited
    anonymous = browser()
    response = anonymous.get(f"/signer/{token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Saint-Denis Ensemble" in html and "Accueil Saint-Denis" in html
    assert f'name="item_{item("A").pk}"' in html and f'name="level_{item("07").pk}"' in html
    assert "tete@example.org" not in html
    # Bad input: French errors, nothing written.
    response = anonymous.post(f"/signer/{token}/", {"signatory_name": "", "signatory_role": "maire"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count(fr("This field is required.")) == 2  # the name and the terms
    assert fr("Choose at least one item.") in html
    response = anonymous.post(f"/signer/{token}/", form_data(codes=()))
    assert fr("Choose at least one item.") in response.content.decode()
    other_level = item("07").levels.last()
    with django_capture_on_commit_callbacks(execute=True):
        response = anonymous.post(  # confirmed from the summary (test_signature_page.py)
            f"/signer/{token}/",
            form_data(codes=("A", "07"), confirm="1", **{f"level_{item('07').pk}": other_level.pk}),
        )
    assert response.status_code == 200
    assert fr("Thank you for your commitment") in response.content.decode()
    commitment = Commitment.objects.get()
    assert sorted(entry.item.code for entry in commitment.items.all()) == ["07", "A"]
    assert CommitmentItem.objects.get(item__code="07").level == other_level
    # Used: 410, saying it is signed.
    response = anonymous.get(f"/signer/{token}/")
    assert response.status_code == 410
    assert fr("This bulletin is already signed.") in response.content.decode()
    assert anonymous.post(f"/signer/{token}/", form_data()).status_code == 410
    assert Commitment.objects.count() == 1


def test_sign_page_shows_an_invalid_level(invited):
    invitation, token = invited
    response = browser().post(
        f"/signer/{token}/", form_data(codes=("07",), **{f"level_{item('07').pk}": 999999})
    )
    assert response.status_code == 200
    assert not Commitment.objects.exists()
    assert (
        fr("Select a valid choice. That choice is not one of the available choices.")
        in response.content.decode()
    )


def test_sign_page_of_unknown_expired_and_cancelled_links(invited, target, first, member):
    invitation, token = invited
    anonymous = browser()
    assert anonymous.get("/signer/unknown-token/").status_code == 404
    new, new_token = services.invitation_send(
        target=target, framework=framework(), email="tete@example.org", sent_by=member, candidate_list=first
    )
    response = anonymous.get(f"/signer/{token}/")  # replaced by the new invitation
    assert response.status_code == 410
    assert fr("This link no longer works") in response.content.decode()
    SignatureInvitation.objects.filter(pk=new.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert anonymous.get(f"/signer/{new_token}/").status_code == 410
    assert anonymous.post(f"/signer/{new_token}/", form_data()).status_code == 410
    assert not Commitment.objects.exists()


def test_cancel_an_invitation_from_the_target_page(invited, target, member):
    invitation, token = invited
    url = target.get_absolute_url() + f"invitations/{invitation.pk}/annuler/"
    assert browser(make_user("stranger@example.org")).post(url).status_code == 403
    response = browser(member).post(url)
    assert response.status_code == 302
    assert messages_of(response) == [fr("The invitation is cancelled: its link no longer works.")]
    assert browser().get(f"/signer/{token}/").status_code == 410


# Sending invitations through the page, and the rate limit ------------------------------------


def test_invitation_send_view(target, first, member, django_capture_on_commit_callbacks):
    url = target.get_absolute_url() + "invitations/"
    client = browser(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"candidate_list": first.pk, "framework": framework().pk, "email": "tete@example.org"}
        )
    assert response.status_code == 302 and response["Location"].endswith("#invitations")
    assert messages_of(response) == [fr("The signature invitation is sent.")]
    [message] = mail.outbox
    assert message.to == ["tete@example.org"]
    assert re.search(r"http://testserver/signer/[A-Za-z0-9_-]{40,}/", message.body)
    # Bad input: French errors.
    response = client.post(
        url, {"candidate_list": first.pk, "framework": framework().pk, "email": "pas-une-adresse"}
    )
    assert any(fr("Enter a valid email address.") in text for text in messages_of(response))
    response = client.post(url, {"framework": framework().pk, "email": "a@example.org"})
    assert any(fr("This field is required.") in text for text in messages_of(response))
    egm = framework("egm-charte-commune-accueillante")
    response = client.post(url, {"candidate_list": first.pk, "framework": egm.pk, "email": "a@example.org"})
    assert any(
        fr("Select a valid choice. That choice is not one of the available choices.") in text
        for text in messages_of(response)
    )
    assert SignatureInvitation.objects.count() == 1
    # Strangers may not.
    assert browser(make_user("stranger@example.org")).post(url, {}).status_code == 403
    assert browser().post(url, {}).status_code == 302  # to log in


def test_the_31st_invitation_within_an_hour_is_refused(settings, target, first, member):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "signature_invitation": "30/h/user,60/h/ip",
    }
    url = target.get_absolute_url() + "invitations/"
    client = browser(member)
    data = {"candidate_list": first.pk, "framework": framework().pk}
    for number in range(30):
        response = client.post(url, {**data, "email": f"tete{number}@example.org"})
        assert messages_of(response)[-1] == fr("The signature invitation is sent."), number
    response = client.post(url, {**data, "email": "tete30@example.org"})
    assert response.status_code == 302
    assert messages_of(response)[-1] == "Trop d’invitations envoyées : réessayez plus tard."

    assert SignatureInvitation.objects.count() == 30
    assert not SignatureInvitation.objects.filter(email="tete30@example.org").exists()
    # Another user of the group still may.
    other = make_user("other@example.org")
    Membership.objects.create(user=other, organization=target.group, role=Membership.Role.MEMBER)
    response = browser(other).post(url, {**data, "email": "tete31@example.org"})
    assert messages_of(response) == [fr("The signature invitation is sent.")]


def test_invitations_refused_by_a_closed_campaign(campaign, target, first, member):
    campaign.is_open = False
    campaign.save()
    client = browser(member)
    response = client.post(
        target.get_absolute_url() + "invitations/",
        {"candidate_list": first.pk, "framework": framework().pk, "email": "tete@example.org"},
    )
    assert messages_of(response) == [fr("This campaign is closed.")]
    assert not SignatureInvitation.objects.exists()
    html = client.get(target.get_absolute_url()).content.decode()
    assert fr("The campaign is closed: no new invitation.") in html
    assert 'invitations/"' not in html  # no sending form


def test_the_text_of_a_signed_item_cannot_change_within_a_version(target, first, tmp_path):
    paper(target, "26", candidate_list=first)
    data = yaml.safe_load((DATA_DIR / "pacte-pour-la-transition.yaml").read_text(encoding="utf-8"))
    next(entry for entry in data["items"] if entry["code"] == "26")["summary"] = "Un autre texte."
    path = tmp_path / "pacte.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    before = item("26").summary
    with pytest.raises(FrameworksLoadError, match="26"):
        frameworks_load([path])
    assert item("26").summary == before
    # An unsigned item's text may still be corrected in place.
    next(entry for entry in data["items"] if entry["code"] == "01")["summary"] = "Un résumé corrigé."
    next(entry for entry in data["items"] if entry["code"] == "26")["summary"] = before
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    frameworks_load([path])
    assert item("01").summary == "Un résumé corrigé."


def test_closing_a_campaign_ends_its_signature_links(campaign, target, first, member):
    invitation, token = services.invitation_send(
        target=target,
        framework=framework(PACTE),
        email="tete@example.org",
        sent_by=member,
        candidate_list=first,
    )
    services.campaign_update(
        campaign=campaign,
        title=campaign.title,
        description="",
        frameworks=list(campaign.frameworks.all()),
        organizers=list(campaign.organizers.all()),
        first_round=campaign.first_round,
        second_round=None,
        mandate_start=2026,
        mandate_end=2032,
        is_open=False,
        letter_template=campaign.letter_template,
    )
    invitation.refresh_from_db()
    assert invitation.cancelled_at is not None
    assert browser().get(f"/signer/{token}/").status_code == 410


def test_a_link_of_a_closed_campaign_cannot_sign(campaign, target, first, member):
    invitation, token = services.invitation_send(
        target=target,
        framework=framework(PACTE),
        email="tete@example.org",
        sent_by=member,
        candidate_list=first,
    )
    Campaign.objects.filter(pk=campaign.pk).update(is_open=False)  # closed without the service
    with pytest.raises(services.CampaignsError):
        services.sign_online(
            token=token,
            choices=[(item("A"), None, "")],
            signatory_name="Marie Curie",
            signatory_role="tête de liste",
            terms_accepted=True,
        )
    assert not SignatureInvitation.objects.filter(used_at__isnull=False).exists()


def test_a_second_withdrawal_by_the_same_link_is_a_message(campaign, target, first, immediate_tasks):
    from commitments.models import Commitment
    from core.tokens import new_token

    commitment = paper(target, "A", candidate_list=first)
    token, hashed = new_token()
    Commitment.objects.filter(pk=commitment.pk).update(withdraw_token_hash=hashed)
    client = browser()
    assert client.post(f"/retrait/{token}/", {"reason": ""}).status_code == 302
    assert client.post(f"/retrait/{token}/", {"reason": ""}).status_code == 404  # the link is spent
