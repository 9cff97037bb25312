"""Pages of discussions: a discussion and its comments (`/discussions/<pk>/`), starting one
on a subject (an item's follow-up in a commune, a meeting, a working group), commenting
(a reply, a quote), editing one's comment, closing a discussion with a summary, and a
comment's address (sent to the page it is on). Whoever may not see the subject gets a
404, whatever the URL they guess."""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actors.rules import is_moderator
from core.actions import perform
from core.markdown import render as render_markdown
from core.permissions import require
from followup import queries as followup_queries

from ..forms.discussions import CloseForm, CommentEditForm, CommentForm, ThreadForm
from ..models import Comment, Meeting, WorkingGroup
from ..queries import discussions as queries
from ..services import discussions as services

RATE_LIMITED = "post_comment"


def _visible(request, permission, obj):
    """The object, or a 404 for whoever may not see it (signed in or not)."""
    if obj is None or not request.user.has_perm(permission, obj):
        raise Http404
    return obj


def _thread(request, pk):
    return _visible(request, "coconstruction.view_thread", queries.thread_get(pk))


def _comment(request, pk):
    comment = queries.comment_get(pk)
    _visible(request, "coconstruction.view_thread", comment.thread if comment else None)
    return comment


def _rate_limited(request, form):
    if ratelimit.consume(request, action=RATE_LIMITED, user=request.user) is False:
        form.add_error(
            None, _("You have posted many comments in a short time: wait a moment, then try again.")
        )
        return True
    return False


def subject_context(thread):
    """What the pages say of the discussion's subject: its name and its page."""
    if thread.meeting_id:
        return {"subject_name": thread.meeting.title, "subject_url": thread.meeting.get_absolute_url()}
    if thread.working_group_id:
        group = thread.working_group
        return {"subject_name": group.name, "subject_url": group.get_absolute_url()}
    return {
        "subject_name": f"{thread.item.code}. {thread.item.title} — {thread.commune.display_name}",
        "subject_url": reverse("followup:item", args=[thread.commune.code, thread.item_id]),
    }


def _target(request, thread, name):
    """The comment a reply or a quote is about (?repondre= / ?citer=), if it is this thread's."""
    try:
        pk = int(request.GET.get(name, ""))
    except ValueError:
        return None
    comment = Comment.objects.select_related("created_by").filter(pk=pk, thread=thread).first()
    if comment is None or (comment.is_hidden and name == "citer"):
        return None
    return comment.parent if name == "repondre" and comment.parent_id else comment


