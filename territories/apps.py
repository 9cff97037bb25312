from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoriesConfig(AppConfig):
    name = "territories"
    verbose_name = _("Territories")

    def ready(self):
        # Pages kept whole for anonymous visitors, and the writes that refresh them (core/pagecache.py).
        from . import cached_pages

        cached_pages.register()
