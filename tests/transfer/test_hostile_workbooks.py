"""Damaged and hostile uploads: each is refused with a clear 400, quickly, and without unpacking what it need not.

The limits live in the reading code (orgdesign/spreadsheet.py, used by orgdesign/transfer/read.py), so they are
tested there, and through the page that receives uploads. (There is no import endpoint in the API.)
"""

import io
import os
import struct
import time
import tracemalloc
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from orgdesign import spreadsheet
from orgdesign.transfer.read import ImportRefused, read
from tests.transfer.test_import_export import workbook

MB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"
NS = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
UNREADABLE = "This is not a readable .xlsx workbook: open it in Excel and save it again as an .xlsx workbook."
DAMAGED = "The sheet is damaged from this row on; open the file in Excel and save it again."
UNITS = workbook(units=[["code", "name", "kind"], ["U1", "甲", "team"], ["U2", "乙", "team"]])


def rezip(data, replace=None, add=None, drop=()):
    """The workbook `data` with some of its files replaced, added or left out."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in drop:
                target.writestr(info.filename, (replace or {}).get(info.filename, source.read(info.filename)))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def part(data, name):
    return zipfile.ZipFile(io.BytesIO(data)).read(name)


def sheet_of(rows_xml):
    return NS + b"<sheetData>" + rows_xml + b"</sheetData></worksheet>"


def cells(number, *values):
    inline = b"".join(b'<c t="inlineStr"><is><t>%s</t></is></c>' % value for value in values)
    return b'<row r="%d">%s</row>' % (number, inline)


HEADER = cells(1, b"code", b"name", b"kind")


def refusal(data, filename="org.xlsx"):
    with pytest.raises(ImportRefused) as refused:
        read(data, filename)
    return refused.value.problems


# --- a zip bomb, made cheaply -----------------------------------------------------------------------------------


def repeated(prefix, block, copies, suffix):
    """(raw deflate stream, CRC-32, size) of prefix + block × copies + suffix. After a full flush deflate starts
    afresh, so every copy of the block packs to the same bytes: it is compressed once, then repeated."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    body = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = head + body * copies + compressor.compress(suffix) + compressor.flush()
    crc = zlib.crc32(prefix)
    for _ in range(copies):
        crc = zlib.crc32(block, crc)
    return stream, zlib.crc32(suffix, crc), len(prefix) + len(block) * copies + len(suffix)


def zip_of(members):
    """A zip written by hand from (name, raw deflate stream, CRC-32, size), so a member can be a zip bomb."""
    out, directory = io.BytesIO(), b""
    for name, stream, crc, size in members:
        name = name.encode()
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(stream), size, len(name), 0)
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(stream), size, len(name), 0, 0, 0, 0,
            0, out.tell(),
        ) + name  # fmt: skip
        out.write(header + name + stream)
    offset = out.tell()
    out.write(directory + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory),
                                      offset, 0))  # fmt: skip
    return out.getvalue()


def packed(name, content):
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return name, compressor.compress(content) + compressor.flush(), zlib.crc32(content), len(content)


@pytest.fixture(scope="module")
def bomb_parts():
    """The files of a real workbook of 2 MB whose units sheet unpacks to 490 MB of rows, as the file reported did."""
    source = zipfile.ZipFile(io.BytesIO(UNITS))
    row = cells(2, b"BOMB", b"x", b"team")
    block = row * (MB // len(row))
    parts = [packed(name, source.read(name)) for name in source.namelist() if name != SHEET]
    return [*parts, (SHEET, *repeated(NS + b"<sheetData>" + HEADER, block, 490, b"</sheetData></worksheet>"))]


@pytest.fixture(scope="module")
def zip_bomb(bomb_parts):
    return zip_of(bomb_parts)


def test_the_zip_bomb_is_refused_from_its_directory_before_anything_is_unpacked(zip_bomb, monkeypatch):
    unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(zip_bomb)).infolist())
    assert len(zip_bomb) < 3 * MB and unpacked > 490_000_000

    def unpacking(*args, **kwargs):
        raise AssertionError("a file of the zip was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", unpacking)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        problems = refusal(zip_bomb)
        seconds, peak = time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [p.message for p in problems] == [
        "The workbook holds a file that unpacks to more than 100 times its size (xl/worksheets/sheet1.xml), as a zip "
        "bomb does; it is not read."
    ]
    assert seconds < 1 and peak < 20 * MB, (seconds, peak)


