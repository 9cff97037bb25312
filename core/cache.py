"""Small per-object caches for rules: a permission check may ask the same question of the
same user many times in one request (one answer per template line otherwise)."""


def cached_ids(obj, attribute, compute):
    """frozenset(compute()) remembered on obj under attribute (for this object's life)."""
    value = getattr(obj, attribute, None)
    if value is None:
        value = frozenset(compute())
        setattr(obj, attribute, value)
    return value
