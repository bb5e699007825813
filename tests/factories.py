"""Test data: projects with valid ledger values (SPEC §3) and review cases driven through the
workflow's own services (never by setting the state)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from screening.cases import services as workflow
from screening.models import CaseState, Project, Region, ReviewCase


class ProjectFactory(factory.django.DjangoModelFactory):
    """A planned chemical project in 郑州 that screens COMPLIANT under the shipped rule sets:
    in scope, energy-use rights bought, pollutant control in place, permitted technology."""

    class Meta:
        model = Project

    region = factory.LazyFunction(lambda: Region.objects.get(code="410100"))
    project_code = factory.Sequence(lambda n: f"2401-410100-04-01-{n:06d}")
    name = factory.Sequence(lambda n: f"年产{n + 1}万吨化工新材料项目")
    enterprise = "河南某化工有限公司"
    uscc = "91410100MA44UNKN0W"
    sector = "化工"
    # Revision 4: a blank product is NEEDS_INFO (R10), and R04 asks every new 两高 project
    # for coal and pollutant reduction, so the compliant default states all three.
    product = "电石"
    unit_energy = Decimal("805")
    unit_energy_unit = "kgce/t"
    coal_substitution = True
    pollutant_reduction = True
    construction_type = "新建"
    stage = "拟建"
    annual_energy_tce = Decimal("20000")
    new_energy_tce = Decimal("20000")
    energy_rights_tce = Decimal("20000")
    tech_class = "允许类"
    policy_fit = True
    pollutant_control = True
    livelihood = False
    in_scope = None

    class Params:
        # Fails R13 (政策符合性) → NON_COMPLIANT, disposition REJECT.
        non_compliant = factory.Trait(policy_fit=False)
        # Cement clinker with capacity replaced 2:1 in a key air area: R03 applies and passes.
        capacity_replacement = factory.Trait(
            sector="建材",
            product="水泥熟料",
            new_capacity=Decimal("100"),
            capacity_unit="万吨/年",
            replaced_capacity=Decimal("200"),
            replacement_plan_ref="豫工信产能〔2024〕1号",
            unit_energy=Decimal("95"),
            unit_energy_unit="kgce/t",
            coal_substitution=True,
            pollutant_reduction=True,
        )


def case_in_state(
    state: str, *, agency, city=None, province=None, project=None, **project_fields
) -> ReviewCase:
    """A case brought to `state` by the services, with the given personas acting.

    `city` is needed for states after submit in a region with city review; `province` for the
    provincial states.
    """
    project = project or ProjectFactory(**project_fields)
    case = workflow.open_case(project, acting_user=agency)
    if state == CaseState.DRAFT:
        return case
    if state == CaseState.WITHDRAWN:
        return workflow.withdraw_case(case, acting_user=agency, reason="误报")
    workflow.submit_case(case, acting_user=agency)
    if state == CaseState.SUBMITTED:
        return case
    if state == CaseState.RETURNED:
        return workflow.return_case(case, acting_user=city, comment="请补充节能审查意见")
    if case.state == CaseState.SUBMITTED:
        workflow.forward_case(case, acting_user=city, opinion="同意上报")
    if state == CaseState.PROVINCIAL_REVIEW:
        return case
    if state == CaseState.EVALUATION:
        return workflow.request_evaluation(
            case, acting_user=province, kind="window_guidance", scope="产能置换方案"
        )
    if state == CaseState.APPROVED:
        if case.is_planned:  # (十一): no approval of a planned project before its evaluation
            complete_an_evaluation(case, province)
        return workflow.approve_case(case, acting_user=province)
    if state == CaseState.REJECTED:
        return workflow.reject_case(case, acting_user=province, reason="不符合产业政策")
    deadline = timezone.localdate() + timedelta(days=60)
    from screening.rules.engine import dispositions_for_stage

    # The mildest disposition that fits the project's stage (SPEC §4 table).
    workflow.order_rectification(
        case,
        acting_user=province,
        disposition=dispositions_for_stage(project.stage)[-1],
        deadline=deadline,
    )
    if state == CaseState.RECTIFYING:
        return case
    if state == CaseState.CLOSED:
        return workflow.close_case(case, acting_user=province, reason="项目已关停")
    workflow.submit_rectification(case, acting_user=agency, files=[pdf_upload()])
    if state == CaseState.RECTIFICATION_SUBMITTED:
        return case
    raise ValueError(f"no route to {state}")


def complete_an_evaluation(case: ReviewCase, province) -> ReviewCase:
    """Window guidance requested and completed, as a planned project needs before approval."""
    workflow.request_evaluation(
        case, acting_user=province, kind="window_guidance", scope="项目整体"
    )
    return workflow.complete_evaluation(
        case, acting_user=province, result="符合要求", files=[pdf_upload("评估报告.pdf")]
    )


def pdf_upload(name: str = "整改报告.pdf", size: int = 0):
    """A small real PDF as an uploaded file (padded to `size` bytes when given)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    if size > len(content):
        content += b"0" * (size - len(content))
    return SimpleUploadedFile(name, content, content_type="application/pdf")
