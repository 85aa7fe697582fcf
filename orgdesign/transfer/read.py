"""Read an XLSX workbook or a CSV sheet into checked, typed rows; every problem names its sheet, row and column."""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext as _

from orgdesign.spreadsheet import FORMULA_START
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


def read(data, filename="", *, sheet=None):
    """({sheet: [row dicts with `_row`]}, [Problem]) from the bytes of an XLSX or CSV file."""
    problems = []
    if len(data) > max_bytes():
        limit = max_bytes() // (1024 * 1024)
        raise ImportRefused([Problem("", None, None, _("The file is larger than %(limit)s MB.") % {"limit": limit})])
    if data[:2] == b"PK":
        return _read_xlsx(data, problems)
    if filename.lower().endswith(".csv") or sheet:
        return _read_csv(data, filename, sheet, problems)
    raise ImportRefused(
        [Problem("", None, None, _("This is not a spreadsheet: send an .xlsx workbook or a .csv file."))]
    )


def _read_xlsx(data, problems):
    from openpyxl import load_workbook

    try:
        expanded = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except zipfile.BadZipFile as error:
        raise ImportRefused([Problem("", None, None, _("This is not a readable .xlsx workbook (%(error)s).")
                                     % {"error": error})]) from None  # fmt: skip
    if expanded > 25 * max_bytes():
        raise ImportRefused([Problem("", None, None, _("The workbook unpacks to more than %(limit)s MB.")
                                     % {"limit": 25 * max_bytes() // (1024 * 1024)})])  # fmt: skip
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportRefused([Problem("", None, None, _("This is not a readable .xlsx workbook (%(error)s).")
                                     % {"error": error})]) from None  # fmt: skip
    result = {}
    known = [s.name for s in SHEETS]
    for worksheet in workbook.worksheets:
        name = worksheet.title.strip()
        if name not in BY_NAME:
            problems.append(
                Problem(name, None, None, _("Unknown sheet; a workbook has the sheets %(sheets)s.")
                        % {"sheets": ", ".join(known)})
            )  # fmt: skip
            continue
        iterator = worksheet.iter_rows()
        try:
            header_cells = next(iterator)
        except StopIteration:
            continue
        header = _check_header(name, [cell.value for cell in header_cells], problems)
        raw_rows = []
        try:
            for number, cells in enumerate(iterator, start=2):
                raw_rows.append((number, [
                    FormulaCell(cell.value) if getattr(cell, "data_type", None) == "f" else cell.value for cell in cells
                ]))  # fmt: skip
        except Exception as error:  # noqa: BLE001 - openpyxl reads lazily; a damaged sheet fails here
            raise ImportRefused([Problem(name, len(raw_rows) + 2, None, _("The sheet cannot be read (%(error)s).")
                                         % {"error": error})]) from None  # fmt: skip
        result[name] = _rows(name, header, raw_rows, problems)
    workbook.close()
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
        raw_rows = [(n, row) for n, row in enumerate(reader, start=2)]
    except csv.Error as error:
        raise ImportRefused(
            [Problem(name, None, None, _("The CSV cannot be read (%(error)s).") % {"error": error})]
        ) from None
    rows = _rows(name, header, raw_rows, problems)
    return {name: rows}, problems
