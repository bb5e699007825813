"""Entry, upload and publication of early-warning figures: a region-month by form, the
indicators template and its upload, publishing a month, and the project energy-use upload with
its list of warnings. Files are read by early_warning/indicators.py; the other early-warning
pages are in views.py."""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from screening import listing, permissions
from screening.bilingual import both
from screening.early_warning import indicator_templates, indicators
from screening.early_warning.barometer import INDICATOR_FIELDS, WarningRefused
from screening.early_warning.forms import (
    IndicatorForm,
    IndicatorUploadForm,
    PublishForm,
    UploadForm,
)
from screening.early_warning.project_energy import (
    latest_project_warnings,
    operating_two_high,
    save_project_energy,
)
from screening.early_warning.publishing import publish_months, save_indicator_months
from screening.early_warning.views import require_manager, visible_barometer_regions
from screening.ledger.uploads import limits_from_settings
from screening.ledger.xlsx.safety import UnsafeWorkbook
from screening.models import IndicatorMonth, IndicatorSource, Project
from screening.months import month_label
from screening.rules.types import Tier

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_SHOWN = 500


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


def _limits():
    return limits_from_settings()


# --- The barometer's figures ------------------------------------------------------------------


@login_required
def indicator_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Enter or correct one region-month (provincial reviewer)."""
    require_manager(request.user)
    regions = visible_barometer_regions(request.user)
    instance = get_object_or_404(IndicatorMonth, pk=pk) if pk is not None else None
    initial = {}
    if instance is not None:
        initial = {
            "region": instance.region.code,
            "month": month_label(instance.year, instance.month),
        }
        for key in INDICATOR_FIELDS:
            value = getattr(instance, key)
            initial[key] = "" if value is None else format(value.normalize(), "f")
    form = IndicatorForm(request.POST or None, regions=regions, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            summary = save_indicator_months(
                [form.row],
                user=request.user,
                source=IndicatorSource.FORM,
                publish=form.cleaned_data["publish"],
            )
        except WarningRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request,
                _("Saved %(months)s.") % {"months": "、".join(summary.months)}
                + (" " + _("Published.") if summary.published else ""),
            )
            return redirect(
                reverse("screening:warnings")
                + "?"
                + urlencode({"month": month_label(form.row.year, form.row.month)})
            )
    return render(
        request, "screening/early_warning/indicator_form.html", {"form": form, "instance": instance}
    )


def _store_upload(uploaded) -> Path:
    """The upload written under a generated temporary name (never the file's own name)."""
    handle = tempfile.NamedTemporaryFile(prefix="indicators-", suffix=".xlsx", delete=False)
    with handle:
        for chunk in uploaded.chunks():
            handle.write(chunk)
    return Path(handle.name)


@login_required
def indicator_upload(request: HttpRequest) -> HttpResponse:
    """Upload the indicators template: every error at once, or all rows saved (provincial)."""
    require_manager(request.user)
    form = IndicatorUploadForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form, "kind": "indicators", "language": _lang()}
    if request.method == "POST" and form.is_valid():
        path = _store_upload(form.cleaned_data["file"])
        published_on = form.cleaned_data["published_on"]
        try:
            read = indicators.read_indicator_workbook(
                path, _limits(), indicators.indicator_region_lookup()
            )
        except UnsafeWorkbook as refusal:
            context["refusal"] = refusal.message(_lang())
        else:
            if published_on is not None:
                read = indicators.check_published_on(read, published_on)
            context.update(
                _upload_outcome(
                    request,
                    read,
                    lambda rows: save_indicator_months(
                        rows,
                        user=request.user,
                        source=IndicatorSource.UPLOAD,
                        publish=form.cleaned_data["publish"],
                        published_on=published_on,
                    ),
                )
            )
        finally:
            path.unlink(missing_ok=True)
    return render(request, "screening/early_warning/upload.html", context)


def _upload_outcome(request, read, save) -> dict:
    if read.all_errors:
        return {
            "errors": read.all_errors[:ERRORS_SHOWN],
            "error_count": len(read.all_errors),
            "ignored_columns": read.ignored_columns,
        }
    try:
        summary = save([row for _n, row in read.rows])
    except WarningRefused as refusal:
        return {"refusal": refusal.message}
    return {"summary": summary, "ignored_columns": read.ignored_columns}


