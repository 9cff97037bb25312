"""The pages of discussions: the panel of an item's follow-up, a discussion's page (replies,
quotes, mentions, hidden comments), the forms (double submit, rate limit, edit window,
closing), privacy by URL guessing, and a page's queries whatever the discussion's length."""

import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coconstruction.models import Comment, Meeting, Mention, Thread, WorkingGroup
from coconstruction.queries.discussions import subject_of
from coconstruction.services import discussions as services
from followup.tests.helpers import item
from moderation import services as moderation
from moderation.models import Report
from tests.support import browser, messages_of

from .conftest import make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def french(settings):
    settings.LANGUAGE_CODE = "fr"
    cache.clear()  # rate-limit counters
    yield
    cache.clear()


@pytest.fixture
def thread(committee, committed, saint_denis, mayor):
    comment = services.thread_start(
        subject=subject_of(commune=saint_denis, item=item("26")),
        user=mayor,
        title="Domiciliation des personnes",
        text="Où en est **la domiciliation** ?",
    )
    return comment.thread


def page(client, thread_, **params):
    return client.get(reverse("coconstruction:thread", args=[thread_.pk]), params)


def post_comment(client, thread_, text="Merci.", **fields):
    fields.setdefault("submission_key", str(uuid.uuid4()))
    return client.post(reverse("coconstruction:comment_create", args=[thread_.pk]), {"text": text, **fields})


def test_the_item_timeline_shows_its_discussions_and_the_form_to_voices(thread, member, passerby):
    url = reverse("followup:item", args=["93066", item("26").pk])
    html = browser(member).get(url).content.decode()
    assert "Domiciliation des personnes" in html and "Lancer une discussion" in html
    assert "lancée par Nadia Adjointe · 1 commentaire" in html
    html = browser(passerby).get(url).content.decode()
    assert "Domiciliation des personnes" in html and "Lancer une discussion" not in html


def test_an_item_without_discussion_says_so(committed, member):
    html = browser(member).get(reverse("followup:item", args=["93066", item("01").pk])).content.decode()
    assert "Aucune discussion pour l’instant." in html


def test_starting_a_discussion_twice_by_a_double_click_makes_one(committed, member):
    url = reverse("coconstruction:thread_create_item", args=["93066", item("26").pk])
    data = {"title": "Cours de français", "text": "Qui s’en occupe ?", "submission_key": str(uuid.uuid4())}
    client = browser(member)
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Thread.objects.count() == 1 and Comment.objects.count() == 1


def test_an_item_the_commune_did_not_commit_to_has_no_discussion(committed, member):
    url = reverse("coconstruction:thread_create_item", args=["93066", item("02").pk])
    assert browser(member).post(url, {"title": "x", "text": "y"}).status_code == 404


def test_a_comment_is_published_once_whatever_the_double_submits(thread, member):
    client = browser(member)
    key = str(uuid.uuid4())
    first = post_comment(client, thread, submission_key=key)
    second = post_comment(client, thread, submission_key=key)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert thread.comments.count() == 2
    assert client.get(first["Location"]).status_code == 302  # the comment's address, to its page


def test_posting_too_fast_is_refused_in_french(thread, member, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "post_comment": "2/m/user"}
    client = browser(member)
    assert post_comment(client, thread).status_code == 302
    assert post_comment(client, thread).status_code == 302
    refused = post_comment(client, thread)
    assert refused.status_code == 200
    assert "Vous avez publié beaucoup de commentaires en peu de temps" in refused.content.decode()
    assert thread.comments.count() == 3


def test_an_empty_comment_is_refused_in_french(thread, member):
    response = post_comment(browser(member), thread, text="  ")
    assert "Écrivez votre commentaire." in response.content.decode()


def test_others_may_not_comment(thread, passerby, outsider):
    for user in (passerby, outsider):
        assert post_comment(browser(user), thread).status_code == 403
    assert post_comment(browser(), thread).status_code == 302  # to sign in
    assert thread.comments.count() == 1


def test_replies_quotes_and_mentions_on_the_page(thread, member, coordinator):
    first = thread.comments.get()
    client = browser(member)
    quoting = client.get(reverse("coconstruction:thread", args=[thread.pk]), {"citer": first.pk})
    html = quoting.content.decode()
    assert f'name="quoted" value="{first.pk}"' in html and "Vous citez Nadia Adjointe :" in html
    post_comment(client, thread, text="Voir avec @fatou diallo", quoted=first.pk, parent=first.pk)
    html = page(browser(), thread).content.decode()
    assert "Nadia Adjointe a écrit :" in html
    assert reverse("coconstruction:comment", args=[first.pk]) in html
    assert '<strong class="mention">@fatou diallo</strong>' in html
    assert 'class="discussion-replies"' in html
    assert "<strong>la domiciliation</strong>" in html


def test_the_author_edits_within_the_window_and_the_page_says_so(thread, mayor, member):
    comment = thread.comments.get()
    url = reverse("coconstruction:comment_edit", args=[comment.pk])
    assert browser(member).post(url, {"text": "Pas le mien"}).status_code == 403
    assert browser(mayor).post(url, {"text": "Où en est la domiciliation, @Awa Koné ?"}).status_code == 302
    assert "modifié" in page(browser(), thread).content.decode()
    assert Mention.objects.filter(comment=comment, user=member).exists()
    Comment.objects.filter(pk=comment.pk).update(created_at=comment.created_at - timedelta(minutes=16))
    late = browser(mayor).post(url, {"text": "Trop tard"}, follow=True)
    assert "Un commentaire peut être modifié pendant 15 minutes" in " ".join(messages_of(late))
    comment.refresh_from_db()
    assert comment.text == "Où en est la domiciliation, @Awa Koné ?"


