"""Every write of the appraisal domain goes through these functions (admin, API, commands, pages).

By stage: `library` (indicators, KPI sets), `cycles` (a cycle's life and its gates),
`workflow` (one appraisal's steps), `results` (scores, bands, what is unfinished) and
`appeals`. Callers import from here.
"""

from appraisal.services.appeals import (
    appeal_assign,
    appeal_deadline_passed,
    appeal_decide,
    appeal_file,
    appeals_overdue,
    may_decide,
)
from appraisal.services.cycles import (
    cycle_close,
    cycle_delete,
    cycle_open,
    cycle_open_preview,
    cycle_plan,
    cycle_release_results,
    cycle_reopen,
    cycle_start_calibration,
    cycle_write,
    reassign_reviewers,
)
from appraisal.services.library import (
    check_positions_free,
    indicator_delete,
    indicator_write,
    kpi_set_activate,
    kpi_set_delete,
    kpi_set_problems,
    kpi_set_retire,
    kpi_set_write,
    set_problems,
)
from appraisal.services.results import (
    appraisal_compute,
    cycle_compute_results,
    cycle_unfinished,
    outcome_of,
)
from appraisal.services.workflow import (
    appraisal_acknowledge,
    appraisal_calibrate,
    appraisal_preview,
    appraisal_recall,
    appraisal_resolve_objection,
    appraisal_submit_review,
    appraisal_submit_self,
    appraisal_update,
    appraisals_calibrate,
    appraisals_return,
    check_line_value,
)

__all__ = [
    "appeal_assign", "appeal_decide", "appeal_deadline_passed", "appeal_file", "appeals_overdue", "may_decide",
    "cycle_close", "cycle_delete", "cycle_open", "cycle_open_preview", "cycle_plan", "cycle_release_results",
    "cycle_reopen", "cycle_start_calibration", "cycle_write", "reassign_reviewers",
    "check_positions_free", "indicator_delete", "indicator_write", "kpi_set_activate", "kpi_set_delete",
    "kpi_set_problems", "kpi_set_retire", "kpi_set_write", "set_problems",
    "appraisal_compute", "cycle_compute_results", "cycle_unfinished", "outcome_of",
    "appraisal_acknowledge", "appraisal_calibrate", "appraisal_preview", "appraisal_recall",
    "appraisal_resolve_objection", "appraisal_submit_review", "appraisal_submit_self", "appraisal_update",
    "appraisals_calibrate", "appraisals_return", "check_line_value",
]  # fmt: skip
