"""R12 energy diagnosis due, clause (十): diagnosis and audit at least every five years."""

from __future__ import annotations

from datetime import date

from screening.rules.r12_energy_diagnosis import years_before
from screening.rules.testing import context, only, run
from screening.rules.types import Outcome, Stage

OPERATING = {"stage": Stage.OPERATING}
AS_OF = context(as_of=date(2024, 6, 30))


def test_five_years_to_the_day_is_still_in_time(p21):
    day = date(2019, 6, 30)
    screening = run(p21, AS_OF, last_energy_diagnosis=day, last_cleaner_production=day, **OPERATING)
    finding = only(screening, "R12")
    assert finding.outcome is Outcome.PASS
    assert finding.clause == "(十)"
    assert finding.values["cutoff"] == "2019-06-30"


def test_one_day_more_is_due(p21):
    screening = run(p21, AS_OF, last_energy_diagnosis=date(2019, 6, 29), **OPERATING)
    finding = only(screening, "R12")
    assert finding.outcome is Outcome.WARN
    assert finding.values["due"] == ["last_energy_diagnosis"]


def test_blank_dates_are_due(p21):
    screening = run(
        p21, AS_OF, last_energy_diagnosis=None, last_cleaner_production=None, **OPERATING
    )
    assert only(screening, "R12").values["due"] == [
        "last_energy_diagnosis",
        "last_cleaner_production",
    ]


def test_29_february_falls_back_to_28_february():
    assert years_before(date(2024, 2, 29), 5) == date(2019, 2, 28)
    assert years_before(date(2024, 2, 29), 4) == date(2020, 2, 29)
    assert years_before(date(2023, 3, 1), 5) == date(2018, 3, 1)


def test_29_february_as_of(p21):
    leap = context(as_of=date(2024, 2, 29))
    on_cutoff = {
        "last_energy_diagnosis": date(2019, 2, 28),
        "last_cleaner_production": date(2019, 2, 28),
    }
    assert only(run(p21, leap, **on_cutoff, **OPERATING), "R12").outcome is Outcome.PASS
    early = {**on_cutoff, "last_cleaner_production": date(2019, 2, 27)}
    assert only(run(p21, leap, **early, **OPERATING), "R12").outcome is Outcome.WARN


def test_only_operating_projects(p21):
    assert only(run(p21, AS_OF, last_energy_diagnosis=None), "R12") is None


def test_a_warning_does_not_change_the_verdict(p21):
    from screening.rules.types import Verdict

    screening = run(p21, AS_OF, last_energy_diagnosis=None, **OPERATING)
    assert screening.verdict is Verdict.COMPLIANT
