"""Pages of early warning: the barometer, escalations, annual results, a project's energy
months, alerts and the dashboard; the entry, upload and publication of the figures are in
indicator_views.py. Thin: scope from permissions.py, work in the modules beside this one."""

from __future__ import annotations

from collections import Counter
from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from screening import listing, permissions
from screening.early_warning.alerts import alerts_for
from screening.early_warning.barometer import WarningRefused, barometer_grid, record_annual_result
from screening.early_warning.budgets import headroom_by_region
from screening.early_warning.escalations import escalation_in_force
from screening.early_warning.forms import AnnualResultForm, PublishForm
from screening.early_warning.map import TIER_FILL, map_layout
from screening.models import (
    AnnualResult,
    EscalationEnd,
    EscalationEvent,
    IndicatorMonth,
    Project,
    ProjectEnergyMonth,
    ProjectStatus,
    Region,
)
from screening.months import (
    last_months,
    month_after,
    month_before,
    month_before_day,
    month_label,
    month_or_none,
)
from screening.rules.types import Disposition, Sector, Tier, Verdict


def require_manager(user) -> None:
    if not permissions.can_manage_indicators(user):
        raise PermissionDenied


def url_or_none(name: str, *args) -> str | None:
    """A link to another area's page when that area is built (the workflow pages)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def visible_barometer_regions(user) -> list[Region]:
    """Regions with a barometer that the user may see: every region but the province."""
    return list(
        permissions.regions_visible_to(user)
        .exclude(level="province")
        .select_related("parent", "reports_to")
        .order_by("code")
    )


def _selected_month(request: HttpRequest) -> tuple[int, int]:
    return month_or_none(request.GET.get("month")) or month_before_day()


# --- The barometer ---------------------------------------------------------------------------


@login_required
def warnings_home(request: HttpRequest) -> HttpResponse:
    """The barometer of one month for the user's regions, with escalations in force."""
    year, month = _selected_month(request)
    regions = visible_barometer_regions(request.user)
    manager = permissions.can_manage_indicators(request.user)
    rows = []
    indicator_by_region = {
        i.region_id: i
        for i in IndicatorMonth.objects.filter(
            region__in=regions, year=year, month=month
        ).select_related("published_by")
    }
    grid = barometer_grid(regions, [(year, month)], published_only=not manager)
    for region in regions:
        own = indicator_by_region.get(region.pk)
        if own is not None and not own.published_at and not manager:
            own = None  # unpublished figures are the provincial reviewer's working copy
        rows.append({"region": region, "indicator": own, "cell": grid[region.pk][0]})
    unpublished = sum(1 for r in rows if r["indicator"] and not r["indicator"].published_at)
    escalations = (
        permissions.scoped(EscalationEvent.objects, request.user)
        .filter(ended_year__isnull=True)
        .exclude(end_reason=EscalationEnd.CORRECTED)
        .select_related("region")
    )
    previous = month_before(year, month)
    following = month_after(year, month)
    return render(
        request,
        "screening/early_warning/home.html",
        {
            "rows": rows,
            "year": year,
            "month": month,
            "label": month_label(year, month),
            "previous": month_label(*previous),
            "next": month_label(*following),
            "manager": manager,
            "unpublished": unpublished,
            "escalations": escalations,
            "publish_form": PublishForm(initial={"month": month_label(year, month)}),
        },
    )


@login_required
def region_barometer(request: HttpRequest, code: str) -> HttpResponse:
    """A region's published months (trend), its indicators and its escalation history."""
    region = permissions.get_region_for_user(request.user, code)
    manager = permissions.can_manage_indicators(request.user)
    months = IndicatorMonth.objects.filter(region=region).order_by("-year", "-month")
    if not manager:
        months = months.filter(published_at__isnull=False)
    events = (
        EscalationEvent.objects.filter(region=region)
        .order_by("-started_year", "-started_month")
        .prefetch_related("documents")
    )  # 限批 notices
    return render(
        request,
        "screening/early_warning/region.html",
        {
            "region": region,
            "months": months[:36],
            "events": events,
            "in_force": escalation_in_force(region),
            "results": AnnualResult.objects.filter(region=region).order_by("-year")[:10],
            "manager": manager,
        },
    )


# --- Annual results --------------------------------------------------------------------------


