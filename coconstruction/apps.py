from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoconstructionConfig(AppConfig):
    name = "coconstruction"
    verbose_name = _("Co-construction")

    def ready(self):
        from . import registrations

        registrations.register()
