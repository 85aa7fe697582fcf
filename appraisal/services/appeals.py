"""Appeals: after a cycle closes, an employee appeals their result; HR or a person HR names decides in writing."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.choices import AppealOutcome, AppealState, AppraisalAction, AppraisalState, CycleState
from appraisal.models import Appeal, Appraisal, AppraisalLine, RatingBand
from appraisal.services.base import locked_cycle, plain, record_event
from appraisal.services.results import appraisal_compute, outcome_of
from appraisal.services.workflow import check_line_value
from orgdesign import access, grants
from orgdesign.audit import record_bulk_history
from orgdesign.exceptions import Conflict
from orgdesign.services import claim_revision
from orgdesign.text import refuse_control_characters

APPEALABLE = (AppraisalState.CALIBRATED, AppraisalState.ACKNOWLEDGED)


def appeal_deadline_passed(cycle, today=None):
    return cycle.appeal_deadline is not None and (today or timezone.localdate()) > cycle.appeal_deadline


@transaction.atomic
def appeal_file(*, appraisal, grounds, user=None):
    """The employee appeals a closed result, with written grounds, until the cycle's appeal deadline."""
    cycle = locked_cycle(appraisal.cycle_id)
    appraisal = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    if cycle.state != CycleState.CLOSED:
        raise Conflict(_("A result can be appealed once %(cycle)s has closed.") % {"cycle": cycle})
    if appraisal.state not in APPEALABLE:
        raise Conflict(_("Only a completed appraisal with a result can be appealed."))
    if appeal_deadline_passed(cycle):
        raise Conflict(
            _("The appeal deadline of %(cycle)s was %(date)s; it has passed.")
            % {"cycle": cycle, "date": cycle.appeal_deadline}
        )
    if Appeal.objects.filter(appraisal=appraisal).exists():
        raise Conflict(_("This result has already been appealed; an appraisal is appealed once."))
    if not (grounds or "").strip():
        raise ValidationError({"grounds": _("Write the grounds of the appeal: what you think is wrong and why.")})
    days = getattr(settings, "APPEAL_DECISION_DAYS", 14)
    appeal = Appeal(
        appraisal=appraisal, grounds=grounds.strip(), filed_by=user,
        due=timezone.localdate() + datetime.timedelta(days=days),
    )  # fmt: skip
    appeal.full_clean()
    appeal.save()
    claim_revision(appraisal)  # the appraisal now shows its appeal: a copy read before is stale
    record_event([appraisal.pk], AppraisalAction.APPEAL_FILED, reason=appeal.grounds, user=user)
    return appeal


def may_decide(user, appeal):
    """HR, or the person HR named; never the original manager or the person appraised."""
    appraisal = appeal.appraisal
    involved = {appraisal.employee.user_id}
    if appraisal.reviewer_id is not None:
        involved.add(appraisal.reviewer.user_id)
    if user.pk in involved:
        return False
    if appeal.decider_id is not None:
        return user.pk == appeal.decider_id or access.is_hr(user)
    return access.is_hr(user)


@transaction.atomic
def appeal_assign(*, appeal, decider, due=None, user=None, expected_revision=None):
    """HR names who decides an appeal (and may move its decision deadline); never the original manager."""
    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("appraisal__reviewer", "appraisal__employee")
        .get(pk=appeal.pk)
    )
    claim_revision(appeal, expected_revision)
    if appeal.state != AppealState.OPEN:
        raise Conflict(_("This appeal has been decided."))
    errors = {}
    if decider is not None:
        appraisal = appeal.appraisal
        if appraisal.reviewer is not None and appraisal.reviewer.user_id == decider.pk:
            errors["decider"] = [_("The manager who scored the appraisal cannot decide its appeal.")]
        elif appraisal.employee.user_id == decider.pk:
            errors["decider"] = [_("Nobody decides their own appeal.")]
        elif not decider.is_active:
            errors["decider"] = [_("Choose an active user.")]
    if due is not None and due < timezone.localtime(appeal.created).date():
        errors["due"] = [_("The decision cannot be due before the appeal was filed.")]
    if errors:
        raise ValidationError(errors)
    appeal.decider = decider
    if due is not None:
        appeal.due = due
    appeal.save()
    grants.grant_appraisal_permissions([appeal.appraisal_id])
    return appeal


