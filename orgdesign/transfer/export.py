"""Write the organisation as rows of the layout's sheets, to XLSX (all sheets) or CSV (one sheet).

Rows come from `values()` queries (a few per sheet whatever the size) in an order that does
not depend on database ids, and the XLSX is written byte for byte the same for the same data,
so export → import into an empty database → export gives identical files.
"""

import csv
import datetime
import io
import re
import zipfile
from collections import defaultdict
from decimal import Decimal

from openpyxl import Workbook

from orgdesign.spreadsheet import safe_text
from orgdesign.transfer.layout import BOOL, BY_NAME, DATE, DECIMAL, INT, SHEETS

FIXED_TIME = (2000, 1, 1, 0, 0, 0)


def _numbered(rows, owner_key):
    """Number parts 1, 2, 3 … within their owner, in their stored order."""
    counters = defaultdict(int)
    for row in rows:
        counters[row[owner_key]] += 1
        row["order"] = counters[row[owner_key]]
    return rows


def sheet_rows():
    """{sheet name: [row dicts]} for the whole organisation."""
    from appraisal.models import Indicator, IndicatorLevel, KpiItem, KpiSet
    from departments.models import CollaborationMechanism, Department, DepartmentDuty
    from positions.models import Authority, Duty, Employee, Position, WorkStandard

    rows = {}
    rows["units"] = list(
        Department.objects.order_by("code").values(
            "code", "name", "name_en", "kind", "parent__code", "head__code", "function", "function_en", "order"
        )
    )
    for row in rows["units"]:
        row["parent"], row["head"] = row.pop("parent__code"), row.pop("head__code")
    rows["unit_duties"] = _numbered(
        [
            {"unit": r.pop("department__code"), **r}
            for r in DepartmentDuty.objects.order_by("department__code", "order", "id").values(
                "department__code", "area", "area_en", "title", "title_en", "text", "text_en"
            )
        ],
        "unit",
    )
    rows["mechanisms"] = _numbered(
        [
            {"unit": r.pop("department__code"), **r}
            for r in CollaborationMechanism.objects.order_by("department__code", "order", "id").values(
                "department__code", "kind", "name", "name_en", "description", "description_en", "participants",
                "frequency",
            )
        ],
        "unit",
    )  # fmt: skip
    rows["positions"] = [
        {**r, "unit": r.pop("department__code"), "reports_to": r.pop("reports_to__code")}
        for r in Position.objects.order_by("code").values(
            "code", "title", "title_en", "department__code", "reports_to__code", "grade", "headcount", "is_key",
            "purpose", "purpose_en", "order",
        )
    ]  # fmt: skip
    duties = list(
        Duty.objects.order_by("position__code", "order", "id").values(
            "id", "position__code", "category", "title", "title_en", "text", "text_en"
        )
    )
    duty_number = {}
    for row in duties:
        row["position"] = row.pop("position__code")
    _numbered(duties, "position")
    for row in duties:
        duty_number[row.pop("id")] = row["order"]
    rows["duties"] = duties
    rows["authorities"] = _numbered(
        [
            {"position": r.pop("position__code"), **r}
            for r in Authority.objects.order_by("position__code", "order", "id").values(
                "position__code", "text", "text_en"
            )
        ],
        "position",
    )
    standards = []
    for r in WorkStandard.objects.order_by("position__code", "order", "id").values(
        "position__code", "measure", "measure_en", "target", "unit", "duty_id"
    ):
        standards.append({"position": r.pop("position__code"), **r, "duty": duty_number.get(r.pop("duty_id"))})
    rows["standards"] = _numbered(standards, "position")
    rows["employees"] = [
        {**r, "position": r.pop("position__code")}
        for r in Employee.objects.order_by("employee_no").values(
            "employee_no", "name", "name_en", "email", "position__code", "start_date", "active"
        )
    ]
    rows["indicators"] = list(
        Indicator.objects.order_by("code").values(
            "code", "name", "name_en", "dimension", "kind", "unit", "direction", "data_source", "measurement",
            "description", "description_en", "retired",
        )
    )  # fmt: skip
    rows["indicator_levels"] = [
        {"indicator": r.pop("indicator__code"), **r}
        for r in IndicatorLevel.objects.order_by("indicator__code", "level").values(
            "indicator__code", "level", "points", "description", "description_en"
        )
    ]
    rows["kpi_sets"] = list(
        KpiSet.objects.order_by("code").values(
            "code", "name", "name_en", "status", "results_weight", "ability_weight", "attitude_weight", "description"
        )
    )
    rows["kpi_items"] = _numbered(
        [
            {"kpi_set": r.pop("kpi_set__code"), "indicator": r.pop("indicator__code"), **r}
            for r in KpiItem.objects.order_by("kpi_set__code", "order", "id").values(
                "kpi_set__code", "indicator__code", "weight", "target"
            )
        ],
        "kpi_set",
    )
    rows["kpi_set_positions"] = [
        {"kpi_set": code, "position": position}
        for code, position in KpiSet.positions.through.objects.order_by("kpiset__code", "position__code").values_list(
            "kpiset__code", "position__code"
        )
    ]
    return rows


def cell_value(value, kind, *, for_csv=False):
    """A stored value as the spreadsheet holds it."""
    if value is None or value == "":
        return None if not for_csv else ""
    if kind == BOOL:
        return ("true" if value else "false") if for_csv else bool(value)
    if kind == DECIMAL:
        number = Decimal(value).normalize()
        text = format(number, "f")
        if for_csv:
            return text
        return int(number) if number == number.to_integral_value() else float(text)
    if kind == INT:
        return str(value) if for_csv else int(value)
    if kind == DATE:
        return value.isoformat() if isinstance(value, datetime.date) else str(value)
    return safe_text(str(value))


def _values(sheet, row, *, for_csv=False):
    return [cell_value(row.get(column.name), column.kind, for_csv=for_csv) for column in sheet.columns]


def _reproducible(data):
    """The same workbook bytes for the same cells: fixed timestamps inside the zip and in its properties."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in sorted(source.infolist(), key=lambda i: i.filename):
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>2000-01-01T00:00:00Z\2",
                                 content)  # fmt: skip
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, content)
    return out.getvalue()


def workbook_bytes(rows=None, sheets=None):
    """The organisation (or the named sheets) as one XLSX workbook, a sheet per kind."""
    rows = sheet_rows() if rows is None else rows
    workbook = Workbook(write_only=True)
    for sheet in SHEETS:
        if sheets and sheet.name not in sheets:
            continue
        worksheet = workbook.create_sheet(sheet.name)
        worksheet.append(sheet.column_names)
        for row in rows.get(sheet.name, []):
            worksheet.append(_values(sheet, row))
    workbook.properties.creator = "orgdesign"
    workbook.properties.created = workbook.properties.modified = datetime.datetime(2000, 1, 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _reproducible(buffer.getvalue())


def csv_bytes(name, rows=None):
    """One sheet as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese right)."""
    sheet = BY_NAME[name]
    rows = sheet_rows() if rows is None else rows
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(sheet.column_names)
    for row in rows.get(name, []):
        writer.writerow(_values(sheet, row, for_csv=True))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
