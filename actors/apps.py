from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActorsConfig(AppConfig):
    name = "actors"
    verbose_name = _("Organisations and roles")

    def ready(self):
        # Pages kept whole for anonymous visitors, and the writes that refresh them (core/pagecache.py).
        from . import cached_pages

        cached_pages.register()

        from core import mfa, panels, personal_data

        from . import queries
        from .personal_data import PERSONAL_DATA
        from .rules import is_partner_coordinator

        mfa.require_for(is_partner_coordinator)
        personal_data.register(PERSONAL_DATA)
        # The commune page's "act here": the groups acting there, then creating one.
        panels.register("commune", "actors/includes/commune_panel.html", queries.commune_panel)
