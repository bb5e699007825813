"""A monthly re-upload costs what changed (issue 19): unchanged rows are recognised by their
digest and not compared, screened or written again, an identical file is not read again, and
what is stored afterwards is exactly what the full comparison and screening store."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from screening.ledger import services as ledger_import
from screening.ledger import stored as stored_values
from screening.ledger.digest import row_digest, screening_key
from screening.ledger.rollback import rollback_upload
from screening.ledger.services import (
    apply_upload,
    compute_diff,
    receive_upload,
    validate_upload,
)
from screening.models import (
    AnnualResult,
    LedgerUpload,
    Project,
    ProjectChange,
    Region,
    RuleSet,
    UploadStatus,
)
from screening.rules.types import BarometerMonth, ScreeningContext, Tier
from tests.conftest import CITY_A
from tests.ledger_files import valid_row, write_ledger

AS_OF = date(2025, 6, 30)
STAGES = ["拟建", "在建", "存量"]


def ledger(count: int = 24) -> list[dict]:
    """Varied rows of 郑州市: stages, sectors, products, missing data, decimals."""
    rows = []
    for index in range(count):
        row = valid_row(
            project_code=f"2104-410100-04-01-{index:06d}",
            name=f"项目{index}",
            stage=STAGES[index % 3],
            unit_energy=350 + index,
            annual_energy_tce=8000 + 1000 * index,
            energy_review_ref="豫发改〔2021〕5号",
            energy_review_date="2021-03-01",
            eia_ref="豫环审〔2021〕7号",
            eia_date="2021/4/1",
            start_date="20210501",
            last_energy_diagnosis="2019-1-1",
            investment="12,345.5",
        )
        if index % 4 == 1:
            row.update(
                sector="建材",
                product="水泥熟料",
                unit_energy=100 + index / 7,
                new_capacity=None,
                replaced_capacity=None,
                capacity_unit=None,
                replacement_plan_ref=None,
            )
        if index % 5 == 2:
            row.update(coal_substitution=None, pollutant_control="否")
        if index % 6 == 3:
            row.update(
                product=None,
                unit_energy=None,
                unit_energy_unit=None,
                new_capacity=None,
                replaced_capacity=None,
                capacity_unit=None,
                replacement_plan_ref=None,
                tech_class="限制类",
                construction_type="技术改造",
            )
        rows.append(row)
    return rows


def next_month(rows: list[dict]) -> list[dict]:
    """The ledger a month later: two rows changed, one gone, one new."""
    rows = [dict(row) for row in rows]
    rows[4]["replaced_capacity"] = 120  # now fails R03
    rows[7]["name"] = "项目7(更名)"
    rows[9]["stage"] = "在建"
    del rows[11]
    rows.append(valid_row(project_code="2105-410100-04-01-999999", name="新项目"))
    return rows


def upload(user, rows, tmp_path, name, as_of=AS_OF) -> LedgerUpload:
    """Upload `rows`, written to tmp_path/name unless that file exists (openpyxl stamps the
    time into a workbook: an identical file must be the same bytes)."""
    path = tmp_path / name
    if not path.exists():
        write_ledger(path, rows)
    region = Region.objects.get(code=CITY_A)
    received = receive_upload(
        user, region, ContentFile(path.read_bytes(), name=name), name, as_of=as_of
    )
    validated = validate_upload(received)
    assert validated.status == UploadStatus.PREVIEW, validated.errors
    return validated


def apply(user, validated: LedgerUpload) -> LedgerUpload:
    reasons = {item["code"]: ("cancelled", "已取消") for item in validated.preview["missing"]}
    return apply_upload(validated, user, reasons)


def stored_ledger() -> tuple[dict, list]:
    """Every stored project field but ids and times, by code; the history in order."""
    skip = {"id", "created_at", "updated_at", "last_upload"}
    names = [f.attname for f in Project._meta.concrete_fields if f.name not in skip]
    projects = {values["project_code"]: values for values in Project.objects.values(*names)}
    history = list(
        ProjectChange.objects.order_by("id").values_list(
            "project__project_code", "kind", "changes", "reason", "note"
        )
    )
    return projects, history


def comparable(projects: dict) -> dict:
    """Projects as compared between a fast and a full import: a project that left the ledger
    keeps the fingerprints it had (the full import blanked them on purpose)."""
    return {
        code: {
            k: v
            for k, v in values.items()
            if values["status"] == "active"
            or k not in ("row_digest", "raw_digest", "screening_key")
        }
        for code, values in projects.items()
    }


def forget_fingerprints() -> None:
    """What the ledger looked like before issue 19: no digest, no screening key."""
    Project.objects.update(row_digest="", raw_digest="", screening_key="")


def start_again() -> None:
    ProjectChange.objects.all().delete()
    Project.objects.all().delete()
    LedgerUpload.objects.all().delete()


def test_a_fast_reimport_stores_what_the_full_comparison_and_screening_store(agency_a, tmp_path):
    """SPEC §3 "Import behaviour": the fast path must not change what is kept — projects,
    screenings and history rows — row by row."""
    apply(agency_a, upload(agency_a, ledger(), tmp_path, "a.xlsx"))
    fast = upload(agency_a, next_month(ledger()), tmp_path, "b.xlsx")
    diff = compute_diff(fast.region, (row for _n, row in ledger_import._validated_rows(fast)))
    assert not diff.digests_to_store  # every unchanged row was recognised by its digest
    apply(agency_a, fast)
    after_fast = stored_ledger()

    start_again()
    apply(agency_a, upload(agency_a, ledger(), tmp_path, "a2.xlsx"))
    forget_fingerprints()  # every row compared field by field and screened again
    full = upload(agency_a, next_month(ledger()), tmp_path, "b2.xlsx")
    assert (
        full.preview["counts"]
        == fast.preview["counts"]
        == {"new": 1, "changed": 3, "unchanged": 20, "missing": 1}
    )
    apply(agency_a, full)
    after_full = stored_ledger()

    assert after_fast[0].keys() == after_full[0].keys()
    fast_projects, full_projects = comparable(after_fast[0]), comparable(after_full[0])
    for code, values in fast_projects.items():
        assert values == full_projects[code], code
    assert after_fast[1] == after_full[1]
    # The full comparison wrote every active project's digest and key: the next is fast.
    assert all(
        v["row_digest"] and v["screening_key"]
        for v in after_full[0].values()
        if v["status"] == "active"
    )


def test_unchanged_rows_are_screened_again_when_the_region_context_changes(agency_a, tmp_path):
    """(十八), R08: a region that missed last year's dual-control target changes the verdict
    of its planned projects although no row changed; the stored screening moves."""
    apply(agency_a, upload(agency_a, ledger(), tmp_path, "a.xlsx"))
    planned = Project.objects.get(project_code="2104-410100-04-01-000006")
    assert planned.verdict == "COMPLIANT", planned.findings
    AnnualResult.objects.create(
        region=Region.objects.get(code=CITY_A),
        year=AS_OF.year - 1,
        dual_control_met=False,
        pollutant_met=True,
    )
    again = upload(agency_a, ledger(), tmp_path, "a.xlsx")
    assert "same_as" not in again.fingerprint  # screenings are stale: the file is read
    assert again.preview["counts"]["unchanged"] == 24
    apply(agency_a, again)
    planned.refresh_from_db()
    assert planned.verdict == "NON_COMPLIANT"
    assert [f["outcome"] for f in planned.findings if f["rule"] == "R08"] == ["FAIL"]
    fast = stored_ledger()[0]

    forget_fingerprints()
    apply(agency_a, upload(agency_a, ledger(), tmp_path, "full.xlsx"))
    assert comparable(stored_ledger()[0]) == comparable(fast)


def test_unchanged_rows_are_screened_again_under_a_new_rule_set(agency_a, tmp_path):
    """SPEC §4: a project is screened under the rule set in force on `as_of`; a new rule set
    makes every stored screening stale even when the file is the same."""
    apply(agency_a, upload(agency_a, ledger(), tmp_path, "a.xlsx"))
    current = RuleSet.in_force(AS_OF)
    RuleSet.objects.create(
        name="test-2025", effective_from=date(2025, 6, 1), parameters=current.parameters
    )
    again = upload(agency_a, ledger(), tmp_path, "a.xlsx")
    assert "same_as" not in again.fingerprint
    apply(agency_a, again)
    assert set(Project.objects.values_list("screened_rule_set", flat=True)) == {"test-2025"}


def test_an_identical_file_is_previewed_without_reading_it_and_changes_nothing(
    agency_a, tmp_path, monkeypatch
):
    """SPEC §3: uploading the same file twice changes nothing."""
    rows = ledger()
    first = apply(agency_a, upload(agency_a, rows, tmp_path, "a.xlsx"))
    before = stored_ledger()
    updated = list(Project.objects.order_by("id").values_list("updated_at", flat=True))

    def must_not_read(*args, **kwargs):
        raise AssertionError("the identical file was read again")

    monkeypatch.setattr(ledger_import, "validate_workbook", must_not_read)
    again = upload(agency_a, rows, tmp_path, "a.xlsx")
    assert again.fingerprint["same_as"] == first.pk
    assert again.preview["counts"] == {"new": 0, "changed": 0, "unchanged": 24, "missing": 0}
    assert again.preview["unchanged"] == sorted(row["project_code"] for row in rows)
    assert again.data_rows == 24
    applied = apply(agency_a, again)
    assert applied.status == UploadStatus.APPLIED
    assert applied.summary == {
        "new": 0,
        "changed": 0,
        "unchanged": 24,
        "missing": 0,
        "screened": 24,
    }
    assert stored_ledger() == before
    assert list(Project.objects.order_by("id").values_list("updated_at", flat=True)) == updated
    # And a third time: the second upload is now the one it matches.
    third = upload(agency_a, rows, tmp_path, "a.xlsx")
    assert third.fingerprint["same_as"] == applied.pk


def test_an_identical_file_is_read_again_once_the_ledger_changed(agency_a, tmp_path):
    """The shortcut holds only while the ledger is what that file made it."""
    rows = ledger()
    apply(agency_a, upload(agency_a, rows, tmp_path, "a.xlsx"))
    apply(agency_a, upload(agency_a, next_month(rows), tmp_path, "b.xlsx"))
    back = upload(agency_a, rows, tmp_path, "a.xlsx")
    assert "same_as" not in back.fingerprint
    assert back.preview["counts"] == {"new": 0, "changed": 4, "unchanged": 20, "missing": 1}


def test_a_rolled_back_change_is_compared_in_full_on_the_next_upload(
    agency_a, provincial_reviewer, tmp_path
):
    """Rolling back restores old values; the digest of the rolled-back values must not make
    the same change look unchanged when it is uploaded again."""
    rows = ledger()
    apply(agency_a, upload(agency_a, rows, tmp_path, "a.xlsx"))
    changed = [dict(row) for row in rows]
    changed[7]["name"] = "项目7(更名)"
    second = apply(agency_a, upload(agency_a, changed, tmp_path, "b.xlsx"))
    rollback_upload(second, provincial_reviewer, "测试：撤回第二次上传")
    assert Project.objects.get(project_code=changed[7]["project_code"]).name == "项目7"
    again = upload(agency_a, changed, tmp_path, "b-again.xlsx")
    assert "same_as" not in again.fingerprint
    assert again.preview["counts"]["changed"] == 1
    assert again.preview["changed"][0]["changes"] == {"name": ["项目7", "项目7(更名)"]}


# ------------------------------------------------------------------------ the digests (pure)


def test_equal_rows_have_equal_digests_and_any_difference_shows():
    values = [Decimal("12000"), "豫发改〔2021〕5号", date(2021, 3, 1), True, None]
    assert row_digest("410100", values) == row_digest("410100", list(values))
    assert row_digest("410100", values) != row_digest("410300", values)
    assert row_digest("410100", ["a", None]) != row_digest("410100", [None, "a"])
    assert row_digest("410100", [date(2021, 3, 1)]) != row_digest("410100", [date(2021, 3, 2)])
    assert row_digest("410100", [True]) != row_digest("410100", [False])
    # Exact values: 12.50 is not 12.5 here (the upload then compares the row in full).
    assert row_digest("410100", [Decimal("12.5")]) != row_digest("410100", [Decimal("12.50")])


def test_a_row_whose_digest_differs_but_whose_values_do_not_is_unchanged(agency_a, tmp_path):
    """12.50 and 12.5 store the same number: unchanged, and its digest is then kept."""
    rows = ledger()
    apply(agency_a, upload(agency_a, rows, tmp_path, "a.xlsx"))
    rows[5]["investment"] = "12,345.50"
    again = upload(agency_a, rows, tmp_path, "b.xlsx")
    assert again.preview["counts"] == {"new": 0, "changed": 0, "unchanged": 24, "missing": 0}
    diff = compute_diff(again.region, (row for _n, row in ledger_import._validated_rows(again)))
    assert len(diff.digests_to_store) == 1
    apply(agency_a, again)
    diff = compute_diff(again.region, (row for _n, row in ledger_import._validated_rows(again)))
    assert not diff.digests_to_store


def test_the_screening_key_follows_the_rule_set_the_context_and_the_date():
    context = ScreeningContext(
        as_of=AS_OF, key_air_area=True, barometer=(BarometerMonth(2025, 4, Tier.RED),)
    )
    base = screening_key(["henan-2023", "2023-01-01", {"a": 1}], context)
    assert base == screening_key(["henan-2023", "2023-01-01", {"a": 1}], context)
    assert base != screening_key(["henan-2023", "2023-01-01", {"a": 2}], context)
    assert base != screening_key(["henan-2021", "2023-01-01", {"a": 1}], context)
    for other in (
        ScreeningContext(
            as_of=date(2025, 7, 1),
            key_air_area=True,
            barometer=(BarometerMonth(2025, 4, Tier.RED),),
        ),
        ScreeningContext(
            as_of=AS_OF, key_air_area=False, barometer=(BarometerMonth(2025, 4, Tier.RED),)
        ),
        ScreeningContext(
            as_of=AS_OF, key_air_area=True, barometer=(BarometerMonth(2025, 4, Tier.YELLOW),)
        ),
        ScreeningContext(as_of=AS_OF, key_air_area=True, barometer=()),
        ScreeningContext(
            as_of=AS_OF,
            key_air_area=True,
            missed_pollutant_target_last_year=True,
            barometer=(BarometerMonth(2025, 4, Tier.RED),),
        ),
    ):
        assert screening_key(["henan-2023", "2023-01-01", {"a": 1}], other) != base


@pytest.mark.parametrize("field", ["row_digest", "raw_digest", "screening_key"])
def test_the_fingerprints_fit_their_columns(field):
    assert Project._meta.get_field(field).max_length == len(row_digest("410100", []))


def test_the_confirmation_reads_the_file_again_only_when_kept_rows_need_their_values(
    agency_a, tmp_path, monkeypatch
):
    """The preview keeps unchanged rows with a current screening without their values; if
    the region's context moves before the confirmation, they are screened again from the file
    (R08, (十八)), never from nothing."""
    rows = ledger()
    apply(agency_a, upload(agency_a, rows, tmp_path, "a.xlsx"))
    readings = []
    validate = ledger_import.validate_workbook
    monkeypatch.setattr(
        ledger_import,
        "validate_workbook",
        lambda *args, **kwargs: readings.append(1) or validate(*args, **kwargs),
    )
    changed = next_month(rows)
    quiet = upload(agency_a, changed, tmp_path, "b.xlsx")
    assert (
        len(
            ledger_import.read_rows_spool(
                quiet,
                ledger_import.ledger_reference_with_digest(ledger_import.rule_set_for(AS_OF))[1],
            )
        )
        == 24
    )
    apply(agency_a, quiet)
    assert readings == [1]  # the preview's reading only

    readings.clear()
    moved = upload(agency_a, rows, tmp_path, "c.xlsx")
    AnnualResult.objects.create(
        region=Region.objects.get(code=CITY_A),
        year=AS_OF.year - 1,
        dual_control_met=False,
        pollutant_met=True,
    )
    apply(agency_a, moved)
    assert readings == [1, 1]  # the preview's, and the confirmation's
    planned = Project.objects.get(project_code="2104-410100-04-01-000006")
    assert planned.verdict == "NON_COMPLIANT"
    fast = stored_ledger()[0]
    forget_fingerprints()
    apply(agency_a, upload(agency_a, rows, tmp_path, "d.xlsx"))
    assert comparable(stored_ledger()[0]) == comparable(fast)


def test_stored_values_normalise_exactly_the_numbers_and_enumerations():
    from screening.rules.types import ConstructionType, ProjectInput, Sector, Stage

    row = ProjectInput(
        project_code="2104-410100-04-01-000001",
        name=" 名称 ",
        enterprise="企业",
        uscc="91110000600037341L",
        region="410100",
        sector=Sector.STEEL,
        product="高炉工序",
        construction_type=ConstructionType.NEW,
        stage=Stage.PLANNED,
        annual_energy_tce=Decimal("12000.123456789012"),
        eia_date=date(2021, 4, 1),
        livelihood=True,
        remarks="=1+1",
    )
    stored = stored_values.project_values(row, 7)
    assert stored == {
        **{
            name: stored_values.normalise(getattr(row, name))
            for name in stored_values.LEDGER_FIELDS
        },
        "region_id": 7,
    }
    assert stored["annual_energy_tce"] == Decimal("12000.1234567890")
    assert type(stored["sector"]) is str and stored["sector"] == "钢铁"
