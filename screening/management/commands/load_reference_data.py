from django.core.management.base import BaseCommand

from screening.reference_data import load_reference_data


class Command(BaseCommand):
    help = "Load (idempotently) the regions with their attributes and the rule sets from fixtures/."

    def handle(self, *args, **options):
        summary = load_reference_data()
        self.stdout.write(
            f"regions: {summary.regions}, region attributes: {summary.attributes}, "
            f"rule sets: {summary.rule_sets}"
        )
