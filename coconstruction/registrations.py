"""What co-construction adds to the lower apps' registries (core/panels.py, personal data,
moderation, notifications' events), called from CoconstructionConfig.ready(). Each
capability registers its own part in its function below."""

from core import personal_data

from .personal_data import PERSONAL_DATA


def register():
    from . import cached_pages

    cached_pages.register()
    personal_data.register(PERSONAL_DATA)
    committees()
    meetings()
    calendars()
    workgroups()
    discussions()


def committees():
    """The commune page's panel; the follow-up board's link (committees helper)."""


def meetings():
    """The item timeline's decisions (meetings helper)."""


def calendars():
    """Nothing registered yet (calendars helper)."""


def workgroups():
    """The organisation page's working groups (working groups helper)."""


def discussions():
    """Comments are moderated content; mentions are notification events (discussions helper)."""
