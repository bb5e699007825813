"""Send the digest e-mails due now (SPEC §8): the same service the scheduled job runs."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from screening.reports import digests


class Command(BaseCommand):
    help = (
        "Send the digests of one frequency for the current period (each user at most "
        "once per period: safe to run again; a rerun sends what was missed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--frequency", required=True, choices=["daily", "weekly", "monthly"])
        parser.add_argument(
            "--date", help="send as on this local date YYYY-MM-DD (default today; picks the period)"
        )

    def handle(self, *args, **options):
        try:
            on = date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as exc:
            raise CommandError("--date must be YYYY-MM-DD") from exc
        counts = digests.send_digests(options["frequency"], on)
        self.stdout.write(", ".join(f"{k}={v}" for k, v in counts.items()))
