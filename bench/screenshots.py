"""Screenshots of the main pages at 1,366 and 390 px for the README (issue 15).

    .venv/bin/python bench/screenshots.py [--out docs/screenshots] [--lang zh-hans]

Builds its own demo in a temporary folder (SQLite, `seed_demo`, and one ledger upload of 郑州市
with a change, a new project and a missing one, left at its preview), serves it with
`runserver` on a free port, signs in with headless Chromium (/usr/bin/chromium) and writes one
PNG per page and width: dashboard (with the map), project list, project page, case page,
barometer, workflow diagram, upload preview. Long pages are cut (1,100 px high at 1,366 wide,
1,700 at 390) so each file stays under 300 KB; a larger one is reported. Nothing of the
developer's own database is touched.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "henan-demo-2026"  # the demo's (DEMO ONLY) password, printed by seed_demo
WIDTHS = {"1366": (1366, 900), "390": (390, 844)}
MAX_HEIGHT = {"1366": 1100, "390": 1700}  # cut there: each file stays under LIMIT_KB
LIMIT_KB = 300

# Leaves a demo ledger upload of 郑州市 validated but not applied, and prints the ids the pages
# need: a screened project with findings, the case with the longest timeline, that upload.
PREPARE = """
import tempfile
from pathlib import Path
from django.core.files.base import ContentFile
from django.db.models import Count
from openpyxl import Workbook
from screening.demo import REGION_CODES, demo_ledger_rows
from screening.ledger.services import receive_upload, validate_upload
from screening.ledger.xlsx.template import COLUMNS
from screening.models import Project, Region, ReviewCase
from accounts.models import User

user = User.objects.get(username="zz_agency")
book = Workbook()
sheet = book.active
sheet.title = "台账"
sheet.append([c.header for c in COLUMNS])
rows = demo_ledger_rows("郑州市")
rows[0] = {**rows[0], "name": rows[0]["name"] + "（二期）"}  # a change
added = {**rows[1], "project_code": rows[1]["project_code"][:-6] + "999999"}  # a new project
rows = rows[:-1] + [added]  # and one left out of the file
for row in rows:
    sheet.append([row.get(c.key) for c in COLUMNS])
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "郑州市台账.xlsx"
    book.save(path)
    upload = receive_upload(user, Region.objects.get(code=REGION_CODES["郑州市"]),
                            ContentFile(path.read_bytes()), path.name)
upload = validate_upload(upload)
case = ReviewCase.objects.annotate(n=Count("events")).order_by("-n", "pk").first()
project = case.project
print("IDS", project.pk, case.pk, upload.pk, upload.status)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def wait_for(url: str, seconds: float = 60) -> None:
    limit = time.monotonic() + seconds
    while time.monotonic() < limit:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (our own local server)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the demo server did not answer at {url}")


def pages(project: int, case: int, upload: int) -> list[tuple[str, str, str]]:
    """(file stem, address, user) of every page to show."""
    return [
        ("dashboard", "/dashboard/", "province"),
        ("projects", "/ledger/projects/", "province"),
        ("project", f"/ledger/projects/{project}/", "province"),
        ("case", f"/cases/{case}/", "province"),
        ("barometer", "/warnings/", "province"),
        ("workflow", "/cases/workflow/", "province"),
        ("upload-preview", f"/ledger/uploads/{upload}/", "zz_agency"),
    ]


def shoot(base: str, targets: list[tuple[str, str, str]], out: Path, lang: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        for width_name, (width, height) in WIDTHS.items():
            for username in sorted({user for _s, _a, user in targets}):
                context = browser.new_context(
                    viewport={"width": width, "height": height},
                    locale="zh-CN" if lang.startswith("zh") else "en",
                )
                page = context.new_page()
                page.goto(base + "/accounts/login/")
                page.fill("#id_username", username)
                page.fill("#id_password", PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_load_state("networkidle")
                if not lang.startswith("zh"):
                    page.select_option("header select[name=language]", "en")
                    page.wait_for_load_state("networkidle")
                for stem, address, user in targets:
                    if user != username:
                        continue
                    page.goto(base + address)
                    page.wait_for_load_state("networkidle")
                    full = page.evaluate("document.documentElement.scrollHeight")
                    path = out / f"{stem}-{width_name}.png"
                    page.screenshot(
                        path=str(path),
                        full_page=True,
                        clip={
                            "x": 0,
                            "y": 0,
                            "width": width,
                            "height": min(full, MAX_HEIGHT[width_name]),
                        },
                    )
                    written.append(path)
                context.close()
        browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--lang", default="zh-hans")
    options = parser.parse_args()
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="two-high-shots-") as folder:
        env = {
            **os.environ,
            "TWO_HIGH_VAR_DIR": folder,
            "DJANGO_DEBUG": "True",
            "CELERY_TASK_ALWAYS_EAGER": "True",
        }
        env.pop("DATABASE_URL", None)
        for sub in ("celery/queue", "celery/processed", "mail"):
            (Path(folder) / sub).mkdir(parents=True)
        print("preparing the demo (migrate, reference data, seed_demo) …", flush=True)
        manage(env, "compile_translations")
        manage(env, "migrate", "-v0")
        manage(env, "createcachetable")
        manage(env, "load_reference_data")
        manage(env, "seed_demo")
        line = next(
            x for x in manage(env, "shell", "-c", PREPARE).splitlines() if x.startswith("IDS ")
        )
        project, case, upload = (int(v) for v in line.split()[1:4])
        print("upload preview:", line.split()[4], flush=True)
        port = free_port()
        server = subprocess.Popen(
            [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base + "/accounts/login/")
            written = shoot(base, pages(project, case, upload), out, options.lang)
        finally:
            server.terminate()
            server.wait(timeout=20)
    for path in written:
        size = path.stat().st_size / 1024
        print(
            f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {size:.0f} KB"
            + ("  (over the limit)" if size > LIMIT_KB else "")
        )


if __name__ == "__main__":
    main()
