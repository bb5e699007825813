"""Reference data the ledger validator needs: project regions, products, family → sectors.

It comes from the database (regions) and the rule set in force (products, families) on the
Django side, and from the fixture files in tests and benches; the validator never reads
either source itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from screening.ledger.xlsx.cleaning import fold, squeeze

PROVINCE_CODE = "410000"
PROVINCE_NAMES = ("河南省", "河南", PROVINCE_CODE)


@dataclass(frozen=True, slots=True)
class Product:
    """A product key of the benchmark table with its family and unit; a product without a
    benchmark row (氧化铝) has no unit of its own (None: any unit is accepted)."""

    key: str
    family: str
    unit: str | None


def product_family(key: str) -> str:
    """The product key up to its first bracket: `焦炭 (顶装焦炉)` → 焦炭 (SPEC §4)."""
    folded = fold(key)
    cut = folded.find("(")
    return (folded if cut < 0 else folded[:cut]).strip()


def product_lookup_key(text: str) -> str:
    """Product keys are compared after NFKC folding and removing all white space."""
    return squeeze(fold(text))


def unit_lookup_key(text: str) -> str:
    """Units are compared ignoring width, white space and case; NFKC folds ² to 2."""
    return squeeze(fold(text)).casefold()


@dataclass(frozen=True, slots=True)
class LedgerReference:
    """What validation needs from data, with lookup keys already folded."""

    regions: Mapping[str, str]  # folded full name, alias or code → 6-digit code
    products: Mapping[str, Product]  # product_lookup_key(key) → Product
    family_sectors: Mapping[str, frozenset[str]]

    @classmethod
    def build(
        cls,
        *,
        regions: Iterable[tuple[str, str, Iterable[str]]],
        products: Iterable[tuple[str, str, str | None]],
        family_sectors: Mapping[str, Iterable[str]],
    ) -> LedgerReference:
        """Build from (code, name, aliases) of project regions, (key, family, unit) products
        and {family: [sectors]}. 河南省 is never a project region, even if passed in."""
        region_keys: dict[str, str] = {}
        for code, name, aliases in regions:
            if code == PROVINCE_CODE:
                continue
            for text in (code, name, *aliases):
                region_keys[fold(text).strip()] = code
        product_keys = {
            product_lookup_key(key): Product(key, family or product_family(key), unit)
            for key, family, unit in products
        }
        families = {family: frozenset(sectors) for family, sectors in family_sectors.items()}
        return cls(region_keys, product_keys, families)

    @classmethod
    def from_fixture_files(
        cls, regions_json_path: str | Path, rule_set_json_path: str | Path
    ) -> LedgerReference:
        """Build from fixtures/regions.json and a rule set file (tests and benches)."""
        region_data = json.loads(Path(regions_json_path).read_text(encoding="utf-8"))
        regions = [
            (region["code"], region["name"], region.get("aliases", ()))
            for region in region_data["regions"]
            if region.get("is_project_region", True)
        ]
        rule_set = json.loads(Path(rule_set_json_path).read_text(encoding="utf-8"))
        parameters = rule_set.get("parameters", rule_set)
        products = [
            (item["key"], item.get("family", ""), item["unit"])
            for item in _parameter_value(parameters, "products")
        ]
        if "products_without_benchmark" in parameters:
            products += [
                (item["key"], item.get("family", ""), None)
                for item in _parameter_value(parameters, "products_without_benchmark")
            ]
        return cls.build(
            regions=regions,
            products=products,
            family_sectors=_parameter_value(parameters, "family_sectors"),
        )


def _parameter_value(parameters: object, name: str) -> object:
    """A rule-set parameter's value, whether parameters are a dict or a list of dicts."""
    if isinstance(parameters, dict):
        found = parameters[name]
    else:
        found = next(item for item in parameters if item.get("name") == name)
    return found["value"] if isinstance(found, dict) and "value" in found else found
