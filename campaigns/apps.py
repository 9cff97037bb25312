from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        # Pages kept whole for anonymous visitors, and the writes that refresh them (core/pagecache.py).
        from . import cached_pages

        cached_pages.register()
        # The exports' files are rebuilt when the campaign's page changes (campaigns/export_files.py).
        from core import pagecache

        from .export_files import scopes_flushed

        pagecache.on_flush(scopes_flushed)

        from core import panels, personal_data

        from . import queries
        from .personal_data import PERSONAL_DATA

        personal_data.register(PERSONAL_DATA)

        panels.register(
            "commune",
            "campaigns/includes/commune_panel.html",
            lambda commune, request: queries.commune_campaigns(commune),
        )
        # A group's page: the communes it takes on in campaigns, the campaigns it organises.
        panels.register(
            "organization",
            "campaigns/includes/organization_panel.html",
            lambda organization, request: queries.organization_campaigns(organization),
        )
