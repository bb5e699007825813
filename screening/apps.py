from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = _("Two-high screening")

    def ready(self) -> None:
        from screening import checks, lookups
        from screening.ids import IdConverter

        lookups.register()
        register_converter(IdConverter, "id")  # <id:pk>: ids beyond 64 bits are a 404
        checks.assert_xml_safety()  # no start-up without defusedxml behind openpyxl
