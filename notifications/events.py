"""The events people may be told about, declared by the apps above notifications.

notifications knows no upper app (followup sits above it in the layers): an upper app
declares each kind of event it publishes from its AppConfig.ready(), as core's
registries work (core/panels.py):

    # followup/events.py
    UPDATES = events.EventSource(
        key="followup.update",
        objects=published_updates,   # ids -> {id: object} of those still to tell
        describe=describe,           # object -> Event, called in the recipient's language
    )

    # followup/apps.py, in ready()
    events.register(UPDATES)

then calls notifications.services.notify("followup.update", update, commune=…, items=…,
groups=…, authors=…) once the object is published (in transaction.on_commit). The
emails (immediate and weekly) ask the source for the objects when they are built:
`objects` leaves out what should no longer be told (an update hidden since), in a fixed
number of queries whatever the number of ids.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Event:
    """One event as an email tells it, in the recipient's language."""

    title: str  # one line: what happened, on what
    summary: str  # plain text, a few lines at most
    path: str  # the page that shows it (a path on the site)
    date: datetime | None = None
    author: str = ""


@dataclass(frozen=True)
class EventSource:
    key: str
    objects: Callable[[Collection[int]], Mapping[int, Any]]
    describe: Callable[[Any], Event]


_REGISTRY: dict[str, EventSource] = {}


def register(source: EventSource) -> None:
    """Register (or replace) the source of this key."""
    _REGISTRY[source.key] = source


def unregister(key: str) -> None:
    """Remove a source (for tests)."""
    _REGISTRY.pop(key, None)


def source(key: str) -> EventSource:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise ImproperlyConfigured(f"No event source is registered for {key!r}.") from None


def keys() -> list[str]:
    return list(_REGISTRY)
