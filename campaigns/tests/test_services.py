"""The writes of campaigns (campaigns.services): campaigns, targets, lists, the log and the
public status, letters, invitations, paper bulletins, deliberations and election results."""

import re
from datetime import date, timedelta

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import timezone, translation

from actors.models import Membership, Organization
from actors.queries import group_covers
from campaigns import services
from campaigns.forms import CampaignForm, PaperForm
from campaigns.models import LETTER_FIELDS, Campaign, CandidateList, SignatureInvitation, Step, Target
from campaigns.services import CampaignsError
from campaigns.services.invitations import _managers_emails as managers_emails
from commitments.models import Commitment, MandateCommitment
from core.actions import perform
from core.tokens import token_hash
from frameworks.models import Framework
from territories.models import Commune
from tests.support import make_group, make_partner_coordinator, make_user

from .helpers import (
    ANVITA,
    EGM,
    IMMEDIATE_TASKS,
    PACTE,
    PDF_BYTES,
    add_list,
    choices,
    counts,
    fr,
    framework,
    item,
    make_campaign,
    paper,
    partner,
    refused,
    status_of,
    take_on,
    today,
)

pytestmark = pytest.mark.django_db


# Fixtures (the others are in conftest.py) ----------------------------------------------


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


@pytest.fixture
def mid_mandate(coordinator):
    return make_campaign(coordinator, title="Mi-mandat", kind=Campaign.Kind.MID_MANDATE)


@pytest.fixture
def town_target(mid_mandate, group, member):
    return take_on(mid_mandate, group=group, user=member)


# Campaigns ------------------------------------------------------------------------


def test_campaign_create_sets_everything_and_unique_slugs(coordinator):
    campaign = make_campaign(coordinator, title="  Municipales 2026 ", frameworks=(PACTE, ANVITA))
    assert campaign.title == "Municipales 2026"
    assert campaign.slug == "municipales-2026"
    assert campaign.created_by == coordinator
    assert set(campaign.frameworks.values_list("slug", flat=True)) == {PACTE, ANVITA}
    assert list(campaign.organizers.all()) == [partner()]
    assert "{groupe}" in campaign.letter_template  # the default letter
    again = make_campaign(coordinator)
    assert again.slug == "municipales-2026-2"
    assert make_campaign(coordinator).slug == "municipales-2026-3"


def test_campaign_create_mid_mandate_has_no_second_round(coordinator):
    campaign = make_campaign(
        coordinator,
        kind=Campaign.Kind.MID_MANDATE,
        first_round=date(2026, 3, 15),
        second_round=date(2026, 3, 22),
        letter_template="Bonjour {commune}",
    )
    assert campaign.second_round is None
    assert campaign.letter_template == "Bonjour {commune}"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"frameworks": []}, "Propose at least one framework."),
        ({"organizers": []}, "Name at least one organising partner."),
        (
            {"first_round": date(2026, 3, 22), "second_round": date(2026, 3, 15)},
            "The second round comes after the first.",
        ),
        (
            {"first_round": date(2026, 3, 15), "second_round": date(2026, 3, 15)},
            "The second round comes after the first.",
        ),
        ({"mandate_start": 2026, "mandate_end": 2026}, "The mandate ends after it starts."),
        ({"mandate_start": 2026, "mandate_end": 2020}, "The mandate ends after it starts."),
    ],
)
def test_campaign_create_refusals(coordinator, changes, message):
    arguments = {
        "user": coordinator,
        "title": "Municipales",
        "kind": Campaign.Kind.ELECTION,
        "frameworks": [framework()],
        "organizers": [partner()],
        **changes,
    }
    before = counts()
    with refused(message):
        services.campaign_create(**arguments)
    assert counts() == before


def test_campaign_create_refuses_unknown_letter_fields(coordinator):
    with pytest.raises(CampaignsError) as error:
        make_campaign(coordinator, letter_template="Bonjour {commune}, {foo} et {bar_baz}.")
    assert str(error.value) == fr(
        "Unknown fields in the letter template: %(fields)s. Known fields: %(known)s.",
        fields="{bar_baz}, {foo}",
        known=", ".join("{%s}" % name for name in LETTER_FIELDS),
    )
    assert not Campaign.objects.exists()


def _update(campaign, **changes):
    arguments = {
        "campaign": campaign,
        "title": campaign.title,
        "description": campaign.description,
        "frameworks": list(campaign.frameworks.all()),
        "organizers": list(campaign.organizers.all()),
        "first_round": campaign.first_round,
        "second_round": campaign.second_round,
        "mandate_start": campaign.mandate_start,
        "mandate_end": campaign.mandate_end,
        "is_open": campaign.is_open,
        "letter_template": campaign.letter_template,
        **changes,
    }
    return services.campaign_update(**arguments)


