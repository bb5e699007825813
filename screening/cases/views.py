"""Pages of the review workflow: my queue, the case list, the case page with one form per
transition the user may take now, evidence downloads, and the workflow diagram.

Views ask permissions.py what the user may see and call the services in workflow.py for
every change; they never set a case's state themselves.
"""

from __future__ import annotations

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from screening import listing, permissions
from screening.cases import deadlines
from screening.cases import services as workflow
from screening.cases.filters import CaseListFilter
from screening.cases.forms import (
    DISPOSITION_LABELS,
    VERDICT_LABELS,
    form_for,
)
from screening.cases.page import case_page_context, clock_of, transition_label, transition_meta
from screening.ids import parse_id
from screening.models import (
    CaseAttachment,
    CaseState,
    Project,
)

LIST_PAGE_SIZE = 20  # the case list's default; 50 and 100 by choice (screening/listing.py)


# --- Presentation helpers ------------------------------------------------------------------

def _rows(cases) -> list[dict]:
    today = timezone.localdate()
    return [{"case": c, "clock": clock_of(c, today),
             "verdict_label": VERDICT_LABELS.get(c.verdict, ""),
             "disposition_label": DISPOSITION_LABELS.get(c.disposition, "")} for c in cases]


def _list_queryset(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("project", "region")


# --- Lists ---------------------------------------------------------------------------------

@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """Every case the user may see: searched by the project's code, name, enterprise or
    credit code; filtered by state, waiting for me, overdue, region, sector, verdict and
    disposition; sorted by a column header; paged (screening/cases/filters.py)."""
    cases = _list_queryset(permissions.cases_visible_to(request.user))
    case_filter = CaseListFilter(request.GET or None,
                                 queryset=cases.order_by("-updated_at", "-id"),
                                 user=request.user)
    page = listing.page_of(request.GET, case_filter.qs, default_size=LIST_PAGE_SIZE)
    query = request.GET.copy()
    for name in (listing.PAGE_PARAM, listing.SIZE_PARAM):
        query.pop(name, None)
    return render(request, "screening/cases/list.html", {
        "form": case_filter.form, "page": page, "rows": _rows(page.object_list),
        "query": query.urlencode(), "title": _("Review cases"), "sortable": True,
    })


@login_required
def case_export(request: HttpRequest) -> FileResponse:
    """The cases of the list, with its search and filters, as a workbook named after them."""
    import tempfile
    from pathlib import Path

    from screening.cases.export import export_cases, filter_words

    cases = permissions.cases_visible_to(request.user)
    case_filter = CaseListFilter(request.GET or None, queryset=cases.order_by("-updated_at",
                                                                              "-id"),
                                 user=request.user)
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as out:
        export_cases(case_filter.qs, Path(out.name))
        handle.write(Path(out.name).read_bytes())
    handle.seek(0)
    filename = listing.safe_filename(
        [_("Review cases"), *filter_words(case_filter), timezone.localdate().isoformat()],
        ".xlsx")
    return FileResponse(handle, as_attachment=True, filename=filename,
                        content_type="application/vnd.openxmlformats-officedocument."
                                     "spreadsheetml.sheet")


@login_required
def my_queue(request: HttpRequest) -> HttpResponse:
    """Cases waiting for this user's action, the most urgent first."""
    cases = _list_queryset(permissions.cases_waiting_for(request.user))
    page = listing.page_of(request.GET, cases.order_by("due_date", "updated_at", "id"),
                           default_size=LIST_PAGE_SIZE)
    return render(request, "screening/cases/queue.html", {
        "page": page, "rows": _rows(page.object_list), "query": "",
        "title": _("Waiting for me"),
    })


# --- The case page --------------------------------------------------------------------------

@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = permissions.get_case_for_user(request.user, pk)
    return render(request, "screening/cases/detail.html", case_page_context(request.user, case))


@login_required
@require_POST
def case_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Take one transition through its service; on any refusal, show the page again with the
    user's input kept and the reason."""
    if name not in workflow.SERVICES:
        raise Http404
    case = permissions.get_case_for_user(request.user, pk)
    form = form_for(name, case, request.POST, request.FILES, prefix=name)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        context = case_page_context(request.user, case, posted=(name, form))
        return render(request, "screening/cases/detail.html", context, status=400)
    try:
        workflow.SERVICES[name](case, acting_user=request.user, **form.service_kwargs())
    except workflow.TransitionRefused as refusal:
        messages.error(request, refusal.reason)
        case = permissions.get_case_for_user(request.user, pk)  # as it is now
        stale = refusal.code in ("conflict", "not_allowed")
        context = case_page_context(request.user, case, posted=(name, form), stale=stale)
        status = {"conflict": 409, "not_allowed": 409, "forbidden": 403}.get(refusal.code, 400)
        return render(request, "screening/cases/detail.html", context, status=status)
    messages.success(request, _("Done: %(action)s. The case is now “%(state)s”.") % {
        "action": transition_label(name), "state": CaseState(case.state).label})
    return redirect("screening:case", pk=case.pk)


@login_required
def case_file(request: HttpRequest, pk: int, file_id: int) -> FileResponse:
    """An evidence file, only for users who may see the case; always as a download."""
    case = permissions.get_case_for_user(request.user, pk)
    attachment = get_object_or_404(CaseAttachment, pk=file_id, case=case)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                        content_type=attachment.content_type)


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    """An agency opens a new review case (a draft) for a project of its ledger."""
    raw = request.POST.get("project") if request.method == "POST" else request.GET.get("project")
    project_id = parse_id(raw)
    if project_id is None:
        raise Http404
    project = get_object_or_404(permissions.scoped(Project.objects.select_related("region"),
                                                   request.user), pk=project_id)
    existing = project.cases.order_by("-cycle")
    refusal = workflow.open_case_refusal(project, request.user)
    allowed = refusal is None
    if request.method == "POST":
        try:
            case = workflow.open_case(project, acting_user=request.user)
        except workflow.TransitionRefused as refused:
            messages.error(request, refused.reason)
            status = 403 if refused.code == "forbidden" else 409
            return render(request, "screening/cases/new.html", {
                "project": project, "existing": existing, "allowed": False,
                "refusal": refused.reason, "title": _("Open a review case")}, status=status)
        messages.success(request, _("A draft case was opened. Check it and submit it."))
        return redirect("screening:case", pk=case.pk)
    return render(request, "screening/cases/new.html", {
        "project": project, "existing": existing, "allowed": allowed,
        "refusal": refusal.reason if refusal else "", "title": _("Open a review case")})


