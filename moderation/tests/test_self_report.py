"""Nobody reports their own content: the link is not offered to its author (nor to the
coordinators of a group, who can change it themselves), and the report is refused if
they try anyway."""

import pytest

from actors.models import Membership
from followup.models import Update, Voice
from followup.tests.helpers import commit, item, post
from moderation import services
from moderation.models import Report
from tests.support import browser, make_group, make_user

pytestmark = pytest.mark.django_db

REPORT_LINK = "Signaler ce contenu"
OWN = "Vous ne pouvez pas signaler votre propre contenu."


@pytest.fixture
def cast():
    author = make_user("fatou@example.org", display_name="Fatou Diallo")
    group = make_group(coordinator=author)
    co_coordinator = make_user("awa@example.org")
    Membership.objects.create(user=co_coordinator, organization=group, role=Membership.Role.COORDINATOR)
    member = make_user("karim@example.org")
    Membership.objects.create(user=member, organization=group, role=Membership.Role.MEMBER)
    return {
        "group": group,
        "author": author,
        "co_coordinator": co_coordinator,
        "member": member,
        "reader": make_user("lectrice@example.org"),
    }


def report_url(group):
    return f"/signaler/actors/organization/{group.pk}/"


@pytest.mark.parametrize("who", ["author", "co_coordinator"])
def test_the_group_s_own_people_are_not_offered_to_report_it(cast, who):
    group, client = cast["group"], browser(cast[who])
    assert REPORT_LINK not in client.get(group.get_absolute_url()).content.decode()
    assert client.get(report_url(group)).status_code == 403
    assert client.post(report_url(group), {"reason": Report.Reason.SPAM, "comment": ""}).status_code == 403
    with pytest.raises(services.ModerationError, match=f"^{OWN}$"):
        services.report_create(content=group, reporter=cast[who], reason=Report.Reason.SPAM)
    assert not Report.objects.exists()


@pytest.mark.parametrize("who", ["member", "reader"])
def test_others_may_report_it(cast, who):
    group, client = cast["group"], browser(cast[who])
    assert REPORT_LINK in client.get(group.get_absolute_url()).content.decode()
    response = client.post(report_url(group), {"reason": Report.Reason.SPAM, "comment": ""})
    assert response.status_code == 302
    assert Report.objects.filter(reporter=cast[who]).exists()


def test_the_author_of_an_update_is_not_offered_to_report_it(cast):
    commit("26")
    post(cast["member"], item("26"), Voice.CIVIL_SOCIETY, text="Ouvert deux jours par semaine.")
    update = Update.objects.get()
    assert update.created_by == cast["member"]
    url = f"/signaler/followup/update/{update.pk}/"

    own_page = browser(cast["member"]).get(update.get_absolute_url()).content.decode()
    assert url not in own_page
    assert browser(cast["member"]).post(url, {"reason": Report.Reason.SPAM}).status_code == 403
    with pytest.raises(services.ModerationError, match=f"^{OWN}$"):
        services.report_create(content=update, reporter=cast["member"], reason=Report.Reason.SPAM)

    assert url in browser(cast["reader"]).get(update.get_absolute_url()).content.decode()
