"""A ledger upload whose new rows name a registered plan is applied (issue 17 with issue 19):
new rows are screened while COPY streams the earlier ones on PostgreSQL, so the registry R14
reads must be read before the COPY starts (a query during it would wait for ever)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from screening.models import Project
from screening.registry import services
from tests.ledger_files import valid_row
from tests.screening.ledger.test_reupload import apply, upload
from tests.screening.registry.helpers import make_plan, make_source

pytestmark = pytest.mark.django_db


def test_new_rows_naming_a_plan_are_applied_with_r14(provincial_reviewer, agency_a, tmp_path):
    source = make_source(provincial_reviewer, "410100", capacity=Decimal("300"))
    plan = make_plan(provincial_reviewer, "410100")
    services.draw(plan, source, Decimal("150"), user=provincial_reviewer)
    rows = [
        valid_row(
            project_code=f"2104-410100-04-01-{n:06d}",
            name=f"项目{n}",
            replacement_plan_ref=plan.ref,
        )
        for n in range(1, 6)
    ]
    applied = apply(agency_a, upload(agency_a, rows, tmp_path, "ledger.xlsx"))
    assert applied.summary["new"] == 5
    stored = Project.objects.filter(last_upload=applied)
    assert stored.count() == 5
    assert all(any(f["rule"] == "R14" for f in p.findings) for p in stored)
