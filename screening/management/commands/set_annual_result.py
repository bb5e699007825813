"""Record whether a region met a year's energy dual-control and pollutant-total targets."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from screening.early_warning.barometer import WarningRefused, record_annual_result
from screening.ledger.xlsx.reference import PROVINCE_CODE
from screening.models import Region

MET = {"met": True, "missed": False}


class Command(BaseCommand):
    help = (
        "Record a region's results for a year: whether it met its energy dual-control and "
        "its pollutant-total targets. R08 reads YEAR = the screening year − 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("region", help="region code, name or alias (e.g. 410500 or 安阳市)")
        parser.add_argument("year", type=int)
        parser.add_argument(
            "--dual-control", dest="dual_control", required=True, choices=sorted(MET)
        )
        parser.add_argument("--pollutant", required=True, choices=sorted(MET))

    def handle(self, *args, **options):
        text = options["region"].strip()
        region = None
        for candidate in Region.objects.all():
            if text in (candidate.code, candidate.name, *(candidate.aliases or ())):
                region = candidate
                break
        if region is None:
            raise CommandError(f"unknown region {text!r}")
        if region.code == PROVINCE_CODE:
            raise CommandError(
                "annual results are recorded per city or county, not for the province"
            )
        try:
            result = record_annual_result(
                region,
                options["year"],
                dual_control_met=MET[options["dual_control"]],
                pollutant_met=MET[options["pollutant"]],
            )
        except WarningRefused as refusal:
            raise CommandError(refusal.message) from None
        self.stdout.write(
            f"{region.name} {result.year}: dual control "
            f"{'met' if result.dual_control_met else 'missed'}, pollutant "
            f"{'met' if result.pollutant_met else 'missed'}"
        )
