"""R12 (clause (十)) "energy diagnosis due" has one definition, read by the alerts page, the
monthly report and the digests (issue 14); only the in-scope filter differs between them."""

import pytest

from screening.early_warning.alerts import diagnoses_due, diagnosis_candidates, diagnosis_due
from screening.models import Project
from screening.reports import monthly as reports
from tests.screening.early_warning.conftest import ANYANG
from tests.screening.early_warning.projects import make_project

pytestmark = pytest.mark.django_db

R12_WARN = [{"rule": "R12", "outcome": "WARN"}]


def test_r12_diagnosis_due_reads_r12_at_warn_only_clause_十():
    assert diagnosis_due(R12_WARN)
    assert not diagnosis_due([{"rule": "R12", "outcome": "PASS"}])
    assert not diagnosis_due([{"rule": "R11", "outcome": "WARN"}])
    assert not diagnosis_due(None) and not diagnosis_due([])


def test_r12_the_alerts_page_counts_projects_out_of_scope_the_report_does_not_clause_十():
    inside = make_project(ANYANG, stage="存量", findings=R12_WARN)
    outside = make_project(ANYANG, stage="存量", findings=R12_WARN, in_scope=False)
    make_project(ANYANG, stage="拟建", findings=R12_WARN)
    everyone = Project.objects.all()
    assert {p.pk for p in diagnoses_due(everyone)} == {inside.pk, outside.pk}
    assert set(diagnosis_candidates(everyone, in_scope_only=True)) == {inside}
    assert [row[0] for row in reports.diagnoses_due({inside.region_id})] == [inside.pk]
