"""Web forms of the registry. Cell-level rules are the upload's (registry.workbook): the same
parsers check a credit code, a project code or the order of dates in both."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from screening.bilingual import Bilingual
from screening.models import CapacitySource, Region
from screening.registry import services
from screening.registry.workbook import (
    current_message,
    dates_in_order,
    parse_credit_code,
    parse_project_codes,
)

_DECIMAL = dict(max_digits=24, decimal_places=10, min_value=0)
_DATE = dict(required=False, widget=forms.DateInput(attrs={"type": "date"}))


def _check(value, parsed):
    if isinstance(parsed, Bilingual) or hasattr(parsed, "message"):
        raise forms.ValidationError(current_message(parsed))
    return parsed


class _RegistryForm(forms.Form):
    def __init__(self, *args, regions: list[Region] = (), families: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(pk__in=[r.pk for r in regions])
        self.fields["family"].choices = [(f, f) for f in families]

    def clean_uscc(self):
        value = self.cleaned_data["uscc"]
        return _check(value, parse_credit_code(value))

    def clean(self):
        data = super().clean()
        for name in ("capacity", "new_capacity"):
            if name in self.fields and data.get(name) is not None and data[name] <= 0:
                self.add_error(name, _("Must be greater than 0."))
        return data


class SourceForm(_RegistryForm):
    region = forms.ModelChoiceField(queryset=Region.objects.none(), label=_("region"))
    enterprise = forms.CharField(label=_("enterprise"), max_length=200)
    uscc = forms.CharField(label=_("unified social credit code"), max_length=40)
    family = forms.ChoiceField(label=_("product family"))
    capacity = forms.DecimalField(label=_("capacity"), **_DECIMAL)
    capacity_unit = forms.CharField(label=_("capacity unit"), max_length=32, initial="万吨/年")
    equipment = forms.CharField(
        label=_("equipment"), max_length=200, help_text=_("For example 450m³ blast furnace.")
    )
    shutdown_date = forms.DateField(label=_("shut-down date"), **_DATE)
    dismantled_date = forms.DateField(label=_("dismantled date"), **_DATE)
    verification_ref = forms.CharField(
        label=_("dismantling acceptance document"), max_length=200, required=False
    )
    verification_date = forms.DateField(label=_("acceptance date"), **_DATE)
    verifier = forms.CharField(label=_("verified by"), max_length=200, required=False)
    subsidised = forms.BooleanField(label=_("retired with public subsidies"), required=False)
    mandatory_elimination = forms.BooleanField(
        label=_("on a mandatory-elimination list"), required=False
    )
    eligibility_notes = forms.CharField(
        label=_("eligibility notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        problem = dates_in_order(data.get("shutdown_date"), data.get("dismantled_date"))
        if problem is not None:
            self.add_error("dismantled_date", current_message(problem))
        return data

    def to_data(self) -> services.SourceData:
        return services.SourceData(**self.cleaned_data)

    @classmethod
    def initial_of(cls, source: CapacitySource) -> dict:
        return {name: getattr(source, name) for name in cls.base_fields}


class PlanForm(_RegistryForm):
    region = forms.ModelChoiceField(queryset=Region.objects.none(), label=_("region"))
    ref = forms.CharField(label=_("plan reference"), max_length=200)
    plan_date = forms.DateField(
        label=_("plan date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    enterprise = forms.CharField(label=_("enterprise"), max_length=200)
    uscc = forms.CharField(label=_("unified social credit code"), max_length=40)
    family = forms.ChoiceField(label=_("product family"))
    new_capacity = forms.DecimalField(label=_("capacity built"), **_DECIMAL)
    capacity_unit = forms.CharField(label=_("capacity unit"), max_length=32, initial="万吨/年")
    project_codes = forms.CharField(
        label=_("projects served"),
        required=False,
        help_text=_("Project codes, separated by commas or new lines."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_project_codes(self):
        return _check(None, parse_project_codes(self.cleaned_data["project_codes"]))

    def to_data(self) -> services.PlanData:
        data = dict(self.cleaned_data)
        data["project_codes"] = tuple(data["project_codes"])
        return services.PlanData(**data)


class DrawForm(forms.Form):
    source = forms.CharField(
        label=_("source number"), max_length=20, help_text=_("For example TC000012.")
    )
    amount = forms.DecimalField(label=_("amount drawn"), **_DECIMAL)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=500)
