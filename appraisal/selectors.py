"""Reads of the appraisal domain that pages, the API and exports share."""

from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from appraisal import visibility
from appraisal.choices import AppealOutcome, AppealState, AppraisalState, CycleState, IndicatorKind
from appraisal.models import Appeal, Appraisal, AppraisalCycle, AppraisalLine, AppraisalPolicy, RatingBand
from departments.models import Department
from orgdesign import access


def band_codes():
    """Band codes from best to worst."""
    return list(RatingBand.objects.order_by("-min_score").values_list("code", flat=True))


def _unit_of(path, top_depth, units):
    """The unit one level below the top that `path` lies in (or the top unit itself)."""
    ids = [int(part) for part in path.strip("/").split("/") if part]
    return units.get(ids[min(top_depth + 1, len(ids) - 1)]) if ids else None


def with_result():
    """The appraisals that have a result: the manager's review submitted, and not ended as not completed."""
    return Q(reviewed__isnull=False) & ~Q(state=AppraisalState.NOT_COMPLETED)


def _redact(row, role, facts):
    """Set to None the appraisal fields of a result row that `role` may not read (see `visibility`)."""
    if role == "hr":
        return row
    fields, _line_fields = visibility.readable(role, facts)
    for name in (row.keys() & visibility.APPRAISAL_FIELDS) - fields:
        row[name] = None
    return row


def not_charted(cycle):
    """How many appraisals of the cycle have no result, and why: {self_assessment, manager_review, not_completed}."""
    by_state = dict(
        Appraisal.objects.filter(cycle=cycle).exclude(with_result()).values_list("state").annotate(n=Count("id"))
    )
    waiting_self = by_state.pop(AppraisalState.SELF_ASSESSMENT, 0)
    ended = by_state.pop(AppraisalState.NOT_COMPLETED, 0)
    return {"self_assessment": waiting_self, "manager_review": sum(by_state.values()), "not_completed": ended}


def cycle_distribution(cycle, *, role="hr"):
    """Bands per unit (the units just below the cycle's scope) against the guideline.

    Only appraisals with a result (the review submitted) are charted. Each unit: {unit, name,
    total, counts {band: n}, shares {band: %}, people {band: [...]}, s_share, sa_share, over_s,
    over_sa}; plus the same for the whole cycle, how many are `charted` of how many `appraisals`,
    why the rest are not (`not_charted`), and whether the figures are still `provisional`.
    `reason` (HR's internal calibration reason) is None for any role but HR.
    """
    policy = AppraisalPolicy.current()
    codes = band_codes()
    top_depth = cycle.scope.depth if cycle.scope_id else 0
    units = {u["id"]: u for u in Department.objects.values("id", "name", "name_en", "path")}
    rows = (
        Appraisal.objects.filter(with_result(), cycle=cycle)
        .order_by("employee__employee_no")
        .values("id", "revision", "band", "computed_band", "final_score", "employee__name", "employee__employee_no",
                "department__path", "band_reason", "band_note")
    )  # fmt: skip
    groups = defaultdict(list)
    for row in rows:
        unit = _unit_of(row["department__path"] or "", top_depth, units)
        groups[unit["id"] if unit else None].append(row)
    hide_reason = role != "hr"
    result = [_distribution(units.get(key), people, codes, policy, hide_reason) for key, people in groups.items()]
    result.sort(key=lambda entry: entry["name"] or "")
    everyone = [row for people in groups.values() for row in people]
    missing = not_charted(cycle)
    return {
        "units": result,
        "total": _distribution(None, everyone, codes, policy, hide_reason),
        "bands": codes,
        "guideline": {"s_max": policy.guideline_s_max, "sa_max": policy.guideline_sa_max},
        "charted": len(everyone),
        "appraisals": len(everyone) + sum(missing.values()),
        "not_charted": missing,
        "provisional": cycle.state != CycleState.CLOSED,
    }


