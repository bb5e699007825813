"""Validate and screen a ledger file without storing anything (SPEC §8)."""

from __future__ import annotations

import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from screening.ledger.batch import EXIT_OK, screen_ledger_file


class Command(BaseCommand):
    # A read-only batch over one file: Django's system checks (which import every URLconf and
    # view) would only add to its start-up; `manage.py check` and the web processes run them.
    requires_system_checks: list[str] = []
    help = (
        "Validate and screen a ledger .xlsx without storing anything. Exit status: 0 every "
        "row valid, 1 some rows or headers have errors, 2 the file cannot be read safely "
        "or no rule set is in force (with a one-line reason on standard error)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the ledger workbook (.xlsx)")
        parser.add_argument(
            "--as-of", dest="as_of", help="screening date YYYY-MM-DD (default: today)"
        )
        parser.add_argument("--format", choices=["json", "table"], default="table")
        parser.add_argument(
            "--lang", choices=["zh", "en"], default="zh", help="language of messages (default zh)"
        )

    def handle(self, *args, **options):
        try:
            as_of = (
                date.fromisoformat(options["as_of"]) if options["as_of"] else timezone.localdate()
            )
        except ValueError as exc:
            raise CommandError("--as-of must be a date YYYY-MM-DD") from exc
        outcome = screen_ledger_file(
            options["file"], as_of, lang=options["lang"], fmt=options["format"]
        )
        if outcome.refusal:
            sys.stderr.write(outcome.refusal.replace("\n", " ") + "\n")
            sys.exit(outcome.exit_status)
        self.stdout.flush()
        outcome.copy_to(sys.stdout.buffer)
        sys.stdout.buffer.flush()
        if outcome.exit_status != EXIT_OK:
            sys.exit(outcome.exit_status)
