"""A cycle's life: draft, open (one appraisal per person), calibration, closed, reopened, with gates that count."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.choices import AppraisalAction, AppraisalState, CycleAction, CycleState, KpiSetStatus
from appraisal.models import Appraisal, AppraisalCycle, AppraisalLine, CycleEvent, KpiSet
from appraisal.services.base import (
    BATCH,
    locked_cycle,
    plain,
    record_current,
    record_event,
    refuse_if_closed,
    transition,
)
from appraisal.services.library import kpi_set_problems
from appraisal.services.results import bands, cycle_compute_results, cycle_unfinished, unfinished_message
from orgdesign import grants
from orgdesign.audit import record_history_of
from orgdesign.bulk import insert_rows, refresh_statistics
from orgdesign.exceptions import Conflict
from orgdesign.services import assign_fields, claim_revision, record_deletion
from orgdesign.text import refuse_control_characters
from positions.models import Employee, Position

CYCLE_FIELDS = (
    "name", "period_start", "period_end", "self_deadline", "review_deadline", "scope", "top_reviewer",
    "appeal_deadline",
)  # fmt: skip
DRAFT_ONLY = ("scope", "period_start", "period_end")


def _check_overlap(cycle):
    """A cycle's period may not overlap another cycle's of the same scope."""
    if not (cycle.period_start and cycle.period_end):
        return
    other = (
        AppraisalCycle.objects.filter(scope=cycle.scope, period_start__lte=cycle.period_end,
                                      period_end__gte=cycle.period_start)
        .exclude(pk=cycle.pk)
        .order_by("period_start")
        .first()
    )  # fmt: skip
    if other is not None:
        raise ValidationError({"period_start": _(
            "The period overlaps %(cycle)s (%(start)s – %(end)s), which appraises the same scope."
        ) % {"cycle": other, "start": other.period_start, "end": other.period_end}})  # fmt: skip


@transaction.atomic
def cycle_write(*, cycle=None, fields, expected_revision=None, user=None):
    """Create a cycle (as a draft) or change it; its scope and period can change only while it is a draft."""
    if cycle is not None:
        cycle = locked_cycle(cycle.pk)
        if set(fields) - {"appeal_deadline"}:
            refuse_if_closed(cycle)
        if cycle.state != CycleState.DRAFT:
            for name in DRAFT_ONLY:
                if name in fields and fields[name] != getattr(cycle, name):
                    raise Conflict(
                        _("The %(field)s of %(cycle)s is fixed once it has opened.")
                        % {"field": AppraisalCycle._meta.get_field(name).verbose_name, "cycle": cycle}
                    )
    cycle = cycle or AppraisalCycle()
    assign_fields(cycle, CYCLE_FIELDS, fields)
    cycle.full_clean()
    if cycle.top_reviewer is not None and not cycle.top_reviewer.active:
        raise ValidationError({"top_reviewer": _("The reviewer at the top must be an active person.")})
    _check_overlap(cycle)
    if cycle.pk is not None:
        claim_revision(cycle, expected_revision)
    cycle.save()
    return cycle


@transaction.atomic
def cycle_delete(*, cycle, expected_revision=None):
    cycle = locked_cycle(cycle.pk)
    if cycle.state != CycleState.DRAFT:
        raise Conflict(_("%(cycle)s has opened; it cannot be deleted.") % {"cycle": cycle})
    claim_revision(cycle, expected_revision)
    record_deletion(cycle, resource="appraisal-cycles")
    cycle.delete()


def _reviewers(position_ids, top=None):
    """{position id: id of the employee who reviews its holders}: the first active holder up the reporting line.

    Where nobody holds a position above (the top of the tree), `top` (the cycle's named reviewer)
    does, or nobody: then HR reviews.
    """
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
        result[position_id] = holder.get(superior, top)
    return result


def _who(person):
    return {"employee": person["id"], "employee_no": person["employee_no"], "name": person["name"]}


def cycle_plan(cycle):
    """Who opening `cycle` would appraise, on which set, and who it leaves out and why; nothing is written.

    {"planned": [(person, kpi_set)], "left_out": [...], "positions": {...}, "reviewers": {...},
    "problems": [...]} — the opening itself and its preview both read it.
    """
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
            "id", "title", "department_id", "reports_to_id"
        )
    }
    reviewers = _reviewers(positions, top=cycle.top_reviewer_id)
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
    problems = []
    for kpi_set in {kpi_set for _person, kpi_set in planned}:
        problems.extend(kpi_set_problems(kpi_set))
    return {"planned": planned, "left_out": left_out, "positions": positions, "reviewers": reviewers,
            "problems": sorted(problems)}  # fmt: skip


def cycle_open_preview(cycle):
    """What opening would do, for the confirmation HR reads first: how many, who is left out, who reviews the top."""
    plan = cycle_plan(cycle)
    by_hr = [
        _who(person) for person, _set in plan["planned"]
        if plan["reviewers"].get(person["position_id"]) in (None, person["id"])
    ]  # fmt: skip
    return {
        "appraisals": len(plan["planned"]),
        "people": len(plan["planned"]) + len(plan["left_out"]),
        "left_out": plan["left_out"],
        "reviewed_by_hr": by_hr,
        "problems": plan["problems"],
    }


@transaction.atomic
def cycle_open(*, cycle, user=None):
    """Open a draft cycle: one appraisal per active person in scope whose position has an active KPI set.

    The set is copied into each appraisal (later edits of the set do not reach it). Returns the
    people left out, with the reason; they are kept on the cycle too. Set-based: a few queries
    and bulk inserts whatever the number of people.
    """
    cycle = locked_cycle(cycle.pk)
    transition(cycle, "mark_open")
    plan = cycle_plan(cycle)
    if plan["problems"]:
        raise ValidationError({"kpi_set": plan["problems"]})
    planned, positions, reviewers = plan["planned"], plan["positions"], plan["reviewers"]
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
            "minimum": item.indicator.minimum if item.indicator.kind == "quantitative" else None,
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

    grants.grant_appraisal_permissions(appraisal_ids)
    if len(appraisal_ids) > 1000:
        refresh_statistics([Appraisal, AppraisalLine])
    cycle.opened = timezone.now()
    cycle.left_out = plan["left_out"]
    claim_revision(cycle)
    cycle.save()
    CycleEvent.objects.create(cycle=cycle, action=CycleAction.OPEN, user=user)
    return {"created": len(appraisal_ids), "left_out": plan["left_out"]}


def reassign_reviewers(appraisal_ids):
    """Resolve the reviewer of these appraisals again from the organisation as it is now."""
    rows = list(
        Appraisal.objects.filter(pk__in=appraisal_ids).values_list(
            "id", "position_id", "employee_id", "reviewer_id", "cycle__top_reviewer_id"
        )
    )
    changed = []
    for top in {row[4] for row in rows}:
        of_cycle = [row for row in rows if row[4] == top]
        reviewers = _reviewers({position_id for _id, position_id, *_rest in of_cycle if position_id}, top=top)
        for appraisal_id, position_id, employee_id, reviewer_id, _top in of_cycle:
            reviewer = reviewers.get(position_id)
            reviewer = None if reviewer == employee_id else reviewer
            if reviewer != reviewer_id:
                changed.append(Appraisal(id=appraisal_id, reviewer_id=reviewer))
    if changed:
        Appraisal.objects.bulk_update(changed, ["reviewer"], batch_size=BATCH)
        record_current(Appraisal, [a.pk for a in changed])


def _gate(cycle, step, force, reason):
    """Refuse a step while appraisals are unfinished (409 with the counts), unless forced with a written reason."""
    unfinished = cycle_unfinished(cycle)
    if not unfinished["count"]:
        return unfinished
    if not force:
        raise Conflict(unfinished_message(step, unfinished), code="unfinished", data={"unfinished": unfinished})
    if not (reason or "").strip():
        raise ValidationError({"reason": _(
            "%(count)s appraisals are unfinished; say why you go ahead anyway (the reason is kept)."
        ) % {"count": unfinished["count"]}})  # fmt: skip
    return unfinished


@transaction.atomic
def cycle_start_calibration(*, cycle, user=None, force=False, reason=""):
    """Move an open cycle to calibration; refused while reviews are unfinished unless forced with a reason.

    Reviews that come in late are still taken during calibration.
    """
    refuse_control_characters(reason=reason)
    cycle = locked_cycle(cycle.pk)
    if cycle.state != CycleState.OPEN:
        transition(cycle, "mark_calibration")
    unfinished = _gate(cycle, _("Starting calibration"), force, reason)
    transition(cycle, "mark_calibration")
    claim_revision(cycle)
    cycle.save()
    action = CycleAction.FORCE_CALIBRATION if unfinished["count"] else CycleAction.START_CALIBRATION
    _record_step(cycle, action, user, reason, unfinished)
    return cycle


def _record_step(cycle, action, user, reason, unfinished):
    """The cycle event of a gated step: the reason as written, and how many were unfinished if any (as a number).

    The count is kept apart from the reason so that each reader reads "(n unfinished)" in their language.
    """
    CycleEvent.objects.create(
        cycle=cycle, action=action, user=user, reason=(reason or "").strip(), unfinished=unfinished["count"] or None
    )


def _appeal_deadline(cycle):
    days = getattr(settings, "APPEAL_DAYS", 14)
    fresh = timezone.localdate() + datetime.timedelta(days=days)
    return max(cycle.appeal_deadline, fresh) if cycle.appeal_deadline else fresh


def _last_reopen_reason(cycle):
    event = cycle.events.filter(action=CycleAction.REOPEN).order_by("-at", "-id").first()
    return event.reason if event else ""


@transaction.atomic
def cycle_close(*, cycle, user=None, force=False, reason=""):
    """Close a cycle in calibration: every submitted review gets its final band and outcomes, frozen.

    Refused while reviews are unfinished, unless forced with a written reason: those appraisals
    then end as "not completed" (no score, band or outcome). After a reopening, whoever's band or
    final score changed must acknowledge again and is told why. Set-based: one recomputation pass
    and a few UPDATEs.
    """
    refuse_control_characters(reason=reason)
    cycle = locked_cycle(cycle.pk)
    if cycle.state != CycleState.CALIBRATION:
        transition(cycle, "mark_closed")
    unfinished = _gate(cycle, _("Closing"), force, reason)
    transition(cycle, "mark_closed")
    cycle_compute_results(cycle=cycle)
    left = [person["appraisal"] for unit in unfinished["by_unit"] for person in unit["people"]]
    if left:
        Appraisal.objects.filter(pk__in=left).update(
            state=AppraisalState.NOT_COMPLETED, results_score=None, ability_score=None, attitude_score=None,
            final_score=None, computed_band="", band="", bonus_coefficient=None, merit_increase=None,
            revision=F("revision") + 1,
        )  # fmt: skip
        record_event(left, AppraisalAction.NOT_COMPLETED, reason=reason.strip(), user=user)
    reviewed = Appraisal.objects.filter(cycle=cycle, reviewed__isnull=False).exclude(state=AppraisalState.NOT_COMPLETED)
    reviewed.filter(band_reason="").update(band=F("computed_band"))  # bands HR did not move follow the score
    changed = _changed_since_last_close(reviewed)
    band_rows = bands()
    coefficient = Case(*[When(band=code, then=Value(coef)) for code, _low, coef, _m in band_rows], default=None)
    merit = Case(*[When(band=code, then=Value(m)) for code, _low, _c, m in band_rows], default=None)
    kept = Q(state=AppraisalState.ACKNOWLEDGED) & ~Q(pk__in=list(changed))
    reviewed.update(
        state=Case(When(kept, then=Value(AppraisalState.ACKNOWLEDGED)), default=Value(AppraisalState.CALIBRATED)),
        bonus_coefficient=coefficient, merit_increase=merit, closed_band=F("band"),
        closed_final_score=F("final_score"), revision=F("revision") + 1,
    )  # fmt: skip
    if changed:
        why = _last_reopen_reason(cycle)
        Appraisal.objects.filter(pk__in=list(changed)).update(acknowledged=None, result_change_reason=why)
        record_event(list(changed), AppraisalAction.RESULT_CHANGED, reason=why, user=user, changes=changed)
    record_current(Appraisal, list(reviewed.values_list("id", flat=True)) + left, user=user)
    cycle.closed = timezone.now()
    cycle.appeal_deadline = _appeal_deadline(cycle)
    claim_revision(cycle)
    cycle.save()
    action = CycleAction.FORCE_CLOSE if unfinished["count"] else CycleAction.CLOSE
    _record_step(cycle, action, user, reason, unfinished)
    return cycle


def _changed_since_last_close(reviewed):
    """{appraisal id: {field: [before, after]}} of those whose band or final score moved since the cycle last closed."""
    changed = {}
    for row in reviewed.exclude(closed_band="").values("id", "band", "final_score", "closed_band",
                                                       "closed_final_score"):  # fmt: skip
        diff = {}
        if row["band"] != row["closed_band"]:
            diff["band"] = [row["closed_band"], row["band"]]
        if row["final_score"] != row["closed_final_score"]:
            diff["final_score"] = [plain(row["closed_final_score"]), plain(row["final_score"])]
        if diff:
            changed[row["id"]] = diff
    return changed


@transaction.atomic
def cycle_reopen(*, cycle, reason, user=None):
    """Reopen a closed cycle into calibration, for a reason that is recorded.

    Results stay as they are until the next close; HR can move bands and send named appraisals
    back to their manager meanwhile. Whoever's result then changes acknowledges it again.
    """
    refuse_control_characters(reason=reason)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the cycle is reopened; the reason is kept.")})
    cycle = locked_cycle(cycle.pk)
    transition(cycle, "mark_reopened")
    cycle.closed = None
    claim_revision(cycle)
    cycle.save()
    CycleEvent.objects.create(cycle=cycle, action=CycleAction.REOPEN, reason=reason.strip(), user=user)
    return cycle


@transaction.atomic
def cycle_release_results(*, cycle, user=None):
    """Let employees read their submitted results before the cycle closes (they stay provisional until then)."""
    cycle = locked_cycle(cycle.pk)
    if cycle.state not in (CycleState.OPEN, CycleState.CALIBRATION):
        raise Conflict(_("Results can be released while %(cycle)s is open or in calibration.") % {"cycle": cycle})
    if cycle.results_released is None:
        cycle.results_released = timezone.now()
        claim_revision(cycle)
        cycle.save()
        CycleEvent.objects.create(cycle=cycle, action=CycleAction.RELEASE, user=user)
    return cycle