def _distribution(unit, people, codes, policy, hide_reason=False):
    counts = Counter(person["band"] or person["computed_band"] for person in people)
    total = len(people)

    def share(n):
        return (Decimal(n) * 100 / total).quantize(Decimal("0.1")) if total else Decimal(0)

    best = codes[:1]
    best_two = codes[:2]
    s_share = share(sum(counts[c] for c in best))
    sa_share = share(sum(counts[c] for c in best_two))
    people_by_band = defaultdict(list)
    for person in people:
        people_by_band[person["band"] or person["computed_band"]].append({
            "appraisal": person["id"], "revision": person["revision"], "employee_no": person["employee__employee_no"],
            "name": person["employee__name"], "final_score": person["final_score"],
            "computed_band": person["computed_band"], "band": person["band"] or person["computed_band"],
            "reason": None if hide_reason else person["band_reason"], "note": person["band_note"],
        })  # fmt: skip
    return {
        "unit": unit["id"] if unit else None,
        "name": unit["name"] if unit else "",
        "name_en": unit["name_en"] if unit else "",
        "total": total,
        "counts": {code: counts.get(code, 0) for code in codes},
        "shares": {code: share(counts.get(code, 0)) for code in codes},
        "people": {code: people_by_band.get(code, []) for code in codes},
        "s_share": s_share,
        "sa_share": sa_share,
        "over_s": s_share > policy.guideline_s_max,
        "over_sa": sa_share > policy.guideline_sa_max,
    }


def calibration_details(cycle):
    """What HR reads beside each charted person: {appraisal id: {self_comment, manager_comment, lines}}.

    Each line: {name, kind, unit, self, manager, differs}: the level each side gave a rated line,
    or the actual each side entered on a quantitative one (the manager's, if any, is the one scored).
    """
    details = {
        row["id"]: {"self_comment": row["self_comment"], "manager_comment": row["manager_comment"], "lines": []}
        for row in Appraisal.objects.filter(with_result(), cycle=cycle).values("id", "self_comment", "manager_comment")
    }
    lines = AppraisalLine.objects.filter(appraisal__cycle=cycle, appraisal_id__in=list(details)).order_by(
        "appraisal_id", "order", "id"
    )
    for line in lines.values(
        "appraisal_id", "name", "kind", "unit", "self_actual", "manager_actual", "actual", "self_score",
        "manager_score",
    ):  # fmt: skip
        if line["kind"] == IndicatorKind.QUANTITATIVE:
            mine = line["self_actual"]
            theirs = line["manager_actual"] if line["manager_actual"] is not None else line["actual"]
        else:
            mine, theirs = line["self_score"], line["manager_score"]
        details[line["appraisal_id"]]["lines"].append({
            "name": line["name"], "kind": line["kind"], "unit": line["unit"], "self": mine, "manager": theirs,
            "differs": mine is not None and theirs is not None and mine != theirs,
        })  # fmt: skip
    return details


def promotion_candidates(cycle):
    """Employee ids with the promotion band or better in each of the last N closed cycles up to `cycle`.

    A cycle not yet closed counts with its current bands, so HR can preview during calibration.
    """
    policy = AppraisalPolicy.current()
    codes = band_codes()
    if policy.promotion_band not in codes:
        return set()
    good = set(codes[: codes.index(policy.promotion_band) + 1])
    earlier = list(
        AppraisalCycle.objects.filter(state=CycleState.CLOSED, period_end__lt=cycle.period_start)
        .order_by("-period_end")
        .values_list("id", flat=True)[: policy.promotion_cycles - 1]
    )
    cycle_ids = [cycle.pk, *earlier]
    if len(cycle_ids) < policy.promotion_cycles:
        return set()
    bands = defaultdict(dict)
    for employee_id, cycle_id, band, computed in Appraisal.objects.filter(
        with_result(), cycle_id__in=cycle_ids
    ).values_list("employee_id", "cycle_id", "band", "computed_band"):
        bands[employee_id][cycle_id] = band or computed
    return {
        employee_id
        for employee_id, by_cycle in bands.items()
        if all(by_cycle.get(cycle_id) in good for cycle_id in cycle_ids)
    }


# Where an appraisal stands: the one set of stages, and of their names, that the lists, the
# appraisal page and its PDF, the cycle's progress, the results and the exports all use. A
# submitted review is told apart from one the manager is still writing (or was sent back).
# (The translation context tells these apart from the same words as a field's label: "review
# submitted" is a stage here, the moment it happened on the appraisal's field.)
STAGES = [
    ("self_assessment", pgettext_lazy("appraisal stage", "self-assessment")),
    ("manager_review", pgettext_lazy("appraisal stage", "manager review")),
    ("reviewed", pgettext_lazy("appraisal stage", "review submitted")),
    ("calibrated", pgettext_lazy("appraisal stage", "result given")),
    ("acknowledged", pgettext_lazy("appraisal stage", "acknowledged")),
    ("not_completed", pgettext_lazy("appraisal stage", "not completed")),
]
STAGE_LABELS = dict(STAGES)


def stage_of(state, reviewed):
    """The stage of an appraisal in `state` whose review was submitted at `reviewed` (or None)."""
    if state == AppraisalState.MANAGER_REVIEW and reviewed is not None:
        return "reviewed"
    return state


