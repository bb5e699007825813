"""Two officers act on one case at the same moment, each on their own database connection:
exactly one wins, the other is told plainly that the case changed (PostgreSQL only)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from screening.cases import guards
from screening.cases import services as workflow
from screening.cases.refusals import TransitionRefused
from screening.models import CaseEvent, CaseState, ReviewCase
from tests.conftest import make_user
from tests.factories import case_in_state, complete_an_evaluation

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(case_pk: int, actions) -> list:
    """Run each action in its own thread (own connection) from the same loaded state."""
    loaded = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(index, action):
        try:
            case = ReviewCase.objects.select_related("project", "region").get(pk=case_pk)
            guards.region_status_today(case)  # read the guards' data before the race starts
            loaded.wait(timeout=10)
            action(case)
            results[index] = "won"
        except TransitionRefused as refusal:
            results[index] = refusal
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.fixture
def on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race")


def test_approve_and_reject_at_once_one_wins(on_postgres, transactional_db):
    agency = make_user("agency_a", "agency", "410100")
    city = make_user("city_a", "city_reviewer", "410100")
    first = make_user("province_1", "provincial_reviewer", "410000")
    second = make_user("province_2", "provincial_reviewer", "410000")
    case = case_in_state(CaseState.PROVINCIAL_REVIEW, agency=agency, city=city)
    # A planned project is approved only after an evaluation (SPEC §5, revision 4).
    case = complete_an_evaluation(case, first)

    results = race(
        case.pk,
        [
            lambda c: workflow.approve_case(c, acting_user=first, comment="同意"),
            lambda c: workflow.reject_case(c, acting_user=second, reason="不同意"),
        ],
    )

    winners = [r for r in results if r == "won"]
    losers = [r for r in results if isinstance(r, TransitionRefused)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert losers[0].code == "conflict"
    assert "已被他人处理" in losers[0].reason  # the conflict message, in the default language
    case.refresh_from_db()
    assert case.state in (CaseState.APPROVED, CaseState.REJECTED)
    decisions = CaseEvent.objects.filter(case=case, transition__in=["approve", "reject"])
    assert decisions.count() == 1  # the loser left no trace
    assert decisions.get().to_state == case.state


def test_the_same_forward_twice_at_once_happens_once(on_postgres, transactional_db):
    agency = make_user("agency_a", "agency", "410100")
    city_1 = make_user("city_1", "city_reviewer", "410100")
    city_2 = make_user("city_2", "city_reviewer", "410100")
    case = case_in_state(CaseState.SUBMITTED, agency=agency)

    results = race(
        case.pk,
        [
            lambda c: workflow.forward_case(c, acting_user=city_1, opinion="同意"),
            lambda c: workflow.forward_case(c, acting_user=city_2, opinion="同意"),
        ],
    )

    assert sorted(map(str, results)).count("won") == 1, results
    assert CaseEvent.objects.filter(case=case, transition="forward").count() == 1
