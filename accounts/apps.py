from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from core import personal_data

        from .personal_data import PERSONAL_DATA

        personal_data.register(PERSONAL_DATA)
