"""Regression tests of the review's findings 4, 5, 7, 8 and 9 (co-construction): mentions
inside link markup and code, calendar feeds that shrink, the cached commune page once a
meeting has begun, committees named "du Montellier", neutral working-group invitations."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.http import http_date

from coconstruction import mentions
from coconstruction.models import Committee, CommitteeMember, Meeting, Participation, WorkingGroup
from coconstruction.services import calendars as calendar_services
from coconstruction.services import committees as committee_services
from core import pagecache
from followup.tests.conftest import verified_contact
from followup.tests.helpers import commune
from tests.support import browser, make_user
from tests.test_emails import problems

from .conftest import make_meeting
from .workgroups_support import fr, make_working_group

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


class Person:
    def __init__(self, pk, display_name):
        self.pk, self.display_name = pk, display_name


AWA_KONE = Person(1, "Awa Koné")
RELS = 'rel="noopener noreferrer nofollow ugc"'


# 4. Mentions only in text ---------------------------------------------------------------------


def test_a_mention_in_a_link_title_leaves_the_link_whole():
    html = str(mentions.render('[x](https://spam.example "@Awa Koné") et @Awa Koné', [AWA_KONE]))
    assert f'<a href="https://spam.example" title="@Awa Koné" {RELS}>x</a>' in html
    assert html.count("<strong") == 1 and 'et <strong class="mention">@Awa Koné</strong>' in html


def test_a_mention_in_a_link_address_stays_as_typed():
    html = str(mentions.render("[voir](https://x.example/@Awa) @Awa Koné", [Person(2, "Awa"), AWA_KONE]))
    assert f'<a href="https://x.example/@Awa" {RELS}>voir</a>' in html
    assert '<strong class="mention">@Awa Koné</strong>' in html


def test_mentions_in_code_are_not_highlighted():
    html = str(mentions.render("`@Awa Koné`\n\n    @Awa Koné dans un bloc\n\nMerci @Awa Koné", [AWA_KONE]))
    assert "<code>@Awa Koné</code>" in html
    assert "<pre><code>@Awa Koné dans un bloc\n</code></pre>" in html
    assert html.count('class="mention"') == 1 and 'Merci <strong class="mention">@Awa Koné</strong>' in html


def test_a_name_with_quotes_is_escaped_in_attributes_and_text():
    person = Person(3, 'Jo "le" <b>')
    html = str(mentions.render("""[x](https://a.example '@Jo "le" <b>') @Jo "le" <b>""", [person]))
    assert "<b>" not in html and 'title="@Jo &quot;le&quot; &lt;b&gt;"' in html
    assert '<strong class="mention">@Jo &quot;le&quot; &lt;b&gt;</strong>' in html
    assert RELS in html


# 5. Calendar feeds: ETag only --------------------------------------------------------------------


def later():
    return http_date((timezone.now() + timedelta(days=1)).timestamp())


def test_a_person_feed_that_shrinks_is_not_answered_304(client, member, committee):
    make_meeting(committee, title="Préparation du budget", visibility=Meeting.Visibility.MEMBERS)
    token = calendar_services.link_create(member)
    first = client.get(f"/agenda/{token}.ics")
    assert "Préparation du budget" in first.content.decode()
    assert not first.has_header("Last-Modified")
    CommitteeMember.objects.filter(committee=committee, user=member).update(status=Participation.LEFT)
    second = client.get(
        f"/agenda/{token}.ics", HTTP_IF_MODIFIED_SINCE=later(), HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert second.status_code == 200 and "Préparation du budget" not in second.content.decode()
    # A calendar app that only sends If-Modified-Since gets the feed too.
    assert client.get(f"/agenda/{token}.ics", HTTP_IF_MODIFIED_SINCE=later()).status_code == 200


def test_the_commune_feed_follows_a_meeting_turned_members_only(client, meeting):
    first = client.get("/communes/93066/comite/agenda.ics")
    assert "Comité de suivi" in first.content.decode() and not first.has_header("Last-Modified")
    assert (
        client.get("/communes/93066/comite/agenda.ics", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    )
    Meeting.objects.filter(pk=meeting.pk).update(visibility=Meeting.Visibility.MEMBERS)
    second = client.get("/communes/93066/comite/agenda.ics", HTTP_IF_MODIFIED_SINCE=later())
    assert second.status_code == 200 and "BEGIN:VEVENT" not in second.content.decode()


# 7. The hourly command refreshes the commune page once a meeting has begun --------------------


def test_the_cached_commune_page_drops_a_meeting_once_it_has_begun(committee, settings):
    from tests.pagecache_support import anonymous_get

    settings.PAGE_CACHE = True
    pagecache.forget_local()
    meeting = make_meeting(committee, title="Réunion de rentrée", days=1)
    first, _queries = anonymous_get("/communes/93066/")
    assert "Réunion de rentrée" in first.content.decode()
    # An hour later, it has begun (no save: nothing bumps the page).
    started = timezone.now() - timedelta(minutes=30)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=started, ends_at=started + timedelta(hours=2))
    cached, queries_made = anonymous_get("/communes/93066/")
    assert queries_made == 0 and "Réunion de rentrée" in cached.content.decode()
    call_command("meeting_reminders", stdout=(out := _Output()))
    assert "commune:93066" in out.text
    fresh, queries_made = anonymous_get("/communes/93066/")
    assert queries_made > 0 and "Réunion de rentrée" not in fresh.content.decode()
    pagecache.forget_local()


def test_the_dry_run_refreshes_nothing(committee, monkeypatch):
    bumped = []
    monkeypatch.setattr(pagecache, "bump", lambda *scopes: bumped.extend(scopes))
    begun = make_meeting(committee, title="Commencée")
    Meeting.objects.filter(pk=begun.pk).update(starts_at=timezone.now() - timedelta(minutes=30))
    long_ago = make_meeting(committee, title="Il y a trois heures")
    Meeting.objects.filter(pk=long_ago.pk).update(starts_at=timezone.now() - timedelta(hours=3))
    call_command("meeting_reminders", "--dry-run", stdout=(out := _Output()))
    assert bumped == [] and "would refresh: commune:93066" in out.text
    call_command("meeting_reminders", stdout=_Output())
    assert bumped == ["commune:93066"]


class _Output:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


# 8. "Comité de suivi du Montellier (01)" ------------------------------------------------------


@pytest.fixture
def montellier(db):
    return Committee.objects.create(commune=commune("01260"))  # "Le Montellier"


def test_a_committee_is_named_with_its_communes_charniere(montellier):
    with translation.override("fr"):
        assert str(montellier) == "Comité de suivi du Montellier (01)"
        assert str(Committee(commune=commune("01004"))) == "Comité de suivi d’Ambérieu-en-Bugey (01)"
        assert str(Committee(commune=commune("01274"))) == "Comité de suivi des Neyrolles (01)"
    with translation.override("en"):
        assert str(montellier) == "Follow-up committee of Le Montellier (01)"


def test_the_committee_pages_say_du_montellier(montellier, client):
    page = client.get("/communes/01260/comite/").content.decode()
    assert "<title>Comité de suivi du Montellier (01)" in page
    assert f"Le comité de suivi du Montellier (01){NBSP}: la municipalité" in page
    assert "de Le Montellier" not in page
    mayor = verified_contact(make_user("maire@montellier.example.org"), "01260")
    page = browser(mayor).get("/communes/01260/comite/modifier/").content.decode()
    assert "<h1>Modifier le comité de suivi du Montellier (01)</h1>" in page
    page = browser(mayor).get("/communes/01260/comite/chantiers/nouveau/").content.decode()
    assert 'Pour le <a href="/communes/01260/comite/">comité de suivi du Montellier (01)</a>.' in page
    group = make_working_group(mayor, committee=montellier, visibility=WorkingGroup.Visibility.PUBLIC)
    page = client.get(group.get_absolute_url()).content.decode()
    assert 'du <a href="/communes/01260/comite/">comité de suivi du Montellier (01)</a>' in page
    assert "de Le Montellier" not in page


def test_the_committee_emails_name_the_commune_in_each_readers_language(
    django_capture_on_commit_callbacks,
):
    committee = Committee.objects.create(commune=commune("01004"))
    french = verified_contact(make_user("maire@amberieu.example.org", display_name="Marie Maire"), "01004")
    english = verified_contact(make_user("deputy@amberieu.example.org", display_name="Dan Deputy"), "01004")
    english.language = "en"
    english.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        committee_services.member_request(
            committee=committee, user=make_user("lea@example.org", display_name="Léa"), site_url="http://t"
        )
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {french.email, english.email}
    told = by_address[french.email]
    assert f"Comité de suivi d’Ambérieu-en-Bugey (01){NBSP}: une demande de participation" in told.subject
    assert "Léa demande à participer au comité de suivi d’Ambérieu-en-Bugey (01)." in told.body
    told = by_address[english.email]
    assert "Follow-up committee of Ambérieu-en-Bugey (01): a request to take part" in told.subject
    assert not problems(by_address[french.email]) and not problems(told)


# 9. Neutral invitations --------------------------------------------------------------------------


NEUTRAL = (
    "If this address belongs to an account, the person is invited: they get an email with the group's link."
)


@pytest.fixture
def invitation_group(committee, mayor):
    return make_working_group(
        mayor, committee=committee, name="Accueil des mineurs", access=WorkingGroup.Access.INVITATION
    )


def test_an_invitation_answers_the_same_whether_the_address_has_an_account(
    invitation_group, coordinator, passerby, django_capture_on_commit_callbacks
):
    inviter = make_user("sans-nom@example.org", display_name="")
    invitation_group.members.create(user=inviter, role="coordinator")
    url = invitation_group.get_absolute_url() + "inviter/"
    answers = []
    for address in ("inconnu@example.org", passerby.email):
        with django_capture_on_commit_callbacks(execute=True):
            response = browser(inviter).post(url, {"email": address}, follow=True)
        answers.append(fr(NEUTRAL) in response.content.decode())
    assert answers == [True, True]
    assert not invitation_group.members.filter(user__email="inconnu@example.org").exists()
    (message,) = mail.outbox  # only the account's owner is written to
    assert message.to == [passerby.email]
    assert "sans-nom@example.org" not in message.body
    with translation.override("fr"):
        assert f"{inviter.public_name} vous invite" in message.body
    assert not problems(message)


def test_the_working_group_list_names_committees_without_a_query_each(committee, mayor, montellier, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_working_group(mayor, committee=committee, name="Premier")

    def queries_of_list():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/chantiers/").status_code == 200
        return len(queries)

    one = queries_of_list()
    other_mayor = verified_contact(make_user("maire@montellier.example.org"), "01260")
    make_working_group(other_mayor, committee=montellier, name="Second")
    make_working_group(mayor, committee=committee, name="Troisième")
    page = client.get("/chantiers/").content.decode()
    assert "comité de suivi du Montellier (01)" in page and "comité de suivi de Saint-Denis (93)" in page
    assert queries_of_list() == one
