from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = _("Two-high screening")

    def ready(self) -> None:
        from . import checks, lookups

        lookups.register()
        checks.assert_xml_safety()  # no start-up without defusedxml behind openpyxl
