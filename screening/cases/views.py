"""Pages of the review workflow: my queue, the case list, the case page with one form per
transition the user may take now, evidence downloads, and the workflow diagram.

Views ask permissions.py what the user may see and call the services in workflow.py for
every change; they never set a case's state themselves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from screening import permissions
from screening import permissions as permissions_cases
from screening.cases import deadlines
from screening.cases import services as workflow
from screening.cases.forms import (
    DISPOSITION_LABELS,
    VERDICT_LABELS,
    CaseActionForm,
    CaseFilterForm,
    form_for,
    initial_for,
)
from screening.ids import parse_id
from screening.models import (
    FINAL_STATES,
    CaseAttachment,
    CaseEvent,
    CaseState,
    EvaluationKind,
    Project,
    ReviewCase,
)
from screening.rules.types import Outcome, Stage

PAGE_SIZE = 25


# --- Presentation helpers ------------------------------------------------------------------

@cache
def transition_meta() -> dict[str, dict]:
    """Each transition's label, who takes it and what it needs, from the machine itself."""
    meta: dict[str, dict] = {}
    for t in ReviewCase._meta.get_field("state").get_all_transitions(ReviewCase):
        entry = meta.setdefault(t.name, {"name": t.name, "label": t.custom["label"],
                                         "who": [], "needs": t.custom["needs"], "edges": []})
        if t.custom["who"] not in entry["who"]:
            entry["who"].append(t.custom["who"])
        targets = getattr(t.target, "allowed_states", None) or [t.target]
        for target in targets:
            entry["edges"].append((str(t.source), str(target)))
    return meta


def transition_label(name: str) -> str:
    return str(transition_meta()[name]["label"]) if name in transition_meta() else name


@dataclass
class Clock:
    """The current stage's deadline as shown: due date, working days left, overdue."""

    due: object
    days_left: int
    overdue: bool
    estimated: bool


def clock_of(case: ReviewCase, today=None) -> Clock | None:
    if case.due_date is None or case.state in FINAL_STATES:
        return None
    today = today or timezone.localdate()
    left = deadlines.days_left(case.due_date, today)
    return Clock(due=case.due_date, days_left=abs(left), overdue=case.due_date < today,
                 estimated=not deadlines.calendar_is_known(case.due_date))


def _message(finding: dict) -> str:
    english = (get_language() or "").startswith("en")
    return finding.get("message_en" if english else "message_zh") or finding.get(
        "message_zh", "")


def _rows(cases) -> list[dict]:
    today = timezone.localdate()
    return [{"case": c, "clock": clock_of(c, today),
             "verdict_label": VERDICT_LABELS.get(c.verdict, ""),
             "disposition_label": DISPOSITION_LABELS.get(c.disposition, "")} for c in cases]


