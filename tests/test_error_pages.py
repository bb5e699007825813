"""The 400, 403, 404 and 500 pages (issue 15): in the product's look, in Chinese by default
and in English by the switch, with DEBUG off; the 500 page needs neither a request nor the
database. Under /api/ the same errors stay JSON (screening/api/errors.py)."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.template import loader
from django.test import Client
from django.urls import include, path

from config import urls as site_urls


def _denied(request):
    raise PermissionDenied


def _malformed(request):
    raise SuspiciousOperation("malformed")


def _broken(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("test-errors/denied/", _denied),
    path("test-errors/malformed/", _malformed),
    path("test-errors/broken/", _broken),
    path("", include(site_urls.urlpatterns)),
]
handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500

pytestmark = [pytest.mark.urls(__name__)]

PAGES = {  # address → (status, Chinese heading, English heading)
    "/no-such-page/": (404, "页面没有找到", "Page not found"),
    "/test-errors/denied/": (403, "无权访问", "Not allowed"),
    "/test-errors/malformed/": (400, "无法读取请求", "The request could not be read"),
    "/test-errors/broken/": (500, "服务器出错", "Server error"),
}


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    return settings


def client_in(language: str | None) -> Client:
    client = Client(raise_request_exception=False)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("address", list(PAGES))
def test_error_pages_are_chinese_by_default_in_the_products_look(production, address):
    status, chinese, english = PAGES[address]
    response = client_in(None).get(address)
    assert response.status_code == status
    html = response.content.decode()
    assert f"<h1>{chinese}</h1>" in html
    assert english not in html
    assert 'href="/static/css/app.css"' in html and 'class="top"' in html  # the site's look
    assert 'lang="zh-hans"' in html
    assert "Traceback" not in html and "boom" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("address", list(PAGES))
def test_error_pages_are_english_after_the_switch(production, address):
    status, _chinese, english = PAGES[address]
    response = client_in("en").get(address)
    assert response.status_code == status
    assert f"<h1>{english}</h1>" in response.content.decode()


@pytest.mark.django_db
def test_the_404_page_names_the_missing_address_and_no_markup_from_it(production):
    html = client_in(None).get("/no-such-page/<b>x</b>/").content.decode()
    assert "/no-such-page/" in html and "<b>x</b>" not in html


def test_the_500_page_renders_without_a_request_or_the_database():
    """No django_db mark: any query here would fail the test."""
    html = loader.get_template("500.html").render()
    assert "500" in html and "<h1>" in html


@pytest.mark.django_db
def test_api_errors_stay_json(production):
    response = client_in(None).get("/api/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
