"""Sheets as boxes, and the one place they become an .xlsx file (xlsxwriter).

A form builder places *boxes* — one cell or a merged range, with a value, a style name,
a number format, a fill and a comment — on a :class:`Layout`. :func:`render` turns the
layouts into a workbook. Keeping the layout apart from openpyxl keeps the forms readable,
lets row heights be computed from the text before anything is written, and would let
another writer (xlsxwriter) take over without touching the forms.

xlsxwriter is imported only inside :func:`render`: ``perfscore --help`` and ``perfscore
score`` never pay its start-up.

Why xlsxwriter: writing is what ``export`` and ``batch --export`` spend their time on, and
xlsxwriter in memory writes a seed-size styled workbook about 5x faster than openpyxl's
write-only mode and 9x faster than its normal mode (docs/performance.md, reference measurements; measured
again in benchmarks/batch.py). It writes everything the forms need: merged ranges, comments,
internal links, print titles, hidden sheets, quote prefixes. Formats are made once per
combination and reused.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable

from indicators.xlsx.cells import column_letter

from .atomic import WriteError

__all__ = ["Box", "Layout", "render", "excel_number", "number_format", "text_units", "FORMULA_STARTS",
           "SCORE", "MONEY", "RATE", "FILL_DIFFERS", "FILL_JUDGMENT", "WriteError", "cut_texts", "CELL_TEXT_LIMIT"]

#: Number formats (the issue: ``0.00`` scores, ``0.00%`` rates, thousands separators for money).
SCORE = "0.00"
MONEY = "#,##0.00"
RATE = "0.00%"

#: Fills: a recorded score that differs from the computed one; a line that needs judgment.
FILL_DIFFERS = "FFF2CC"
FILL_JUDGMENT = "FCE4D6"

#: A cell whose text begins with one of these is a formula when typed into Excel/WPS.
FORMULA_STARTS = ("=", "+", "-", "@")

FONT_NAME = "宋体"



def excel_number(value: Decimal) -> int | float | str:
    """A Decimal as the number a cell stores, converted at the very last step.

    Whole numbers become ``int``. Others become ``float`` only when they have at most
    15 significant digits: such a float prints back (openpyxl writes ``%.16g``) and reads
    back (calamine, Excel) as the same decimal, and the cell's number format shows it
    exactly. A longer Decimal is written as its text, so no digit is ever lost.
    """
    if value == value.to_integral_value() and abs(value) < 10 ** 15:
        return int(value)
    if len(value.as_tuple().digits) <= 15:
        return float(value)
    return f"{value:f}"


def number_format(base: str, value: Decimal | None) -> str:
    """``base`` (``0.00``, ``#,##0.00``) with as many decimals as ``value`` has, at least two.

    A recorded 9.666 shows as 9.666, never as a rounded 9.67 that is not what was written.
    """
    if value is None or "." not in base:
        return base
    places = max(-value.as_tuple().exponent, 2) if value.as_tuple().exponent < 0 else 2
    head, _, tail = base.partition(".")
    suffix = tail.lstrip("0")
    return f"{head}.{'0' * places}{suffix}"


def text_units(text: str) -> float:
    """Width of ``text`` in Excel column units: a CJK character is about two, other characters one."""
    return sum(2.0 if ord(ch) > 0x2E80 else 1.1 for ch in text)


@dataclass
class Box:
    """One cell, or a merged range r1..r2 × c1..c2 (1-based), and how it looks."""

    r1: int
    c1: int
    r2: int
    c2: int
    value: Any = None
    style: str = "center"
    fmt: str | None = None
    fill: str | None = None
    comment: str | None = None
    link: str | None = None
    size: float = 11


#: Style name → (bold, size, horizontal alignment, border, wrap).
STYLES: dict[str, tuple[bool, float, str, bool, bool]] = {
    "title": (True, 16, "center", False, True),
    "subtitle": (False, 11, "center", False, True),
    "note": (False, 10, "left", False, True),
    "head": (True, 11, "center", True, True),
    "center": (False, 11, "center", True, True),
    "text": (False, 11, "left", True, True),
    "number": (False, 11, "right", True, False),
    "plain": (False, 11, "general", False, False),
}


@dataclass
class Layout:
    """One sheet being laid out: its boxes, column widths and page settings."""

    title: str
    widths: list[float]
    boxes: list[Box] = field(default_factory=list)
    #: first row below the frozen rows (1-based), or None
    freeze_row: int | None = None
    #: rows repeated at the top of every printed page, e.g. (1, 2)
    print_rows: tuple[int, int] | None = None
    hidden: bool = False
    landscape: bool = True
    fit_heights: bool = True
    min_height: float = 18.0

    def box(self, r1: int, c1: int, value: Any = None, *, r2: int | None = None, c2: int | None = None,
            style: str = "center", fmt: str | None = None, fill: str | None = None, comment: str | None = None,
            link: str | None = None, size: float | None = None) -> Box:
        """Place ``value`` in the box r1..r2 × c1..c2 (merged when larger than one cell)."""
        placed = Box(r1, c1, r1 if r2 is None else r2, c1 if c2 is None else c2, value, style, fmt, fill, comment,
                     link, STYLES[style][1] if size is None else size)
        self.boxes.append(placed)
        return placed

    @property
    def last_row(self) -> int:
        return max((b.r2 for b in self.boxes), default=0)

    def heights(self) -> dict[int, float]:
        """Each row's height in points, from the wrapped text it holds.

        Excel and WPS do not grow a row for a merged cell's wrapped text, so the height is
        computed here: the lines the text needs in its box's width, shared over its rows.
        """
        need: dict[int, float] = {}
        for b in self.boxes:
            if b.value is None or isinstance(b.value, (int, float)):
                continue
            width = sum(self.widths[c - 1] for c in range(b.c1, b.c2 + 1))
            text = str(b.value)
            lines = sum(max(1, math.ceil(text_units(part) * b.size / 11 / max(width - 1.2, 1)))
                        for part in text.split("\n"))
            height = lines * b.size * 1.35 + 5
            per_row = height / (b.r2 - b.r1 + 1)
            for r in range(b.r1, b.r2 + 1):
                need[r] = max(need.get(r, self.min_height), per_row)
        return {r: round(h, 1) for r, h in need.items()}


#: Characters XML 1.0 cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE): refused with the cell named.
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]").search


class _Formats:
    """Each combination of style, number format, fill and quote prefix made once per workbook."""

    def __init__(self, workbook: Any) -> None:
        self._workbook = workbook
        self._cache: dict[tuple, Any] = {}

    def get(self, style: str, fmt: str | None, fill: str | None, quote: bool, size: float) -> Any:
        key = (style, fmt, fill, quote, size)
        found = self._cache.get(key)
        if found is None:
            bold, _, horizontal, border, wrap = STYLES[style]
            spec: dict[str, Any] = {"font_name": FONT_NAME, "font_size": size, "bold": bold, "valign": "vcenter",
                                    "text_wrap": wrap}
            if horizontal != "general":
                spec["align"] = horizontal
            if border:
                spec["border"] = 1
            if fmt:
                spec["num_format"] = fmt
            if fill:
                spec["pattern"], spec["bg_color"] = 1, f"#{fill}"
            if quote:
                # Shown and edited as text in Excel/WPS: typing into it never turns it into a formula.
                spec["quote_prefix"] = True
            found = self._cache[key] = self._workbook.add_format(spec)
        return found


#: The most characters an Excel cell holds; longer text is cut when written (and said so, :func:`cut_texts`).
CELL_TEXT_LIMIT = 32767


def cut_texts(layouts: Iterable[Layout]) -> list[str]:
    """Where a text is longer than an Excel cell holds, one Chinese sentence each (sheet and cell)."""
    found = []
    for layout in layouts:
        for box in layout.boxes:
            if isinstance(box.value, str) and len(box.value) > CELL_TEXT_LIMIT:
                found.append(f"工作表“{layout.title}”{column_letter(box.c1 - 1)}{box.r1} 的文字有 {len(box.value):,} 字，"
                             f"超过 Excel 单元格 {CELL_TEXT_LIMIT:,} 字的上限，只写入了前 {CELL_TEXT_LIMIT:,} 字")
    return found


def _write(sheet: Any, formats: _Formats, title: str, box: Box) -> None:
    value = box.value
    quote = isinstance(value, str) and value.startswith(FORMULA_STARTS)
    cell_format = formats.get(box.style, box.fmt, box.fill, quote, box.size)
    row, col = box.r1 - 1, box.c1 - 1
    if isinstance(value, str):
        if _ILLEGAL(value):
            raise WriteError(f"工作表“{title}”{column_letter(box.c1 - 1)}{box.r1} 的内容含有 Excel 不允许的控制字符，无法写入")
        value = value[:CELL_TEXT_LIMIT]  # cut_texts says where
    merged = box.r2 > box.r1 or box.c2 > box.c1
    if merged:
        # merge_range writes the value and frames every covered cell, so the box prints whole.
        sheet.merge_range(row, col, box.r2 - 1, box.c2 - 1, "", cell_format)
    if box.link and value is not None:
        sheet.write_url(row, col, f"internal:{box.link}", cell_format, string=str(value))
    elif isinstance(value, str):
        # Never write(): it would read "=…" as a formula and "#N/A" as an error. Text is text.
        sheet.write_string(row, col, value, cell_format)
    elif value is None:
        sheet.write_blank(row, col, None, cell_format)
    else:
        sheet.write_number(row, col, value, cell_format)
    if box.comment:  # an empty 得分 (a line needing judgment) carries its comment too
        lines = 1 + len(box.comment) // 22
        sheet.write_comment(row, col, box.comment, {"author": "perfscore", "x_scale": 2.1,
                                                     "y_scale": max(1.0, lines * 0.45)})


def render(layouts: Iterable[Layout], target: Any) -> None:
    """Write the layouts, in order, as the sheets of one workbook to ``target`` (a path or binary file).

    Raises:
        WriteError: a value Excel cannot hold (control characters) — with the sheet and cell.
    """
    import xlsxwriter

    # in_memory: no temporary files of xlsxwriter's own (the caller already writes atomically).
    workbook = xlsxwriter.Workbook(target, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
    workbook.set_properties({"author": "perfscore"})
    formats = _Formats(workbook)
    try:
        for layout in layouts:
            sheet = workbook.add_worksheet(layout.title)
            for i, width in enumerate(layout.widths):
                sheet.set_column(i, i, width)
            if layout.fit_heights:
                for r, height in layout.heights().items():
                    sheet.set_row(r - 1, height)
            if layout.freeze_row:
                sheet.freeze_panes(layout.freeze_row - 1, 0)
            if layout.print_rows:
                sheet.repeat_rows(layout.print_rows[0] - 1, layout.print_rows[1] - 1)
            if layout.hidden:
                sheet.hide()
            sheet.set_paper(9)  # A4
            if layout.landscape:
                sheet.set_landscape()
            else:
                sheet.set_portrait()
            sheet.fit_to_pages(1, 0)
            sheet.center_horizontally()
            sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
            for box in layout.boxes:
                _write(sheet, formats, layout.title, box)
    finally:
        try:
            workbook.close()
        except Exception as exc:  # xlsxwriter reports a failed save as its own exception types
            if isinstance(exc, OSError):
                raise
            raise WriteError(f"无法写出工作簿：{exc}") from None
