"""Models of the screening app, one module per area."""

from .ledger import (
    ChangeKind,
    LedgerUpload,
    Project,
    ProjectChange,
    ProjectStatus,
    RemovalReason,
    UploadStatus,
)
from .regions import Region, RegionAttribute, RegionAttributeKind
from .rulesets import RuleSet
from .warnings import AnnualResult, IndicatorMonth

__all__ = [
    "ChangeKind",
    "LedgerUpload",
    "Project",
    "ProjectChange",
    "ProjectStatus",
    "RemovalReason",
    "UploadStatus",
    "AnnualResult",
    "IndicatorMonth",
    "Region",
    "RegionAttribute",
    "RegionAttributeKind",
    "RuleSet",
]
