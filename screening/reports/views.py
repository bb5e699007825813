"""Pages of the scheduled jobs: kept reports (list, generate, download), the digest
subscription and its one-click unsubscribe, and the administrators' job-run page. Thin views:
scope comes from permissions.py, work from reports.py / digests.py / the tasks."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.models import DigestFrequency
from screening import date_limits, listing, months, permissions
from screening.models import DigestDelivery, JobRun, Report, ReportKind, ReportStatus
from screening.models.jobs import ROLE_DEFAULT_FREQUENCY
from screening.reports import digests
from screening.reports import monthly as reports

REPORT_SORTS = {  # the sortable columns of the report list (screening/listing.py)
    "month": ("year", "month", "kind", "region__code"),
    "kind": ("kind", "-year", "-month", "region__code"),
    "scope": ("region__code", "-year", "-month", "kind"),
    "status": ("status", "-year", "-month", "kind"),
    "finished": ("finished_at", "id"),
}
REPORT_DEFAULT_ORDER = ("-year", "-month", "kind", "region__code")
JOB_LIST_LIMIT = 200


class GenerateForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What"), choices=ReportKind.choices)
    region = forms.ChoiceField(label=gettext_lazy("Scope"))
    month = forms.CharField(label=gettext_lazy("Month (YYYY-MM)"), max_length=7)
    replace = forms.BooleanField(label=gettext_lazy("Replace a ready one"), required=False)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = {r.code: r for r in regions}
        self.fields["region"].choices = [(r.code, r.name) for r in regions]

    def clean_month(self) -> tuple[int, int]:
        try:
            year, month = months.parse_month(self.cleaned_data["month"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        problem = date_limits.month_problem(year, month, timezone.localdate())
        if problem:
            raise forms.ValidationError(problem)
        return year, month


def _language() -> str:
    return "en" if reports.is_english(get_language() or "") else reports.DEFAULT_LANGUAGE


def _generate_form(user, data=None) -> GenerateForm:
    year, month = months.month_before_day()
    regions = permissions.regions_visible_to(user).exclude(level="county").order_by("code")
    return GenerateForm(
        data,
        regions=list(regions),
        initial={"month": f"{year}-{month:02d}", "kind": "monthly_report"},
    )


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """Kept reports and ledger exports whose scope lies within the user's."""
    order = listing.order_fields(request.GET, REPORT_SORTS, REPORT_DEFAULT_ORDER)
    rows = reports.reports_visible_to(request.user).select_related("region").order_by(*order)
    page = listing.page_of(request.GET, rows, default_size=50)
    return render(
        request,
        "screening/reports/list.html",
        {
            "reports": page,
            "page": page,
            "form": _generate_form(request.user),
            "may_replace": not permissions.is_read_only(request.user),
            "may_see_jobs": permissions.can_view_job_runs(request.user),
        },
    )


@login_required
@require_POST
def report_generate(request: HttpRequest) -> HttpResponse:
    """Queue the production of a report of a scope the user sees (after commit)."""
    form = _generate_form(request.user, request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("screening:reports")
    region = form.regions[form.cleaned_data["region"]]  # only visible regions are choices
    year, month = form.cleaned_data["month"]
    replace = form.cleaned_data["replace"] and not permissions.is_read_only(request.user)
    kind = form.cleaned_data["kind"]
    language = _language() if kind == ReportKind.MONTHLY_REPORT else reports.DEFAULT_LANGUAGE
    existing = Report.objects.filter(
        kind=kind, region=region, year=year, month=month, language=language
    ).first()
    if existing is not None and existing.status == ReportStatus.READY and not replace:
        messages.info(request, _("That report is ready: download it below."))
        return redirect("screening:reports")
    from screening.reports.tasks import generate_report

    args = (kind, region.pk, f"{year}-{month:02d}", language, replace, request.user.pk)
    transaction.on_commit(lambda: generate_report.delay(*args))
    messages.success(
        request, _("The report is being produced; this page lists it when it is ready.")
    )
    return redirect("screening:reports")


@login_required
def report_download(request: HttpRequest, pk: int) -> FileResponse:
    """The kept file, as an attachment, only to users whose scope covers the report's."""
    report = get_object_or_404(Report.objects.select_related("region"), pk=pk)
    if not permissions.may_see_region(request.user, report.region_id):
        raise Http404
    if report.status != ReportStatus.READY or not report.file:
        raise Http404
    label = (
        _("Monthly alert report")
        if report.kind == ReportKind.MONTHLY_REPORT
        else _("Ledger export")
    )
    filename = f"{label}-{report.region.display_name(report.language)}-{report.period}.xlsx"
    response = FileResponse(
        report.file.open("rb"), as_attachment=True, filename=filename, content_type=reports.XLSX
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- Digest subscription ----------------------------------------------------------------------


class SubscriptionForm(forms.Form):
    frequency = forms.ChoiceField(
        label=gettext_lazy("Digest e-mail"),
        choices=DigestFrequency.choices,
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of your e-mails"), choices=settings.LANGUAGES, required=False
    )


@login_required
def subscription(request: HttpRequest) -> HttpResponse:
    """The user's own digest frequency (daily, weekly, monthly, off) and e-mail language."""
    user = request.user
    form = SubscriptionForm(
        request.POST or None,
        initial={"frequency": user.digest_frequency, "language": digests.user_language(user)},
    )
    if request.method == "POST" and form.is_valid():
        digests.set_frequency(user, form.cleaned_data["frequency"])
        user.keep_language(form.cleaned_data["language"])  # blank: left as it was
        messages.success(request, _("Your digest setting is saved."))
        return redirect("screening:digest_subscription")
    default = ROLE_DEFAULT_FREQUENCY.get(user.role, DigestFrequency.WEEKLY)
    recent = DigestDelivery.objects.filter(user=user).order_by("-claimed_at")[:10]
    return render(
        request,
        "accounts/subscription.html",
        {
            "form": form,
            "role_default": DigestFrequency(default).label,
            "recent": recent,
            "has_email": bool(user.email),
        },
    )


@csrf_exempt  # the signed token is the authority; mail clients POST without a CSRF token
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One-click unsubscribe (RFC 8058), without login. GET asks (link scanners must not
    unsubscribe anyone); POST turns the digest off."""
    user = digests.user_for_unsubscribe_token(token)
    if user is None:
        return render(request, "screening/reports/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        digests.unsubscribe(token)
        return render(request, "screening/reports/unsubscribe.html", {"done": True, "person": user})
    return render(request, "screening/reports/unsubscribe.html", {"person": user, "token": token})


# --- Job runs (administrators) ----------------------------------------------------------------


@login_required
def job_runs(request: HttpRequest) -> HttpResponse:
    """Recent runs of every scheduled job, the timetable and recent digest outcomes."""
    if not permissions.can_view_job_runs(request.user):  # the province reads, read-only
        raise PermissionDenied
    from django_celery_beat.models import PeriodicTask

    runs = JobRun.objects.all()[:JOB_LIST_LIMIT]
    schedules = PeriodicTask.objects.select_related("crontab").order_by("name")
    deliveries = (
        DigestDelivery.objects.values("frequency", "period", "status")
        .annotate(n=Count("pk"))
        .order_by("-period", "frequency", "status")[:60]
    )
    return render(
        request,
        "screening/reports/jobs.html",
        {
            "runs": runs,
            "schedules": schedules,
            "deliveries": deliveries,
        },
    )
