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


def test_a_data_centre_from_10000_tce_joins_online_monitoring_2030_plan(p21):
    screening = run(p21, sector=Sector.DATA_CENTER, product=None, annual_energy_tce="10000")
    topics = [(f.values["topic"], f.clause) for f in findings_of(screening, "R02")]
    assert topics == [("key_energy_user", "(十五)"), ("online_monitoring", "2030 plan 三(二)4")]


def test_a_data_centre_below_10000_tce_is_only_a_key_energy_user(p21):
    screening = run(p21, sector=Sector.DATA_CENTER, product=None, annual_energy_tce="9999.99")
    assert [f.values["topic"] for f in findings_of(screening, "R02")] == ["key_energy_user"]


def test_r02_follows_r01_for_projects_in_scope(p21):
    assert [f.rule for f in run(p21).findings][:2] == ["R01", "R02"]
