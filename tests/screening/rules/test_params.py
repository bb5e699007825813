"""Rule-set fixtures load into RuleParameters; malformed ones are refused clearly."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

from screening.rules.params import RuleParameters, family_of, normalise_key
from screening.rules.testing import RULE_SETS
from screening.rules.types import Stage


def raw(name: str) -> dict:
    return json.loads((RULE_SETS / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["henan-2021", "henan-2023"])
def test_both_fixtures_load(name):
    params = RuleParameters.from_dict(raw(name))
    assert params.name == name
    assert len(params.products) == 22
    assert params.scope_min_energy_tce == Decimal("10000")
    assert isinstance(params.barometer_budget_yellow_margin, Decimal)
    assert params.barometer_budget_yellow_margin == Decimal("0.1")


def test_every_parameter_carries_source_and_status():
    for name in ("henan-2021", "henan-2023"):
        for param_id, entry in raw(name)["parameters"].items():
            assert entry["source"].strip(), param_id
            assert entry["status"] in ("confirmed", "unconfirmed"), param_id


def test_products_keep_the_table_keys_and_levels(p21):
    coke = p21.products["焦炭 (顶装焦炉)"]
    assert (coke.family, coke.unit, coke.benchmark, coke.baseline) == (
        "焦炭",
        "kgce/t",
        Decimal(110),
        Decimal(135),
    )
    converter = p21.products["转炉工序"]
    assert (converter.benchmark, converter.baseline) == (Decimal(-30), Decimal(-10))
    assert p21.products["建筑陶瓷 (E≤0.5%)"].unit == "kgce/m²"
    assert p21.source_of("products").status == "unconfirmed"


def test_family_sectors_cover_every_family(p21):
    assert p21.sectors_of_family("合成氨") == frozenset({"化工", "煤化工"})
    assert p21.sectors_of_family("炼油") == frozenset({"石化"})
    assert {spec.family for spec in p21.products.values()} <= p21.family_sectors.keys()


def test_family_is_the_text_before_the_first_bracket():
    assert family_of("焦炭 (顶装焦炉)") == "焦炭"
    assert family_of("焦炭（顶装焦炉）") == "焦炭"
    assert family_of("平板玻璃 (>800t/d)") == "平板玻璃"
    assert family_of("水泥熟料") == "水泥熟料"


def test_product_lookup_ignores_width_and_white_space(p21):
    assert p21.product("焦炭（顶装焦炉）") is p21.products["焦炭 (顶装焦炉)"]
    assert p21.product("平板玻璃(>800t/d)") is p21.products["平板玻璃 (>800t/d)"]
    assert p21.product("不存在") is None
    assert p21.product(None) is None
    assert normalise_key("电弧炉冶炼 （≥50t）") == "电弧炉冶炼(≥50t)"


def test_refining_is_1_to_1_in_2021_and_reduction_in_2023(p21, p23):
    """Capacity replacement (四)2: the 2023 refining opinion requires 减量 (> 1 : 1)."""
    old, new = p21.replacement_rule("炼油"), p23.replacement_rule("炼油")
    assert (old.key_area.ratio, old.key_area.strict) == (Decimal(1), False)
    assert (old.elsewhere.ratio, old.elsewhere.strict) == (Decimal(1), False)
    assert (new.key_area.ratio, new.key_area.strict) == (Decimal(1), True)
    assert (new.elsewhere.ratio, new.elsewhere.strict) == (Decimal(1), True)


def test_the_rule_sets_differ_only_in_refining():
    old, new = raw("henan-2021")["parameters"], raw("henan-2023")["parameters"]
    assert old.keys() == new.keys()
    assert [p for p in old if old[p] != new[p]] == ["replacement_ratio_refining"]


def test_replacement_ratios_by_family_and_area(p21):
    steel = p21.replacement_rule("转炉工序")
    assert steel.requirement(True).ratio == Decimal("1.5")
    assert steel.requirement(False).ratio == Decimal("1.25")
    assert p21.replacement_rule("电解铝").key_area.strict is True
    # Revision 4: (四)5 makes 电解铝 减量 (> 1 : 1) outside key areas too.
    assert p21.replacement_rule("电解铝").elsewhere.strict is True
    assert p21.replacement_rule("煤制甲醇") is None
    assert p21.source_of(steel.param_id).confirmed


def test_unknown_parameter_source_is_a_key_error(p21):
    with pytest.raises(KeyError, match="no parameter"):
        p21.source_of("nope")


def _broken(mutate) -> dict:
    data = copy.deepcopy(raw("henan-2021"))
    mutate(data["parameters"])
    return data


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda p: p.pop("scope_min_energy_tce"), "missing parameters scope_min_energy_tce"),
        (lambda p: p["scope_min_energy_tce"].update(status="maybe"), "status must be one of"),
        (lambda p: p["scope_min_energy_tce"].update(source=""), "source: must be non-empty"),
        (lambda p: p["scope_min_energy_tce"].update(value="lots"), "must be a number"),
        (lambda p: p["scope_min_energy_tce"].update(value=True), "must be a number"),
        (lambda p: p["products"]["value"][1].update(benchmark=200), "is above baseline"),
        (lambda p: p["products"]["value"][1].update(family="煤"), "text before the bracket"),
        (lambda p: p["family_sectors"]["value"].pop("焦炭"), "without sectors"),
        (lambda p: p["replacement_ratio_steel"]["value"]["key_area"].pop("strict"), "strict"),
        (lambda p: p["diagnosis_interval_years"].update(value=2.5), "whole number"),
        (lambda p: p["barometer_reminder_months"].update(value=4), "reminder months exceed"),
    ],
)
def test_malformed_rule_sets_are_refused(mutate, message):
    with pytest.raises(ValueError, match=message):
        RuleParameters.from_dict(_broken(mutate))


def test_a_rule_set_needs_a_date():
    data = raw("henan-2021")
    data["effective_from"] = "15/11/2021"
    with pytest.raises(ValueError, match="effective_from"):
        RuleParameters.from_dict(data)


def test_every_parameter_a_finding_rests_on_has_a_source(p21):
    from screening.rules.rulebook import parameters_of
    from screening.rules.testing import run

    screening = run(p21, stage=Stage.OPERATING)
    for finding in run(p21).findings + screening.findings:
        for param_id in parameters_of(finding):
            assert p21.source_of(param_id).source
    r03 = next(f for f in run(p21).findings if f.rule == "R03")
    assert parameters_of(r03) == ("replacement_ratio_steel",)
