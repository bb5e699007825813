"""Ledger projects for the early-warning tests, stored directly."""

from __future__ import annotations

from decimal import Decimal
from itertools import count

from screening.models import Project, Region

_serial = count(1)


def make_project(
    region_code: str,
    *,
    stage: str = "存量",
    sector: str = "钢铁",
    verdict: str = "COMPLIANT",
    disposition: str = "PROCEED",
    in_scope: bool = True,
    annual_energy_tce: str = "12000",
    findings: list | None = None,
    **extra,
) -> Project:
    number = next(_serial)
    return Project.objects.create(
        region=Region.objects.get(code=region_code),
        project_code=f"2104-{region_code}-04-01-{number:06d}",
        name=extra.pop("name", f"项目{number}"),
        enterprise="某公司",
        uscc="91110000600037341L",
        sector=sector,
        construction_type=extra.pop("construction_type", "新建"),
        stage=stage,
        annual_energy_tce=Decimal(annual_energy_tce),
        tech_class="允许类",
        policy_fit=True,
        in_scope=in_scope,
        verdict=verdict,
        disposition=disposition,
        findings=findings or [],
        **extra,
    )
