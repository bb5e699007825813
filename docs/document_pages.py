"""Screenshots of each kind of decision document as the HTML view shows it (issue 18), for the
README: `.venv/bin/python docs/document_pages.py` writes docs/documents/<kind>.png.

The documents are built by the same pure builders and template the app uses, from the facts of
a sample case (a cement-clinker project of 郑州 under review by the province). Needs headless
Chromium (/usr/bin/chromium) and Playwright; not part of the tests.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.template.loader import render_to_string  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from screening.documents.builders import build  # noqa: E402

OUT = ROOT / "docs" / "documents"
CSS = (ROOT / "templates" / "static" / "css" / "documents.css").read_text(encoding="utf-8")

R03 = {
    "rule": "R03",
    "outcome": "FAIL",
    "clause": "(四)2",
    "message_zh": "水泥熟料新增产能100万吨/年，重点区域置换比例须不低于2∶1：置换产能120万吨/年"
    "不足200万吨/年。",
    "values": {
        "family": "水泥熟料",
        "key_air_area": True,
        "ratio_required": 2,
        "new_capacity": 100,
        "replaced_capacity": 120,
        "required_capacity": 200,
        "capacity_unit": "万吨/年",
        "replacement_plan_ref": "豫工信产能〔2026〕8号",
    },
}
R10 = {
    "rule": "R10",
    "outcome": "FAIL",
    "clause": "(十七)",
    "message_zh": "设计单位产品能耗112 kgce/t高于标杆水平100 kgce/t。",
    "values": {
        "product": "水泥熟料",
        "unit_energy": 112,
        "benchmark": 100,
        "baseline": 117,
        "unit": "kgce/t",
    },
}
R02 = {
    "rule": "R02",
    "outcome": "INFO",
    "clause": "(十五); 2030 plan 三(二)4",
    "message_zh": "项目年综合能源消费量达到5000吨标准煤，其建设单位为用能权交易主体。",
    "values": {},
}

BASE = {
    "issued_on": "2026-12-04",
    "number": "豫发改环资〔2026〕12号",
    "office": {
        "name": "河南省发展和改革委员会",
        "prefix": "豫发改环资",
        "copy_to": ["河南省生态环境厅", "河南省工业和信息化厅"],
    },
    "addressee": "郑州市发展和改革委员会",
    "region_name": "郑州市",
    "submitted_on": "2026-11-16",
    "project": {
        "project_code": "2611-410100-04-01-000123",
        "name": "年产100万吨水泥熟料技改项目",
        "enterprise": "河南某建材有限公司",
        "uscc": "91410100MA44UNKN0W",
        "sector": "建材",
        "product": "水泥熟料",
        "construction_type": "新建",
        "stage": "拟建",
        "annual_energy_tce": "120000",
        "new_energy_tce": "120000",
        "new_capacity": "100",
        "capacity_unit": "万吨/年",
    },
    "opinion": "",
}
COMPLIANT = {
    "rule_set": "henan-2021",
    "as_of": "2026-11-16",
    "verdict": "COMPLIANT",
    "disposition": "PROCEED",
    "findings": [R02],
}
FAILING = {
    "rule_set": "henan-2021",
    "as_of": "2026-11-16",
    "verdict": "NON_COMPLIANT",
    "disposition": "REJECT",
    "findings": [R02, R03, R10],
}
RESTRICTION = {
    "months": ["2026-08", "2026-09", "2026-10"],
    "started": "2026-10",
    "ended": "2026-11",
    "end_reason": "not_red",
}

SAMPLES = {
    "approval": {
        "screening": COMPLIANT,
        "opinion": "请督促建设单位按审查意见组织建设。",
        "evaluation": {
            "kind": "window_guidance",
            "result": "符合产能置换和能效要求",
            "completed_on": "2026-11-28",
        },
    },
    "rejection": {"screening": FAILING, "opinion": "产能置换不足，能效未达标杆水平。"},
    "deferral": {
        "screening": {**COMPLIANT},
        "opinion": "",
        "region_status": {
            "restricted": True,
            "red_months": RESTRICTION["months"],
            "missed_dual_control": False,
            "missed_pollutant": False,
            "livelihood": False,
        },
    },
    "rectification_order": {
        "screening": {**FAILING, "disposition": "STOP_AND_RECTIFY"},
        "ordered_disposition": "STOP_AND_RECTIFY",
        "deadline": "2027-01-29",
        "deadline_working_days": 38,
        "opinion": "整改期间停止施工。",
        "attachments": ["现场核查记录.pdf"],
    },
    "rectification_acceptance": {
        "screening": COMPLIANT,
        "accepted": True,
        "order_number": "豫发改环资〔2026〕9号",
        "evidence_on": "2026-11-30",
        "opinion": "",
    },
    "restriction": {
        "restriction": {**RESTRICTION, "ended": "", "end_reason": ""},
        "addressee": "安阳市发展和改革委员会",
        "region_name": "安阳市",
    },
    "restriction_lifted": {
        "restriction": RESTRICTION,
        "restriction_number": "豫发改环资〔2026〕10号",
        "addressee": "安阳市发展和改革委员会",
        "region_name": "安阳市",
    },
}


def page_html(kind: str) -> str:
    facts = {**BASE, **SAMPLES[kind], "kind": kind}
    body = render_to_string("screening/documents/_page.html", {"doc": build(facts)})
    return (
        f'<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8"><style>{CSS}'
        "body{background:#e8eaed;margin:0;padding:1px}</style></head>"
        f"<body>{body}</body></html>"
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page(viewport={"width": 860, "height": 1200})
        for kind in SAMPLES:
            page.set_content(page_html(kind))
            page.locator("article.gov-page").screenshot(path=str(OUT / f"{kind}.png"))
            print(OUT / f"{kind}.png")
        browser.close()


if __name__ == "__main__":
    main()
