"""Add the demo users and data, once (issue 13.1): never over what users entered."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from screening.demo import (
    DEMO_PASSWORD,
    data_the_demo_did_not_put_here,
    record_demo_seeded,
    seed_demo_cases,
    seed_demo_ledger,
    seed_demo_users,
)
from screening.documents.demo import seed_demo_offices
from screening.early_warning.demo import seed_demo_indicators
from screening.models import DemoSeed
from screening.registry.demo import seed_demo_registry


class Command(BaseCommand):
    help = (
        "Add the demo users and demo data (demo only: every demo user has the same "
        "password). A database is seeded once (a row records it): run again, nothing "
        "changes. A database holding data the demo did not put there (uploads by others, "
        "barometer months, users with demo names) is refused, exit 1, unless --force. "
        "`make clean` deletes the database for a fresh demo."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="seed even a seeded database or one holding users' data: "
            "re-applies the demo ledgers (projects uploaded since in "
            "the demo regions leave the ledger) and resets the demo users",
        )
        parser.add_argument(
            "--if-unseeded",
            action="store_true",
            dest="if_unseeded",
            help="what `make run` uses: seed only a never-seeded database "
            "without users' data; otherwise say why and exit 0",
        )

    def handle(self, *args, **options):
        force = options["force"]
        if not force:
            found = data_the_demo_did_not_put_here()
            if found:
                message = (
                    "Demo data not seeded: this database holds "
                    + "; ".join(found)
                    + ". Seeding would change it, so nothing was changed. Use "
                    "`manage.py seed_demo --force` to seed anyway, or `make clean` "
                    "for a fresh demo database."
                )
                if options["if_unseeded"]:
                    self.stdout.write(message)
                    return
                raise CommandError(message)
            seed = DemoSeed.objects.first()
            if seed is not None:
                self.stdout.write(
                    f"Demo data already seeded on "
                    f"{timezone.localtime(seed.seeded_at):%Y-%m-%d %H:%M}: nothing was "
                    "changed (`make clean` resets the demo)."
                )
                return
        with transaction.atomic():  # all or nothing: a failed seeding leaves no half demo
            users = seed_demo_users(reset=force)
            seed_demo_offices()  # before the barometer: its 限批 notices name the offices
            months = seed_demo_indicators()
            uploads = seed_demo_ledger()
            cases = seed_demo_cases()
            plans = seed_demo_registry()
            record_demo_seeded(uploads, forced=force)
        self.stdout.write(
            f"indicator months: {months}, ledgers uploaded: {len(uploads)}, "
            f"cases opened: {cases}, replacement plans: {plans}"
        )
        self.stdout.write(f"Demo users (DEMO ONLY, password for all: {DEMO_PASSWORD}):")
        for demo in users:
            self.stdout.write(f"  {demo.username:<12} {demo.role.label:<22} {demo.region_code}")
