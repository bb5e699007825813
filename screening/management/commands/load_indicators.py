"""Load the monthly regional indicators (SPEC §8 template), tier them, derive escalations."""

from __future__ import annotations

import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from accounts.models import User
from screening.early_warning import indicators
from screening.early_warning.barometer import WarningRefused, publication_date_problem
from screening.early_warning.publishing import save_indicator_months
from screening.ledger.uploads import limits_from_settings
from screening.ledger.xlsx.safety import UnsafeWorkbook
from screening.models import IndicatorSource


class Command(BaseCommand):
    help = (
        "Load regional monthly energy indicators from the indicators template (.xlsx): "
        "validate every row, store the months, compute their tiers and escalations. "
        "--publish publishes the months loaded (today, or with --published-on on the date "
        "given: history). Exit status: 0 loaded, 1 rows or headers "
        "have errors (nothing stored), 2 the file cannot be read safely."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the indicators workbook (.xlsx)")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="publish the months loaded (they then count for screening)",
        )
        parser.add_argument(
            "--published-on",
            dest="published_on",
            metavar="YYYY-MM-DD",
            help="with --publish: record every month as published on this "
            "date (history; each month must have ended by then, and the "
            "date must not be in the future)",
        )
        parser.add_argument("--user", help="user name recorded as having entered/published")
        parser.add_argument(
            "--lang", choices=["zh", "en"], default="zh", help="language of messages (default zh)"
        )

    def handle(self, *args, **options):
        lang = options["lang"]
        translation.activate("en" if lang == "en" else "zh-hans")
        published_on = None
        if options["published_on"]:
            if not options["publish"]:
                raise CommandError("--published-on is given only with --publish")
            try:
                published_on = date.fromisoformat(options["published_on"])
            except ValueError as exc:
                raise CommandError("--published-on must be a date YYYY-MM-DD") from exc
            problem = publication_date_problem(published_on)
            if problem:
                raise CommandError(problem)
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user {options['user']!r}")
        try:
            read = indicators.read_indicator_workbook(
                options["file"], limits_from_settings(), indicators.indicator_region_lookup()
            )
        except UnsafeWorkbook as refusal:
            sys.stderr.write(refusal.message(lang) + "\n")
            sys.exit(2)
        except OSError as exc:
            sys.stderr.write(f"cannot open the file: {exc.strerror}\n")
            sys.exit(2)
        if published_on is not None:
            read = indicators.check_published_on(read, published_on)
        if read.ignored_columns:
            self.stdout.write("ignored columns: " + ", ".join(read.ignored_columns))
        if read.all_errors:
            for error in read.all_errors:
                self.stdout.write(error.message(lang))
            self.stdout.write(f"{len(read.all_errors)} errors; nothing was stored")
            sys.exit(1)
        try:
            summary = save_indicator_months(
                [row for _n, row in read.rows],
                user=user,
                source=IndicatorSource.COMMAND,
                publish=options["publish"],
                published_on=published_on,
            )
        except WarningRefused as refusal:
            sys.stderr.write(refusal.message + "\n")
            sys.exit(1)
        self.stdout.write(
            f"{summary.created} new, {summary.changed} changed, {summary.unchanged} unchanged; "
            f"{summary.published} published"
        )
