"""Kept reports and ledger exports: one per scope and month, a rerun replaces a failed one,
an expired claim is taken over, and the ledger export keeps the template's column order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from screening.ledger.xlsx.template import COLUMNS, SCREENING_HEADERS
from screening.models import Region, Report, ReportKind, ReportStatus
from screening.reports import monthly as reports
from screening.reports.tasks import monthly_ledger_exports, monthly_reports
from tests.conftest import CITY_A, PROVINCE, make_user
from tests.screening.reports.conftest import MONTH, make_project


def city_a():
    return Region.objects.get(code=CITY_A)


def test_a_report_is_produced_once(month_data):
    first = reports.generate_monthly_report(city_a(), *MONTH)
    assert first.status == ReportStatus.READY and first.size > 0
    assert first.summary["two_high"] == 3
    assert reports.generate_monthly_report(city_a(), *MONTH) is None
    assert Report.objects.count() == 1


def test_a_failed_report_is_replaced_by_the_rerun(month_data, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(reports, "write_monthly_report", broken)
        with pytest.raises(RuntimeError):
            reports.generate_monthly_report(city_a(), *MONTH)
    failed = Report.objects.get()
    assert failed.status == ReportStatus.FAILED and "disk full" in failed.error
    again = reports.generate_monthly_report(city_a(), *MONTH)
    assert again.pk == failed.pk and again.status == ReportStatus.READY
    assert again.attempts == 2 and again.error == ""


def test_a_live_claim_is_respected_and_an_expired_one_taken_over(month_data):
    assert reports.claim_report(ReportKind.MONTHLY_REPORT, city_a(), *MONTH) is not None
    assert reports.generate_monthly_report(city_a(), *MONTH) is None
    Report.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    report = reports.generate_monthly_report(city_a(), *MONTH)
    assert report.status == ReportStatus.READY


def test_a_run_whose_claim_was_taken_over_keeps_the_newer_file(month_data):
    report, token = reports.claim_report(ReportKind.MONTHLY_REPORT, city_a(), *MONTH)
    Report.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    newer = reports.generate_monthly_report(city_a(), *MONTH)
    stale = reports._produce(
        report, token, lambda path: reports.write_monthly_report(path, city_a(), *MONTH)
    )
    assert stale is None
    assert Report.objects.get().file.name == newer.file.name


def test_forcing_replaces_a_ready_report_and_removes_the_old_file(month_data):
    first = reports.generate_monthly_report(city_a(), *MONTH)
    old = first.file.path
    second = reports.generate_monthly_report(city_a(), *MONTH, force=True)
    assert second.file.name != first.file.name
    import os

    assert not os.path.exists(old) and os.path.exists(second.file.path)


def test_the_monthly_job_produces_every_scope(month_data, agency_a):
    make_user("ly_obs", "observer", "410300")
    monthly_reports(month="2025-05")
    codes = set(
        Report.objects.filter(status=ReportStatus.READY).values_list("region__code", flat=True)
    )
    assert codes == {PROVINCE, CITY_A, "410300"}
    monthly_reports(month="2025-05")  # run twice: nothing more
    assert Report.objects.count() == 3


def test_the_monthly_ledger_export_keeps_the_template_order_and_text_safety(month_data, agency_a):
    make_project(CITY_A, "=1+2", enterprise="@cmd", project_code="2401-410100-04-01-999999")
    monthly_ledger_exports(month="2025-05")
    export = Report.objects.get(kind=ReportKind.LEDGER_EXPORT, region=city_a())
    wb = load_workbook(export.file.path)
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows())
    # The template's columns, then the screening columns the export appends (issue 15).
    assert [c.value for c in rows[0]] == [
        *(column.header for column in COLUMNS),
        *SCREENING_HEADERS,
    ]
    names = {row[1].value: row[1] for row in rows[1:]}
    assert len(names) == 5  # four of the month data and the formula-looking one
    assert names["=1+2"].data_type == "s"
    province = Report.objects.get(kind=ReportKind.LEDGER_EXPORT, region__code=PROVINCE)
    assert len(list(load_workbook(province.file.path).worksheets[0].iter_rows())) == 1 + 9
