"""文号 under concurrency, on real PostgreSQL connections: documents issued at the same moment
get distinct, consecutive numbers, and a transaction that rolls back leaves no gap."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from screening.cases import services as workflow
from screening.documents import services
from screening.models import DecisionDocument, Region, ReviewCase
from tests.conftest import need
from tests.screening.documents.conftest import in_review, number

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

AT_ONCE = 6


def run_at_once(actions) -> list:
    ready = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(index, action):
        try:
            ready.wait(timeout=30)
            results[index] = ("done", action())
        except Exception as error:  # noqa: BLE001 - reported by the assertions
            results[index] = ("error", error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_documents_issued_at_once_get_consecutive_unique_numbers(people, offices):
    need(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL=postgres://…)")
    cases = [in_review(people, non_compliant=True) for _ in range(AT_ONCE)]
    province = people["province"]

    def reject(pk):
        def action():
            case = ReviewCase.objects.select_related("project", "region").get(pk=pk)
            return workflow.reject_case(case, acting_user=province, reason="不符合产业政策")

        return action

    results = run_at_once([reject(c.pk) for c in cases])
    assert [r[0] for r in results] == ["done"] * AT_ONCE, results
    numbers = sorted(DecisionDocument.objects.values_list("serial", flat=True))
    assert numbers == list(range(1, AT_ONCE + 1))
    assert {d.number for d in DecisionDocument.objects.all()} == {
        number(n) for n in range(1, AT_ONCE + 1)
    }


def test_a_first_number_of_the_year_taken_twice_at_once_is_not_duplicated(offices):
    need(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL=postgres://…)")
    province = Region.objects.get(code="410000")
    year = timezone.localdate().year + 1  # no counter row yet: both threads create it

    def take():
        with transaction.atomic():
            return services.take_serial(province, year)

    results = run_at_once([take] * AT_ONCE)
    assert sorted(r[1] for r in results) == list(range(1, AT_ONCE + 1)), results


def test_a_rolled_back_issue_gives_its_number_back(people, offices):
    need(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL=postgres://…)")
    province = Region.objects.get(code="410000")
    year = timezone.localdate().year

    class Abandon(Exception):
        pass

    with pytest.raises(Abandon), transaction.atomic():
        assert services.take_serial(province, year) == 1
        raise Abandon
    case = in_review(people, non_compliant=True)
    workflow.reject_case(case, acting_user=people["province"], reason="不符合产业政策")
    assert case.documents.get().number == number(1)
