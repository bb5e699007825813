"""Query filters of the API lists. Projects reuse the web page's ProjectFilter."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend

from screening import permissions
from screening.ids import IdFilter
from screening.ledger.xlsx.cleaning import CellProblem, parse_year_month
from screening.models import (
    FINAL_STATES,
    CaseState,
    IndicatorMonth,
    LedgerUpload,
    Region,
    ReviewCase,
    TierChoice,
    UploadStatus,
)
from screening.rules.types import Disposition, Sector, Verdict


def _choices(enum_cls) -> list[tuple[str, str]]:
    return [(member.value, member.value) for member in enum_cls]


class ScopedFilterBackend(DjangoFilterBackend):
    """django-filter, with the user passed in so region choices are the user's own."""

    def get_filterset_kwargs(self, request, queryset, view) -> dict:
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        if getattr(view, "filterset_takes_user", False):
            kwargs["user"] = request.user
        return kwargs


class UserRegionFilterSet(django_filters.FilterSet):
    """A filter set whose `region` (by code) offers only the regions the user may see."""

    region = django_filters.ModelChoiceFilter(label=gettext_lazy("Region"),
                                              queryset=Region.objects.none(),
                                              to_field_name="code")

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        if user is not None:
            self.filters["region"].queryset = permissions.regions_visible_to(user)


class UploadFilter(UserRegionFilterSet):
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"),
                                         choices=UploadStatus.choices)

    class Meta:
        model = LedgerUpload
        fields = ["region", "status"]


class CaseFilter(UserRegionFilterSet):
    """The case list's filters (as on the web page), plus `waiting` for my queue."""

    state = django_filters.ChoiceFilter(label=gettext_lazy("State"), choices=CaseState.choices)
    sector = django_filters.ChoiceFilter(label=gettext_lazy("Sector"),
                                         field_name="project__sector", choices=_choices(Sector))
    verdict = django_filters.ChoiceFilter(label=gettext_lazy("Verdict"),
                                          choices=_choices(Verdict))
    disposition = django_filters.ChoiceFilter(label=gettext_lazy("Disposition"),
                                              choices=_choices(Disposition))
    overdue = django_filters.BooleanFilter(label=gettext_lazy("Overdue only"),
                                           method="filter_overdue")
    waiting = django_filters.BooleanFilter(label=gettext_lazy("Waiting for me"),
                                           method="filter_waiting")
    project = IdFilter(label=gettext_lazy("Project id"), field_name="project_id")

    class Meta:
        model = ReviewCase
        fields = ["region", "state", "sector", "verdict", "disposition", "overdue", "waiting",
                  "project"]

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, user=user, **kwargs)
        self.user = user

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(due_date__lt=timezone.localdate()).exclude(
            state__in=FINAL_STATES)

    def filter_waiting(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if not value or self.user is None:
            return queryset
        return queryset.filter(pk__in=permissions.cases_waiting_for(self.user)
                               .values("pk"))


class MonthFilter(django_filters.CharFilter):
    """A month as `YYYY-MM`; `lookup` is exact, gte or lte on (year, month)."""

    def __init__(self, *args, lookup: str = "exact", **kwargs):
        super().__init__(*args, **kwargs)
        self.month_lookup = lookup

    def filter(self, queryset: QuerySet, value: str) -> QuerySet:
        if not value:
            return queryset
        year, month = value
        if self.month_lookup == "exact":
            return queryset.filter(year=year, month=month)
        if self.month_lookup == "gte":
            return queryset.filter(year__gt=year) | queryset.filter(year=year, month__gte=month)
        return queryset.filter(year__lt=year) | queryset.filter(year=year, month__lte=month)


class MonthField(django_filters.fields.forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        parsed = parse_year_month(value)
        if parsed is None or isinstance(parsed, CellProblem):
            raise django_filters.fields.forms.ValidationError(
                _("Give a month as YYYY-MM."), code="invalid")
        return parsed


MonthFilter.field_class = MonthField


class BarometerFilter(UserRegionFilterSet):
    """The published barometer: by month (YYYY-MM), a range of months, region and tier."""

    month = MonthFilter(label=gettext_lazy("Month (YYYY-MM)"))
    month_from = MonthFilter(label=gettext_lazy("From month (YYYY-MM)"), lookup="gte")
    month_to = MonthFilter(label=gettext_lazy("To month (YYYY-MM)"), lookup="lte")
    tier = django_filters.ChoiceFilter(label=gettext_lazy("Tier"), choices=TierChoice.choices)

    class Meta:
        model = IndicatorMonth
        fields = ["region", "month", "month_from", "month_to", "tier"]
