"""Reads of the appraisal domain that pages, the API and exports share."""

from collections import Counter, defaultdict
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy

from appraisal.choices import AppraisalState, CycleState
from appraisal.models import Appraisal, AppraisalCycle, AppraisalLine, AppraisalPolicy, RatingBand
from departments.models import Department


def band_codes():
    """Band codes from best to worst."""
    return list(RatingBand.objects.order_by("-min_score").values_list("code", flat=True))


def _unit_of(path, top_depth, units):
    """The unit one level below the top that `path` lies in (or the top unit itself)."""
    ids = [int(part) for part in path.strip("/").split("/") if part]
    return units.get(ids[min(top_depth + 1, len(ids) - 1)]) if ids else None


def cycle_distribution(cycle):
    """Bands per unit (the units just below the cycle's scope) against the guideline.

    Each unit: {unit, name, total, counts {band: n}, shares {band: %}, people {band: [...]},
    s_share, sa_share, over_s, over_sa}; plus the same for the whole cycle.
    """
    policy = AppraisalPolicy.current()
    codes = band_codes()
    top_depth = cycle.scope.depth if cycle.scope_id else 0
    units = {u["id"]: u for u in Department.objects.values("id", "name", "name_en", "path")}
    rows = (
        Appraisal.objects.filter(cycle=cycle, reviewed__isnull=False)
        .order_by("employee__employee_no")
        .values("id", "revision", "band", "computed_band", "final_score", "employee__name", "employee__employee_no",
                "department__path", "band_reason")
    )  # fmt: skip
    groups = defaultdict(list)
    for row in rows:
        unit = _unit_of(row["department__path"] or "", top_depth, units)
        groups[unit["id"] if unit else None].append(row)
    result = [_distribution(units.get(key), people, codes, policy) for key, people in groups.items()]
    result.sort(key=lambda entry: entry["name"] or "")
    everyone = [row for people in groups.values() for row in people]
    return {"units": result, "total": _distribution(None, everyone, codes, policy), "bands": codes,
            "guideline": {"s_max": policy.guideline_s_max, "sa_max": policy.guideline_sa_max}}  # fmt: skip


def _distribution(unit, people, codes, policy):
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
            "reason": person["band_reason"],
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
        cycle_id__in=cycle_ids, reviewed__isnull=False
    ).values_list("employee_id", "cycle_id", "band", "computed_band"):
        bands[employee_id][cycle_id] = band or computed
    return {
        employee_id
        for employee_id, by_cycle in bands.items()
        if all(by_cycle.get(cycle_id) in good for cycle_id in cycle_ids)
    }


RESULT_COLUMNS = [
    ("employee_no", "工号 Employee no."),
    ("name", "姓名 Name"),
    ("unit", "单位 Unit"),
    ("position", "岗位 Position"),
    ("reviewer", "考核人 Reviewer"),
    ("state", "状态 State"),
    ("results_score", "业绩 Results"),
    ("ability_score", "能力 Ability"),
    ("attitude_score", "态度 Attitude"),
    ("final_score", "总分 Final score"),
    ("computed_band", "计算等级 Computed band"),
    ("band", "最终等级 Band"),
    ("band_reason", "校准理由 Calibration reason"),
    ("bonus_coefficient", "奖金系数 Bonus coefficient"),
    ("merit_increase", "调薪建议% Merit increase %"),
    ("promotion_candidate", "晋升候选 Promotion candidate"),
    ("acknowledged", "确认时间 Acknowledged"),
    ("objection", "异议 Objection"),
]


def cycle_results(cycle):
    """One row per appraisal of the cycle with scores, bands, outcomes and promotion candidacy."""
    candidates = promotion_candidates(cycle)
    bands = {b.code: b for b in RatingBand.objects.all()}
    rows = []
    for a in (
        Appraisal.objects.filter(cycle=cycle)
        .select_related("employee", "department", "reviewer")
        .order_by("employee__employee_no")
    ):
        band = (a.band or a.computed_band) if a.reviewed else ""
        outcome = bands.get(band)
        rows.append({
            "appraisal": a.pk, "employee": a.employee_id, "employee_no": a.employee.employee_no,
            "name": a.employee.name, "unit": a.department.name if a.department else "",
            "position": a.position_title, "reviewer": a.reviewer.name if a.reviewer else "",
            "state": a.state, "results_score": a.results_score, "ability_score": a.ability_score,
            "attitude_score": a.attitude_score, "final_score": a.final_score, "computed_band": a.computed_band,
            "band": band, "band_reason": a.band_reason,
            "bonus_coefficient": a.bonus_coefficient if a.bonus_coefficient is not None else (
                outcome.bonus_coefficient if outcome else None),
            "merit_increase": a.merit_increase if a.merit_increase is not None else (
                outcome.merit_increase if outcome else None),
            "promotion_candidate": a.employee_id in candidates,
            "acknowledged": a.acknowledged, "objection": a.objection,
        })  # fmt: skip
    return rows


def appraisal_lines_by_appraisal(appraisal_ids):
    lines = defaultdict(list)
    rows = AppraisalLine.objects.filter(appraisal_id__in=appraisal_ids).order_by("appraisal_id", "order", "id")
    for line in rows.values(
        "id", "appraisal_id", "indicator", "name", "name_en", "dimension", "kind", "unit", "direction", "weight",
        "target", "levels", "order", "actual", "self_score", "manager_score", "self_comment", "comment", "score",
    ):  # fmt: skip
        lines[line.pop("appraisal_id")].append(line)
    return lines


def progress_of(appraisal):
    """Where a person is in the quarter, in the four steps HR follows."""
    if appraisal.state == AppraisalState.ACKNOWLEDGED:
        return "acknowledged"
    if appraisal.reviewed is not None:
        return "reviewed"
    if appraisal.state == AppraisalState.MANAGER_REVIEW:
        return "self_assessed"
    return "not_started"


PROGRESS = [
    ("not_started", gettext_lazy("not started")),
    ("self_assessed", gettext_lazy("self-assessed")),
    ("reviewed", gettext_lazy("reviewed")),
    ("acknowledged", gettext_lazy("acknowledged")),
]


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