def test_campaign_update_changes_fields_and_mandate_years(campaign, target, first):
    paper(target, "A", candidate_list=first)
    services.mark_elected(target=target, candidate_list=first)
    _update(
        campaign,
        title=" Municipales 2026 (bis) ",
        description="Nouvelle description",
        second_round=date(2026, 3, 22),
        mandate_start=2027,
        mandate_end=2033,
        is_open=False,
        letter_template="Madame, Monsieur, {destinataire}",
    )
    campaign.refresh_from_db()
    assert campaign.title == "Municipales 2026 (bis)"
    assert campaign.slug == "municipales-2026"  # the address does not change
    assert campaign.second_round == date(2026, 3, 22)
    assert not campaign.is_open
    assert campaign.letter_template == "Madame, Monsieur, {destinataire}"
    mandate = MandateCommitment.objects.get()
    assert (mandate.start_year, mandate.end_year) == (2027, 2033)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"frameworks": []}, "Propose at least one framework."),
        ({"organizers": []}, "Name at least one organising partner."),
        ({"second_round": date(2026, 3, 1)}, "The second round comes after the first."),
        ({"mandate_end": 2026}, "The mandate ends after it starts."),
    ],
)
def test_campaign_update_refusals(campaign, changes, message):
    with refused(message):
        _update(campaign, **changes)
    campaign.refresh_from_db()
    assert campaign.frameworks.count() == 2
    assert campaign.mandate_end == 2032


def test_every_problem_of_a_campaign_is_found_at_once_each_on_its_field(coordinator):
    """The form leaves these rules to the service: the view shows them all, on their fields."""
    with refused("The second round comes after the first.") as raised:
        make_campaign(
            coordinator,
            first_round=date(2026, 3, 22),
            second_round=date(2026, 3, 15),
            mandate_start=2026,
            mandate_end=2020,
        )
    assert raised.value.field == "second_round"
    assert raised.value.field_errors == {
        "second_round": [fr("The second round comes after the first.")],
        "mandate_end": [fr("The mandate ends after it starts.")],
    }
    form = CampaignForm(
        {
            "title": "Municipales",
            "kind": "election",
            "frameworks": [framework().pk],
            "organizers": [partner().pk],
            "first_round": "2026-03-22",
            "second_round": "2026-03-15",
            "mandate_start": 2026,
            "mandate_end": 2020,
        }
    )
    assert form.is_valid()  # the rules are the service's
    request = RequestFactory().post("/")
    request._messages = CookieStorage(request)

    def action():
        raise raised.value

    perform(request, action, errors=CampaignsError, form=form)
    assert form.errors["second_round"] == [fr("The second round comes after the first.")]
    assert form.errors["mandate_end"] == [fr("The mandate ends after it starts.")]


def test_the_campaign_form_takes_its_fields_and_initial_values_from_the_model(campaign):
    old = framework(EGM)
    campaign.frameworks.add(old)
    Framework.objects.filter(pk=old.pk).update(is_current=False)  # a newer version came out
    form = CampaignForm(instance=campaign)

    assert "kind" not in form.fields  # the kind of a campaign stays as it is
    assert form["title"].initial == campaign.title
    assert form["mandate_end"].initial == campaign.mandate_end
    assert set(form["frameworks"].initial) == set(campaign.frameworks.all())
    assert old in form.fields["frameworks"].queryset  # kept on the campaign that uses it
    assert old not in CampaignForm().fields["frameworks"].queryset
    assert CampaignForm().fields["title"].max_length == Campaign._meta.get_field("title").max_length
    assert CampaignForm()["mandate_start"].initial == Campaign._meta.get_field("mandate_start").default


def test_campaign_update_refuses_unknown_letter_fields(campaign):
    with pytest.raises(CampaignsError, match=re.escape("{foo}")):
        _update(campaign, letter_template="Bonjour {foo}")
    campaign.refresh_from_db()
    assert "{foo}" not in campaign.letter_template


def test_campaign_update_cannot_remove_a_signed_framework(campaign, target, first):
    commitment = paper(target, "1", candidate_list=first, slug=ANVITA)
    services.commitment_withdraw(commitment=commitment)  # even withdrawn, it was signed
    with refused("A framework that already has signatures in this campaign cannot be removed."):
        _update(campaign, frameworks=[framework(PACTE)])
    assert campaign.frameworks.count() == 2
    # Removing the framework nobody signed is fine.
    _update(campaign, frameworks=[framework(ANVITA)])
    assert list(campaign.frameworks.values_list("slug", flat=True)) == [ANVITA]


# Targets -------------------------------------------------------------------------------


