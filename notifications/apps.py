from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

PANEL = "notifications/includes/follow_panel.html"


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Following and notifications")

    def ready(self):
        from core import panels, personal_data

        from . import queries
        from .personal_data import PERSONAL_DATA

        personal_data.register(PERSONAL_DATA)
        # The follow buttons of the pages below (territories' commune, frameworks' item,
        # actors' organisation): notifications may know their objects.
        for slot in ("commune", "framework_item", "organization"):
            panels.register(slot, PANEL, queries.follow_panel)
