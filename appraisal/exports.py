"""A cycle's results as CSV or XLSX, with the same columns and the same values as people read them.

The workbook keeps numbers as numbers (with their formats), dates as dates; the CSV writes each
value as the workbook shows it. Labels, never codes; text never runs as a formula.
"""

import csv
import datetime
import io
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from appraisal.selectors import RESULT_COLUMNS, cycle_results
from orgdesign.spreadsheet import safe_text

# How a column's values look: (Excel number format, the same as text).
SCORE = ("0.00", "{:.2f}")
FINAL = ("0.0", "{:.1f}")
COEFFICIENT = ("0.00", "{:.2f}")
PERCENT = ("0.00%", "{:.2%}")
DATE = ("yyyy-mm-dd", "%Y-%m-%d")
MOMENT = ("yyyy-mm-dd hh:mm", "%Y-%m-%d %H:%M")
FORMATS = {
    "results_score": SCORE, "ability_score": SCORE, "attitude_score": SCORE, "final_score": FINAL,
    "bonus_coefficient": COEFFICIENT, "merit_increase": PERCENT, "acknowledged": MOMENT, "appeal_due": DATE,
}  # fmt: skip
WIDEST = 60
INVALID_IN_SHEET_TITLES = str.maketrans(dict.fromkeys("[]:*?/\\", "-"))


def _value(key, value):
    """A result value as the workbook keeps it: numbers and dates as such, everything else as text."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "是 yes" if value else "否 no"
    if key == "merit_increase":
        return Decimal(value) / 100  # stored in percent; the cell shows it as a percentage
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, Decimal | int | float | datetime.date):
        return value
    return safe_text(str(value))


def _text(key, value):
    """The same value as the workbook shows it, as text for the CSV."""
    if value is None:
        return ""
    shape = FORMATS.get(key)
    if shape is not None and isinstance(value, datetime.date):
        return value.strftime(shape[1])
    if shape is not None and isinstance(value, Decimal | int | float):
        return shape[1].format(value)
    return str(value)


def _rows(cycle, role):
    for row in cycle_results(cycle, role=role):
        yield [_value(key, row[key]) for key, _label in RESULT_COLUMNS]


def results_csv(cycle, *, role="hr"):
    """The results as CSV; for any role but HR the fields the visibility policy hides are empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([label for _key, label in RESULT_COLUMNS])
    keys = [key for key, _label in RESULT_COLUMNS]
    for values in _rows(cycle, role):
        writer.writerow([_text(key, value) for key, value in zip(keys, values, strict=True)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _width(text):
    """Columns wide enough for their text: a Chinese character takes two places."""
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def results_xlsx(cycle, *, role="hr"):
    """The results as a workbook; for any role but HR the fields the visibility policy hides are empty."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(cycle.name).translate(INVALID_IN_SHEET_TITLES)[:31] or "results"
    keys = [key for key, _label in RESULT_COLUMNS]
    sheet.append([label for _key, label in RESULT_COLUMNS])
    widths = [_width(label) for _key, label in RESULT_COLUMNS]
    for values in _rows(cycle, role):
        sheet.append(values)
        for index, (key, value) in enumerate(zip(keys, values, strict=True)):
            widths[index] = max(widths[index], _width(_text(key, value)))
    for index, key in enumerate(keys, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = min(widths[index - 1], WIDEST) + 2
        if key in FORMATS:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = FORMATS[key][0]
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
