"""Demo sources and plans for the registry (never for production): plans behind some of the
demo ledger's rows, one source drawn by two plans in two regions (the cross-checks page shows
it), one ineligible source and one not yet dismantled, so R14 shows each outcome."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from accounts.models import User
from screening.demo import REGION_CODES, demo_ledger_rows
from screening.models import Region, ReplacementPlan
from screening.registry import services

D = Decimal
CREDIT_CODES = ("91110000600037341L", "91110108551385082Q")


def _ledger_row(ref: str) -> dict | None:
    for region in REGION_CODES:
        for row in demo_ledger_rows(region):
            if row.get("replacement_plan_ref") == ref:
                return row
    return None


def seed_demo_registry() -> int:
    """Register the demo sources and plans once; returns the number of plans registered."""
    if ReplacementPlan.objects.exists():
        return 0
    province = User.objects.get(username="province")
    regions = {r.code: r for r in Region.objects.filter(code__in=REGION_CODES.values())}
    zz, ly, ay = regions["410100"], regions["410300"], regions["410500"]

    def source(region, enterprise, family, capacity, equipment, shutdown, dismantled, **extra):
        return services.register_source(
            services.SourceData(
                region=region,
                enterprise=enterprise,
                uscc=CREDIT_CODES[len(equipment) % 2],
                family=family,
                capacity=D(capacity),
                capacity_unit="万吨/年",
                equipment=equipment,
                shutdown_date=shutdown,
                dismantled_date=dismantled,
                verification_ref="豫工信验〔2022〕8号" if dismantled else "",
                verification_date=dismantled,
                verifier="市工业和信息化局" if dismantled else "",
                **extra,
            ),
            user=province,
        )

    furnace_zz = source(
        zz,
        "郑州示例钢铁有限公司",
        "高炉工序",
        "200",
        "1号450m³高炉",
        date(2021, 6, 30),
        date(2021, 12, 31),
    )
    furnace_ay = source(
        ay,
        "安阳示例钢铁有限公司",
        "高炉工序",
        "300",
        "3号420m³高炉",
        date(2021, 3, 31),
        date(2021, 9, 30),
    )
    kiln_ly = source(
        ly,
        "洛阳示例水泥有限公司",
        "水泥熟料",
        "150",
        "2500t/d熟料生产线",
        date(2020, 12, 31),
        None,
        subsidised=True,
        eligibility_notes="2020年退出时获得省级奖补资金（演示）",
    )
    glass_ly = source(
        ly,
        "洛阳示例玻璃有限公司",
        "平板玻璃",
        "300",
        "600t/d浮法玻璃生产线",
        date(2022, 6, 30),
        None,
    )

    def plan(ref, region, family, new_capacity, draws, published=False, fallback_code=None):
        row = _ledger_row(ref)
        codes = (row["project_code"],) if row else ((fallback_code,) if fallback_code else ())
        registered = services.register_plan(
            services.PlanData(
                region=region,
                ref=ref,
                plan_date=date(2023, 2, 1),
                enterprise=row["enterprise"] if row else "安阳示例钢铁有限公司",
                uscc=CREDIT_CODES[0],
                family=family,
                new_capacity=D(new_capacity),
                capacity_unit="万吨/年",
                project_codes=codes,
            ),
            user=province,
        )
        for item, amount in draws:
            services.draw(registered, item, D(amount), user=province)
        if published:
            services.publish_plan(registered, user=province)
        return registered

    # 郑州's blast furnace: its own retired furnace and part of 安阳's (cross-region).
    plan(
        "豫工信产业〔2023〕1号",
        zz,
        "高炉工序",
        "100",
        [(furnace_zz, "150"), (furnace_ay, "50")],
        published=True,
    )
    # 安阳's own plan takes the rest of the same 安阳 furnace: drawn by two plans in two regions.
    plan(
        "安工信产业〔2023〕2号",
        ay,
        "高炉工序",
        "160",
        [(furnace_ay, "250")],
        published=True,
        fallback_code="2402-410500-04-01-000222",
    )
    # 郑州's clinker line draws a subsidised kiln (ineligible) and too little: R14 fails.
    plan("豫工信产业〔2023〕2号", zz, "水泥熟料", "100", [(kiln_ly, "150")])
    # 洛阳's glass line: enough capacity, shut down but not yet dismantled: R14 warns.
    plan("豫工信产业〔2023〕12号", ly, "平板玻璃", "100", [(glass_ly, "200")], published=True)
    return ReplacementPlan.objects.count()