def _page(request: HttpRequest, queryset: QuerySet):
    paginator = Paginator(queryset, PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def _list_queryset(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("project", "region")


# --- Lists ---------------------------------------------------------------------------------

@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """Every case the user may see, filtered by state, region, sector, verdict, disposition,
    overdue; paged."""
    regions = list(permissions.regions_visible_to(request.user).filter(is_project_region=True))
    form = CaseFilterForm(request.GET or None, regions=regions)
    cases = _list_queryset(permissions_cases.cases_visible_to(request.user))
    if form.is_valid():
        data = form.cleaned_data
        if data["state"]:
            cases = cases.filter(state=data["state"])
        if data["region"]:
            cases = cases.filter(region__code=data["region"])
        if data["sector"]:
            cases = cases.filter(project__sector=data["sector"])
        if data["verdict"]:
            cases = cases.filter(verdict=data["verdict"])
        if data["disposition"]:
            cases = cases.filter(disposition=data["disposition"])
        if data["overdue"]:
            cases = cases.filter(due_date__lt=timezone.localdate()).exclude(
                state__in=FINAL_STATES)
    page = _page(request, cases.order_by("-updated_at", "-id"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "screening/cases/list.html", {
        "form": form, "page": page, "rows": _rows(page.object_list),
        "query": query.urlencode(), "title": _("Review cases"),
    })


@login_required
def my_queue(request: HttpRequest) -> HttpResponse:
    """Cases waiting for this user's action, the most urgent first."""
    cases = _list_queryset(permissions_cases.cases_waiting_for(request.user))
    page = _page(request, cases.order_by("due_date", "updated_at", "id"))
    return render(request, "screening/cases/queue.html", {
        "page": page, "rows": _rows(page.object_list), "query": "",
        "title": _("Waiting for me"),
    })


# --- The case page --------------------------------------------------------------------------

def _case_context(request: HttpRequest, case: ReviewCase, *, posted: tuple[str, CaseActionForm]
                  | None = None, stale: bool = False) -> dict:
    user = request.user
    available = workflow.available_transitions(case, user)
    forms = []
    stale_form = None
    for name in available:
        if posted and posted[0] == name and not stale:
            form = posted[1]
        else:
            form = form_for(name, case, initial=initial_for(name, case), prefix=name)
        forms.append({"name": name, "label": transition_label(name), "form": form})
    if posted and (stale or posted[0] not in available):
        # Keep what the user typed, with the case's current state to act on again.
        data = posted[1].data.copy()
        data[f"{posted[0]}-expected_state"] = case.state
        stale_form = {"name": posted[0], "label": transition_label(posted[0]),
                      "form": form_for(posted[0], case, data, prefix=posted[0]),
                      "still_available": posted[0] in available}
        if stale_form["still_available"]:
            forms = [f for f in forms if f["name"] != posted[0]]
    events = (CaseEvent.objects.filter(case=case).select_related("actor")
              .prefetch_related(Prefetch("attachments",
                                         queryset=CaseAttachment.objects.order_by("id")),
                                "documents"))
    timeline = [{"event": e, "label": (_("Opened") if e.transition == "open"
                                       else transition_label(e.transition)),
                 "from_label": CaseState(e.from_state).label if e.from_state else "",
                 "to_label": CaseState(e.to_state).label,
                 "deadline": e.data.get("deadline"),
                 "disposition": DISPOSITION_LABELS.get(e.data.get("disposition", ""), ""),
                 "kind": (EvaluationKind(e.data["kind"]).label
                          if e.data.get("kind") in EvaluationKind.values else "")}
                for e in events]
    findings = [{**f, "message": _message(f)} for f in case.findings
                if f.get("outcome") != Outcome.NA]
    blocked = [(transition_label(n), why) for n, why in workflow.blocked_transitions(case, user)]
    from screening.documents.services import DOCUMENT_TRANSITIONS
    from screening.early_warning import services as early_warning
    from screening.rules.headroom import committed_in_view

    budget = (early_warning.budget_impact(case.project)
              if case.project.stage == Stage.PLANNED else None)
    return {
        # Decision documents (issue 18): the case's documents and which forms can preview one.
        "documents": case.documents.select_related("correction").order_by("issued_at", "id"),
        "document_transitions": DOCUMENT_TRANSITIONS,
        # On a planned project: the region's 限批 if any, and what approving would do to the
        # region's energy headroom for the year (SPEC §6, issue 13).
        "restriction": early_warning.restriction_in_force(case.region),
        "budget": budget,
        "budget_view": (committed_in_view(budget.headroom, set(permissions.scope_region_ids(user)))
                        if budget else None),
        "case": case, "project": case.project, "state_label": CaseState(case.state).label,
        "findings": findings, "timeline": timeline, "forms": forms, "blocked": blocked,
        "stale_form": stale_form, "clock": clock_of(case),
        "verdict_label": VERDICT_LABELS.get(case.verdict, ""),
        "disposition_label": DISPOSITION_LABELS.get(case.disposition, ""),
        "ordered_disposition_label": DISPOSITION_LABELS.get(case.ordered_disposition, ""),
        "attachments": CaseAttachment.objects.filter(case=case).select_related("uploaded_by"),
        "read_only": permissions.is_read_only(user),
        "title": f"{case.project.project_code} · {_('review cycle')} {case.cycle}",
    }


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = permissions_cases.get_case_for_user(request.user, pk)
    return render(request, "screening/cases/detail.html", _case_context(request, case))


@login_required
@require_POST
def case_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Take one transition through its service; on any refusal, show the page again with the
    user's input kept and the reason."""
    if name not in workflow.SERVICES:
        raise Http404
    case = permissions_cases.get_case_for_user(request.user, pk)
    form = form_for(name, case, request.POST, request.FILES, prefix=name)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        context = _case_context(request, case, posted=(name, form))
        return render(request, "screening/cases/detail.html", context, status=400)
    try:
        workflow.SERVICES[name](case, acting_user=request.user, **form.service_kwargs())
    except workflow.TransitionRefused as refusal:
        messages.error(request, refusal.reason)
        case = permissions_cases.get_case_for_user(request.user, pk)  # as it is now
        stale = refusal.code in ("conflict", "not_allowed")
        context = _case_context(request, case, posted=(name, form), stale=stale)
        status = {"conflict": 409, "not_allowed": 409, "forbidden": 403}.get(refusal.code, 400)
        return render(request, "screening/cases/detail.html", context, status=status)
    messages.success(request, _("Done: %(action)s. The case is now “%(state)s”.") % {
        "action": transition_label(name), "state": CaseState(case.state).label})
    return redirect("screening:case", pk=case.pk)


@login_required
def case_file(request: HttpRequest, pk: int, file_id: int) -> FileResponse:
    """An evidence file, only for users who may see the case; always as a download."""
    case = permissions_cases.get_case_for_user(request.user, pk)
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