def test_a_zip_bomb_whose_directory_understates_its_size_is_unpacked_only_that_far(bomb_parts):
    name, stream, crc, _size = bomb_parts[-1]
    tracemalloc.start()
    try:
        problems = refusal(zip_of([*bomb_parts[:-1], (name, stream, crc, 1000)]))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [p.message for p in problems] == [UNREADABLE] and peak < 20 * MB


def test_a_workbook_that_unpacks_too_far_is_refused_even_when_each_file_packs_plainly(settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = MB
    data = rezip(UNITS, add={"xl/media/image1.png": b"\x89PNG" + os.urandom(MB)})
    assert [p.message for p in refusal(data)] == ["The workbook unpacks to more than 1 MB."]


def test_a_zip_that_lists_a_great_many_files_is_refused_before_they_are_listed():
    entry = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0x21, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0)
    directory = b"".join(entry + b"%c" % (65 + n % 26) for n in range(50_000))
    data = directory + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(directory), 0, 0)
    started = time.perf_counter()
    assert [p.message for p in refusal(data)] == [
        "The workbook is made of more than 1000 files; save it again in Excel as an .xlsx workbook."
    ]
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    "name, message",
    [
        ("xl/embeddings/inner.xlsx", "The workbook holds an embedded file (xl/embeddings/inner.xlsx); remove "
                                     "embedded objects and send it again."),
        ("xl/../../etc/passwd", "The workbook holds a file Excel does not write (xl/../../etc/passwd); save it "
                                "again in Excel as an .xlsx workbook."),
    ],
)  # fmt: skip
def test_nested_and_odd_files_in_the_zip_are_refused(name, message):
    assert [p.message for p in refusal(rezip(UNITS, add={name: b"PK\x03\x04"}))] == [message]


def test_pictures_larger_than_a_row_may_be_is_read_as_ever():
    rows, problems = read(rezip(UNITS, add={"xl/media/image1.png": b"\x89PNG" + os.urandom(2 * MB)}), "org.xlsx")
    assert problems == [] and [row["code"] for row in rows["units"]] == ["U1", "U2"]


# --- damaged files --------------------------------------------------------------------------------------------

