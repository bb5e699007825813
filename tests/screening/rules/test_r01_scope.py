"""R01 scope, clause (三): 两高 sectors from 10,000 tce a year; otherwise only R02 runs."""

from __future__ import annotations

from screening.rules.testing import findings_of, only, run
from screening.rules.types import Disposition, Outcome, Sector, Verdict


def test_10000_tce_is_in_scope_clause_san(p21):
    screening = run(p21, annual_energy_tce="10000", new_energy_tce="10000")
    assert screening.in_scope
    finding = only(screening, "R01")
    assert finding.outcome is Outcome.INFO
    assert finding.clause == "(三)"
    assert finding.values == {"sector": "钢铁", "annual_energy_tce": 10000, "threshold_tce": 10000}
    assert "10,000" in finding.message_zh and "10,000" in finding.message_en


def test_9999_99_tce_is_not_in_scope_and_only_r02_runs(p21):
    screening = run(p21, annual_energy_tce="9999.99", new_energy_tce="9999.99")
    assert not screening.in_scope
    assert screening.verdict is Verdict.NOT_IN_SCOPE
    assert screening.disposition is Disposition.NONE
    assert [f.rule for f in screening.findings] == ["R02"]


def test_a_sector_outside_the_list_is_not_in_scope_at_any_size(p21):
    for sector in (Sector.DATA_CENTER, Sector.OTHER):
        screening = run(p21, sector=sector, product=None, annual_energy_tce="500000")
        assert not screening.in_scope
        assert {f.rule for f in screening.findings} == {"R02"}


def test_a_small_project_out_of_scope_has_no_findings(p21):
    screening = run(p21, annual_energy_tce="4999.99", policy_fit=False)
    assert screening.findings == ()
    assert screening.verdict is Verdict.NOT_IN_SCOPE


def test_every_listed_sector_is_in_scope(p21):
    for sector in p21.scope_sectors:
        screening = run(p21, sector=Sector(sector), product=None)
        assert screening.in_scope
        assert findings_of(screening, "R01")
