"""Pages of the capacity-replacement registry. Thin: scope and rights from permissions.py,
every change through registry.services, uploads through registry.upload."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from screening import listing, permissions
from screening.labels import request_language
from screening.ledger.uploads import WorkbookField
from screening.models import (
    CapacityDraw,
    CapacitySource,
    Region,
    RegistryUpload,
    RegistryUploadKind,
    RegistryUploadStatus,
)
from screening.registry import queries, services, upload
from screening.registry.checks import parse_source_number, public_uscc
from screening.registry.export import reason_label, risk_label, write_cross_checks
from screening.registry.forms import DrawForm, PlanForm, ReasonForm, SourceForm
from screening.registry.workbook import PLAN_COLUMNS, SOURCE_COLUMNS, write_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_LIMIT = 500
PLAN_SORTS = {  # the sortable columns of the two registry lists (screening/listing.py)
    "ref": ("ref", "id"),
    "date": ("plan_date", "id"),
    "region": ("region__code", "id"),
    "enterprise": ("enterprise", "id"),
    "status": ("status", "id"),
}
SOURCE_SORTS = {
    "number": ("id",),
    "region": ("region__code", "id"),
    "enterprise": ("enterprise", "id"),
    "capacity": ("capacity", "id"),
    "shutdown": ("shutdown_date", "id"),
}
# Rows of each cross-check shown on the page (the riskiest first); the export has them all.
CROSS_CHECK_ROWS = 100


def _visible_source(user, source_id: int) -> CapacitySource:
    source = queries.sources_visible_to(user).filter(pk=source_id).first()
    if source is None:
        raise Http404
    return source


def _visible_plan(user, plan_id: int):
    plan = queries.plans_visible_to(user).filter(pk=plan_id).first()
    if plan is None:
        raise Http404
    return plan


@login_required
def registry_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    search = request.GET.get("q", "").strip()[:100]
    sources = queries.sources_visible_to(user).order_by(
        *listing.order_fields(request.GET, SOURCE_SORTS, ("-id",), prefix="s-")
    )
    plans = queries.plans_visible_to(user).order_by(
        *listing.order_fields(request.GET, PLAN_SORTS, ("-plan_date", "-id"), prefix="p-")
    )
    if search:
        sources = sources.filter(
            Q(enterprise__icontains=search)
            | Q(equipment__icontains=search)
            | Q(uscc__icontains=search)
        )
        plans = plans.filter(Q(ref__icontains=search) | Q(enterprise__icontains=search))
    return render(
        request,
        "screening/registry/home.html",
        {
            "sources": listing.page_of(request.GET, sources, default_size=20, prefix="s-"),
            "plans": listing.page_of(request.GET, plans, default_size=20, prefix="p-"),
            "search": search,
            "can_enter": permissions.can_enter_registry(user),
            "can_cross_check": permissions.can_view_registry_cross_checks(user),
        },
    )


def _require_entry(user) -> list[Region]:
    regions = permissions.registry_editable_regions(user)
    if not regions or not permissions.can_enter_registry(user):
        raise PermissionDenied
    return regions


@login_required
def source_new(request: HttpRequest) -> HttpResponse:
    regions = _require_entry(request.user)
    families = queries.replacement_families()
    form = SourceForm(request.POST or None, regions=regions, families=families)
    if request.method == "POST" and form.is_valid():
        try:
            source = services.register_source(form.to_data(), user=request.user)
        except services.RegistryRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Registered as %(number)s.") % {"number": source.number})
            return redirect("screening:registry_source", source.pk)
    return render(
        request,
        "screening/registry/form.html",
        {"form": form, "title": _("Register retired capacity")},
    )


@login_required
def source_detail(request: HttpRequest, source_id: int) -> HttpResponse:
    source = _visible_source(request.user, source_id)
    editable = permissions.can_edit_registry(request.user, source.region_id)
    form = None
    if editable:
        families = queries.replacement_families()
        regions = permissions.registry_editable_regions(request.user)
        form = SourceForm(
            request.POST or None,
            regions=regions,
            families=families,
            initial=SourceForm.initial_of(source),
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.update_source(source, form.to_data(), user=request.user)
            except services.RegistryRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("Saved."))
                return redirect("screening:registry_source", source.pk)
    elif request.method == "POST":
        raise PermissionDenied
    draws = (
        CapacityDraw.objects.filter(source=source)
        .select_related("plan", "plan__region", "drawn_by", "returned_by")
        .order_by("id")
    )
    visible_regions = permissions.scope_region_ids(request.user)
    return render(
        request,
        "screening/registry/source.html",
        {
            "source": source,
            "form": form,
            "draws": draws,
            "visible_regions": visible_regions,
        },
    )


@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    regions = _require_entry(request.user)
    families = queries.replacement_families()
    form = PlanForm(request.POST or None, regions=regions, families=families)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.register_plan(form.to_data(), user=request.user)
        except services.RegistryRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Plan registered; add the capacity it draws."))
            return redirect("screening:registry_plan", plan.pk)
    return render(
        request,
        "screening/registry/form.html",
        {"form": form, "title": _("Register a replacement plan")},
    )


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _visible_plan(request.user, plan_id)
    editable = plan.is_active and permissions.can_edit_registry(request.user, plan.region_id)
    draw_form = DrawForm(request.POST or None) if editable else None
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if draw_form.is_valid():
            number = parse_source_number(draw_form.cleaned_data["source"])
            source = CapacitySource.objects.filter(pk=number).first() if number else None
            if source is None or not permissions.may_see_region(request.user, source.region_id):
                draw_form.add_error("source", _("No registered source has this number."))
            else:
                try:
                    services.draw(plan, source, draw_form.cleaned_data["amount"], user=request.user)
                except services.RegistryRefused as refusal:
                    draw_form.add_error(None, str(refusal))
                else:
                    messages.success(
                        request, _("Drawn from %(number)s.") % {"number": source.number}
                    )
                    return redirect("screening:registry_plan", plan.pk)
    draws = plan.draws.select_related(
        "source", "source__region", "drawn_by", "returned_by"
    ).order_by("id")
    live = [d for d in draws if d.is_live]
    return render(
        request,
        "screening/registry/plan.html",
        {
            "plan": plan,
            "draws": draws,
            "draw_form": draw_form,
            "drawn": sum((d.amount for d in live), 0),
            "can_withdraw": editable,
            "withdraw_form": ReasonForm() if editable else None,
            "can_publish": permissions.can_publish_plans(request.user) and plan.is_active,
            "projects": services.projects_naming(plan)
            .filter(region_id__in=permissions.scope_region_ids(request.user))
            .select_related("region"),
        },
    )


def _editable_plan(request: HttpRequest, plan_id: int):
    plan = _visible_plan(request.user, plan_id)
    if not permissions.can_edit_registry(request.user, plan.region_id):
        raise PermissionDenied
    return plan


def _act_with_reason(request: HttpRequest, plan, act, done: str) -> HttpResponse:
    """An action on a plan that needs a reason (withdraw, return a draw); back to the plan."""
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
    else:
        try:
            act(user=request.user, reason=form.cleaned_data["reason"])
        except services.RegistryRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, done)
    return redirect("screening:registry_plan", plan.pk)


@login_required
@require_POST
def plan_withdraw(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _editable_plan(request, plan_id)
    return _act_with_reason(
        request,
        plan,
        lambda **kw: services.withdraw_plan(plan, **kw),
        _("Plan withdrawn; its draws were returned."),
    )


@login_required
@require_POST
def draw_release(request: HttpRequest, plan_id: int, draw_id: int) -> HttpResponse:
    plan = _editable_plan(request, plan_id)
    item = get_object_or_404(CapacityDraw, pk=draw_id, plan=plan)
    return _act_with_reason(
        request,
        plan,
        lambda **kw: services.release_draw(item, **kw),
        _("The draw was returned to its source."),
    )


@login_required
@require_POST
def plan_publish(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _visible_plan(request.user, plan_id)
    if not permissions.can_publish_plans(request.user):
        raise PermissionDenied
    publish = request.POST.get("publish") != "0"
    try:
        services.publish_plan(plan, user=request.user, publish=publish)
    except services.RegistryRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("Published in the public list.") if publish else _("Taken off the public list."),
        )
    return redirect("screening:registry_plan", plan.pk)


def _require_cross_checks(user) -> None:
    if not permissions.can_view_registry_cross_checks(user):
        raise PermissionDenied


def _url_by_id(name: str) -> Callable[[int], str]:
    """`reverse(name, args=[pk])` for any number of ids at the cost of one reverse (the
    pattern's one argument is an `<id:…>`, written as its digits)."""
    marker = 987654321987
    head, tail = reverse(name, args=[marker]).rsplit(str(marker), 1)
    return lambda pk: f"{head}{int(pk)}{tail}"


@login_required
def cross_checks(request: HttpRequest) -> HttpResponse:
    _require_cross_checks(request.user)
    rows = CROSS_CHECK_ROWS
    checks = queries.cross_checks_now(limit=rows)
    source_url = _url_by_id("screening:registry_source")
    plan_url = _url_by_id("screening:registry_plan")
    return render(
        request,
        "screening/registry/cross_checks.html",
        {
            "checks": checks,
            "rows": rows,
            "counts": checks.counts,
            "shared": [
                (
                    item,
                    risk_label(item.risk),
                    [reason_label(r) for r in item.reasons],
                    source_url(item.source.id),
                    [(plan, amount, plan_url(plan.id)) for plan, amount in item.draws],
                )
                for item in checks.shared_sources
            ],
            "mismatches": [
                (
                    item,
                    risk_label(item.risk),
                    # A problem's figures are looked up here: a missing key costs the
                    # template an exception per lookup.
                    [
                        (p, reason_label(p["kind"]), p.get("ledger"), p.get("registry"))
                        for p in item.problems
                    ],
                    plan_url(item.plan.id),
                )
                for item in checks.ledger_mismatches
            ],
            "cross": [(item, risk_label(item.risk)) for item in checks.cross_region],
            # The rows name regions by code; the page shows their names.
            "region_names": dict(Region.objects.values_list("code", "name")),
        },
    )


@login_required
def cross_checks_export(request: HttpRequest) -> FileResponse:
    _require_cross_checks(request.user)
    handle = tempfile.TemporaryFile()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cross-checks.xlsx"
        write_cross_checks(queries.cross_checks_now(), path)
        handle.write(path.read_bytes())
    handle.seek(0)
    stamp = timezone.localdate().isoformat()
    return FileResponse(
        handle, as_attachment=True, filename=f"产能置换交叉核查-{stamp}.xlsx", content_type=XLSX
    )


def public_plans(request: HttpRequest) -> HttpResponse:
    """The public list (公告) of published plans: no login, nothing else of the product, and no
    credit code of a natural person."""
    plans = []
    for plan in queries.published_plans()[:LIST_LIMIT]:
        plans.append(
            {
                "plan": plan,
                "uscc": public_uscc(plan.uscc),
                "retired": sum((d.amount for d in plan.live_draws), 0),
                "draws": [{"draw": d, "uscc": public_uscc(d.source.uscc)} for d in plan.live_draws],
            }
        )
    # Not marked cacheable: the page header greets a signed-in visitor by name.
    return render(request, "screening/registry/public.html", {"plans": plans})


# -- uploads ----------------------------------------------------------------------------------


@login_required
def upload_page(request: HttpRequest) -> HttpResponse:
    _require_entry(request.user)
    from django import forms

    class UploadForm(forms.Form):
        kind = forms.ChoiceField(label=_("What the file holds"), choices=RegistryUploadKind.choices)
        file = WorkbookField(label=_("Excel file (.xlsx)"))

    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        item = upload.receive(
            request.user, form.cleaned_data["kind"], file, file.name, request_language()
        )
        return redirect("screening:registry_upload", item.pk)
    uploads = RegistryUpload.objects.filter(uploaded_by=request.user)[:20]
    return render(request, "screening/registry/upload.html", {"form": form, "uploads": uploads})


def _own_upload(user, upload_id: int) -> RegistryUpload:
    item = RegistryUpload.objects.filter(pk=upload_id, uploaded_by=user).first()
    if item is None:
        raise Http404
    return item


@login_required
def upload_detail(request: HttpRequest, upload_id: int) -> HttpResponse:
    item = _own_upload(request.user, upload_id)
    if request.method == "POST":
        try:
            summary = upload.apply(item, request.user, request_language())
        except upload.ApplyRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                _("Registered: %(sources)s sources, %(plans)s plans, %(draws)s draws.")
                % {
                    "sources": summary.get("sources", 0),
                    "plans": summary.get("plans", 0),
                    "draws": summary.get("draws", 0),
                },
            )
        return redirect("screening:registry_upload", item.pk)
    return render(
        request,
        "screening/registry/upload_detail.html",
        {
            "upload": item,
            "language": request_language(),
            "refusal": item.message,
            "errors": item.errors,
            "error_count": len(item.errors),
            "preview": item.preview,
            "waiting": item.status == RegistryUploadStatus.PREVIEW,
        },
    )


@login_required
def upload_annotated(request: HttpRequest, upload_id: int) -> FileResponse:
    item = _own_upload(request.user, upload_id)
    if not item.annotated_file:
        raise Http404
    return FileResponse(
        item.annotated_file.open("rb"),
        as_attachment=True,
        filename=f"错误标注-{item.original_name}",
        content_type=XLSX,
    )


@login_required
def template_download(request: HttpRequest, kind: str) -> FileResponse:
    if kind not in RegistryUploadKind.values:
        raise Http404
    columns = SOURCE_COLUMNS if kind == RegistryUploadKind.SOURCES else PLAN_COLUMNS
    title = "退出产能" if kind == RegistryUploadKind.SOURCES else "产能置换方案"
    handle = tempfile.TemporaryFile()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "template.xlsx"
        write_template(columns, queries.replacement_families(), path, title)
        handle.write(path.read_bytes())
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"{title}模板.xlsx", content_type=XLSX)
