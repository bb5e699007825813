"""Models of the screening app, one module per area."""

from .ledger import (
    ChangeKind,
    LedgerUpload,
    Project,
    ProjectChange,
    ProjectStatus,
    RemovalReason,
    ScreeningChange,
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
    "ScreeningChange",
    "UploadStatus",
    "AnnualResult",
    "IndicatorMonth",
    "Region",
    "RegionAttribute",
    "RegionAttributeKind",
    "RuleSet",
]
from .workflow import (  # noqa: E402  (review workflow, issue 5)
    FINAL_STATES,
    OPEN_STATES,
    CaseAttachment,
    CaseEvent,
    CaseState,
    EvaluationKind,
    ReviewCase,
)

__all__ += [
    "FINAL_STATES",
    "OPEN_STATES",
    "CaseAttachment",
    "CaseEvent",
    "CaseState",
    "EvaluationKind",
    "ReviewCase",
]
from .warnings import (  # noqa: E402  (early warning, issue 6)
    EscalationEnd,
    EscalationEvent,
    EscalationKind,
    IndicatorSource,
    ProjectEnergyMonth,
    TierChoice,
)

__all__ += [
    "EscalationEnd",
    "EscalationEvent",
    "EscalationKind",
    "IndicatorSource",
    "ProjectEnergyMonth",
    "TierChoice",
]
from .jobs import (  # noqa: E402  (scheduled jobs, reports and digests, issue 7)
    DigestDelivery,
    DigestStatus,
    JobRun,
    JobStatus,
    Report,
    ReportKind,
    ReportStatus,
)

__all__ += [
    "DigestDelivery",
    "DigestStatus",
    "JobRun",
    "JobStatus",
    "Report",
    "ReportKind",
    "ReportStatus",
]
from .demo import DemoSeed  # noqa: E402  (issue 13.1)

__all__ += ["DemoSeed"]
from .documents import (  # noqa: E402  (decision documents, issue 18)
    DecisionDocument,
    DocumentCounter,
    DocumentKind,
    IssuingOffice,
)

__all__ += ["DecisionDocument", "DocumentCounter", "DocumentKind", "IssuingOffice"]
from .registry import (  # noqa: E402  (capacity-replacement registry, issue 17)
    CapacityDraw,
    CapacitySource,
    PlanStatus,
    RegistryUpload,
    RegistryUploadKind,
    RegistryUploadStatus,
    ReplacementPlan,
)

__all__ += ["CapacityDraw", "CapacitySource", "PlanStatus", "RegistryUpload",
            "RegistryUploadKind", "RegistryUploadStatus", "ReplacementPlan"]
