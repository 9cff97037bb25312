from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.core.checks import Tags, register

        from .checks import site_url_check
        from .forms import install_text_cleaning

        register(site_url_check, Tags.security, deploy=True)
        install_text_cleaning()  # every CharField: one line unless a textarea (core.text)
