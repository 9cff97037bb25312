"""Moderation: users report content, partner coordinators and staff hide or
restore it with a reason, the author is told by email, every decision is logged."""

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail

from actors.models import Membership, Organization
from moderation import services
from moderation.models import ModerationDecision, Report
from territories.models import Commune
from tests.support import browser, enable_totp, make_group, make_user, messages_of

pytestmark = pytest.mark.django_db

HIDDEN_BADGE = "masqué par la modération"


@pytest.fixture
def people():
    author = make_user("author@example.org", display_name="Autrice")
    member = make_user("member@example.org", display_name="Membre simple")
    group = make_group(coordinator=author)
    Membership.objects.create(user=member, organization=group, role=Membership.Role.MEMBER)
    partner_coordinator = enable_totp(make_user("egm@example.org", display_name="Coordination EGM"))
    Membership.objects.create(
        user=partner_coordinator,
        organization=Organization.objects.get(slug="egm"),
        role=Membership.Role.COORDINATOR,
    )
    return {
        "author": author,
        "member": member,
        "group": group,
        "reader": make_user("reader@example.org", display_name="Lectrice"),
        "reader2": make_user("reader2@example.org"),
        "partner": partner_coordinator,
        "staff": enable_totp(make_user("staff@example.org", is_staff=True)),
    }


def report_url(organization):
    return f"/signaler/actors/organization/{organization.pk}/"


def decide_url(organization):
    return f"/moderation/actors/organization/{organization.pk}/"


# Reports ------------------------------------------------------------------------------


def test_anyone_signed_in_can_report_with_a_reason(people):
    group = people["group"]
    client = browser(people["reader"])
    assert client.get(report_url(group)).status_code == 200

    response = client.post(report_url(group), {"reason": "spam", "comment": "  Publicité  "})

    assert response.status_code == 302
    assert response["Location"] == group.get_absolute_url()
    assert messages_of(response) == ["Merci : la modération va examiner ce contenu."]
    report = Report.objects.get()
    assert (report.content, report.reporter, report.reason, report.comment, report.status) == (
        group,
        people["reader"],
        "spam",
        "Publicité",
        Report.Status.OPEN,
    )


def test_report_requires_login(people):
    response = browser().post(report_url(people["group"]), {"reason": "spam"})
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/login/")
    assert not Report.objects.exists()


def test_report_needs_a_known_reason(people):
    response = browser(people["reader"]).post(report_url(people["group"]), {"reason": "boring"})
    assert response.status_code == 200
    assert not Report.objects.exists()


def test_other_reason_requires_a_comment(people):
    client = browser(people["reader"])

    response = client.post(report_url(people["group"]), {"reason": "other", "comment": "   "})

    assert response.status_code == 200
    assert "Dites ce qui ne va pas dans ce contenu." in response.content.decode()
    assert not Report.objects.exists()
    response = client.post(report_url(people["group"]), {"reason": "other", "comment": "Faux horaires"})
    assert response.status_code == 302
    assert Report.objects.get().comment == "Faux horaires"


def test_a_second_open_report_by_the_same_person_is_refused(people):
    client = browser(people["reader"])
    client.post(report_url(people["group"]), {"reason": "spam"})

    response = client.post(report_url(people["group"]), {"reason": "abuse"})

    assert response.status_code == 200
    assert "Vous avez déjà signalé ce contenu ; la modération va l’examiner." in response.content.decode()
    assert Report.objects.count() == 1
    # Someone else may still report it.
    browser(people["reader2"]).post(report_url(people["group"]), {"reason": "abuse"})
    assert Report.objects.count() == 2


def test_reports_are_limited_per_user(people):
    from django.conf import settings

    limit = int(settings.ACCOUNT_RATE_LIMITS["report_content"].split(",")[0].split("/")[0])
    groups = [
        Organization.objects.create(
            name=f"Groupe {number}",
            slug=f"groupe-{number}",
            kind=Organization.Kind.LOCAL_GROUP,
            scale=Organization.Scale.COMMUNE,
            commune=Commune.objects.get(code="93066"),
            status=Organization.Status.VALIDATED,
        )
        for number in range(limit + 1)
    ]
    client = browser(people["reader"])
    for group in groups[:limit]:
        assert client.post(report_url(group), {"reason": "spam"}).status_code == 302

    response = client.post(report_url(groups[limit]), {"reason": "spam"})

    assert response.status_code == 200
    assert "Trop de signalements envoyés : réessayez plus tard." in response.content.decode()
    assert Report.objects.count() == limit