@login_required
def indicator_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(indicator_templates.indicator_template_bytes(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="indicators-template.xlsx"'
    return response


@login_required
@require_POST
def indicator_publish(request: HttpRequest) -> HttpResponse:
    """Publish every unpublished region-month of a month (provincial reviewer)."""
    require_manager(request.user)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the month as YYYY-MM."))
        return redirect("screening:warnings")
    year, month = form.cleaned_data["month"]
    count = publish_months(
        IndicatorMonth.objects.filter(
            year=year, month=month, region_id__in=permissions.scope_region_ids(request.user)
        ),
        user=request.user,
    )
    messages.success(
        request,
        _("%(count)s region-months of %(month)s published.")
        % {"count": count, "month": month_label(year, month)},
    )
    return redirect(
        reverse("screening:warnings") + "?" + urlencode({"month": month_label(year, month)})
    )


# --- Project energy-use warnings -------------------------------------------------------------


def _check_project_rows(read, user) -> None:
    """Project codes must be operating 两高 projects of the user's regions."""
    codes = {row.project_code for _n, row in read.rows}
    projects = {
        p.project_code: p
        for p in permissions.scoped(Project.objects.filter(project_code__in=codes), user)
    }
    watched = set(
        operating_two_high(
            Project.objects.filter(pk__in=[p.pk for p in projects.values()])
        ).values_list("project_code", flat=True)
    )
    kept = []
    for row_number, row in read.rows:
        if row.project_code not in projects:
            read.errors.append(
                indicators.project_row_error(
                    row_number,
                    row.project_code,
                    both("no project with this code in the ledger of your regions"),
                )
            )
        elif row.project_code not in watched:
            read.errors.append(
                indicators.project_row_error(
                    row_number,
                    row.project_code,
                    both(
                        "is not an operating (存量) two-high project in the ledger: only those "
                        "get energy-use warnings"
                    ),
                )
            )
        else:
            kept.append((row_number, row))
    read.rows = kept
    read.errors.sort(key=lambda e: e.row)


@login_required
def project_energy(request: HttpRequest) -> HttpResponse:
    """Operating 两高 projects' energy use against their approved energy, and the upload."""
    may_upload = permissions.can_upload_project_energy(request.user)
    form = UploadForm(request.POST or None, request.FILES or None) if may_upload else None
    context: dict = {"form": form, "language": _lang()}
    if request.method == "POST":
        if not may_upload:
            raise PermissionDenied
        if form.is_valid():
            path = _store_upload(form.cleaned_data["file"])
            try:
                read = indicators.read_project_energy_workbook(path, _limits())
            except UnsafeWorkbook as refusal:
                context["refusal"] = refusal.message(_lang())
            else:
                _check_project_rows(read, request.user)
                context.update(
                    _upload_outcome(
                        request,
                        read,
                        lambda rows: save_project_energy(rows, user=request.user),
                    )
                )
            finally:
                path.unlink(missing_ok=True)
    projects = permissions.scoped(Project.objects.all(), request.user)
    rows = listing.sorted_rows(request.GET, latest_project_warnings(projects), PROJECT_ENERGY_SORTS)
    context["warnings"] = listing.page_of(request.GET, rows, default_size=50)
    return render(request, "screening/early_warning/project_energy.html", context)


_TIER_ORDER = {Tier.RED: 0, Tier.YELLOW: 1, Tier.GREEN: 2}
PROJECT_ENERGY_SORTS = {  # the sortable columns of the project energy list (red first otherwise)
    "code": lambda w: w.project.project_code,
    "region": lambda w: (w.project.region.code, w.project.project_code),
    "month": lambda w: (w.year, w.month, w.project.project_code),
    "share": lambda w: (w.share_pct is not None, w.share_pct or 0, w.project.project_code),
    "tier": lambda w: (_TIER_ORDER.get(w.tier, 3), w.project.project_code),
}


@login_required
def project_energy_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(indicator_templates.project_energy_template_bytes(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="project-energy-template.xlsx"'
    return response
