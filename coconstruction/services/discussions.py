"""Writes of discussions: start one, comment (a reply, a quote), edit a comment within
EDIT_WINDOW, close a discussion with a summary. The views check the rules
(rules/discussions.py); these check the state (closed, too late, a reply to another
discussion's comment) and raise DiscussionError with a message for people.

A comment form's `submission_key` makes a double submit harmless: the second request
finds the comment the first one wrote (unique per author and key) and returns it.
Mentions ("@Prénom Nom", coconstruction.mentions) become Mention rows, for people who may
read the discussion; they and the participants are told once the comment is committed
(services/discussion_notices.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import mentions
from ..models import EDIT_WINDOW, Comment, Mention, Thread
from ..queries.discussions import mention_pool
from ..rules.discussions import in_closed_group
from . import discussion_notices

if TYPE_CHECKING:
    from accounts.models import User


class DiscussionError(Exception):
    """A refused write; the message is shown as is."""


def _already_sent(user: User, key: UUID | None) -> Comment | None:
    if key is None:
        return None
    return Comment.objects.filter(created_by=user, submission_key=key).select_related("thread").first()


def _mentioned(comment: Comment, thread: Thread, user: User) -> list[User]:
    """The people the comment names who may read the discussion (never its author)."""
    named = mentions.mentioned(comment.text, mention_pool(thread))
    return [
        person
        for person in named
        if person.pk != user.pk and person.has_perm("coconstruction.view_thread", thread)
    ]


def _save_mentions(comment: Comment, people: Iterable[User]) -> set[int]:
    """Mention rows for these people; the ids of those not named before (to tell)."""
    before = set(comment.mentions.values_list("user_id", flat=True)) if comment.pk else set()
    wanted = {person.pk for person in people}
    Mention.objects.filter(comment=comment).exclude(user_id__in=wanted).delete()
    Mention.objects.bulk_create(
        [Mention(comment=comment, user_id=pk) for pk in wanted - before], ignore_conflicts=True
    )
    return wanted - before


def thread_start(
    *, subject: Thread, user: User, title: str, text: str, submission_key: UUID | None = None
) -> Comment:
    """A new discussion on the subject (an unsaved Thread naming it) with its first comment;
    the comment (a double submit: the one already written)."""
    sent = _already_sent(user, submission_key)
    if sent is not None:
        return sent
    if in_closed_group(subject):
        raise DiscussionError(_("This working group is closed: it takes no new discussion."))
    now = timezone.now()
    try:
        with transaction.atomic():
            thread = Thread.objects.create(
                commune=subject.commune,
                item=subject.item,
                meeting=subject.meeting,
                working_group=subject.working_group,
                title=title.strip(),
                created_by=user,
                created_at=now,
                last_comment_at=now,
            )
            comment = Comment.objects.create(
                thread=thread, text=text, created_by=user, created_at=now, submission_key=submission_key
            )
            told = _save_mentions(comment, _mentioned(comment, thread, user))
    except IntegrityError:  # the same form, sent twice at once
        sent = _already_sent(user, submission_key)
        if sent is None:
            raise
        return sent
    discussion_notices.comment_written(comment, told, participants=False)
    return comment


def _in_thread(thread: Thread, pk: int | None, what: str) -> Comment | None:
    if not pk:
        return None
    comment = Comment.objects.filter(pk=pk, thread=thread).first()
    if comment is None:
        raise DiscussionError(
            _("The comment you reply to is not in this discussion.")
            if what == "parent"
            else _("The comment you quote is not in this discussion.")
        )
    return comment


def comment_post(
    *,
    thread: Thread,
    user: User,
    text: str,
    parent_id: int | None = None,
    quoted_id: int | None = None,
    submission_key: UUID | None = None,
) -> Comment:
    """A comment in the discussion (a reply to a comment: one level, under its first
    comment; a quote of one); the comment (a double submit: the one already written)."""
    sent = _already_sent(user, submission_key)
    if sent is not None:
        return sent
    if thread.is_closed:
        raise DiscussionError(_("This discussion is closed: it takes no new comment."))
    if in_closed_group(thread):
        raise DiscussionError(_("This working group is closed: its discussions take no new comment."))
    parent = _in_thread(thread, parent_id, "parent")
    if parent is not None and parent.parent_id:
        parent = parent.parent  # one level of replies
    quoted = _in_thread(thread, quoted_id, "quoted")
    if quoted is not None and quoted.is_hidden:
        raise DiscussionError(_("This comment was hidden by the moderators: it cannot be quoted."))
    now = timezone.now()
    try:
        with transaction.atomic():
            comment = Comment.objects.create(
                thread=thread,
                parent=parent,
                quoted=quoted,
                text=text,
                created_by=user,
                created_at=now,
                submission_key=submission_key,
            )
            Thread.objects.filter(pk=thread.pk).update(last_comment_at=now)
            told = _save_mentions(comment, _mentioned(comment, thread, user))
    except IntegrityError:
        sent = _already_sent(user, submission_key)
        if sent is None:
            raise
        return sent
    discussion_notices.comment_written(comment, told)
    return comment


def comment_edit(*, comment: Comment, user: User, text: str, now: datetime | None = None) -> Comment:
    """The author's correction, within EDIT_WINDOW of writing it; people newly named are told."""
    minutes = int(EDIT_WINDOW.total_seconds() // 60)
    if not comment.is_editable(now):
        raise DiscussionError(
            _(
                "A comment can be edited for %(minutes)d minutes after it is written: this one can no longer be."
            )
            % {"minutes": minutes}
        )
    if comment.is_hidden:
        raise DiscussionError(_("This comment was hidden by the moderators: it cannot be edited."))
    if comment.thread.is_closed:
        raise DiscussionError(_("This discussion is closed: its comments can no longer be edited."))
    if in_closed_group(comment.thread):
        raise DiscussionError(_("This working group is closed: its comments can no longer be edited."))
    with transaction.atomic():
        comment.text = text
        comment.edited_at = now or timezone.now()
        comment.save(update_fields=["text", "edited_at"])
        told = _save_mentions(comment, _mentioned(comment, comment.thread, user))
    if told:
        discussion_notices.comment_written(comment, told, participants=False)
    return comment


def thread_close(*, thread: Thread, user: User, summary: str) -> Thread:
    """Close the discussion with its summary: it takes no new comment and stays readable."""
    if not summary.strip():
        raise DiscussionError(_("Write the summary of the discussion."))
    with transaction.atomic():
        closed = Thread.objects.filter(pk=thread.pk, closed_at__isnull=True).update(
            closed_at=timezone.now(), closed_by=user, summary=summary.strip()
        )
    if not closed:
        raise DiscussionError(_("This discussion is already closed."))
    thread.refresh_from_db()
    return thread
