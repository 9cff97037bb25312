from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.text import slugify

if TYPE_CHECKING:
    from django.db.models import Model

# Leaves room in a 170-character slug column for the "-2", "-3"… that makes it free.
SLUG_BASE_MAX = 150


def unique_slug(model: type[Model], text: str, *, fallback: str, max_length: int = SLUG_BASE_MAX) -> str:
    """A slug of text free in model's `slug` column: "accueil", then "accueil-2", "accueil-3"…"""
    base = slugify(text)[:max_length] or fallback
    slug, number = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug
