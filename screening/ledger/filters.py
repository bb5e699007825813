"""Filters of the project list, shared by the web page and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from screening import labels, permissions
from screening.models import Project, ProjectStatus, Region
from screening.rules.types import Sector, Stage


def _choices(enum_cls):
    return [(m.value, m.value) for m in enum_cls]


class StableOrderingFilter(django_filters.OrderingFilter):
    """The chosen sort, then the project code (unique): projects with equal names, energy
    or verdicts keep one order, so paging through a sorted list never shows a project twice
    or leaves one out. `tiebreak` names the unique field(s) of other lists (cases: the
    project code, then the id)."""

    def __init__(self, *args, tiebreak: tuple[str, ...] = ("project_code",), **kwargs):
        super().__init__(*args, **kwargs)
        self.tiebreak = tiebreak

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        chosen = [str(term) for term in qs.query.order_by]
        if value:
            named = {term.lstrip("-") for term in chosen}
            qs = qs.order_by(*chosen, *(f for f in self.tiebreak if f not in named))
        return qs


def sort_labels(labels: dict[str, str]) -> dict[str, str]:
    """The sort choices in words (a sort parameter → its column's label), both ways: the
    filter's own labels would be the parameter names, in English."""
    both = dict(labels)
    for param, label in labels.items():
        both[f"-{param}"] = format_lazy(_("{label} (descending)"), label=label)
    return both


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search code, name, enterprise or credit code"), method="search"
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), queryset=Region.objects.none(), to_field_name="code"
    )
    sector = django_filters.ChoiceFilter(label=_("Sector"), choices=_choices(Sector))
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=_choices(Stage))
    verdict = django_filters.ChoiceFilter(label=_("Verdict"), choices=labels.VERDICT_CHOICES)
    disposition = django_filters.ChoiceFilter(
        label=_("Disposition"), choices=labels.DISPOSITION_CHOICES
    )
    in_scope = django_filters.BooleanFilter(  # "all" first, never 未知 (issue 15)
        label=_("Two-high (in scope)"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]),
    )
    status = django_filters.ChoiceFilter(
        label=_("Ledger status"), choices=ProjectStatus.choices, empty_label=None
    )
    ordering = StableOrderingFilter(
        label=_("Sort by"),
        fields=(
            ("project_code", "code"),
            ("name", "name"),
            ("annual_energy_tce", "energy"),
            ("region__code", "region"),
            ("verdict", "verdict"),
            ("updated_at", "updated"),
            ("sector", "sector"),
            ("stage", "stage"),
            ("disposition", "disposition"),
        ),
        empty_label=_("Default order"),
        field_labels=sort_labels(
            {
                "project_code": _("Project code"),
                "name": _("Name"),
                "annual_energy_tce": _("Energy (tce/yr)"),
                "region__code": _("Region"),
                "verdict": _("Verdict"),
                "updated_at": _("Last change"),
                "sector": _("Sector"),
                "stage": _("Stage"),
                "disposition": _("Disposition"),
            }
        ),
    )

    class Meta:
        model = Project
        fields = ["q", "region", "sector", "stage", "verdict", "disposition", "in_scope", "status"]

    def __init__(self, data=None, *args, user=None, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("status", ProjectStatus.ACTIVE)
        super().__init__(data, *args, **kwargs)
        if user is not None:
            self.filters["region"].queryset = permissions.regions_visible_to(user).filter(
                is_project_region=True
            )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # icontains is UPPER(col) LIKE UPPER('%…%'): the trigram indexes of migrations 0003
        # (code, name, enterprise) and 0012_lists (credit code) serve it on PostgreSQL.
        return queryset.filter(
            Q(project_code__icontains=value)
            | Q(name__icontains=value)
            | Q(enterprise__icontains=value)
            | Q(uscc__icontains=value)
        )


def filter_words(project_filter: ProjectFilter) -> list[str]:
    """The filters in force, in words, for the name of a filtered export: region, verdict,
    disposition, sector, stage, two-high, a removed status, the search."""
    if not project_filter.is_bound or not project_filter.form.is_valid():
        return []
    data = project_filter.form.cleaned_data
    words: list[str] = []
    if data.get("region"):
        words.append(data["region"].name)
    if data.get("verdict"):
        words.append(labels.verdict_label(data["verdict"]))
    if data.get("disposition"):
        words.append(labels.disposition_label(data["disposition"]))
    words += [data[name] for name in ("sector", "stage") if data.get(name)]
    if data.get("in_scope") is not None:
        words.append(str(_("Two-high") if data["in_scope"] else _("Not two-high")))
    if data.get("status") == ProjectStatus.REMOVED:
        words.append(str(ProjectStatus.REMOVED.label))
    if (data.get("q") or "").strip():
        words.append(data["q"].strip())
    return words