# --- The workflow diagram -------------------------------------------------------------------

# Where each state sits on the drawing (column, row): presentation only. States and arrows
# come from the machine; a state missing here is drawn on an extra row.
LAYOUT = {
    CaseState.DRAFT: (0, 0), CaseState.SUBMITTED: (1, 0), CaseState.PROVINCIAL_REVIEW: (2, 0),
    CaseState.REJECTED: (3, 0), CaseState.WITHDRAWN: (0, 1), CaseState.RETURNED: (1, 1),
    CaseState.EVALUATION: (2, 1), CaseState.APPROVED: (3, 1), CaseState.CLOSED: (1, 2),
    CaseState.RECTIFYING: (2, 2), CaseState.RECTIFICATION_SUBMITTED: (3, 2),
}
BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 170, 46, 120, 110, 30


def _clip(cx: float, cy: float, tx: float, ty: float) -> tuple[float, float]:
    """Where the line from a box's centre towards (tx, ty) leaves the box."""
    dx, dy = tx - cx, ty - cy
    if dx == 0 and dy == 0:
        return cx, cy
    scale = min((BOX_W / 2) / abs(dx) if dx else math.inf, (BOX_H / 2) / abs(dy) if dy
                else math.inf)
    return cx + dx * scale, cy + dy * scale


