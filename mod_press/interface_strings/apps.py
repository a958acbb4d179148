from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterfaceStringsConfig(AppConfig):
    name = "mod_press.interface_strings"
    label = "interface_strings"
    verbose_name = _("Interface strings")

    def ready(self):
        from . import signals  # noqa: F401
