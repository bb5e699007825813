"""Early-warning data: monthly regional indicators (晴雨表) and annual target results."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TierChoice(models.TextChoices):
    RED = "red", _("Red (level 1 warning)")
    YELLOW = "yellow", _("Yellow (level 2 warning)")
    GREEN = "green", _("Green (on track)")


def _amount(max_digits: int = 18) -> models.DecimalField:
    return models.DecimalField(max_digits=max_digits, decimal_places=4, null=True, blank=True)


class IndicatorMonth(models.Model):
    """One region's energy dual-control indicators for one month, their tiers and publication.

    Month M counts for screening from the 1st of month M+1, and only once published (SPEC §4).
    """

    region = models.ForeignKey("screening.Region", on_delete=models.PROTECT,
                               related_name="indicator_months")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    intensity_change_pct = _amount(9)
    intensity_target_pct = _amount(9)
    energy_total_tce = _amount()
    energy_budget_tce = _amount()
    coal_tonnes = _amount()
    coal_cap_tonnes = _amount()
    intensity_tier = models.CharField(max_length=8, choices=TierChoice.choices, blank=True)
    energy_tier = models.CharField(max_length=8, choices=TierChoice.choices, blank=True)
    coal_tier = models.CharField(max_length=8, choices=TierChoice.choices, blank=True)
    tier = models.CharField(max_length=8, choices=TierChoice.choices, blank=True)
    rule_set = models.ForeignKey("screening.RuleSet", null=True, blank=True,
                                 on_delete=models.PROTECT)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region__code", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "month"],
                                    name="one_indicator_row_per_region_month"),
        ]
        verbose_name = _("monthly indicators")
        verbose_name_plural = _("monthly indicators")

    def __str__(self) -> str:
        return f"{self.region} {self.year}-{self.month:02d}"


class AnnualResult(models.Model):
    """Whether a region met a year's energy dual-control and pollutant-total targets ((十八))."""

    region = models.ForeignKey("screening.Region", on_delete=models.PROTECT,
                               related_name="annual_results")
    year = models.PositiveSmallIntegerField()
    dual_control_met = models.BooleanField(_("energy dual-control target met"))
    pollutant_met = models.BooleanField(_("pollutant-total target met"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region__code", "year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="one_result_per_region_year"),
        ]
        verbose_name = _("annual target result")
        verbose_name_plural = _("annual target results")

    def __str__(self) -> str:
        return f"{self.region} {self.year}"
