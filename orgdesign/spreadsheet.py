"""What every file we exchange with a spreadsheet program shares: text that is never run as a formula, and
uploads read within bounds (rows, unpacked size, seconds), so a hostile file costs little wherever it is read."""

import io
import logging
import re
import time
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text):
    """Text a spreadsheet shows as written: a leading ' goes before anything that would start a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


# --- Reading an upload ----------------------------------------------------------------------------------------
# Every workbook is read through `BoundedWorkbook`: first its zip directory is checked (nothing unpacked), then
# each part is unpacked once and scanned for the shape openpyxl will build in memory, then openpyxl reads it in
# read-only mode, row by row. Limits that depend on the installation are settings (IMPORT_MAX_ROWS,
# IMPORT_MAX_UNPACKED_BYTES, IMPORT_MAX_SECONDS); those that follow from the file format are here.

MB = 1024 * 1024
MAX_PARTS = 1_000  # files inside the zip; a workbook of 13 sheets has 21
MAX_DIRECTORY = MB  # the zip's list of its files, read before any: 1,000 files take about 100 KB
MAX_RATIO = 100  # unpacked to packed size of one file: real sheets give 5 to 20, a zip bomb up to 1,000
RATIO_GRACE = MB  # smaller files may pack better (a sheet of empty rows)
MAX_PIECE = MB  # one row or shared text, and all a part holds around them (its settings, the styles)
SHARED_TEXTS_PER_ROW = 5  # distinct texts a workbook may hold per row allowed; an export has fewer than 4
MAX_COLUMNS = 100  # columns read of a sheet; the widest has 12
NESTED = (".zip", ".xlsx", ".xlsm", ".xlsb", ".xls", ".docx", ".pptx", ".jar", ".gz", ".bz2", ".xz", ".7z", ".rar")
CHUNK = MB

log = logging.getLogger(__name__)
clock = time.monotonic  # tests move it on


class SpreadsheetRefused(Exception):
    """A file not read: why, in words for the person who sent it, and where when it is one place."""

    def __init__(self, message, *, sheet="", row=None):
        super().__init__(message)
        self.message, self.sheet, self.row = message, sheet, row


def _not_a_workbook():
    return SpreadsheetRefused(
        _("This is not a readable .xlsx workbook: open it in Excel and save it again as an .xlsx workbook.")
    )


class ReadingBudget:
    """The rows and seconds one reading of an upload may take (IMPORT_MAX_ROWS, IMPORT_MAX_SECONDS)."""

    def __init__(self):
        self.rows, self.max_rows, self.seconds = 0, settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_SECONDS
        self.deadline = clock() + self.seconds

    def check_time(self, sheet="", row=None):
        if clock() > self.deadline:
            raise SpreadsheetRefused(
                _("Reading the file took longer than %(limit)s seconds; split it into smaller files.")
                % {"limit": self.seconds},
                sheet=sheet, row=row,
            )  # fmt: skip

    def too_many_rows(self, sheet="", row=None):
        return SpreadsheetRefused(
            _("The file has more than %(limit)s rows; split it into smaller files.") % {"limit": self.max_rows},
            sheet=sheet, row=row,
        )  # fmt: skip

    def count_row(self, sheet, row):
        self.rows += 1
        if self.rows > self.max_rows:
            raise self.too_many_rows(sheet, row)
        self.check_time(sheet, row)


class _TimedBytes(io.BytesIO):
    """The upload's bytes, which zipfile (and so openpyxl, part by part) reads only until the deadline."""

    def __init__(self, data, budget):
        super().__init__(data)
        self.budget = budget

    def read(self, size=-1):
        self.budget.check_time()
        return super().read(size)


