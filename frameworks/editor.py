"""The framework editor: publishers open a draft of the next version (or a local version),
edit it, check it with the loader's rules, preview it, and publish it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.actions import perform
from core.permissions import require, require_visible

from . import drafts, queries
from .drafts import DraftConflict, DraftError
from .export import data_diff, framework_data, to_yaml
from .forms import HeadForm, ItemForm, LocalVersionForm, SectionForm
from .models import THEMES, FrameworkDraft
from .rules import coordinated_group_ids
from .validation import FrameworksLoadError


def _draft(request, slug):
    draft = FrameworkDraft.objects.select_related("base", "publisher", "updated_by").filter(
        slug=slug, published_at__isnull=True
    )
    draft = draft.first()
    if draft is None:
        raise Http404
    # An unpublished draft is seen by its editors only: a 404 for anyone else.
    require_visible(request, "frameworks.edit_framework", draft)
    return draft


def _draft_url(draft, anchor=""):
    return reverse("frameworks:draft", args=[draft.slug]) + (f"#{anchor}" if anchor else "")


@require_POST
def draft_start(request, slug):
    framework = queries.framework_get(slug)
    if framework is None:
        raise Http404
    require(request, "frameworks.edit_framework", framework)
    draft = drafts.draft_open(framework=framework, user=request.user)
    return redirect(_draft_url(draft))


@require_GET
def draft_detail(request, slug):
    draft = _draft(request, slug)
    return render(request, "frameworks/draft_detail.html", _draft_context(draft))


def _draft_context(draft, **extra):
    data = draft.data
    sections = data.get("sections") or []
    items = data.get("items") or []
    by_section = {str(section.get("code")): [] for section in sections}
    for item in items:
        by_section.setdefault(str(item.get("section")), []).append(item)
    return {
        "draft": draft,
        "data": data,
        "sections": [(section, by_section.get(str(section.get("code")), [])) for section in sections],
        "item_count": len(items),
        "problems": drafts.draft_problems(draft),
        "diff": data_diff(framework_data(draft.base), data),
        "is_local": "based_on" in data,
        **extra,
    }


def _edit(request, draft, form, *, change, edit, template, context):
    """POST → the edit on the draft → back to the draft; its error shown on the form."""
    if form.is_valid():
        try:
            drafts.draft_change(
                draft=draft,
                revision=form.cleaned_data["revision"],
                user=request.user,
                change=change(),
                edit=edit,
            )
        except DraftConflict as conflict:
            form.add_error(None, str(conflict))
            form.data = form.data.copy()
            form.data["revision"] = conflict.draft.revision
            context["current"] = conflict.draft
        except DraftError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The draft is saved."))
            return redirect(_draft_url(draft, context.get("anchor", "")))
    return render(request, template, {"draft": draft, "form": form, **context})


@require_http_methods(["GET", "POST"])
def draft_head(request, slug):
    draft = _draft(request, slug)
    if request.method == "POST":
        form = HeadForm(request.POST)
    else:
        form = HeadForm(initial=HeadForm.initial_from(draft.data, draft.revision))
        return render(
            request, "frameworks/draft_form.html", {"draft": draft, "form": form, "heading": _("General")}
        )
    return _edit(
        request,
        draft,
        form,
        change=lambda: _("General information changed"),
        edit=lambda data: drafts.head_set(data, form.values()),
        template="frameworks/draft_form.html",
        context={"heading": _("General")},
    )


def _entry(entries, code):
    return next((entry for entry in entries if str(entry.get("code")) == code), None)


@require_http_methods(["GET", "POST"])
def draft_section(request, slug, code=None):
    draft = _draft(request, slug)
    section = _entry(draft.data.get("sections") or [], code) if code else None
    if code and section is None:
        raise Http404
    heading = _("Section %(code)s") % {"code": code} if code else _("New section")
    if request.method == "GET":
        initial = {**(section or {"kind": "chapter"}), "revision": draft.revision}
        form = SectionForm(initial=initial)
        return render(
            request, "frameworks/draft_form.html", {"draft": draft, "form": form, "heading": heading}
        )
    form = SectionForm(request.POST)
    return _edit(
        request,
        draft,
        form,
        change=lambda: _("Section %(code)s saved") % {"code": form.cleaned_data["code"]},
        edit=lambda data: drafts.section_set(data, code, form.values()),
        template="frameworks/draft_form.html",
        context={"heading": heading, "anchor": "sections"},
    )


def _national_items(draft):
    based_on = draft.data.get("based_on")
    if not based_on:
        return None
    national = queries.framework_get(based_on.get("slug"), based_on.get("version"))
    if national is None:
        return []
    return list(national.items.order_by("position").values_list("code", "title"))


@require_http_methods(["GET", "POST"])
def draft_item(request, slug, code=None):
    draft = _draft(request, slug)
    item = _entry(draft.data.get("items") or [], code) if code else None
    if code and item is None:
        raise Http404
    filling = request.GET.get("code", "") if code is None else ""
    options = {
        "sections": draft.data.get("sections") or [],
        "national_items": _national_items(draft),
        "levels": (item or {}).get("levels") or [],
    }
    if code:
        heading = _("Item %(code)s") % {"code": code}
    elif filling:
        heading = _("Fill in item %(code)s") % {"code": filling}
    else:
        heading = _("New item")
    context = {"heading": heading, "item": item, "anchor": "items"}
    if request.method == "GET":
        new = {"code": filling, "section": drafts.suggested_section(draft.data, filling)}
        initial = ItemForm.initial_from(item or new, draft.revision)
        form = ItemForm(initial=initial, **options)
        return render(request, "frameworks/draft_form.html", {"draft": draft, "form": form, **context})
    form = ItemForm(request.POST, **options)
    return _edit(
        request,
        draft,
        form,
        change=lambda: _("Item %(code)s saved") % {"code": form.cleaned_data["code"]},
        edit=lambda data: drafts.item_set(data, code, form.values()),
        template="frameworks/draft_form.html",
        context=context,
    )


def _revision(request):
    value = request.POST.get("revision", "")
    return int(value) if value.isdigit() else 0


def _post_edit(request, draft, change, edit, anchor=""):
    """A one-button edit (remove, move): its error as a message, back to the draft."""
    perform(
        request,
        lambda: drafts.draft_change(
            draft=draft, revision=_revision(request), user=request.user, change=change, edit=edit
        ),
        errors=(DraftConflict, DraftError),
        success=_("The draft is saved."),
    )
    return redirect(_draft_url(draft, anchor))


@require_POST
def draft_item_remove(request, slug, code):
    draft = _draft(request, slug)
    return _post_edit(
        request,
        draft,
        _("Item %(code)s removed") % {"code": code},
        lambda data: drafts.item_remove(data, code),
        "items",
    )


@require_POST
def draft_section_remove(request, slug, code):
    draft = _draft(request, slug)
    return _post_edit(
        request,
        draft,
        _("Section %(code)s removed") % {"code": code},
        lambda data: drafts.section_remove(data, code),
        "sections",
    )


@require_POST
def draft_move(request, slug):
    draft = _draft(request, slug)
    key = "sections" if request.POST.get("what") == "section" else "items"
    code = request.POST.get("code", "")
    offset = -1 if request.POST.get("direction") == "up" else 1
    if key == "sections":
        change = _("Section %(code)s moved up") if offset < 0 else _("Section %(code)s moved down")
    else:
        change = _("Item %(code)s moved up") if offset < 0 else _("Item %(code)s moved down")
    return _post_edit(
        request, draft, change % {"code": code}, lambda data: drafts.move(data, key, code, offset), key
    )


@require_GET
def draft_preview(request, slug):
    draft = _draft(request, slug)
    try:
        theme = request.GET.get("theme", "")
        preview = queries.preview(draft.data, theme=theme if theme in THEMES else "")
    except FrameworksLoadError as error:
        return render(
            request, "frameworks/draft_detail.html", _draft_context(draft, preview_problems=error.messages)
        )
    preview["framework"].publisher = draft.publisher
    return render(
        request, "frameworks/framework_detail.html", {**preview, "draft": draft, "is_preview": True}
    )


@require_POST
def draft_publish(request, slug):
    draft = _draft(request, slug)
    try:
        framework = drafts.draft_publish(draft=draft, revision=_revision(request), user=request.user)
    except FrameworksLoadError as error:
        return render(
            request,
            "frameworks/draft_detail.html",
            _draft_context(draft, publish_problems=error.messages),
            status=400,
        )
    except (DraftConflict, DraftError) as error:
        messages.error(request, str(error))
        return redirect(_draft_url(draft))
    messages.success(
        request,
        _("Version %(version)s of “%(title)s” is published.")
        % {"version": framework.version, "title": framework.title},
    )
    return redirect(framework.get_absolute_url())


@require_POST
def draft_discard(request, slug):
    draft = _draft(request, slug)
    if not perform(
        request,
        lambda: drafts.draft_discard(draft=draft, user=request.user),
        errors=DraftError,
        success=_("The draft is discarded."),
    ):
        return redirect(_draft_url(draft))
    return redirect(draft.base.get_absolute_url())


@require_GET
def draft_history(request, slug):
    """The edits of the framework's drafts, the open one and those already published."""
    draft = (
        FrameworkDraft.objects.select_related("publisher").filter(slug=slug).order_by("-created_at").first()
    )
    if draft is None:
        raise Http404
    require(request, "frameworks.edit_framework", draft)
    records = queries.draft_history(draft.slug)
    return render(request, "frameworks/draft_history.html", {"draft": draft, "records": records})


@require_GET
def draft_yaml(request, slug):
    draft = _draft(request, slug)
    return _yaml_response(draft.data, f"{draft.slug}-{draft.data.get('version', '')}-brouillon.yaml")


def _yaml_response(data, filename):
    response = HttpResponse(to_yaml(data), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def framework_yaml(request, slug, version=None):
    framework = queries.framework_get(slug, version)
    if framework is None:
        raise Http404
    return _yaml_response(framework_data(framework), f"{framework.slug}-{framework.version}.yaml")


@require_http_methods(["GET", "POST"])
def local_version_new(request, slug):
    national = queries.framework_get(slug)
    if national is None:
        raise Http404
    require(request, "frameworks.create_local_version", national)
    groups = queries.groups_by_ids(coordinated_group_ids(request.user))
    form = LocalVersionForm(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        outcome = perform(
            request,
            lambda: drafts.draft_open_local(
                national=national, group=form.cleaned_data["group"], user=request.user
            ),
            errors=DraftError,
            form=form,
            success=_("The local version is a draft: adapt it, then publish it."),
        )
        if outcome:
            return redirect(_draft_url(outcome.result))
    return render(request, "frameworks/local_version_new.html", {"framework": national, "form": form})
