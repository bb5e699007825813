"""Pages of the review workflow: my queue, the case list, the case page with one form per
transition the user may take now, evidence downloads, and the workflow diagram.

Views ask permissions.py what the user may see and call the services in workflow.py for
every change; they never set a case's state themselves.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from screening import listing, permissions
from screening.cases import deadlines
from screening.cases import services as workflow
from screening.cases.diagram import workflow_svg
from screening.cases.filters import CaseListFilter
from screening.cases.forms import (
    DISPOSITION_LABELS,
    VERDICT_LABELS,
    form_for,
)
from screening.cases.page import case_page_context, clock_of, transition_label, transition_meta
from screening.cases.refusals import TransitionRefused
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
    return [
        {
            "case": c,
            "clock": clock_of(c, today),
            "verdict_label": VERDICT_LABELS.get(c.verdict, ""),
            "disposition_label": DISPOSITION_LABELS.get(c.disposition, ""),
        }
        for c in cases
    ]


def _list_queryset(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("project", "region")


# --- Lists ---------------------------------------------------------------------------------


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """Every case the user may see: searched by the project's code, name, enterprise or
    credit code; filtered by state, waiting for me, overdue, region, sector, verdict and
    disposition; sorted by a column header; paged (screening/cases/filters.py)."""
    cases = _list_queryset(permissions.cases_visible_to(request.user))
    case_filter = CaseListFilter(
        request.GET or None, queryset=cases.order_by("-updated_at", "-id"), user=request.user
    )
    page = listing.page_of(request.GET, case_filter.qs, default_size=LIST_PAGE_SIZE)
    query = request.GET.copy()
    for name in (listing.PAGE_PARAM, listing.SIZE_PARAM):
        query.pop(name, None)
    return render(
        request,
        "screening/cases/list.html",
        {
            "form": case_filter.form,
            "page": page,
            "rows": _rows(page.object_list),
            "query": query.urlencode(),
            "title": _("Review cases"),
            "sortable": True,
        },
    )


@login_required
def case_export(request: HttpRequest) -> FileResponse:
    """The cases of the list, with its search and filters, as a workbook named after them."""
    import tempfile
    from pathlib import Path

    from screening.cases.export import export_cases, filter_words

    cases = permissions.cases_visible_to(request.user)
    case_filter = CaseListFilter(
        request.GET or None, queryset=cases.order_by("-updated_at", "-id"), user=request.user
    )
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as out:
        export_cases(case_filter.qs, Path(out.name))
        handle.write(Path(out.name).read_bytes())
    handle.seek(0)
    filename = listing.safe_filename(
        [_("Review cases"), *filter_words(case_filter), timezone.localdate().isoformat()], ".xlsx"
    )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
def my_queue(request: HttpRequest) -> HttpResponse:
    """Cases waiting for this user's action, the most urgent first."""
    cases = _list_queryset(permissions.cases_waiting_for(request.user))
    page = listing.page_of(
        request.GET, cases.order_by("due_date", "updated_at", "id"), default_size=LIST_PAGE_SIZE
    )
    return render(
        request,
        "screening/cases/queue.html",
        {
            "page": page,
            "rows": _rows(page.object_list),
            "query": "",
            "title": _("Waiting for me"),
        },
    )


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
    except TransitionRefused as refusal:
        messages.error(request, refusal.reason)
        case = permissions.get_case_for_user(request.user, pk)  # as it is now
        stale = refusal.code in ("conflict", "not_allowed")
        context = case_page_context(request.user, case, posted=(name, form), stale=stale)
        status = {"conflict": 409, "not_allowed": 409, "forbidden": 403}.get(refusal.code, 400)
        return render(request, "screening/cases/detail.html", context, status=status)
    messages.success(
        request,
        _("Done: %(action)s. The case is now “%(state)s”.")
        % {"action": transition_label(name), "state": CaseState(case.state).label},
    )
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
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    """An agency opens a new review case (a draft) for a project of its ledger."""
    raw = request.POST.get("project") if request.method == "POST" else request.GET.get("project")
    project_id = parse_id(raw)
    if project_id is None:
        raise Http404
    project = get_object_or_404(
        permissions.scoped(Project.objects.select_related("region"), request.user), pk=project_id
    )
    existing = project.cases.order_by("-cycle")
    refusal = workflow.open_case_refusal(project, request.user)
    allowed = refusal is None
    if request.method == "POST":
        try:
            case = workflow.open_case(project, acting_user=request.user)
        except TransitionRefused as refused:
            messages.error(request, refused.reason)
            status = 403 if refused.code == "forbidden" else 409
            return render(
                request,
                "screening/cases/new.html",
                {
                    "project": project,
                    "existing": existing,
                    "allowed": False,
                    "refusal": refused.reason,
                    "title": _("Open a review case"),
                },
                status=status,
            )
        messages.success(request, _("A draft case was opened. Check it and submit it."))
        return redirect("screening:case", pk=case.pk)
    return render(
        request,
        "screening/cases/new.html",
        {
            "project": project,
            "existing": existing,
            "allowed": allowed,
            "refusal": refusal.reason if refusal else "",
            "title": _("Open a review case"),
        },
    )


# --- The workflow diagram (drawn by screening/cases/diagram.py) ----------------------------


@login_required
def workflow_diagram(request: HttpRequest) -> HttpResponse:
    """The review process drawn from the state machine, with a table of its transitions."""
    table = []
    for entry in transition_meta().values():
        table.append(
            {
                "label": entry["label"],
                "who": entry["who"],
                "needs": entry["needs"],
                "edges": [(CaseState(s).label, CaseState(t).label) for s, t in entry["edges"]],
            }
        )
    return render(
        request,
        "screening/cases/workflow.html",
        {
            "svg": workflow_svg(transition_meta()),
            "table": table,
            "limits": [
                (CaseState(state).label, days)
                for state, days in deadlines.review_time_limits().items()
                if state in CaseState.values
            ],
            "title": _("Review workflow"),
        },
    )