def stage_label(stage):
    """The name of a stage of `STAGES`, in the reader's language."""
    return str(STAGE_LABELS.get(stage, stage))


RESULT_COLUMNS = [
    ("employee_no", "工号 Employee no."),
    ("name", "姓名 Name"),
    ("unit", "单位 Unit"),
    ("position", "岗位 Position"),
    ("reviewer", "考核人 Reviewer"),
    ("state_label", "状态 State"),
    ("provisional", "暂定 Provisional"),
    ("results_score", "业绩 Results"),
    ("ability_score", "能力 Ability"),
    ("attitude_score", "态度 Attitude"),
    ("final_score", "总分 Final score"),
    ("computed_band", "计算等级 Computed band"),
    ("band", "最终等级 Band"),
    ("band_reason", "校准理由 Calibration reason"),
    ("band_note", "校准说明(员工可见) Note for the employee"),
    ("bonus_coefficient", "奖金系数 Bonus coefficient"),
    ("merit_increase", "调薪建议% Merit increase %"),
    ("promotion_candidate", "晋升候选 Promotion candidate"),
    ("acknowledged", "确认时间 Acknowledged"),
    ("objection", "异议 Objection"),
    ("objection_resolution", "异议答复 Answer to the objection"),
    ("appeal_state_label", "申诉状态 Appeal"),
    ("appeal_due", "申诉处理期限 Appeal decision due"),
    ("appeal_outcome_label", "申诉结果 Appeal outcome"),
    ("appeal_decision", "申诉决定 Appeal decision"),
]

RESULT_FIGURES = ("results_score", "ability_score", "attitude_score", "final_score", "computed_band", "band",
                  "bonus_coefficient", "merit_increase")  # fmt: skip


def cycle_results(cycle, *, role="hr"):
    """One row per appraisal of the cycle: where it stands, its result, objection, appeal and promotion candidacy.

    Scores, bands and outcomes are given only for appraisals whose manager review was submitted
    (a draft review is never a result; a "not completed" one has none); they are `provisional`
    until the cycle closes. For any role but HR the fields the visibility policy hides are None.
    """
    candidates = promotion_candidates(cycle)
    bands = {b.code: b for b in RatingBand.objects.all()}
    appeal_states, appeal_outcomes = dict(AppealState.choices), dict(AppealOutcome.choices)
    provisional = cycle.state != CycleState.CLOSED
    today = timezone.localdate()
    rows = []
    for a in (
        Appraisal.objects.filter(cycle=cycle)
        .select_related("employee", "department", "reviewer", "appeal")
        .order_by("employee__employee_no")
    ):
        submitted = a.submitted_review
        band = (a.band or a.computed_band) if submitted else ""
        outcome = bands.get(band)
        appeal = getattr(a, "appeal", None)
        stage = stage_of(a.state, a.reviewed)
        row = {
            "appraisal": a.pk, "employee": a.employee_id, "employee_no": a.employee.employee_no,
            "name": a.employee.name, "unit": a.department.name if a.department else "",
            "unit_id": a.department_id, "unit_path": a.department.path if a.department else "",
            "position": a.position_title, "reviewer": a.reviewer.name if a.reviewer else "",
            "state": a.state, "stage": stage, "state_label": stage_label(stage),
            "self_submitted": a.self_submitted, "reviewed": a.reviewed, "submitted": submitted,
            "provisional": provisional,
            "results_score": a.results_score, "ability_score": a.ability_score,
            "attitude_score": a.attitude_score, "final_score": a.final_score, "computed_band": a.computed_band,
            "band": band, "band_reason": a.band_reason, "band_note": a.band_note,
            "bonus_coefficient": a.bonus_coefficient if a.bonus_coefficient is not None else (
                outcome.bonus_coefficient if outcome else None),
            "merit_increase": a.merit_increase if a.merit_increase is not None else (
                outcome.merit_increase if outcome else None),
            "promotion_candidate": submitted and a.employee_id in candidates,
            "acknowledged": a.acknowledged, "objection": a.objection,
            "objection_resolved": a.objection_resolved, "objection_resolution": a.objection_resolution,
            "objection_open": bool(a.objection) and a.objection_resolved is None,
            "appeal": appeal.pk if appeal else None,
            "appeal_state": appeal.state if appeal else "",
            "appeal_state_label": str(appeal_states[appeal.state]) if appeal else "",
            "appeal_due": appeal.due if appeal else None,
            "appeal_overdue": bool(appeal) and appeal.state == AppealState.OPEN and appeal.due < today,
            "appeal_outcome": appeal.outcome if appeal else "",
            "appeal_outcome_label": str(appeal_outcomes.get(appeal.outcome, "")) if appeal else "",
            "appeal_decision": appeal.decision if appeal else "",
        }  # fmt: skip
        if not submitted:
            row.update(dict.fromkeys(("results_score", "ability_score", "attitude_score", "final_score",
                                      "bonus_coefficient", "merit_increase"), None), computed_band="")  # fmt: skip
        rows.append(_redact(row, role, visibility.Facts.of(a, cycle)) if role != "hr" else row)
    return rows


