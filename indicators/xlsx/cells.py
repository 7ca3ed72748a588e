"""The fast cell reader, and what it must not lose.

python-calamine reads values and merged ranges about 20× faster than openpyxl's
read-only mode (docs/performance.md, reference measurements: 0.47 ms against 8.5 ms a seed-size
workbook) but turns an error cell (``#DIV/0!``) and a formula with no cached value
into an empty string and exposes no number formats or hidden columns. Those are
recovered here by one scan over each sheet's XML bytes, looking only for the few
attributes that matter (``t="e"``, ``<f>``, percent styles, ``hidden="1"``), so a
percentage stored as 0.9532 is read as 95.32% and an error is reported, never
read as an empty cell.
"""

from __future__ import annotations

import html
import posixpath
import re
import struct
import zipfile
import zlib
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from math import isfinite
from operator import itemgetter
from pathlib import Path
from typing import Any

from ..numbers import D
from ..problems import PerfscoreError

__all__ = ["Cell", "SheetGrid", "WorkbookError", "read_workbook", "coordinate", "column_letter",
           "MAX_UNCOMPRESSED_BYTES", "MAX_CELLS", "MAX_GRID_SLOTS", "MAX_SHEETS", "MAX_PARTS", "MAX_CELL_FORMATS",
           "MAX_MERGED_CELLS", "MAX_MERGED_RANGES", "zip_entries", "count_cells", "sheet_parts"]

#: A workbook whose parts unpack to more than this is refused (a zip bomb must not exhaust memory). The
#: bytes are counted while inflating, so a zip directory that understates a part's size changes nothing.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
#: A workbook storing more cells than this (``<c>`` elements of all its sheets) is refused; exactly this
#: many are read. The web page's ``--max-cells`` counts the same way (:func:`count_cells`).
MAX_CELLS = 2_000_000
#: The grids built from one workbook hold at most this many slots (a row, and each column up to a row's
#: last value, of every sheet): a few far-apart cells (A1 and XFD1048576) must not make a huge grid.
MAX_GRID_SLOTS = 12_000_000
#: A workbook with more worksheets than this is refused.
MAX_SHEETS = 1_000
#: Excel's own limit of cell formats (cellXfs) in a workbook; a styles.xml listing more was not written by it.
MAX_CELL_FORMATS = 65_490
#: A zip holding more parts than this is refused before its directory is read (a part costs zipfile
#: an object; an .xlsx has a few dozen, a thousand sheets with drawings a few thousand).
MAX_PARTS = 10_000
#: A sheet whose used area (rows × columns up to its last stored cell) is at most this is read by
#: python-calamine, which allocates that area; a larger, sparse one is read cell by cell (:func:`_sparse`).
_DENSE_AREA = 2_000_000
#: The last row and column a sheet can have (Excel's XFD1048576).
_LAST_ROW, _LAST_COL = 1_048_576, 16_384

_PERCENT_BUILTIN = {9, 10}
_COL_TAG = re.compile(rb"<col\s([^<>]*+)>")
_ROW_TAG = re.compile(rb"<row\s([^<>]*+)>")
_HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')
_MIN_MAX = re.compile(rb'\b(min|max|r)="(\d+)"')
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


#: What reading a damaged part raises: the zip layer, inflating, or parsing its XML.
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, NotImplementedError)


class WorkbookError(PerfscoreError, ValueError):
    """The file cannot be read as a workbook; the message is Chinese and says what to do."""


@dataclass(slots=True)
class Cell:
    """One cell value as perfscore reads it: text, a Decimal, or None when empty.

    ``row``/``col`` (0-based) are those of the cell that holds the value — the top-left
    cell of a merged range — which is what a source points to (:attr:`origin`).
    ``merged`` marks a cell covered by a merged range. Not frozen: a sheet creates one
    per filled cell and frozen dataclasses are several times slower to build.
    """

    value: str | Decimal | None
    row: int
    col: int
    merged: bool = False

    @property
    def origin(self) -> str:
        """The holding cell's coordinate, ``'B7'``."""
        return coordinate(self.row, self.col)

    @property
    def text(self) -> str:
        """The value as text ('' when empty); Decimals in plain notation."""
        if self.value is None:
            return ""
        if isinstance(self.value, Decimal):
            return f"{self.value:f}"
        return self.value


#: One distinct non-empty cell of a row: (column, value, holding row, holding column).
Span = tuple[int, "str | Decimal", int, int]


