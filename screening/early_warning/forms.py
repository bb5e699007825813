"""Forms of early warning: a region-month's indicators, uploads, annual results, publishing.

The indicator form validates its figures with the same cell parser as the Excel upload
(`early_warning.indicators.clean_indicator_cells`), so a value refused in one is refused in
the other with the same words.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from screening import date_limits
from screening.early_warning import indicators
from screening.ledger.uploads import WorkbookField
from screening.models import Region


def _number_field(label: str, help_text: str = "") -> forms.CharField:
    # Text, not a DecimalField: the upload's number rules (12,000.5 yes, 1e4 no) apply here too.
    return forms.CharField(
        label=label,
        required=False,
        max_length=40,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class IndicatorForm(forms.Form):
    """One region-month of the barometer, entered by the provincial reviewer."""

    region = forms.ChoiceField(label=gettext_lazy("Region"))
    month = forms.CharField(label=gettext_lazy("Month (YYYY-MM)"), max_length=7)
    intensity_change_pct = _number_field(
        gettext_lazy("Cumulative energy-intensity change (%)"),
        gettext_lazy("Against the same period last year; negative = fell."),
    )
    intensity_target_pct = _number_field(gettext_lazy("Annual intensity-reduction target (%)"))
    energy_total_tce = _number_field(gettext_lazy("Cumulative total energy consumption (tce)"))
    energy_budget_tce = _number_field(gettext_lazy("Annual total energy budget (tce)"))
    coal_tonnes = _number_field(gettext_lazy("Cumulative coal consumption (t)"))
    coal_cap_tonnes = _number_field(gettext_lazy("Annual coal consumption cap (t)"))
    publish = forms.BooleanField(label=gettext_lazy("Publish this month now"), required=False)

    def __init__(self, *args, regions: list[Region] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, r.name) for r in regions]
        self.row = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        cells = {key: data.get(key, "") for key in indicators.INDICATOR_KEYS}
        cells["region_code"] = data.get("region", "")
        row, problems = indicators.clean_indicator_cells(
            cells, indicators.indicator_region_lookup()
        )
        if row is not None and not problems.get("month"):
            problem = date_limits.month_problem(row.year, row.month, timezone.localdate())
            if problem:
                self.add_error("month", problem)
        for key, found in problems.items():
            field_name = "region" if key == "region_code" else key
            self.add_error(field_name, indicators.problem_message(found))
        self.row = row
        return data


class UploadForm(forms.Form):
    """An indicators or project-energy workbook."""

    file = WorkbookField(label=gettext_lazy("Workbook (.xlsx)"))
    publish = forms.BooleanField(label=gettext_lazy("Publish the months loaded"), required=False)


class IndicatorUploadForm(UploadForm):
    """The indicators workbook; history may be recorded as published on a past date."""

    published_on = forms.DateField(
        label=gettext_lazy("Published on (history)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy(
            "Only for months published before: every month in the file is "
            "recorded as published on this date (each must have ended by "
            "then). Leave empty to publish today."
        ),
    )

    def clean(self):
        from screening.early_warning.barometer import publication_date_problem

        data = super().clean()
        published_on = data.get("published_on")
        if published_on is None:
            return data
        if not data.get("publish"):
            self.add_error(
                "published_on",
                _(
                    "A publication date is given only with "
                    "publishing: tick “Publish the months loaded”."
                ),
            )
        elif problem := publication_date_problem(published_on):
            self.add_error("published_on", problem)
        return data


class PublishForm(forms.Form):
    """Publish every unpublished region-month of one month."""

    month = forms.CharField(max_length=7)

    def clean_month(self):
        from screening.months import month_or_none

        parsed = month_or_none(self.cleaned_data["month"])
        if parsed is None:
            raise forms.ValidationError(_("Give the month as YYYY-MM."))
        problem = date_limits.month_problem(*parsed, timezone.localdate())
        if problem:
            raise forms.ValidationError(problem)
        return parsed


MET_CHOICES = [("met", gettext_lazy("met")), ("missed", gettext_lazy("missed"))]


class AnnualResultForm(forms.Form):
    """A region's results for last year's energy dual-control and pollutant-total targets."""

    region = forms.ChoiceField(label=gettext_lazy("Region"))
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000)
    dual_control = forms.ChoiceField(
        label=gettext_lazy("Energy dual-control target"),
        choices=MET_CHOICES,
        widget=forms.RadioSelect,
    )
    pollutant = forms.ChoiceField(
        label=gettext_lazy("Pollutant-total target"), choices=MET_CHOICES, widget=forms.RadioSelect
    )

    def __init__(self, *args, regions: list[Region] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, r.name) for r in regions]
        self.fields["year"].initial = timezone.localdate().year - 1
        self.fields["year"].validators.append(_year_not_future)


def _year_not_future(value: int) -> None:
    if value > timezone.localdate().year:
        raise forms.ValidationError(_("The year must not be in the future."))
