"""Template filters of the appraisal pages: numbers as people entered them, results in one format everywhere.

What people typed (actuals, targets, weights) reads as entered (`plain`); what the scoring gives
reads the same on every page, the PDF and the exports: line and dimension scores with two decimals
(`score`), the final score with one (`final_score`), the bonus coefficient with two
(`coefficient`) and the merit increase with two and a percent sign (`merit`).
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils import formats, timezone

from appraisal.selectors import stage_label as _stage_label
from appraisal.selectors import stage_of

register = template.Library()

EMPTY = "—"


def plain_number(value):
    """A number without the trailing zeros its column pads it with: 112.5, not 112.5000; None stays None."""
    if value is None or value == "":
        return value
    if isinstance(value, float):
        value = Decimal(str(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            return str(value)
        text = format(value.normalize(), "f")
        return "0" if text in ("-0", "") else text
    return str(value)


@register.filter
def plain(value):
    """A number as entered (`plain_number`), a date as YYYY-MM-DD, a moment in local time; "—" when empty."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return plain_number(value)
    return value


def _fixed(value, places):
    """`value` with exactly `places` decimals (rounded half-up), or None for no number."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite():
        return None
    return format(number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), "f")


def score_text(value):
    """A line or dimension score: two decimals (104.02, 90.00); "—" for none."""
    return _fixed(value, 2) or EMPTY


def final_score_text(value):
    """A final score: one decimal (97.3, 94.0); "—" for none."""
    return _fixed(value, 1) or EMPTY


def coefficient_text(value):
    """A bonus coefficient: two decimals (2.00, 1.50); "—" for none."""
    return _fixed(value, 2) or EMPTY


def merit_text(value):
    """A merit increase, kept in percent: two decimals and a percent sign (10.00%); "—" for none."""
    text = _fixed(value, 2)
    return f"{text}%" if text else EMPTY


register.filter("score", score_text)
register.filter("final_score", final_score_text)
register.filter("coefficient", coefficient_text)
register.filter("merit", merit_text)

# How the result fields of an appraisal read, by name (pages, history entries, the PDF).
RESULT_FORMATS = {
    "results_score": score_text, "ability_score": score_text, "attitude_score": score_text, "score": score_text,
    "final_score": final_score_text, "closed_final_score": final_score_text, "score_before": final_score_text,
    "score_after": final_score_text, "bonus_coefficient": coefficient_text, "merit_increase": merit_text,
}  # fmt: skip


def result_text(name, value):
    """A value of the field `name` as the pages show it: a result in its format, anything else `plain`."""
    return RESULT_FORMATS.get(name, plain)(value)


@register.filter
def person_name(user):
    """How a login reads on the pages: the name of its person record, else the user's full name, else the login."""
    if user is None:
        return ""
    try:
        employee = user.employee
    except (ObjectDoesNotExist, AttributeError):
        employee = None
    if employee is not None and employee.name:
        return employee.name
    return user.get_full_name() or user.get_username()


@register.filter
def stage(appraisal):
    """The stage an appraisal is at (`selectors.STAGES`): its state, with a submitted review told apart."""
    return stage_of(appraisal.state, appraisal.reviewed)


@register.filter
def stage_label(appraisal):
    """The name of the stage an appraisal is at, in the words every page, the PDF and the exports use."""
    return _stage_label(stage(appraisal))