def _rescore(appraisal, lines):
    """Apply the decider's line values (manager_score, actual) to a closed appraisal; errors by line index."""
    by_id = {line.pk: line for line in appraisal.lines.all()}
    errors, changed = {}, []
    for index, data in enumerate(lines):
        data = dict(data)
        line = by_id.get(data.pop("id", None))
        if line is None:
            errors[f"lines[{index}].id"] = [_("No such line in this appraisal.")]
            continue
        for name, value in data.items():
            if name not in ("actual", "manager_score"):
                errors[f"lines[{index}].{name}"] = [_("An appeal changes only the actual and the manager's score.")]
                continue
            try:
                value = AppraisalLine._meta.get_field(name).to_python(value)
            except ValidationError as error:
                errors[f"lines[{index}].{name}"] = error.messages
                continue
            problem = check_line_value(line, name, value)
            if problem:
                errors[f"lines[{index}].{name}"] = [problem]
                continue
            if name == "actual":
                line.manager_actual = value
                line.actual = value if value is not None else line.self_actual
            else:
                line.manager_score = value
        changed.append(line)
    if errors:
        raise ValidationError(errors)
    if changed:
        AppraisalLine.objects.bulk_update(changed, ["actual", "manager_actual", "manager_score"])
        record_bulk_history(AppraisalLine, changed, update=True)


@transaction.atomic
def appeal_decide(*, appeal, outcome, decision, user, band=None, lines=None, expected_revision=None):
    """Decide an appeal with a written decision the employee reads.

    - upheld: the result stands as it was;
    - rejected: the appeal is not admitted (out of time, or the grounds are not about the result);
    - changed: the appraisal is rescored (`lines`) and/or rebanded (`band`); only its own score,
      band, bonus coefficient and merit increase are recomputed, and the employee acknowledges the
      new result.
    """
    refuse_control_characters(decision=decision)
    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("appraisal__reviewer", "appraisal__employee", "appraisal__cycle")
        .get(pk=appeal.pk)
    )
    claim_revision(appeal, expected_revision)
    if appeal.state != AppealState.OPEN:
        raise Conflict(_("This appeal has been decided."))
    if not may_decide(user, appeal):
        raise Conflict(_("You cannot decide this appeal: HR or the person HR named decides it."))
    errors = {}
    if outcome not in AppealOutcome.values:
        errors["outcome"] = [_("Choose upheld, changed or rejected.")]
    if not (decision or "").strip():
        errors["decision"] = [_("Write the decision; the employee reads it.")]
    if outcome == AppealOutcome.CHANGED and band is None and not lines:
        errors["band"] = [_("A changed result needs a new band or new line scores.")]
    if outcome != AppealOutcome.CHANGED and (band is not None or lines):
        errors["outcome"] = [_("Only a changed result takes a new band or line scores.")]
    if band is not None and not RatingBand.objects.filter(code=band).exists():
        errors["band"] = [_("There is no band %(band)s.") % {"band": band}]
    if errors:
        raise ValidationError(errors)
    locked_cycle(appeal.appraisal.cycle_id)
    appraisal = Appraisal.objects.select_for_update().get(pk=appeal.appraisal_id)
    claim_revision(appraisal)  # the decision changes what the appraisal shows, whatever the outcome
    appeal.band_before, appeal.score_before = appraisal.band, appraisal.final_score
    if outcome == AppealOutcome.CHANGED:
        if lines:
            _rescore(appraisal, lines)
        appraisal_compute(appraisal)
        if band is not None:
            appraisal.band, appraisal.band_adjusted_by = band, user
            appraisal.band_reason = _("Appeal decided: %(decision)s") % {"decision": decision.strip()}
        elif not appraisal.band_reason:
            appraisal.band = appraisal.computed_band
        appraisal.bonus_coefficient, appraisal.merit_increase = outcome_of(appraisal.band)
    appeal.band_after, appeal.score_after = appraisal.band, appraisal.final_score
    moved = (appeal.band_after, appeal.score_after) != (appeal.band_before, appeal.score_before)
    if moved:
        appraisal.state, appraisal.acknowledged = AppraisalState.CALIBRATED, None
        appraisal.result_change_reason = decision.strip()
        appraisal.closed_band, appraisal.closed_final_score = appraisal.band, appraisal.final_score
    appraisal.save()
    appeal.state, appeal.outcome, appeal.decision = AppealState.DECIDED, outcome, decision.strip()
    appeal.decided, appeal.decided_by = timezone.now(), user
    appeal.save()
    changes = {}
    if moved:
        changes = {"band": [appeal.band_before, appeal.band_after],
                   "final_score": [plain(appeal.score_before), plain(appeal.score_after)]}  # fmt: skip
    record_event([appraisal.pk], AppraisalAction.APPEAL_DECIDED, reason=appeal.decision, user=user,
                 changes={appraisal.pk: changes})  # fmt: skip
    return appeal


def appeals_overdue(queryset=None, today=None):
    """Open appeals past their decision deadline."""
    queryset = Appeal.objects.all() if queryset is None else queryset
    return queryset.filter(state=AppealState.OPEN, due__lt=today or timezone.localdate())
