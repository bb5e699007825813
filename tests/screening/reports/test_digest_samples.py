"""Writes the README's sample digests (docs/digests/): each role's digest of the fixed data set
(briefing_data.py) as HTML, plain text and a screenshot of the HTML in headless Chromium at a
phone's width. Not a test of its own: runs only with WRITE_DIGEST_SAMPLES=1.

    WRITE_DIGEST_SAMPLES=1 .venv/bin/python -m pytest -q tests/screening/jobs/test_digest_samples.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core import mail

from screening.reports import digests
from tests.screening.reports.briefing_data import SEND_DAY, make_briefing_data

OUT = Path(__file__).resolve().parents[3] / "docs" / "digests"
ROLES = ("agency_a", "city_reviewer_a", "provincial_reviewer", "observer")

pytestmark = pytest.mark.skipif(
    not os.environ.get("WRITE_DIGEST_SAMPLES"), reason="writes docs/digests/ only when asked"
)


def test_write_the_sample_digests(db, request, settings, agency_a, city_reviewer_a):
    from playwright.sync_api import sync_playwright

    settings.SITE_URL = "https://two-high.example.gov.cn"
    make_briefing_data(agency_a, city_reviewer_a)
    users = {name: request.getfixturevalue(name) for name in ROLES}
    for user in users.values():
        digests.set_frequency(user, "daily")
    digests.send_digests("daily", SEND_DAY)
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page(viewport={"width": 400, "height": 800}, device_scale_factor=1)
        for name, user in users.items():
            (message,) = [m for m in mail.outbox if m.to == [user.email]]
            html = next(c for c, kind in message.alternatives if kind == "text/html")
            (OUT / f"{name}.txt").write_text(
                f"Subject: {message.subject}\n\n{message.body}", encoding="utf-8"
            )
            (OUT / f"{name}.html").write_text(html, encoding="utf-8")
            page.set_content(html)
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
            # What a phone shows before any scrolling.
            page.screenshot(path=str(OUT / f"{name}-first-screen.png"))
        browser.close()
