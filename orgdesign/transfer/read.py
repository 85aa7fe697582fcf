"""Read an XLSX workbook or a CSV sheet into checked, typed rows; every problem names its sheet, row and column."""

import csv
import datetime
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext as _

from orgdesign.spreadsheet import (
    FORMULA_START,
    BoundedWorkbook,
    ReadingBudget,
    SpreadsheetRefused,
    check_workbook_archive,
)
from orgdesign.transfer.layout import BOOL, BY_NAME, DATE, DECIMAL, INT, SHEETS

TRUE_WORDS = {"true", "yes", "y", "1", "是", "x"}
FALSE_WORDS = {"false", "no", "n", "0", "否", ""}


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self):
        where = [self.sheet or _("file")]
        if self.row:
            where.append(_("row %(row)s") % {"row": self.row})
        if self.column:
            where.append(_("column %(column)s") % {"column": self.column})
        return f"{', '.join(where)}: {self.message}"

    def as_dict(self):
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


class ImportRefused(Exception):
    """The file cannot be imported as it is; nothing was changed."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems[:5]))


def max_bytes():
    return int(getattr(settings, "IMPORT_MAX_BYTES", 20 * 1024 * 1024))


def convert(value, kind):
    """(typed value, problem message or None) for one cell."""
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "":
        return (None if kind != BOOL else None), None
    if kind == INT:
        if isinstance(value, bool):
            return None, _("Enter a whole number.")
        if isinstance(value, int):
            return value, None
        if isinstance(value, float) and value.is_integer():
            return int(value), None
        if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,15}", value):
            return int(value), None
        return None, _("Enter a whole number.")
    if kind == DECIMAL:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return None, _("Enter a number.")
        if not number.is_finite() or (number and number.adjusted() > 15):
            return None, _("Enter a number.")
        return number, None
    if kind == BOOL:
        if isinstance(value, bool):
            return value, None
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True, None
        if word in FALSE_WORDS:
            return False, None
        return None, _("Enter true or false.")
    if kind == DATE:
        if isinstance(value, datetime.datetime):
            return value.date(), None
        if isinstance(value, datetime.date):
            return value, None
        try:
            return datetime.date.fromisoformat(str(value)), None
        except ValueError:
            return None, _("Enter a date as YYYY-MM-DD.")
    # text: numbers typed into text columns (a code like 1001) read as written
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        value = value.isoformat()
    text = str(value)
    if text.startswith("'") and text[1:2] in FORMULA_START:
        text = text[1:]  # the mark our export puts before text that looks like a formula
    return text, None


def _check_header(name, header, problems):
    sheet = BY_NAME[name]
    header = [str(h).strip() if h is not None else "" for h in header]
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if repeated:
        problems.append(Problem(name, 1, ", ".join(repeated), _("These columns appear more than once.")))
    missing = [c.name for c in sheet.columns if c.required and c.name not in header]
    unknown = [h for h in header if h and h not in sheet.column_names]
    if missing:
        problems.append(Problem(name, 1, ", ".join(missing), _("Required columns are missing.")))
    if unknown:
        problems.append(
            Problem(name, 1, ", ".join(unknown),
                    _("Unknown columns; the sheet has %(columns)s.") % {"columns": ", ".join(sheet.column_names)})
        )  # fmt: skip
    return header


def _rows(name, header, raw_rows, problems):
    sheet = BY_NAME[name]
    kinds = {c.name: c for c in sheet.columns}
    rows = []
    for number, raw in raw_rows:
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw):
            continue
        row = {"_row": number}
        for index, column_name in enumerate(header):
            if column_name not in kinds:
                continue
            value = raw[index] if index < len(raw) else None
            if isinstance(value, FormulaCell):
                problems.append(Problem(name, number, column_name, _("A formula is not imported; enter its value.")))
                continue
            typed, message = convert(value, kinds[column_name].kind)
            if message:
                problems.append(Problem(name, number, column_name, message))
            elif typed is None and kinds[column_name].required:
                problems.append(Problem(name, number, column_name, _("This column needs a value.")))
            row[column_name] = typed
        rows.append(row)
    return rows


class FormulaCell(str):
    """A cell holding a formula (kept apart so it is refused, never evaluated or stored)."""


def _refused(error):
    return ImportRefused([Problem(error.sheet, error.row, None, error.message)])


def check_upload(data, filename="", *, sheet=None):
    """Refuse at once a file that is empty, too large, not a spreadsheet, or a zip that is no workbook or would
    unpack too far (only the zip's directory is read). The request that receives an upload calls this, wherever
    the reading then runs; `read` calls it too."""
    if not data:
        raise ImportRefused([Problem("", None, None, _("The file is empty."))])
    if len(data) > max_bytes():
        limit = max_bytes() // (1024 * 1024)
        raise ImportRefused([Problem("", None, None, _("The file is larger than %(limit)s MB.") % {"limit": limit})])
    if data[:2] == b"PK":
        try:
            check_workbook_archive(data)
        except SpreadsheetRefused as error:
            raise _refused(error) from None
    elif not (filename.lower().endswith(".csv") or sheet):
        raise ImportRefused(
            [Problem("", None, None, _("This is not a spreadsheet: send an .xlsx workbook or a .csv file."))]
        )


def read(data, filename="", *, sheet=None):
    """({sheet: [row dicts with `_row`]}, [Problem]) from the bytes of an XLSX or CSV file, read within the
    IMPORT_MAX_* limits (see orgdesign.spreadsheet)."""
    check_upload(data, filename, sheet=sheet)
    problems = []
    try:
        if data[:2] == b"PK":
            return _read_xlsx(data, problems)
        return _read_csv(data, filename, sheet, problems)
    except SpreadsheetRefused as error:
        raise _refused(error) from None


def _values(cells):
    return [FormulaCell(cell.value) if getattr(cell, "data_type", None) == "f" else cell.value for cell in cells]


def _read_xlsx(data, problems):
    result = {}
    known = [s.name for s in SHEETS]
    with BoundedWorkbook(data) as workbook:
        for worksheet in workbook.worksheets:
            name = worksheet.title.strip()
            if name not in BY_NAME:
                problems.append(
                    Problem(name, None, None, _("Unknown sheet; a workbook has the sheets %(sheets)s.")
                            % {"sheets": ", ".join(known)})
                )  # fmt: skip
                continue
            rows = workbook.rows(worksheet)
            first = next(rows, None)
            if first is None:
                continue
            header = [cell.value for cell in first[1]]
            while header and (header[-1] is None or not str(header[-1]).strip()):
                header.pop()  # the columns without a heading are not read
            header = _check_header(name, header, problems)
            width = len(header)
            result[name] = _rows(name, header, ((number, _values(cells[:width])) for number, cells in rows), problems)
    if not result and not problems:
        problems.append(Problem("", None, None, _("The workbook has none of the sheets %(sheets)s.")
                                % {"sheets": ", ".join(known)}))  # fmt: skip
    return result, problems


def _read_csv(data, filename, sheet, problems):
    name = sheet or filename.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if name not in BY_NAME:
        raise ImportRefused([Problem(name, None, None, _("Name the sheet this CSV holds: one of %(sheets)s.")
                                     % {"sheets": ", ".join(s.name for s in SHEETS)})])  # fmt: skip
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused([Problem(name, None, None, _("The CSV is not UTF-8 text."))]) from None
    if "\x00" in text:
        raise ImportRefused(
            [Problem(name, None, None, _("This is not a spreadsheet: send an .xlsx workbook or a .csv file."))]
        )
    budget = ReadingBudget()
    reader = csv.reader(io.StringIO(text))
    try:
        header = _check_header(name, next(reader), problems)
    except StopIteration:
        return {name: []}, problems
    except csv.Error as error:
        raise ImportRefused(
            [Problem(name, 1, None, _("The CSV cannot be read (%(error)s).") % {"error": error})]
        ) from None
    try:
        raw_rows = []
        for number, row in enumerate(reader, start=2):
            budget.count_row(name, number)
            raw_rows.append((number, row))
    except csv.Error as error:
        raise ImportRefused(
            [Problem(name, None, None, _("The CSV cannot be read (%(error)s).") % {"error": error})]
        ) from None
    rows = _rows(name, header, raw_rows, problems)
    return {name: rows}, problems
