"""Demo users and data for trying the product (never for production)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from accounts.models import DigestFrequency, Role, User
from screening.models import Region
from screening.rules.types import Stage

DEMO_PASSWORD = "henan-demo-2026"


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: Role
    region_code: str
    email: str


DEMO_USERS = [
    DemoUser("admin", "系统管理员", Role.ADMIN, "410000", "admin@example.org"),
    DemoUser(
        "province", "省发展改革委审核员", Role.PROVINCIAL_REVIEWER, "410000", "province@example.org"
    ),
    DemoUser("observer", "生态环境厅观察员", Role.OBSERVER, "410000", "observer@example.org"),
    DemoUser("zz_agency", "郑州市发展改革委报送员", Role.AGENCY, "410100", "zz-agency@example.org"),
    DemoUser("zz_city", "郑州市审核员", Role.CITY_REVIEWER, "410100", "zz-city@example.org"),
    DemoUser("ly_agency", "洛阳市发展改革委报送员", Role.AGENCY, "410300", "ly-agency@example.org"),
    DemoUser("ly_city", "洛阳市审核员", Role.CITY_REVIEWER, "410300", "ly-city@example.org"),
    DemoUser("ay_agency", "安阳市发展改革委报送员", Role.AGENCY, "410500", "ay-agency@example.org"),
    DemoUser("ay_city", "安阳市审核员", Role.CITY_REVIEWER, "410500", "ay-city@example.org"),
    DemoUser(
        "gy_agency",
        "巩义市发展改革委报送员 (省直管)",
        Role.AGENCY,
        "410181",
        "gy-agency@example.org",
    ),
    DemoUser("ly_observer", "洛阳市观察员", Role.OBSERVER, "410300", "ly-observer@example.org"),
]


@transaction.atomic
def seed_demo_users(*, reset: bool = False) -> list[DemoUser]:
    """Create the demo users (one per role in two cities and the province); with `reset`,
    also reset existing ones (name, role, regions, password)."""
    regions = {r.code: r for r in Region.objects.all()}
    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(username=demo.username)
        if not created and not reset:
            continue  # never alter an existing user unless told to
        user.first_name = demo.full_name
        user.email = demo.email
        user.role = demo.role
        user.is_staff = demo.role == Role.ADMIN
        user.is_superuser = demo.role == Role.ADMIN
        user.digest_frequency = (
            DigestFrequency.MONTHLY if demo.role == Role.OBSERVER else DigestFrequency.DAILY
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.regions.set([regions[demo.region_code]])
    return DEMO_USERS


# --- A sample ledger and cases ---------------------------------------------------------------

# (region, sector, product, stage, type, energy tce, tech class, twist): a varied ledger whose
# rows exercise most rules; `twist` makes the row fail or lack something on purpose.
DEMO_PROJECTS = [
    ("郑州市", "钢铁", "高炉工序", "拟建", "新建", 52000, "允许类", None),
    ("郑州市", "建材", "水泥熟料", "拟建", "新建", 38000, "允许类", "low_ratio"),
    ("郑州市", "化工", "烧碱 (离子膜法液碱≥30%)", "在建", "扩建", 16000, "允许类", "no_eia"),
    ("郑州市", "有色", "电解铝", "存量", "新建", 210000, "允许类", "old_diagnosis"),
    ("郑州市", "煤电", None, "存量", "新建", 480000, "鼓励类", None),
    ("郑州市", "数据中心", None, "存量", "新建", 12000, "允许类", None),
    ("郑州市", "其他", None, "拟建", "新建", 6000, "允许类", None),
    ("郑州市", "焦化", "焦炭 (顶装焦炉)", "存量", "新建", 95000, "淘汰类", None),
    ("郑州市", "化工", "电石", "拟建", "新建", 9999, "允许类", None),
    ("郑州市", "石化", "乙烯", "拟建", "扩建", 150000, "限制类", None),
    ("洛阳市", "石化", "炼油", "拟建", "改建", 300000, "允许类", None),
    ("洛阳市", "建材", "平板玻璃 (>800t/d)", "在建", "新建", 45000, "允许类", "high_energy"),
    ("洛阳市", "钢铁", "电弧炉冶炼 (≥50t)", "存量", "技术改造", 30000, "限制类", "more_energy"),
    ("洛阳市", "煤化工", "煤制甲醇", "拟建", "新建", 260000, "允许类", "no_rights"),
    ("洛阳市", "建材", "建筑陶瓷 (E≤0.5%)", "存量", "新建", 14000, "允许类", None),
    ("安阳市", "钢铁", "转炉工序", "拟建", "新建", 64000, "允许类", None),
    ("安阳市", "焦化", "焦炭 (捣固焦炉)", "拟建", "新建", 88000, "允许类", None),
    ("安阳市", "化工", "合成氨 (天然气)", "在建", "新建", 41000, "允许类", None),
    ("巩义市", "有色", "铜冶炼", "拟建", "新建", 23000, "允许类", None),
    ("巩义市", "建材", "卫生陶瓷", "存量", "新建", 11000, "允许类", None),
    # Revision 4 (2026-12): a planned steel project with 产品/工序 blank, adding capacity,
    # replacing none and answering 否 to coal substitution (R03 (b), R04, R10: no longer a
    # pass); new coal-chemical and alumina capacity in a key area (R15).
    ("郑州市", "钢铁", None, "拟建", "新建", 58000, "允许类", "blank_product_no_coal"),
    ("郑州市", "煤化工", "煤制烯烃", "拟建", "新建", 320000, "允许类", "key_area_capacity"),
    ("巩义市", "有色", "氧化铝", "拟建", "扩建", 42000, "允许类", "key_area_capacity"),
]
REGION_UPLOADERS = {
    "郑州市": "zz_agency",
    "洛阳市": "ly_agency",
    "安阳市": "ay_agency",
    "巩义市": "gy_agency",
}
REGION_CODES = {"郑州市": "410100", "洛阳市": "410300", "安阳市": "410500", "巩义市": "410181"}


def demo_ledger_rows(region_name: str) -> list[dict]:
    """The demo ledger rows of one region, keyed by template column key."""
    from screening.rules.params import RuleParameters
    from screening.screen import parameters_of, rule_set_for

    params: RuleParameters = parameters_of(rule_set_for(timezone_today()))
    rows = []
    for index, (region, sector, product, stage, kind, energy, tech, twist) in enumerate(
        DEMO_PROJECTS, start=1
    ):
        if region != region_name:
            continue
        code = REGION_CODES[region]
        spec = params.product(product) if product else None
        row = {
            "project_code": f"24{index % 12 + 1:02d}-{code}-04-01-{index * 7919 % 1000000:06d}",
            "name": f"{region.removesuffix('市')}{product or sector}项目{index}",
            "enterprise": f"河南{region.removesuffix('市')}示例{sector}有限公司",
            "uscc": "91110000600037341L" if index % 2 else "91110108551385082Q",
            "region": region,
            "sector": sector,
            "product": product,
            "construction_type": kind,
            "stage": stage,
            "annual_energy_tce": energy,
            "new_energy_tce": energy if stage == Stage.PLANNED else None,
            "tech_class": tech,
            "policy_fit": "是",
            "pollutant_control": "是",
            "coal_substitution": "是",
            "pollutant_reduction": "是",
            "energy_rights_tce": energy if stage == Stage.PLANNED else None,
            "livelihood": "否",
            "energy_review_ref": f"豫发改环资〔2023〕{index}号",
            "energy_review_date": "2023-03-01",
            "eia_ref": f"豫环审〔2023〕{index}号",
            "eia_date": "2023-04-01",
            "start_date": "2023-06-01" if stage != Stage.PLANNED else None,
            "last_energy_diagnosis": "2023-05-01" if stage == Stage.OPERATING else None,
            "last_cleaner_production": "2022-09-01" if stage == Stage.OPERATING else None,
            "investment": energy * 3,
        }
        if spec is not None:
            row["unit_energy"] = spec.benchmark
            row["unit_energy_unit"] = spec.unit
            if params.replacement_rule(spec.family) and stage in (
                Stage.PLANNED,
                Stage.UNDER_CONSTRUCTION,
            ):
                row.update(
                    new_capacity=100,
                    capacity_unit="万吨/年",
                    replaced_capacity=200,
                    replacement_plan_ref=f"豫工信产业〔2023〕{index}号",
                )
        if twist == "low_ratio":
            row["replaced_capacity"] = 120
        elif twist == "no_eia":
            row["eia_ref"] = row["eia_date"] = None
        elif twist == "old_diagnosis":
            row["last_energy_diagnosis"] = "2019-03-01"
        elif twist == "high_energy":
            row["unit_energy"] = spec.baseline + 1
        elif twist == "more_energy":
            row["new_energy_tce"] = 800
        elif twist == "no_rights":
            row["energy_rights_tce"] = 1000
        elif twist == "blank_product_no_coal":
            row.update(new_capacity=100, capacity_unit="万吨/年", coal_substitution="否")
        elif twist == "key_area_capacity":
            row.update(new_capacity=60, capacity_unit="万吨/年")
        rows.append(row)
    return rows


def timezone_today():
    from django.utils import timezone

    return timezone.localdate()


def seed_demo_ledger() -> list[int]:
    """Upload the demo ledger of each demo region through the real upload path; returns the
    uploads' ids."""
    import tempfile
    from pathlib import Path

    from django.core.files.base import ContentFile
    from openpyxl import Workbook

    from screening.ledger.services import apply_upload, receive_upload, validate_upload
    from screening.ledger.xlsx.template import COLUMNS
    from screening.models import UploadStatus

    applied = []
    for region_name, username in REGION_UPLOADERS.items():
        user = User.objects.get(username=username)
        region = Region.objects.get(code=REGION_CODES[region_name])
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "台账"
        sheet.append([c.header for c in COLUMNS])
        for row in demo_ledger_rows(region_name):
            sheet.append([row.get(c.key) for c in COLUMNS])
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"{region_name}台账.xlsx"
            workbook.save(path)
            upload = receive_upload(user, region, ContentFile(path.read_bytes()), path.name)
        upload = validate_upload(upload)
        if upload.status != UploadStatus.PREVIEW:
            raise RuntimeError(f"demo ledger of {region_name} does not validate: {upload.errors}")
        missing = {m["code"]: ("other", "demo") for m in upload.preview.get("missing", [])}
        apply_upload(upload, user, missing)
        applied.append(upload.pk)
    return applied


