from django.core.management.base import BaseCommand

from screening.demo import (
    DEMO_PASSWORD,
    seed_demo_cases,
    seed_demo_ledger,
    seed_demo_users,
)
from screening.registry.demo import seed_demo_registry
from screening.warnings_demo import seed_demo_indicators


class Command(BaseCommand):
    help = "Add the demo users and demo data (demo only: every demo user has the same password)."

    def handle(self, *args, **options):
        users = seed_demo_users()
        months = seed_demo_indicators()
        ledgers = seed_demo_ledger()
        cases = seed_demo_cases()
        plans = seed_demo_registry()
        self.stdout.write(f"indicator months: {months}, ledgers uploaded: {ledgers}, "
                          f"cases opened: {cases}, replacement plans: {plans}")
        self.stdout.write(f"Demo users (DEMO ONLY, password for all: {DEMO_PASSWORD}):")
        for demo in users:
            self.stdout.write(f"  {demo.username:<12} {demo.role.label:<22} {demo.region_code}")
