"""Models of the screening app, one module per area."""

from .regions import Region, RegionAttribute, RegionAttributeKind
from .rulesets import RuleSet
from .warnings import AnnualResult, IndicatorMonth

__all__ = [
    "AnnualResult",
    "IndicatorMonth",
    "Region",
    "RegionAttribute",
    "RegionAttributeKind",
    "RuleSet",
]
