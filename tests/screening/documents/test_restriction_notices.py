"""区域节能评估限批 notices: issued when a region's restriction starts on publication of its
third red month, and its lifting when a published month is no longer red ((十八))."""

from screening.early_warning.publishing import publish_escalations, publish_months
from screening.models import DecisionDocument, DocumentKind, IndicatorMonth, Region
from tests.screening.documents.conftest import CITY_OFFICE, number, read_back


def publish(region, months, tier, user):
    for year, month in months:
        IndicatorMonth.objects.create(region=region, year=year, month=month, tier=tier)
    return publish_months(IndicatorMonth.objects.filter(region=region), user=user)


def test_the_third_red_month_issues_the_notice_and_a_green_one_lifts_it(
    offices, provincial_reviewer
):
    zhengzhou = Region.objects.get(code="410100")
    publish(zhengzhou, [(2025, 8), (2025, 9)], "red", provincial_reviewer)
    assert not DecisionDocument.objects.exists()  # a reminder issues no document
    publish(zhengzhou, [(2025, 10)], "red", provincial_reviewer)
    (notice,) = DecisionDocument.objects.all()
    assert notice.kind == DocumentKind.RESTRICTION and notice.case is None
    assert notice.escalation.months == ["2025-08", "2025-09", "2025-10"]
    _opened, text = read_back(notice)
    assert "关于对郑州市实行区域节能评估限批的通知" in text
    assert f"{CITY_OFFICE}：" in text
    assert "2025年8月、2025年9月、2025年10月能耗双控预警等级连续3个月为红色" in text
    assert "第(十八)条" in text and "【待填：整改要求】" in text

    publish_escalations(zhengzhou)  # running again issues nothing new
    assert DecisionDocument.objects.count() == 1

    publish(zhengzhou, [(2025, 11)], "green", provincial_reviewer)
    lifted = DecisionDocument.objects.get(kind=DocumentKind.RESTRICTION_LIFTED)
    assert lifted.escalation == notice.escalation and lifted.number == number(2, notice.year)
    text = read_back(lifted)[1]
    assert f"（{notice.number}）" in text
    assert "2025年11月，公布的月度能耗双控预警等级已不再为红色" in text
    publish_escalations(zhengzhou)
    assert DecisionDocument.objects.count() == 2


def test_the_region_page_links_its_notices(client, offices, provincial_reviewer):
    zhengzhou = Region.objects.get(code="410100")
    publish(zhengzhou, [(2025, 8), (2025, 9), (2025, 10)], "red", provincial_reviewer)
    notice = DecisionDocument.objects.get()
    client.force_login(provincial_reviewer)
    page = client.get(f"/warnings/regions/{zhengzhou.code}/").content.decode()
    assert f'href="/documents/{notice.pk}/"' in page and notice.number in page
    page = client.get(f"/documents/{notice.pk}/").content.decode()
    assert "关于对郑州市实行区域节能评估限批的通知" in page
    assert '<mark class="blank">【待填：整改要求】</mark>' in page