def test_closing_with_a_summary(thread, coordinator, member, passerby):
    url = reverse("coconstruction:thread_close", args=[thread.pk])
    assert browser(passerby).post(url, {"summary": "Non"}).status_code == 403
    empty = browser(coordinator).post(url, {"summary": ""})
    assert "Écrivez le résumé de la discussion." in empty.content.decode()
    assert browser(coordinator).post(url, {"summary": "On écrit au **CCAS**."}).status_code == 302
    html = page(browser(), thread).content.decode()
    assert "Discussion close" in html and "<strong>CCAS</strong>" in html
    assert post_comment(browser(member), thread).status_code == 403


def test_a_hidden_comment_shows_its_reason_to_others_and_its_text_to_its_author(
    thread, member, mayor, moderator
):
    comment = services.comment_post(thread=thread, user=member, text="Propos déplacés")
    report = browser(mayor).post(
        reverse("moderation:report", args=["coconstruction", "comment", comment.pk]),
        {"reason": Report.Reason.values[0], "comment": "Hors sujet"},
    )
    assert report.status_code == 302 and Report.objects.filter(object_id=comment.pk).exists()
    moderation.content_hide(content=comment, moderator=moderator, reason="Propos injurieux")
    others = page(browser(mayor), thread).content.decode()
    assert "Commentaire masqué par la modération : Propos injurieux" in others
    assert "Propos déplacés" not in others
    assert "Propos déplacés" in page(browser(member), thread).content.decode()
    assert "Propos déplacés" in page(browser(moderator), thread).content.decode()


def test_the_report_link_is_on_others_comments(thread, member, mayor):
    comment = thread.comments.get()
    link = reverse("moderation:report", args=["coconstruction", "comment", comment.pk])
    assert link in page(browser(member), thread).content.decode()
    assert link not in page(browser(mayor), thread).content.decode()


# Privacy -----------------------------------------------------------------------------------


def test_a_members_only_meeting_discussion_is_a_404_for_others(committee, member, outsider, passerby):
    meeting = make_meeting(committee, visibility=Meeting.Visibility.MEMBERS)
    comment = services.thread_start(
        subject=subject_of(meeting=meeting), user=member, title="Ordre", text="Idées"
    )
    urls = [
        reverse("coconstruction:thread", args=[comment.thread_id]),
        reverse("coconstruction:comment", args=[comment.pk]),
        reverse("coconstruction:thread_close", args=[comment.thread_id]),
        reverse("coconstruction:comment_edit", args=[comment.pk]),
        reverse("coconstruction:thread_create_meeting", args=[meeting.pk]),
    ]
    for client in (browser(outsider), browser(passerby)):
        for url in urls:
            assert client.get(url).status_code == 404, url
        assert post_comment(client, comment.thread).status_code == 404
    assert browser().get(urls[0]).status_code == 404
    assert browser().get(reverse("coconstruction:thread", args=[999999])).status_code == 404
    assert page(browser(member), comment.thread).status_code == 200


def test_a_members_only_working_group_discussion_is_a_404_for_others(committee, member, outsider):
    group = WorkingGroup.objects.create(
        committee=committee,
        name="Santé",
        purpose="Accès aux soins",
        visibility=WorkingGroup.Visibility.MEMBERS,
    )
    group.members.create(user=member)
    comment = services.thread_start(
        subject=subject_of(working_group=group), user=member, title="PASS", text="?"
    )
    assert page(browser(outsider), comment.thread).status_code == 404
    assert page(browser(), comment.thread).status_code == 404
    assert page(browser(member), comment.thread).status_code == 200


# Queries -----------------------------------------------------------------------------------


def add_comments(thread_, users, count):
    top = [
        Comment(thread=thread_, text=f"Commentaire {n} @Awa Koné", created_by=users[n % len(users)])
        for n in range(count)
    ]
    Comment.objects.bulk_create(top)
    top = list(thread_.comments.order_by("-pk")[:count])
    replies = [
        Comment(thread=thread_, parent=parent, quoted=parent, text="Réponse", created_by=users[0])
        for parent in top
    ]
    Comment.objects.bulk_create(replies)
    Mention.objects.bulk_create([Mention(comment=comment, user=users[1]) for comment in top])


def queries_of(client, thread_, number):
    with CaptureQueriesContext(connection) as captured:
        response = page(client, thread_, page=number)
    assert response.status_code == 200
    return len(captured)


def test_a_page_of_a_long_discussion_costs_the_same_queries(thread, mayor, member, coordinator):
    client = browser(member)
    add_comments(thread, [mayor, member, coordinator], 40)
    page(client, thread)  # the session's first request records its activity
    few = queries_of(client, thread, 2)
    add_comments(thread, [mayor, member, coordinator], 400)
    assert queries_of(client, thread, 2) == few
    assert queries_of(client, thread, 10) == few