def workflow_svg() -> SafeString:
    """The state machine as an SVG drawing: a box per state, an arrow per transition."""
    states = list(CaseState)
    extra = [s for s in states if s not in LAYOUT]
    positions = dict(LAYOUT)
    rows = max(r for _c, r in LAYOUT.values()) + 1
    for i, state in enumerate(extra):
        positions[state] = (i % 4, rows + i // 4)
    centre = {s: (MARGIN + c * (BOX_W + GAP_X) + BOX_W / 2, MARGIN + r * (BOX_H + GAP_Y)
                  + BOX_H / 2) for s, (c, r) in positions.items()}
    width = MARGIN * 2 + 4 * BOX_W + 3 * GAP_X
    row_count = max(r for _c, r in positions.values()) + 1
    height = MARGIN * 2 + row_count * BOX_H + (row_count - 1) * GAP_Y
    pair_count: dict[frozenset, int] = {}
    arrows, labels = [], []
    for entry in transition_meta().values():
        for source, target in entry["edges"]:
            (sx, sy), (tx, ty) = centre[CaseState(source)], centre[CaseState(target)]
            key = frozenset((source, target))
            k = pair_count.get(key, 0)
            pair_count[key] = k + 1
            # Bend each arrow sideways so arrows between the same boxes do not overlap.
            length = math.hypot(tx - sx, ty - sy) or 1
            nx, ny = -(ty - sy) / length, (tx - sx) / length
            bend = 18 + 26 * k
            mx, my = (sx + tx) / 2 + nx * bend, (sy + ty) / 2 + ny * bend
            x1, y1 = _clip(sx, sy, mx, my)
            x2, y2 = _clip(tx, ty, mx, my)
            arrows.append((f"{x1:.0f}", f"{y1:.0f}", f"{mx:.0f}", f"{my:.0f}", f"{x2:.0f}",
                           f"{y2:.0f}", entry["name"]))
            lx, ly = (x1 + 2 * mx + x2) / 4, (y1 + 2 * my + y2) / 4
            labels.append((f"{lx:.0f}", f"{ly:.0f}", str(entry["label"])))
    boxes = format_html_join(
        "", '<g class="state {}"><rect x="{}" y="{}" width="{}" height="{}" rx="8"/>'
            '<text x="{}" y="{}">{}</text></g>',
        ((s.value, f"{cx - BOX_W / 2:.0f}", f"{cy - BOX_H / 2:.0f}", BOX_W, BOX_H,
          f"{cx:.0f}", f"{cy + 5:.0f}", s.label) for s, (cx, cy) in centre.items()))
    paths = format_html_join(
        "", '<path class="edge {}" d="M{} {} Q{} {} {} {}" marker-end="url(#arrow)"/>',
        ((a[6], *a[:6]) for a in arrows))
    texts = format_html_join("", '<text class="edge-label" x="{}" y="{}">{}</text>', labels)
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" '
        'aria-label="{}" class="workflow">'
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z"/></marker>'
        '</defs>{}{}{}</svg>',
        width, height, _("Review workflow"), paths, boxes, texts)


@login_required
def workflow_diagram(request: HttpRequest) -> HttpResponse:
    """The review process drawn from the state machine, with a table of its transitions."""
    table = []
    for entry in transition_meta().values():
        table.append({
            "label": entry["label"], "who": entry["who"], "needs": entry["needs"],
            "edges": [(CaseState(s).label, CaseState(t).label) for s, t in entry["edges"]],
        })
    return render(request, "screening/cases/workflow.html", {
        "svg": workflow_svg(), "table": table, "limits": [
            (CaseState(state).label, days)
            for state, days in deadlines.review_time_limits().items()
            if state in CaseState.values],
        "title": _("Review workflow"),
    })
