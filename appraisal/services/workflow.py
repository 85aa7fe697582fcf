"""One appraisal's steps: self-assessment, the manager's review, recall, sending back, calibration, acknowledgement.

What each role may write in each state is decided by `appraisal.visibility`; these functions
apply it and the rules of the values (scales, minimums, the lines a submission needs).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import visibility
from appraisal.choices import AppraisalAction, AppraisalState, CycleState, Dimension, IndicatorKind
from appraisal.models import Appraisal, AppraisalLine, AppraisalPolicy, RatingBand
from appraisal.services.base import locked_cycle, plain, record_event, refuse_if_closed, transition
from appraisal.services.results import appraisal_compute, bands, results_of, score_lines
from orgdesign import grants
from orgdesign.audit import record_bulk_history
from orgdesign.exceptions import Conflict
from orgdesign.services import assign_fields, claim_revision
from orgdesign.text import refuse_control_characters

LINE_VALUES = ["actual", "self_actual", "manager_actual", "self_score", "manager_score", "self_comment", "comment"]


def policy_role(role):
    """The policy's name for a service caller's role ("manager" is the reviewer)."""
    return "reviewer" if role == "manager" else role


def _locked_appraisal(appraisal, expected_revision):
    """Lock the cycle (so a close cannot slip in between), refuse a closed one, claim the appraisal's revision."""
    cycle = locked_cycle(appraisal.cycle_id)
    refuse_if_closed(cycle)
    appraisal = Appraisal.objects.select_related("cycle").get(pk=appraisal.pk)
    claim_revision(appraisal, expected_revision)
    return appraisal


def check_line_value(line, name, value):
    """Why `value` cannot go into `name` of `line` (a message naming the line), or None."""
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
    if name == "actual":
        if line.kind != IndicatorKind.QUANTITATIVE:
            return _("%(line)s is rated by level; it takes no actual value.") % {"line": line.name}
        if line.minimum is not None and value < line.minimum:
            return _("%(line)s: the actual cannot be below %(minimum)s.") % {
                "line": line.name, "minimum": format(line.minimum.normalize(), "f"),
            }  # fmt: skip
    return None


def _set_actual(line, side, value):
    """Keep the employee's and the manager's actuals apart; `actual` (the value scored) is the manager's if any."""
    if side == "employee":
        line.self_actual = value
    elif value is None or value != line.self_actual or line.manager_actual is not None:
        line.manager_actual = value
    line.actual = line.manager_actual if line.manager_actual is not None else line.self_actual


