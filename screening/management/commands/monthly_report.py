"""Write the monthly alert report (月度预警报告) of a scope to a file (SPEC §8)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from screening import date_limits, months
from screening.models import Region
from screening.reports import monthly as reports


class Command(BaseCommand):
    help = (
        "Write the monthly alert report (.xlsx) of a region's scope for a month: summary "
        "with charts, barometer, escalations, two-high projects, non-compliant projects, "
        "overdue items, energy warnings, diagnoses due. Province-wide by default."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="the month reported, YYYY-MM")
        parser.add_argument("--out", required=True, help="the .xlsx file to write")
        parser.add_argument("--region", help="6-digit region code (default: the province)")
        parser.add_argument(
            "--lang",
            choices=["zh", "en"],
            default="zh",
            help="language of sheet names and headers (default zh)",
        )
        parser.add_argument(
            "--keep",
            action="store_true",
            help="also keep it as the scope's report of the month in the app "
            "(replacing the kept one)",
        )

    def handle(self, *args, **options):
        try:
            year, month = months.parse_month(options["month"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        problem = date_limits.month_problem(year, month, timezone.localdate())
        if problem:
            raise CommandError(problem)
        code = options["region"]
        region = (
            Region.objects.filter(code=code).first()
            if code
            else Region.objects.filter(level="province").first()
        )
        if region is None:
            raise CommandError(f"no such region: {code or 'province'}")
        language = "en" if options["lang"] == "en" else "zh-hans"
        summary = reports.write_monthly_report(options["out"], region, year, month, language)
        if options["keep"]:
            reports.generate_monthly_report(region, year, month, language, force=True)
        self.stdout.write(
            f"{options['out']}: {region.code} {year}-{month:02d} "
            + ", ".join(f"{k}={v}" for k, v in summary.items())
        )
