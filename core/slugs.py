from django.utils.text import slugify


def unique_slug(model, text, *, fallback, max_length=150):
    """A slug of text free in model's `slug` column: "accueil", then "accueil-2", "accueil-3"…"""
    base = slugify(text)[:max_length] or fallback
    slug, number = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug
