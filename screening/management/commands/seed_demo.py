from django.core.management.base import BaseCommand

from screening.demo import (
    DEMO_PASSWORD,
    seed_demo_cases,
    seed_demo_ledger,
    seed_demo_users,
)
from screening.documents.demo import seed_demo_offices
from screening.warnings_demo import seed_demo_indicators


class Command(BaseCommand):
    help = "Add the demo users and demo data (demo only: every demo user has the same password)."

    def handle(self, *args, **options):
        users = seed_demo_users()
        seed_demo_offices()  # before the barometer: its 限批 notices name the offices
        months = seed_demo_indicators()
        ledgers = seed_demo_ledger()
        cases = seed_demo_cases()
        self.stdout.write(f"indicator months: {months}, ledgers uploaded: {ledgers}, "
                          f"cases opened: {cases}")
        self.stdout.write(f"Demo users (DEMO ONLY, password for all: {DEMO_PASSWORD}):")
        for demo in users:
            self.stdout.write(f"  {demo.username:<12} {demo.role.label:<22} {demo.region_code}")
