"""The registry's faster read paths give exactly what the plain ones give (issue 17's bench):
rows converted once per distinct value, links built from one reverse, labels translated once
per language."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from screening.models import CapacityDraw, CapacitySource, ReplacementPlan
from screening.registry import services
from screening.registry.export import reason_label, risk_label
from screening.registry.facts import converted_rows
from screening.registry.views import _url_by_id
from tests.screening.registry.helpers import make_plan, make_source

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def registry(provincial_reviewer):
    sources = [
        make_source(provincial_reviewer, capacity=D("150.25"), dismantled_date=None),
        make_source(provincial_reviewer, capacity=D("150.25"), subsidised=True),
        make_source(provincial_reviewer, "410500", capacity=D("300")),
    ]
    plans = [
        make_plan(provincial_reviewer, project_codes=("2104-410100-04-01-000001", "X")),
        # the same projects: equal raw JSON in both rows
        make_plan(provincial_reviewer, "410500", project_codes=("2104-410100-04-01-000001", "X")),
    ]
    for plan in plans:
        for source, amount in zip(sources, (D("50.5"), D("50.5"), D("100")), strict=True):
            services.draw(plan, source, amount, user=provincial_reviewer)
    return sources, plans


def test_converted_rows_equal_iterating_the_queryset(registry):
    querysets = [
        CapacityDraw.objects.order_by("id").values_list(
            "plan_id",
            "amount",
            "source__capacity",
            "source__shutdown_date",
            "source__dismantled_date",
            "source__subsidised",
            "source__region__code",
            "plan__project_codes",
        ),
        CapacitySource.objects.values_list("id", "capacity", "drawn", "shutdown_date"),
        ReplacementPlan.objects.values_list("ref", "new_capacity", "project_codes", "plan_date"),
        CapacitySource.objects.filter(pk__in=[]).values_list("id", "capacity"),
        CapacitySource.objects.values_list("id", "enterprise"),  # nothing to convert
    ]
    for queryset in querysets:
        expected = list(queryset)
        got = converted_rows(queryset)
        assert got == expected
        assert [tuple(map(repr, row)) for row in got] == [
            tuple(map(repr, row)) for row in expected
        ]  # the same Decimal exponents, dates and booleans, not only equal values


def test_converted_rows_never_share_a_mutable_value(registry):
    rows = converted_rows(ReplacementPlan.objects.order_by("id").values_list("project_codes"))
    first, second = rows[0][0], rows[1][0]
    first.append("changed")
    assert "changed" not in second and second == ["2104-410100-04-01-000001", "X"]


def test_links_built_from_one_reverse_equal_reverse():
    for name, kwarg in (
        ("screening:registry_plan", "plan_id"),
        ("screening:registry_source", "source_id"),
    ):
        url = _url_by_id(name)
        for pk in (1, 7, 10, 987654321, 2**63 - 1):
            assert url(pk) == reverse(name, kwargs={kwarg: pk})


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_labels_are_translated_in_the_active_language(language):
    with translation.override(language):
        assert [risk_label(r) for r in (3, 2, 1)] == [
            gettext("high"),
            gettext("medium"),
            gettext("low"),
        ]
        assert reason_label("source_over_drawn") == gettext("source over-drawn")
        assert reason_label("unknown_code") == "unknown_code"
    with translation.override("en"):
        assert risk_label(3) == "high"


def test_a_shared_source_is_listed_with_both_plans_on_the_page(
    client, provincial_reviewer, registry
):
    sources, plans = registry
    client.force_login(provincial_reviewer)
    page = client.get("/registry/cross-checks/").content.decode()
    for plan in plans:
        assert f'href="{reverse("screening:registry_plan", args=[plan.pk])}"' in page
    assert f'href="{reverse("screening:registry_source", args=[sources[0].pk])}"' in page
