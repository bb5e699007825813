"""Filters of the case list, shared by the web page and the API (issue 15): search by the
project's code, name, enterprise or credit code; state, waiting for me, overdue, region,
sector, verdict, disposition; and a sort whose ties are broken by project code and cycle."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field

from screening import permissions
from screening.ids import MAX_ID
from screening.labels import DISPOSITION_CHOICES, VERDICT_CHOICES
from screening.ledger.filters import StableOrderingFilter, sort_labels
from screening.models import FINAL_STATES, CaseState, Region, ReviewCase
from screening.rules.types import Sector

ALL = gettext_lazy("All")


class IdFormField(forms.IntegerField):
    """A form field for an id: a whole number between 1 and MAX_ID (screening/ids.py)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


@extend_schema_field({"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """A filter by id (`?project=7`): out-of-range or non-integer values are a 400, never a
    query."""

    field_class = IdFormField


class UserRegionFilterSet(django_filters.FilterSet):
    """A filter set whose `region` (by code) offers only the regions the user may see."""

    region = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Region"),
        queryset=Region.objects.none(),
        to_field_name="code",
        empty_label=ALL,
    )

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        if user is not None:
            self.filters["region"].queryset = permissions.regions_visible_to(user)


class CaseFilter(UserRegionFilterSet):
    """The case list's filters, on the web page and in the API."""

    q = django_filters.CharFilter(
        label=gettext_lazy("Search code, name, enterprise or credit code"), method="search"
    )
    state = django_filters.ChoiceFilter(
        label=gettext_lazy("State"), choices=CaseState.choices, empty_label=ALL
    )
    sector = django_filters.ChoiceFilter(
        label=gettext_lazy("Sector"),
        field_name="project__sector",
        choices=[(s.value, s.value) for s in Sector],
        empty_label=ALL,
    )
    verdict = django_filters.ChoiceFilter(
        label=gettext_lazy("Verdict"), choices=VERDICT_CHOICES, empty_label=ALL
    )
    disposition = django_filters.ChoiceFilter(
        label=gettext_lazy("Disposition"), choices=DISPOSITION_CHOICES, empty_label=ALL
    )
    overdue = django_filters.BooleanFilter(
        label=gettext_lazy("Overdue only"), method="filter_overdue"
    )
    waiting = django_filters.BooleanFilter(
        label=gettext_lazy("Waiting for me"), method="filter_waiting"
    )
    project = IdFilter(label=gettext_lazy("Project id"), field_name="project_id")
    ordering = StableOrderingFilter(
        label=gettext_lazy("Sort by"),
        tiebreak=("project__project_code", "cycle"),
        fields=(
            ("project__project_code", "code"),
            ("region__code", "region"),
            ("project__sector", "sector"),
            ("cycle", "cycle"),
            ("state", "state"),
            ("verdict", "verdict"),
            ("disposition", "disposition"),
            ("due_date", "due"),
            ("updated_at", "updated"),
        ),
        empty_label=gettext_lazy("Default order"),
        field_labels=sort_labels(
            {
                "project__project_code": gettext_lazy("Project code"),
                "region__code": gettext_lazy("Region"),
                "project__sector": gettext_lazy("Sector"),
                "cycle": gettext_lazy("Cycle"),
                "state": gettext_lazy("State"),
                "verdict": gettext_lazy("Verdict"),
                "disposition": gettext_lazy("Recommended disposition"),
                "due_date": gettext_lazy("Due"),
                "updated_at": gettext_lazy("Last change"),
            }
        ),
    )

    class Meta:
        model = ReviewCase
        fields = [
            "q",
            "region",
            "state",
            "sector",
            "verdict",
            "disposition",
            "overdue",
            "waiting",
            "project",
        ]

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, user=user, **kwargs)
        self.user = user

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(project__project_code__icontains=value)
            | Q(project__name__icontains=value)
            | Q(project__enterprise__icontains=value)
            | Q(project__uscc__icontains=value)
        )

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(due_date__lt=timezone.localdate()).exclude(state__in=FINAL_STATES)

    def filter_waiting(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if not value or self.user is None:
            return queryset
        return queryset.filter(pk__in=permissions.cases_waiting_for(self.user).values("pk"))


class CaseListFilter(CaseFilter):
    """The web page's form of the same filters: tick boxes for overdue and waiting for me,
    the regions that hold projects, no project id (the page links to a project instead)."""

    overdue = django_filters.BooleanFilter(
        label=gettext_lazy("Overdue only"), method="filter_overdue", widget=forms.CheckboxInput
    )
    waiting = django_filters.BooleanFilter(
        label=gettext_lazy("Waiting for me"), method="filter_waiting", widget=forms.CheckboxInput
    )

    class Meta(CaseFilter.Meta):
        fields = ["q", "region", "state", "sector", "verdict", "disposition", "overdue", "waiting"]

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, user=user, **kwargs)
        self.filters.pop("project", None)
        if user is not None:
            self.filters["region"].queryset = permissions.regions_visible_to(user).filter(
                is_project_region=True
            )
