from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrameworksConfig(AppConfig):
    name = "frameworks"
    verbose_name = _("Frameworks of commitment")

    def ready(self):
        from core import personal_data

        from .personal_data import PERSONAL_DATA

        personal_data.register(PERSONAL_DATA)
