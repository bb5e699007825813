"""A rule set's parameters as typed, immutable values (SPEC §4: "a rule set is data").

`RuleParameters.from_dict()` turns a rule-set fixture (`fixtures/rule_sets/*.json`) into the
values the engine reads. Every number becomes a Decimal, every parameter keeps its source and
status (confirmed / unconfirmed) so the UI can show them next to the finding that used them,
and a malformed fixture is refused with a ValueError that names the parameter.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cached_property
from types import MappingProxyType
from typing import Any

STATUSES = ("confirmed", "unconfirmed")

# Parameter ids the engine and the barometer read; a rule set lacking one is refused.
REQUIRED_PARAMETERS = (
    "scope_sectors",
    "scope_min_energy_tce",
    "key_energy_user_min_tce",
    "data_center_monitoring_min_tce",
    "diagnosis_interval_years",
    "barometer_intensity_progress_share",
    "barometer_budget_yellow_margin",
    "barometer_reminder_months",
    "barometer_restriction_months",
    "project_warning_red_share",
    "project_warning_yellow_share",
    "products",
    "family_sectors",
    "replacement_source_ineligible",
)
# Parameters a rule set may lack (older or administrator-made rule sets): without
# products_without_benchmark only the benchmark table's keys are products; without
# key_area_capacity_ban R15 does not apply.
PRODUCTS_WITHOUT_BENCHMARK = "products_without_benchmark"
KEY_AREA_CAPACITY_BAN = "key_area_capacity_ban"

# Capacity-replacement ratios are one parameter per group of families sharing one source.
REPLACEMENT_PREFIX = "replacement_ratio_"
# Why retired capacity may be unusable for replacement (R14); a rule set lists the ones that
# apply under it in `replacement_source_ineligible`, and each source records which it has.
SOURCE_INELIGIBILITY_REASONS = ("subsidised", "mandatory_elimination")


@dataclass(frozen=True, slots=True)
class ParameterSource:
    """Where a parameter's value comes from and whether a stored text confirms it."""

    param_id: str
    source: str
    status: str
    note: str | None = None

    @property
    def confirmed(self) -> bool:
        return self.status == "confirmed"


@dataclass(frozen=True, slots=True)
class ProductSpec:
    """One row of the efficiency benchmark table: 标杆 (benchmark) and 基准 (baseline) levels.

    Lower is better; values may be negative (转炉工序 recovers more energy than it uses).
    """

    key: str
    family: str
    unit: str
    benchmark: Decimal
    baseline: Decimal


@dataclass(frozen=True, slots=True)
class CapacityBan:
    """R15: families and sectors that may add no capacity in a key air-pollution area."""

    families: frozenset[str]
    sectors: frozenset[str]

    def covers(self, family: str | None, sector: str) -> bool:
        return sector in self.sectors or (family is not None and family in self.families)


@dataclass(frozen=True, slots=True)
class RatioRequirement:
    """Retired : built capacity that a replacement must reach; strict means 减量 (must exceed)."""

    ratio: Decimal
    strict: bool

    def is_met(self, new_capacity: Decimal, replaced_capacity: Decimal) -> bool:
        required = self.ratio * new_capacity
        return replaced_capacity > required if self.strict else replaced_capacity >= required


@dataclass(frozen=True, slots=True)
class ReplacementRule:
    """Capacity-replacement ratios of a group of product families, in and outside key areas."""

    param_id: str
    families: frozenset[str]
    key_area: RatioRequirement
    elsewhere: RatioRequirement

    def requirement(self, key_air_area: bool) -> RatioRequirement:
        return self.key_area if key_air_area else self.elsewhere


def family_of(product_key: str) -> str:
    """A product key's family: its text before the first bracket, "(" or "（", stripped.

    `焦炭 (顶装焦炉)` → `焦炭`; `水泥熟料` → `水泥熟料`.
    """
    cut = len(product_key)
    for bracket in ("(", "（"):
        position = product_key.find(bracket)
        if 0 <= position < cut:
            cut = position
    return product_key[:cut].strip()


