"""R02 key energy user, clause (十五) and 2030 plan 三(二)4: INFO findings, NA otherwise."""

from __future__ import annotations

from screening.rules.testing import findings_of, run
from screening.rules.types import Outcome, Sector


def test_5000_tce_is_a_key_energy_user_clause_shiwu(p21):
    screening = run(p21, annual_energy_tce="5000")
    (finding,) = findings_of(screening, "R02")
    assert finding.outcome is Outcome.INFO
    assert finding.clause == "(十五)"
    assert finding.values["topic"] == "key_energy_user"
    assert finding.values["threshold_tce"] == 5000


def test_4999_99_tce_is_not_and_the_finding_is_left_out(p21):
    assert findings_of(run(p21, annual_energy_tce="4999.99"), "R02") == []


def test_a_data_centre_above_10000_tce_joins_online_monitoring_2030_plan_3_2_4(p21):
    """Revision 4: 2030 plan 三(二)4 says 超过, so monitoring starts above 10,000 tce."""
    screening = run(p21, sector=Sector.DATA_CENTER, product=None, annual_energy_tce="10000.01")
    topics = [(f.values["topic"], f.clause) for f in findings_of(screening, "R02")]
    assert topics == [("key_energy_user", "(十五)"), ("online_monitoring", "2030 plan 三(二)4")]
    assert "超过10,000" in findings_of(screening, "R02")[1].message_zh


def test_a_data_centre_at_exactly_10000_tce_is_only_a_key_energy_user_2030_plan_3_2_4(p21):
    screening = run(p21, sector=Sector.DATA_CENTER, product=None, annual_energy_tce="10000")
    assert [f.values["topic"] for f in findings_of(screening, "R02")] == ["key_energy_user"]


def test_the_5000_tce_message_says_the_project_reaches_the_threshold_clause_15(p21):
    """(十五): the 5,000 tce threshold is the enterprise's, so the project "reaches" it."""
    finding = findings_of(run(p21, annual_energy_tce="5000"), "R02")[0]
    assert "达到5,000吨标准煤" in finding.message_zh and "属重点用能单位" not in finding.message_zh
    assert "reaches the 5,000 tce" in finding.message_en


def test_a_data_centre_below_10000_tce_is_only_a_key_energy_user(p21):
    screening = run(p21, sector=Sector.DATA_CENTER, product=None, annual_energy_tce="9999.99")
    assert [f.values["topic"] for f in findings_of(screening, "R02")] == ["key_energy_user"]


def test_r02_follows_r01_for_projects_in_scope(p21):
    assert [f.rule for f in run(p21).findings][:2] == ["R01", "R02"]
