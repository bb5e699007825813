"""Documents are issued when the transition happens, stored with its event, numbered per
issuing office and year, and read back with python-docx: number, title, cited rules and
clauses, blanks."""

from datetime import timedelta

import pytest
from django.utils import timezone

from screening.cases import services as workflow
from screening.documents import services
from screening.models import DecisionDocument, DocumentKind, IssuingOffice
from tests.factories import pdf_upload
from tests.screening.cases.conftest import publish_red_months, record_missed_targets
from tests.screening.documents.conftest import (
    CITY_OFFICE,
    PROVINCE_OFFICE,
    evaluated,
    in_review,
    number,
    read_back,
)


def only_document(case) -> DecisionDocument:
    (document,) = case.documents.all()
    return document


def test_approval_is_issued_with_the_event_numbered_and_laid_out(people, offices):
    case = evaluated(in_review(people), people["province"])
    workflow.approve_case(case, acting_user=people["province"], comment="同意该项目建设。")
    document = only_document(case)
    assert document.kind == DocumentKind.APPROVAL
    assert document.event == case.events.get(transition="approve")
    assert document.number == number(1) and document.version == 1
    opened, text = read_back(document)
    paragraphs = [p.text for p in opened.paragraphs]
    assert paragraphs[0] == PROVINCE_OFFICE and paragraphs[2] == number(1)
    assert f"关于{case.project.name}的审查意见" in paragraphs
    assert f"{CITY_OFFICE}：" in paragraphs
    assert "完成窗口指导，评估结论为：符合窗口指导要求" in text
    assert "同意该项目建设。" in text
    assert "抄送：河南省生态环境厅，河南省工业和信息化厅。" in text
    assert "【待填" not in text  # every fact came from the case


def test_a_rejection_cites_the_failed_rule_and_clause(people, offices):
    case = in_review(people, non_compliant=True)
    workflow.reject_case(case, acting_user=people["province"], reason="不符合产业政策。")
    document = only_document(case)
    assert document.kind == DocumentKind.REJECTION and document.number == number(1)
    opened, text = read_back(document)
    assert opened.paragraphs[2].text == number(1)
    assert f"关于{case.project.name}不予审批的意见" in text
    assert (
        "产业政策和规划符合性（R13，依据《河南省坚决遏制“两高”项目盲目发展行动方案》"
        "第(四)3条、第(五)条、第(十二)条）" in text
    )
    assert "符合产业政策和规划：否" in text
    assert "不符合产业政策。" in text


def test_rejecting_a_compliant_case_under_restriction_is_a_deferral(people, offices):
    case = in_review(people)
    publish_red_months("410100", 3)
    workflow.reject_case(case, acting_user=people["province"], reason="待限批解除后再报。")
    document = only_document(case)
    assert document.kind == DocumentKind.DEFERRAL
    opened, text = read_back(document)
    assert opened.paragraphs[2].text == number(1)
    assert f"关于暂缓审批{case.project.name}的通知" in text
    assert "连续3个月为红色（一级预警）" in text and "区域节能评估限批期间" in text


def test_missed_targets_defer_a_compliant_case(people, offices):
    case = in_review(people)
    record_missed_targets("410100")
    workflow.reject_case(case, acting_user=people["province"], reason="待目标完成后再报。")
    document = only_document(case)
    assert document.kind == DocumentKind.DEFERRAL
    assert "未完成上年度能耗双控目标" in read_back(document)[1]


