"""Races on real PostgreSQL connections (issue 9): many officers acting on one case at once, and
two uploads for one region applied at once. Skipped on SQLite (it serialises writers), required
in CI."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from django.db import connection, connections

from screening.cases import guards
from screening.cases import services as workflow
from screening.cases.refusals import TransitionRefused
from screening.ledger.services import UploadRefused, apply_upload, receive_upload, validate_upload
from screening.models import (
    CaseEvent,
    CaseState,
    LedgerUpload,
    Project,
    ProjectChange,
    Region,
    ReviewCase,
    UploadStatus,
)
from tests.conftest import make_user, need
from tests.corpus.generate import ledger_sheet as sheet_of
from tests.corpus.generate import package, valid_values, write_zip
from tests.factories import case_in_state, complete_an_evaluation

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

OFFICERS = int(os.environ.get("TWO_HIGH_RACE_OFFICERS", "8"))
ROUNDS = int(os.environ.get("TWO_HIGH_RACE_ROUNDS", "3"))
FIGURES_DIR = Path(
    os.environ.get(
        "TWO_HIGH_FIGURES_DIR", Path(__file__).resolve().parents[2] / "var" / "reliability"
    )
)
FIGURES = {
    "races": 0,
    "double_transitions": 0,
    "lost_updates": 0,
    "upload_races": 0,
    "interleaved_uploads": 0,
}


@pytest.fixture
def on_postgres():
    need(
        connection.vendor == "postgresql",
        "needs PostgreSQL (DATABASE_URL=postgres://…): SQLite serialises writers",
    )


@pytest.fixture(scope="module", autouse=True)
def _write_figures():
    yield
    FIGURES_DIR.mkdir(parents=True, exist_ok=True)
    path = FIGURES_DIR / "races.json"
    path.write_text(json.dumps(FIGURES, indent=1))


def run_at_once(actions) -> list:
    """Each action in its own thread and connection, released together by a barrier."""
    ready = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(index, action):
        try:
            prepared = action[0]()
            ready.wait(timeout=30)
            results[index] = ("won", action[1](prepared))
        except (TransitionRefused, UploadRefused) as refusal:
            results[index] = ("refused", refusal)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            results[index] = ("error", error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def load_case(pk: int):
    def load():
        case = ReviewCase.objects.select_related("project", "region").get(pk=pk)
        guards.region_status_today(case)  # the guards' data is read before the race
        return case

    return load


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_n_conflicting_decisions_on_one_case_one_wins(on_postgres, transactional_db, round_number):
    agency = make_user("agency_a", "agency", "410100")
    city = make_user("city_a", "city_reviewer", "410100")
    officers = [
        make_user(f"province_{i}", "provincial_reviewer", "410000") for i in range(OFFICERS)
    ]
    case = case_in_state(CaseState.PROVINCIAL_REVIEW, agency=agency, city=city)
    # A planned project is approved only after an evaluation (SPEC §5, revision 4).
    case = complete_an_evaluation(case, officers[0])
    events_before = CaseEvent.objects.filter(case=case).count()

    def decide(officer, index):
        if index % 3 == 0:
            return lambda c: workflow.approve_case(c, acting_user=officer, comment="同意")
        if index % 3 == 1:
            return lambda c: workflow.reject_case(c, acting_user=officer, reason="不符合")
        return lambda c: workflow.return_case(c, acting_user=officer, comment="请补充")

    results = run_at_once([(load_case(case.pk), decide(o, i)) for i, o in enumerate(officers)])

    FIGURES["races"] += 1
    errors = [r for r in results if r is None or r[0] == "error"]
    assert not errors, errors
    winners = [r for r in results if r[0] == "won"]
    losers = [r[1] for r in results if r[0] == "refused"]
    if len(winners) != 1:
        FIGURES["double_transitions"] += max(0, len(winners) - 1)
    assert len(winners) == 1, results
    assert all(refusal.code == "conflict" for refusal in losers), [r.code for r in losers]
    assert all(
        "changed by someone else" in refusal.reason
        or "其他人" in refusal.reason
        or "他人" in refusal.reason
        for refusal in losers
    )
    case.refresh_from_db()
    decided = CaseEvent.objects.filter(case=case).exclude(
        transition__in=["open", "submit", "forward", "request_evaluation", "complete_evaluation"]
    )
    assert CaseEvent.objects.filter(case=case).count() == events_before + 1
    event = decided.get()
    if event.to_state != case.state:
        FIGURES["lost_updates"] += 1
    assert event.to_state == case.state  # what won is what is stored


def test_the_same_transition_by_two_officers_is_recorded_once(on_postgres, transactional_db):
    agency = make_user("agency_a", "agency", "410100")
    cities = [make_user(f"city_{i}", "city_reviewer", "410100") for i in range(OFFICERS)]
    case = case_in_state(CaseState.SUBMITTED, agency=agency)
    results = run_at_once(
        [
            (
                load_case(case.pk),
                (
                    lambda officer: (
                        lambda c: workflow.forward_case(c, acting_user=officer, opinion="同意")
                    )
                )(city),
            )
            for city in cities
        ]
    )
    FIGURES["races"] += 1
    winners = [r for r in results if r[0] == "won"]
    FIGURES["double_transitions"] += max(0, len(winners) - 1)
    assert len(winners) == 1, results
    assert CaseEvent.objects.filter(case=case, transition="forward").count() == 1


def ledger_file(path: Path, numbers: range, tag: str) -> Path:
    rows = [valid_values(n, name=f"{tag}项目{n}") for n in numbers]
    return write_zip(path, package([sheet_of(rows)]))


def test_two_uploads_for_one_region_are_serialised_never_interleaved(
    on_postgres, transactional_db, tmp_path
):
    from django.core.files import File

    region = Region.objects.get(code="410100")
    first_user = make_user("agency_a", "agency", "410100")
    second_user = make_user("agency_a2", "agency", "410100")
    uploads = []
    for user, numbers, tag in (
        (first_user, range(0, 60), "甲"),
        (second_user, range(30, 90), "乙"),
    ):
        path = ledger_file(tmp_path / f"{tag}.xlsx", numbers, tag)
        with path.open("rb") as handle:
            upload = receive_upload(user, region, File(handle, name=path.name), path.name)
        upload = validate_upload(upload)
        assert upload.status == UploadStatus.PREVIEW, upload.errors[:3]
        uploads.append((user, upload))

    def load(pk):
        return lambda: LedgerUpload.objects.get(pk=pk)

    results = run_at_once(
        [
            (load(upload.pk), (lambda u: lambda up: apply_upload(up, u, {}))(user))
            for user, upload in uploads
        ]
    )
    FIGURES["upload_races"] += 1
    assert not [r for r in results if r[0] == "error"], results
    winners = [i for i, r in enumerate(results) if r[0] == "won"]
    assert len(winners) == 1, results
    loser = results[1 - winners[0]][1]
    # The second to take the region's lock finds its preview out of date (superseded by the
    # first, or the ledger changed): refused with a plain message, nothing of it applied.
    assert loser.message
    lost_upload = uploads[1 - winners[0]][1]
    lost_upload.refresh_from_db()
    assert lost_upload.status in (UploadStatus.SUPERSEDED, UploadStatus.PREVIEW)
    won_upload = uploads[winners[0]][1]
    tag = "甲" if winners[0] == 0 else "乙"
    names = set(Project.objects.values_list("name", flat=True))
    interleaved = any(not name.startswith(tag) for name in names)
    FIGURES["interleaved_uploads"] += int(interleaved)
    assert not interleaved, sorted(names)[:5]
    assert Project.objects.count() == 60
    assert set(ProjectChange.objects.values_list("upload_id", flat=True)) == {won_upload.pk}
    statuses = sorted(LedgerUpload.objects.values_list("status", flat=True))
    assert statuses.count(UploadStatus.APPLIED) == 1
