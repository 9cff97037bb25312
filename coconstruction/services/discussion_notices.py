"""What people are told of discussions, through notifications (the same preferences as the
follow-up: at once, or in the weekly digest).

Two events, registered from registrations.discussions():
- "coconstruction.comment": a new comment, told to the discussion's participants (who
  wrote in it, who started it);
- "coconstruction.mention": a comment that names someone, told to that person.
Never to the comment's author, never twice (a person named is not told of the comment
again as a participant), only to people who may see the discussion (checked when the
task runs: `tell`). A comment hidden since is no longer told (`visible_comments`)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django_tasks import task

from accounts.models import public_name
from core.markdown import render
from notifications import events, services

from ..models import Comment, Thread
from ..queries.discussions import participant_ids

COMMENT = "coconstruction.comment"
MENTION = "coconstruction.mention"
SUMMARY_CHARS = 300


def visible_comments(ids: Collection[int]) -> Mapping[int, Comment]:
    """The comments among these ids that are still shown (not hidden), with their discussion."""
    comments = (
        Comment.objects.filter(pk__in=list(ids), hidden_at__isnull=True)
        .select_related("thread", "created_by")
        .order_by()
    )
    return {comment.pk: comment for comment in comments}


def _summary(comment: Comment) -> str:
    return Truncator(" ".join(strip_tags(render(comment.text)).split())).chars(SUMMARY_CHARS)


def describe_comment(comment: Comment) -> events.Event:
    return events.Event(
        title=_("New comment in “%(thread)s”") % {"thread": comment.thread.title},
        summary=_summary(comment),
        path=comment.get_absolute_url(),
        date=comment.created_at,
        author=public_name(comment.created_by),
    )


def describe_mention(comment: Comment) -> events.Event:
    return events.Event(
        title=_("%(name)s mentioned you in “%(thread)s”")
        % {"name": public_name(comment.created_by), "thread": comment.thread.title},
        summary=_summary(comment),
        path=comment.get_absolute_url(),
        date=comment.created_at,
        author=public_name(comment.created_by),
    )


SOURCES = (
    events.EventSource(key=COMMENT, objects=visible_comments, describe=describe_comment),
    events.EventSource(key=MENTION, objects=visible_comments, describe=describe_mention),
)


def register() -> None:
    for source in SOURCES:
        events.register(source)


def _allowed(user_ids: Iterable[int], thread: Thread) -> list[int]:
    """The active people among these ids who may see the discussion."""
    users = get_user_model().objects.filter(pk__in=list(user_ids), is_active=True)
    return [user.pk for user in users if user.has_perm("coconstruction.view_thread", thread)]


@task()
def tell(*, comment_id: int, mentioned_ids: list[int], participants: bool = True) -> int:
    """Notify the people a comment names (`mentioned_ids`) and, for a new comment, the
    discussion's participants."""
    comment = Comment.objects.select_related("thread").filter(pk=comment_id).first()
    if comment is None or comment.is_hidden:
        return 0
    thread = comment.thread
    author = comment.created_by_id
    mentioned = set(_allowed(set(mentioned_ids) - {author}, thread))
    others = set()
    if participants:
        others = set(_allowed(participant_ids(thread) - mentioned - {author}, thread))
    # No commune: notify() would tell its followers too (a discussion is its participants').
    if mentioned:
        services.notify(MENTION, comment, authors=[author], recipients=mentioned)
    if others:
        services.notify(COMMENT, comment, authors=[author], recipients=others)
    return len(mentioned) + len(others)


def comment_written(comment: Comment, mentioned_ids: Iterable[int], *, participants: bool = True) -> None:
    """Once the comment is committed, have the task worker tell whom it concerns."""
    ids = sorted(mentioned_ids)
    transaction.on_commit(
        lambda: tell.enqueue(comment_id=comment.pk, mentioned_ids=ids, participants=participants)
    )
