from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        from core import panels, personal_data

        from . import queries
        from .personal_data import PERSONAL_DATA

        personal_data.register(PERSONAL_DATA)

        panels.register(
            "commune",
            "campaigns/includes/commune_panel.html",
            lambda commune, request: queries.commune_campaigns(commune),
        )
