"""Models of the screening app, one module per area."""

from screening.models.ledger import (
    ChangeKind,
    LedgerUpload,
    Project,
    ProjectChange,
    ProjectStatus,
    RemovalReason,
    ScreeningChange,
    UploadScope,
    UploadStatus,
)
from screening.models.regions import Region, RegionAttribute, RegionAttributeKind
from screening.models.rulesets import RuleSet
from screening.models.warnings import AnnualResult, IndicatorMonth

__all__ = [
    "ChangeKind",
    "LedgerUpload",
    "Project",
    "ProjectChange",
    "ProjectStatus",
    "RemovalReason",
    "ScreeningChange",
    "UploadScope",
    "UploadStatus",
    "AnnualResult",
    "IndicatorMonth",
    "Region",
    "RegionAttribute",
    "RegionAttributeKind",
    "RuleSet",
]
from screening.models.workflow import (  # noqa: E402  (review workflow, issue 5)
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
from screening.models.warnings import (  # noqa: E402  (early warning, issue 6)
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
from screening.models.jobs import (  # noqa: E402  (scheduled jobs, reports and digests, issue 7)
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
from screening.models.demo import DemoSeed  # noqa: E402  (issue 13.1)

__all__ += ["DemoSeed"]
from screening.models.documents import (  # noqa: E402  (decision documents, issue 18)
    DecisionDocument,
    DocumentCounter,
    DocumentKind,
    IssuingOffice,
)

__all__ += ["DecisionDocument", "DocumentCounter", "DocumentKind", "IssuingOffice"]
from screening.models.registry import (  # noqa: E402  (capacity-replacement registry, issue 17)
    CapacityDraw,
    CapacitySource,
    PlanStatus,
    RegistryUpload,
    RegistryUploadKind,
    RegistryUploadStatus,
    ReplacementPlan,
)

__all__ += [
    "CapacityDraw",
    "CapacitySource",
    "PlanStatus",
    "RegistryUpload",
    "RegistryUploadKind",
    "RegistryUploadStatus",
    "ReplacementPlan",
]
