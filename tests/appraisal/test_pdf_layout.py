"""The PDF's tables keep words whole: columns as wide as their longest word, text columns given the rest."""

import shutil
import subprocess

import pytest

from appraisal.pdf import FRAME_WIDTH, LINE_COLUMNS, _fitted_widths, _wrapped, appraisal_pdf

LABELS = {
    "facts": "Result", "dimensions": "Dimensions", "lines": "Indicators", "dimension": "Dimension",
    "weight": "Weight", "score": "Score", "name": "Indicator", "target": "Target", "self_actual": "Employee's actual",
    "actual": "Actual scored", "self_score": "Self score", "manager_score": "Manager score", "comment": "Comments",
}  # fmt: skip
LINES = [
    ("销售目标达成率 · Sales target attainment", "results (业绩)", "70%", "100 %", "112.5", "108.5", "", "", "108.50",
     "Employee: Exceeded in Q3 thanks to the trade fair\nManager: Confirmed with CRM: 108.5, not 112.5"),
    ("货款回收率 · Receivables collection rate", "results (业绩)", "30%", "95 %", "90", "90", "", "", "94.74",
     "Employee: 两家经销商延迟付款,the distributors paid late"),
    ("沟通协调能力 · Communication and coordination", "ability (能力)", "50%", "levels 1–5", "", "", "3", "3", "75.00",
     ""),
    ("责任心 · Sense of responsibility", "attitude (态度)", "50%", "levels 1–5", "", "", "5", "5", "100.00", ""),
]  # fmt: skip
KEYS = [key for key, _share, _right in LINE_COLUMNS]


def data():
    return {
        "title": "2026-Q3 · 刘五", "subtitle": "销售代表 · 销售部 · Reviewer: 赵五", "labels": LABELS,
        "facts": [("Final score", "97.3")],
        "dimensions": [{"name": "results (业绩)", "weight": "60%", "score": "104.02"}],
        "lines": [dict(zip(KEYS, line, strict=True)) for line in LINES], "sections": [], "footer": "Printed",
    }  # fmt: skip


def test_every_column_holds_its_longest_word_and_the_table_fills_the_frame():
    header = [LABELS[key] for key in KEYS]
    body = [list(line) for line in LINES]
    widths = _fitted_widths(LINE_COLUMNS, header, body)
    assert sum(widths) == pytest.approx(FRAME_WIDTH, abs=1e-6)
    by_key = dict(zip(KEYS, widths, strict=True))
    assert by_key["comment"] > by_key["score"] and by_key["name"] > by_key["weight"], "text columns get the room"
    for index, key in enumerate(KEYS):
        for text, size in [(header[index], 7.5), *((row[index], 8) for row in body)]:
            lines = _wrapped(text, widths[index] - 10, size).split("\n")
            for word in text.split():
                if word.isascii():
                    assert any(word in line for line in lines), (key, word, lines)


def test_chinese_wraps_between_characters_and_keeps_english_words_whole():
    text = "季度内完成华东区域三个新渠道的签约,the third one after a long negotiation。"
    lines = _wrapped(text, 60, 8).split("\n")
    assert len(lines) > 2 and "".join(lines).replace(" ", "") == text.replace(" ", "")
    for word in ("third", "after", "negotiation"):
        assert any(word in line for line in lines), lines
    assert not any(line.startswith("。") for line in lines), "closing punctuation stays with its character"


def test_the_pdf_prints_the_headings_and_names_whole():
    pdf = appraisal_pdf(data())
    assert pdf.startswith(b"%PDF")
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) is not installed")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    words = set(text.split())
    for word in ("Weight", "Employee's", "Receivables", "Communication", "responsibility", "coordination"):
        assert word in words, word
