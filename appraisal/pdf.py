"""One person's appraisal as a PDF (A4 portrait), from plain data so it needs no models."""

import functools
import io
import itertools
import re
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, KeepTogether, PageTemplate, Paragraph, Table, TableStyle
from reportlab.platypus.doctemplate import LayoutError

LATIN = "Helvetica"
CJK = "STSong-Light"  # Adobe's built-in Simplified Chinese font: readers supply it, nothing is embedded
pdfmetrics.registerFont(UnicodeCIDFont(CJK))

MARGIN = 16 * mm
FRAME_WIDTH = A4[0] - 2 * MARGIN
INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#616e7c")
RULE = colors.HexColor("#9aa5b1")
SHADE = colors.HexColor("#e4e9f0")
STRIPE = colors.HexColor("#f5f7fa")

# (key, share of the frame width, right-aligned): the lines table, in reading order. The shares are
# how the width left over, once every column holds its longest word, goes to the text columns
# (`GROWS`); the others are as wide as their values and the words of their heading need.
LINE_COLUMNS = (
    ("name", 16, False),
    ("dimension", 9, False),
    ("weight", 6, True),
    ("target", 8, False),
    ("self_actual", 8, False),
    ("actual", 8, False),
    ("self_score", 8.5, True),
    ("manager_score", 8.5, True),
    ("score", 7, True),
    ("comment", 21, False),
)
DIMENSION_COLUMNS = (("name", 60, False), ("weight", 20, True), ("score", 20, True))
DIMENSION_LABELS = {"name": "dimension", "weight": "weight", "score": "score"}
GROWS = frozenset({"name", "comment"})
CELL_PADDING = 10  # the left and right padding of a cell (`_grid`), and room for rounding
LONGEST_CHINESE_WORD = 28 * mm  # a run of Chinese narrower than this stays on one line (a heading, a name)


def _style(name, size, *, color=INK, leading=None, **options):
    """A paragraph style that wraps at spaces: English words stay whole, a run of Chinese breaks where it must."""
    return ParagraphStyle(
        name, fontName=LATIN, fontSize=size, leading=leading or size * 1.35, textColor=color, splitLongWords=1,
        **options,
    )  # fmt: skip


STYLES = {
    "title": _style("title", 17, leading=22, spaceAfter=2 * mm),
    "subtitle": _style("subtitle", 10, color=MUTED, spaceAfter=5 * mm),
    "heading": _style("heading", 11.5, spaceBefore=5 * mm, spaceAfter=2 * mm),
    "body": _style("body", 9.5, leading=14),
    "cell": _style("cell", 8),
    "cell_num": _style("cell_num", 8, alignment=TA_RIGHT),
    "head": _style("head", 7.5),
    "head_num": _style("head_num", 7.5, alignment=TA_RIGHT),
    "label": _style("label", 9, color=MUTED),
    "value": _style("value", 9.5),
    "margin": _style("margin", 7.5, color=MUTED),
}


_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


def _latin(char):
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _markup(value):
    """Plain text as paragraph markup: escaped, line breaks kept, Chinese (anything Helvetica lacks) in STSong."""
    text = _CONTROL.sub("", str(value or "").replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    parts = []
    for latin, run in itertools.groupby(text, key=_latin):
        escaped = escape("".join(run))
        parts.append(escaped if latin else f'<font face="{CJK}">{escaped}</font>')
    return "".join(parts).replace("\n", "<br/>")


def _text(value, style, width=FRAME_WIDTH):
    """A paragraph of `value` in `style`, broken into lines that fit `width` (`_wrapped`)."""
    return Paragraph(_markup(_wrapped(value, width, STYLES[style].fontSize)), STYLES[style])


# Chinese punctuation that does not begin a line: it stays with the character before it.
CLOSING = frozenset("，。、；：！？）》」』】〉”’…%")


def _atoms(line):
    """The pieces of a line that are never broken: English words (and numbers), spaces, single Chinese characters."""
    for latin, run in itertools.groupby(line, key=_latin):
        run = "".join(run)
        if latin:
            yield from (piece for piece in re.split(r"(\s+)", run) if piece)
        else:
            yield from run


def _wrapped(value, width, size):
    """`value` with line breaks where it must wrap to fit `width`: at spaces and between Chinese characters.

    An English word or a number is broken only when it is wider than the whole line; Chinese
    closing punctuation never starts a line. (ReportLab's own "CJK" wrapping breaks English words
    anywhere, and its ordinary wrapping cannot break a run of Chinese.)
    """
    width += 0.01  # what was measured to fit, fits
    lines = []
    for paragraph in _CONTROL.sub("", str(value or "").replace("\r\n", "\n").replace("\r", "\n")).split("\n"):
        line = ""
        for atom in _atoms(paragraph.replace("\t", " ")):
            if atom.isspace():
                line += atom if line else ""
                continue
            if _text_width(line + atom, size) <= width or not line.strip():
                line = line + atom
            elif atom in CLOSING and len(line.rstrip()) > 1 and not _latin(line.rstrip()[-1]):
                kept = line.rstrip()
                lines.append(kept[:-1])
                line = kept[-1] + atom
            else:
                lines.append(line.rstrip())
                line = atom
            while _text_width(line, size) > width and len(line) > 1:  # a word wider than the line: cut it
                cut = next(n for n in range(len(line) - 1, 0, -1) if _text_width(line[:n], size) <= width or n == 1)
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line.rstrip())
    return "\n".join(lines)


