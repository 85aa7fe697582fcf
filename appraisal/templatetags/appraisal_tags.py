"""Template filters of the appraisal pages: numbers as people entered them."""

import datetime
from decimal import Decimal

from django import template
from django.utils import formats, timezone

register = template.Library()


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
        return "—"
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return plain_number(value)
    return value
