"""Reads of discussions: the panel of a subject's page (its discussions, the form to start
one), a discussion's page of comments (a fixed number of queries whatever its length),
where a comment is, and the people a comment may mention."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q

from actors.models import Membership, MunicipalContact, Organization

from .. import mentions
from ..models import (
    Comment,
    CommitteeMember,
    Mention,
    Participation,
    Registration,
    Thread,
    WorkingGroupMember,
)
from ..rules.discussions import committee_of_commune

THREADS_PER_PAGE = 10
COMMENTS_PER_PAGE = 30
PANEL_PAGE = "discussions"  # the panel's page parameter (the subject's page has its own "page")
POOL_MAX = 5000  # people a comment may mention, at most


def subject_of(*, meeting=None, working_group=None, commune=None, item=None) -> Thread:
    """An unsaved Thread that stands for the subject (what the rules are asked about)."""
    if meeting is not None:
        return Thread(meeting=meeting)
    if working_group is not None:
        return Thread(working_group=working_group)
    return Thread(commune=commune, item=item)


def subject_filter(subject: Thread) -> Q:
    if subject.meeting_id:
        return Q(meeting_id=subject.meeting_id)
    if subject.working_group_id:
        return Q(working_group_id=subject.working_group_id)
    return Q(commune_id=subject.commune_id, item_id=subject.item_id)


def threads_of(subject: Thread):
    return (
        Thread.objects.filter(subject_filter(subject))
        .select_related("created_by")
        .annotate(comment_count=Count("comments", filter=Q(comments__hidden_at__isnull=True)))
        .order_by("-last_comment_at", "-pk")
    )


def discussion_panel(request, *, meeting=None, working_group=None, commune=None, item=None):
    """The context of coconstruction/discussions/panel.html for one subject (three queries,
    and the rules' own for the form)."""
    from ..forms.discussions import ThreadForm

    subject = subject_of(meeting=meeting, working_group=working_group, commune=commune, item=item)
    page = Paginator(threads_of(subject), THREADS_PER_PAGE).get_page(request.GET.get(PANEL_PAGE))
    may_start = request.user.has_perm("coconstruction.add_thread", subject)
    return {
        "page": page,
        "threads": list(page.object_list),
        "page_parameter": PANEL_PAGE,
        "meeting": meeting,
        "working_group": working_group,
        "commune": commune,
        "item": item,
        "create_url": create_url(subject),
        "form": ThreadForm(auto_id="id_thread_%s") if may_start else None,
        "closed_group": working_group is not None and working_group.is_closed,
    }


def item_panel(obj, request):
    """The "followup_item" panel: the discussions on an item's follow-up in a commune."""
    commune, item = obj
    return discussion_panel(request, commune=commune, item=item)


def create_url(subject: Thread) -> str:
    from django.urls import reverse

    if subject.meeting_id:
        return reverse("coconstruction:thread_create_meeting", args=[subject.meeting_id])
    if subject.working_group_id:
        return reverse("coconstruction:thread_create_working_group", args=[subject.working_group_id])
    return reverse("coconstruction:thread_create_item", args=[subject.commune.code, subject.item_id])


def thread_get(pk: int) -> Thread | None:
    return (
        Thread.objects.select_related(
            "created_by",
            "closed_by",
            "commune",
            "item__framework",
            "meeting__committee__commune",
            "meeting__working_group",
            "working_group",
        )
        .defer("commune__outline", "meeting__committee__commune__outline")
        .filter(pk=pk)
        .first()
    )


def comment_get(pk: int) -> Comment | None:
    return Comment.objects.select_related("created_by", "thread").filter(pk=pk).first()


def _with_display(comments):
    return comments.select_related("created_by", "quoted__created_by").prefetch_related(
        Prefetch("mentions", queryset=Mention.objects.select_related("user")),
        Prefetch("quoted__mentions", queryset=Mention.objects.select_related("user")),
    )


@dataclass
class Shown:
    """A comment as the viewer reads it."""

    comment: Comment
    html: str | None  # None: hidden from this viewer
    quote_html: str | None = None
    quote_hidden: bool = False
    replies: list[Shown] = field(default_factory=list)


def shown(comment: Comment, reads_hidden) -> Shown:
    people = [mention.user for mention in comment.mentions.all()]
    html = mentions.render(comment.text, people) if not comment.is_hidden or reads_hidden(comment) else None
    result = Shown(comment=comment, html=html)
    quoted = comment.quoted
    if quoted is not None:
        result.quote_hidden = quoted.is_hidden
        if not quoted.is_hidden:
            result.quote_html = mentions.render(quoted.text, [m.user for m in quoted.mentions.all()])
    return result


def comments_page(thread: Thread, user, page_number) -> tuple:
    """(page, [Shown…]): a page of the discussion's comments, each with its replies (one
    level), in a fixed number of queries."""
    top = _with_display(Comment.objects.filter(thread=thread, parent__isnull=True)).order_by(
        "created_at", "pk"
    )
    page = Paginator(top, COMMENTS_PER_PAGE).get_page(page_number)
    comments = list(page.object_list)
    replies = _with_display(Comment.objects.filter(parent__in=[c.pk for c in comments])).order_by(
        "created_at", "pk"
    )
    by_parent: dict[int, list[Comment]] = {}
    for reply in replies if comments else []:
        by_parent.setdefault(reply.parent_id, []).append(reply)

    def reads_hidden(comment):
        return user.has_perm("coconstruction.read_hidden_comment", comment)

    result = []
    for comment in comments:
        one = shown(comment, reads_hidden)
        one.replies = [shown(reply, reads_hidden) for reply in by_parent.get(comment.pk, [])]
        result.append(one)
    return page, result


def page_of(comment: Comment) -> int:
    """The page of its discussion a comment is on (a reply: its parent's)."""
    top = comment.parent if comment.parent_id else comment
    before = Comment.objects.filter(thread_id=comment.thread_id, parent__isnull=True).filter(
        Q(created_at__lt=top.created_at) | Q(created_at=top.created_at, pk__lt=top.pk)
    )
    return before.count() // COMMENTS_PER_PAGE + 1


def participant_ids(thread: Thread) -> set[int]:
    """Who wrote in the discussion, and who started it."""
    ids = set(
        Comment.objects.filter(thread=thread, created_by__isnull=False)
        .values_list("created_by_id", flat=True)
        .distinct()
        .order_by()
    )
    if thread.created_by_id:
        ids.add(thread.created_by_id)
    return ids


def _subject_people(thread: Thread) -> Q:
    """The people of the subject: who may write in it, roughly (the rules decide after)."""
    accepted = Participation.ACCEPTED
    if thread.meeting_id:
        meeting = thread.meeting
        people = Q(
            pk__in=Registration.objects.filter(meeting=meeting, cancelled_at__isnull=True).values("user_id")
        )
        if meeting.committee_id:
            return people | Q(
                pk__in=CommitteeMember.objects.filter(
                    committee_id=meeting.committee_id, status=accepted
                ).values("user_id")
            )
        return people | _group_people(meeting.working_group_id)
    if thread.working_group_id:
        return _group_people(thread.working_group_id)
    return _commune_people(thread.commune)


def _group_people(group_id) -> Q:
    members = WorkingGroupMember.objects.filter(
        working_group_id=group_id, status=WorkingGroupMember.Status.ACTIVE
    )
    return Q(pk__in=members.values("user_id"))


def _commune_people(commune) -> Q:
    """The commune's verified contacts, its committee's members, the members of the local
    groups that follow it (actors.queries.group_covers, as a query)."""
    Scale = Organization.Scale
    covers = Q(scale=Scale.COMMUNE, commune_id=commune.pk) | Q(scale=Scale.NATIONAL)
    covers |= Q(scale=Scale.DEPARTMENT, department_id=commune.department_id)
    covers |= Q(scale=Scale.REGION, region__departments=commune.department_id)
    if commune.epci_id:
        covers |= Q(scale=Scale.EPCI, epci_id=commune.epci_id)
    groups = Organization.objects.filter(
        covers,
        kind=Organization.Kind.LOCAL_GROUP,
        status=Organization.Status.VALIDATED,
        hidden_at__isnull=True,
    )
    people = Q(pk__in=Membership.objects.filter(organization__in=groups).values("user_id"))
    people |= Q(
        pk__in=MunicipalContact.objects.filter(
            commune=commune, status=MunicipalContact.Status.VERIFIED
        ).values("user_id")
    )
    committee = committee_of_commune(commune)
    if committee is not None:
        people |= Q(
            pk__in=CommitteeMember.objects.filter(committee=committee, status=Participation.ACCEPTED).values(
                "user_id"
            )
        )
    return people


def mention_pool(thread: Thread) -> list:
    """The people a comment of this discussion may name: its participants and the people of
    its subject (active accounts with a public name)."""
    people = _subject_people(thread) | Q(pk__in=participant_ids(thread))
    return list(
        get_user_model()
        .objects.filter(people, is_active=True)
        .exclude(display_name="")
        .only("pk", "display_name", "email")
        .order_by("pk")[:POOL_MAX]
    )
