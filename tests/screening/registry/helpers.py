"""Builders for registry tests: a source and a plan through the real services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from screening.models import Region
from screening.registry import services
from screening.rules.testing import BASE_PROJECT

D = Decimal
_counter = iter(range(1, 10_000))


def source_data(region_code: str = "410100", **changes) -> services.SourceData:
    number = next(_counter)
    values = dict(
        region=Region.objects.get(code=region_code),
        enterprise="某钢铁有限公司",
        uscc="91110000600037341L",
        family="高炉工序",
        capacity=D("150"),
        capacity_unit="万吨/年",
        equipment=f"{number}号450m³高炉",
        shutdown_date=date(2020, 12, 31),
        dismantled_date=date(2021, 3, 31),
        verification_ref="豫工信验〔2021〕1号",
        verification_date=date(2021, 4, 1),
        verifier="市工业和信息化局",
    )
    values.update(changes)
    return services.SourceData(**values)


def plan_data(region_code: str = "410100", **changes) -> services.PlanData:
    number = next(_counter)
    values = dict(
        region=Region.objects.get(code=region_code),
        ref=f"豫工信产业〔2021〕{number}号",
        plan_date=date(2021, 5, 1),
        enterprise="某钢铁有限公司",
        uscc="91110000600037341L",
        family="高炉工序",
        new_capacity=D("100"),
        capacity_unit="万吨/年",
        project_codes=(BASE_PROJECT.project_code,),
    )
    values.update(changes)
    return services.PlanData(**values)


def make_source(user, region_code: str = "410100", **changes):
    return services.register_source(source_data(region_code, **changes), user=user)


def make_plan(user, region_code: str = "410100", **changes):
    return services.register_plan(plan_data(region_code, **changes), user=user)