@dataclass
class SheetGrid:
    """A sheet's values as a grid (0-based), merged ranges filled, plus what calamine drops.

    ``values`` holds text, a Decimal or ``None`` per cell; every cell a merged range covers
    holds the range's value, and ``covered`` maps those cells (row → column → holding cell)
    to the range's top-left cell. :class:`Cell` objects are made only for the cells a reader
    asks for: an object per cell of every sheet was most of the cost of reading a workbook.
    """

    name: str
    values: list[list[str | Decimal | None]]
    #: row → column → holding (top-left) cell, for the cells a merged range covers
    covered: dict[int, dict[int, tuple[int, int]]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # coordinate → error text or a note
    hidden_columns: set[int] = field(default_factory=set)  # 0-based
    hidden_rows: set[int] = field(default_factory=set)  # 0-based
    #: per-row results the locator asks for many times (header words, table starts)
    memo: dict[int, object] = field(default_factory=dict, repr=False)
    _spans: dict[int, list[Span]] = field(default_factory=dict, repr=False)
    _distinct: dict[int, list[tuple[int, Cell]]] = field(default_factory=dict, repr=False)

    @property
    def height(self) -> int:
        return len(self.values)

    @property
    def width(self) -> int:
        return max((len(row) for row in self.values), default=0)

    def value(self, row: int, col: int) -> str | Decimal | None:
        """The value shown at (row, col), a merged range's value in every cell it covers."""
        if 0 <= row < len(self.values):
            values = self.values[row]
            if 0 <= col < len(values):
                return values[col]
        return None

    def is_covered(self, row: int, col: int) -> bool:
        """A merged range covers (row, col) and holds its value elsewhere."""
        covered = self.covered.get(row)
        return covered is not None and col in covered

    def cell(self, row: int, col: int) -> Cell:
        """The cell at (row, col), pointing at its holding cell when a merged range covers it."""
        value = self.value(row, col)
        if value is None:
            return Cell(None, row, col)
        covered = self.covered.get(row)
        holder = covered.get(col) if covered is not None else None
        if holder is not None:
            return Cell(value, holder[0], holder[1], merged=True)
        return Cell(value, row, col)

    def spans(self, row: int) -> list[Span]:
        """Non-empty cells of a row as (column, value, holding row, holding column), each merged
        value once (at its leftmost column in the row)."""
        found = self._spans.get(row)
        if found is not None:
            return found
        found = []
        if 0 <= row < len(self.values):
            values = self.values[row]
            covered = self.covered.get(row)
            if covered is None:
                found = [(col, value, row, col) for col, value in enumerate(values) if value is not None]
            else:
                # A merged range is listed once: at its holding cell when that is in this row, else
                # at its leftmost column here. Only the covered cells are looked at one by one.
                found = [(col, value, row, col) for col, value in enumerate(values)
                         if value is not None and col not in covered]
                below = [(col, values[col], top, left) for col, (top, left) in covered.items()
                         if col == left and top != row]
                if below:
                    found.extend(below)
                    found.sort(key=itemgetter(0))  # columns are distinct: values never compared
        self._spans[row] = found
        return found

    def distinct(self, row: int) -> list[tuple[int, Cell]]:
        """:meth:`spans` as cells (``merged`` when the value is held in another cell)."""
        found = self._distinct.get(row)
        if found is None:
            found = [(col, Cell(value, r, c, (r, c) != (row, col))) for col, value, r, c in self.spans(row)]
            self._distinct[row] = found
        return found


@lru_cache(maxsize=None)
def column_letter(col: int) -> str:
    """0 → 'A', 25 → 'Z', 26 → 'AA'."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@lru_cache(maxsize=65536)
def coordinate(row: int, col: int) -> str:
    """(0, 0) → 'A1'."""
    return f"{column_letter(col)}{row + 1}"


def _split_coordinate(ref: str) -> tuple[int, int]:
    match = re.match(r"([A-Z]+)(\d+)$", ref)
    if not match:
        raise ValueError(ref)
    col = 0
    for char in match.group(1):
        col = col * 26 + ord(char) - 64
    return int(match.group(2)) - 1, col - 1


# The few tags styles.xml, workbook.xml and its relationships are read for, found by byte search
# rather than by building element trees (parsing styles.xml alone cost about a floor per workbook).
# A prefix (``<x:numFmt``) is allowed; nothing is expanded, so no entity can grow.
_ATTRIBUTE = re.compile(rb'(?<![\w:.-])([\w:.-]++)\s*+=\s*+(?:"([^"]*+)"|\'([^\']*+)\')')
_NUMFMT = re.compile(rb"<(?:[\w.-]+:)?numFmt\b([^<>]*+)>")
_CELLXFS = re.compile(rb"<(?:[\w.-]+:)?cellXfs\b[^<>]*+(?<=/)>|<(?:[\w.-]+:)?cellXfs\b[^<>]*+>"
                      rb"((?:[^<]|<(?!/?(?:[\w.-]+:)?cellXfs[\s/>]))*+)</(?:[\w.-]+:)?cellXfs\s*>")
_XF = re.compile(rb"<(?:[\w.-]+:)?xf\b([^<>]*+)>")
_SHEET = re.compile(rb"<(?:[\w.-]+:)?sheet\b([^<>]*+)>")
_RELATIONSHIP = re.compile(rb"<(?:[\w.-]+:)?Relationship\b([^<>]*+)>")


def _checked_xml(xml: bytes) -> bytes:
    """A package part read by byte search: it must look like XML and declare no DTD or entity (an
    Office file never does; a hostile one may, to grow in a real parser). Raises ValueError otherwise."""
    start = xml.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start != b"<" or b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        raise ValueError("not well-formed or declares entities")
    return xml


def _attributes(text: bytes) -> dict[str, str]:
    """A tag's attributes by local name (``r:id`` → ``id``), XML escapes undone."""
    found: dict[str, str] = {}
    for name, double, single in _ATTRIBUTE.findall(text):
        value = (double if double or not single else single).decode("utf-8", "replace")
        found[name.decode("ascii", "replace").rsplit(":", 1)[-1]] = html.unescape(value)
    return found


def _percent_styles(archive: zipfile.ZipFile, handle: Any, verified: set[str] | None = None) -> set[int]:
    """Indexes of cell styles (``s="N"``) whose number format shows a percentage."""
    try:
        xml = _checked_xml(_member(handle, archive, "xl/styles.xml", verified))
    except KeyError:
        return set()
    custom: dict[int, str] = {}
    for attributes in _NUMFMT.findall(xml):
        found = _attributes(attributes)
        custom[int(found.get("numFmtId", "0"))] = found.get("formatCode", "")
    percent: set[int] = set()
    section = _CELLXFS.search(xml)
    if section is None or section.group(1) is None:
        return percent
    listed = section.group(1)
    if listed.count(b"<xf") + listed.count(b":xf") > MAX_CELL_FORMATS:  # counted before a list is made
        count = sum(1 for _ in _XF.finditer(listed))
        if count > MAX_CELL_FORMATS:
            raise WorkbookError(f"样式表（xl/styles.xml）有 {count:,} 种单元格格式，超过 Excel 的上限 "
                                f"{MAX_CELL_FORMATS:,} 种，文件已损坏或被改动：请在 Excel/WPS 中打开并另存为 .xlsx 后再试")
    formats = _XF.findall(listed)
    if len(formats) > MAX_CELL_FORMATS:
        raise WorkbookError(f"样式表（xl/styles.xml）有 {len(formats):,} 种单元格格式，超过 Excel 的上限 "
                            f"{MAX_CELL_FORMATS:,} 种，文件已损坏或被改动：请在 Excel/WPS 中打开并另存为 .xlsx 后再试")
    for index, attributes in enumerate(formats):
        fmt_id = int(_attributes(attributes).get("numFmtId", "0"))
        code = re.sub(r'"[^"]*"|\\.', "", custom.get(fmt_id, ""))  # a quoted "%" is literal text
        if fmt_id in _PERCENT_BUILTIN or "%" in code:
            percent.add(index)
    return percent


def _sheet_parts(archive: zipfile.ZipFile, handle: Any, verified: set[str] | None = None) -> dict[str, str]:
    """Sheet name → path of its XML part inside the archive, as workbook.xml and its relationships say
    (a sheet may be stored anywhere in the package, not only under ``xl/worksheets/``)."""
    workbook = _checked_xml(_member(handle, archive, "xl/workbook.xml", verified))
    rels = _checked_xml(_member(handle, archive, "xl/_rels/workbook.xml.rels", verified))
    return _parts_of(workbook, rels)


def _parts_of(workbook: bytes, rels: bytes) -> dict[str, str]:
    # counted before anything is built for them: a few MB of tags must not become millions of dicts
    sheets = sum(1 for _ in _SHEET.finditer(workbook))
    if sheets > MAX_SHEETS:
        raise WorkbookError(f"工作簿有 {sheets:,} 个工作表，超过 {MAX_SHEETS:,} 个的上限，拒绝读取")
    relationships = sum(1 for _ in _RELATIONSHIP.finditer(rels))
    if relationships > MAX_PARTS:
        raise WorkbookError(f"工作簿目录（xl/_rels/workbook.xml.rels）有 {relationships:,} 项，超过 {MAX_PARTS:,} 项的上限，"
                            f"文件已损坏或被改动，拒绝读取")
    targets = {found.get("Id"): found.get("Target", "")
               for found in map(_attributes, _RELATIONSHIP.findall(rels))}
    parts: dict[str, str] = {}
    for sheet in map(_attributes, _SHEET.findall(workbook)):
        target = targets.get(sheet.get("id"), "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        parts[sheet.get("name", "")] = path
    return parts


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part in ``archive`` (what :func:`read_workbook` reads), for a front end's counting.

    Raises:
        KeyError, ValueError, zipfile.BadZipFile, zlib.error: no workbook, or a damaged one.
    """
    workbook = _checked_xml(_bounded_read(archive, "xl/workbook.xml"))
    rels = _checked_xml(_bounded_read(archive, "xl/_rels/workbook.xml.rels"))
    return _parts_of(workbook, rels)


def _bounded_read(archive: zipfile.ZipFile, name: str) -> bytes:
    """A member's bytes through zipfile, which never returns more than the directory says."""
    info = archive.getinfo(name)
    if info.file_size > MAX_UNCOMPRESSED_BYTES:
        raise ValueError("part too large")
    with archive.open(info) as part:
        return part.read(info.file_size + 1)


# A cell element of SpreadsheetML (<c r="A1" …>, <c/>, or with a namespace prefix <x:c …>); not <col>,
# <cfRule>. What a workbook "stores": counted the same way by the reader and by a front end.
_CELL_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")


def count_cells(xml: bytes, start: int = 0, end: int | None = None) -> int:
    """The cells a sheet's XML (or ``xml[start:end]``) stores: ``<c>`` elements, with or without a value."""
    return _count_tags(xml, start, len(xml) if end is None else end)[0]


_TAGS = re.compile(rb"<(c|row)[\s/>]")


def _count_tags(xml: bytes, start: int, end: int) -> tuple[int, int]:
    """(cells, rows) begun in ``xml[start:end]``: one scan when no tag there has a namespace prefix."""
    if xml.find(b":c", start, end) < 0 and xml.find(b":row", start, end) < 0:
        tags = _TAGS.findall(xml, start, end)
        rows = tags.count(b"row")
        return len(tags) - rows, rows
    return len(_CELL_START.findall(xml, start, end)), len(_ROW_START.findall(xml, start, end))


def _pieces(xml: bytes, size: int = 1 << 22) -> list[tuple[int, int]]:
    """``xml`` as (start, end) pieces of about ``size`` bytes, each cut just before a ``<``: a tag is
    never split, and a scan of one piece at a time keeps what it finds small."""
    found, start = [], 0
    while start < len(xml):
        end = len(xml) if len(xml) - start <= size else xml.find(b"<", start + size)
        end = len(xml) if end < 0 else end
        found.append((start, end))
        start = end
    return found


@dataclass
class _SheetExtras:
    errors: dict[str, str] = field(default_factory=dict)
    percent_cells: set[str] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    hidden_rows: set[int] = field(default_factory=set)


@lru_cache(maxsize=64)
def _percent_cell_pattern(styles: frozenset[int]) -> re.Pattern[bytes]:
    """A cell tag whose style is one of ``styles``; group 1 holds its attributes."""
    alternatives = b"|".join(str(style).encode() for style in sorted(styles))
    return re.compile(rb'<c\s((?:[^<>s]|s(?!="))*+(?<=\s)s="(?:' + alternatives + rb')"[^<>]*+)>')


_STYLED_CELL = re.compile(rb'<c\s((?:[^<>s]|s(?!="))*+(?<=\s)s="(\d+)"[^<>]*+)>')
# Patterns over a sheet's bytes never scan past a tag's end (``[^<>]``) and never give back what they took
# (possessive ``*+``): a crafted sheet (a million ``<c`` without ``>``, cells never closed) stays linear.
_ERROR_CELL = re.compile(rb'<c\s((?:[^<>t]|t(?!="e"))*+(?<=\s)t="e"[^<>]*+)>'
                         rb'(?:(?<!/>)((?:[^<]|<(?!/?c[\s/>]))*+))?')
_REF = re.compile(rb'\br="([A-Z]+\d+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")


def _scan_sheet(xml: bytes, percent_styles: set[int]) -> _SheetExtras:
    """Errors, formulas with no cached value, percent cells and hidden columns/rows in a sheet's XML.

    Each is looked for by itself, by regular expressions and byte searches that run in C; Python
    only sees the cells that have one (a look at every cell tag cost more than calamine's reading).
    """
    extras = _SheetExtras()
    if len(percent_styles) > 32:  # too many for one pattern of alternatives: every styled cell looked at
        wanted = {str(style).encode() for style in percent_styles}
        for match in _STYLED_CELL.finditer(xml):
            if match.group(2) in wanted:
                ref = _REF.search(match.group(1))
                if ref:
                    extras.percent_cells.add(ref.group(1).decode())
    elif percent_styles:
        for match in _percent_cell_pattern(frozenset(percent_styles)).finditer(xml):
            ref = _REF.search(match.group(1))
            if ref:
                extras.percent_cells.add(ref.group(1).decode())
    if b't="e"' in xml:
        for match in _ERROR_CELL.finditer(xml):
            ref = _REF.search(match.group(1))
            if ref:
                value = _VALUE.search(match.group(2) or b"")
                extras.errors[ref.group(1).decode()] = value.group(1).decode() if value else "#错误"
    position = xml.find(b"<f")
    if position >= 0:
        starts = [match.start() for match in _CELL_OPEN.finditer(xml)]
        seen: set[int] = set()
        while position >= 0:
            _formula_without_value(xml, position, extras, starts, seen)
            position = xml.find(b"<f", position + 2)
    if b"hidden" in xml:
        spans: set[tuple[int, int]] = set()
        for match in _COL_TAG.finditer(xml):
            if _HIDDEN.search(match.group(1)):
                bounds = {k: int(v) for k, v in _MIN_MAX.findall(match.group(1))}
                if b"min" in bounds and b"max" in bounds:
                    spans.add((max(bounds[b"min"] - 1, 0), min(bounds[b"max"], _LAST_COL)))
        # each distinct span once: a million repeated <col hidden> tags must not cost a million ranges
        reach = 0
        for low, high in sorted(spans):
            if high > reach:
                extras.hidden_columns.update(range(max(low, reach), high))
                reach = high
        for match in _ROW_TAG.finditer(xml):
            if _HIDDEN.search(match.group(1)):
                row = dict(_MIN_MAX.findall(match.group(1))).get(b"r")
                if row:
                    extras.hidden_rows.add(int(row) - 1)
    return extras


_CELL_OPEN = re.compile(rb"<c[ \t\r\n]")


def _formula_without_value(xml: bytes, position: int, extras: _SheetExtras, starts: list[int],
                           seen: set[int]) -> None:
    """Note the cell around the ``<f`` at ``position`` when its formula has no cached value.

    An ``<f`` outside a cell (``<formula>`` of conditional formatting or data validation) is not one.
    ``starts`` are the positions of the sheet's cell tags (the one before ``position`` holds it, found
    by bisection: never a walk back over ``<col>`` tags); a cell is looked at once (``seen``), and its
    end only up to the next cell, so no crafted sheet makes this quadratic.
    """
    if xml[position + 2:position + 3] not in (b" ", b">", b"/", b"\t", b"\r", b"\n"):
        return  # <formula>, <font>, …
    index = bisect_right(starts, position) - 1
    if index < 0 or starts[index] in seen:
        return
    start = starts[index]
    seen.add(start)
    tag_end = xml.find(b">", start, position)
    if tag_end < 0 or xml[tag_end - 1:tag_end] == b"/":
        return
    limit = starts[index + 1] if index + 1 < len(starts) else len(xml)
    end = xml.find(b"</c>", tag_end, limit)
    if end < position:
        return
    attrs, body = xml[start + 3:tag_end], xml[tag_end + 1:end]
    ref = _REF.search(attrs)
    if ref is None or b't="e"' in attrs:
        return
    value = _VALUE.search(body)
    if (value is None or value.group(1) == b"") and b"<is>" not in body:
        extras.errors[ref.group(1).decode()] = "公式没有计算结果"


def _convert(value: Any, percent: bool) -> str | Decimal | None:
    """A calamine value → text or Decimal, exactly (floats through repr, never arithmetic)."""
    if value is None or value == "":
        return None
    if type(value) is float and not isfinite(value):
        return repr(value)  # not a number a form can hold: kept as text, so a number field reports it
    if type(value) is float and not percent:  # the common number: no isinstance chain
        return Decimal(int(value)) if value.is_integer() else Decimal(repr(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        # calamine gives whole numbers as floats (3 → 3.0); a cell showing 3 is read as 3.
        number = D(int(value)) if isinstance(value, float) and value.is_integer() else D(value)
        if percent:
            # 0.9532 shown as 95.32%: keep what the officer sees, as text.
            return f"{(number * 100).normalize():f}%"
        return number
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else None


#: float → its Decimal, for the numbers a workbook repeats (分值 5, 10, 得分 …); bounded.
_FLOAT_DECIMALS: dict[float, Decimal] = {}
_FLOAT_DECIMALS_LIMIT = 20_000


def _number(raw: Any) -> str | Decimal | None:
    """:func:`_convert` of a value that is not text, remembering what a float converts to."""
    converted = _convert(raw, False)
    if type(raw) is float and len(_FLOAT_DECIMALS) < _FLOAT_DECIMALS_LIMIT and type(converted) is Decimal:
        _FLOAT_DECIMALS[raw] = converted
    return converted


#: The end of a zip holding its directory's end record (at most 64 KiB of comment, and the ZIP64 records).
_TAIL = 22 + 65_535 + 20 + 56


def zip_entries(tail: bytes) -> int | None:
    """How many parts a zip's end record says it holds, from the file's last :data:`_TAIL` bytes
    (None when there is no end record: zipfile then says the file is no zip)."""
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        return None
    entries = struct.unpack("<H", tail[at + 10:at + 12])[0]
    if entries == 0xFFFF and at >= 20 and tail[at - 20:at - 16] == b"PK\x06\x07":
        record = tail.rfind(b"PK\x06\x06", 0, at - 20)
        if record >= 0 and len(tail) >= record + 40:
            entries = struct.unpack("<Q", tail[record + 32:record + 40])[0]
    return entries


def _check_archive(path: Path, data_head: bytes) -> zipfile.ZipFile:
    if data_head.startswith(_CFB_MAGIC):
        with open(path, "rb") as handle:
            content = handle.read(4 * 1024 * 1024)
        if "EncryptionInfo".encode("utf-16-le") in content or "EncryptedPackage".encode("utf-16-le") in content:
            raise WorkbookError("工作簿有密码保护，无法读取：请在 Excel/WPS 中取消密码后另存为 .xlsx 再试")
        raise WorkbookError("这是旧版 Excel（.xls）文件，请在 Excel/WPS 中“另存为” .xlsx 后再试")
    try:
        with open(path, "rb") as handle:
            handle.seek(0, 2)
            handle.seek(max(0, handle.tell() - _TAIL))
            entries = zip_entries(handle.read())
    except OSError as exc:
        raise WorkbookError(f"无法读取文件：{exc.strerror}") from None
    if entries is not None and entries > MAX_PARTS:
        raise WorkbookError(f"文件里有 {entries:,} 个部分，超过 {MAX_PARTS:,} 个的上限，不是正常的 Excel 工作簿，"
                            f"为防止内存耗尽拒绝读取")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, NotImplementedError):  # NotImplementedError: a zip version or method zipfile lacks
        raise WorkbookError("文件已损坏或不是 .xlsx 工作簿（无法作为 xlsx 打开）") from None
    total = sum(info.file_size for info in archive.infolist())
    if total > MAX_UNCOMPRESSED_BYTES:
        archive.close()
        raise WorkbookError(f"工作簿解压后有 {total // (1024 * 1024)} MB，超过上限 "
                            f"{MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB，为防止内存耗尽拒绝读取")
    if any(info.flag_bits & 0x1 for info in archive.infolist()):
        archive.close()
        raise WorkbookError("工作簿有密码保护（压缩包中有加密的部分），无法读取："
                            "请在 Excel/WPS 中取消密码后另存为 .xlsx 再试")
    if "xl/workbook.xml" not in archive.namelist():
        archive.close()
        raise WorkbookError("文件不是 .xlsx 工作簿（缺少 xl/workbook.xml）")
    return archive


def _member(handle: Any, archive: zipfile.ZipFile, name: str, verified: set[str] | None = None) -> bytes:
    """A member's bytes, inflated in one zlib call: zipfile's own reader loops in Python over small
    chunks, which cost more than the inflating. A part that inflates to more than the directory says
    is refused (zipfile would inflate all of it before cutting it to size), as is a compression method
    Excel never uses; anything else unusual (a bad local header, a shorter part, a CRC that does not
    match) is left to zipfile, which reports it. ``verified`` collects the parts inflated whole here.
    """
    info = archive.getinfo(name)
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _unusual(name)
    if info.flag_bits & 0x1:
        return archive.read(name)  # zipfile says it is encrypted (refused before, by _check_archive)
    handle.seek(info.header_offset)
    header = handle.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        return archive.read(name)
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    handle.seek(info.header_offset + 30 + name_length + extra_length)
    data = handle.read(info.compress_size)
    if info.compress_type == zipfile.ZIP_DEFLATED:
        # never more than the directory says (its sizes were checked against the limit)
        data = zlib.decompressobj(-15).decompress(data, info.file_size + 1)
    if len(data) > info.file_size:
        # zipfile would inflate the whole part (all of it at once) before cutting it to size
        raise _member_error(name)
    if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
        return archive.read(name)
    if verified is not None:
        verified.add(name)  # inflated whole: it unpacks to exactly what the directory says
    return data


# ---------------------------------------------------------------- bounds before anything is built

_REF_PARTS = re.compile(rb'<(?:[\w.-]+:)?c\s(?:[^<>r]|r(?!\s*=))*+(?<=\s)r\s*=\s*["\']\s*([A-Za-z]+)(\d+)\s*["\']')
_ROW_NUMBERS = re.compile(rb'<(?:[\w.-]+:)?row\s(?:[^<>r]|r(?!\s*=))*+(?<=\s)r\s*=\s*["\']\s*(\d+)\s*["\']')
_ROW_START = re.compile(rb"<(?:[\w.-]+:)?row[\s/>]")
_REF_FIRST = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"')
_ROW_FIRST = re.compile(rb'<row r="(\d{1,7})"')


@dataclass(frozen=True)
class _Extent:
    """How far a sheet's stored cells reach (1-based last row and column; an upper bound)."""

    cells: int
    rows: int
    cols: int
    far: str  # the coordinate of the farthest reach, for a message

    @property
    def area(self) -> int:
        return self.rows * self.cols


def _column_number(letters: bytes) -> int:
    col = 0
    for char in letters.upper():
        col = col * 26 + char - 64
    return col


def _extent(xml: bytes, sheet: str) -> _Extent:
    """The reach of a sheet's cells from their ``r`` references — never from its ``<dimension>``.

    A cell or row without a reference follows the one before it, so each such one may reach one
    further: counted into the bound. Raises WorkbookError for a reference beyond XFD1048576.

    The sheet is scanned in pieces (what a scan finds stays small), each first for references written
    as Excel and every library write them (``<c r="B7"``, ``<row r="7"``); only a piece where that finds
    fewer than it holds is scanned again for references anywhere in a tag.
    """
    cells = refs = rows_given = rows_started = 0
    max_row = max_col = 0
    for start, end in _pieces(xml):
        stored, started = _count_tags(xml, start, end)
        found = _REF_FIRST.findall(xml, start, end)
        if len(found) != stored:
            found = _REF_PARTS.findall(xml, start, end)
        numbered = _ROW_FIRST.findall(xml, start, end)
        if len(numbered) != started:
            numbered = _ROW_NUMBERS.findall(xml, start, end)
        cells += stored
        refs += len(found)
        rows_given += len(numbered)
        rows_started += started
        max_row = max(max_row, max(map(int, set(numbered)), default=0))
        if found:
            letters, digits = zip(*found)
            max_row = max(max_row, max(map(int, set(digits))))
            max_col = max(max_col, max(map(_column_number, set(letters))))
    if max_row > _LAST_ROW or max_col > _LAST_COL:
        raise WorkbookError(f"工作表“{sheet}”有单元格位于第 {max_row:,} 行、第 {max_col:,} 列，超出 Excel 的范围"
                            f"（XFD1048576），文件已损坏或被改动：请在 Excel/WPS 中打开并另存为 .xlsx 后再试")
    unreferenced = max(cells - refs, 0)
    rows = min(max_row + max(rows_started - rows_given, 0) + unreferenced, _LAST_ROW)
    cols = min(max_col + unreferenced, _LAST_COL)
    return _Extent(cells, rows, cols, coordinate(max(rows - 1, 0), max(cols - 1, 0)))


def _check_members(archive: zipfile.ZipFile, handle: Any, verified: set[str]) -> None:
    """Inflate every part not read yet, counting the bytes: none may unpack to more than the directory
    says (python-calamine would unpack it all), and only stored or deflated parts are read.

    Raises WorkbookError with the part named.
    """
    for info in archive.infolist():
        if info.filename in verified or info.is_dir():
            continue
        if info.compress_type == zipfile.ZIP_STORED:
            if info.compress_size != info.file_size:
                raise _member_error(info.filename)
            continue
        if info.compress_type != zipfile.ZIP_DEFLATED:
            raise _unusual(info.filename)
        handle.seek(info.header_offset)
        header = handle.read(30)
        if len(header) != 30 or header[:4] != b"PK\x03\x04":
            raise _member_error(info.filename)
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        handle.seek(info.header_offset + 30 + name_length + extra_length)
        inflater = zlib.decompressobj(-15)
        left, produced, room = info.compress_size, 0, info.file_size + 1
        try:
            while left > 0 and produced <= info.file_size:
                chunk = handle.read(min(left, 1 << 20))
                if not chunk:
                    break
                left -= len(chunk)
                while chunk and produced <= info.file_size:
                    produced += len(inflater.decompress(chunk, min(room - produced, 1 << 22) or 1))
                    chunk = inflater.unconsumed_tail
        except zlib.error:
            raise WorkbookError(f"工作簿中的“{info.filename}”已损坏，无法解压：请在 Excel/WPS 中打开并另存为 .xlsx 后再试") from None
        if produced > info.file_size:
            raise _member_error(info.filename)


_STRING_ITEM = re.compile(rb"<(?:[\w.-]+:)?si[\s/>]")


def _check_strings(archive: zipfile.ZipFile, handle: Any, verified: set[str]) -> None:
    """A shared-string table may not list more strings than a workbook may store cells: each costs
    python-calamine an allocation, and millions of tiny ones in a few MB would exhaust memory."""
    for name in archive.namelist():
        if not name.lower().endswith("sharedstrings.xml"):
            continue
        xml = _member(handle, archive, name, verified)
        if xml.find(b":si") < 0:
            items = xml.count(b"<si>") + xml.count(b"<si ") + xml.count(b"<si/") + \
                xml.count(b"<si\n") + xml.count(b"<si\r") + xml.count(b"<si\t")
        else:
            items = sum(1 for _ in _STRING_ITEM.finditer(xml))
        if items > MAX_CELLS:
            raise WorkbookError(f"工作簿的共享字符串表（{name}）有 {items:,} 项，超过 {MAX_CELLS:,} 项的上限"
                                f"（比工作簿能存的单元格还多），为防止内存耗尽拒绝读取：请在 Excel/WPS 中打开并另存为 .xlsx 后再试")


def _unusual(name: str) -> WorkbookError:
    return WorkbookError(f"工作簿中的“{name}”用了 Excel 不用的压缩方式，无法读取："
                         f"请在 Excel/WPS 中打开并另存为 .xlsx 后再试")


def _member_error(name: str) -> WorkbookError:
    return WorkbookError(f"工作簿中的“{name}”解压后比压缩目录所记的大小更大（文件已损坏或被改动），"
                         f"为防止内存耗尽拒绝读取：请在 Excel/WPS 中打开并另存为 .xlsx 后再试")


# ---------------------------------------------------------------- a sparse sheet, cell by cell

_TOKEN = re.compile(rb"<(?:[\w.-]+:)?(?:(row)(?=[\s/>])([^<>]*+)>|c(?=[\s/>])([^<>]*+)>"
                    rb"(?:(?<!/>)((?:[^<]|<(?!/?(?:[\w.-]+:)?(?:c|row)[\s/>]))*+))?)")
_R = re.compile(rb'\br\s*=\s*["\']\s*([A-Za-z]*)(\d+)\s*["\']')
_T = re.compile(rb'\bt\s*=\s*["\']([^"\']*)["\']')
_S = re.compile(rb'\bs\s*=\s*["\'](\d+)["\']')
_TEXT = re.compile(rb"<(?:[\w.-]+:)?t(?:\s[^<>]*+)?>([^<]*+)</(?:[\w.-]+:)?t\s*>")
_PHONETIC = re.compile(rb"<(?:[\w.-]+:)?rPh\b(?:[^<]|<(?!/?(?:[\w.-]+:)?rPh[\s/>]))*+(?:</(?:[\w.-]+:)?rPh\s*>)?")
_SI = re.compile(rb"<(?:[\w.-]+:)?si\b[^<>]*+>((?:[^<]|<(?!/?(?:[\w.-]+:)?si[\s/>]))*+)")
_MERGE = re.compile(rb'<(?:[\w.-]+:)?mergeCell\s(?:[^<>r]|r(?!ef\s*=))*+(?<=\s)ref\s*=\s*'
                    rb'["\']([A-Za-z]+\d+):([A-Za-z]+\d+)["\']')
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_DATE_BUILTIN = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))


def _text_of(xml: bytes) -> str:
    """The text of a string item (shared or inline): its runs' ``<t>``, phonetic runs left out."""
    if b"<rPh" in xml or b":rPh" in xml:
        xml = _PHONETIC.sub(b"", xml)
    text = html.unescape(b"".join(_TEXT.findall(xml)).decode("utf-8", "replace"))
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


class _Book:
    """What reading a sparse sheet needs from the rest of the package, read once and only if needed."""

    def __init__(self, archive: zipfile.ZipFile, handle: Any) -> None:
        self.archive, self.handle = archive, handle
        self._strings: list[str] | None = None
        self._dates: set[int] | None = None
        self._date1904: bool | None = None

    def strings(self) -> list[str]:
        if self._strings is None:
            name = next((n for n in self.archive.namelist() if n.lower() == "xl/sharedstrings.xml"), None)
            xml = _checked_xml(_member(self.handle, self.archive, name)) if name else b""
            self._strings = [_text_of(body or b"") for body in _SI.findall(xml)]
        return self._strings

    def date_styles(self) -> set[int]:
        if self._dates is None:
            self._dates = set()
            try:
                xml = _checked_xml(_member(self.handle, self.archive, "xl/styles.xml"))
            except KeyError:
                return self._dates
            custom = {int(found.get("numFmtId", "0")): found.get("formatCode", "")
                      for found in map(_attributes, _NUMFMT.findall(xml))}
            section = _CELLXFS.search(xml)
            for index, attributes in enumerate(_XF.findall(section.group(1) or b"") if section else ()):
                fmt_id = int(_attributes(attributes).get("numFmtId", "0"))
                code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", custom.get(fmt_id, "")).lower()
                if fmt_id in _DATE_BUILTIN or fmt_id not in range(0, 50) and re.search(r"[ymdhs]", code):
                    self._dates.add(index)
        return self._dates

    def date1904(self) -> bool:
        if self._date1904 is None:
            workbook = _member(self.handle, self.archive, "xl/workbook.xml")
            self._date1904 = re.search(rb'date1904\s*=\s*["\'](?:1|true)["\']', workbook) is not None
        return self._date1904


def _serial_date(serial: float, date1904: bool) -> Any:
    from datetime import timedelta

    if not 0 <= serial < 2_958_466:  # beyond 9999-12-31: a number, as calamine gives it
        return serial
    if serial < 1 and not date1904:
        seconds = round(serial * 86400)
        return time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60)
    base = datetime(1904, 1, 1) if date1904 else datetime(1899, 12, 30)
    return base + timedelta(seconds=round(serial * 86400))


def _sparse(xml: bytes, book: _Book, sheet: str, budget: int) -> tuple[list[list[Any]], list, int]:
    """A sheet read cell by cell into rows that reach only to their last value (an empty row is an
    empty tuple), its merged ranges, and the slots that cost. Values are as python-calamine gives them.

    Raises WorkbookError when the rows would need more than ``budget`` slots.
    """
    found: dict[int, dict[int, Any]] = {}
    row, col = -1, -1
    for match in _TOKEN.finditer(xml):
        is_row, row_attrs, attrs, body = match.groups()
        body = body or b""
        if is_row:
            given = _R.search(row_attrs)
            row, col = (int(given.group(2)) - 1 if given else row + 1), -1
            continue
        given = _R.search(attrs)
        if given and given.group(1):
            row, col = int(given.group(2)) - 1, _column_number(given.group(1)) - 1
        else:
            col += 1
        row = max(row, 0)
        kind_match = _T.search(attrs)
        kind = kind_match.group(1) if kind_match else b"n"
        value: Any = None
        if kind == b"inlineStr":
            value = _text_of(body)
        else:
            raw = _VALUE.search(body)
            text = raw.group(1) if raw else None
            if text is None or kind == b"e":
                value = None
            elif kind == b"s":
                strings = book.strings()
                index = int(text) if text.strip().isdigit() else -1
                value = strings[index] if 0 <= index < len(strings) else None
            elif kind in (b"str", b"d"):
                value = html.unescape(text.decode("utf-8", "replace"))
            elif kind == b"b":
                value = text.strip() in (b"1", b"true")
            else:
                try:
                    value = float(text)
                except ValueError:
                    value = None
                style = _S.search(attrs)
                if value is not None and style and int(style.group(1)) in book.date_styles():
                    value = _serial_date(value, book.date1904())
        if value is not None and value != "":
            found.setdefault(row, {})[col] = value
    height = max(found, default=-1) + 1
    cost = height + sum(max(cols) + 1 for cols in found.values())
    if cost > budget:
        far_row = max(found, key=lambda r: max(found[r]))
        raise _scattered(sheet, coordinate(far_row, max(found[far_row])))
    values: list[Any] = [()] * height
    for r, cols in found.items():
        line = [None] * (max(cols) + 1)
        for c, value in cols.items():
            line[c] = value
        values[r] = line
    merged = [(_split_coordinate(a.decode().upper()), _split_coordinate(b.decode().upper()))
              for a, b in _MERGE.findall(xml)]
    return values, merged, cost


def _scattered(sheet: str, far: str) -> WorkbookError:
    return WorkbookError(f"工作表“{sheet}”的单元格分布太散（最远到 {far}），读成表格需要的格子超过上限"
                         f"（整个工作簿 {MAX_GRID_SLOTS:,} 个），为防止内存耗尽拒绝读取："
                         f"请删除表格以外多余的单元格（或多余的工作表）后再试")


def read_workbook(path: str | Path) -> list[SheetGrid]:
    """Read every worksheet of an .xlsx file into grids, opening the file for reading only.

    The work is bounded by what the file stores, never by what it claims: every sheet's cells are
    counted and their reach measured before anything is built, every part is inflated with its bytes
    counted, and a sheet whose few cells lie far apart is read cell by cell instead of as an area.

    Raises:
        WorkbookError: a missing, corrupt, encrypted, old-format (.xls) or oversized file.
    """
    import python_calamine  # imported here: start-up of commands that never read xlsx stays fast

    path = Path(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except FileNotFoundError:
        raise WorkbookError("文件不存在") from None
    except IsADirectoryError:
        raise WorkbookError("这是一个文件夹，不是文件") from None
    except OSError as exc:
        raise WorkbookError(f"无法读取文件：{exc.strerror}") from None
    if not head:
        raise WorkbookError("文件是空的（0 字节）")
    archive = _check_archive(path, head)
    verified: set[str] = set()  # the parts inflated whole, to exactly the size the directory gives
    with archive, open(path, "rb") as handle:
        try:
            percent_styles = _percent_styles(archive, handle, verified)
            parts = _sheet_parts(archive, handle, verified)
        except WorkbookError:
            raise
        except _DAMAGED as exc:
            raise WorkbookError(f"工作簿内容损坏，无法读取（样式或工作表目录：{type(exc).__name__}）") from None
        if len(parts) > MAX_SHEETS:
            raise WorkbookError(f"工作簿有 {len(parts):,} 个工作表，超过 {MAX_SHEETS:,} 个的上限，拒绝读取")
        names = {name.lower(): name for name in archive.namelist()}
        # First every sheet's XML alone: cells counted, reach measured, what calamine drops scanned.
        plans: dict[str, tuple[str, _Extent, _SheetExtras]] = {}
        stored = merges = 0
        for sheet, part in parts.items():
            member = names.get(part.lower())
            if member is None:
                raise WorkbookError(f"工作表“{sheet}”的内容（{part}）不在文件中，文件已损坏："
                                    f"请在 Excel/WPS 中打开并另存为 .xlsx 后再试")
            try:
                xml = _member(handle, archive, member, verified)
            except WorkbookError:
                raise
            except Exception as exc:  # a damaged part: bad CRC, cut-off data (zipfile, zlib)
                raise WorkbookError(f"工作表“{sheet}”内容损坏，无法读取（{type(exc).__name__}）："
                                    f"请在 Excel/WPS 中打开并另存为 .xlsx 后再试") from None
            extent = _extent(xml, sheet)
            stored += extent.cells
            merges += xml.count(b"<mergeCell ") + xml.count(b":mergeCell ")
            if merges > MAX_MERGED_RANGES:
                raise WorkbookError(f"工作簿的合并区域超过 {MAX_MERGED_RANGES:,} 个（到工作表“{sheet}”已有 {merges:,} 个），"
                                    f"为防止内存耗尽拒绝读取：请在 Excel/WPS 中取消多余的合并后再试")
            if stored > MAX_CELLS:
                raise WorkbookError(f"工作簿存有的单元格超过 {MAX_CELLS:,} 个（到工作表“{sheet}”已有 {stored:,} 个），"
                                    f"为防止内存耗尽拒绝读取：请只保留自评表所在的工作表后再试")
            plans[sheet] = (member, extent, _scan_sheet(xml, percent_styles))
            del xml
        _check_strings(archive, handle, verified)
        _check_members(archive, handle, verified)
        try:
            book = python_calamine.CalamineWorkbook.from_path(str(path))
        except python_calamine.PasswordError:
            raise WorkbookError("工作簿有密码保护，无法读取：请在 Excel/WPS 中取消密码后另存为 .xlsx 再试") from None
        except Exception as exc:  # calamine raises several error types for broken parts
            raise WorkbookError(f"工作簿内容损坏，无法读取（{type(exc).__name__}）") from None
        grids: list[SheetGrid] = []
        sparse_book = _Book(archive, handle)
        budget = _Budget()
        try:
            for meta in book.sheets_metadata:
                if str(meta.typ) != str(python_calamine.SheetTypeEnum.WorkSheet):
                    continue
                plan = plans.get(meta.name)
                if plan is None:
                    raise WorkbookError(f"工作表“{meta.name}”不在工作簿目录中，文件已损坏："
                                        f"请在 Excel/WPS 中打开并另存为 .xlsx 后再试")
                member, extent, extras = plan
                try:
                    if extent.area <= min(_DENSE_AREA, budget.slots):
                        # python-calamine allocates the sheet's whole area: only a compact sheet goes there
                        sheet = book.get_sheet_by_name(meta.name)
                        values = sheet.to_python(skip_empty_area=False)
                        merged = sheet.merged_cell_ranges or []
                        budget.slots -= extent.area
                        grids.append(_grid(meta.name, values, merged, extras, budget))
                    else:
                        values, merged, cost = _sparse(_member(handle, archive, member), sparse_book, meta.name,
                                                       budget.slots)
                        budget.slots -= cost
                        grids.append(_grid(meta.name, values, merged, extras, budget, sparse=True))
                except WorkbookError:
                    raise
                except Exception as exc:  # a damaged part: broken XML (calamine), bad CRC (zipfile, zlib)
                    raise WorkbookError(f"工作表“{meta.name}”内容损坏，无法读取（{type(exc).__name__}）："
                                        f"请在 Excel/WPS 中打开并另存为 .xlsx 后再试") from None
        finally:
            book.close()
        return grids


#: Merged ranges one workbook may have (each costs python-calamine and Python a few objects); a form has dozens.
MAX_MERGED_RANGES = 100_000
#: Cells merged ranges may cover in one workbook (each is filled with its range's value): overlapping
#: ranges repeated a million times must not cost a million fills of the whole sheet.
MAX_MERGED_CELLS = 2_000_000


@dataclass
class _Budget:
    slots: int = MAX_GRID_SLOTS
    merged: int = MAX_MERGED_CELLS


def _grid(name: str, values: list[list[Any]], merged: list, extras: _SheetExtras, budget: _Budget | None = None,
          sparse: bool = False) -> SheetGrid:
    """calamine's rows → a :class:`SheetGrid`, converting values in place (its lists are ours to keep).

    ``sparse``: the rows came from :func:`_sparse` and reach only to their last value (an empty row
    is an empty tuple); they are lengthened only where an error cell or a merged range needs it.
    Raises WorkbookError when that, or the merged ranges, would pass the workbook's ``budget``.
    """
    budget = budget if budget is not None else _Budget()
    width = max((len(row) for row in values), default=0)
    percent = {_split_coordinate(ref) for ref in extras.percent_cells}
    percent_rows = {r for r, _ in percent}
    for r, row in enumerate(values):
        if not row:
            continue
        if r in percent_rows:
            row[:] = [_convert(raw, (r, c) in percent) for c, raw in enumerate(row)]
        else:
            # One pass per row in a comprehension: most cells are empty strings, most others text;
            # a float seen before is converted by a lookup (a bool is never looked up: True == 1.0).
            row[:] = [None if raw == "" or raw is None else
                      ((None if raw.isspace() else raw) if type(raw) is str else
                       (_FLOAT_DECIMALS.get(raw) if type(raw) is float else None) or _number(raw)) for raw in row]
        if not sparse and len(row) < width:
            row.extend([None] * (width - len(row)))

    def reach(r: int, c: int) -> list[Any]:
        """Row ``r`` of a sparse grid, as a list reaching column ``c`` (the slots it takes are spent)."""
        grow = r + 1 - len(values)
        if grow > 0:
            budget.slots -= grow
            values.extend([()] * grow)
        row = values[r]
        if len(row) <= c:
            budget.slots -= c + 1 - len(row)
            row = values[r] = list(row) + [None] * (c + 1 - len(row))
        if budget.slots < 0:
            raise _scattered(name, coordinate(r, c))
        return row

    # Error cells calamine emptied may lie outside its grid (a last row holding only a formula).
    for ref in extras.errors:
        r, c = _split_coordinate(ref)
        if sparse:
            reach(r, c)
            width = max(width, c + 1)
            continue
        while len(values) <= r:
            values.append([None] * width)
        if c >= width:
            for row in values:
                row.extend([None] * (c + 1 - width))
            width = c + 1
    covered: dict[int, dict[int, tuple[int, int]]] = {}
    height = len(values)
    for (r0, c0), (r1, c1) in merged:
        if r0 >= height or c0 >= width or r1 < r0 or c1 < c0:
            continue
        top = values[r0][c0] if c0 < len(values[r0]) else None
        if top is None:
            continue
        holder = (r0, c0)
        last_row, last_col = min(r1, height - 1), min(c1, width - 1)
        budget.merged -= (last_row - r0 + 1) * (last_col - c0 + 1) - 1
        if budget.merged < 0:
            raise WorkbookError(f"工作表“{name}”的合并单元格太多或太大（如 {coordinate(r0, c0)}:{coordinate(r1, c1)}），"
                                f"整个工作簿合并覆盖的单元格超过 {MAX_MERGED_CELLS:,} 个的上限，为防止耗尽内存拒绝读取")
        for r in range(r0, last_row + 1):
            row = reach(r, last_col) if sparse else values[r]
            in_row = covered.setdefault(r, {})
            for c in range(c0 + 1 if r == r0 else c0, last_col + 1):
                row[c] = top
                in_row[c] = holder
    return SheetGrid(name=name, values=values, covered=covered, errors=extras.errors,
                     hidden_columns=extras.hidden_columns, hidden_rows=extras.hidden_rows)
