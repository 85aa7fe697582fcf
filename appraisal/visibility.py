"""Who sees and who writes which field of an appraisal and its lines, by role and by state.

This is the one policy the pages, the API (detail, list, history, results, exports) and the
admin read. A role is how a person stands to one appraisal:

- ``employee``: the person appraised;
- ``reviewer``: the manager who scores it;
- ``hr``: an HR admin (sees everything, including drafts and the internal calibration reason);
- ``reader``: someone HR granted the view of every appraisal (an API reader, a named appeal
  decider): what has been submitted, never drafts or HR's internal reasons.

What depends on the state:

- the self-assessment (the employee's actuals, levels and comments) is seen by the reviewer and
  readers only once it is submitted;
- the manager's review (scores, actuals, comments, the feedback conversation) and the result
  (dimension and final scores, bands, outcomes) are seen by the employee only once the cycle is
  closed or HR released the results, and then only if the review was submitted; readers see
  them once the review is submitted;
- the calibration reason is HR's alone; the note for the employee is what the employee reads.

A hidden field is absent from pages and history and is ``null`` in the API.
"""

from dataclasses import dataclass

from appraisal.choices import AppraisalState, CycleState

ROLES = ("employee", "reviewer", "hr", "reader")

# --- field groups -------------------------------------------------------------------------

IDENTITY = frozenset({
    "id", "cycle", "cycle_name", "employee", "employee_no", "employee_name", "position", "position_title",
    "department", "reviewer", "reviewer_name", "kpi_set", "results_weight", "ability_weight", "attitude_weight",
    "state", "self_submitted", "reviewed", "revision", "created", "updated", "lines", "appeal",
})  # fmt: skip
SELF = frozenset({"self_comment"})
REVIEW = frozenset({"manager_comment", "feedback_date", "feedback_notes"})
RESULT = frozenset({
    "results_score", "ability_score", "attitude_score", "final_score", "computed_band", "band", "bonus_coefficient",
    "merit_increase", "band_note",
})  # fmt: skip
INTERNAL = frozenset({"band_reason", "returned_reason"})
ACKNOWLEDGEMENT = frozenset({"acknowledged", "result_change_reason"})
OBJECTION = frozenset({"objection", "objection_resolved", "objection_resolution"})

LINE_IDENTITY = frozenset({
    "id", "indicator", "name", "name_en", "dimension", "kind", "unit", "direction", "weight", "target", "levels",
    "order", "minimum",
})  # fmt: skip
LINE_SELF = frozenset({"self_actual", "self_score", "self_comment"})
LINE_REVIEW = frozenset({"manager_actual", "manager_score", "comment"})
LINE_RESULT = frozenset({"actual", "score"})

APPRAISAL_FIELDS = IDENTITY | SELF | REVIEW | RESULT | INTERNAL | ACKNOWLEDGEMENT | OBJECTION
LINE_FIELDS = LINE_IDENTITY | LINE_SELF | LINE_REVIEW | LINE_RESULT

# What each role may write, and in which states (the services refuse anything else).
WRITES = {
    "employee": {"appraisal": frozenset({"self_comment"}), "line": frozenset({"actual", "self_score", "self_comment"})},
    "reviewer": {
        "appraisal": frozenset({"manager_comment", "feedback_date", "feedback_notes"}),
        "line": frozenset({"actual", "manager_score", "comment"}),
    },
    "hr": {
        "appraisal": frozenset({"self_comment", "manager_comment", "feedback_date", "feedback_notes", "reviewer"}),
        "line": frozenset({"actual", "self_score", "manager_score", "self_comment", "comment"}),
    },
    "reader": {"appraisal": frozenset(), "line": frozenset()},
}
WRITE_STATES = {
    "employee": frozenset({AppraisalState.SELF_ASSESSMENT}),
    "reviewer": frozenset({AppraisalState.MANAGER_REVIEW}),
    "hr": frozenset({AppraisalState.SELF_ASSESSMENT, AppraisalState.MANAGER_REVIEW}),
    "reader": frozenset(),
}