def seed_demo_cases() -> int:
    """A few review cases in different states, so every reviewer has something waiting."""
    from screening.cases.services import forward_case, open_case, submit_case
    from screening.models import CaseState, Project, ReviewCase

    if ReviewCase.objects.exists():
        return 0
    agency = {
        code: User.objects.get(username=name)
        for name, code in [(u, REGION_CODES[r]) for r, u in REGION_UPLOADERS.items()]
    }
    city = {
        "410100": User.objects.get(username="zz_city"),
        "410300": User.objects.get(username="ly_city"),
        "410500": User.objects.get(username="ay_city"),
    }
    count = 0
    planned = Project.objects.filter(stage=Stage.PLANNED)
    for project in planned.select_related("region").order_by("id"):
        case = open_case(project, acting_user=agency[project.region.code])
        submit_case(case, acting_user=agency[project.region.code])
        count += 1
        # Most cases go on to the province; 安阳's (under 限批 in the demo barometer) all do,
        # so the provincial reviewer sees why they cannot be approved.
        if (
            case.state == CaseState.SUBMITTED
            and project.region.code in city
            and (count % 3 or project.region.code == "410500")
        ):
            forward_case(
                case,
                acting_user=city[project.region.code],
                opinion="经市级初审,材料齐全,同意报省级审核。",
            )
    return count


