"""Working groups: creating one (a committee's, a local group's, a national one), its page,
joining, inviting, accepting, leaving, closing; who sees a members-only group."""

import pytest
from django.core import mail

from actors.models import Organization
from coconstruction.models import WorkingGroup, WorkingGroupMember
from coconstruction.tests.conftest import make_meeting
from followup.queries import committed_items
from frameworks.models import Item, Theme
from tests.support import browser, make_user
from tests.test_emails import problems

from .workgroups_support import add_member, fr, make_working_group

pytestmark = pytest.mark.django_db

Member = WorkingGroupMember


@pytest.fixture
def local_group(group, coordinator, member):
    """An open, public working group of « Accueil Saint-Denis », with Awa as member."""
    working_group = make_working_group(coordinator, organization=group)
    add_member(working_group, member)
    return working_group


@pytest.fixture
def private_group(committee, mayor, member):
    """A members-only working group of the committee, by invitation, with Awa as member."""
    working_group = make_working_group(
        mayor,
        committee=committee,
        name="Accueil des mineurs",
        access=WorkingGroup.Access.INVITATION,
        visibility=WorkingGroup.Visibility.MEMBERS,
    )
    add_member(working_group, member)
    return working_group


# Creating ---------------------------------------------------------------------------------


def committed_ids(commune):
    return {item.pk for item, _at in committed_items(commune)[0]}


def test_a_committee_decider_opens_a_working_group_on_committed_items(committee, committed, mayor):
    item = Item.objects.get(pk__in=committed_ids(committee.commune), code="26")
    theme = Theme.objects.first()
    url = "/communes/93066/comite/chantiers/nouveau/"
    page = browser(mayor).get(url)
    assert page.status_code == 200
    assert fr("Open a working group") in page.content.decode()
    response = browser(mayor).post(
        url,
        {
            "name": "Hébergement d'urgence",
            "purpose": "Suivre la mesure **26**.",
            "themes": [theme.pk],
            "items": [item.pk],
            "access": "open",
            "visibility": "public",
        },
    )
    group = WorkingGroup.objects.get()
    assert response.status_code == 302 and response["Location"] == group.get_absolute_url()
    assert group.committee == committee and list(group.items.all()) == [item]
    assert list(group.themes.all()) == [theme]
    assert group.members.get().role == Member.Role.COORDINATOR
    assert group.members.get().user == mayor


def test_items_outside_the_communes_commitments_are_refused(committee, committed, mayor):
    other = Item.objects.exclude(pk__in=committed_ids(committee.commune)).first()
    response = browser(mayor).post(
        "/communes/93066/comite/chantiers/nouveau/",
        {
            "name": "Santé",
            "purpose": "Accès aux soins.",
            "items": [other.pk],
            "access": "open",
            "visibility": "public",
        },
    )
    assert response.status_code == 200
    assert not WorkingGroup.objects.exists()


def test_a_local_groups_coordinator_opens_one_and_a_member_may_not(group, coordinator, member):
    url = f"/organisations/{group.slug}/chantiers/nouveau/"
    assert browser(member).get(url).status_code == 403
    assert browser().get(url).status_code == 302
    response = browser(coordinator).post(
        url,
        {
            "name": "Cours de français",
            "purpose": "Des cours.",
            "access": "invitation",
            "visibility": "members",
        },
    )
    group_ = WorkingGroup.objects.get()
    assert response["Location"] == group_.get_absolute_url()
    assert group_.organization == group and group_.access == "invitation"


def test_the_name_and_purpose_are_required_in_french(group, coordinator):
    response = browser(coordinator).post(
        f"/organisations/{group.slug}/chantiers/nouveau/", {"access": "open"}
    )
    assert response.status_code == 200
    assert fr("This field is required.") in response.content.decode()


def test_a_national_partners_coordinator_opens_a_national_group_listed_first(moderator, coordinator, group):
    egm = Organization.objects.get(slug="egm")
    make_working_group(coordinator, organization=group, name="Groupe local")
    response = browser(moderator).post(
        f"/organisations/{egm.slug}/chantiers/nouveau/",
        {
            "name": "Chantier national",
            "purpose": "Pour toutes les communes.",
            "access": "open",
            "visibility": "public",
        },
    )
    assert response.status_code == 302
    page = browser().get("/chantiers/").content.decode()
    assert page.index("Chantier national") < page.index("Groupe local")
    assert (
        fr('national, of <a href="%(url)s">%(name)s</a>') % {"url": egm.get_absolute_url(), "name": egm.name}
        in page
    )


