"""Issue 15, "Pages that hold up", measured in a real browser: the print views of the project
and case pages, the map's labels, the workflow diagram's labels, the barometer at 1,366 px and
the lists at phone width (390 px)."""

import pytest
from django.urls import reverse

from screening.models import CaseState, Region
from screening.screen import rescreen_projects
from tests.conftest import browser_login
from tests.factories import ProjectFactory, case_in_state

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}


def visible(page, selector: str) -> bool:
    return page.locator(selector).first.is_visible()


def switch_to_english(page) -> None:
    with page.expect_navigation():
        page.select_option("header select[name=language]", "en")
    page.wait_for_load_state("networkidle")


def boxes_overlap(a: dict, b: dict, slack: float = 0.5) -> bool:
    return (
        a["x"] + slack < b["x"] + b["width"]
        and b["x"] + slack < a["x"] + a["width"]
        and a["y"] + slack < b["y"] + b["height"]
        and b["y"] + slack < a["y"] + a["height"]
    )


def test_the_project_page_prints_findings_and_history_without_navigation(page, observer):
    project = ProjectFactory(non_compliant=True)
    rescreen_projects([project])
    browser_login(page, "observer", "pw-observer")
    page.goto(page.base_url + reverse("screening:project", args=[project.pk]))
    assert visible(page, "[data-print]")  # the 打印 button (shown where script can print)
    assert not visible(page, ".print-header")
    page.emulate_media(media="print")
    assert not visible(page, "header.top nav")
    assert not visible(page, "[data-print]")
    assert not visible(page, "footer")
    header = page.locator(".print-header").inner_text()
    assert "郑州市" in header and "410100" in header
    findings = page.locator("#findings")
    assert findings.is_visible()
    assert "R13" in findings.inner_text()
    # In full: the findings table is not cut by a scrolling box.
    width = page.evaluate(
        "document.querySelector('#findings').parentElement.scrollWidth"
        " - document.querySelector('#findings').parentElement.clientWidth"
    )
    assert width <= 1
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000


def test_the_case_page_prints_its_timeline_without_the_action_forms(
    page, agency_a, city_reviewer_a, provincial_reviewer
):
    case = case_in_state(
        CaseState.PROVINCIAL_REVIEW, agency=agency_a, city=city_reviewer_a, non_compliant=True
    )
    browser_login(page, "province", "pw-province")
    page.goto(page.base_url + reverse("screening:case", args=[case.pk]))
    assert page.locator(".actions form").count() > 0
    page.emulate_media(media="print")
    for selector in ("header.top", ".actions", ".actions form", "[data-print]", "footer"):
        assert not visible(page, selector), selector
    assert "郑州市" in page.locator(".print-header").inner_text()
    assert "R13" in page.locator("table.findings").inner_text()
    timeline = page.locator("ol.timeline")
    assert timeline.is_visible()
    assert "同意上报" in timeline.inner_text()  # the city's opinion, in full
    assert page.locator("ol.timeline li").count() == case.events.count()


