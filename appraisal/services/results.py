"""Scores and results: line, dimension and final scores, bands, and what a cycle still lacks to be closed."""

from django.db import connection, transaction
from django.utils.translation import gettext as _

from appraisal import scoring
from appraisal.choices import AppraisalState, Dimension, Direction, IndicatorKind
from appraisal.models import Appraisal, AppraisalLine, AppraisalPolicy, RatingBand
from appraisal.services.base import record_current
from orgdesign.bulk import update_columns


def bands():
    return list(RatingBand.objects.values_list("code", "min_score", "bonus_coefficient", "merit_increase"))


DIMENSIONS = Dimension.values
RESULT_FIELDS = ["results_score", "ability_score", "attitude_score", "final_score", "computed_band"]


@transaction.atomic
def cycle_compute_results(*, cycle):
    """Recompute every appraisal's line scores, dimension scores, final score and computed band, in bulk.

    On PostgreSQL the database scores the lines (one UPDATE) and sums them per dimension (one
    GROUP BY); elsewhere the lines are read and scored here. Either way the final scores and bands
    come from `scoring`, and only the rows whose values change are written.
    """
    policy = AppraisalPolicy.current()
    band_rows = bands()
    if connection.vendor == "postgresql":
        by_appraisal = _dimension_scores_in_database(cycle, policy.achievement_cap)
    else:
        by_appraisal = _dimension_scores_here(cycle, policy.achievement_cap)
    changed = {}
    for row in Appraisal.objects.filter(cycle=cycle).values(
        "id", "results_weight", "ability_weight", "attitude_weight", *RESULT_FIELDS
    ):  # fmt: skip
        result = results_of(row, by_appraisal.get(row["id"]), band_rows)
        if any(row[name] != result[name] for name in RESULT_FIELDS):
            changed[row["id"]] = tuple(result[name] for name in RESULT_FIELDS)
    update_columns(Appraisal, RESULT_FIELDS, changed)
    record_current(Appraisal, list(changed))


def _dimension_scores_here(cycle, cap):
    """Score the cycle's lines in Python, write the changed line scores; {appraisal id: {dimension: score}}."""
    lines_by_appraisal = {}
    for line in AppraisalLine.objects.filter(appraisal__cycle=cycle).values(
        "id", "appraisal_id", "dimension", "kind", "direction", "weight", "target", "levels", "actual",
        "manager_score", "score",
    ):  # fmt: skip
        lines_by_appraisal.setdefault(line["appraisal_id"], []).append(line)
    changed_lines, by_appraisal = {}, {}
    for appraisal_id, lines in lines_by_appraisal.items():
        by_appraisal[appraisal_id] = score_lines(lines, cap, changed_lines)
    update_columns(AppraisalLine, ["score"], {line_id: (score,) for line_id, score in changed_lines.items()})
    return by_appraisal


def _dimension_scores_in_database(cycle, cap):
    """What `_dimension_scores_here` does, by PostgreSQL: the same rules as `scoring`, in SQL.

    Divisions are carried to 24 decimals before rounding half-up to two, so the scores equal the
    ones `scoring` computes (a test compares the two on every kind of line).
    """
    lines = AppraisalLine._meta.db_table
    appraisals = Appraisal._meta.db_table
    score = """CASE
        WHEN l.kind = %(quantitative)s THEN CASE
            WHEN l.actual IS NULL OR l.target IS NULL THEN NULL
            WHEN l.target = 0 THEN CASE
                WHEN (l.direction = %(lower)s AND l.actual <= 0) OR (l.direction <> %(lower)s AND l.actual >= 0)
                THEN 100 ELSE 0 END
            WHEN l.direction = %(lower)s AND l.actual <= 0 THEN ROUND(CAST(%(cap)s AS numeric), 2)
            ELSE ROUND(LEAST(GREATEST(CASE
                WHEN l.direction = %(lower)s THEN CAST(100 * l.target AS numeric(48, 24)) / l.actual
                ELSE CAST(100 * l.actual AS numeric(48, 24)) / l.target END, 0), CAST(%(cap)s AS numeric)), 2)
            END
        ELSE (SELECT ROUND(CAST(e ->> 'points' AS numeric), 2) FROM jsonb_array_elements(l.levels) AS e
              WHERE CAST(e ->> 'level' AS integer) = l.manager_score LIMIT 1)
        END"""
    params = {
        "quantitative": IndicatorKind.QUANTITATIVE.value, "lower": Direction.LOWER.value, "cap": cap,
        "cycle": cycle.pk,
    }  # fmt: skip
    by_appraisal = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {lines} AS l SET score = {score} "
            f"WHERE l.appraisal_id IN (SELECT id FROM {appraisals} WHERE cycle_id = %(cycle)s) "
            f"AND l.score IS DISTINCT FROM {score}",
            params,
        )
        cursor.execute(
            f"SELECT l.appraisal_id, l.dimension, SUM(l.weight * l.score), SUM(l.weight), bool_or(l.score IS NULL) "
            f"FROM {lines} AS l JOIN {appraisals} AS a ON a.id = l.appraisal_id WHERE a.cycle_id = %(cycle)s "
            f"GROUP BY l.appraisal_id, l.dimension",
            params,
        )
        for appraisal_id, dimension, total, weight, missing in cursor.fetchall():
            by_appraisal.setdefault(appraisal_id, {})[dimension] = (
                None if missing else scoring.weighted_mean(total, weight)
            )
    return by_appraisal


