"""Create the default schedules of the scheduled jobs (django-celery-beat rows), idempotently."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from screening.reports.schedules import ensure_schedules


class Command(BaseCommand):
    help = (
        "Create the missing PeriodicTask rows of the default timetable (Asia/Shanghai): "
        "monthly report, monthly ledger export, daily/weekly/monthly digests. Rows an "
        "administrator edited are kept; --reset restores the defaults."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="restore every default schedule, overwriting edits"
        )

    def handle(self, *args, **options):
        for name, outcome in ensure_schedules(reset=options["reset"]).items():
            self.stdout.write(f"{name}: {outcome}")
