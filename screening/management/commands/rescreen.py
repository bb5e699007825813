"""What-if re-screening of the stored ledger under a named rule set (nothing is stored), or,
with --store, applying a rule revision to what is stored (screening/revision.py)."""

from __future__ import annotations

from datetime import date

import orjson
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from screening.models import Project, Region
from screening.permissions import region_scope_ids
from screening.revision import CURRENT_REVISION, apply_revision
from screening.screen import NoRuleSetInForce
from screening.whatif import what_if


class Command(BaseCommand):
    help = (
        "Screen the stored ledger under RULE_SET and list the projects whose verdict, "
        "disposition or findings would change compared with the rule set in force "
        "(or --against). Nothing is stored. With --store (and no RULE_SET): apply a rule "
        "revision: recompute the barometer's tiers and escalations, re-screen every stored "
        "project under its own rule set and screening date, store the result and record "
        "on each project whose verdict, disposition or rule outcomes changed that the "
        "revision changed it (review cases keep their frozen screenings)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "rule_set", nargs="?", help="name of the rule set to try, e.g. henan-2023"
        )
        parser.add_argument(
            "--store",
            action="store_true",
            help="apply a rule revision to the stored projects (see above)",
        )
        parser.add_argument(
            "--revision",
            default=CURRENT_REVISION,
            help=f"label of the revision recorded (default {CURRENT_REVISION})",
        )
        parser.add_argument("--against", help="rule set to compare with (default: in force)")
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--region", help="only this region's ledger (6-digit code)")
        parser.add_argument("--format", choices=["json", "table"], default="table")
        parser.add_argument("--lang", choices=["zh", "en"], default="zh")

    def handle(self, *args, **options):
        if options["store"]:
            if options["rule_set"]:
                raise CommandError(
                    "--store re-screens each project under its own rule set: give no RULE_SET"
                )
            self._store(options)
            return
        if not options["rule_set"]:
            raise CommandError("give RULE_SET, or --store to apply a rule revision")
        try:
            as_of = (
                date.fromisoformat(options["as_of"]) if options["as_of"] else timezone.localdate()
            )
        except ValueError as exc:
            raise CommandError("--as-of must be a date YYYY-MM-DD") from exc
        projects = Project.objects.all()
        if options["region"]:
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                raise CommandError(f"no region with code {options['region']}")
            projects = projects.filter(region_id__in=region_scope_ids(region))
        try:
            result = what_if(
                projects.order_by("project_code"), as_of, options["rule_set"], options["against"]
            )
        except NoRuleSetInForce as exc:
            raise CommandError(
                f"no rule set {options['rule_set']!r} or none in force on {as_of}"
            ) from exc
        lang = options["lang"]
        rows = []
        for project, diff in result.changes:
            rows.append(
                {
                    "project_code": project.project_code,
                    "verdict": [diff.verdict_before, diff.verdict_after],
                    "disposition": [diff.disposition_before, diff.disposition_after],
                    "findings": [
                        {
                            "rule": c.rule,
                            "before": c.before,
                            "after": c.after,
                            "message": (
                                getattr(
                                    c.after_finding or c.before_finding,
                                    "message_en" if lang == "en" else "message_zh",
                                )
                            ),
                        }
                        for c in diff.outcome_changes
                    ],
                }
            )
        if options["format"] == "json":
            self.stdout.write(
                orjson.dumps(
                    {
                        "before": result.before,
                        "after": result.after,
                        "as_of": as_of.isoformat(),
                        "screened": result.screened,
                        "changed": rows,
                    }
                ).decode()
            )
            return
        self.stdout.write(
            f"{result.before} → {result.after}, as of {as_of}: "
            f"{result.screened} screened, {len(rows)} would change"
        )
        for row in rows:
            verdict = " → ".join(row["verdict"])
            disposition = " → ".join(row["disposition"])
            self.stdout.write(f"  {row['project_code']}  {verdict}  {disposition}")
            for finding in row["findings"]:
                self.stdout.write(
                    f"      {finding['rule']}: {finding['before']} → "
                    f"{finding['after']}  {finding['message']}"
                )

    def _store(self, options) -> None:
        projects = Project.objects.all()
        if options["region"]:
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                raise CommandError(f"no region with code {options['region']}")
            projects = projects.filter(region_id__in=region_scope_ids(region))
        try:
            summary = apply_revision(options["revision"], projects)
        except NoRuleSetInForce as exc:
            raise CommandError(f"no rule set in force on {exc.as_of}") from exc
        result = {
            "revision": options["revision"],
            "screened": summary.screened,
            "changed": summary.changed,
            "months_retiered": summary.months_retiered,
            "regions_resynced": summary.regions_resynced,
        }
        if options["format"] == "json":
            self.stdout.write(orjson.dumps(result).decode())
        else:
            self.stdout.write(
                f"revision {result['revision']}: {summary.screened} projects "
                f"re-screened, {summary.changed} changed; "
                f"{summary.months_retiered} barometer months re-tiered, "
                f"{summary.regions_resynced} regions' escalations re-derived"
            )