def test_nobody_opens_a_group_for_a_commune_without_committee(saint_denis, mayor):
    assert browser(mayor).get("/communes/93066/comite/chantiers/nouveau/").status_code == 404


# The page ---------------------------------------------------------------------------------


def test_the_page_shows_purpose_members_meetings_and_the_coordinator(local_group, coordinator, member):
    make_meeting(working_group=local_group, title="Première réunion du chantier")
    page = browser().get(local_group.get_absolute_url()).content.decode()
    assert "<strong>logements</strong>" in page
    assert "Fatou Diallo" in page and "Awa Koné" in page
    assert fr("coordinator") in page
    assert "Première réunion du chantier" in page
    assert fr("No document shared yet.") in page


def test_members_only_meetings_of_a_public_group_are_for_its_members(local_group, member, passerby):
    make_meeting(working_group=local_group, title="Réunion interne", visibility="members")
    assert "Réunion interne" in browser(member).get(local_group.get_absolute_url()).content.decode()
    assert "Réunion interne" not in browser(passerby).get(local_group.get_absolute_url()).content.decode()


@pytest.mark.parametrize("who", ["anonymous", "outsider", "passerby"])
def test_a_members_only_group_is_a_404_for_others(private_group, who, outsider, passerby):
    user = {"anonymous": None, "outsider": outsider, "passerby": passerby}[who]
    client = browser(user)
    url = private_group.get_absolute_url()
    assert client.get(url).status_code == 404
    for action in ("rejoindre", "accepter", "quitter", "inviter", "clore"):
        expected = 302 if user is None else 404  # anonymous: to the login page, before anything
        response = client.post(f"{url}{action}/", {"email": "x@example.org", "conclusion": "x"})
        assert response.status_code == expected, action
        if user is None:
            assert "/compte/login/" in response["Location"]
    assert "Accueil des mineurs" not in client.get("/chantiers/").content.decode()


@pytest.mark.parametrize("who", ["member", "mayor", "coordinator", "moderator"])
def test_a_members_only_group_is_seen_by_its_members_the_committees_deciders_and_moderators(
    private_group, who, member, mayor, coordinator, moderator
):
    user = {"member": member, "mayor": mayor, "coordinator": coordinator, "moderator": moderator}[who]
    assert browser(user).get(private_group.get_absolute_url()).status_code == 200
    assert "Accueil des mineurs" in browser(user).get("/chantiers/").content.decode()


# Members ----------------------------------------------------------------------------------


def test_joining_an_open_group_twice_makes_one_membership(local_group, passerby):
    client = browser(passerby)
    url = local_group.get_absolute_url() + "rejoindre/"
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 403  # already a member: the button is gone
    assert local_group.members.filter(user=passerby, status=Member.Status.ACTIVE).count() == 1


def test_a_group_by_invitation_is_not_joined_at_will(private_group, coordinator, passerby, mayor):
    private_group.visibility = WorkingGroup.Visibility.PUBLIC
    private_group.save()
    assert browser(passerby).post(private_group.get_absolute_url() + "rejoindre/").status_code == 403


def test_an_invitation_by_email_then_accepted(
    private_group, mayor, passerby, django_capture_on_commit_callbacks
):
    url = private_group.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        response = browser(mayor).post(url + "inviter/", {"email": "PASSANT@example.org"})
    assert response.status_code == 302
    invitation = private_group.members.get(user=passerby)
    assert invitation.status == Member.Status.INVITED and invitation.invited_by == mayor
    (message,) = mail.outbox
    assert message.to == [passerby.email]
    assert "Accueil des mineurs" in message.subject
    assert f"http://testserver{url}" in message.body
    assert not problems(message)
    page = browser(passerby).get(url).content.decode()  # invited: sees the group
    assert fr("Accept the invitation") in page
    assert browser(passerby).post(url + "accepter/").status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Member.Status.ACTIVE