def _widths(columns):
    """Column widths in proportion to their shares, summing to the frame width exactly."""
    total = sum(share for _key, share, _right in columns)
    widths = [FRAME_WIDTH * share / total for _key, share, _right in columns[:-1]]
    return [*widths, FRAME_WIDTH - sum(widths)]


def _text_width(text, size):
    """How wide `text` is set in `size` points, Latin in Helvetica and Chinese in STSong (as `_markup` sets it)."""
    return sum(
        pdfmetrics.stringWidth("".join(run), LATIN if latin else CJK, size)
        for latin, run in itertools.groupby(text, key=_latin)
    )


def _least_width(text, size):
    """The narrowest a cell can be without breaking a word: its longest word between spaces.

    A word with Chinese in it may break once it is wider than `LONGEST_CHINESE_WORD`, between
    characters, never inside its English part.
    """
    widest = 0.0
    for word in str(text or "").split():
        width = _text_width(word, size)
        if not all(_latin(char) for char in word) and width > LONGEST_CHINESE_WORD:
            latin = [
                _text_width("".join(run), size) for is_latin, run in itertools.groupby(word, key=_latin) if is_latin
            ]
            width = max(LONGEST_CHINESE_WORD, *latin)
        widest = max(widest, width)
    return widest


def _full_width(text, size):
    """How wide a cell's longest line is, unwrapped."""
    return max((_text_width(line, size) for line in str(text or "").splitlines()), default=0.0)


def _fitted_widths(columns, header, body):
    """Column widths that keep words whole, summing to the frame width exactly.

    Every column first gets its longest word (heading and values); a column that does not grow
    (`GROWS`: numbers, targets, levels) is then as wide as its values unwrapped, its heading
    wrapping at spaces; what is left goes to the growing columns by their shares, none wider
    than its text needs until all are, the rest then by shares again. When even the longest
    words do not fit, the shares decide (`_widths`) and words break.
    """
    head_size, cell_size = STYLES["head"].fontSize, STYLES["cell"].fontSize
    least, full = [], []
    for index in range(len(columns)):
        texts = [row[index] for row in body]
        least.append(max(_least_width(header[index], head_size), *(_least_width(t, cell_size) for t in texts), 0.0)
                     + CELL_PADDING)  # fmt: skip
        full.append(max(_full_width(header[index], head_size), *(_full_width(t, cell_size) for t in texts), 0.0)
                    + CELL_PADDING)  # fmt: skip
    if sum(least) > FRAME_WIDTH:
        return _widths(columns)
    widths = list(least)
    for index, (key, _share, _right) in enumerate(columns):
        if key not in GROWS:
            values = max((_full_width(row[index], cell_size) for row in body), default=0.0) + CELL_PADDING
            widths[index] = max(least[index], min(values, full[index]))
    if sum(widths) > FRAME_WIDTH:
        widths = list(least)
    growing = [index for index, (key, _s, _r) in enumerate(columns) if key in GROWS] or list(range(len(columns)))
    left = FRAME_WIDTH - sum(widths)
    wanting = [index for index in growing if widths[index] < full[index]]
    while left > 1e-6 and wanting:
        shares = sum(columns[index][1] for index in wanting)
        given = 0.0
        for index in wanting:
            more = min(left * columns[index][1] / shares, full[index] - widths[index])
            widths[index] += more
            given += more
        left -= given
        wanting = [index for index in wanting if widths[index] < full[index] - 1e-6]
        if given <= 1e-6:
            break
    if left > 1e-6:
        shares = sum(columns[index][1] for index in growing)
        for index in growing:
            widths[index] += left * columns[index][1] / shares
    widths[-1] = FRAME_WIDTH - sum(widths[:-1])
    return widths


def _grid(rows, widths, *, header=True, split_in_row=False):
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0, splitInRow=int(split_in_row))
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        commands += [
            ("BACKGROUND", (0, 0), (-1, 0), SHADE),
            ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, STRIPE]),
        ]
    table.setStyle(TableStyle(commands))
    return table


def _columns_table(items, columns, labels, label_keys=None, *, split_in_row=False):
    header = [str(labels.get((label_keys or {}).get(key, key), key)) for key, _share, _right in columns]
    body = [[str(item.get(key) or "") for key, _share, _right in columns] for item in items]
    widths = _fitted_widths(columns, header, body)
    room = [width - CELL_PADDING for width in widths]
    aligned = [(width, right) for width, (_key, _share, right) in zip(room, columns, strict=True)]
    head_cells = [_text(text, "head_num" if right else "head", width)
                  for text, (width, right) in zip(header, aligned, strict=True)]  # fmt: skip
    body_cells = [
        [_text(text, "cell_num" if right else "cell", width) for text, (width, right) in zip(row, aligned, strict=True)]
        for row in body
    ]
    return _grid([head_cells, *body_cells], widths, split_in_row=split_in_row)