def test_take_on_creates_the_target(campaign, group, member):
    target = take_on(campaign, group=group, user=member)
    assert (target.campaign, target.commune.code, target.group, target.created_by) == (
        campaign,
        "93066",
        group,
        member,
    )
    assert target.status == Target.Status.NOT_INTERPELLATED


def test_take_on_refused_when_the_campaign_is_closed(campaign, group, member):
    campaign.is_open = False
    campaign.save()
    with refused("This campaign is closed."):
        take_on(campaign, group=group, user=member)
    assert not Target.objects.exists()


def test_take_on_refuses_an_arrondissement_and_an_inactive_commune(campaign, group, member):
    with refused("Choose a current commune (not an arrondissement)."):
        take_on(campaign, "75101", group=group, user=member)
    Commune.objects.filter(code="93066").update(is_active=False)
    with refused("Choose a current commune (not an arrondissement)."):
        take_on(campaign, "93066", group=group, user=member)
    assert not Target.objects.exists()
    assert take_on(campaign, "75056", group=group, user=member).commune.name == "Paris"


def test_take_on_by_the_same_group_returns_the_same_target(campaign, group, member):
    target = take_on(campaign, group=group, user=member)
    assert take_on(campaign, group=group, user=make_user("other@example.org")) == target
    assert Target.objects.count() == 1


def test_take_on_already_followed_by_another_group(campaign, group, member):
    target = take_on(campaign, group=group, user=member)
    other = make_group("Autre groupe", coordinator=make_user("other@example.org"))
    with refused(
        "%(group)s already follows this commune in this campaign: contact them to work together.",
        group="Accueil Saint-Denis",
    ):
        take_on(campaign, group=other, user=other.created_by)
    target.refresh_from_db()
    assert target.group == group
    assert Target.objects.count() == 1


def test_take_on_by_a_coordinator_then_claimed_by_a_group(campaign, coordinator, group, member):
    target = take_on(campaign, group=None, user=coordinator)
    assert target.group is None
    claimed = take_on(campaign, group=group, user=member)
    assert claimed.pk == target.pk
    target.refresh_from_db()
    assert target.group == group
    assert target.created_by == coordinator
    # The commune is now the group's: another group is turned away.
    other = make_group("Autre groupe", coordinator=make_user("other@example.org"))
    with pytest.raises(CampaignsError):
        take_on(campaign, group=other, user=other.created_by)


def test_user_groups_are_the_validated_visible_local_groups(member, group):
    make_group("En attente", coordinator=member, status="pending")
    hidden = make_group("Masqué", coordinator=member)
    hidden.hidden_at = timezone.now()
    hidden.save()
    make_group("Pas le mien", coordinator=make_user("other@example.org"))
    assert list(services.user_groups(member)) == [group]


# Lists ---------------------------------------------------------------------------------


def test_list_add_normalises_spaces(target):
    candidate_list = add_list(
        target, name="  Saint-Denis   Ensemble ", head_name=" Marie  Curie", political_label=" divers gauche "
    )
    assert (candidate_list.name, candidate_list.head_name, candidate_list.political_label) == (
        "Saint-Denis Ensemble",
        "Marie Curie",
        "divers gauche",
    )
    assert not candidate_list.is_elected


def test_list_add_refuses_a_duplicate_name_whatever_its_case(target, first):
    with refused("This commune already has a list with this name."):
        add_list(target, name="SAINT-DENIS  ensemble", head_name="Quelqu'un")
    assert target.lists.count() == 1


def test_list_add_refuses_a_duplicate_name_with_an_accented_capital(target):
    add_list(target, name="Élan commun", head_name="Marie Curie")
    with refused("This commune already has a list with this name."):
        add_list(target, name="élan commun", head_name="Louise Michel")


def test_list_add_refuses_empty_names(target):
    with refused("Give the list's name and its head of list."):
        add_list(target, name="   ", head_name="Marie Curie")
    with refused("Give the list's name and its head of list."):
        add_list(target, name="Liste", head_name="  ")
    assert not CandidateList.objects.exists()


def test_list_add_refused_in_a_mid_mandate_campaign(town_target):
    with refused("A mid-mandate campaign addresses the municipality, not lists."):
        add_list(town_target)
    assert not CandidateList.objects.exists()


def test_list_update(target, first, second):
    services.list_update(
        candidate_list=first,
        name="SAINT-DENIS ENSEMBLE",
        head_name="Marie Sklodowska",
        email=" m@example.org ",
    )
    first.refresh_from_db()
    assert (first.name, first.head_name, first.email) == (
        "SAINT-DENIS ENSEMBLE",
        "Marie Sklodowska",
        "m@example.org",
    )
    with refused("This commune already has a list with this name."):
        services.list_update(candidate_list=first, name="autre saint-denis", head_name="Marie Curie")
    first.refresh_from_db()
    assert first.name == "SAINT-DENIS ENSEMBLE"


