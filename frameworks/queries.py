"""Reads of frameworks."""

from django.db.models import Count, Prefetch

from .models import Framework, Item, Theme


def current_frameworks():
    return (
        Framework.objects.current()
        .select_related("publisher")
        .annotate(item_count=Count("items"))
        .order_by("title")
    )


def framework_get(slug, version=None):
    frameworks = Framework.objects.select_related("publisher").filter(slug=slug)
    frameworks = frameworks.filter(version=version) if version else frameworks.filter(is_current=True)
    return frameworks.first()


def framework_sections(framework, *, theme=None):
    """The framework's sections with their items (filtered by theme), in three queries."""
    items = Item.objects.select_related("framework").order_by("position").prefetch_related("themes", "levels")
    if theme:
        items = items.filter(themes__code=theme)
    sections = framework.sections.order_by("position").prefetch_related(Prefetch("items", queryset=items))
    return [section for section in sections if section.items.all()]


def framework_themes(framework):
    """The themes used by the framework's items, with how many items each."""
    return (
        Theme.objects.filter(items__framework=framework)
        .annotate(item_count=Count("items"))
        .order_by("position")
    )


def framework_versions(framework):
    return Framework.objects.filter(slug=framework.slug).order_by("-year", "-version")


def item_get(framework, code):
    return (
        framework.items.select_related("section")
        .prefetch_related("themes", "levels")
        .filter(code=code)
        .first()
    )
