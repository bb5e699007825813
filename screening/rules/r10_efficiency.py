"""R10 efficiency — (十七); 2030 plan 三(三)6; (九): the design unit energy against the
product's benchmark and baseline levels, by stage.
"""

from __future__ import annotations

from screening.rules.base import (
    BUILDING,
    FAIL,
    NEEDS_INFO,
    OPERATING,
    PASS,
    PLANNED,
    WARN,
    Facts,
    one_finding,
)
from screening.rules.text import SECTOR_EN, jnum, num
from screening.rules.types import Finding

ID = "R10"
CLAUSE = "(十七); 2030 plan 三(三)6; (九)"
TITLE = (
    "能效标杆和基准水平；未填产品/工序须补充（煤电除外）",
    "Efficiency benchmark and baseline; a blank product needs information (not coal power)",
)
PARAMETERS: tuple[str, ...] = ("products",)


# 拟建 must reach 标杆 ((十七)); 在建 below 基准 stop and rectify (2030 plan 三(三)6); 存量 are
# upgraded towards 标杆 ((九)).
_CLAUSE_BY_STAGE = {PLANNED: "(十七)", BUILDING: "2030 plan 三(三)6", OPERATING: "(九)"}


def applies(f: Facts) -> bool:
    # A product without a benchmark row (氧化铝) has nothing to compare with; a blank product
    # must not pass, except in a sector with no benchmark row at all (煤电).
    if f.project.product:
        return f.product is not None
    return f.project.sector._value_ in f.params.benchmarked_sectors


def evaluate(f: Facts) -> tuple[Finding, ...]:
    p, spec = f.project, f.product
    stage = p.stage
    clause = _CLAUSE_BY_STAGE[stage]
    if spec is None:
        # Revision 4: a blank product cannot be compared with any benchmark.
        return one_finding(
            ID,
            NEEDS_INFO,
            clause,
            f"{p.sector._value_}行业项目未填产品/工序，无法与能效标杆和基准水平比对。",
            f"The product of this {SECTOR_EN[p.sector]} project is blank, so it cannot be "
            "compared with the benchmark and baseline levels.",
            {"product": None, "sector": p.sector._value_, "stage": stage._value_},
        )
    actual = p.unit_energy
    values = {
        "product": spec.key,
        "stage": stage._value_,
        "unit_energy": jnum(actual),
        "unit": spec.unit,
        "benchmark": jnum(spec.benchmark),
        "baseline": jnum(spec.baseline),
    }
    unit, benchmark_text, baseline_text = spec.unit, num(spec.benchmark), num(spec.baseline)
    levels_zh = f"标杆{benchmark_text}、基准{baseline_text}{unit}"
    levels_en = f"benchmark {benchmark_text}, baseline {baseline_text} {unit}"
    if actual is None:
        return one_finding(
            ID,
            NEEDS_INFO,
            clause,
            f"{spec.key}未填设计单位产品能耗，无法与{levels_zh}比对。",
            f"The design unit energy of {spec.key} is blank, so it cannot be compared with the "
            f"{levels_en}.",
            values,
        )
    actual_text = num(actual)
    given_zh = f"{spec.key}设计单位产品能耗{actual_text}{unit}（{levels_zh}）"
    given_en = f"{spec.key} design unit energy is {actual_text} {unit} ({levels_en})"
    if stage is PLANNED:
        if actual <= spec.benchmark:
            return one_finding(
                ID,
                PASS,
                clause,
                f"{given_zh}，达到标杆水平。",
                f"{given_en}: it reaches the benchmark level.",
                values,
            )
        return one_finding(
            ID,
            FAIL,
            clause,
            f"{given_zh}，拟建项目未达到标杆水平。",
            f"{given_en}: a planned project must reach the benchmark level.",
            values,
        )
    if actual > spec.baseline:
        return one_finding(
            ID,
            FAIL,
            clause,
            f"{given_zh}，未达到基准水平。",
            f"{given_en}: it is worse than the baseline level.",
            values,
        )
    if stage is OPERATING and actual > spec.benchmark:
        return one_finding(
            ID,
            WARN,
            clause,
            f"{given_zh}，达到基准但未达到标杆水平，应改造提升。",
            f"{given_en}: it meets the baseline but not the benchmark and should be upgraded.",
            values,
        )
    return one_finding(
        ID,
        PASS,
        clause,
        f"{given_zh}，符合要求。",
        f"{given_en}: it meets the requirement for its stage.",
        values,
    )
