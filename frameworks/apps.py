from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrameworksConfig(AppConfig):
    name = "frameworks"
    verbose_name = _("Frameworks of commitment")

    def ready(self):
        # Pages kept whole for anonymous visitors, and the writes that refresh them (core/pagecache.py).
        from . import cached_pages

        cached_pages.register()

        from core import personal_data

        from .personal_data import PERSONAL_DATA

        personal_data.register(PERSONAL_DATA)
