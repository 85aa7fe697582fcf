"""Position descriptions as Word documents (岗位说明书), laid out the way HR files them."""

import io
import re

from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from positions.choices import DutyCategory
from positions.selectors import description_snapshot, readable_description

FONT = "SimSun"  # 宋体: present wherever Chinese Word documents are read; Word substitutes otherwise
HEADING_FONT = "SimHei"  # 黑体
CATEGORY_LABELS = {
    DutyCategory.CORE: "核心职责 Core",
    DutyCategory.AUXILIARY: "辅助职责 Auxiliary",
    DutyCategory.TEMPORARY: "临时职责 Temporary",
}


_UNSET = object()


def latest_versions(position_ids):
    """{position id: its latest DescriptionVersion (with author and reviewer)}, in one query."""
    from django.db.models import OuterRef, Subquery

    from positions.models import DescriptionVersion

    latest = DescriptionVersion.objects.filter(position=OuterRef("position")).order_by("-number").values("number")[:1]
    versions = (
        DescriptionVersion.objects.filter(position_id__in=position_ids, number=Subquery(latest))
        .select_related("author", "reviewer")
        .defer("snapshot")
    )
    return {version.position_id: version for version in versions}


def position_document_data(position, *, holders=None, subordinates=(), version=_UNSET):
    """What one description in the document shows: the published snapshot plus who fills and signs it."""
    if version is _UNSET:
        version = position.versions.order_by("-number").select_related("author", "reviewer").first()
    latest = version
    description = readable_description(description_snapshot(position))
    description.update(
        department_name=position.department.name,
        reports_to_title=position.reports_to.title if position.reports_to_id else "",
        subordinate_titles=[p.title for p in subordinates],
        holder_names=None if holders is None else [f"{h.name}" for h in holders],
        version=latest,
    )
    return description


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _text(value):
    """Text Word can hold: the control characters XML forbids are dropped."""
    return _CONTROL.sub("", str(value))


def _font(run, name=FONT, size=None, bold=None, color=None):
    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    if color is not None:
        run.font.color.rgb = RGBColor.from_string(color)
    return run


def _paragraph(container, text="", *, size=10.5, bold=False, align=None, english=""):
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if text:
        _font(paragraph.add_run(_text(text)), size=size, bold=bold)
    if english:
        if text:
            paragraph.add_run().add_break()
        _font(paragraph.add_run(_text(english)), size=size - 1.5, color="555555")
    return paragraph


def _cell(cell, text, *, bold=False, english="", shade=False):
    cell.text = ""
    paragraph = cell.paragraphs[0]
    _font(paragraph.add_run(_text(text) if text not in (None, "") else "—"), size=10, bold=bold)
    if english:
        paragraph.add_run().add_break()
        _font(paragraph.add_run(_text(english)), size=8.5, color="555555")
    if shade:
        properties = cell._element.get_or_add_tcPr()
        fill = properties.makeelement(
            qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): "EDEFF3"}
        )
        properties.append(fill)


def _heading(document, text):
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(12)
    paragraph.paragraph_format.space_after = Pt(4)
    _font(paragraph.add_run(text), name=HEADING_FONT, size=12, bold=True)


