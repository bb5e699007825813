"""The display layer (issue 15): every value a person reads, in both languages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from screening import display
from screening.models import Project


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_numbers_group_by_three_without_trailing_zeros_in_both_languages(language):
    with translation.override(language):
        assert display.number(Decimal("52000.0000000000")) == "52,000"
        assert display.number(10560000) == "10,560,000"
        assert display.number(Decimal("1.2500")) == "1.25"
        assert display.number(0.1 + 0.2) == "0.3"
        assert display.number(Decimal("12345.678"), 1) == "12,345.7"
        assert display.number(None) == "—"
        assert display.number("n/a") == "n/a"


def test_booleans_read_yes_and_no():
    with translation.override("zh-hans"):
        assert (display.yes_no(True), display.yes_no(False), display.yes_no(None)) == (
            "是",
            "否",
            "—",
        )
    with translation.override("en"):
        assert display.value(True) == "Yes"


def test_choice_codes_read_as_their_labels():
    with translation.override("zh-hans"):
        assert display.label("NON_COMPLIANT") == "不符合"
        assert display.label("STOP_AND_RECTIFY") != "STOP_AND_RECTIFY"
        assert display.label("removed") == "已移出台账"
        assert display.label("42000.0000000000") == "42,000"


def test_a_change_reads_with_the_field_label_and_values_in_words():
    """`status: active → removed` reads 台账状态：在台账中 → 已移出台账; energy with its label."""
    with translation.override("zh-hans"):
        line = display.change(Project, "status", "active", "removed")
        assert "status" not in line and "active" not in line and "→" in line
        energy = display.change(Project, "annual_energy_tce", "38000.0000000000", "42000")
        assert energy.startswith(str(Project._meta.get_field("annual_energy_tce").verbose_name))
        assert energy.endswith("38,000 → 42,000")


def test_dates_as_officers_write_them():
    day = dt.date(2026, 12, 4)
    with translation.override("zh-hans"):
        assert display.date(day) == "2026年12月4日"
    with translation.override("en"):
        assert display.date(day) == "4 Dec 2026"
        assert display.date("2026-12-04") == "4 Dec 2026"


def test_language_names_not_codes():
    assert display.language_name("zh-hans") == "简体中文"
    assert display.language_name("") == "简体中文"  # blank: the site's language
    assert display.language_name("en") == "English"


def test_cron_in_words():
    with translation.override("zh-hans"):
        assert display.cron("0", "6", "1", "*", "*") == "每月1日 06:00"
        assert display.cron("30", "8", "*", "*", "1") == "每周一 08:30"
        assert display.cron("0", "8", "*", "*", "*") == "每天 08:00"
    with translation.override("en"):
        assert display.cron("0", "6", "1", "*", "*") == "Day 1 of every month at 06:00"


def test_rule_set_parameters_have_names_units_and_ratios_in_words():
    with translation.override("zh-hans"):
        assert display.parameter_name("scope_min_energy_tce") == "“两高”范围：年综合能源消费量门槛"
        assert display.parameter_unit("scope_min_energy_tce") == "吨标准煤/年"
        assert display.parameter_scalar("project_warning_yellow_share", "0.9") == "90%"
        assert display.ratio({"ratio": 1.5, "strict": False}) == "不低于 1.5 : 1"
        assert display.ratio({"ratio": 1, "strict": True}) == "大于 1 : 1"
        assert display.key_label("key_area") == "大气污染防治重点区域"
        assert "mandatory_elimination" not in display.words("flags: mandatory_elimination")


def test_job_results_are_labelled():
    with translation.override("zh-hans"):
        pairs = display.job_result({"month": "2026-11", "queued": 18, "outcome": "produced"})
        assert pairs == [("月份", "2026-11"), ("已排队", "18"), ("结果", "已生成")]
        assert display.job_name("send_digests") == "摘要邮件"


def test_report_lines_name_the_rule():
    """The monthly report's finding lines: 'R03 产能置换 不通过', not 'R03 FAIL'."""
    with translation.override("zh-hans"):
        assert display.rule_and_outcome("R03", "FAIL") == "产能置换 不通过"
    with translation.override("en"):
        assert display.rule_and_outcome("R03", "FAIL", english=True) == (
            "Capacity replacement Fail"
        )


def test_the_template_filters():
    template = Template(
        "{% load display %}{{ n|num }} {{ b|yesno_words }} {{ c|label }} "
        "{{ d|day }} {{ l|language_name }}"
    )
    with translation.override("zh-hans"):
        text = template.render(
            Context(
                {
                    "n": Decimal("10560000.0000000000"),
                    "b": False,
                    "c": "COMPLIANT",
                    "d": dt.date(2026, 12, 4),
                    "l": "zh-hans",
                }
            )
        )
    assert text == "10,560,000 否 符合 2026年12月4日 简体中文"
