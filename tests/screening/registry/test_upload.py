"""The registry's Excel templates round trip (issue 17): the downloaded template, filled in and
uploaded, is validated cell by cell, previewed, and registered only when confirmed; a file with
errors changes nothing and comes back with the bad cells marked, as the ledger's does."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from screening.models import (
    CapacityDraw,
    CapacitySource,
    RegistryUpload,
    RegistryUploadStatus,
    ReplacementPlan,
)
from screening.registry import services
from tests.screening.registry.helpers import make_plan, make_source

pytestmark = pytest.mark.django_db
D = Decimal
USCC = "91110000600037341L"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def filled_template(client: Client, kind: str, rows: list[list]) -> bytes:
    response = client.get(reverse("screening:registry_template", args=[kind]))
    assert response["Content-Disposition"].startswith("attachment")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert sheet.data_validations.dataValidation  # drop-downs for the enumerations
    for row in rows:
        sheet.append([row.get(header) for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client: Client, kind: str, content: bytes) -> RegistryUpload:
    response = client.post(
        reverse("screening:registry_upload_new"),
        {"kind": kind, "file": SimpleUploadedFile("登记.xlsx", content)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return RegistryUpload.objects.latest("id")


def source_row(**changes) -> dict:
    row = {
        "所在地区": "郑州",
        "企业名称": "郑州某钢铁有限公司",
        "统一社会信用代码": USCC,
        "产品类别": "高炉工序",
        "退出产能": 120,
        "产能单位": "万吨/年",
        "退出装备": "1号450m³高炉",
        "关停日期": "2020-12-31",
        "拆除日期": "2021/3/31",
        "享受奖补资金": "否",
    }
    row.update(changes)
    return row


def test_sources_round_trip_preview_then_confirm(agency_a):
    client = client_for(agency_a)
    content = filled_template(
        client,
        "sources",
        [source_row(), source_row(**{"退出装备": "2号450m³高炉", "退出产能": "80"})],
    )
    item = upload(client, "sources", content)
    assert item.status == RegistryUploadStatus.PREVIEW
    assert not CapacitySource.objects.exists()  # nothing before confirmation
    page = client.get(reverse("screening:registry_upload", args=[item.pk])).content.decode()
    assert "2号450m³高炉" in page
    client.post(reverse("screening:registry_upload", args=[item.pk]))
    sources = list(CapacitySource.objects.order_by("id"))
    assert [s.capacity for s in sources] == [D("120"), D("80")]
    assert sources[0].region.code == "410100" and str(sources[0].dismantled_date) == "2021-03-31"
    item.refresh_from_db()
    assert item.status == RegistryUploadStatus.APPLIED
    # Confirming twice registers nothing more.
    client.post(reverse("screening:registry_upload", args=[item.pk]))
    assert CapacitySource.objects.count() == 2


def test_a_file_with_errors_changes_nothing_and_comes_back_annotated(agency_a):
    client = client_for(agency_a)
    content = filled_template(
        client,
        "sources",
        [
            source_row(**{"统一社会信用代码": "91110000600037341X"}),
            source_row(**{"所在地区": "洛阳", "退出装备": "3号高炉"}),
            source_row(**{"退出装备": "4号高炉", "退出产能": "约1.2万"}),
            source_row(**{"退出装备": "5号高炉", "拆除日期": "2020-01-01"}),
        ],
    )
    item = upload(client, "sources", content)
    assert item.status == RegistryUploadStatus.INVALID
    assert not CapacitySource.objects.exists()
    by_row = {(e["row"], e["column"]) for e in item.errors}
    assert by_row == {(2, "统一社会信用代码"), (3, "所在地区"), (4, "退出产能"), (5, "拆除日期")}
    page = client.get(reverse("screening:registry_upload", args=[item.pk])).content.decode()
    assert "拆除日期早于关停日期" in page and "您无权登记该地区的产能置换" in page
    annotated = client.get(reverse("screening:registry_upload_annotated", args=[item.pk]))
    workbook = load_workbook(io.BytesIO(b"".join(annotated.streaming_content)))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    marked = sheet.cell(row=2, column=headers.index("统一社会信用代码") + 1)
    assert marked.fill.start_color.rgb.endswith("FF9999") and "校验" in marked.comment.text
    assert "错误清单" in workbook.sheetnames


def test_plans_round_trip_with_draws_counted_across_the_file(agency_a):
    client = client_for(agency_a)
    source = make_source(agency_a, capacity=D("200"))
    other = make_plan(agency_a)
    services.draw(other, source, D("50"), user=agency_a)  # 150 remain
    row = {
        "方案文号": "豫工信产业〔2024〕7号",
        "方案日期": "2024-03-01",
        "所在地区": "410100",
        "建设单位": "郑州某钢铁有限公司",
        "统一社会信用代码": USCC,
        "产品类别": "高炉工序",
        "新增产能": 100,
        "产能单位": "万吨/年",
        "服务项目代码": "2403-410100-04-01-000001",
        "退出产能编号": source.number,
        "提取产能": 100,
    }
    too_much = filled_template(client, "plans", [row, {**row, "提取产能": 51}])
    refused = upload(client, "plans", too_much)
    assert refused.status == RegistryUploadStatus.INVALID
    (error,) = refused.errors
    assert error["row"] == 3 and error["column"] == "提取产能" and "150" in error["message_zh"]
    fits = filled_template(client, "plans", [row, {**row, "提取产能": 50}])
    item = upload(client, "plans", fits)
    assert item.status == RegistryUploadStatus.PREVIEW
    assert item.preview["plans"][0]["draws"] == [[source.number, 100], [source.number, 50]]
    client.post(reverse("screening:registry_upload", args=[item.pk]))
    plan = ReplacementPlan.objects.get(ref="豫工信产业〔2024〕7号")
    assert plan.project_codes == ["2403-410100-04-01-000001"]
    assert sum(d.amount for d in CapacityDraw.objects.filter(plan=plan)) == D("150")
    source.refresh_from_db()
    assert source.drawn == source.capacity


def test_a_refused_file_is_stored_as_refused_with_a_clear_message(agency_a):
    item = upload(client_for(agency_a), "sources", b"a,b,c\n1,2,3\n")
    assert item.status == RegistryUploadStatus.REFUSED and item.message
    assert not CapacitySource.objects.exists()