RESULT_SORTS = ("name", "unit", "final_score", "band", "state")


def filter_results(rows, *, unit_path="", band="", state="", objection="", appeal="", sort=""):
    """The rows of `cycle_results` that match the results page's filters, in the order asked for.

    `unit_path`: that unit and those below it; `band`: a code or "none"; `state`: a stage of
    `STAGES`; `objection`: yes, no or open (not yet answered); `appeal`: none, open or decided;
    `sort`: one of `RESULT_SORTS`, "-" first for the reverse order.
    """
    kept = []
    for row in rows:
        if unit_path and not (row["unit_path"] or "").startswith(unit_path):
            continue
        if band and (row["band"] or "none") != band:
            continue
        if state and row["stage"] != state:
            continue
        if objection == "yes" and not row["objection"] or objection == "no" and row["objection"]:
            continue
        if objection == "open" and not row["objection_open"]:
            continue
        if appeal and (row["appeal_state"] or "none") != appeal:
            continue
        kept.append(row)
    descending, key = sort.startswith("-"), sort.lstrip("-")
    if key not in RESULT_SORTS:
        return kept
    value = _sort_value(key)
    present = sorted((row for row in kept if value(row) is not None), key=lambda row: (value(row), row["employee_no"]),
                     reverse=descending)  # fmt: skip
    return present + sorted((row for row in kept if value(row) is None), key=lambda row: row["employee_no"])


def _sort_value(key):
    """What a column sorts by (None sorts last either way): scores and bands from low to high."""
    if key == "final_score":
        return lambda row: row["final_score"]
    if key == "band":
        rank = {code: index for index, code in enumerate(reversed(band_codes()))}
        return lambda row: rank.get(row["band"]) if row["band"] else None
    if key == "state":
        rank = {stage: index for index, (stage, _label) in enumerate(STAGES)}
        return lambda row: rank.get(row["stage"], 0)
    if key == "unit":
        return lambda row: row["unit"] or None
    return lambda row: row["name"]


def open_objections(cycle):
    """The objections of the cycle that HR has not answered yet, with whose and what they say."""
    return list(
        Appraisal.objects.filter(cycle=cycle, objection_resolved__isnull=True)
        .exclude(objection="")
        .select_related("employee", "department")
        .order_by("acknowledged", "employee__employee_no")
    )


def appeals_for(user, queryset=None):
    """The appeals `user` works on: every one for HR; for anyone else, those HR named them to decide."""
    queryset = Appeal.objects.all() if queryset is None else queryset
    if access.is_hr(user):
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(decider=user)


def appeal_list(user, *, state="", cycle=None, today=None):
    """The appeals `user` works on, filtered: `state` open, overdue (open past its due date) or decided.

    Each appeal carries `overdue`; open ones come first, by due date.
    """
    today = today or timezone.localdate()
    appeals = appeals_for(user).select_related(
        "appraisal__employee", "appraisal__cycle", "appraisal__department", "decider", "decided_by"
    )
    if cycle is not None:
        appeals = appeals.filter(appraisal__cycle=cycle)
    if state == "open":
        appeals = appeals.filter(state=AppealState.OPEN)
    elif state == "overdue":
        appeals = appeals.filter(state=AppealState.OPEN, due__lt=today)
    elif state == "decided":
        appeals = appeals.filter(state=AppealState.DECIDED)
    appeals = list(appeals.order_by("-state", "due", "id"))  # open before decided
    for appeal in appeals:
        appeal.overdue = appeal.state == AppealState.OPEN and appeal.due < today
    return appeals


def late(appraisal, today=None):
    """Who is overdue: the employee before the self-assessment deadline, the manager before the review deadline."""
    today = today or timezone.localdate()
    cycle = appraisal.cycle
    if cycle.state not in (CycleState.OPEN, CycleState.CALIBRATION):
        return None
    if appraisal.state == AppraisalState.SELF_ASSESSMENT and today > cycle.self_deadline:
        return "employee" if cycle.state == CycleState.OPEN else None
    if appraisal.reviewed is None and today > cycle.review_deadline:
        return "manager"
    return None