def test_list_delete_and_refused_once_signed(target, first, second):
    services.step_add(target=target, kind=Step.Kind.LETTER, date=today(), candidate_list=second)
    services.list_delete(candidate_list=second)
    assert list(target.lists.all()) == [first]
    assert not Step.objects.exists()  # its steps go with it…
    assert Step.history.filter(history_type="-").count() == 1  # …and the history keeps them
    commitment = paper(target, "A", candidate_list=first)
    services.commitment_withdraw(commitment=commitment)
    with refused("This list has signed a bulletin: it stays on record (it can withdraw)."):
        services.list_delete(candidate_list=first)
    assert target.lists.count() == 1


def test_list_delete_refreshes_the_status(target, first, second):
    services.step_add(target=target, kind=Step.Kind.REFUSAL, date=today(), candidate_list=first)
    assert status_of(target) == Target.Status.INTERPELLATED
    services.list_delete(candidate_list=second)  # the only list left has refused
    assert status_of(target) == Target.Status.REFUSED


# The log and the public status ----------------------------------------------------------


def test_step_add_refuses_a_future_date(target, first):
    with refused("A step of the log cannot be in the future."):
        services.step_add(target=target, kind=Step.Kind.LETTER, date=today() + timedelta(days=1))
    assert not Step.objects.exists()
    assert status_of(target) == Target.Status.NOT_INTERPELLATED


def test_step_add_refuses_a_list_of_another_target(campaign, target, first, member):
    other = take_on(campaign, "97411", group=target.group, user=member)
    other_list = add_list(other, name="Liste de La Réunion")
    with refused("This list is not one of this commune's."):
        services.step_add(target=target, kind=Step.Kind.LETTER, date=today(), candidate_list=other_list)
    assert not Step.objects.exists()


def test_step_add_records_the_step(target, first, member):
    step = services.step_add(
        target=target,
        kind=Step.Kind.MEETING,
        date=today() - timedelta(days=3),
        notes="  Rencontre en mairie ",
        candidate_list=first,
        user=member,
    )
    assert (step.kind, step.notes, step.candidate_list, step.created_by) == (
        Step.Kind.MEETING,
        "Rencontre en mairie",
        first,
        member,
    )


def test_the_public_status_follows_the_log_and_the_commitments(target, first, second):
    assert status_of(target) == Target.Status.NOT_INTERPELLATED
    letter = services.step_add(target=target, kind=Step.Kind.LETTER, date=today(), candidate_list=first)
    assert status_of(target) == Target.Status.INTERPELLATED
    services.step_add(target=target, kind=Step.Kind.REFUSAL, date=today(), candidate_list=first)
    assert status_of(target) == Target.Status.INTERPELLATED  # the other list has not refused
    refusal = services.step_add(target=target, kind=Step.Kind.REFUSAL, date=today(), candidate_list=second)
    assert status_of(target) == Target.Status.REFUSED  # every list refused
    services.step_delete(step=refusal)
    assert status_of(target) == Target.Status.INTERPELLATED
    services.step_add(target=target, kind=Step.Kind.REFUSAL, date=today(), candidate_list=second)
    assert status_of(target) == Target.Status.REFUSED
    commitment = paper(target, "A", candidate_list=second)  # changed its mind
    assert status_of(target) == Target.Status.LIST_SIGNED  # a list signed, not elected
    services.mark_elected(target=target, candidate_list=second)
    assert status_of(target) == Target.Status.COMMITTED  # the elected list signed
    services.commitment_withdraw(commitment=commitment)
    assert status_of(target) == Target.Status.REFUSED
    services.step_delete(step=letter)
    assert status_of(target) == Target.Status.REFUSED


def test_a_refusal_of_the_municipality_is_a_refusal(town_target):
    services.step_add(target=town_target, kind=Step.Kind.REFUSAL, date=today())
    assert status_of(town_target) == Target.Status.REFUSED


def test_an_invitation_alone_makes_the_target_interpellated(target, first, member):
    services.invitation_send(
        target=target, framework=framework(), email="a@example.org", sent_by=member, candidate_list=first
    )
    Step.objects.all().delete()
    services.target_refresh(target)
    assert status_of(target) == Target.Status.INTERPELLATED


def test_a_new_list_after_every_list_refused_makes_it_interpellated_again(target, first):
    services.step_add(target=target, kind=Step.Kind.REFUSAL, date=today(), candidate_list=first)
    assert status_of(target) == Target.Status.REFUSED
    add_list(target, name="Nouvelle liste", head_name="Olympe de Gouges")
    assert status_of(target) == Target.Status.INTERPELLATED


