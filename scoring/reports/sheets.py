"""Sheets as boxes, and the one place they become an .xlsx file (openpyxl, write-only mode).

A form builder places *boxes* — one cell or a merged range, with a value, a style name,
a number format, a fill and a comment — on a :class:`Layout`. :func:`render` turns the
layouts into a workbook. Keeping the layout apart from openpyxl keeps the forms readable,
lets row heights be computed from the text before anything is written, and would let
another writer (xlsxwriter) take over without touching the forms.

openpyxl is imported only inside :func:`render`: ``perfscore --help`` and ``perfscore
score`` never pay its start-up (≈ 126 ms, shared/reference/io-speed.md).

Why write-only mode: it streams rows and skips openpyxl's per-cell bookkeeping; styles are
built once per combination and copied onto cells (a normal openpyxl write spends most of its
time setting styles cell by cell). See docs/export.md for the measured times.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable

__all__ = ["Box", "Layout", "render", "excel_number", "number_format", "text_units", "FORMULA_STARTS",
           "SCORE", "MONEY", "RATE", "FILL_DIFFERS", "FILL_JUDGMENT", "WriteError"]

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

# Bound on first use by render(), so that importing this module does not import openpyxl.
StyleArray: Any = None
_ILLEGAL: Any = None


class WriteError(Exception):
    """A workbook cannot be written; the message is Chinese and says why."""


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


class _Styles:
    """Each combination of style, number format, fill and quote prefix built once per workbook."""

    def __init__(self, workbook: Any) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self._workbook = workbook
        self._cache: dict[tuple, Any] = {}
        thin = Side(style="thin", color="000000")
        self._box = Border(left=thin, right=thin, top=thin, bottom=thin)
        self._Alignment, self._Font, self._PatternFill = Alignment, Font, PatternFill

    def array(self, sheet: Any, style: str, fmt: str | None, fill: str | None, quote: bool) -> Any:
        """The StyleArray for this combination (copied onto each cell: cheap, no lookups)."""
        key = (style, fmt, fill, quote)
        found = self._cache.get(key)
        if found is None:
            from openpyxl.cell import WriteOnlyCell

            bold, size, horizontal, border, wrap = STYLES[style]
            cell = WriteOnlyCell(sheet)
            cell.font = self._Font(name=FONT_NAME, size=size, bold=bold)
            cell.alignment = self._Alignment(horizontal=horizontal, vertical="center", wrap_text=wrap)
            if border:
                cell.border = self._box
            if fmt:
                cell.number_format = fmt
            if fill:
                cell.fill = self._PatternFill("solid", start_color=fill, end_color=fill)
            if quote:
                # Shown and edited as text in Excel/WPS: typing into it never turns it into a formula.
                cell.quotePrefix = True
            found = self._cache[key] = cell._style
        return found


def _cell(sheet: Any, styles: _Styles, box: Box, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    quote = isinstance(value, str) and value.startswith(FORMULA_STARTS)
    cell = WriteOnlyCell(sheet)
    if value is not None:
        if isinstance(value, str):
            # Set directly, never through ``cell.value``: openpyxl would make "=…" a formula and "#N/A"
            # an error value. A text is always written as text.
            if _ILLEGAL(value):
                from openpyxl.utils.exceptions import IllegalCharacterError

                raise IllegalCharacterError(value)
            cell._value, cell.data_type = value[:32767], "s"
        else:
            cell._value, cell.data_type = value, "n"
    cell._style = StyleArray(styles.array(sheet, box.style, box.fmt, box.fill, quote))
    if box.comment:  # an empty 得分 (a line needing judgment) carries its comment too
        from openpyxl.comments import Comment

        comment = Comment(box.comment, "perfscore")
        comment.width, comment.height = 320, max(80, 18 * (1 + len(box.comment) // 22))
        cell.comment = comment
    if box.link and value is not None:
        from openpyxl.worksheet.hyperlink import Hyperlink

        cell.hyperlink = Hyperlink(ref="", location=box.link, display=str(value))
    return cell


def render(layouts: Iterable[Layout], target: Any) -> None:
    """Write the layouts, in order, as the sheets of one workbook to ``target`` (a path or binary file).

    Raises:
        WriteError: a value Excel cannot hold (control characters) — with the sheet and cell.
    """
    global StyleArray, _ILLEGAL
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.exceptions import IllegalCharacterError

    _ILLEGAL = ILLEGAL_CHARACTERS_RE.search

    workbook = Workbook(write_only=True)
    workbook.properties.creator = "perfscore"
    styles = _Styles(workbook)
    for layout in layouts:
        sheet = workbook.create_sheet(layout.title)
        for i, width in enumerate(layout.widths, 1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        if layout.fit_heights:
            for r, height in layout.heights().items():
                sheet.row_dimensions[r].height = height
        if layout.freeze_row:
            sheet.freeze_panes = f"A{layout.freeze_row}"
        if layout.print_rows:
            sheet.print_title_rows = f"{layout.print_rows[0]}:{layout.print_rows[1]}"
        if layout.hidden:
            sheet.sheet_state = "hidden"
        setup = sheet.page_setup
        setup.paperSize = 9  # A4
        setup.orientation = "landscape" if layout.landscape else "portrait"
        setup.fitToWidth, setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_options.horizontalCentered = True
        sheet.page_margins.left = sheet.page_margins.right = 0.4
        sheet.page_margins.top = sheet.page_margins.bottom = 0.5

        rows: dict[int, dict[int, Any]] = {}
        width = len(layout.widths)
        for box in layout.boxes:
            value = box.value
            try:
                rows.setdefault(box.r1, {})[box.c1] = _cell(sheet, styles, box, value)
            except IllegalCharacterError:
                ref = f"{get_column_letter(box.c1)}{box.r1}"
                raise WriteError(f"工作表“{layout.title}”{ref} 的内容含有 Excel 不允许的控制字符，无法写入") from None
            if box.r2 > box.r1 or box.c2 > box.c1:
                sheet.merged_cells.add(f"{get_column_letter(box.c1)}{box.r1}:{get_column_letter(box.c2)}{box.r2}")
                # Covered cells carry the border too, or the merged box prints with gaps in its frame.
                for r in range(box.r1, box.r2 + 1):
                    for c in range(box.c1, box.c2 + 1):
                        if (r, c) != (box.r1, box.c1):
                            rows.setdefault(r, {})[c] = _cell(sheet, styles, Box(r, c, r, c, None, box.style,
                                                                                 box.fmt, box.fill), None)
            width = max(width, box.c2)
        for r in range(1, max(rows, default=0) + 1):
            found = rows.get(r, {})
            sheet.append([found.get(c) for c in range(1, width + 1)])
    try:
        workbook.save(target)
    except IllegalCharacterError as exc:  # pragma: no cover - caught per cell above
        raise WriteError(f"内容含有 Excel 不允许的控制字符，无法写入：{exc}") from None