@login_required
def annual_results(request: HttpRequest) -> HttpResponse:
    """Last years' target results per region; the provincial reviewer records them."""
    manager = permissions.can_manage_indicators(request.user)
    regions = visible_barometer_regions(request.user)
    form = AnnualResultForm(request.POST or None, regions=regions) if manager else None
    if request.method == "POST":
        require_manager(request.user)
        if form.is_valid():
            region = get_object_or_404(Region, code=form.cleaned_data["region"])
            try:
                record_annual_result(
                    region,
                    form.cleaned_data["year"],
                    dual_control_met=form.cleaned_data["dual_control"] == "met",
                    pollutant_met=form.cleaned_data["pollutant"] == "met",
                    user=request.user,
                )
            except WarningRefused as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(
                    request,
                    _("Recorded %(region)s %(year)s.")
                    % {"region": region.name, "year": form.cleaned_data["year"]},
                )
                return redirect("screening:annual_results")
    results = (
        permissions.scoped(AnnualResult.objects, request.user)
        .select_related("region", "recorded_by")
        .order_by("-year", "region__code")
    )
    return render(
        request,
        "screening/early_warning/annual_results.html",
        {"form": form, "results": results[:500]},
    )


# --- Project energy-use warnings -------------------------------------------------------------


@login_required
def project_energy_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("region"), pk=project_id)
    if not permissions.may_see_region(request.user, project.region_id):
        raise Http404
    months = ProjectEnergyMonth.objects.filter(project=project).order_by("-year", "-month")
    return render(
        request,
        "screening/early_warning/project_energy_detail.html",
        {"project": project, "months": months},
    )


# --- Alerts ----------------------------------------------------------------------------------


@login_required
def alerts(request: HttpRequest) -> HttpResponse:
    """Every alert for the user's regions as one list: filtered by kind, region and a search
    on the project, with the count of each kind, paged (alert_list.py)."""
    from screening import permissions
    from screening.early_warning import alert_list

    found = alerts_for(request.user, timezone.localdate())
    regions = list(permissions.regions_visible_to(request.user).order_by("code"))
    form = alert_list.AlertFilterForm(request.GET or None, regions=regions)
    data = form.cleaned_data if form.is_valid() else {}
    region_ids = {r.code: r.pk for r in regions}
    rows = alert_list.filtered(
        alert_list.alert_rows(found),
        region_id=region_ids.get(data.get("region") or ""),
        text=data.get("q") or "",
    )
    counts = alert_list.counts_by_kind(rows)
    if data.get("kind"):
        rows = [row for row in rows if row.kind == data["kind"]]
    page = listing.page_of(request.GET, rows, default_size=50)
    for row in page.object_list:
        if row.kind == "diagnosis":
            row.link = url_or_none("screening:project", row.item.pk)
        elif row.kind in ("rectification", "review"):
            row.link = url_or_none("screening:case", row.item.pk)
    return render(
        request,
        "screening/early_warning/alerts.html",
        {
            "alerts": found,
            "form": form,
            "page": page,
            "counts": counts,
            "kind": data.get("kind") or "",
            "kind_links": [
                (kind, label, n, listing.link(request.GET, kind=kind, page=None))
                for kind, label, n in counts
            ],
        },
    )


# --- Dashboard -------------------------------------------------------------------------------


def _projects_url(**filters: str) -> str | None:
    """The project list filtered to what a number counts (None until the ledger is built)."""
    base = url_or_none("screening:projects")
    if base is None:
        return None
    return base + "?" + urlencode({"in_scope": "true", **filters})


PROJECT_COUNT_FIELDS = ("region_id", "verdict", "disposition", "sector")


def _grouped(projects) -> dict[str, Counter]:
    """Counts by region, verdict, disposition and sector in one pass of the database: one
    GROUP BY over the four fields (a few hundred groups at most; 100,000 projects never come
    to Python), summed here per field."""
    totals: dict[str, Counter] = {name: Counter() for name in PROJECT_COUNT_FIELDS}
    # COUNT(*), not COUNT(id): the partial index project_two_high_counts answers it alone.
    rows = (
        projects.order_by()
        .values_list(*PROJECT_COUNT_FIELDS)
        .annotate(n=Count("*"))
        .values_list(*PROJECT_COUNT_FIELDS, "n")
    )
    for *values, n in rows:
        for name, value in zip(PROJECT_COUNT_FIELDS, values, strict=True):
            totals[name][value] += n
    return totals


