from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActorsConfig(AppConfig):
    name = "actors"
    verbose_name = _("Organisations and roles")

    def ready(self):
        from core import mfa, personal_data

        from .personal_data import PERSONAL_DATA
        from .rules import is_partner_coordinator

        mfa.require_for(is_partner_coordinator)
        personal_data.register(PERSONAL_DATA)