def _thread_page(request, thread, form=None, status=200):
    user = request.user
    page, comments = queries.comments_page(thread, user, request.GET.get("page"))
    may_comment = user.has_perm("coconstruction.comment_thread", thread)
    reply_to = quoted = None
    if may_comment and form is None:
        reply_to, quoted = _target(request, thread, "repondre"), _target(request, thread, "citer")
        form = CommentForm(
            initial={"parent": reply_to.pk if reply_to else None, "quoted": quoted.pk if quoted else None}
        )
    elif form is not None and form.is_bound:
        reply_to = Comment.objects.filter(pk=form.data.get("parent") or 0, thread=thread).first()
        quoted = Comment.objects.filter(pk=form.data.get("quoted") or 0, thread=thread).first()
    context = {
        "thread": thread,
        "page": page,
        "comments": comments,
        "form": form if may_comment else None,
        "reply_to": reply_to,
        "quoted": quoted,
        "quoted_html": queries.shown(quoted, lambda c: False).html if quoted else None,
        "may_comment": may_comment,
        "may_close": user.has_perm("coconstruction.close_thread", thread),
        "is_moderator": is_moderator(user),
        "may_report": user.is_authenticated,
        "edit_minutes": int(services.EDIT_WINDOW.total_seconds() // 60),
        "summary_html": render_markdown(thread.summary) if thread.is_closed else "",
        **subject_context(thread),
    }
    return render(request, "coconstruction/discussions/thread.html", context, status=status)


@require_GET
def thread(request, pk):
    return _thread_page(request, _thread(request, pk))


@login_required
@require_POST
def comment_create(request, pk):
    thread_ = _thread(request, pk)
    require(request, "coconstruction.comment_thread", thread_)
    form = CommentForm(request.POST)
    if form.is_valid() and not _rate_limited(request, form):
        outcome = perform(
            request,
            lambda: services.comment_post(
                thread=thread_,
                user=request.user,
                text=form.cleaned_data["text"],
                parent_id=form.cleaned_data["parent"],
                quoted_id=form.cleaned_data["quoted"],
                submission_key=form.cleaned_data["submission_key"],
            ),
            errors=services.DiscussionError,
            form=form,
            success=_("Your comment is published."),
        )
        if outcome:
            return redirect(outcome.result)
    return _thread_page(request, thread_, form=form)


def _start(request, subject):
    """Start a discussion on the subject (an unsaved Thread naming it)."""
    _visible(request, "coconstruction.view_thread", subject)
    require(request, "coconstruction.add_thread", subject)
    form = ThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not _rate_limited(request, form):
        outcome = perform(
            request,
            lambda: services.thread_start(subject=subject, user=request.user, **form.cleaned_data),
            errors=services.DiscussionError,
            form=form,
            success=_("Your discussion is started."),
        )
        if outcome:
            return redirect(outcome.result.thread)
    context = {"form": form, **subject_context(subject)}
    return render(request, "coconstruction/discussions/thread_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def thread_create_item(request, code, item_id):
    commune = followup_queries.commune_get(code)
    item = followup_queries.committed_item_get(commune, item_id) if commune else None
    if item is None:
        raise Http404
    return _start(request, queries.subject_of(commune=commune, item=item))


@login_required
@require_http_methods(["GET", "POST"])
def thread_create_meeting(request, pk):
    meeting = Meeting.objects.select_related("committee", "working_group").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return _start(request, queries.subject_of(meeting=meeting))


@login_required
@require_http_methods(["GET", "POST"])
def thread_create_working_group(request, pk):
    group = WorkingGroup.objects.filter(pk=pk).first()
    if group is None:
        raise Http404
    return _start(request, queries.subject_of(working_group=group))


@login_required
@require_http_methods(["GET", "POST"])
def thread_close(request, pk):
    thread_ = _thread(request, pk)
    require(request, "coconstruction.close_thread", thread_)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = perform(
            request,
            lambda: services.thread_close(
                thread=thread_, user=request.user, summary=form.cleaned_data["summary"]
            ),
            errors=services.DiscussionError,
            form=form,
            success=_("The discussion is closed."),
        )
        if outcome:
            return redirect(thread_)
    context = {"thread": thread_, "form": form, **subject_context(thread_)}
    return render(request, "coconstruction/discussions/close_form.html", context)


@require_GET
def comment(request, pk):
    """A comment's address: the page of its discussion it is on, at its place."""
    comment_ = _comment(request, pk)
    url = reverse("coconstruction:thread", args=[comment_.thread_id])
    number = queries.page_of(comment_)
    return redirect(
        f"{url}?page={number}#comment-{comment_.pk}" if number > 1 else f"{url}#comment-{comment_.pk}"
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request, pk):
    comment_ = _comment(request, pk)
    require(request, "coconstruction.change_comment", comment_)
    if not comment_.is_editable():
        messages.error(
            request,
            _(
                "A comment can be edited for %(minutes)d minutes after it is written: this one can no longer be."
            )
            % {"minutes": int(services.EDIT_WINDOW.total_seconds() // 60)},
        )
        return redirect(comment_)
    form = CommentEditForm(request.POST or None, initial={"text": comment_.text})
    if request.method == "POST" and form.is_valid():
        outcome = perform(
            request,
            lambda: services.comment_edit(
                comment=comment_, user=request.user, text=form.cleaned_data["text"]
            ),
            errors=services.DiscussionError,
            form=form,
            success=_("Your comment is changed."),
        )
        if outcome:
            return redirect(comment_)
    context = {
        "thread": comment_.thread,
        "comment": comment_,
        "form": form,
        **subject_context(comment_.thread),
    }
    return render(request, "coconstruction/discussions/comment_form.html", context)


urlpatterns = [
    path("discussions/<int:pk>/", thread, name="thread"),
    path("discussions/<int:pk>/commenter/", comment_create, name="comment_create"),
    path("discussions/<int:pk>/clore/", thread_close, name="thread_close"),
    path("discussions/commentaires/<int:pk>/", comment, name="comment"),
    path("discussions/commentaires/<int:pk>/modifier/", comment_edit, name="comment_edit"),
    path(
        "discussions/nouvelle/engagement/<str:code>/<int:item_id>/",
        thread_create_item,
        name="thread_create_item",
    ),
    path("discussions/nouvelle/reunion/<int:pk>/", thread_create_meeting, name="thread_create_meeting"),
    path(
        "discussions/nouvelle/chantier/<int:pk>/",
        thread_create_working_group,
        name="thread_create_working_group",
    ),
]
