"""The setup contract: reference data, rule sets and production settings."""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from django.core.management import call_command

from screening.models import Region, RegionAttribute, RuleSet

ROOT = Path(__file__).resolve().parent.parent


def test_reference_data_has_every_region_and_both_rule_sets(db):
    assert Region.objects.count() == 30
    assert Region.objects.filter(level="city").count() == 18  # 17 cities and 济源
    assert set(RuleSet.objects.values_list("name", flat=True)) >= {"henan-2021", "henan-2023"}


def test_loading_reference_data_twice_changes_nothing(db):
    before = (Region.objects.count(), RegionAttribute.objects.count(), RuleSet.objects.count())
    call_command("load_reference_data")
    after = (Region.objects.count(), RegionAttribute.objects.count(), RuleSet.objects.count())
    assert before == after


def test_rule_set_in_force_is_the_latest_effective_on_or_before_the_date(db):
    assert RuleSet.in_force(date(2021, 11, 14)) is None
    assert RuleSet.in_force(date(2021, 11, 15)).name == "henan-2021"
    assert RuleSet.in_force(date(2023, 11, 29)).name == "henan-2021"
    assert RuleSet.in_force(date(2023, 11, 30)).name == "henan-2023"


def test_province_direct_regions_report_to_the_province(db):
    for code in ["419001", "410173", "410181", "411729"]:
        region = Region.objects.get(code=code)
        assert region.skips_city_review, region
    zhengzhou = Region.objects.get(code="410100")
    assert not zhengzhou.skips_city_review  # a city's own cases have city review
    assert zhengzhou.reports_to.code == "410000"


def test_production_settings_pass_check_deploy(tmp_path):
    inherited = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "REDIS_URL")
    }
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "config.settings_production",
        "DJANGO_SECRET_KEY": "a" * 20 + "-production-secret-for-the-check-only-" + "z" * 20,
        "DJANGO_ALLOWED_HOSTS": "two-high.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
