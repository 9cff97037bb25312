from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = _("Commitments for the mandate")

    def ready(self):
        # Pages kept whole for anonymous visitors, and the writes that refresh them (core/pagecache.py).
        from . import cached_pages

        cached_pages.register()

        from core import panels, personal_data

        from . import queries
        from .personal_data import PERSONAL_DATA

        personal_data.register(PERSONAL_DATA)

        panels.register(
            "framework_item",
            "commitments/includes/item_panel.html",
            lambda item, request: queries.item_commitments(item, page=request.GET.get("page")),
        )
