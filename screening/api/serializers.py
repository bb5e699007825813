"""What the API returns and accepts. Messages of findings and errors come in the request's
language; both languages stay available as `message_zh` / `message_en`.

One module per capability beside this one (`serializers_base`, `_projects`, `_ledger`, `_cases`,
`_rules`); the views read them all from here.
"""

from screening.api.serializers_base import (  # noqa: F401
    ErrorBodySerializer,
    ErrorDetailSerializer,
    ErrorSerializer,
    FindingSerializer,
    ModelSerializer,
    RegionRefSerializer,
)
from screening.api.serializers_cases import (  # noqa: F401
    TRANSITION_NAMES,
    AttachmentSerializer,
    BlockedSerializer,
    CaseDetailSerializer,
    CaseOpenSerializer,
    CaseSerializer,
    CommittedProjectSerializer,
    EnergyHeadroomSerializer,
    EventSerializer,
    TransitionInputSerializer,
    energy_headroom_data,
)
from screening.api.serializers_ledger import (  # noqa: F401
    ApplySerializer,
    CellErrorSerializer,
    MissingReasonSerializer,
    UploadCreateSerializer,
    UploadDetailSerializer,
    UploadLinksSerializer,
    UploadSerializer,
)
from screening.api.serializers_projects import (  # noqa: F401
    CaseRefSerializer,
    MeSerializer,
    ProjectDetailSerializer,
    ProjectSerializer,
    ScreeningSerializer,
    ScreenRequestSerializer,
    ScreenResultSerializer,
)
from screening.api.serializers_rules import (  # noqa: F401
    IndicatorMonthSerializer,
    ParameterSerializer,
    RuleSetDetailSerializer,
    RuleSetSerializer,
)