# Letters --------------------------------------------------------------------------------


def test_letter_check_accepts_every_known_field():
    services.letter_check(" ".join("{%s}" % name for name in LETTER_FIELDS))
    services.letter_check("Pas de champ, des {accolades vides} {} et {MAJUSCULES}.")
    with pytest.raises(CampaignsError):
        services.letter_check("{foo}")


def test_letter_text_replaces_every_field(campaign, target, first):
    campaign.letter_template = "\n".join("%s={%s}" % (name, name) for name in LETTER_FIELDS)
    campaign.save()
    pacte = framework()
    text = services.letter_text(
        target=target, framework=pacte, candidate_list=first, site_url="https://example.org"
    )
    assert "{" not in text
    values = dict(
        line.split("=", 1)
        for line in text.split("\n")
        if "=" in line and line.split("=", 1)[0] in LETTER_FIELDS
    )
    assert values["commune"] == "Saint-Denis"
    assert "2 place du Caquet" in text and "93200 Saint-Denis" in text  # the town hall address, kept whole
    assert values["destinataire"] == fr(
        "%(head)s, head of the list “%(list)s”", head="Marie Curie", list="Saint-Denis Ensemble"
    )
    assert values["liste"] == "Saint-Denis Ensemble"
    assert values["groupe"] == "Accueil Saint-Denis"
    assert values["campagne"] == "Municipales 2026"
    assert values["referentiel"] == pacte.title
    assert pacte.description.split("\n")[0] in text
    assert values["lien_referentiel"] == "https://example.org/referentiels/pacte-pour-la-transition/"
    assert values["date"]


def test_letter_text_to_the_mayor_without_a_group(mid_mandate, coordinator):
    target = take_on(mid_mandate, "01001", user=coordinator)
    Commune.objects.filter(code="01001").update(town_hall_address="")
    target.refresh_from_db()
    target.commune.refresh_from_db()
    text = services.letter_text(target=target, framework=framework())
    assert "{" not in text
    assert fr("the organisers of the campaign") in text
    target.campaign.letter_template = "{destinataire} / {adresse_mairie} / [{liste}]"
    text = services.letter_text(target=target, framework=framework())
    name = target.commune.display_name
    assert text == "%s / %s / []" % (
        fr("Madam Mayor or Sir Mayor of %(commune)s", commune=name),
        fr("Town hall of %(commune)s", commune=name),
    )


def test_the_default_letter_is_valid_and_fully_replaced(target, first):
    services.letter_check(services.default_letter_text())
    text = services.letter_text(target=target, framework=framework(), candidate_list=first)
    assert "{" not in text and "Accueil Saint-Denis" in text and "Municipales 2026" in text


# Invitations ------------------------------------------------------------------------------


