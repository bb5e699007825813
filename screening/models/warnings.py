"""Early-warning data: monthly regional indicators (晴雨表) and annual target results."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TierChoice(models.TextChoices):
    RED = "red", _("Red (level 1 warning)")
    YELLOW = "yellow", _("Yellow (level 2 warning)")
    GREEN = "green", _("Green (on track)")


class IndicatorSource(models.TextChoices):
    """How a region-month's figures were entered."""

    FORM = "form", _("Entered in the form")
    UPLOAD = "upload", _("Uploaded (Excel)")
    COMMAND = "command", _("Loaded from the command line")
    DEMO = "demo", _("Demo data")


def _amount(max_digits: int = 18) -> models.DecimalField:
    return models.DecimalField(max_digits=max_digits, decimal_places=4, null=True, blank=True)


class IndicatorMonth(models.Model):
    """One region's energy dual-control indicators for one month, their tiers and publication.

    Month M counts for screening from the 1st of month M+1, and only once published (SPEC §4).
    """

    region = models.ForeignKey(
        "screening.Region", on_delete=models.PROTECT, related_name="indicator_months"
    )
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
    # The 能耗双控 tier (worse of intensity and total energy): what R07, R08, escalation and
    # the map read. coal_tier stands beside it and counts for nothing else (revision 4).
    tier = models.CharField(max_length=8, choices=TierChoice.choices, blank=True)
    rule_set = models.ForeignKey(
        "screening.RuleSet", null=True, blank=True, on_delete=models.PROTECT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    source = models.CharField(max_length=16, choices=IndicatorSource.choices, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["region__code", "year", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "month"], name="one_indicator_row_per_region_month"
            ),
        ]
        verbose_name = _("monthly indicators")
        verbose_name_plural = _("monthly indicators")

    def __str__(self) -> str:
        return f"{self.region} {self.year}-{self.month:02d}"


class AnnualResult(models.Model):
    """Whether a region met a year's energy dual-control and pollutant-total targets ((十八))."""

    region = models.ForeignKey(
        "screening.Region", on_delete=models.PROTECT, related_name="annual_results"
    )
    year = models.PositiveSmallIntegerField()
    dual_control_met = models.BooleanField(_("energy dual-control target met"))
    pollutant_met = models.BooleanField(_("pollutant-total target met"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
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


class EscalationKind(models.TextChoices):
    """What a run of red barometer months triggers (clause (十八)). How many months each takes
    is a rule-set parameter, so the labels name no number; an event lists its months."""

    REMINDER = "reminder", _("Reminder (red months in a row)")
    RESTRICTION = "restriction", _("Regional energy-assessment restriction")


class EscalationEnd(models.TextChoices):
    """Why an escalation ended."""

    ESCALATED = "escalated", _("Escalated to the restriction")
    NOT_RED = "not_red", _("A published month is no longer red")
    NO_TIER = "no_tier", _("A published month has no tier (no data)")
    GAP = "gap", _("A month in between was not published")
    CORRECTED = "corrected", _("Withdrawn: the months behind it were corrected")


class EscalationEvent(models.Model):
    """One reminder (提醒) or one 区域节能评估限批 of one region, from the published month that
    started it to the published month that ended it (open while in force).

    Derived from the published barometer and re-derived whenever it changes; an escalation whose
    months were corrected away is kept, marked withdrawn, never deleted.
    """

    region = models.ForeignKey(
        "screening.Region", on_delete=models.PROTECT, related_name="escalations"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EscalationKind.choices)
    started_year = models.PositiveSmallIntegerField()
    started_month = models.PositiveSmallIntegerField()
    ended_year = models.PositiveSmallIntegerField(null=True, blank=True)
    ended_month = models.PositiveSmallIntegerField(null=True, blank=True)
    end_reason = models.CharField(
        _("why it ended"), max_length=16, blank=True, choices=EscalationEnd.choices
    )
    # The consecutive red months behind it, "YYYY-MM", oldest first.
    months = models.JSONField(_("red months"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["region__code", "started_year", "started_month", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "kind", "started_year", "started_month"],
                name="one_escalation_per_region_kind_start",
            ),
        ]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")

    def __str__(self) -> str:
        return f"{self.region} {self.kind} {self.started}"

    @property
    def started(self) -> str:
        return f"{self.started_year}-{self.started_month:02d}"

    @property
    def ended(self) -> str:
        if self.ended_year is None:
            return ""
        return f"{self.ended_year}-{self.ended_month:02d}"

    @property
    def in_force(self) -> bool:
        return self.ended_year is None


class ProjectEnergyMonth(models.Model):
    """One month's actual energy use of an operating 两高 project (两高项目用能预警), with the
    year's cumulative use up to it and its tier against the pro-rated 节能审查 energy."""

    project = models.ForeignKey(
        "screening.Project", on_delete=models.PROTECT, related_name="energy_months"
    )
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    actual_tce = models.DecimalField(_("actual energy use (tce)"), max_digits=18, decimal_places=4)
    # Derived: the year's reported months up to this one, against annual_energy_tce × month/12.
    cumulative_tce = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    months_reported = models.PositiveSmallIntegerField(default=0)
    approved_annual_tce = models.DecimalField(
        max_digits=24, decimal_places=4, null=True, blank=True
    )
    tier = models.CharField(max_length=8, choices=TierChoice.choices, blank=True)
    rule_set = models.ForeignKey(
        "screening.RuleSet", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project__project_code", "year", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year", "month"], name="one_energy_row_per_project_month"
            ),
        ]
        verbose_name = _("project energy month")
        verbose_name_plural = _("project energy months")

    def __str__(self) -> str:
        return f"{self.project_id} {self.year}-{self.month:02d}"

    @property
    def share_pct(self):
        """Cumulative use as a percentage of the pro-rated approved energy (None if unknown)."""
        if not self.approved_annual_tce or self.cumulative_tce is None:
            return None
        return self.cumulative_tce * 12 * 100 / (self.approved_annual_tce * self.month)
