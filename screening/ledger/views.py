"""Ledger pages: upload → errors or preview → confirm; projects; downloads. Thin views."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from screening import listing, permissions
from screening.cases import services as workflow
from screening.labels import VERDICT_LABELS, disposition_label, verdict_label
from screening.ledger.actions import (
    apply_pending,
    confirm_upload,
    may_confirm_now,
    start_validation,
)
from screening.ledger.filters import ProjectFilter, filter_words
from screening.ledger.forms import UploadForm, missing_reasons_from
from screening.ledger.hints import group_errors
from screening.ledger.rollback import ROLLBACK_REASON_MAX, rollback_upload
from screening.ledger.services import (
    UploadRefused,
    lang,
    receive_upload,
)
from screening.models import LedgerUpload, Project, RemovalReason, UploadScope, UploadStatus
from screening.screen import NoRuleSetInForce

PREVIEW_LIST_LIMIT = 500
UPLOAD_SORTS = {  # the sortable columns of the upload history (screening/listing.py)
    "when": ("created_at", "id"),
    "region": ("region__code", "-created_at"),
    "file": ("original_name", "-created_at"),
    "status": ("status", "-created_at"),
}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def ledger_home(request: HttpRequest) -> HttpResponse:
    regions = permissions.uploadable_regions(request.user)
    form = UploadForm(regions=regions)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, regions=regions)
        if form.is_valid():
            region = form.regions[form.cleaned_data["region"]]
            file = form.cleaned_data["file"]
            try:
                upload = receive_upload(
                    request.user, region, file, file.name, scope=form.cleaned_data["scope"]
                )
                start_validation(upload)
            except (UploadRefused, NoRuleSetInForce) as refusal:
                message = (
                    refusal.message
                    if isinstance(refusal, UploadRefused)
                    else refusal.user_message()
                )
                form.add_error(None, message)
            else:
                return redirect("screening:upload", upload.pk)
    uploads = (
        permissions.scoped(LedgerUpload.objects, request.user)
        .select_related("region", "uploaded_by")
        .order_by(*listing.order_fields(request.GET, UPLOAD_SORTS, ("-created_at", "-id")))
    )
    return render(
        request,
        "screening/ledger/home.html",
        {
            "form": form,
            "regions": regions,
            "uploads": listing.page_of(request.GET, uploads, default_size=20),
        },
    )


def _with_open_cases(preview: dict) -> list[dict]:
    """The missing projects, each with its open review case (state in words, a link)."""
    from screening.models import CaseState

    open_cases = preview.get("open_cases", {})
    rows = []
    for item in preview.get("missing", []):
        case = open_cases.get(item["code"])
        if case is not None:
            case = {**case, "state_label": CaseState(case["state"]).label}
        rows.append({**item, "case": case})
    return rows


def _rules_in_words(rules: list[str], english: bool) -> list[str]:
    from screening.rules.rulebook import RULE_TITLES

    return [
        f"{rule} {RULE_TITLES[rule][1 if english else 0]}" if rule in RULE_TITLES else rule
        for rule in rules
    ]


def _with_outcomes(items: list[dict], preview: dict) -> list[dict]:
    """New or changed rows with what they screen to, in words (labels.py, RULE_TITLES)."""
    outcomes = preview.get("outcomes", {})
    english = lang() == "en"
    rows = []
    for item in items:
        found = outcomes.get(item["code"])
        if found is not None:
            found = {
                "verdict": found["verdict"],
                "verdict_label": verdict_label(found["verdict"]),
                "disposition_label": disposition_label(found["disposition"]),
                "failed": _rules_in_words(found.get("failed", []), english),
                "needs_info": _rules_in_words(found.get("needs_info", []), english),
            }
        rows.append({**item, "outcome": found})
    return rows


def _verdict_counts(preview: dict) -> list[tuple[str, str, int]]:
    """(code, label, count) of the new and changed rows, in the labels' order."""
    counts = preview.get("verdicts", {})
    return [
        (code, str(label), counts[code])
        for code, label in VERDICT_LABELS.items()
        if counts.get(code)
    ]


@login_required
def upload_detail(request: HttpRequest, upload_id: int) -> HttpResponse:
    upload = permissions.get_upload_for_user(request.user, upload_id)
    preview = upload.preview or {}
    # Hints first, each with the errors it explains; then the other errors (issue 15).
    hint_groups, other_errors = group_errors(upload.errors, upload.hints, lang() == "en")
    context = {
        "upload": upload,
        "language": lang(),
        "errors": upload.errors,
        "hint_groups": hint_groups,
        "other_errors": other_errors,
        "counts": preview.get("counts", {}),
        "new": _with_outcomes(preview.get("new", [])[:PREVIEW_LIST_LIMIT], preview),
        "changed": _with_outcomes(preview.get("changed", [])[:PREVIEW_LIST_LIMIT], preview),
        "verdict_counts": _verdict_counts(preview),
        "add_update": upload.scope == UploadScope.ADD_UPDATE,
        "not_xlsx": any(e.get("not_xlsx") for e in upload.errors or []),
        "missing": (missing := _with_open_cases(preview)),
        "missing_with_cases": sum(1 for item in missing if item["case"]),
        "reasons": RemovalReason.choices,
        "limit": PREVIEW_LIST_LIMIT,
        "may_confirm": may_confirm_now(upload, request.user),
        "may_roll_back": (
            upload.status == UploadStatus.APPLIED and permissions.may_roll_back(request.user)
        ),
        "in_progress": upload.status in (UploadStatus.RECEIVED, UploadStatus.VALIDATING)
        or (upload.status == UploadStatus.PREVIEW and apply_pending(upload)),
    }
    return render(request, "screening/ledger/upload.html", context)


