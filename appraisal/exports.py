"""A cycle's results as CSV or XLSX, with the same columns."""

import csv
import datetime
import io
from decimal import Decimal

from openpyxl import Workbook

from appraisal.selectors import RESULT_COLUMNS, cycle_results
from orgdesign.spreadsheet import safe_text


def _cell(value):
    """A value a spreadsheet shows as written and never runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是 yes" if value else "否 no"
    if isinstance(value, Decimal | int | float):
        return value
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="seconds")
    return safe_text(str(value))


def results_csv(cycle):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([label for _key, label in RESULT_COLUMNS])
    for row in cycle_results(cycle):
        writer.writerow([_cell(row[key]) for key, _label in RESULT_COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def results_xlsx(cycle):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(cycle.name)[:31]
    sheet.append([label for _key, label in RESULT_COLUMNS])
    for row in cycle_results(cycle):
        sheet.append([_cell(row[key]) for key, _label in RESULT_COLUMNS])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