def _table(document, rows, widths, header=None):
    table = document.add_table(rows=0, cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if header:
        cells = table.add_row().cells
        for cell, text in zip(cells, header, strict=True):
            _cell(cell, text, bold=True, shade=True)
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            if isinstance(value, dict):
                _cell(cell, value.get("text"), bold=value.get("bold", False), english=value.get("en", ""),
                      shade=value.get("shade", False))  # fmt: skip
            else:
                _cell(cell, value)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
    return table


def _duty_ref(duty):
    return f"{duty['number']}. {duty['title'] or duty['text'][:20]}" if duty else ""


def _label(zh, en):
    return {"text": zh, "en": en, "bold": True, "shade": True}


def _description(document, d):
    _paragraph(document, "岗位说明书", size=18, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, f"{d['title']}　{d['title_en']}".strip(), size=13, align=WD_ALIGN_PARAGRAPH.CENTER)

    _heading(document, "一、基本信息 Basic information")
    holders = d.get("holder_names")
    rows = [
        [_label("岗位名称", "Position"), {"text": d["title"], "en": d["title_en"]}, _label("岗位编号", "Code"),
         d["code"]],
        [_label("所属部门", "Unit"), d["department_name"], _label("岗位等级", "Grade"), d["grade"]],
        [_label("直接上级", "Reports to"), d["reports_to_title"], _label("编制人数", "Planned headcount"),
         d["headcount"]],
        [_label("直接下级", "Subordinates"), "、".join(d["subordinate_titles"]), _label("关键岗位", "Key position"),
         "是 Yes" if d["is_key"] else "否 No"],
    ]  # fmt: skip
    if holders is not None:
        rows.append([_label("在岗人员", "Holders"), "、".join(holders), _label("在岗人数", "Filled"), len(holders)])
    _table(document, rows, [3, 6, 3, 4])

    _heading(document, "二、岗位目的 Purpose")
    _paragraph(document, d["purpose"] or "—", english=d["purpose_en"])

    _heading(document, "三、岗位职责 Duties")
    duty_rows = []
    for group in d["duty_groups"]:
        for duty in group["duties"]:
            text = f"{duty['title']}：{duty['text']}" if duty["title"] else duty["text"]
            english = (
                f"{duty['title_en']}: {duty['text_en']}" if duty["title_en"] and duty["text_en"] else duty["text_en"]
            )
            duty_rows.append(
                [duty["number"], CATEGORY_LABELS.get(group["category"], group["label"]), {"text": text, "en": english}]
            )
    if duty_rows:
        _table(document, duty_rows, [1.2, 3, 11.8], header=["序号 No.", "类别 Category", "职责内容 Duty"])
    else:
        _paragraph(document, "—")

    _heading(document, "四、岗位权限 Authorities")
    if d["authorities"]:
        rows = [[n, {"text": a["text"], "en": a["text_en"]}] for n, a in enumerate(d["authorities"], start=1)]
        _table(document, rows, [1.2, 14.8], header=["序号 No.", "权限范围 Scope of decision"])
    else:
        _paragraph(document, "—")

    _heading(document, "五、工作标准 Work standards")
    if d["standards"]:
        rows = [
            [n, {"text": s["measure"], "en": s["measure_en"]}, s["target"], s["unit"], _duty_ref(s["duty_ref"])]
            for n, s in enumerate(d["standards"], start=1)
        ]
        _table(
            document,
            rows,
            [1.2, 7, 2.3, 2, 3.5],
            header=["序号 No.", "衡量指标 Measure", "目标 Target", "单位 Unit", "对应职责 Duty"],
        )
    else:
        _paragraph(document, "—")

    version = d.get("version")
    _heading(document, "六、审批 Approval")
    _table(
        document,
        [[
            _label("版本", "Version"), f"v{version.number}" if version else "—",
            _label("发布日期", "Published"), f"{timezone.localtime(version.published):%Y-%m-%d}" if version else "—",
        ], [
            _label("编制人", "Written by"), (version.author.get_username() if version and version.author else ""),
            _label("审核人", "Reviewed by"), (version.reviewer.get_username() if version and version.reviewer else ""),
        ]],
        [3, 5, 3, 5],
    )  # fmt: skip


def descriptions_docx(items, *, title=None):
    """One .docx holding each description in `items` (from `position_document_data`), a page each."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.2))
    section.top_margin = section.bottom_margin = Cm(2)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    document.core_properties.title = title or (items[0]["title"] if items else "")
    document.core_properties.subject = "岗位说明书 Position description"
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(footer.add_run(f"{title or ''} 岗位说明书 · {timezone.localdate():%Y-%m-%d}".strip()), size=8, color="777777")
    for index, item in enumerate(items):
        if index:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _description(document, item)
    if not items:
        _paragraph(document, "—")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
