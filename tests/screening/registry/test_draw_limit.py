"""A source can never be drawn beyond its capacity, across all plans and regions (issue 17):
checked at the boundary (exactly the capacity; one unit over), by the database constraint
itself, and returned when a plan is withdrawn, with the history kept."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from screening.models import CapacityDraw, CapacitySource, PlanStatus
from screening.registry import services
from screening.registry.checks import draw_fits
from tests.screening.registry.helpers import make_plan, make_source

pytestmark = pytest.mark.django_db
D = Decimal


def test_draw_fits_exactly_the_capacity_but_not_one_unit_more():
    assert draw_fits(D("150"), D("50"), D("100"))
    assert not draw_fits(D("150"), D("50"), D("101"))
    assert not draw_fits(D("150"), D("50"), D("100.0000000001"))
    assert not draw_fits(D("150"), D("0"), D("0"))


def test_two_plans_may_draw_exactly_the_whole_capacity(provincial_reviewer):
    source = make_source(provincial_reviewer)
    services.draw(make_plan(provincial_reviewer), source, D("100"), user=provincial_reviewer)
    services.draw(
        make_plan(provincial_reviewer, "410300"), source, D("50"), user=provincial_reviewer
    )
    source.refresh_from_db()
    assert source.drawn == source.capacity == D("150")


def test_one_unit_over_the_capacity_is_refused_and_changes_nothing(provincial_reviewer):
    source = make_source(provincial_reviewer)
    first = make_plan(provincial_reviewer)
    services.draw(first, source, D("100"), user=provincial_reviewer)
    second = make_plan(provincial_reviewer, "410300")
    with pytest.raises(services.RegistryRefused, match="50 remain"):
        services.draw(second, source, D("51"), user=provincial_reviewer)
    source.refresh_from_db()
    assert source.drawn == D("100")
    assert not second.draws.exists()


def test_the_database_refuses_an_over_draw_whatever_the_code(provincial_reviewer):
    """The constraint source_drawn_within_capacity holds even if a service were bypassed."""
    source = make_source(provincial_reviewer)
    with pytest.raises(IntegrityError), transaction.atomic():
        CapacitySource.objects.filter(pk=source.pk).update(drawn=F("capacity") + 1)


def test_withdrawing_returns_the_draws_and_keeps_their_history(provincial_reviewer):
    source = make_source(provincial_reviewer)
    plan = make_plan(provincial_reviewer)
    services.draw(plan, source, D("150"), user=provincial_reviewer)
    services.withdraw_plan(plan, user=provincial_reviewer, reason="方案调整")
    source.refresh_from_db()
    assert source.drawn == 0
    plan.refresh_from_db()
    assert plan.status == PlanStatus.WITHDRAWN
    (kept,) = CapacityDraw.objects.filter(plan=plan)
    assert kept.amount == D("150") and kept.returned_at is not None
    assert kept.return_reason == "方案调整" and kept.returned_by == provincial_reviewer
    # The capacity is free again for another plan.
    services.draw(make_plan(provincial_reviewer), source, D("150"), user=provincial_reviewer)
    with pytest.raises(services.RegistryRefused):
        services.draw(plan, source, D("1"), user=provincial_reviewer)


def test_capacity_cannot_be_corrected_below_what_is_drawn(provincial_reviewer):
    from tests.screening.registry.helpers import source_data

    source = make_source(provincial_reviewer)
    services.draw(make_plan(provincial_reviewer), source, D("120"), user=provincial_reviewer)
    data = source_data(capacity=D("119"), equipment=source.equipment)
    with pytest.raises(services.RegistryRefused, match="120"):
        services.update_source(source, data, user=provincial_reviewer)
    services.update_source(
        source, source_data(capacity=D("120"), equipment=source.equipment), user=provincial_reviewer
    )


def test_a_source_of_another_family_or_unit_is_refused(provincial_reviewer):
    source = make_source(provincial_reviewer, family="水泥熟料", capacity_unit="万吨/年")
    with pytest.raises(services.RegistryRefused, match="水泥熟料"):
        services.draw(make_plan(provincial_reviewer), source, D("1"), user=provincial_reviewer)
    other_unit = make_source(provincial_reviewer, capacity_unit="t/d")
    with pytest.raises(services.RegistryRefused, match="t/d"):
        services.draw(make_plan(provincial_reviewer), other_unit, D("1"), user=provincial_reviewer)


def test_the_same_reference_cannot_be_registered_twice(provincial_reviewer):
    plan = make_plan(provincial_reviewer)
    with pytest.raises(services.RegistryRefused, match="already registered"):
        make_plan(provincial_reviewer, ref=" " + plan.ref.replace("〔", "〔 ") + " ")