RANDOM = bytes(range(256)) * 16
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(b'<!ENTITY %c "%s">' % (98 + i, b"&%c;" % (97 + i) * 10) for i in range(8))
    + b"]>" + sheet_of(HEADER + b'<row r="2"><c t="inlineStr"><is><t>&i;</t></is></c></row>')
)  # fmt: skip
NO_WORKBOOK_PART = (
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/></Types>'
)
CUT_SHEET = part(UNITS, SHEET)[: part(UNITS, SHEET).index(b'<row r="3"') + 20]
DAMAGED_FILES = [
    pytest.param(rezip(UNITS, replace={"xl/workbook.xml": b"<workbook><sheets>"}), UNREADABLE, None,
                 id="bad XML in the workbook part"),
    pytest.param(rezip(UNITS, replace={SHEET: part(UNITS, SHEET).replace(b'<c r="A3"', b'<c r="A3" r="A3"')}),
                 DAMAGED, ("units", 3), id="bad XML in a sheet"),
    pytest.param(rezip(UNITS, replace={SHEET: CUT_SHEET}), DAMAGED, ("units", 3), id="a truncated sheet"),
    pytest.param(UNITS[: len(UNITS) // 2], UNREADABLE, None, id="a truncated file"),
    pytest.param(rezip(UNITS, drop=zipfile.ZipFile(io.BytesIO(UNITS)).namelist(),
                       add={"notes.txt": b"not a workbook"}), UNREADABLE, None, id="a zip that is not a workbook"),
    pytest.param(rezip(UNITS, replace={"[Content_Types].xml": NO_WORKBOOK_PART}), UNREADABLE, None,
                 id="a zip that names no workbook part"),
    pytest.param(rezip(UNITS, drop=["xl/workbook.xml"]), UNREADABLE, None, id="a workbook part missing"),
    pytest.param(rezip(UNITS, replace={SHEET: BILLION_LAUGHS}), UNREADABLE, None, id="entities in a sheet"),
    pytest.param(rezip(UNITS, replace={SHEET: part(UNITS, SHEET).decode().encode("utf-16")}), UNREADABLE, None,
                 id="a sheet in UTF-16"),
    pytest.param(rezip(UNITS, replace={SHEET: part(UNITS, SHEET).decode().encode("utf-16-be")}), UNREADABLE, None,
                 id="a sheet in UTF-16 without a byte-order mark"),
    pytest.param(b"PK" + RANDOM, UNREADABLE, None, id="random bytes that start like a zip"),
    pytest.param(b"\x00" + RANDOM, "This is not a spreadsheet: send an .xlsx workbook or a .csv file.", None,
                 id="random bytes named .xlsx"),
    pytest.param(b"", "The file is empty.", None, id="an empty file"),
]  # fmt: skip


@pytest.mark.parametrize("data, message, where", DAMAGED_FILES)
def test_a_damaged_file_is_refused_with_a_clear_message(data, message, where):
    problems = refusal(data)
    assert [p.message for p in problems] == [message]
    if where:
        assert (problems[0].sheet, problems[0].row) == where


def test_the_messages_are_translated():
    with translation.override("zh-hans"):
        assert [p.message for p in refusal(rezip(UNITS, replace={"xl/workbook.xml": b"<workbook>"}))] == [
            "无法读取此 .xlsx 工作簿:请在 Excel 中打开,并重新另存为 .xlsx 工作簿。"
        ]


@pytest.fixture
def hr(hr_user, settings, tmp_path):
    settings.IMPORT_FOLDER = tmp_path / "imports"
    settings.IMPORT_IN_BACKGROUND = False
    client = Client()
    client.force_login(hr_user)
    return client


def upload(client, data, name="org.xlsx"):
    return client.post(reverse("transfer-page"), {"file": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize("data, message, where", DAMAGED_FILES)
def test_a_damaged_file_is_refused_on_the_page(hr, data, message, where):
    response = upload(hr, data)
    assert response.status_code == 400 and escape(message) in response.content.decode()


def test_the_zip_bomb_is_refused_on_the_page_at_once(hr, zip_bomb):
    started = time.perf_counter()
    response = upload(hr, zip_bomb)
    assert response.status_code == 400 and "as a zip bomb does" in response.content.decode()
    assert time.perf_counter() - started < 2


# --- limits on what a readable file may make the reader do ----------------------------------------------------


def units_sheet(count, first=2):
    return sheet_of(HEADER + b"".join(cells(n, b"U%d" % n, b"x", b"team") for n in range(first, first + count)))


def test_too_many_rows_are_refused_before_openpyxl_reads_one(settings, hr):
    settings.IMPORT_MAX_ROWS = 50
    data = rezip(UNITS, replace={SHEET: units_sheet(100)})
    message = "The file has more than 50 rows; split it into smaller files."
    assert [p.message for p in refusal(data)] == [message]
    response = upload(hr, data)
    assert response.status_code == 400 and escape(message) in response.content.decode()


def test_rows_a_sheet_skips_count_too(settings):
    settings.IMPORT_MAX_ROWS = 50
    data = rezip(UNITS, replace={SHEET: sheet_of(HEADER + cells(1_000_000, b"U9", b"x", b"team"))})
    problems = refusal(data)
    assert [(p.sheet, p.row, p.message) for p in problems] == [
        ("units", 51, "The file has more than 50 rows; split it into smaller files.")
    ]


def test_a_csv_has_the_same_limit_on_rows(settings):
    settings.IMPORT_MAX_ROWS = 50
    data = ("code,name,kind\n" + "".join(f"U{n},x,team\n" for n in range(100))).encode()
    problems = refusal(data, "units.csv")
    assert [(p.sheet, p.message) for p in problems] == [
        ("units", "The file has more than 50 rows; split it into smaller files.")
    ]


def test_reading_stops_at_the_deadline_while_going_through_the_rows(settings, monkeypatch):
    settings.IMPORT_MAX_SECONDS = 1000
    ticks = iter(range(10**9))  # each look at the clock is a second later
    monkeypatch.setattr(spreadsheet, "clock", lambda: next(ticks))
    problems = refusal(rezip(UNITS, replace={SHEET: units_sheet(3000)}))
    assert [(p.sheet, p.message) for p in problems] == [
        ("units", "Reading the file took longer than 1000 seconds; split it into smaller files.")
    ]
    assert 2 < problems[0].row < 1000


@pytest.mark.parametrize(
    "sheet",
    [
        pytest.param(sheet_of(HEADER + cells(2, b"U1", b"x" * 30_000, b"team")), id="a long row"),
        pytest.param(sheet_of(HEADER + b"<x/>" * 6000 + cells(2, b"U1", b"x", b"team")), id="much between rows"),
        pytest.param(sheet_of(HEADER + b"<row><c/>" + b"<c/>" * 6000), id="a row that never ends"),
    ],
)
def test_a_piece_openpyxl_would_hold_whole_is_bounded(monkeypatch, sheet):
    monkeypatch.setattr(spreadsheet, "MAX_PIECE", 20_000)
    [problem] = refusal(rezip(UNITS, replace={SHEET: sheet}))
    assert problem.message.startswith("A row or another part of the workbook (xl/worksheets/sheet1.xml) is longer")


@pytest.mark.parametrize("chunk", [1, 5, 64])
def test_the_scan_finds_every_row_wherever_its_reads_cut_the_file(monkeypatch, chunk, settings):
    monkeypatch.setattr(spreadsheet, "CHUNK", chunk)
    settings.IMPORT_MAX_ROWS = 40
    rows, problems = read(rezip(UNITS, replace={SHEET: units_sheet(39)}), "org.xlsx")
    assert problems == [] and len(rows["units"]) == 39
    settings.IMPORT_MAX_ROWS = 39
    assert [p.message for p in refusal(rezip(UNITS, replace={SHEET: units_sheet(39)}))] == [
        "The file has more than 39 rows; split it into smaller files."
    ]


def shared_texts(texts, rows):
    content_types = part(UNITS, "[Content_Types].xml").replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )  # fmt: skip
    table = b"".join(b"<si><t>%s</t></si>" % text for text in texts)
    return rezip(
        UNITS, replace={"[Content_Types].xml": content_types, SHEET: sheet_of(rows)},
        add={"xl/sharedStrings.xml": NS.replace(b"worksheet", b"sst") + table + b"</sst>"},
    )  # fmt: skip


def test_shared_texts_are_read_and_bounded(settings):
    row = b'<row r="%d"><c t="s"><v>%d</v></c><c t="s"><v>%d</v></c><c t="s"><v>%d</v></c></row>'
    data = shared_texts([b"code", b"name", b"kind", b"U1", b"\xe7\x94\xb2", b"team"],
                        row % (1, 0, 1, 2) + row % (2, 3, 4, 5))  # fmt: skip
    rows, problems = read(data, "org.xlsx")
    assert problems == [] and rows["units"] == [{"_row": 2, "code": "U1", "name": "甲", "kind": "team"}]
    settings.IMPORT_MAX_ROWS = 10
    many = shared_texts([b"t%d" % n for n in range(51)], row % (1, 0, 1, 2))
    assert [p.message for p in refusal(many)] == [
        "The workbook holds more than 50 different texts; split it into smaller files."
    ]