def check_workbook_archive(data):
    """Refuse, from the zip's directory alone (nothing is unpacked), a file that is no workbook, holds odd or
    nested files, or would unpack too far or suspiciously well (a zip bomb)."""
    try:
        # zipfile's own reader of the zip's end record: the directory's size is the one zipfile would then read
        end = zipfile._EndRecData(io.BytesIO(data))  # noqa: SLF001
        too_many = bool(end) and end[zipfile._ECD_SIZE] > MAX_DIRECTORY  # noqa: SLF001
        infos = [] if not end or too_many else zipfile.ZipFile(io.BytesIO(data)).infolist()
    except Exception as error:  # noqa: BLE001 - however the directory is damaged, the sender is told the same
        log.info("upload refused, not a zip: %s", error)
        raise _not_a_workbook() from None
    if not end:
        raise _not_a_workbook()
    if too_many or len(infos) > MAX_PARTS:
        raise SpreadsheetRefused(
            _("The workbook is made of more than %(limit)s files; save it again in Excel as an .xlsx workbook.")
            % {"limit": MAX_PARTS}
        )
    names = set()
    for info in infos:
        name = info.filename
        if name in names or _odd(info):
            raise SpreadsheetRefused(
                _("The workbook holds a file Excel does not write (%(name)s); save it again in Excel as an .xlsx "
                  "workbook.") % {"name": name[:80]}
            )  # fmt: skip
        names.add(name)
        if name.lower().endswith(NESTED) or name.lower().startswith("xl/embeddings/"):
            raise SpreadsheetRefused(
                _("The workbook holds an embedded file (%(name)s); remove embedded objects and send it again.")
                % {"name": name[:80]}
            )
        if info.file_size > RATIO_GRACE and info.file_size > MAX_RATIO * info.compress_size:
            raise SpreadsheetRefused(
                _("The workbook holds a file that unpacks to more than %(ratio)s times its size (%(name)s), as a zip "
                  "bomb does; it is not read.") % {"ratio": MAX_RATIO, "name": name[:80]}
            )  # fmt: skip
    if sum(info.file_size for info in infos) > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise SpreadsheetRefused(
            _("The workbook unpacks to more than %(limit)s MB.") % {"limit": settings.IMPORT_MAX_UNPACKED_BYTES // MB}
        )
    if "[Content_Types].xml" not in names:
        raise _not_a_workbook()
    return infos


def _odd(info):
    name = info.filename
    return (
        name.startswith("/")
        or "\\" in name
        or "\x00" in name
        or ".." in name.split("/")
        or info.flag_bits & 0x1  # encrypted
        or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
    )


def _tag_pattern(tag):
    """Start tags (group 2 ends in / when empty) and end tags of `tag`, with any namespace prefix."""
    return re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?" + tag + rb"(?=[\s/>])([^<>]*)>")


ROW_TAGS, SHARED_TEXT_TAGS = _tag_pattern(b"row"), _tag_pattern(b"si")


def _is_xml(head):
    """Whether a part is XML the scan can read (UTF-8); pictures and other binary parts are never parsed."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or (b"<" in head[:4] and b"\x00" in head[:4]):
        raise _not_a_workbook()  # UTF-16, which the scan cannot see into and Excel does not write
    head = head[:64].removeprefix(b"\xef\xbb\xbf").lstrip()
    return not head or head[:1] == b"<"


def _count_pieces(archive, info, pattern):
    """How many pieces (rows, or shared texts) one part holds; refused when one of them, or all the part holds
    around them, is longer than MAX_PIECE, or when it declares entities (a DTD, which no workbook has).
    openpyxl holds a piece whole while it reads it, and all that is around the pieces, so this bounds its memory."""
    pieces, inside, around, mark, seen, base, carry, tail = 0, False, 0, 0, 0, 0, b"", b""

    def too_long():
        return SpreadsheetRefused(
            _("A row or another part of the workbook (%(name)s) is longer than %(limit)s MB; it is not read.")
            % {"name": info.filename[:80], "limit": MAX_PIECE // MB}
        )

    with archive.open(info) as member:
        chunk = member.read(CHUNK)
        if not _is_xml(chunk):
            return 0
        while chunk:
            window = tail + chunk
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                raise _not_a_workbook()
            buffer = carry + chunk
            for match in pattern.finditer(buffer):
                start, end = base + match.start(), base + match.end()
                if start < seen:
                    continue  # matched in the previous chunk's tail
                seen = end
                if match.group(1):  # an end tag closes the piece
                    if not inside:
                        raise _not_a_workbook()
                    if end - mark > MAX_PIECE:
                        raise too_long()
                    pieces, inside, mark = pieces + 1, False, end
                elif inside:
                    raise _not_a_workbook()  # a piece inside a piece
                else:
                    around += start - mark
                    if match.group(2).endswith(b"/"):
                        pieces, mark = pieces + 1, end
                    else:
                        inside, mark = True, start
            total = base + len(buffer)
            if (total - mark if inside else around + total - mark) > MAX_PIECE:
                raise too_long()
            keep = min(len(buffer), 4096, total - seen)  # a tag cut by the chunk's end is matched with the next
            base, carry, tail = total - keep, buffer[len(buffer) - keep :], chunk[-16:]
            chunk = member.read(CHUNK)
    return pieces


def _shared_strings_part(archive):
    """The part openpyxl reads as the shared texts, found as openpyxl finds it."""
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.xml.constants import SHARED_STRINGS
    from openpyxl.xml.functions import fromstring

    part = Manifest.from_tree(fromstring(archive.read("[Content_Types].xml"))).find(SHARED_STRINGS)
    return part.PartName[1:] if part is not None else None


def _scan(archive, budget):
    """Unpack each part once, without parsing it, and refuse what openpyxl would need too much memory for."""
    infos = {info.filename: info for info in archive.infolist()}
    _count_pieces(archive, infos["[Content_Types].xml"], ROW_TAGS)  # small enough to parse
    shared = _shared_strings_part(archive)
    rows = texts = 0
    for name, info in infos.items():
        if name == "[Content_Types].xml":
            continue
        if name == shared:
            texts += _count_pieces(archive, info, SHARED_TEXT_TAGS)
        else:
            rows += _count_pieces(archive, info, ROW_TAGS)
        if rows > budget.max_rows:
            raise budget.too_many_rows()
        if texts > SHARED_TEXTS_PER_ROW * budget.max_rows:
            raise SpreadsheetRefused(
                _("The workbook holds more than %(limit)s different texts; split it into smaller files.")
                % {"limit": SHARED_TEXTS_PER_ROW * budget.max_rows}
            )


class BoundedWorkbook:
    """An uploaded .xlsx workbook, read within bounds: its zip directory checked, its parts scanned, then opened
    by openpyxl in read-only mode and read row by row, each row counted and the clock checked.

    Formulas are read as formulas (not `data_only`), so a caller can refuse them instead of importing whatever
    value a program last stored with them. Use it in a `with` block: the workbook is closed on the way out.
    """

    def __init__(self, data):
        from openpyxl import load_workbook

        check_workbook_archive(data)
        self.budget = ReadingBudget()
        stream = _TimedBytes(data, self.budget)
        try:
            _scan(zipfile.ZipFile(stream), self.budget)
            self.workbook = load_workbook(stream, read_only=True, data_only=False, keep_links=False)
        except (SpreadsheetRefused, MemoryError):
            raise
        except Exception as error:  # noqa: BLE001 - openpyxl fails in many ways on a damaged file; all mean one thing
            log.info("upload refused, not a readable workbook: %r", error)
            raise _not_a_workbook() from None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.workbook.close()

    @property
    def worksheets(self):
        return self.workbook.worksheets

    def rows(self, worksheet):
        """(row number, cells of the first MAX_COLUMNS columns) for each row of a sheet, counted and timed."""
        sheet = worksheet.title.strip()
        worksheet.reset_dimensions()  # the rows the sheet holds, not as many as its stated size says
        number = 0
        try:
            for number, cells in enumerate(worksheet.iter_rows(max_col=MAX_COLUMNS), start=1):
                self.budget.count_row(sheet, number)
                yield number, cells
        except (SpreadsheetRefused, MemoryError):
            raise
        except Exception as error:  # noqa: BLE001 - openpyxl reads lazily: a damaged sheet fails here
            log.info("upload refused, sheet %r unreadable at row %s: %r", sheet, number + 1, error)
            raise SpreadsheetRefused(
                _("The sheet is damaged from this row on; open the file in Excel and save it again."),
                sheet=sheet, row=number + 1,
            ) from None  # fmt: skip