@dataclass(frozen=True)
class Facts:
    """What the policy needs to know of an appraisal: its state, its cycle's state and two moments."""

    state: str
    cycle_state: str
    self_submitted: bool
    reviewed: bool
    released: bool = False

    @classmethod
    def of(cls, appraisal, cycle=None):
        """From an Appraisal (its cycle loaded) or from a row dict with the same names and `cycle_state`."""
        if isinstance(appraisal, dict):
            return cls(
                state=appraisal["state"],
                cycle_state=appraisal["cycle_state"],
                self_submitted=appraisal["self_submitted"] is not None,
                reviewed=appraisal["reviewed"] is not None,
                released=appraisal.get("cycle_released") is not None,
            )
        cycle = cycle or appraisal.cycle
        return cls(
            state=appraisal.state,
            cycle_state=cycle.state,
            self_submitted=appraisal.self_submitted is not None,
            reviewed=appraisal.reviewed is not None,
            released=cycle.results_released is not None,
        )

    @property
    def submitted_review(self):
        return self.reviewed and self.state != AppraisalState.NOT_COMPLETED

    @property
    def result_out(self):
        """Whether the employee may read the result: the cycle closed (or released) and the review submitted."""
        return self.submitted_review and (self.cycle_state == CycleState.CLOSED or self.released)


def readable(role, facts):
    """(appraisal fields, line fields) that `role` may read of an appraisal with these `facts`."""
    if role == "hr":
        return APPRAISAL_FIELDS, LINE_FIELDS
    fields, line_fields = set(IDENTITY), set(LINE_IDENTITY)
    if role == "employee":
        fields |= SELF | ACKNOWLEDGEMENT | OBJECTION
        line_fields |= LINE_SELF
        if facts.result_out:
            fields |= REVIEW | RESULT
            line_fields |= LINE_REVIEW | LINE_RESULT
    elif role == "reviewer":
        fields |= REVIEW | {"returned_reason", "acknowledged"}
        line_fields |= LINE_REVIEW
        if facts.self_submitted:
            fields |= SELF
            line_fields |= LINE_SELF
        # Before the self-assessment is submitted, `actual` and the scores are the employee's draft.
        if facts.self_submitted and facts.state != AppraisalState.NOT_COMPLETED:
            fields |= RESULT
            line_fields |= LINE_RESULT
    elif role == "reader":
        fields |= ACKNOWLEDGEMENT | OBJECTION
        if facts.self_submitted:
            fields |= SELF
            line_fields |= LINE_SELF
        if facts.submitted_review:
            fields |= REVIEW | RESULT
            line_fields |= LINE_REVIEW | LINE_RESULT
    else:
        return frozenset(), frozenset()
    return frozenset(fields), frozenset(line_fields)


def writable(role, facts):
    """(appraisal fields, line fields) that `role` may change now; empty sets when nothing can change."""
    if role not in WRITES or facts.cycle_state not in (CycleState.OPEN, CycleState.CALIBRATION):
        return frozenset(), frozenset()
    if facts.state not in WRITE_STATES[role]:
        return frozenset(), frozenset()
    if role == "reviewer" and facts.reviewed:
        return frozenset(), frozenset()
    return WRITES[role]["appraisal"], WRITES[role]["line"]


def redact_row(row, role, facts):
    """An API row (with `lines` as dicts) with every field `role` may not read set to None."""
    fields, line_fields = readable(role, facts)
    for name in row:
        if name not in fields and name not in ("lines",):
            row[name] = None
    for line in row.get("lines") or ():
        for name in line:
            if name not in line_fields:
                line[name] = None
    return row


def readable_history_fields(role, facts, kind):
    """The field names of history entries of `kind` ("appraisal" or "appraisal line") the role may read."""
    fields, line_fields = readable(role, facts)
    return line_fields if kind == "appraisal line" else fields


def role_of(user, appraisal):
    """How `user` reads `appraisal`: employee, reviewer, hr, reader or None (see the module's docstring)."""
    from orgdesign import access

    role = access.appraisal_role(user, appraisal)
    if role == "manager":
        return "reviewer"
    if role in ("employee", "hr"):
        return role
    if access.sees_all_appraisals(user) or access.decides_appeal_of(user, appraisal):
        return "reader"
    return None
