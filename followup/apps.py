from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = _("Follow-up of commitments")

    def ready(self):
        # Pages kept whole for anonymous visitors, and the writes that refresh them (core/pagecache.py).
        from . import cached_pages

        cached_pages.register()

        from core import panels, personal_data
        from moderation import services as moderation

        from . import queries, signals
        from .barometer import aggregates
        from .models import Update
        from .personal_data import PERSONAL_DATA

        personal_data.register(PERSONAL_DATA)
        # Published updates and joint statements are told to their followers (events.py).
        from notifications import events as notification_events

        from .events import SOURCE

        notification_events.register(SOURCE)
        # Updates are reported, hidden and restored like other moderated content; hiding
        # one refreshes the states it had set (signals.update_saved).
        moderation.register("followup.update")
        post_save.connect(signals.update_saved, sender=Update, dispatch_uid="followup_update_moderated")

        panels.register(
            "commune",
            "followup/includes/commune_panel.html",
            lambda commune, request: queries.commune_panel(commune),
        )
        panels.register(
            "framework_item",
            "followup/includes/item_panel.html",
            lambda item, request: queries.item_panel(item),
        )
        # The yearly barometer's counts on the item, department and region pages.
        panels.register(
            "framework_item",
            "followup/barometer/includes/item_panel.html",
            lambda item, request: aggregates.item_panel(item),
        )
        panels.register(
            "department",
            "followup/barometer/includes/area_panel.html",
            lambda department, request: aggregates.department_panel(department),
        )
        panels.register(
            "region",
            "followup/barometer/includes/area_panel.html",
            lambda region, request: aggregates.region_panel(region),
        )
