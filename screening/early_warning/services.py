"""Early warning (预警, SPEC §6): one import for the services its pages, commands and the API
call. The code lives beside this module, one capability each:

* `barometer` — tiers of a region-month, publication dates, annual results, the barometer grid;
* `publishing` — saving and publishing months, and the escalations and 限批 notices that follow;
* `escalations` — reminders and restrictions derived from published months, and what is in force
  on a day (`restriction_in_force`: R08, the approve guard, the case page);
* `budgets` — the region's energy headroom (能耗空间) and a project's impact on it;
* `project_energy` — project energy-use warnings (两高项目用能预警);
* `alerts` — the other alerts of a user's regions (overdue cases, R12 diagnoses due, …).

Month helpers live in `screening.months`.
"""

from screening.early_warning.alerts import (  # noqa: F401
    Alerts,
    alerts_for,
    diagnoses_due,
    diagnosis_candidates,
    diagnosis_due,
    overdue_cases,
)
from screening.early_warning.barometer import (  # noqa: F401
    EARLIEST_PUBLICATION,
    INDICATOR_FIELDS,
    TIER_FIELDS,
    IndicatorRow,
    MonthCell,
    SaveSummary,
    WarningRefused,
    barometer_grid,
    month_ended_by,
    month_not_ended_message,
    no_rule_set_message,
    publication_date_problem,
    publication_moment,
    recompute_tiers,
    record_annual_result,
    rule_set_for_month,
    tiers_of,
)
from screening.early_warning.budgets import (  # noqa: F401
    BudgetImpact,
    budget_impact,
    headroom_by_region,
    new_energy_of,
)
from screening.early_warning.escalations import (  # noqa: F401
    EscalationInfo,
    derive_episodes,
    escalation_in_force,
    restriction_in_force,
    sync_escalations,
)
from screening.early_warning.project_energy import (  # noqa: F401
    ProjectEnergyRow,
    latest_project_warnings,
    operating_two_high,
    recompute_project_year,
    save_project_energy,
)
from screening.early_warning.publishing import (  # noqa: F401
    publish_escalations,
    publish_months,
    save_indicator_months,
)
from screening.months import YearMonth, month_label  # noqa: F401
