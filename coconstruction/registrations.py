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
    from core import panels

    from .queries import committees as queries

    # The commune page is cached for anonymous visitors: the panel is the same for everyone.
    panels.register(
        "commune",
        "coconstruction/committees/commune_panel.html",
        lambda commune, request: queries.commune_panel(commune),
    )
    panels.register(
        "followup_board",
        "coconstruction/committees/board_panel.html",
        lambda commune, request: queries.board_panel(commune),
    )


def meetings():
    """The item timeline's decisions (meetings helper); decisions are moderated content."""
    from core import panels
    from moderation import services as moderation

    from .queries import meetings as meeting_queries

    panels.register("followup_item", "coconstruction/meetings/item_panel.html", meeting_queries.item_panel)
    moderation.register("coconstruction.decision")


def calendars():
    """The public calendar of a commune's committee is cached for anonymous visitors like
    the commune's page, and goes stale with it (a meeting's save bumps its commune's scope:
    cached_pages.py). The private feeds never are (Cache-Control: private)."""
    from core import pagecache

    pagecache.register_page("coconstruction:calendar_commune", lambda kwargs: [f"commune:{kwargs['code']}"])


def workgroups():
    """The organisation page's working groups (working groups helper)."""
    from core import panels

    from .queries.workgroups import organization_panel

    panels.register("organization", "coconstruction/workgroups/organization_panel.html", organization_panel)


def discussions():
    """Comments are moderated content; new comments and mentions are notification events;
    an item's follow-up shows its discussions."""
    from core import panels
    from moderation import services as moderation

    from .queries.discussions import item_panel
    from .services import discussion_notices

    moderation.register("coconstruction.comment")
    discussion_notices.register()
    panels.register("followup_item", "coconstruction/discussions/item_panel.html", item_panel)