def _counts(counted: Counter, field_name: str, order: list[str]) -> list[dict]:
    return [
        {"value": value, "count": counted[value], "url": _projects_url(**{field_name: value})}
        for value in order
        if counted.get(value)
    ]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """At a glance, for the user's regions: the map coloured by this month's tier, changes
    against last month, the 12-month trend, 两高 project counts, the queue and what is overdue."""
    user = request.user
    today = timezone.localdate()
    year, month = _selected_month(request)
    regions = visible_barometer_regions(user)
    months = last_months(year, month, 12)
    grid = barometer_grid(regions, months)
    region_rows = []
    for region in regions:
        cells = grid[region.pk]
        now_cell, before = cells[-1], cells[-2]
        region_rows.append(
            {
                "region": region,
                "cells": cells,
                "now": now_cell,
                "before": before,
                "changed": now_cell.tier != before.tier,
                "url": reverse("screening:warning_region", args=[region.code]),
            }
        )
    shapes = _map_shapes(region_rows)
    projects = permissions.scoped(Project.objects.all(), user).filter(
        status=ProjectStatus.ACTIVE, in_scope=True
    )
    counted = _grouped(projects)
    visible = {r.pk: r for r in permissions.regions_visible_to(user)}
    by_region = Counter()
    for region_id, n in counted["region_id"].items():
        by_region[visible[region_id].code] += n
    names = {r.code: r.name for r in visible.values()}
    queue, overdue = _cases(user, today)
    # The same headroom as the case page, for each region with a budget of its own this year.
    headroom = headroom_by_region([r["region"] for r in region_rows], today)
    return render(
        request,
        "screening/early_warning/dashboard.html",
        {
            "headroom_rows": [
                {"region": r["region"], "url": r["url"], "h": headroom[r["region"].pk].headroom}
                for r in region_rows
                if r["region"].pk in headroom
            ],
            "headroom_year": today.year,
            "label": month_label(year, month),
            "months": months,
            "previous": month_label(*month_before(year, month)),
            "region_rows": region_rows,
            "map": shapes,
            "changes": [r for r in region_rows if r["changed"]],
            "tier_counts": Counter(r["now"].tier for r in region_rows),
            "grey_count": sum(1 for r in region_rows if not r["now"].tier),
            # Coal's own tier, shown beside the map's 能耗双控 tier (revision 4).
            "coal_counts": Counter(
                r["now"].indicator.coal_tier for r in region_rows if r["now"].indicator is not None
            ),
            "total_projects": sum(counted["region_id"].values()),
            "total_url": _projects_url(),
            "by_verdict": _counts(counted["verdict"], "verdict", [v.value for v in Verdict]),
            "by_disposition": _counts(
                counted["disposition"], "disposition", [d.value for d in Disposition]
            ),
            "by_sector": _counts(counted["sector"], "sector", [s.value for s in Sector]),
            "by_region": [
                {
                    "code": code,
                    "name": names.get(code, code),
                    "count": count,
                    "url": _projects_url(region=code),
                }
                for code, count in sorted(by_region.items())
            ],
            "queue": queue,
            "overdue": overdue,
            "cases_url": url_or_none("screening:cases"),
            "alerts_url": reverse("screening:alerts"),
            "escalations": (
                permissions.scoped(EscalationEvent.objects, user)
                .filter(ended_year__isnull=True)
                .exclude(end_reason=EscalationEnd.CORRECTED)
                .select_related("region")
            ),
        },
    )


def _map_shapes(region_rows: list[dict]) -> dict:
    rows = {r["region"].code: r for r in region_rows}
    cities = tuple(
        code for code, r in rows.items() if r["region"].parent_id and r["region"].parent.is_province
    )
    overlays = tuple(code for code in rows if code not in cities)
    layout = map_layout(cities, overlays)
    shapes = []
    for shape in layout.shapes:
        row = rows[shape.code]
        tier = row["now"].tier
        region = row["region"]
        # Long names (郑州航空港经济综合实验区) do not fit a tile: use the short alias.
        short = region.aliases[0] if len(region.name) > 5 and region.aliases else region.name
        shapes.append(
            {
                "shape": shape,
                "row": row,
                "fill": TIER_FILL.get(tier, TIER_FILL[""]),
                "text": "#fff" if tier in (Tier.RED, Tier.GREEN) else "#1f2933",
                "label": short,
            }
        )
    return {
        "view_box": layout.view_box,
        "shapes": shapes,
        "from_boundaries": layout.from_boundaries,
    }


def _cases(user, today: date) -> tuple[list, list]:
    """The user's queue and the overdue cases in their regions (the workflow's models)."""
    from screening.models import FINAL_STATES, ReviewCase
    from screening.permissions import cases_waiting_for

    queue = list(cases_waiting_for(user).select_related("project", "region")[:20])
    overdue = list(
        permissions.scoped(ReviewCase.objects, user)
        .exclude(state__in=list(FINAL_STATES))
        .filter(due_date__lt=today)
        .select_related("project", "region")
        .order_by("due_date")[:20]
    )
    for case in [*queue, *overdue]:
        case.link = url_or_none("screening:case", case.pk)
    return queue, overdue
