"""Writing real ledger workbooks for tests (openpyxl), from rows given by template key."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from screening.ledger.xlsx.template import COLUMNS


def valid_row(**overrides) -> dict:
    """A compliant 拟建 steel project in 郑州 (key area): every rule that applies passes."""
    row = {
        "project_code": "2104-410100-04-01-123456",
        "name": "高炉产能置换升级项目",
        "enterprise": "河南示例钢铁有限公司",
        "uscc": "91110000600037341L",
        "region": "郑州市",
        "sector": "钢铁",
        "product": "高炉工序",
        "construction_type": "新建",
        "stage": "拟建",
        "annual_energy_tce": 50000,
        "new_energy_tce": 50000,
        "coal_tonnes": 0,
        "new_capacity": 100,
        "capacity_unit": "万吨/年",
        "replaced_capacity": 150,
        "replacement_plan_ref": "豫工信产业〔2021〕12号",
        "unit_energy": 360,
        "unit_energy_unit": "kgce/t",
        "tech_class": "允许类",
        "policy_fit": "是",
        "pollutant_control": "是",
        "coal_substitution": "是",
        "pollutant_reduction": "是",
        "energy_rights_tce": 50000,
        "livelihood": "否",
    }
    row.update(overrides)
    return row


def write_ledger(
    path: Path, rows: list[dict], *, extra_headers: list[str] = (), drop: tuple[str, ...] = ()
) -> Path:
    """A ledger with the template headers (minus `drop`, plus `extra_headers`) and the rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "台账"
    columns = [c for c in COLUMNS if c.header not in drop]
    sheet.append([c.header for c in columns] + list(extra_headers))
    for row in rows:
        sheet.append([row.get(c.key) for c in columns] + [row.get(h) for h in extra_headers])
    workbook.save(path)
    return path
