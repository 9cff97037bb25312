from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.actions import perform
from core.permissions import require, site_url

from . import services
from .forms import DecisionForm, ReportForm
from .models import ModerationDecision, Report


def _content(app_label, model, object_id):
    content_type = services.moderated_content_type(app_label, model)
    if content_type is None:
        raise Http404
    content = content_type.model_class().objects.filter(pk=object_id).first()
    if content is None:
        raise Http404
    return content


@login_required
@require_http_methods(["GET", "POST"])
def report(request, app_label, model, object_id):
    content = _content(app_label, model, object_id)
    if not content.is_visible_to(request.user):
        raise Http404
    require(request, "moderation.report", content)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if ratelimit.consume(request, action="report_content", user=request.user) is False:
            messages.error(request, _("Too many reports sent: try again later."))
        elif perform(
            request,
            lambda: services.report_create(content=content, reporter=request.user, **form.cleaned_data),
            errors=services.ModerationError,
            form=form,
            success=_("Thank you: moderators will look at this content."),
        ):
            return redirect(content)
    return render(request, "moderation/report_form.html", {"content": content, "form": form})


@login_required
@require_http_methods(["GET"])
def queue(request):
    require(request, "moderation.moderate")
    open_reports = (
        Report.objects.filter(status=Report.Status.OPEN)
        .values("content_type", "object_id")
        .annotate(count=Count("id"), last=Max("created_at"))
        .order_by("-last")
    )
    page = Paginator(open_reports, 30).get_page(request.GET.get("page"))
    groups = list(page.object_list)
    # One query per content type on the page, not one per item.
    wanted = {}
    for group in groups:
        wanted.setdefault(group["content_type"], set()).add(group["object_id"])
    objects = {}
    for content_type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        for obj in model.objects.filter(pk__in=ids):
            objects[(content_type_id, obj.pk)] = obj
    reports = Report.objects.filter(
        status=Report.Status.OPEN,
        content_type__in=wanted.keys(),
        object_id__in={group["object_id"] for group in groups},
    ).order_by("-created_at")
    by_object = {}
    for item in reports:
        by_object.setdefault((item.content_type_id, item.object_id), []).append(item)
    for group in groups:
        key = (group["content_type"], group["object_id"])
        group["content"] = objects.get(key)
        group["reports"] = by_object.get(key, [])
        group["model"] = ContentType.objects.get_for_id(group["content_type"])
    decisions = ModerationDecision.objects.select_related("content_type").order_by("-created_at")[:20]
    return render(
        request,
        "moderation/queue.html",
        {"page": page, "groups": groups, "decisions": decisions, "form": DecisionForm()},
    )


@login_required
@require_POST
def decide(request, app_label, model, object_id):
    content = _content(app_label, model, object_id)
    if not content.is_visible_to(request.user):
        raise Http404
    require(request, "moderation.moderate", content)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an action."))
        return redirect("moderation:queue")
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    if action == "hide":
        perform(
            request,
            lambda: services.content_hide(
                content=content, moderator=request.user, reason=reason, site_url=site_url(request)
            ),
            errors=services.ModerationError,
            success=_("Content hidden; its author is told by email."),
        )
    elif action == "restore":
        perform(
            request,
            lambda: services.content_restore(
                content=content, moderator=request.user, reason=reason, site_url=site_url(request)
            ),
            errors=services.ModerationError,
            success=_("Content restored; its author is told by email."),
        )
    else:
        perform(
            request,
            lambda: services.reports_dismiss(content=content, moderator=request.user),
            errors=services.ModerationError,
            success=_("Reports dismissed."),
        )
    if request.POST.get("next") == "content":
        return redirect(content)
    return redirect("moderation:queue")
