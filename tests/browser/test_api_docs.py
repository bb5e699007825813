"""The API's documentation pages start and render in a real browser under the site's Content
Security Policy (no inline script): any script the policy blocks would be reported."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _violations(page) -> list[str]:
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return found


def test_swagger_ui_renders_the_schema(page):
    violations = _violations(page)
    response = page.goto(page.base_url + "/api/docs/")
    assert (
        "'unsafe-inline'"
        not in response.headers["content-security-policy"].split("script-src")[1].split(";")[0]
    )
    page.locator(".swagger-ui .info .title").wait_for()
    assert "two-high API" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock-tag").first.wait_for()  # the operations, read from /api/schema/
    assert not [v for v in violations if "script" in v], violations


def test_redoc_renders_the_schema(page):
    violations = _violations(page)
    page.goto(page.base_url + "/api/redoc/")
    page.locator("h1", has_text="two-high API").wait_for()
    assert page.locator("[data-section-id]").count() > 5  # the endpoints' sections
    assert not [v for v in violations if "script" in v], violations
