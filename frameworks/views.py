from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core import panels

from . import queries
from .models import THEMES


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
    return render(
        request,
        "frameworks/framework_detail.html",
        {
            "framework": framework,
            "sections": queries.framework_sections(framework, theme=theme),
            "themes": queries.framework_themes(framework),
            "theme": theme,
            "theme_label": THEMES.get(theme, ""),
            "versions": queries.framework_versions(framework),
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
        {"framework": framework, "item": item, "panels": panels.collect("framework_item", item, request)},
    )
