"""Two plans drawing the last 100 t of one source at the same moment, on real PostgreSQL
connections (issue 17): one wins, the other gets a clear refusal, and the source is never
drawn beyond its capacity. Skipped on SQLite (it serialises writers), required in CI."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from screening.models import CapacityDraw, CapacitySource
from screening.registry import services
from tests.conftest import make_user, need
from tests.screening.registry.helpers import make_plan, make_source

pytestmark = [pytest.mark.postgres]
D = Decimal


def test_two_plans_drawing_the_last_100_t_at_once_one_wins_one_is_refused(transactional_db):
    """(transactional_db puts the reference data back after earlier transactional tests.)"""
    need(
        connection.vendor == "postgresql",
        "needs PostgreSQL (DATABASE_URL=postgres://…): SQLite serialises writers",
    )
    officer = make_user("province_race", "provincial_reviewer", "410000")
    source = make_source(officer, capacity=D("300"), capacity_unit="万吨/年")
    services.draw(make_plan(officer), source, D("200"), user=officer)
    plans = [make_plan(officer, "410100"), make_plan(officer, "410300")]
    for _round in range(3):
        ready = threading.Barrier(2)
        results: list = [None, None]

        def run(index: int, ready=ready, results=results) -> None:
            try:
                ready.wait(timeout=30)
                results[index] = (
                    "won",
                    services.draw(plans[index], source, D("100"), user=officer),
                )
            except services.RegistryRefused as refusal:
                results[index] = ("refused", str(refusal))
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                results[index] = ("error", repr(error))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        outcomes = sorted(kind for kind, _ in results)
        assert outcomes == ["refused", "won"], results
        message = next(text for kind, text in results if kind == "refused")
        assert "0 remain" in message or "仅剩0" in message  # in the language then active
        source.refresh_from_db()
        assert source.drawn == D("300")
        live = CapacityDraw.objects.filter(source=source, returned_at__isnull=True)
        assert sum(d.amount for d in live) == D("300")
        # Give the winner's draw back for the next round.
        winner = next(value for kind, value in results if kind == "won")
        services.release_draw(winner, user=officer, reason="下一轮")
    assert CapacitySource.objects.get(pk=source.pk).drawn == D("200")
