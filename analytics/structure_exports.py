"""The structure analyses as XLSX workbooks, a sheet per table, headed in Chinese and English."""

import io

from openpyxl import Workbook

from orgdesign.spreadsheet import safe_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

POSITION_COLUMNS = [
    ("code", "岗位编码 Position code"),
    ("title", "岗位 Position"),
    ("unit_name", "单位 Unit"),
]
MANAGER_COLUMNS = [
    *POSITION_COLUMNS,
    ("grade", "职级 Grade"),
    ("layer", "层级 Layer"),
    ("span", "直接下属岗位 Direct-report positions"),
    ("span_filled", "直接下属在岗人数 Filled seats of direct reports"),
    ("band", "管理幅度区间 Span band"),
]
COMPRESSION_COLUMNS = [
    *POSITION_COLUMNS,
    ("grade", "职级 Grade"),
    ("superior_code", "上级岗位编码 Superior's code"),
    ("superior_title", "上级岗位 Superior"),
]
BAND_COLUMNS = [("band", "管理幅度 Span"), ("managers", "管理者 Managers"), ("share", "占比 Share")]
LAYER_COLUMNS = [("layer", "层级 Layer"), ("positions", "岗位数 Positions")]
SUMMARY_ROWS = [
    ("positions", "岗位数 Positions"),
    ("layers", "层级数 Layers"),
    ("managers", "管理者 Managers"),
    ("mean_span", "平均管理幅度(岗位) Mean span (positions)"),
    ("median_span", "管理幅度中位数(岗位) Median span (positions)"),
    ("mean_span_filled", "平均管理幅度(在岗) Mean span (filled seats)"),
    ("median_span_filled", "管理幅度中位数(在岗) Median span (filled seats)"),
    ("single_report_managers", "仅一名下属的管理者 Managers with a single report"),
    ("grade_compression", "与上级同职级的岗位 Positions graded as their superior"),
]
SEAT_COLUMNS = [("planned", "编制 Planned"), ("filled", "在岗 Filled"), ("vacant", "空缺 Vacant")]
VACANCY_COLUMNS = [*POSITION_COLUMNS, *SEAT_COLUMNS]
UNIT_HEADINGS = [
    "单位编码 Unit code", "单位 Unit", "层级 Level",
    "本单位编制 Own planned", "本单位在岗 Own filled", "本单位空缺 Own vacant",
    "含下级编制 Planned with units below", "含下级在岗 Filled with units below", "含下级空缺 Vacant with units below",
]  # fmt: skip


def _cell(value):
    if value is None:
        return ""
    return safe_text(value) if isinstance(value, str) else value


def _sheet(workbook, title, columns, rows):
    sheet = workbook.create_sheet(title)
    sheet.append([label for _key, label in columns])
    for row in rows:
        sheet.append([_cell(row[key]) for key, _label in columns])
    sheet.freeze_panes = "A2"


def _summary(workbook, scope, figures, labels):
    sheet = workbook.active
    sheet.title = "Summary"
    sheet.append(["范围 Scope", _cell(scope)])
    for key, label in labels:
        sheet.append([label, _cell(figures[key])])


def _bytes(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def spans_and_layers_xlsx(result, scope):
    """Sheets: Summary, Layers, Managers, Bands, Single report, Grade compression."""
    workbook = Workbook()
    _summary(workbook, scope, result["summary"], SUMMARY_ROWS)
    _sheet(workbook, "Layers", LAYER_COLUMNS, result["layers"])
    _sheet(workbook, "Managers", MANAGER_COLUMNS, result["managers"])
    _sheet(workbook, "Bands", BAND_COLUMNS, result["bands"])
    _sheet(workbook, "Single report", MANAGER_COLUMNS, result["single_report"])
    _sheet(workbook, "Grade compression", COMPRESSION_COLUMNS, result["grade_compression"])
    return _bytes(workbook)


def headcount_xlsx(result, scope):
    """Sheets: Summary (totals), Units (each unit's own seats and rolled up), Vacancies."""
    workbook = Workbook()
    _summary(workbook, scope, result["totals"], SEAT_COLUMNS)
    units = workbook.create_sheet("Units")
    units.append(UNIT_HEADINGS)
    for unit in result["units"]:
        units.append([_cell(unit["code"]), _cell(unit["name"]), unit["level"]]
                     + [unit["own"][key] for key, _label in SEAT_COLUMNS]
                     + [unit["rolled_up"][key] for key, _label in SEAT_COLUMNS])  # fmt: skip
    units.freeze_panes = "A2"
    _sheet(workbook, "Vacancies", VACANCY_COLUMNS, result["vacancies"])
    return _bytes(workbook)