def line_score(line, cap):
    if line["kind"] == IndicatorKind.QUANTITATIVE:
        return scoring.quantitative_score(
            actual=line["actual"], target=line["target"], lower_is_better=line["direction"] == Direction.LOWER, cap=cap
        )
    return scoring.rated_score(level=line["manager_score"], levels=line["levels"])


def score_lines(lines, cap, changed):
    """{dimension: score} of one appraisal's lines (dicts); the line scores that change go into `changed`."""
    triples = []
    for line in lines:
        score = line_score(line, cap)
        if score != line["score"]:
            changed[line["id"]] = score
        triples.append((line["dimension"], line["weight"], score))
    return scoring.dimension_scores(triples)


def results_of(weights, by_dimension, bands):
    """Dimension, final scores and band of an appraisal; `by_dimension` is None when it has no lines."""
    by_dimension = by_dimension or {}
    dimension_weights = {d: weights[f"{d}_weight"] for d in DIMENSIONS}
    final = scoring.final_score(dimension_weights, by_dimension) if by_dimension else None
    return {
        "results_score": by_dimension.get(Dimension.RESULTS),
        "ability_score": by_dimension.get(Dimension.ABILITY),
        "attitude_score": by_dimension.get(Dimension.ATTITUDE),
        "final_score": final,
        "computed_band": scoring.band_for(final, [(code, low) for code, low, *_rest in bands]),
    }


def appraisal_compute(appraisal):
    """Recompute one appraisal's line scores, dimension scores, final score and computed band.

    A line's score follows from its values, so its change is not a history entry of its own.
    """
    policy = AppraisalPolicy.current()
    lines = list(appraisal.lines.values(
        "id", "dimension", "kind", "direction", "weight", "target", "levels", "actual", "manager_score", "score"
    ))  # fmt: skip
    changed = {}
    by_dimension = score_lines(lines, policy.achievement_cap, changed) if lines else None
    weights = {f"{d}_weight": appraisal.dimension_weight(d) for d in Dimension.values}
    update_columns(AppraisalLine, ["score"], {line_id: (score,) for line_id, score in changed.items()})
    for name, value in results_of(weights, by_dimension, bands()).items():
        setattr(appraisal, name, value)
    return appraisal


def outcome_of(band, band_rows=None):
    """(bonus coefficient, merit increase) a band is worth; (None, None) for no band."""
    for code, _low, coefficient, merit in band_rows if band_rows is not None else bands():
        if code == band:
            return coefficient, merit
    return None, None


UNFINISHED_STATES = (AppraisalState.SELF_ASSESSMENT, AppraisalState.MANAGER_REVIEW)


def cycle_unfinished(cycle):
    """The appraisals of `cycle` whose manager review is not submitted, counted per state and per unit, with names.

    {"count": n, "by_state": {state: n}, "by_unit": [{"unit", "name", "name_en", "count", "people": [...]}]}:
    what the calibration and closing gates show HR and answer with 409.
    """
    rows = list(
        Appraisal.objects.filter(cycle=cycle, reviewed__isnull=True, state__in=UNFINISHED_STATES)
        .order_by("department__path", "employee__employee_no")
        .values(
            "id", "state", "department_id", "department__name", "department__name_en", "employee__employee_no",
            "employee__name", "reviewer__name",
        )
    )  # fmt: skip
    labels = dict(AppraisalState.choices)
    by_state, by_unit = {}, {}
    for row in rows:
        waiting = "self_assessment" if row["state"] == AppraisalState.SELF_ASSESSMENT else "manager_review"
        by_state[waiting] = by_state.get(waiting, 0) + 1
        unit = by_unit.setdefault(row["department_id"], {
            "unit": row["department_id"], "name": row["department__name"] or "",
            "name_en": row["department__name_en"] or "", "count": 0, "people": [],
        })  # fmt: skip
        unit["count"] += 1
        unit["people"].append({
            "appraisal": row["id"], "employee_no": row["employee__employee_no"], "name": row["employee__name"],
            "state": waiting, "state_label": str(labels[waiting]), "reviewer": row["reviewer__name"] or "",
        })  # fmt: skip
    return {"count": len(rows), "by_state": by_state, "by_unit": list(by_unit.values())}


def unfinished_message(step, unfinished):
    """One sentence naming how many appraisals are unfinished and where they wait."""
    parts = []
    if unfinished["by_state"].get("self_assessment"):
        parts.append(_("%(n)s waiting for the self-assessment") % {"n": unfinished["by_state"]["self_assessment"]})
    if unfinished["by_state"].get("manager_review"):
        parts.append(_("%(n)s waiting for the manager's review") % {"n": unfinished["by_state"]["manager_review"]})
    units = "; ".join(
        f"{unit['name'] or '—'}: "
        + ", ".join(person["name"] for person in unit["people"][:10])
        + ("…" if unit["count"] > 10 else "")
        for unit in unfinished["by_unit"]
    )
    return _(
        "%(step)s is refused: %(count)s appraisals are unfinished (%(parts)s). %(units)s. "
        "Finish them, or go ahead anyway with a written reason."
    ) % {"step": step, "count": unfinished["count"], "parts": ", ".join(parts), "units": units}
