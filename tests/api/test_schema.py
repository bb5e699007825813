"""The OpenAPI schema validates without warnings; the docs are served without any CDN."""

from __future__ import annotations

import io

from django.core.management import call_command


def test_the_schema_validates_without_warnings(db, tmp_path):
    out = tmp_path / "schema.yaml"
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(out),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    text = out.read_text(encoding="utf-8")
    for path in (
        "/api/ledger/uploads/",
        "/api/projects/{id}/",
        "/api/screening/",
        "/api/cases/{id}/transitions/{name}/",
        "/api/barometer/",
        "/api/rule-sets/{name}/",
    ):
        assert f"{path}:" in text


def test_the_schema_is_served(client, db):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "apiToken" in response.json()["components"]["securitySchemes"]


def test_swagger_ui_and_redoc_come_from_the_sidecar_not_a_cdn(client, db):
    for url in ("/api/docs/", "/api/redoc/"):
        page = client.get(url).content.decode()
        assert "/static/drf_spectacular_sidecar/" in page, url
        assert "cdn" not in page.lower() and "unpkg" not in page.lower(), url


def test_the_sidecar_files_are_found_by_staticfiles_once_the_app_is_installed(settings):
    from django.contrib.staticfiles import finders

    if "drf_spectacular_sidecar" not in settings.INSTALLED_APPS:
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "drf_spectacular_sidecar"]
    finders.get_finder.cache_clear()
    try:
        for name in ("swagger-ui-dist/swagger-ui-bundle.js", "redoc/bundles/redoc.standalone.js"):
            assert finders.find(f"drf_spectacular_sidecar/{name}"), name
    finally:
        finders.get_finder.cache_clear()