def normalise_key(text: str) -> str:
    """Comparison form of a product key: NFKC-folded, all white space removed (SPEC §3)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@dataclass(frozen=True)
class RuleParameters:
    """Everything a screening reads from one rule set, with each parameter's source.

    Mapping fields are read-only views; the object is immutable but not hashable.
    """

    name: str
    title_zh: str
    title_en: str
    effective_from: date
    scope_sectors: frozenset[str]
    scope_min_energy_tce: Decimal
    key_energy_user_min_tce: Decimal
    data_center_monitoring_min_tce: Decimal
    replacement_rules: Mapping[str, ReplacementRule]  # by family
    diagnosis_interval_years: int
    barometer_intensity_progress_share: Decimal
    barometer_budget_yellow_margin: Decimal
    barometer_reminder_months: int
    barometer_restriction_months: int
    project_warning_red_share: Decimal
    project_warning_yellow_share: Decimal
    products: Mapping[str, ProductSpec]  # by key exactly as in the table
    family_sectors: Mapping[str, frozenset[str]]
    sources: Mapping[str, ParameterSource]
    _products_normalised: Mapping[str, ProductSpec]
    # Product keys accepted in the ledger without a benchmark row (氧化铝), key → family.
    products_without_benchmark: Mapping[str, str] = field(default_factory=dict)
    key_area_capacity_ban: CapacityBan | None = None
    replacement_source_ineligible: frozenset[str] = frozenset()

    # -- lookups ----------------------------------------------------------------------------

    def product(self, key: str | None) -> ProductSpec | None:
        """The benchmark row of a product key, matched exactly or ignoring width and spaces."""
        if not key:
            return None
        spec = self.products.get(key)
        if spec is None:
            spec = self._products_normalised.get(normalise_key(key))
        return spec

    def is_product(self, key: str | None) -> bool:
        """A product key the ledger accepts: a benchmark row or a product without one."""
        if not key:
            return False
        if self.product(key) is not None:
            return True
        folded = normalise_key(key)
        return any(normalise_key(k) == folded for k in self.products_without_benchmark)

    def family_of(self, product_key: str) -> str:
        """The family of a product key (its table row's family when the key is known)."""
        spec = self.product(product_key)
        return spec.family if spec is not None else family_of(product_key)

    @cached_property
    def replacement_sectors(self) -> frozenset[str]:
        """Sectors with a family that must replace capacity (R03 (b): 钢铁, 焦化, 建材, 有色,
        石化), derived from the ratio table and family_sectors."""
        return frozenset(
            sector for family in self.replacement_rules for sector in self.sectors_of_family(family)
        )

    @cached_property
    def benchmarked_sectors(self) -> frozenset[str]:
        """Sectors with at least one product in the benchmark table (R10: all but 煤电)."""
        return frozenset(
            sector
            for spec in self.products.values()
            for sector in self.sectors_of_family(spec.family)
        )

    def replacement_rule(self, family: str | None) -> ReplacementRule | None:
        """The capacity-replacement ratios for a family, or None when it need not replace."""
        return self.replacement_rules.get(family) if family else None

    def sectors_of_family(self, family: str) -> frozenset[str]:
        return self.family_sectors.get(family, frozenset())

    def source_of(self, param_id: str) -> ParameterSource:
        """Source and status of a parameter, to show next to a finding that used it."""
        try:
            return self.sources[param_id]
        except KeyError:
            raise KeyError(f"rule set {self.name!r} has no parameter {param_id!r}") from None

    # -- construction -----------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RuleParameters:
        """Build from a rule-set fixture's parsed JSON; ValueError names what is malformed."""
        if not isinstance(data, Mapping):
            raise ValueError("rule set must be a JSON object")
        name = _text(data.get("name"), "name")
        try:
            effective_from = date.fromisoformat(_text(data.get("effective_from"), "effective_from"))
        except ValueError as exc:
            raise ValueError(f"rule set {name!r}: effective_from is not a YYYY-MM-DD date") from exc
        raw = data.get("parameters")
        if not isinstance(raw, Mapping):
            raise ValueError(f"rule set {name!r}: 'parameters' must be an object")

        sources: dict[str, ParameterSource] = {}
        values: dict[str, Any] = {}
        for param_id, entry in raw.items():
            where = f"rule set {name!r}, parameter {param_id!r}"
            if not isinstance(entry, Mapping) or "value" not in entry:
                raise ValueError(f"{where}: must be an object with 'value', 'source', 'status'")
            status = entry.get("status")
            if status not in STATUSES:
                raise ValueError(f"{where}: status must be one of {STATUSES}, not {status!r}")
            note = entry.get("note")
            if note is not None and not isinstance(note, str):
                raise ValueError(f"{where}: note must be text")
            sources[param_id] = ParameterSource(
                param_id, _text(entry.get("source"), f"{where}: source"), status, note
            )
            values[param_id] = entry["value"]
        missing = [p for p in REQUIRED_PARAMETERS if p not in values]
        if missing:
            raise ValueError(f"rule set {name!r}: missing parameters {', '.join(missing)}")

        def param(param_id: str) -> tuple[Any, str]:
            return values[param_id], f"rule set {name!r}, parameter {param_id!r}"

        products = _products(*param("products"))
        family_sectors = _family_sectors(*param("family_sectors"))
        unknown = sorted({p.family for p in products.values()} - family_sectors.keys())
        if unknown:
            raise ValueError(
                f"rule set {name!r}: families without sectors in family_sectors: {unknown}"
            )
        replacement = _replacement_rules(name, values)
        unbenchmarked = (
            _products_without_benchmark(*param(PRODUCTS_WITHOUT_BENCHMARK), products)
            if PRODUCTS_WITHOUT_BENCHMARK in values
            else {}
        )
        unknown = sorted(set(unbenchmarked.values()) - family_sectors.keys())
        if unknown:
            raise ValueError(
                f"rule set {name!r}: families without sectors in family_sectors: {unknown}"
            )
        ban = None
        if KEY_AREA_CAPACITY_BAN in values:
            ban = _capacity_ban(*param(KEY_AREA_CAPACITY_BAN))
        reminder = _count(*param("barometer_reminder_months"))
        restriction = _count(*param("barometer_restriction_months"))
        if reminder > restriction:
            raise ValueError(f"rule set {name!r}: reminder months exceed restriction months")
        yellow_share = _number(*param("project_warning_yellow_share"))
        red_share = _number(*param("project_warning_red_share"))
        if yellow_share > red_share:
            raise ValueError(f"rule set {name!r}: project warning yellow share exceeds red share")

        return cls(
            name=name,
            title_zh=str(data.get("title_zh") or name),
            title_en=str(data.get("title_en") or name),
            effective_from=effective_from,
            scope_sectors=_text_set(*param("scope_sectors")),
            scope_min_energy_tce=_number(*param("scope_min_energy_tce")),
            key_energy_user_min_tce=_number(*param("key_energy_user_min_tce")),
            data_center_monitoring_min_tce=_number(*param("data_center_monitoring_min_tce")),
            replacement_rules=MappingProxyType(replacement),
            diagnosis_interval_years=_count(*param("diagnosis_interval_years")),
            barometer_intensity_progress_share=_number(
                *param("barometer_intensity_progress_share")
            ),
            barometer_budget_yellow_margin=_number(*param("barometer_budget_yellow_margin")),
            barometer_reminder_months=reminder,
            barometer_restriction_months=restriction,
            project_warning_red_share=red_share,
            project_warning_yellow_share=yellow_share,
            products=MappingProxyType(products),
            family_sectors=MappingProxyType(family_sectors),
            sources=MappingProxyType(sources),
            _products_normalised=MappingProxyType(
                {normalise_key(key): spec for key, spec in products.items()}
            ),
            products_without_benchmark=MappingProxyType(unbenchmarked),
            key_area_capacity_ban=ban,
            replacement_source_ineligible=_ineligibility(*param("replacement_source_ineligible")),
        )


# -- shape checks ---------------------------------------------------------------------------


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: must be non-empty text")
    return value


def _number(value: Any, where: str) -> Decimal:
    """A JSON number as Decimal (via its text, so 1.25 stays exactly 1.25)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ValueError(f"{where}: must be a number, not {value!r}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{where}: must be a number, not {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"{where}: must be a finite number")
    return number


def _non_negative(value: Any, where: str) -> Decimal:
    number = _number(value, where)
    if number < 0:
        raise ValueError(f"{where}: must not be negative")
    return number


def _count(value: Any, where: str) -> int:
    number = _number(value, where)
    if number != number.to_integral_value() or number < 1:
        raise ValueError(f"{where}: must be a whole number ≥ 1")
    return int(number)


def _text_list(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not value:
        raise ValueError(f"{where}: must be a non-empty list of text")
    return [_text(item, where) for item in value]


def _text_set(value: Any, where: str) -> frozenset[str]:
    return frozenset(_text_list(value, where))


def _ineligibility(value: Any, where: str) -> frozenset[str]:
    """The reasons that make retired capacity unusable (R14); an empty list is allowed."""
    if not isinstance(value, list):
        raise ValueError(f"{where}: must be a list of reasons")
    reasons = frozenset(_text(item, where) for item in value)
    unknown = sorted(reasons.difference(SOURCE_INELIGIBILITY_REASONS))
    if unknown:
        raise ValueError(f"{where}: unknown reasons {unknown}")
    return reasons


def _products(value: Any, where: str) -> dict[str, ProductSpec]:
    if not isinstance(value, list) or not value:
        raise ValueError(f"{where}: must be a non-empty list of product rows")
    products: dict[str, ProductSpec] = {}
    seen_normalised: set[str] = set()
    for index, row in enumerate(value):
        at = f"{where}, row {index + 1}"
        if not isinstance(row, Mapping):
            raise ValueError(f"{at}: must be an object")
        key = _text(row.get("key"), f"{at}: key")
        family = _text(row.get("family"), f"{at}: family")
        if family != family_of(key):
            raise ValueError(f"{at}: family {family!r} is not the key's text before the bracket")
        benchmark = _number(row.get("benchmark"), f"{at}: benchmark")
        baseline = _number(row.get("baseline"), f"{at}: baseline")
        if benchmark > baseline:
            # Lower is better: the 标杆 level can never be above the 基准 level.
            raise ValueError(f"{at}: benchmark {benchmark} is above baseline {baseline}")
        normalised = normalise_key(key)
        if normalised in seen_normalised:
            raise ValueError(f"{at}: duplicate product key {key!r}")
        seen_normalised.add(normalised)
        products[key] = ProductSpec(
            key, family, _text(row.get("unit"), f"{at}: unit"), benchmark, baseline
        )
    return products


def _products_without_benchmark(
    value: Any, where: str, products: Mapping[str, ProductSpec]
) -> dict[str, str]:
    if not isinstance(value, list):
        raise ValueError(f"{where}: must be a list of product rows")
    table = {normalise_key(key) for key in products}
    found: dict[str, str] = {}
    for index, row in enumerate(value):
        at = f"{where}, row {index + 1}"
        if not isinstance(row, Mapping):
            raise ValueError(f"{at}: must be an object")
        key = _text(row.get("key"), f"{at}: key")
        family = _text(row.get("family"), f"{at}: family")
        if family != family_of(key):
            raise ValueError(f"{at}: family {family!r} is not the key's text before the bracket")
        if normalise_key(key) in table or key in found:
            raise ValueError(f"{at}: duplicate product key {key!r}")
        found[key] = family
    return found


def _capacity_ban(value: Any, where: str) -> CapacityBan:
    if not isinstance(value, Mapping):
        raise ValueError(f"{where}: must be an object with families and sectors")
    families, sectors = value.get("families", []), value.get("sectors", [])
    if not isinstance(families, list) or not isinstance(sectors, list) or not (families or sectors):
        raise ValueError(f"{where}: families and sectors must be lists, not both empty")
    return CapacityBan(
        frozenset(_text(item, f"{where}: families") for item in families),
        frozenset(_text(item, f"{where}: sectors") for item in sectors),
    )


def _family_sectors(value: Any, where: str) -> dict[str, frozenset[str]]:
    if not isinstance(value, Mapping) or not value:
        raise ValueError(f"{where}: must be an object mapping families to sector lists")
    return {
        _text(family, where): _text_set(sectors, f"{where}, family {family!r}")
        for family, sectors in value.items()
    }


def _ratio(value: Any, where: str) -> RatioRequirement:
    if not isinstance(value, Mapping) or not isinstance(value.get("strict"), bool):
        raise ValueError(f"{where}: must be an object with 'ratio' and boolean 'strict'")
    ratio = _non_negative(value.get("ratio"), f"{where}: ratio")
    return RatioRequirement(ratio, value["strict"])


def _replacement_rules(name: str, values: Mapping[str, Any]) -> dict[str, ReplacementRule]:
    rules: dict[str, ReplacementRule] = {}
    for param_id, value in values.items():
        if not param_id.startswith(REPLACEMENT_PREFIX):
            continue
        where = f"rule set {name!r}, parameter {param_id!r}"
        if not isinstance(value, Mapping):
            raise ValueError(f"{where}: must be an object with families, key_area, elsewhere")
        families = _text_set(value.get("families"), f"{where}: families")
        rule = ReplacementRule(
            param_id,
            families,
            _ratio(value.get("key_area"), f"{where}: key_area"),
            _ratio(value.get("elsewhere"), f"{where}: elsewhere"),
        )
        for family in families:
            if family in rules:
                raise ValueError(f"{where}: family {family!r} already has replacement ratios")
            rules[family] = rule
    if not rules:
        raise ValueError(f"rule set {name!r}: no {REPLACEMENT_PREFIX}* parameters")
    return rules


def load_rule_set_file(path: str) -> RuleParameters:
    """Read a rule-set fixture from disk (for tests, benches and the loader command)."""
    with open(path, encoding="utf-8") as handle:
        return RuleParameters.from_dict(json.load(handle))