# --- Seeding once (issue 13.1) ---------------------------------------------------------------


def data_the_demo_did_not_put_here() -> list[str]:
    """What users entered that seeding would change: uploads the demo did not make, barometer
    months not from the demo, and (before the first seeding) users with a demo user's name.
    Empty when seeding is harmless."""
    from screening.models import DemoSeed, IndicatorMonth, LedgerUpload
    from screening.models.warnings import IndicatorSource

    seed = DemoSeed.objects.first()
    found = []
    uploads = LedgerUpload.objects.exclude(pk__in=seed.upload_ids if seed else [])
    if count := uploads.count():
        names = sorted(set(uploads.values_list("uploaded_by__username", flat=True)))
        found.append(f"{count} ledger upload(s) not made by the demo (by {', '.join(names)})")
    if count := IndicatorMonth.objects.exclude(source=IndicatorSource.DEMO).count():
        found.append(f"{count} barometer month(s) not from the demo")
    if seed is None:
        names = sorted(
            User.objects.filter(username__in=[d.username for d in DEMO_USERS]).values_list(
                "username", flat=True
            )
        )
        if names:
            found.append(f"users with demo names the demo did not create ({', '.join(names)})")
    return found


def record_demo_seeded(upload_ids: list[int], *, forced: bool) -> None:
    """Keep the one row saying the demo was seeded, with every upload the demo made."""
    from django.utils import timezone

    from screening.models import DemoSeed

    seed = DemoSeed.objects.first()
    if seed is None:
        DemoSeed.objects.create(upload_ids=upload_ids, forced=forced)
        return
    seed.upload_ids = sorted({*seed.upload_ids, *upload_ids})
    seed.seeded_at, seed.forced = timezone.now(), forced
    seed.save()
