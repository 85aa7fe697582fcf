"""The PDF of one appraisal: Chinese and English text, a lines table over several pages."""

import re
import shutil
import subprocess

import pytest

from appraisal.pdf import FRAME_WIDTH, LINE_COLUMNS, _widths, appraisal_pdf

LABELS = {
    "facts": "结果 Result",
    "dimensions": "维度 Dimensions",
    "lines": "指标明细 Indicators",
    "dimension": "维度",
    "name": "指标 Indicator",
    "weight": "权重",
    "target": "目标",
    "self_actual": "自评实际",
    "actual": "实际",
    "self_score": "自评分",
    "manager_score": "上级评分",
    "score": "得分",
    "comment": "说明 Comment",
}
HEADER_LABELS = ("指标 Indicator", "自评实际", "上级评分", "说明 Comment")


def sample(lines=40):
    """An appraisal as the caller would hand it over: every value already a string."""
    dimensions = [("业绩 Results", "60%"), ("能力 Ability", "25%"), ("态度 Attitude", "15%")]
    return {
        "title": "2026-Q3 · 张三",
        "subtitle": "品牌专员 Brand specialist · 市场部 · 评审人 李四",
        "labels": LABELS,
        "facts": [
            ("状态 State", "已完成 Closed"),
            ("最终得分 Final score", "86.40"),
            ("等级 Band", "A(校准由 B 调整:部门强制分布 Moved from B in calibration)"),
            ("奖金系数 Bonus coefficient", "1.20"),
            ("调薪 Merit increase", "5.0%"),
            ("反馈日期 Feedback date", "2026-10-12"),
            ("申诉结果 Appeal outcome", "维持 Upheld"),
        ],
        "dimensions": [{"name": name, "weight": weight, "score": "85.00"} for name, weight in dimensions],
        "lines": [
            {
                "name": f"销售目标达成率 Sales target attainment {n}",
                "dimension": dimensions[n % 3][0],
                "weight": "2.5%",
                "target": "≥ 100%",
                "self_actual": "103%",
                "actual": "101.5%",
                "self_score": "95",
                "manager_score": "90",
                "score": "90.00",
                "comment": "季度内完成华东区域三个新渠道的签约,the third one after a long negotiation. " * (1 + n % 3),
            }
            for n in range(lines)
        ],
        "sections": [
            ("自评 Self-assessment", "本季度重点推进新品上市。\nLaunched two products on time."),
            ("上级评语 Manager's comment", "Strong quarter; 需要加强跨部门沟通 <and> keep the pace & focus."),
            ("校准说明 Calibration note", ""),
            ("申诉理由 Appeal grounds", "渠道数据延迟导致实际值偏低。"),
        ],
        "footer": "打印于 Printed 2026-12-03 14:00 · orgdesign",
    }


def test_the_lines_table_fills_the_frame_exactly():
    assert sum(_widths(LINE_COLUMNS)) == pytest.approx(FRAME_WIDTH, abs=1e-9)


def test_an_appraisal_renders_over_several_pages_with_chinese_text(tmp_path):
    pdf = appraisal_pdf(sample())
    assert pdf.startswith(b"%PDF")
    if not (shutil.which("pdfinfo") and shutil.which("pdftotext")):
        pytest.skip("poppler-utils (pdfinfo, pdftotext) are not installed")
    path = tmp_path / "appraisal.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages > 1
    assert "pts (A4)" in info and "595.276 x 841.89" in info, "A4 portrait"
    text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout
    page_texts = text.split("\f")[:pages]
    assert "最终得分" in page_texts[0]
    for number, page in enumerate(page_texts, start=1):
        assert "张三" in page and re.search(rf"\b{number} ?/ ?{pages}\s*$", page), number
    with_lines = [page for page in page_texts if "销售目标达成率" in page]
    assert len(with_lines) > 1
    for page in with_lines:
        assert all(page.count(label) == 1 for label in HEADER_LABELS), "the table header repeats on every page, once"
    assert "<and> keep the pace & focus" in text, "markup characters are shown as written"
    assert "校准说明" not in text, "an empty section is left out"


def test_a_comment_longer_than_a_page_runs_on_instead_of_failing():
    data = sample(lines=3)
    data["lines"][1]["comment"] = "很长的说明 a long comment. " * 800 + "\r\nend\x00\x0b\t."
    assert appraisal_pdf(data).startswith(b"%PDF")
