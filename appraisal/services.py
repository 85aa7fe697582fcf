"""Every write of the appraisal domain goes through these functions (admin, API, commands, pages)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from appraisal import scoring
from appraisal.choices import (
    AppraisalState,
    CycleAction,
    CycleState,
    Dimension,
    Direction,
    IndicatorKind,
    KpiSetStatus,
)
from appraisal.models import (
    Appraisal,
    AppraisalCycle,
    AppraisalLine,
    AppraisalPolicy,
    CycleEvent,
    Indicator,
    IndicatorLevel,
    KpiItem,
    KpiSet,
    RatingBand,
)
from orgdesign import access
from orgdesign.audit import record_bulk_history, record_history_of
from orgdesign.bulk import insert_rows, refresh_statistics, update_columns
from orgdesign.exceptions import Conflict
from orgdesign.services import assign_fields, claim_revision, record_deletion
from positions.models import Employee, Position

BATCH = 2000
HUNDRED = Decimal(100)


def _transition(obj, method):
    try:
        getattr(obj, method)()
    except TransitionNotAllowed as error:
        raise Conflict(
            _("%(object)s is %(state)s; that step is not possible now.")
            % {"object": obj, "state": obj.get_state_display()}
        ) from error


# --- indicators ----------------------------------------------------------------------------

INDICATOR_FIELDS = (
    "code", "name", "name_en", "dimension", "kind", "unit", "direction", "data_source", "measurement",
    "description", "description_en", "retired",
)  # fmt: skip


@transaction.atomic
def indicator_write(*, indicator=None, fields, levels=None, expected_revision=None, check_levels=True):
    """Create or change an indicator and, if given, replace its levels (a rated one needs two or more).

    `check_levels=False` leaves the level rule to a caller that saves the levels itself afterwards
    (the admin's inline formset, which checks the same rule).
    """
    indicator = indicator or Indicator()
    assign_fields(indicator, INDICATOR_FIELDS, fields)
    indicator.full_clean()
    if indicator.pk is not None:
        claim_revision(indicator, expected_revision)
    indicator.save()
    if levels is not None:
        indicator.levels.all().delete()
        objs = [IndicatorLevel(indicator=indicator, **level) for level in levels]
        for index, level in enumerate(objs):
            try:
                level.full_clean(exclude=["indicator"])
            except ValidationError as error:
                raise ValidationError({f"levels[{index}].{k}": v for k, v in error.message_dict.items()}) from error
        numbers = [level.level for level in objs]
        if len(set(numbers)) != len(numbers):
            raise ValidationError({"levels": _("Each level number may appear once.")})
        record_bulk_history(IndicatorLevel, IndicatorLevel.objects.bulk_create(objs), update=False)
    level_count = indicator.levels.count() if check_levels else None
    if not check_levels:
        return indicator
    if indicator.kind == IndicatorKind.RATED and level_count < 2:
        raise ValidationError({"levels": _("A rated indicator needs at least two described levels.")})
    if indicator.kind == IndicatorKind.QUANTITATIVE and level_count:
        raise ValidationError({"levels": _("A quantitative indicator is scored against its target and has no levels.")})
    return indicator


@transaction.atomic
def indicator_delete(*, indicator, expected_revision=None):
    """Delete an indicator no KPI set or appraisal uses; otherwise it can only be retired (409)."""
    if (
        KpiItem.objects.filter(indicator=indicator).exists()
        or AppraisalLine.objects.filter(indicator=indicator).exists()
    ):
        raise Conflict(_("%(indicator)s is in use; retire it instead of deleting it.") % {"indicator": indicator})
    claim_revision(indicator, expected_revision)
    record_deletion(indicator, resource="indicators")
    indicator.delete()


# --- KPI sets ------------------------------------------------------------------------------


def kpi_set_problems(kpi_set):
    """Why `kpi_set` cannot be used in a cycle: weights not adding up to 100, missing targets, retired indicators."""
    items = [
        {"dimension": i.indicator.dimension, "kind": i.indicator.kind, "retired": i.indicator.retired,
         "indicator_name": i.indicator.name, "weight": i.weight, "target": i.target}
        for i in kpi_set.items.select_related("indicator")
    ]  # fmt: skip
    return set_problems(kpi_set, items)


def set_problems(kpi_set, items):
    """The problems of a set from its weights and plain item dicts (dimension, kind, retired, indicator_name,
    weight, target), so lists can check many sets without a query each."""
    problems = []
    weights = {dimension: kpi_set.dimension_weight(dimension) for dimension in Dimension.values}
    total = sum(weights.values())
    if total != HUNDRED:
        problems.append(
            _("KPI set %(set)s: the dimension weights add up to %(sum)s, not 100.")
            % {"set": kpi_set, "sum": _number(total)}
        )
    for dimension, label in Dimension.choices:
        dimension_items = [item for item in items if item["dimension"] == dimension]
        item_total = sum((item["weight"] for item in dimension_items), Decimal(0))
        if weights[dimension] and item_total != HUNDRED:
            problems.append(
                _("KPI set %(set)s: the %(dimension)s indicators add up to %(sum)s, not 100.")
                % {"set": kpi_set, "dimension": label, "sum": _number(item_total)}
            )
        if not weights[dimension] and dimension_items:
            problems.append(
                _("KPI set %(set)s: %(dimension)s has indicators but no weight.") % {"set": kpi_set, "dimension": label}
            )
    for item in items:
        if item["kind"] == IndicatorKind.QUANTITATIVE and item["target"] is None:
            problems.append(
                _("KPI set %(set)s: %(indicator)s needs a target.")
                % {"set": kpi_set, "indicator": item["indicator_name"]}
            )
        if item["retired"]:
            problems.append(
                _("KPI set %(set)s: %(indicator)s is retired.") % {"set": kpi_set, "indicator": item["indicator_name"]}
            )
    return [str(problem) for problem in problems]


def _number(value):
    return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)


def check_positions_free(kpi_set):
    """A position is appraised on at most one active set."""
    clash = (
        KpiSet.objects.filter(status=KpiSetStatus.ACTIVE, positions__in=kpi_set.positions.all())
        .exclude(pk=kpi_set.pk)
        .values_list("name", "positions__title")
        .first()
    )
    if clash:
        raise ValidationError(
            {"positions": _("%(position)s is already appraised on the active set %(set)s.")
             % {"position": clash[1], "set": clash[0]}}
        )  # fmt: skip


KPI_SET_FIELDS = ("code", "name", "name_en", "results_weight", "ability_weight", "attitude_weight", "description")


@transaction.atomic
def kpi_set_write(*, kpi_set=None, fields, items=None, positions=None, expected_revision=None):
    """Create or change a KPI set; `items` ([{indicator, weight, target}]) and `positions` replace the current ones.

    A draft may be saved with weights that do not add up; an active set must stay usable.
    """
    kpi_set = kpi_set or KpiSet()
    assign_fields(kpi_set, KPI_SET_FIELDS, fields)
    kpi_set.full_clean()
    if kpi_set.pk is not None:
        claim_revision(kpi_set, expected_revision)
    kpi_set.save()
    if items is not None:
        existing = {item.indicator_id: item for item in kpi_set.items.all()}
        seen = set()
        for index, data in enumerate(items):
            indicator = data["indicator"]
            if indicator.pk in seen:
                raise ValidationError({f"items[{index}].indicator": _("%(indicator)s is in the set twice.")
                                       % {"indicator": indicator}})  # fmt: skip
            seen.add(indicator.pk)
            if indicator.retired and indicator.pk not in existing:
                raise ValidationError({f"items[{index}].indicator": _("%(indicator)s is retired.")
                                       % {"indicator": indicator}})  # fmt: skip
            item = existing.get(indicator.pk) or KpiItem(kpi_set=kpi_set, indicator=indicator)
            item.weight, item.target, item.order = data["weight"], data.get("target"), data.get("order", index + 1)
            try:
                item.full_clean(exclude=["kpi_set", "indicator"])
            except ValidationError as error:
                raise ValidationError({f"items[{index}].{k}": v for k, v in error.message_dict.items()}) from error
            item.save()
        kpi_set.items.exclude(indicator_id__in=seen).delete()
    if positions is not None:
        kpi_set.positions.set(positions)
    if kpi_set.status == KpiSetStatus.ACTIVE:
        problems = kpi_set_problems(kpi_set)
        if problems:
            raise ValidationError({"items": problems})
        check_positions_free(kpi_set)
    return kpi_set


@transaction.atomic
def kpi_set_activate(*, kpi_set):
    """Make a set usable in cycles; refused, naming the set and the sums, unless its weights add up."""
    problems = kpi_set_problems(kpi_set)
    if problems:
        raise ValidationError({"status": problems})
    check_positions_free(kpi_set)
    claim_revision(kpi_set)
    kpi_set.status = KpiSetStatus.ACTIVE
    kpi_set.save(update_fields=["status", "revision", "updated"])
    return kpi_set


@transaction.atomic
def kpi_set_retire(*, kpi_set):
    claim_revision(kpi_set)
    kpi_set.status = KpiSetStatus.RETIRED
    kpi_set.save(update_fields=["status", "revision", "updated"])
    return kpi_set


@transaction.atomic
def kpi_set_delete(*, kpi_set, expected_revision=None):
    claim_revision(kpi_set, expected_revision)
    record_deletion(kpi_set, resource="kpi-sets")
    kpi_set.delete()


# --- cycles --------------------------------------------------------------------------------

CYCLE_FIELDS = ("name", "period_start", "period_end", "self_deadline", "review_deadline", "scope")


def _locked_cycle(cycle_id):
    """The cycle row, locked until the end of the transaction (serialises writes against state changes)."""
    return AppraisalCycle.objects.select_for_update(of=("self",)).select_related("scope").get(pk=cycle_id)


def _refuse_if_closed(cycle):
    if cycle.state == CycleState.CLOSED:
        raise Conflict(_("%(cycle)s is closed; nothing in it can change unless HR reopens it.") % {"cycle": cycle})


@transaction.atomic
def cycle_write(*, cycle=None, fields, expected_revision=None, user=None):
    """Create a cycle (as a draft) or change its dates; its scope can change only while it is a draft."""
    if cycle is not None:
        cycle = _locked_cycle(cycle.pk)
        _refuse_if_closed(cycle)
        if "scope" in fields and cycle.state != CycleState.DRAFT and fields["scope"] != cycle.scope:
            raise Conflict(_("The scope of %(cycle)s is fixed once it has opened.") % {"cycle": cycle})
    cycle = cycle or AppraisalCycle()
    assign_fields(cycle, CYCLE_FIELDS, fields)
    cycle.full_clean()
    if cycle.pk is not None:
        claim_revision(cycle, expected_revision)
    cycle.save()
    return cycle


@transaction.atomic
def cycle_delete(*, cycle, expected_revision=None):
    cycle = _locked_cycle(cycle.pk)
    if cycle.state != CycleState.DRAFT:
        raise Conflict(_("%(cycle)s has opened; it cannot be deleted.") % {"cycle": cycle})
    claim_revision(cycle, expected_revision)
    record_deletion(cycle, resource="appraisal-cycles")
    cycle.delete()


def _reviewers(position_ids):
    """{position id: id of the employee who reviews its holders}: the first active holder up the reporting line."""
    reports_to = dict(Position.objects.values_list("id", "reports_to_id"))
    holder = {}
    for position_id, employee_id in (
        Employee.objects.filter(active=True, position__isnull=False)
        .order_by("position_id", "employee_no")
        .values_list("position_id", "id")
    ):
        holder.setdefault(position_id, employee_id)
    result = {}
    for position_id in position_ids:
        superior, seen = reports_to.get(position_id), set()
        while superior is not None and superior not in holder and superior not in seen:
            seen.add(superior)
            superior = reports_to.get(superior)
        result[position_id] = holder.get(superior)
    return result


@transaction.atomic
def cycle_open(*, cycle, user=None):
    """Open a draft cycle: one appraisal per active person in scope whose position has an active KPI set.

    The set is copied into each appraisal (later edits of the set do not reach it). Returns the
    people left out, with the reason; they are kept on the cycle too. Set-based: a few queries
    and bulk inserts whatever the number of people.
    """
    cycle = _locked_cycle(cycle.pk)
    _transition(cycle, "mark_open")
    people = Employee.objects.filter(active=True)
    if cycle.scope is not None:
        people = people.filter(position__department__path__startswith=cycle.scope.path)
    people = list(people.order_by("employee_no").values("id", "employee_no", "name", "position_id"))

    memberships = KpiSet.positions.through.objects.filter(kpiset__status=KpiSetStatus.ACTIVE)
    set_for_position = dict(memberships.values_list("position_id", "kpiset_id"))
    sets = {
        kpi_set.pk: kpi_set
        for kpi_set in KpiSet.objects.filter(pk__in=set(set_for_position.values())).prefetch_related(
            "items__indicator__levels"
        )
    }
    positions = {
        row["id"]: row
        for row in Position.objects.filter(pk__in={p["position_id"] for p in people if p["position_id"]}).values(
            "id", "title", "department_id"
        )
    }
    reviewers = _reviewers(positions)
    left_out, planned = [], []
    for person in people:
        if person["position_id"] is None:
            left_out.append({**_who(person), "reason": str(_("holds no position"))})
            continue
        set_id = set_for_position.get(person["position_id"])
        if set_id is None:
            left_out.append({**_who(person), "reason": str(_("the position has no active KPI set"))})
            continue
        planned.append((person, sets[set_id]))
    for kpi_set in {kpi_set for _person, kpi_set in planned}:
        problems = kpi_set_problems(kpi_set)
        if problems:
            raise ValidationError({"kpi_set": problems})

    rows = []
    for person, kpi_set in planned:
        position = positions[person["position_id"]]
        reviewer = reviewers.get(position["id"])
        rows.append({
            "cycle_id": cycle.pk, "employee_id": person["id"], "position_id": position["id"],
            "department_id": position["department_id"], "position_title": position["title"],
            "reviewer_id": reviewer if reviewer != person["id"] else None, "kpi_set_id": kpi_set.pk,
            "results_weight": kpi_set.results_weight, "ability_weight": kpi_set.ability_weight,
            "attitude_weight": kpi_set.attitude_weight,
        })  # fmt: skip
    insert_rows(Appraisal, rows)
    appraisal_of = dict(Appraisal.objects.filter(cycle=cycle).values_list("employee_id", "id"))
    appraisal_ids = sorted(appraisal_of.values())
    record_history_of(Appraisal, appraisal_ids, update=False, user=user)
    lines_of_set = {
        kpi_set.pk: [{
            "indicator_id": item.indicator.pk, "name": item.indicator.name, "name_en": item.indicator.name_en,
            "dimension": item.indicator.dimension, "kind": item.indicator.kind, "unit": item.indicator.unit,
            "direction": item.indicator.direction, "weight": item.weight, "target": item.target, "order": item.order,
            "levels": [{"level": lv.level, "points": str(lv.points), "description": lv.description,
                        "description_en": lv.description_en} for lv in item.indicator.levels.all()],
        } for item in kpi_set.items.all()]
        for kpi_set in {kpi_set for _person, kpi_set in planned}
    }  # fmt: skip
    lines = [
        {**line, "appraisal_id": appraisal_of[person["id"]]}
        for person, kpi_set in planned
        for line in lines_of_set[kpi_set.pk]
    ]
    insert_rows(AppraisalLine, lines)
    record_history_of(AppraisalLine, appraisal_ids, update=False, user=user, column="appraisal_id")

    access.grant_appraisal_permissions(appraisal_ids)
    if len(appraisal_ids) > 1000:
        refresh_statistics([Appraisal, AppraisalLine])
    cycle.opened = timezone.now()
    cycle.left_out = left_out
    claim_revision(cycle)
    cycle.save()
    CycleEvent.objects.create(cycle=cycle, action=CycleAction.OPEN, user=user)
    return {"created": len(appraisal_ids), "left_out": left_out}


def reassign_reviewers(appraisal_ids):
    """Resolve the reviewer of these appraisals again from the organisation as it is now."""
    rows = list(
        Appraisal.objects.filter(pk__in=appraisal_ids).values_list("id", "position_id", "employee_id", "reviewer_id")
    )
    reviewers = _reviewers({position_id for _id, position_id, _e, _r in rows if position_id})
    changed = []
    for appraisal_id, position_id, employee_id, reviewer_id in rows:
        reviewer = reviewers.get(position_id)
        reviewer = None if reviewer == employee_id else reviewer
        if reviewer != reviewer_id:
            changed.append(Appraisal(id=appraisal_id, reviewer_id=reviewer))
    if changed:
        Appraisal.objects.bulk_update(changed, ["reviewer"], batch_size=BATCH)
        _record_current(Appraisal, [a.pk for a in changed])


def _who(person):
    return {"employee": person["id"], "employee_no": person["employee_no"], "name": person["name"]}


@transaction.atomic
def cycle_start_calibration(*, cycle, user=None):
    cycle = _locked_cycle(cycle.pk)
    _transition(cycle, "mark_calibration")
    claim_revision(cycle)
    cycle.save()
    CycleEvent.objects.create(cycle=cycle, action=CycleAction.START_CALIBRATION, user=user)
    return cycle


def _bands():
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
    bands = _bands()
    if connection.vendor == "postgresql":
        by_appraisal = _dimension_scores_in_database(cycle, policy.achievement_cap)
    else:
        by_appraisal = _dimension_scores_here(cycle, policy.achievement_cap)
    changed = {}
    for row in Appraisal.objects.filter(cycle=cycle).values(
        "id", "results_weight", "ability_weight", "attitude_weight", *RESULT_FIELDS
    ):  # fmt: skip
        result = _results(row, by_appraisal.get(row["id"]), bands)
        if any(row[name] != result[name] for name in RESULT_FIELDS):
            changed[row["id"]] = tuple(result[name] for name in RESULT_FIELDS)
    update_columns(Appraisal, RESULT_FIELDS, changed)
    _record_current(Appraisal, list(changed))


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
        by_appraisal[appraisal_id] = _dimension_scores(lines, cap, changed_lines)
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


def _record_current(model, ids, user=None):
    """History rows with the current values of the rows `ids`, after a bulk write."""
    record_history_of(model, ids, update=True, user=user)


def _line_score(line, cap):
    if line["kind"] == IndicatorKind.QUANTITATIVE:
        return scoring.quantitative_score(
            actual=line["actual"], target=line["target"], lower_is_better=line["direction"] == Direction.LOWER, cap=cap
        )
    return scoring.rated_score(level=line["manager_score"], levels=line["levels"])


def _dimension_scores(lines, cap, changed):
    """{dimension: score} of one appraisal's lines (dicts); the line scores that change go into `changed`."""
    triples = []
    for line in lines:
        score = _line_score(line, cap)
        if score != line["score"]:
            changed[line["id"]] = score
        triples.append((line["dimension"], line["weight"], score))
    return scoring.dimension_scores(triples)


def _results(weights, by_dimension, bands):
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
    by_dimension = _dimension_scores(lines, policy.achievement_cap, changed) if lines else None
    weights = {f"{d}_weight": appraisal.dimension_weight(d) for d in Dimension.values}
    update_columns(AppraisalLine, ["score"], {line_id: (score,) for line_id, score in changed.items()})
    for name, value in _results(weights, by_dimension, _bands()).items():
        setattr(appraisal, name, value)
    return appraisal


@transaction.atomic
def cycle_close(*, cycle, user=None):
    """Close a cycle in calibration: every reviewed appraisal gets its final band and outcomes, frozen.

    Set-based: one recomputation pass and a few UPDATEs with CASE over the bands.
    """
    cycle = _locked_cycle(cycle.pk)
    _transition(cycle, "mark_closed")
    cycle_compute_results(cycle=cycle)
    reviewed = Appraisal.objects.filter(cycle=cycle, reviewed__isnull=False)
    reviewed_ids = list(reviewed.values_list("id", flat=True))
    reviewed.filter(band="").update(band=F("computed_band"))
    bands = _bands()
    if bands:
        reviewed.update(
            state=AppraisalState.CALIBRATED,
            revision=F("revision") + 1,
            bonus_coefficient=Case(
                *[When(band=code, then=Value(coef)) for code, _low, coef, _m in bands], default=None
            ),
            merit_increase=Case(*[When(band=code, then=Value(merit)) for code, _low, _c, merit in bands], default=None),
        )
    else:
        reviewed.update(state=AppraisalState.CALIBRATED, revision=F("revision") + 1)
    _record_current(Appraisal, reviewed_ids, user=user)
    cycle.closed = timezone.now()
    claim_revision(cycle)
    cycle.save()
    CycleEvent.objects.create(cycle=cycle, action=CycleAction.CLOSE, user=user)
    return cycle


@transaction.atomic
def cycle_reopen(*, cycle, reason, user=None):
    """Reopen a closed cycle into calibration, for a reason that is recorded."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the cycle is reopened; the reason is kept.")})
    cycle = _locked_cycle(cycle.pk)
    _transition(cycle, "mark_reopened")
    finished = Appraisal.objects.filter(cycle=cycle, state__in=[AppraisalState.CALIBRATED, AppraisalState.ACKNOWLEDGED])
    finished_ids = list(finished.values_list("id", flat=True))
    # Bands HR did not move are recomputed at the next close; results may change, so acknowledgements lapse.
    finished.filter(band_adjusted_by__isnull=True).update(band="")
    finished.update(
        state=AppraisalState.MANAGER_REVIEW, bonus_coefficient=None, merit_increase=None, acknowledged=None,
        revision=F("revision") + 1,
    )  # fmt: skip
    _record_current(Appraisal, finished_ids, user=user)
    cycle.closed = None
    claim_revision(cycle)
    cycle.save()
    CycleEvent.objects.create(cycle=cycle, action=CycleAction.REOPEN, reason=reason.strip(), user=user)
    return cycle


# --- appraisals ----------------------------------------------------------------------------

ROLE_FIELDS = {
    "employee": {"appraisal": {"self_comment"}, "line": {"actual", "self_score", "self_comment"}},
    "manager": {
        "appraisal": {"manager_comment", "feedback_date", "feedback_notes"},
        "line": {"actual", "manager_score", "comment"},
    },
    "hr": {
        "appraisal": {"self_comment", "manager_comment", "feedback_date", "feedback_notes", "reviewer"},
        "line": {"actual", "self_score", "manager_score", "self_comment", "comment"},
    },
}
EDITABLE_STATES = {
    "employee": {AppraisalState.SELF_ASSESSMENT},
    "manager": {AppraisalState.MANAGER_REVIEW},
    "hr": {AppraisalState.SELF_ASSESSMENT, AppraisalState.MANAGER_REVIEW},
}


def _locked_appraisal(appraisal, expected_revision):
    """Lock the cycle (so a close cannot slip in between), refuse a closed one, claim the appraisal's revision."""
    cycle = _locked_cycle(appraisal.cycle_id)
    _refuse_if_closed(cycle)
    appraisal = Appraisal.objects.select_related("cycle").get(pk=appraisal.pk)
    claim_revision(appraisal, expected_revision)
    return appraisal


def _check_line_value(line, name, value):
    if value is None:
        return None
    if name in ("self_score", "manager_score"):
        if line.kind != IndicatorKind.RATED:
            return _("%(line)s is measured by its actual value; it takes no level score.") % {"line": line.name}
        levels = sorted(int(entry["level"]) for entry in line.levels)
        if value not in levels:
            return _("%(line)s: %(value)s is not on its scale (%(low)s–%(high)s).") % {
                "line": line.name, "value": value, "low": levels[0], "high": levels[-1],
            }  # fmt: skip
    if name == "actual" and line.kind != IndicatorKind.QUANTITATIVE:
        return _("%(line)s is rated by level; it takes no actual value.") % {"line": line.name}
    return None


@transaction.atomic
def appraisal_update(*, appraisal, role, fields=None, lines=None, expected_revision=None):
    """Save what `role` (employee, manager or hr) may change now: comments, feedback, line values and scores.

    Line values outside an indicator's scale are refused naming the line. Refused with 409 in a
    closed cycle or in a state where the role has nothing to change.
    """
    appraisal = _locked_appraisal(appraisal, expected_revision)
    allowed = ROLE_FIELDS[role]
    if appraisal.state not in EDITABLE_STATES[role]:
        raise Conflict(
            _("This appraisal is at %(state)s; it cannot be changed that way now.")
            % {"state": appraisal.get_state_display()}
        )
    if appraisal.reviewed is not None and role != "hr":
        raise Conflict(_("The review has been submitted; only HR can change it now."))
    errors = {}
    reviewer = (fields or {}).get("reviewer")
    if reviewer is not None and (reviewer.pk == appraisal.employee_id or not reviewer.active):
        errors["reviewer"] = [_("The reviewer must be an active person other than the one appraised.")]
    for name in set(fields or {}) - allowed["appraisal"]:
        errors[name] = [_("You cannot change this field.")]
    assign_fields(
        appraisal, allowed["appraisal"], {k: v for k, v in (fields or {}).items() if k in allowed["appraisal"]}
    )
    by_id = {line.pk: line for line in appraisal.lines.all()}
    changed = []
    for index, data in enumerate(lines or []):
        data = dict(data)
        line = by_id.get(data.pop("id", None))
        if line is None:
            errors[f"lines[{index}].id"] = [_("No such line in this appraisal.")]
            continue
        for name, value in data.items():
            if name not in allowed["line"]:
                errors[f"lines[{index}].{name}"] = [_("You cannot change this field.")]
                continue
            problem = _check_line_value(line, name, value)
            if problem:
                errors[f"lines[{index}].{name}"] = [problem]
                continue
            setattr(line, name, value)
        changed.append(line)
    if errors:
        raise ValidationError(errors)
    for index, line in enumerate(changed):
        try:
            line.full_clean(exclude=["appraisal", "indicator"])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors[f"lines[{index}].{field}"] = messages
    if errors:
        raise ValidationError(errors)
    if changed:
        AppraisalLine.objects.bulk_update(changed, ["actual", "self_score", "manager_score", "self_comment", "comment"])
        record_bulk_history(AppraisalLine, changed, update=True)
    appraisal.full_clean(exclude=["cycle", "employee"])
    appraisal_compute(appraisal)
    appraisal.save()
    if "reviewer" in (fields or {}):
        access.grant_appraisal_permissions([appraisal.pk])
    return appraisal


def _missing(appraisal, score_field):
    missing = []
    for line in appraisal.lines.all():
        if line.kind == IndicatorKind.QUANTITATIVE and line.actual is None:
            missing.append(line.name)
        if line.kind == IndicatorKind.RATED and getattr(line, score_field) is None:
            missing.append(line.name)
    return missing


@transaction.atomic
def appraisal_submit_self(*, appraisal, expected_revision=None):
    """The employee hands the self-assessment to the manager: every line needs its actual or self score."""
    appraisal = _locked_appraisal(appraisal, expected_revision)
    missing = _missing(appraisal, "self_score")
    if missing:
        raise ValidationError({"lines": _("Fill in every line first: %(lines)s.") % {"lines": "、".join(missing)}})
    _transition(appraisal, "mark_self_submitted")
    appraisal.self_submitted = timezone.now()
    appraisal.save()
    return appraisal


@transaction.atomic
def appraisal_submit_review(*, appraisal, expected_revision=None):
    """The manager submits the review: every line scored and the feedback conversation recorded."""
    appraisal = _locked_appraisal(appraisal, expected_revision)
    if appraisal.state != AppraisalState.MANAGER_REVIEW:
        raise Conflict(_("Only an appraisal at manager review can be submitted by the manager."))
    missing = _missing(appraisal, "manager_score")
    errors = {}
    if missing:
        errors["lines"] = _("Score every line first: %(lines)s.") % {"lines": "、".join(missing)}
    if appraisal.feedback_date is None:
        errors["feedback_date"] = _("Record the date of the feedback conversation.")
    if errors:
        raise ValidationError(errors)
    appraisal_compute(appraisal)
    appraisal.reviewed = timezone.now()
    appraisal.save()
    return appraisal


@transaction.atomic
def appraisal_calibrate(*, appraisal, band, reason, user=None, expected_revision=None):
    """HR moves a reviewed person's band during calibration; the reason is kept beside the computed band."""
    appraisal = _locked_appraisal(appraisal, expected_revision)
    if appraisal.cycle.state != CycleState.CALIBRATION:
        raise Conflict(_("Bands can be moved only while %(cycle)s is in calibration.") % {"cycle": appraisal.cycle})
    if appraisal.reviewed is None:
        raise Conflict(_("The manager has not submitted this review yet."))
    errors = {}
    if not RatingBand.objects.filter(code=band).exists():
        errors["band"] = _("There is no band %(band)s.") % {"band": band}
    if not (reason or "").strip():
        errors["reason"] = _("Say why the band is moved; the reason is kept.")
    if errors:
        raise ValidationError(errors)
    appraisal.band, appraisal.band_reason, appraisal.band_adjusted_by = band, reason.strip(), user
    appraisal.save()
    return appraisal


@transaction.atomic
def appraisal_acknowledge(*, appraisal, objection="", expected_revision=None):
    """The employee acknowledges the final result, optionally with a written objection HR will see.

    Allowed after the cycle closed: it changes no result.
    """
    appraisal = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    claim_revision(appraisal, expected_revision)
    _transition(appraisal, "mark_acknowledged")
    appraisal.acknowledged = timezone.now()
    appraisal.objection = (objection or "").strip()
    appraisal.save()
    return appraisal


def appraisal_preview(*, appraisal, role, lines):
    """Scores as they would be with the typed line values, nothing saved: the live total on the scoring pages.

    `lines` is {line id: {actual, self_score, manager_score}}. For the employee the self score
    stands in for the manager's. Returns (scores, errors) with errors by line id and field.
    """
    policy = AppraisalPolicy.current()
    rows, errors = [], {}
    for line in appraisal.lines.all():
        typed = lines.get(line.pk, {})
        row = {
            "id": line.pk, "dimension": line.dimension, "kind": line.kind, "direction": line.direction,
            "weight": line.weight, "target": line.target, "levels": line.levels, "actual": line.actual,
            "manager_score": line.manager_score if role != "employee" else line.self_score, "score": None,
        }  # fmt: skip
        for name in ("actual", "self_score", "manager_score"):
            if name not in typed:
                continue
            problem = _check_line_value(line, name, typed[name])
            if problem:
                errors[(line.pk, name)] = problem
                continue
            if name == "actual":
                row["actual"] = typed[name]
            elif (name == "self_score") == (role == "employee"):
                row["manager_score"] = typed[name]
        rows.append(row)
    weights = {f"{d}_weight": appraisal.dimension_weight(d) for d in Dimension.values}
    by_dimension = _dimension_scores(rows, policy.achievement_cap, {}) if rows else None
    return _results(weights, by_dimension, _bands()), errors