@login_required
def upload_status(request: HttpRequest, upload_id: int) -> JsonResponse:
    """Polled by the progress bar; the page itself survives a reload."""
    upload = permissions.get_upload_for_user(request.user, upload_id)
    return JsonResponse(
        {
            "status": upload.status,
            "progress": upload.progress,
            "applying": upload.apply_requested_at is not None,
        }
    )


@login_required
@require_POST
def upload_confirm(request: HttpRequest, upload_id: int) -> HttpResponse:
    upload = permissions.get_upload_for_user(request.user, upload_id)
    reasons = missing_reasons_from(request.POST, (upload.preview or {}).get("missing", []))
    if any(reason not in RemovalReason.values for reason, _note in reasons.values()):
        messages.error(request, _("Choose a reason for every project missing from the file."))
        return upload_detail(request, upload_id)
    try:
        if not confirm_upload(upload, request.user, reasons):
            messages.success(request, _("The upload was applied to the ledger."))
    except UploadRefused as refusal:
        messages.error(request, refusal.message)
    return redirect("screening:upload", upload.pk)


@login_required
@require_http_methods(["GET", "POST"])
def upload_rollback(request: HttpRequest, upload_id: int) -> HttpResponse:
    """GET asks for confirmation and a reason (what will be undone); POST rolls back."""
    upload = permissions.get_upload_for_user(request.user, upload_id)
    if upload.status != UploadStatus.APPLIED or not permissions.may_roll_back(request.user):
        messages.error(request, _("This upload cannot be rolled back by you now."))
        return redirect("screening:upload", upload.pk)
    reason = ""
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        try:
            rollback_upload(upload, request.user, reason)
            messages.success(request, _("The upload was rolled back."))
            return redirect("screening:upload", upload.pk)
        except UploadRefused as refusal:
            messages.error(request, refusal.message)
    return render(
        request,
        "screening/ledger/rollback.html",
        {
            "upload": upload,
            "summary": upload.summary or {},
            "reason": reason,
            "max_length": ROLLBACK_REASON_MAX,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def upload_file(request: HttpRequest, upload_id: int, which: str) -> FileResponse:
    """The original or the annotated file, only to users who may see the region."""
    upload = permissions.get_upload_for_user(request.user, upload_id)
    stored = upload.annotated_file if which == "annotated" else upload.file
    if not stored:
        raise Http404
    name = upload.original_name.rsplit(".", 1)[0]
    filename = f"{name}-{_('errors')}.xlsx" if which == "annotated" else upload.original_name
    return FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    queryset = permissions.scoped(Project.objects, request.user).select_related("region")
    project_filter = ProjectFilter(request.GET, queryset=queryset, user=request.user)
    page = listing.page_of(request.GET, project_filter.qs, default_size=50)
    query = request.GET.copy()
    for name in (listing.PAGE_PARAM, listing.SIZE_PARAM):
        query.pop(name, None)
    return render(
        request,
        "screening/ledger/projects.html",
        {
            "filter": project_filter,
            "page": page,
            "query": query.urlencode(),
        },
    )


@login_required
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("region"), pk=project_id)
    if not permissions.may_see_region(request.user, project.region_id):
        raise Http404
    from screening.ledger.xlsx.template import COLUMNS

    changes = project.changes.select_related("changed_by", "upload").order_by("-id")[:200]
    english = lang() == "en"
    field_rows = [
        (
            f"{column.header} ({column.label_en})" if english else column.header,
            getattr(project, column.key, None),
        )
        for column in COLUMNS
        if column.key != "region"
    ]
    return render(
        request,
        "screening/ledger/project.html",
        {
            "project": project,
            "fields": field_rows,
            "changes": changes,
            "language": lang(),
            "cases": project.cases.order_by("-id") if hasattr(project, "cases") else [],
            # Verdicts changed by a rule revision, not an upload (screening/revision.py).
            "screening_changes": project.screening_changes.order_by("-id")[:50],
            # The same question the service asks (role, the project on the ledger, no open case).
            "may_open_case": workflow.open_case_refusal(project, request.user) is None,
        },
    )


@login_required
def template_download(request: HttpRequest) -> FileResponse:
    """The blank ledger template of the rule set in force today."""
    import tempfile

    from screening.ledger.export import write_template
    from screening.screen import rule_set_for

    try:
        rule_set = rule_set_for(timezone.localdate())
    except NoRuleSetInForce as refusal:
        messages.error(request, refusal.user_message())
        return redirect("screening:ledger")
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as out:
        write_template(Path(out.name), rule_set)
        handle.write(Path(out.name).read_bytes())
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"两高项目台账模板-{rule_set.name}.xlsx",
        content_type=XLSX_TYPE,
    )


@login_required
def ledger_export(request: HttpRequest) -> FileResponse:
    """The projects the user may see (and the list's filters), in the template's order; the
    file is named after the filters (台账_郑州市_不合规_2026-12-04.xlsx)."""
    import tempfile

    from screening.ledger.export import export_ledger

    queryset = permissions.scoped(Project.objects, request.user)
    project_filter = ProjectFilter(request.GET, queryset=queryset, user=request.user)
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as out:
        export_ledger(None, Path(out.name), queryset=project_filter.qs)
        handle.write(Path(out.name).read_bytes())
    handle.seek(0)
    filename = listing.safe_filename(
        [_("Ledger"), *filter_words(project_filter), timezone.localdate().isoformat()], ".xlsx"
    )
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