def test_the_map_labels_every_city_and_province_direct_county_in_full(page, observer):
    browser_login(page, "observer", "pw-observer")
    page.set_viewport_size(LAPTOP)
    page.goto(page.base_url + reverse("screening:dashboard"))
    labels = page.locator("#tier-map text[data-label]")
    names = {
        labels.nth(i).get_attribute("data-label"): labels.nth(i).text_content()
        for i in range(labels.count())
    }
    for region in Region.objects.filter(code__in=names):
        # The full name; only a name too long for its place (郑州航空港经济综合实验区) is
        # shortened, to its registered alias.
        assert names[region.code] == region.name or names[region.code] in region.aliases
    assert names["410500"] == "安阳市"  # was cut to "阳市" under 滑县 and 鹤壁市
    for code in ("410181", "410225", "410526", "411381"):  # 巩义市, 兰考县, 滑县, 邓州市
        assert code in names, code
    boxes = [(code, labels.nth(i).bounding_box()) for i, code in enumerate(names)]
    clashes = [
        (a, b)
        for i, (a, box_a) in enumerate(boxes)
        for b, box_b in boxes[i + 1 :]
        if boxes_overlap(box_a, box_b)
    ]
    assert clashes == []
    # Labels are drawn after every shape, so no region covers another's name.
    last_shape = page.evaluate("""() => {
        const svg = document.querySelector('#tier-map');
        const all = [...svg.querySelectorAll('path, rect, text[data-label]')];
        return [all.findLastIndex(e => e.tagName !== 'text'),
                all.findIndex(e => e.tagName === 'text')];
    }""")
    assert last_shape[0] < last_shape[1]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_workflow_diagrams_labels_cover_no_state_and_no_other_label(page, observer, language):
    browser_login(page, "observer", "pw-observer")
    page.set_viewport_size(LAPTOP)
    if language == "en":
        switch_to_english(page)
    page.goto(page.base_url + reverse("screening:workflow_diagram"))
    states = page.locator("svg.workflow g.state rect")
    labels = page.locator("svg.workflow text.edge-label")
    assert states.count() == len(CaseState) and labels.count() >= 13
    state_boxes = [states.nth(i).bounding_box() for i in range(states.count())]
    label_boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
    for i, label in enumerate(label_boxes):
        text = labels.nth(i).text_content()
        assert not any(boxes_overlap(label, box) for box in state_boxes), text
        assert not any(boxes_overlap(label, other) for other in label_boxes[i + 1 :]), text
    # Every state's name fits its box.
    names = page.locator("svg.workflow g.state text")
    for i in range(names.count()):
        name, box = names.nth(i).bounding_box(), state_boxes[i]
        assert box["x"] <= name["x"] and name["x"] + name["width"] <= box["x"] + box["width"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_barometer_table_is_readable_at_1366_px(page, provincial_reviewer, language):
    from screening.early_warning.demo import seed_demo_indicators

    seed_demo_indicators()
    browser_login(page, "province", "pw-province")
    page.set_viewport_size(LAPTOP)
    if language == "en":
        switch_to_english(page)
    page.goto(page.base_url + reverse("screening:warnings"))
    table = page.locator("#barometer")
    assert table.locator("tbody tr").count() > 20
    wrap = page.evaluate("""() => { const t = document.querySelector('#barometer');
        const w = t.parentElement; return [t.scrollWidth, w.clientWidth, window.innerWidth,
        document.documentElement.scrollWidth]; }""")
    table_width, container, viewport, document_width = wrap
    assert table_width <= container  # every column shown, nothing scrolled away
    assert document_width <= viewport
    line = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('#barometer td.region a')).lineHeight)"
    )
    heights = page.evaluate(
        "[...document.querySelectorAll('#barometer td.region a')]"
        ".map(a => a.getBoundingClientRect().height)"
    )
    assert max(heights) <= 2 * line + 1  # the region's name on at most two lines
    assert page.locator("#barometer thead th").last.is_visible()


@pytest.mark.parametrize("list_name", ["screening:projects", "screening:cases"])
def test_lists_show_the_verdict_at_phone_width(page, agency_a, city_reviewer_a, list_name):
    for _ in range(3):
        case_in_state(CaseState.SUBMITTED, agency=agency_a, non_compliant=True)
    rescreen_projects(list(ProjectFactory._meta.model.objects.all()))
    browser_login(page, "city_a", "pw-city_a")
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + reverse(list_name))
    badges = page.locator("tbody .badge.NON_COMPLIANT")
    assert badges.count() >= 3
    for i in range(badges.count()):
        box = badges.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    table = page.locator("tbody").first.locator("xpath=ancestor::table")
    assert (
        page.evaluate("t => t.getBoundingClientRect().right", table.element_handle())
        <= PHONE["width"]
    )