@transaction.atomic
def appraisal_update(*, appraisal, role, fields=None, lines=None, expected_revision=None):
    """Save what `role` (employee, manager/reviewer or hr) may change now: comments, feedback, line values.

    An actual the employee enters and one the manager enters are both kept. Every problem is
    reported at once, by field (`lines[2].manager_score`), and nothing is saved then. Refused with
    409 in a closed cycle or in a state where the role has nothing to change.
    """
    role = policy_role(role)
    appraisal = _locked_appraisal(appraisal, expected_revision)
    if role == "hr" and appraisal.reviewed is not None and appraisal.state == AppraisalState.MANAGER_REVIEW:
        allowed = visibility.WRITES["hr"]["appraisal"], visibility.WRITES["hr"]["line"]
    else:
        allowed = visibility.writable(role, visibility.Facts.of(appraisal))
    if not any(allowed):
        if appraisal.reviewed is not None and role == "reviewer" and appraisal.state == AppraisalState.MANAGER_REVIEW:
            raise Conflict(_("The review has been submitted; recall it first to change it."))
        raise Conflict(
            _("This appraisal is at %(state)s; it cannot be changed that way now.")
            % {"state": appraisal.get_state_display()}
        )
    allowed_fields, allowed_lines = allowed
    # HR writes on the side whose turn it is: the employee's during the self-assessment, else the manager's.
    side = "employee" if role == "employee" or appraisal.state == AppraisalState.SELF_ASSESSMENT else "reviewer"
    errors = {}
    fields = fields or {}
    reviewer = fields.get("reviewer")
    if reviewer is not None and (reviewer.pk == appraisal.employee_id or not reviewer.active):
        errors["reviewer"] = [_("The reviewer must be an active person other than the one appraised.")]
    for name in set(fields) - allowed_fields:
        errors[name] = [_("You cannot change this field.")]
    assign_fields(appraisal, allowed_fields, {k: v for k, v in fields.items() if k in allowed_fields})
    by_id = {line.pk: line for line in appraisal.lines.all()}
    changed = []
    for index, data in enumerate(lines or []):
        data = dict(data)
        line = by_id.get(data.pop("id", None))
        if line is None:
            errors[f"lines[{index}].id"] = [_("No such line in this appraisal.")]
            continue
        touched = False
        for name, value in data.items():
            if name not in allowed_lines:
                errors[f"lines[{index}].{name}"] = [_("You cannot change this field.")]
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
                _set_actual(line, side, value)
            else:
                setattr(line, name, value)
            touched = True
        if touched:
            try:
                line.full_clean(exclude=["appraisal", "indicator"])
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    errors[f"lines[{index}].{field}"] = messages
            changed.append(line)
    try:
        appraisal.full_clean(exclude=["cycle", "employee"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, messages)
    if errors:
        raise ValidationError(errors)
    if changed:
        AppraisalLine.objects.bulk_update(changed, LINE_VALUES)
        record_bulk_history(AppraisalLine, changed, update=True)
    appraisal_compute(appraisal)
    appraisal.save()
    if "reviewer" in fields:
        grants.grant_appraisal_permissions([appraisal.pk])
    return appraisal


def _missing(appraisal, actual_field, score_field):
    """{line index: (field, message)} of the lines a submission still needs."""
    missing = {}
    for index, line in enumerate(appraisal.lines.all()):
        if line.kind == IndicatorKind.QUANTITATIVE and getattr(line, actual_field) is None:
            missing[index] = ("actual", _("Enter the actual value of %(line)s.") % {"line": line.name})
        if line.kind == IndicatorKind.RATED and getattr(line, score_field) is None:
            missing[index] = (score_field, _("Choose a level for %(line)s.") % {"line": line.name})
    return missing


def _missing_errors(missing):
    errors = {f"lines[{index}].{field}": [text] for index, (field, text) in missing.items()}
    if missing:
        errors["lines"] = [_("%(count)s lines are not filled in yet.") % {"count": len(missing)}]
    return errors


@transaction.atomic
def appraisal_submit_self(*, appraisal, expected_revision=None):
    """The employee hands the self-assessment to the manager: every line needs its actual or self score."""
    appraisal = _locked_appraisal(appraisal, expected_revision)
    errors = _missing_errors(_missing(appraisal, "self_actual", "self_score"))
    if errors:
        raise ValidationError(errors)
    transition(appraisal, "mark_self_submitted")
    appraisal.self_submitted = timezone.now()
    appraisal.save()
    return appraisal


@transaction.atomic
def appraisal_submit_review(*, appraisal, expected_revision=None):
    """The manager submits the review: every line scored and the feedback conversation recorded."""
    appraisal = _locked_appraisal(appraisal, expected_revision)
    if appraisal.state != AppraisalState.MANAGER_REVIEW:
        raise Conflict(_("Only an appraisal at manager review can be submitted by the manager."))
    if appraisal.reviewed is not None:
        raise Conflict(_("The review has already been submitted."))
    errors = _missing_errors(_missing(appraisal, "actual", "manager_score"))
    if appraisal.feedback_date is None:
        errors["feedback_date"] = [_("Record the date of the feedback conversation.")]
    if errors:
        raise ValidationError(errors)
    appraisal_compute(appraisal)
    appraisal.reviewed = timezone.now()
    appraisal.returned_reason = ""
    appraisal.save()
    return appraisal


def _reopen_review(appraisal, action, reason, user):
    """Take back a submitted review (recall or sending back): scoring is open again and calibration undone."""
    changes = {"reviewed": [plain(appraisal.reviewed), None]}
    if appraisal.band_reason:
        changes["band"] = [appraisal.band, ""]
    appraisal.reviewed = None
    appraisal.state = AppraisalState.MANAGER_REVIEW
    appraisal.band, appraisal.band_reason, appraisal.band_note, appraisal.band_adjusted_by = "", "", "", None
    appraisal.save()
    record_event([appraisal.pk], action, reason=reason, user=user, changes={appraisal.pk: changes})
    return appraisal


@transaction.atomic
def appraisal_recall(*, appraisal, user=None, expected_revision=None):
    """The manager takes a submitted review back to change it, until the employee acknowledges the result."""
    appraisal = _locked_appraisal(appraisal, expected_revision)
    if appraisal.reviewed is None or appraisal.state not in (AppraisalState.MANAGER_REVIEW, AppraisalState.CALIBRATED):
        raise Conflict(_("Only a submitted review the employee has not acknowledged can be recalled."))
    return _reopen_review(appraisal, AppraisalAction.RECALLED, "", user)


@transaction.atomic
def appraisals_return(*, appraisals, reason, user=None):
    """HR sends named appraisals back to their manager for rescoring (the cycle in calibration), with a reason."""
    refuse_control_characters(reason=reason)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the reviews go back to the managers; they read the reason.")})
    returned = []
    for appraisal in appraisals:
        appraisal = _locked_appraisal(appraisal, None)
        if appraisal.cycle.state != CycleState.CALIBRATION:
            raise Conflict(
                _("Reviews can be sent back while %(cycle)s is in calibration.") % {"cycle": appraisal.cycle}
            )
        if appraisal.reviewed is None:
            raise Conflict(_("%(appraisal)s has no submitted review to send back.") % {"appraisal": appraisal})
        appraisal.returned_reason = reason.strip()
        returned.append(_reopen_review(appraisal, AppraisalAction.RETURNED, reason.strip(), user))
    return returned


def _calibrate_one(appraisal, band, reason, note, user):
    if appraisal.cycle.state != CycleState.CALIBRATION:
        raise Conflict(_("Bands can be moved only while %(cycle)s is in calibration.") % {"cycle": appraisal.cycle})
    if appraisal.reviewed is None or appraisal.state == AppraisalState.NOT_COMPLETED:
        raise Conflict(
            _("The manager has not submitted the review of %(name)s yet.") % {"name": appraisal.employee.name}
        )
    before = appraisal.band or appraisal.computed_band
    appraisal.band, appraisal.band_reason, appraisal.band_adjusted_by = band, reason.strip(), user
    appraisal.band_note = (note or "").strip()
    appraisal.save()
    record_event([appraisal.pk], AppraisalAction.CALIBRATED, reason=reason.strip(), user=user,
                 changes={appraisal.pk: {"band": [before, band]}})  # fmt: skip
    return appraisal


def _check_band(band, reason):
    errors = {}
    if not RatingBand.objects.filter(code=band).exists():
        errors["band"] = [_("There is no band %(band)s.") % {"band": band}]
    if not (reason or "").strip():
        errors["reason"] = [_("Say why the band is moved; the reason is kept for HR.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def appraisal_calibrate(*, appraisal, band, reason, note="", user=None, expected_revision=None):
    """HR moves a reviewed person's band during calibration.

    `reason` is internal (HR reads it); `note`, if any, is what the employee reads about the move.
    """
    refuse_control_characters(reason=reason, note=note)
    _check_band(band, reason)
    appraisal = _locked_appraisal(appraisal, expected_revision)
    return _calibrate_one(appraisal, band, reason, note, user)


@transaction.atomic
def appraisals_calibrate(*, moves, reason, note="", user=None):
    """Several people moved in one step: `moves` is [(appraisal, band, expected revision)], all or none."""
    refuse_control_characters(reason=reason, note=note)
    if not moves:
        raise ValidationError({"appraisals": _("Choose at least one person to move.")})
    for _appraisal, band, _revision in moves:
        _check_band(band, reason)
    return [
        _calibrate_one(_locked_appraisal(appraisal, revision), band, reason, note, user)
        for appraisal, band, revision in moves
    ]


@transaction.atomic
def appraisal_acknowledge(*, appraisal, objection="", expected_revision=None):
    """The employee acknowledges the final result, optionally with a written objection HR will see.

    Allowed after the cycle closed: it changes no result. An objection stays on the appraisal
    until HR deals with it; acknowledging again with a new objection replaces it.
    """
    refuse_control_characters(objection=objection)
    appraisal = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    claim_revision(appraisal, expected_revision)
    transition(appraisal, "mark_acknowledged")
    appraisal.acknowledged = timezone.now()
    objection = (objection or "").strip()
    if objection:
        appraisal.objection = objection
        appraisal.objection_resolved, appraisal.objection_resolution = None, ""
    appraisal.save()
    return appraisal


@transaction.atomic
def appraisal_resolve_objection(*, appraisal, resolution, user=None, expected_revision=None):
    """HR answers an employee's objection in writing; until then it stays on HR's home and in the results."""
    refuse_control_characters(resolution=resolution)
    appraisal = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    claim_revision(appraisal, expected_revision)
    if not appraisal.objection or appraisal.objection_resolved is not None:
        raise Conflict(_("There is no open objection on this appraisal."))
    if not (resolution or "").strip():
        raise ValidationError({"resolution": _("Write what was done about the objection; the employee reads it.")})
    appraisal.objection_resolution = resolution.strip()
    appraisal.objection_resolved = timezone.now()
    appraisal.save()
    record_event([appraisal.pk], AppraisalAction.OBJECTION_RESOLVED, reason=resolution.strip(), user=user)
    return appraisal


def appraisal_preview(*, appraisal, role, lines):
    """Scores as they would be with the typed line values, nothing saved: the live total on the scoring pages.

    `lines` is {line id: {actual, self_score, manager_score}}. For the employee the self score
    stands in for the manager's and their own actual for the one scored. Returns (scores, errors)
    with errors by line id and field.
    """
    role = policy_role(role)
    policy = AppraisalPolicy.current()
    rows, errors = [], {}
    for line in appraisal.lines.all():
        typed = lines.get(line.pk, {})
        row = {
            "id": line.pk, "dimension": line.dimension, "kind": line.kind, "direction": line.direction,
            "weight": line.weight, "target": line.target, "levels": line.levels,
            "actual": line.self_actual if role == "employee" else line.actual,
            "manager_score": line.manager_score if role != "employee" else line.self_score, "score": None,
        }  # fmt: skip
        for name in ("actual", "self_score", "manager_score"):
            if name not in typed:
                continue
            problem = check_line_value(line, name, typed[name])
            if problem:
                errors[(line.pk, name)] = problem
                continue
            if name == "actual":
                row["actual"] = typed[name]
            elif (name == "self_score") == (role == "employee"):
                row["manager_score"] = typed[name]
        rows.append(row)
    weights = {f"{d}_weight": appraisal.dimension_weight(d) for d in Dimension.values}
    by_dimension = score_lines(rows, policy.achievement_cap, {}) if rows else None
    return results_of(weights, by_dimension, bands()), errors
