"""The OpenAPI schema validates without warnings; the docs are served without any CDN."""

from __future__ import annotations

import io

from django.core.management import call_command


def test_the_schema_validates_without_warnings(db, tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out),
                 stdout=io.StringIO(), stderr=io.StringIO())
    text = out.read_text(encoding="utf-8")
    for path in ("/api/ledger/uploads/", "/api/projects/{id}/", "/api/screening/",
                 "/api/cases/{id}/transitions/{name}/", "/api/barometer/",
                 "/api/rule-sets/{name}/"):
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