def test_inviting_an_unknown_address_answers_neutrally_and_sends_nothing(private_group, mayor):
    # Review fix 9: the answer is the same whether the address has an account or not.
    response = browser(mayor).post(
        private_group.get_absolute_url() + "inviter/", {"email": "inconnu@example.org"}, follow=True
    )
    assert response.status_code == 200
    assert (
        fr(
            "If this address belongs to an account, the person is invited: they get an email with the group's link."
        )
        in response.content.decode()
    )
    assert not mail.outbox


def test_inviting_a_member_again_is_refused(private_group, mayor, member):
    response = browser(mayor).post(private_group.get_absolute_url() + "inviter/", {"email": member.email})
    assert fr("This person is already a member of the working group.") in response.content.decode()


def test_a_member_may_not_invite(private_group, member):
    response = browser(member).post(private_group.get_absolute_url() + "inviter/", {"email": "x@example.org"})
    assert response.status_code == 403


def test_leaving_a_members_only_group_leads_back_to_the_list(private_group, member):
    response = browser(member).post(private_group.get_absolute_url() + "quitter/")
    assert response["Location"] == "/chantiers/"
    assert private_group.members.get(user=member).status == Member.Status.LEFT


# Closing ----------------------------------------------------------------------------------


def test_closing_needs_a_conclusion_then_the_group_takes_nothing_new(
    local_group, coordinator, member, passerby
):
    url = local_group.get_absolute_url()
    client = browser(coordinator)
    response = client.post(url + "clore/", {"conclusion": "  ", "version": local_group.version})
    assert fr("Write the conclusion of the working group.") in response.content.decode()
    response = client.post(
        url + "clore/", {"conclusion": "Nous avons **réussi**.", "version": local_group.version}
    )
    assert response.status_code == 302
    local_group.refresh_from_db()
    assert local_group.is_closed and local_group.closed_by == coordinator
    page = browser(passerby).get(url).content.decode()
    assert "<strong>réussi</strong>" in page
    assert fr("Join the working group") not in page
    assert browser(passerby).post(url + "rejoindre/").status_code == 403
    assert browser(member).get(url + "documents/nouveau/").status_code == 403
    assert browser(coordinator).post(url + "inviter/", {"email": passerby.email}).status_code == 403
    assert browser(coordinator).get(url + "clore/").status_code == 403
    assert not member.has_perm("coconstruction.contribute_working_group", local_group)


def test_closing_on_an_old_version_shows_the_conflict(local_group, coordinator):
    stale = local_group.version
    WorkingGroup.objects.filter(pk=local_group.pk).update(version=stale + 1)
    response = browser(coordinator).post(
        local_group.get_absolute_url() + "clore/", {"conclusion": "Fini.", "version": stale}
    )
    assert response.status_code == 200
    local_group.refresh_from_db()
    assert not local_group.is_closed


def test_a_member_may_not_close(local_group, member):
    assert browser(member).get(local_group.get_absolute_url() + "clore/").status_code == 403


# The organisation's page ------------------------------------------------------------------


def test_the_organisation_page_lists_its_public_groups(local_group, group, coordinator, passerby):
    make_working_group(
        coordinator, organization=group, name="Groupe secret", visibility=WorkingGroup.Visibility.MEMBERS
    )
    page = browser(passerby).get(group.get_absolute_url()).content.decode()
    assert local_group.name in page.replace("&#x27;", "'")
    assert "Groupe secret" not in page
    assert fr("Open a working group") not in page
    assert fr("Open a working group") in browser(coordinator).get(group.get_absolute_url()).content.decode()


def test_a_plain_user_is_never_a_member_by_accident(local_group):
    stranger = make_user("stranger@example.org")
    assert not stranger.has_perm("coconstruction.contribute_working_group", local_group)
    assert stranger.has_perm("coconstruction.join_working_group", local_group)


def test_a_committee_without_commitments_opens_a_group_without_items(committee, mayor):
    response = browser(mayor).post(
        "/communes/93066/comite/chantiers/nouveau/",
        {"name": "Premiers pas", "purpose": "Préparer.", "access": "open", "visibility": "public"},
    )
    assert response.status_code == 302
    assert not WorkingGroup.objects.get().items.exists()