def test_the_rectification_order_and_its_acceptance(people, offices):
    province = people["province"]
    case = in_review(people)
    deadline = timezone.localdate() + timedelta(days=30)
    # A planned project: 暂缓审批 is a disposition that fits its stage (SPEC §4 table).
    workflow.order_rectification(
        case,
        acting_user=province,
        disposition="DEFER",
        deadline=deadline,
        comment="请按期完成节能改造。",
    )
    order = only_document(case)
    assert order.kind == DocumentKind.RECTIFICATION_ORDER and order.number == number(1)
    _opened, text = read_back(order)
    from screening.cases.deadlines import working_days_between

    days = working_days_between(timezone.localdate(), deadline)
    assert (
        f"{days}个工作日内（{deadline.year}年{deadline.month}月{deadline.day}日前）完成整改" in text
    )
    assert "处置方式：暂缓审批" in text

    workflow.submit_rectification(case, acting_user=people["agency"], files=[pdf_upload()])
    workflow.reject_rectification(case, acting_user=province, comment="佐证材料不全。")
    refused = case.documents.get(event__transition="reject_rectification")
    assert refused.number == number(2)
    text = read_back(refused)[1]
    assert "不予通过验收" in text and f"整改通知书（{number(1)}）" in text

    workflow.submit_rectification(case, acting_user=people["agency"], files=[pdf_upload()])
    workflow.verify_rectification(case, acting_user=province, comment="整改到位。")
    accepted = case.documents.get(event__transition="verify_rectification")
    assert accepted.kind == DocumentKind.RECTIFICATION_ACCEPTANCE
    assert accepted.number == number(3)
    assert "同意通过验收" in read_back(accepted)[1]


def test_steps_that_decide_nothing_issue_no_document(people, offices):
    case = in_review(people)  # submitted and forwarded
    workflow.return_case(case, acting_user=people["province"], comment="请补充材料")
    assert not DecisionDocument.objects.exists()


def test_without_office_settings_the_office_and_prefix_are_blanks(people):
    case = in_review(people, non_compliant=True)
    workflow.reject_case(case, acting_user=people["province"], reason="不符合产业政策")
    document = only_document(case)
    opened, text = read_back(document)
    year = timezone.localdate().year
    assert opened.paragraphs[2].text == f"【待填：发文机关代字】〔{year}〕1号"
    assert "【待填：发文机关】" in text and "【待填：主送机关】" in text
    highlighted = [r for p in opened.paragraphs for r in p.runs if r.font.highlight_color]
    assert any("【待填：发文机关】" == r.text for r in highlighted)


def test_numbers_run_per_office_and_year(people, offices):
    province = people["province"]
    first = in_review(people, non_compliant=True)
    second = in_review(people, non_compliant=True)
    workflow.reject_case(first, acting_user=province, reason="一")
    workflow.reject_case(second, acting_user=province, reason="二")
    assert [d.number for d in DecisionDocument.objects.order_by("id")] == [number(1), number(2)]
    # Another office (a different issuing region) starts its own series.
    from screening.models import Region

    other = Region.objects.get(code="410300")
    assert services.take_serial(other, first.documents.get().year) == 1
    assert services.take_serial(Region.objects.get(code="410000"), 1999) == 1


def test_a_correction_is_a_new_version_with_the_same_number(people, offices):
    case = in_review(people, non_compliant=True)
    workflow.reject_case(case, acting_user=people["province"], reason="不符合产业政策")
    first = only_document(case)
    first_bytes = first.file.open("rb").read()
    corrected = services.correct_document(
        first,
        acting_user=people["province"],
        reason="补充不予审批理由",
        changes={
            "opinion": "该项目不符合国家产业政策，不予审批。",
            "addressee": "郑州市发展改革委",
        },
    )
    assert corrected.number == first.number and corrected.version == 2
    assert corrected.previous == first
    text = read_back(corrected)[1]
    assert "该项目不符合国家产业政策，不予审批。" in text and "郑州市发展改革委：" in text
    first.refresh_from_db()
    assert first.file.open("rb").read() == first_bytes  # the first version kept as issued
    assert not first.is_current and corrected.is_current
    with pytest.raises(services.DocumentRefused):
        services.correct_document(first, acting_user=people["province"], reason="again", changes={})
    with pytest.raises(services.DocumentRefused):
        services.correct_document(corrected, acting_user=people["province"], reason=" ", changes={})
    assert DecisionDocument.objects.count() == 2


def test_office_settings_are_read_when_the_document_is_issued(people, offices):
    case = in_review(people, non_compliant=True)
    IssuingOffice.objects.filter(region__code="410000").update(number_prefix="豫发改办")
    workflow.reject_case(case, acting_user=people["province"], reason="不符合产业政策")
    assert only_document(case).number.startswith("豫发改办〔")