@pytest.mark.parametrize("status", [Organization.Status.PENDING, Organization.Status.REJECTED])
def test_a_user_cannot_report_an_organisation_they_cannot_see(people, status):
    group = people["group"]
    Organization.objects.filter(pk=group.pk).update(status=status)
    client = browser(people["reader"])
    assert client.get(group.get_absolute_url()).status_code == 404

    page = client.get(report_url(group))
    response = client.post(report_url(group), {"reason": "spam"})

    assert page.status_code == 404
    assert "Accueil Saint-Denis" not in page.content.decode()
    assert response.status_code == 404
    assert not Report.objects.exists()


def test_only_moderated_models_can_be_reported(people):
    client = browser(people["reader"])
    assert client.get(f"/signaler/accounts/user/{people['author'].pk}/").status_code == 404
    assert (
        client.get(f"/signaler/territories/commune/{Commune.objects.get(code='93066').pk}/").status_code
        == 404
    )
    assert client.get("/signaler/actors/organization/999999/").status_code == 404


# The queue ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["partner", "staff"])
def test_queue_is_open_to_partner_coordinators_and_staff(people, who):
    browser(people["reader"]).post(
        report_url(people["group"]), {"reason": "other", "comment": "Horaires faux"}
    )

    response = browser(people[who]).get("/moderation/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Accueil Saint-Denis" in html
    assert "Horaires faux" in html
    assert "Lectrice" not in html  # the reporter stays anonymous, even to moderators here


@pytest.mark.parametrize("who", ["reader", "author", "member"])
def test_queue_is_closed_to_everybody_else(people, who):
    assert browser(people[who]).get("/moderation/").status_code == 403


def test_queue_sends_anonymous_visitors_to_login(people):
    response = browser().get("/moderation/")
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/login/")


def test_partner_coordinator_without_totp_is_sent_to_activate_it(people):
    Authenticator.objects.filter(user=people["partner"]).delete()
    response = browser(people["partner"]).get("/moderation/")
    assert response.status_code == 302
    assert response["Location"] == "/compte/2fa/totp/activate/"


@pytest.mark.parametrize("who", ["reader", "author", "member"])
def test_decisions_are_refused_to_non_moderators(people, who):
    response = browser(people[who]).post(decide_url(people["group"]), {"action": "hide", "reason": "Spam"})
    assert response.status_code == 403
    people["group"].refresh_from_db()
    assert not people["group"].is_hidden
    assert not ModerationDecision.objects.exists()


# Hide and restore ---------------------------------------------------------------------------------


def test_hiding_requires_a_reason(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = browser(people["staff"]).post(
            decide_url(people["group"]), {"action": "hide", "reason": "  "}
        )

    assert response.status_code == 302
    assert messages_of(response) == ["Indiquez le motif du masquage : son auteur le lira."]
    people["group"].refresh_from_db()
    assert not people["group"].is_hidden
    assert not ModerationDecision.objects.exists()
    assert mail.outbox == []


def test_hidden_organisation_disappears_for_the_public_but_stays_for_its_members(
    people, django_capture_on_commit_callbacks
):
    group = people["group"]
    browser(people["reader"]).post(report_url(group), {"reason": "personal_data"})
    assert "Accueil Saint-Denis" in browser().get("/organisations/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = browser(people["partner"]).post(
            decide_url(group), {"action": "hide", "reason": "Nom d’une personne exilée publié"}
        )

    assert response.status_code == 302
    assert messages_of(response) == ["Contenu masqué ; son auteur est prévenu par e-mail."]
    group.refresh_from_db()
    assert group.is_hidden
    assert group.hidden_reason == "Nom d’une personne exilée publié"
    assert Organization.objects.filter(pk=group.pk).exists()

    assert "Accueil Saint-Denis" not in browser().get("/organisations/").content.decode()
    assert browser().get(group.get_absolute_url()).status_code == 404
    assert browser(people["reader"]).get(group.get_absolute_url()).status_code == 404
    for who in ["author", "member", "partner", "staff"]:
        page = browser(people[who]).get(group.get_absolute_url())
        assert page.status_code == 200, who
        assert HIDDEN_BADGE in page.content.decode(), who
    home = browser(people["member"]).get("/compte/")
    assert HIDDEN_BADGE in home.content.decode()

    # Hidden content cannot be reported again by users.
    assert browser(people["reader2"]).get(report_url(group)).status_code == 404

    # The author is told, in French, with the reason.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["author@example.org"]
    assert message.subject == "[Hospitalité] Votre contenu « Accueil Saint-Denis » a été masqué"
    assert "Nom d’une personne exilée publié" in message.body
    assert "http://testserver/organisations/accueil-saint-denis/" in message.body
    assert "Motif" in message.body


def test_restore_brings_it_back_and_tells_the_author_again(people, django_capture_on_commit_callbacks):
    group = people["group"]
    moderator = browser(people["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        moderator.post(decide_url(group), {"action": "hide", "reason": "Publicité"})
    with django_capture_on_commit_callbacks(execute=True):
        refused = moderator.post(decide_url(group), {"action": "restore", "reason": ""})
    assert "Indiquez le motif du rétablissement : son auteur le lira." in messages_of(refused)
    group.refresh_from_db()
    assert group.is_hidden

    with django_capture_on_commit_callbacks(execute=True):
        response = moderator.post(decide_url(group), {"action": "restore", "reason": "Contenu corrigé"})

    assert response.status_code == 302
    group.refresh_from_db()
    assert not group.is_hidden
    assert group.hidden_reason == ""
    assert "Accueil Saint-Denis" in browser().get("/organisations/").content.decode()
    page = browser().get(group.get_absolute_url())
    assert page.status_code == 200
    assert HIDDEN_BADGE not in page.content.decode()
    assert [message.subject for message in mail.outbox] == [
        "[Hospitalité] Votre contenu « Accueil Saint-Denis » a été masqué",
        "[Hospitalité] Votre contenu « Accueil Saint-Denis » est de nouveau visible",
    ]
    assert "Contenu corrigé" in mail.outbox[1].body


def test_decisions_are_logged_and_close_the_reports(people, django_capture_on_commit_callbacks):
    group = people["group"]
    browser(people["reader"]).post(report_url(group), {"reason": "spam"})
    browser(people["reader2"]).post(report_url(group), {"reason": "abuse"})
    moderator = browser(people["partner"])

    with django_capture_on_commit_callbacks(execute=True):
        moderator.post(decide_url(group), {"action": "hide", "reason": "Publicité"})
        moderator.post(decide_url(group), {"action": "hide", "reason": "Encore"})  # already hidden
        moderator.post(decide_url(group), {"action": "restore", "reason": "Erreur de ma part"})

    decisions = list(ModerationDecision.objects.order_by("created_at", "pk"))
    assert [(d.action, d.reason, d.moderator, d.content) for d in decisions] == [
        ("hide", "Publicité", people["partner"], group),
        ("restore", "Erreur de ma part", people["partner"], group),
    ]
    reports = Report.objects.all()
    assert {report.status for report in reports} == {Report.Status.RESOLVED}
    assert {report.closed_by for report in reports} == {people["partner"]}
    assert all(report.closed_at for report in reports)
    queue = browser(people["staff"]).get("/moderation/").content.decode()
    assert "Erreur de ma part" in queue
    assert "Publicité" in queue


def test_dismissing_closes_the_reports_without_hiding(people):
    group = people["group"]
    browser(people["reader"]).post(report_url(group), {"reason": "spam"})

    response = browser(people["staff"]).post(decide_url(group), {"action": "dismiss", "reason": ""})

    assert response.status_code == 302
    assert Report.objects.get().status == Report.Status.DISMISSED
    group.refresh_from_db()
    assert not group.is_hidden
    assert not ModerationDecision.objects.exists()
    # Once dismissed, the same person may report again.
    browser(people["reader"]).post(report_url(group), {"reason": "abuse"})
    assert Report.objects.filter(status=Report.Status.OPEN).count() == 1


def test_services_refuse_double_hide_and_restore_of_visible_content(people):
    group, staff = people["group"], people["staff"]
    with pytest.raises(services.ModerationError) as error:
        services.content_restore(content=group, moderator=staff, reason="Rien")
    assert str(error.value) == "Ce contenu n’est pas masqué."
    services.content_hide(content=group, moderator=staff, reason="Spam")
    with pytest.raises(services.ModerationError) as error:
        services.content_hide(content=group, moderator=staff, reason="Spam")
    assert str(error.value) == "Ce contenu est déjà masqué."


def test_an_author_without_account_gets_no_email(people, django_capture_on_commit_callbacks):
    group = people["group"]
    Organization.objects.filter(pk=group.pk).update(created_by=None)
    group.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.content_hide(content=group, moderator=people["staff"], reason="Spam")
    assert mail.outbox == []
    assert ModerationDecision.objects.count() == 1
