from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core import panels

from . import queries
from .export import data_diff, framework_data
from .models import THEMES, FrameworkDraft, theme_group


@require_GET
def framework_list(request):
    return render(request, "frameworks/framework_list.html", {"frameworks": queries.current_frameworks()})


@require_GET
def framework_detail(request, slug, version=None):
    framework = queries.framework_get(slug, version)
    if framework is None:
        raise Http404
    theme = request.GET.get("theme", "")
    if theme not in THEMES:
        theme = ""
    can_edit = request.user.has_perm("frameworks.edit_framework", framework)
    return render(
        request,
        "frameworks/framework_detail.html",
        {
            "framework": framework,
            "sections": queries.framework_sections(framework, theme=theme),
            "theme_groups": queries.theme_filter_groups(queries.framework_themes(framework)),
            "theme": theme,
            "theme_label": THEMES.get(theme, ""),
            "versions": queries.framework_versions(framework),
            "local_versions": queries.local_versions(framework) if not framework.is_local else [],
            "dimensions": theme_group("anvita_dimensions") if framework.slug == "anvita-charte" else None,
            "can_edit": can_edit,
            "open_draft": FrameworkDraft.objects.filter(slug=slug, published_at__isnull=True).exists()
            if can_edit
            else False,
            "can_localise": request.user.has_perm("frameworks.create_local_version", framework),
        },
    )


@require_GET
def item_detail(request, slug, code, version=None):
    framework = queries.framework_get(slug, version)
    item = queries.item_get(framework, code) if framework else None
    if item is None:
        raise Http404
    return render(
        request,
        "frameworks/item_detail.html",
        {
            "framework": framework,
            "item": item,
            "local_items": [] if framework.is_local else queries.item_local_versions(item),
            "panels": panels.collect("framework_item", item, request),
        },
    )


@require_GET
def framework_diff(request, slug):
    """What changed between two versions of a framework (by default, the previous one and
    the current one)."""
    current = queries.framework_get(slug)
    if current is None:
        raise Http404
    versions = list(queries.framework_versions(current).select_related("publisher", "parent"))
    by_label = {framework.version: framework for framework in versions}
    new = by_label.get(request.GET.get("a", "")) or next((f for f in versions if f.is_current), versions[0])
    older = [framework for framework in versions if framework.pk != new.pk]
    old = by_label.get(request.GET.get("de", "")) or (older[0] if older else new)
    return render(
        request,
        "frameworks/framework_diff.html",
        {
            "framework": new,
            "old": old,
            "new": new,
            "versions": versions,
            "diff": data_diff(framework_data(old), framework_data(new)),
            "theme_labels": THEMES,
        },
    )
