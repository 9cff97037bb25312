from django import template

register = template.Library()


@register.filter
def ratings_of(by_item, item):
    """What the barometers say of an item on the board (None: no barometer opened for it)."""
    return (by_item or {}).get(item.pk)
