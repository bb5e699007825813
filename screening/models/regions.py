"""Regions of Henan: geography (parent), review line (reports_to) and dated attributes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    ZONE = "zone", _("Zone")
    COUNTY = "county", _("County")


class Region(models.Model):
    """An administrative region: the province, a city, a zone or a county."""

    code = models.CharField(_("code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=64, unique=True)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("Geography: where inherited attributes come from."),
    )
    reports_to = models.ForeignKey(
        "self",
        verbose_name=_("reports to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reporting_regions",
        help_text=_("The review line: whose reviewers review this region's cases."),
    )
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    is_project_region = models.BooleanField(_("takes projects"), default=True)
    province_direct = models.BooleanField(
        _("province-direct"),
        default=False,
        help_text=_("济源, 航空港区 and the 省直管县: their cases skip city review."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    @property
    def is_province(self) -> bool:
        return self.level == RegionLevel.PROVINCE

    @property
    def skips_city_review(self) -> bool:
        """True for 济源, 航空港区 and the 省直管县: their cases go straight to the province."""
        return self.province_direct

    def display_name(self, lang: str) -> str:
        return self.name_en if lang.startswith("en") and self.name_en else self.name


class RegionAttributeKind(models.TextChoices):
    KEY_AIR_AREA = "key_air_area", _("Key air-pollution control area")
    NON_ATTAINMENT = "non_attainment", _("Air-quality non-attainment area")


class RegionAttribute(models.Model):
    """A dated fact about a region (e.g. in a key air-pollution area), with its source."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="attributes")
    attribute = models.CharField(max_length=32, choices=RegionAttributeKind.choices)
    value = models.BooleanField()
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Last day it holds; blank = open-ended.")
    )
    source = models.TextField(_("source"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=[("confirmed", _("confirmed")), ("unconfirmed", _("unconfirmed"))],
    )

    class Meta:
        ordering = ["region__code", "attribute", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "attribute", "valid_from"], name="one_attribute_value_per_start"
            ),
        ]
        verbose_name = _("region attribute")
        verbose_name_plural = _("region attributes")

    def __str__(self) -> str:
        until = self.valid_to or ""
        return f"{self.region} {self.attribute}={self.value} {self.valid_from}–{until}"
