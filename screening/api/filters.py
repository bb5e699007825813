"""Query filters of the API lists. Projects and cases reuse the web pages' filter sets
(screening/ledger/filters.py, screening/cases/filters.py)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend

from screening.cases.filters import CaseFilter, UserRegionFilterSet  # noqa: F401 - API uses both
from screening.ledger.xlsx.cleaning import CellProblem, parse_year_month
from screening.models import (
    IndicatorMonth,
    LedgerUpload,
    TierChoice,
    UploadStatus,
)


class ScopedFilterBackend(DjangoFilterBackend):
    """django-filter, with the user passed in so region choices are the user's own."""

    def get_filterset_kwargs(self, request, queryset, view) -> dict:
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        if getattr(view, "filterset_takes_user", False):
            kwargs["user"] = request.user
        return kwargs


class UploadFilter(UserRegionFilterSet):
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=UploadStatus.choices)

    class Meta:
        model = LedgerUpload
        fields = ["region", "status"]


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
                _("Give a month as YYYY-MM."), code="invalid"
            )
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
