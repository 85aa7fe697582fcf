"""A process's RACI matrix as an XLSX workbook."""

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from orgdesign.spreadsheet import safe_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEGEND = "R = 负责 Responsible · A = 批准 Accountable · C = 咨询 Consulted · I = 知会 Informed"
FIXED = 3  # columns before the positions: order, step, step in English


def process_matrix_xlsx(process, matrix):
    """Row 1: the unit of each position; row 2: the headings and the positions; then one row per step; the legend."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = re.sub(r"[\[\]:*?/\\]", "-", process.code)[:31] or "RACI"
    positions = matrix["positions"]
    sheet.append(["", "单位 Unit", ""] + [safe_text(p["unit_name"]) for p in positions])
    sheet.append(["#", "步骤 Step", "Step"] + [safe_text(f"{p['title']} {p['title_en']}".strip()) for p in positions])
    for step in matrix["steps"]:
        sheet.append([step["order"], safe_text(step["name"]), safe_text(step["name_en"]), *step["roles"]])
    sheet.append([])
    sheet.append(["", safe_text(f"{process.name} {process.name_en}".strip())])
    sheet.append(["", LEGEND])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=3, max_row=2 + len(matrix["steps"]), min_col=FIXED + 1):
        for cell in row:
            cell.alignment = Alignment(horizontal="center")
    sheet.column_dimensions["B"].width = 24
    sheet.column_dimensions["C"].width = 30
    sheet.freeze_panes = sheet.cell(row=3, column=FIXED + 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
