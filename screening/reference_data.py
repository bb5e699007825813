"""Loading the shipped reference data (regions with their dated attributes, rule sets)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction

from screening.models import Region, RegionAttribute, RuleSet

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


@dataclass
class LoadSummary:
    regions: int = 0
    attributes: int = 0
    rule_sets: int = 0


def validate_rule_set_document(document: dict) -> None:
    """Raise ValueError when a rule-set document cannot drive the engine."""
    for key in ("name", "effective_from", "parameters"):
        if key not in document:
            raise ValueError(f"rule set is missing '{key}'")
    date.fromisoformat(document["effective_from"])
    from screening.rules.params import RuleParameters

    RuleParameters.from_dict(document)


@transaction.atomic
def load_reference_data(fixtures_dir: Path = FIXTURES_DIR) -> LoadSummary:
    """Create or update the regions, their attributes and the shipped rule sets. Idempotent.

    Shipped rule sets belong to the fixtures: a change to one is made by adding a new rule set
    (a new name and effective date), so a reload never alters what past screenings cite.
    """
    summary = LoadSummary()
    doc = json.loads((fixtures_dir / "regions.json").read_text(encoding="utf-8"))
    by_code: dict[str, Region] = {}
    for entry in doc["regions"]:  # parents come before children in the fixture
        region, _ = Region.objects.update_or_create(
            code=entry["code"],
            defaults={
                "name": entry["name"],
                "name_en": entry.get("name_en", ""),
                "level": entry["level"],
                "aliases": entry.get("aliases", []),
                "is_project_region": entry.get("is_project_region", True),
                "province_direct": entry.get("province_direct", False),
                "parent": by_code.get(entry["parent"]) if entry.get("parent") else None,
                "reports_to": by_code.get(entry["reports_to"]) if entry.get("reports_to") else None,
            },
        )
        by_code[region.code] = region
        summary.regions += 1
    for entry in doc["attributes"]:
        RegionAttribute.objects.update_or_create(
            region=by_code[entry["region"]],
            attribute=entry["attribute"],
            valid_from=date.fromisoformat(entry["valid_from"]),
            defaults={
                "value": entry["value"],
                "valid_to": date.fromisoformat(entry["valid_to"]) if entry["valid_to"] else None,
                "source": entry["source"],
                "status": entry["status"],
            },
        )
        summary.attributes += 1
    for path in sorted((fixtures_dir / "rule_sets").glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        validate_rule_set_document(document)
        RuleSet.objects.update_or_create(
            name=document["name"],
            defaults={
                "title_zh": document.get("title_zh", ""),
                "title_en": document.get("title_en", ""),
                "effective_from": date.fromisoformat(document["effective_from"]),
                "parameters": document["parameters"],
            },
        )
        summary.rule_sets += 1
    return summary