def _facts_table(facts):
    widths = [FRAME_WIDTH * 0.32, FRAME_WIDTH * 0.68]
    rows = [[_text(label, "label", widths[0] - CELL_PADDING), _text(value, "value", widths[1] - CELL_PADDING)]
            for label, value in facts]  # fmt: skip
    table = _grid(rows, widths, header=False)
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, -1), STRIPE)]))
    return table


class _NumberedCanvas(Canvas):
    """A canvas that holds its pages back until the end, so each footer can say "n / N"."""

    def __init__(self, *args, title="", footer="", **kwargs):
        super().__init__(*args, **kwargs)
        self._title, self._footer, self._pages = title, footer, []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._decorate(total)
            super().showPage()
        super().save()

    def _decorate(self, total):
        width, height = self._pagesize
        number = self.getPageNumber()
        self.saveState()
        self.setStrokeColor(RULE)
        self.setLineWidth(0.4)
        if number > 1:
            self._margin_text(self._title, MARGIN, height - MARGIN + 3.5 * mm)
            self.line(MARGIN, height - MARGIN + 2.5 * mm, width - MARGIN, height - MARGIN + 2.5 * mm)
        self.line(MARGIN, MARGIN - 3 * mm, width - MARGIN, MARGIN - 3 * mm)
        self._margin_text(self._footer, MARGIN, MARGIN - 7.5 * mm)
        self.setFont(LATIN, 7.5)
        self.setFillColor(MUTED)
        self.drawRightString(width - MARGIN, MARGIN - 7.5 * mm, f"{number} / {total}")
        self.restoreState()

    def _margin_text(self, text, x, y):
        """One line of running text with its baseline at `y`, leaving room for the page number."""
        paragraph = _text(text, "margin", FRAME_WIDTH - 20 * mm)
        paragraph.wrap(FRAME_WIDTH - 20 * mm, 10 * mm)
        paragraph.drawOn(self, x, y - paragraph.style.leading + paragraph.style.fontSize)


def appraisal_pdf(data):
    """The PDF of one appraisal with its whole breakdown, as bytes.

    `data` holds only text, already formatted and in the reader's language::

        {"title": str,                  # "2026-Q3 · 张三"
         "subtitle": str,               # position · unit · reviewer
         "labels": {key: str},          # headings "facts", "dimensions", "lines"; columns "dimension",
                                        # "weight", "score", and "name", "target", "self_actual", "actual",
                                        # "self_score", "manager_score", "comment" of the lines table
         "facts": [(label, value)],     # state, final score, band and why it moved, bonus, merit, ...
         "dimensions": [{"name", "weight", "score"}],
         "lines": [{"name", "dimension", "weight", "target", "self_actual", "actual",
                    "self_score", "manager_score", "score", "comment"}],
         "sections": [(heading, text)], # comments, feedback, calibration, objection, appeal; empty ones are left out
         "footer": str}                 # "Printed 2026-12-03 14:00 · orgdesign"

    A missing label shows its key; a missing value shows nothing.
    """
    try:
        return _render(data, split_in_row=False)
    except LayoutError:  # a line taller than a page: its row runs on over pages (the header may then show twice)
        return _render(data, split_in_row=True)


def _render(data, *, split_in_row):
    buffer = io.BytesIO()
    frame = Frame(
        MARGIN, MARGIN, FRAME_WIDTH, A4[1] - 2 * MARGIN, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0
    )
    document = BaseDocTemplate(
        buffer,
        pagesize=A4,
        pageTemplates=[PageTemplate("page", frames=[frame])],
        title=data.get("title", ""),
        subject=data.get("subtitle", ""),
        creator="orgdesign",
    )
    canvas = functools.partial(_NumberedCanvas, title=data.get("title", ""), footer=data.get("footer", ""))
    document.build(_story(data, split_in_row=split_in_row), canvasmaker=canvas)
    return buffer.getvalue()


def _story(data, *, split_in_row):
    labels = data.get("labels", {})
    story = [_text(data.get("title"), "title"), _text(data.get("subtitle"), "subtitle")]
    if data.get("facts"):
        story += [_text(labels.get("facts", "facts"), "heading"), _facts_table(data["facts"])]
    if data.get("dimensions"):
        story += [
            _text(labels.get("dimensions", "dimensions"), "heading"),
            _columns_table(data["dimensions"], DIMENSION_COLUMNS, labels, DIMENSION_LABELS),
        ]
    if data.get("lines"):
        story += [
            _text(labels.get("lines", "lines"), "heading"),
            _columns_table(data["lines"], LINE_COLUMNS, labels, split_in_row=split_in_row),
        ]
    for heading, text in data.get("sections", ()):
        if text:
            story.append(KeepTogether([_text(heading, "heading"), _text(text, "body")]))
    return story