def test_invitation_send(settings, target, first, member, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = services.invitation_send(
            target=target,
            framework=framework(),
            email=" tete@example.org ",
            sent_by=member,
            candidate_list=first,
            site_url="https://hospitalite.example",
        )
    assert invitation.email == "tete@example.org"
    assert invitation.token_hash == token_hash(token) != token
    assert invitation.is_usable
    assert abs(invitation.expires_at - invitation.created_at - timedelta(days=30)) < timedelta(seconds=5)
    assert services.invitation_get(token) == invitation
    assert services.invitation_get(token + "x") is None
    step = Step.objects.get()
    assert (step.kind, step.candidate_list, step.created_by, step.date) == (
        Step.Kind.EMAIL,
        first,
        member,
        today(),
    )
    assert "tete@example.org" in step.notes
    assert status_of(target) == Target.Status.INTERPELLATED
    message = mail.outbox[-1]
    assert message.to == ["tete@example.org"]
    assert f"https://hospitalite.example/signer/{token}/" in message.body
    assert "Saint-Denis Ensemble" in message.body and "Accueil Saint-Denis" in message.body
    assert message.subject.startswith("[Hospitalité] ")


def test_invitation_send_is_mailed_only_once_committed(
    target, first, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.invitation_send(
            target=target, framework=framework(), email="a@example.org", sent_by=member, candidate_list=first
        )
    assert len(callbacks) == 1
    assert not mail.outbox


def test_a_new_invitation_cancels_the_pending_one(target, first, second, member):
    old, old_token = services.invitation_send(
        target=target, framework=framework(), email="a@example.org", sent_by=member, candidate_list=first
    )
    other_list, _ = services.invitation_send(
        target=target, framework=framework(), email="b@example.org", sent_by=member, candidate_list=second
    )
    other_framework, _ = services.invitation_send(
        target=target,
        framework=framework(ANVITA),
        email="a@example.org",
        sent_by=member,
        candidate_list=first,
    )
    new, _ = services.invitation_send(
        target=target, framework=framework(), email="c@example.org", sent_by=member, candidate_list=first
    )
    old.refresh_from_db()
    assert old.cancelled_at is not None and not old.is_usable
    for invitation in (other_list, other_framework, new):
        invitation.refresh_from_db()
        assert invitation.is_usable
    with refused("This link is invalid, expired or already used."):
        services.sign_online(
            token=old_token, choices=choices("A"), signatory_name="X", signatory_role="Y", terms_accepted=True
        )


def test_invitation_send_refusals(campaign, target, first, member):
    send = {
        "target": target,
        "framework": framework(),
        "email": "a@example.org",
        "sent_by": member,
        "candidate_list": first,
    }
    with refused("This framework is not proposed by the campaign."):
        services.invitation_send(**{**send, "framework": framework(EGM)})
    with refused("Choose the list whose head will sign."):
        services.invitation_send(**{**send, "candidate_list": None})
    other = take_on(campaign, "97411", group=target.group, user=member)
    with refused("This list is not one of this commune's."):
        services.invitation_send(**{**send, "candidate_list": add_list(other)})
    paper(target, "A", candidate_list=first)
    with refused("This bulletin is already signed."):
        services.invitation_send(**send)
    campaign.is_open = False
    campaign.save()
    with refused("This campaign is closed."):
        services.invitation_send(**{**send, "framework": framework(ANVITA)})
    assert not SignatureInvitation.objects.exists()
    assert not Step.objects.filter(kind=Step.Kind.EMAIL).exists()


def test_invitation_after_a_withdrawal_is_allowed(target, first, member):
    services.commitment_withdraw(commitment=paper(target, "A", candidate_list=first))
    invitation, _ = services.invitation_send(
        target=target, framework=framework(), email="a@example.org", sent_by=member, candidate_list=first
    )
    assert invitation.is_usable


def test_invitation_to_the_municipality(town_target, member):
    invitation, token = services.invitation_send(
        target=town_target, framework=framework(), email="mairie@example.org", sent_by=member
    )
    assert invitation.candidate_list is None
    commitment = services.sign_online(
        token=token,
        choices=choices("A"),
        signatory_name="Le maire",
        signatory_role="maire",
        terms_accepted=True,
    )
    assert commitment.candidate_list is None
    assert status_of(town_target) == Target.Status.COMMITTED


def test_invitation_cancel(target, first, member):
    invitation, token = services.invitation_send(
        target=target, framework=framework(), email="a@example.org", sent_by=member, candidate_list=first
    )
    services.invitation_cancel(invitation=invitation)
    invitation.refresh_from_db()
    cancelled_at = invitation.cancelled_at
    assert cancelled_at is not None
    services.invitation_cancel(invitation=invitation)  # twice: nothing changes
    invitation.refresh_from_db()
    assert invitation.cancelled_at == cancelled_at


# Paper bulletins, deliberations -----------------------------------------------------------


def test_paper_record(settings, tmp_path, target, first, member):
    settings.MEDIA_ROOT = tmp_path
    pacte = framework()
    seven = item("07")
    level = seven.levels.order_by("position").last()
    scan = SimpleUploadedFile("mon scan.PDF.exe", PDF_BYTES, content_type="application/octet-stream")
    commitment = services.paper_record(
        target=target,
        framework=pacte,
        choices=[(item("A"), None, " Oui "), (seven, level, "")],
        candidate_list=first,
        signatory_name="Marie Curie",
        signatory_role="tête de liste",
        signed_on=today() - timedelta(days=2),
        scan=scan,
        user=member,
    )
    assert (commitment.channel, commitment.created_by, commitment.terms_accepted_at) == (
        Commitment.Channel.PAPER,
        member,
        None,
    )
    assert [(entry.item.code, entry.level, entry.comment) for entry in commitment.items.all()] == [
        ("A", None, "Oui"),
        ("07", level, ""),
    ]
    name = commitment.scan.name
    assert re.fullmatch(r"bulletins/[A-Za-z0-9_-]{20,}\.pdf", name), name
    assert "scan" not in name
    assert (tmp_path / name).read_bytes() == PDF_BYTES
    assert status_of(target) == Target.Status.LIST_SIGNED  # its list is not elected


def test_paper_form_refuses_a_text_file_named_pdf(target, first):
    pacte = framework()
    data = {
        "candidate_list": first.pk,
        "signatory_name": "Marie Curie",
        "signatory_role": "tête de liste",
        "signed_on": today().isoformat(),
        f"item_{item('A').pk}": "on",
    }
    fake = SimpleUploadedFile("bulletin.pdf", b"Hello, I am not a PDF", content_type="application/pdf")
    form = PaperForm(data, {"scan": fake}, target=target, framework=pacte)
    assert not form.is_valid()
    assert form.errors["scan"] == [
        fr("This type of file is not accepted. Accepted: %(types)s.", types="JPG, PDF, PNG")
    ]
    good = SimpleUploadedFile("bulletin.pdf", PDF_BYTES, content_type="application/pdf")
    assert PaperForm(data, {"scan": good}, target=target, framework=pacte).is_valid()


def test_paper_record_refusals(campaign, target, first, member):
    with refused("This framework is not proposed by the campaign."):
        paper(target, "1", candidate_list=first, slug=EGM)
    with refused("Choose the list that signed."):
        paper(target, "A")
    other = take_on(campaign, "97411", group=target.group, user=member)
    with refused("This list is not one of this commune's."):
        paper(target, "A", candidate_list=add_list(other))
    with refused("The date of signature cannot be in the future."):
        paper(target, "A", candidate_list=first, signed_on=today() + timedelta(days=1))
    with refused("Give the signatory's name and role."):
        paper(target, "A", candidate_list=first, name="  ")
    with refused("An item is chosen twice."):
        services.paper_record(
            target=target,
            framework=framework(),
            choices=choices("A", "A"),
            candidate_list=first,
            signatory_name="X",
            signatory_role="Y",
            signed_on=today(),
        )
    with refused("A comment is limited to 1000 characters."):
        services.paper_record(
            target=target,
            framework=framework(),
            choices=[(item("A"), None, "x" * 1001)],
            candidate_list=first,
            signatory_name="X",
            signatory_role="Y",
            signed_on=today(),
        )
    assert not Commitment.objects.exists()
    paper(target, "A", candidate_list=first)
    with refused("This signatory has already signed this framework in this campaign."):
        paper(target, "B", candidate_list=first)
    assert Commitment.objects.count() == 1
    paper(target, "1", candidate_list=first, slug=ANVITA)  # another framework is another bulletin


def test_deliberation_record_is_a_commitment_for_the_mandate(settings, tmp_path, town_target, member):
    settings.MEDIA_ROOT = tmp_path
    commitment = services.deliberation_record(
        target=town_target,
        framework=framework(),
        choices=choices("A", "26"),
        reference="  DEL-2026   045 ",
        adopted_on=today(),
        file=SimpleUploadedFile("délibération.pdf", PDF_BYTES),
        user=member,
    )
    assert commitment.channel == Commitment.Channel.DELIBERATION
    assert commitment.deliberation_reference == "DEL-2026 045"
    assert commitment.signatory_name == fr("Municipal council of %(commune)s", commune="Saint-Denis")
    assert commitment.signatory_role == fr("council deliberation")
    assert re.fullmatch(r"deliberations/[A-Za-z0-9_-]{20,}\.pdf", commitment.deliberation_file.name)
    mandate = MandateCommitment.objects.get()
    assert (
        mandate.commitment,
        mandate.commune.code,
        mandate.campaign,
        mandate.start_year,
        mandate.end_year,
    ) == (
        commitment,
        "93066",
        town_target.campaign,
        2026,
        2032,
    )
    assert status_of(town_target) == Target.Status.COMMITTED
    with refused("Give the deliberation's reference."):
        services.deliberation_record(
            target=town_target, framework=framework(), choices=choices("B"), reference=" ", adopted_on=today()
        )


def test_deliberation_in_an_election_campaign_survives_the_result(target, first):
    services.deliberation_record(
        target=target, framework=framework(), choices=choices("A"), reference="DEL-1", adopted_on=today()
    )
    paper(target, "B", candidate_list=first)
    services.mark_elected(target=target, candidate_list=first)
    assert MandateCommitment.objects.count() == 2
    services.mark_elected(target=target, candidate_list=None)
    assert MandateCommitment.objects.get().commitment.channel == Commitment.Channel.DELIBERATION


# Withdrawals and election results ---------------------------------------------------------


def test_commitment_withdraw(target, first):
    commitment = paper(target, "A", candidate_list=first)
    services.mark_elected(target=target, candidate_list=first)
    assert MandateCommitment.objects.count() == 1
    services.commitment_withdraw(commitment=commitment, reason="  Changement   d'avis " + "x" * 600)
    commitment.refresh_from_db()
    assert commitment.withdrawn_at is not None
    assert commitment.withdrawal_reason.startswith("Changement d'avis x")
    assert len(commitment.withdrawal_reason) == 500
    assert not MandateCommitment.objects.exists()
    assert status_of(target) == Target.Status.INTERPELLATED
    with refused("This commitment is already withdrawn."):
        services.commitment_withdraw(commitment=commitment)


def test_mark_elected_moves_the_mandate_commitments(target, first, second):
    signed = paper(target, "A", candidate_list=first)
    withdrawn = paper(target, "1", candidate_list=first, slug=ANVITA)
    services.commitment_withdraw(commitment=withdrawn)
    other = paper(target, "B", candidate_list=second)
    assert services.mark_elected(target=target, candidate_list=first) == 1
    assert [m.commitment for m in MandateCommitment.objects.all()] == [signed]
    mandate = MandateCommitment.objects.get()
    assert (mandate.commune.code, mandate.start_year, mandate.end_year) == ("93066", 2026, 2032)
    assert list(target.lists.filter(is_elected=True)) == [first]
    # Marking it again changes nothing.
    assert services.mark_elected(target=target, candidate_list=first) == 1
    assert MandateCommitment.objects.count() == 1
    # A mistake: the other list won.
    assert services.mark_elected(target=target, candidate_list=second) == 1
    assert [m.commitment for m in MandateCommitment.objects.all()] == [other]
    assert list(target.lists.filter(is_elected=True)) == [second]
    # Clearing the result removes them.
    assert services.mark_elected(target=target, candidate_list=None) == 0
    assert not MandateCommitment.objects.exists()
    assert not target.lists.filter(is_elected=True).exists()


def test_mark_elected_leaves_other_targets_alone(campaign, target, first, member):
    other_target = take_on(campaign, "97411", group=target.group, user=member)
    other_list = add_list(other_target, name="Liste de La Réunion")
    paper(other_target, "A", candidate_list=other_list)
    services.mark_elected(target=other_target, candidate_list=other_list)
    paper(target, "A", candidate_list=first)
    services.mark_elected(target=target, candidate_list=first)
    services.mark_elected(target=target, candidate_list=None)
    assert MandateCommitment.objects.get().commune.code == "97411"


def test_mark_elected_refusals(campaign, target, first, town_target, member):
    with refused("A mid-mandate campaign has no election."):
        services.mark_elected(target=town_target, candidate_list=None)
    other = take_on(campaign, "97411", group=target.group, user=member)
    with refused("This list is not one of this commune's."):
        services.mark_elected(target=target, candidate_list=add_list(other))
    assert not CandidateList.objects.filter(is_elected=True).exists()


def test_a_bulletin_signed_after_the_election_is_for_the_mandate(target, first, member):
    services.mark_elected(target=target, candidate_list=first)
    assert not MandateCommitment.objects.exists()
    commitment = paper(target, "A", candidate_list=first)
    assert MandateCommitment.objects.get().commitment == commitment
    # and online
    _, token = services.invitation_send(
        target=target,
        framework=framework(ANVITA),
        email="a@example.org",
        sent_by=member,
        candidate_list=first,
    )
    online = services.sign_online(
        token=token,
        choices=choices("1", slug=ANVITA),
        signatory_name="Marie Curie",
        signatory_role="maire",
        terms_accepted=True,
    )
    assert set(MandateCommitment.objects.values_list("commitment_id", flat=True)) == {
        commitment.pk,
        online.pk,
    }


def test_managers_emails_are_the_group_coordinators_or_the_organisers(campaign, target, member, coordinator):
    plain = make_user("plain@example.org")
    Membership.objects.create(user=plain, organization=target.group, role=Membership.Role.MEMBER)
    second_coordinator = make_user("second@example.org")
    Membership.objects.create(
        user=second_coordinator, organization=target.group, role=Membership.Role.COORDINATOR
    )
    assert {m.user for m in managers_emails(target)} == {member, second_coordinator}
    orphan = take_on(campaign, "97411", user=coordinator)
    assert {m.user for m in managers_emails(orphan)} == {coordinator}
    assert make_partner_coordinator("egm@example.org", partner="egm") not in {
        m.user for m in managers_emails(orphan)
    }


def test_a_group_claims_a_followed_commune_only_in_its_territory(campaign, coordinator):
    target = take_on(campaign, user=coordinator)  # Saint-Denis, followed by the coordinators
    elsewhere = make_group("Accueil Bourg", commune="01001", coordinator=make_user("bourg@example.org"))
    with pytest.raises(services.CampaignsError):
        take_on(campaign, group=elsewhere)
    target.refresh_from_db()
    assert target.group is None
    here = make_group("Accueil Saint-Denis bis", commune="93066", coordinator=make_user("sd@example.org"))
    assert take_on(campaign, group=here).group == here
    department = Organization.objects.create(
        name="Collectif 93",
        slug="collectif-93",
        kind=Organization.Kind.LOCAL_GROUP,
        scale=Organization.Scale.DEPARTMENT,
        department=target.commune.department,
        status=Organization.Status.VALIDATED,
    )
    assert group_covers(department, target.commune)
    assert not group_covers(here, take_on(campaign, "01001", user=coordinator).commune)
