"""Filters of the project list, shared by the web page and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from screening import labels, permissions
from screening.models import Project, ProjectStatus, Region
from screening.rules.types import Sector, Stage


def _choices(enum_cls):
    return [(m.value, m.value) for m in enum_cls]


class StableOrderingFilter(django_filters.OrderingFilter):
    """The chosen sort, then the project code (unique): projects with equal names, energy
    or verdicts keep one order, so paging through a sorted list never shows a project twice
    or leaves one out."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        chosen = [str(term) for term in qs.query.order_by]
        if value and not any(term.lstrip("-") == "project_code" for term in chosen):
            qs = qs.order_by(*chosen, "project_code")
        return qs


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search code, name or enterprise"), method="search")
    region = django_filters.ModelChoiceFilter(label=_("Region"), queryset=Region.objects.none(),
                                              to_field_name="code")
    sector = django_filters.ChoiceFilter(label=_("Sector"), choices=_choices(Sector))
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=_choices(Stage))
    verdict = django_filters.ChoiceFilter(label=_("Verdict"), choices=labels.VERDICT_CHOICES)
    disposition = django_filters.ChoiceFilter(label=_("Disposition"),
                                              choices=labels.DISPOSITION_CHOICES)
    in_scope = django_filters.BooleanFilter(  # "all" first, never 未知 (issue 15)
        label=_("Two-high (in scope)"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]))
    status = django_filters.ChoiceFilter(label=_("Ledger status"),
                                         choices=ProjectStatus.choices,
                                         empty_label=None)
    ordering = StableOrderingFilter(
        label=_("Sort by"),
        fields=(("project_code", "code"), ("name", "name"), ("annual_energy_tce", "energy"),
                ("region__code", "region"), ("verdict", "verdict"), ("updated_at", "updated")),
    )

    class Meta:
        model = Project
        fields = ["q", "region", "sector", "stage", "verdict", "disposition", "in_scope",
                  "status"]

    def __init__(self, data=None, *args, user=None, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("status", ProjectStatus.ACTIVE)
        super().__init__(data, *args, **kwargs)
        if user is not None:
            self.filters["region"].queryset = permissions.regions_visible_to(user).filter(
                is_project_region=True)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(project_code__icontains=value) | Q(name__icontains=value)
                               | Q(enterprise__icontains=value))
