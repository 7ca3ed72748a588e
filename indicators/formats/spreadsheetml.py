"""Excel 2003 XML spreadsheets ("XML 表格", SpreadsheetML), which many reporting systems export under
an ``.xls`` name: ``<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">``.

Read with lxml (no DTD, no entities, no network): each ``Worksheet`` is a grid named by its
``ss:Name``; ``ss:Index`` places rows and cells, ``ss:MergeAcross``/``ss:MergeDown`` give merged
ranges, ``ss:Type="Error"`` an error cell, a style whose ``NumberFormat`` shows a percentage makes
a number a percentage as the officer sees it, ``ss:Hidden`` hides a row or column.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ..numbers import D
from ..problems import Problem
from ..xlsx.cells import MAX_CELLS, SheetGrid, coordinate
from .common import FormatError, safe_xml

__all__ = ["read_spreadsheetml", "is_spreadsheetml"]

_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def is_spreadsheetml(head: bytes) -> bool:
    """``head`` (a file's first bytes) is an Excel 2003 XML spreadsheet."""
    return b"urn:schemas-microsoft-com:office:spreadsheet" in head and b"Workbook" in head


def read_spreadsheetml(data: bytes, name: str, notices: list[Problem]) -> list[SheetGrid]:
    root = safe_xml(data, what="XML 表格",
                    damaged="Excel 2003 XML 表格已损坏，无法读取（{error}）：请在 Excel/WPS 中打开并“另存为” .xlsx 后再试")
    percent_styles = set()
    for style in root.iter(_SS + "Style"):
        fmt = style.find(_SS + "NumberFormat")
        shown = fmt.get(_SS + "Format", "") if fmt is not None else ""
        if shown in ("Percent",) or "%" in _QUOTED.sub("", shown):
            percent_styles.add(style.get(_SS + "ID"))
    grids = [_sheet(sheet, percent_styles) for sheet in root.iter(_SS + "Worksheet")]
    if not grids:
        raise FormatError("文件不是 Excel 2003 XML 表格（其中没有工作表）：自评表请保存为 .xlsx 后再试")
    return grids


def _index(element, previous: int) -> int:
    """The 0-based position of a row, column or cell: its ``ss:Index`` (1-based), else the next one."""
    given = element.get(_SS + "Index")
    if given is None:
        return previous + 1
    try:
        return max(previous + 1, int(given) - 1)
    except ValueError:
        return previous + 1


def _sheet(sheet, percent_styles: set) -> SheetGrid:
    name = sheet.get(_SS + "Name", "")
    cells: dict[tuple[int, int], str | Decimal] = {}
    spans: list[tuple[int, int, int, int]] = []
    errors: dict[str, str] = {}
    hidden_rows: set[int] = set()
    hidden_columns: set[int] = set()
    table = sheet.find(_SS + "Table")
    if table is None:
        return SheetGrid(name=name, values=[])
    col = -1
    for column in table.iterchildren(_SS + "Column"):
        col = _index(column, col)
        span = int(column.get(_SS + "Span", "0") or 0)
        if column.get(_SS + "Hidden") == "1":
            hidden_columns.update(range(col, min(col + span + 1, 16384)))
        col += span
    r = -1
    height = width = 0
    for row in table.iterchildren(_SS + "Row"):
        r = _index(row, r)
        if row.get(_SS + "Hidden") == "1":
            hidden_rows.add(r)
        c = -1
        for cell in row.iterchildren(_SS + "Cell"):
            c = _index(cell, c)
            across = int(cell.get(_SS + "MergeAcross", "0") or 0)
            down = int(cell.get(_SS + "MergeDown", "0") or 0)
            if (r + down + 1) * (c + across + 1) > MAX_CELLS:
                raise FormatError(f"工作表“{name}”超过 {MAX_CELLS:,} 个单元格的上限，拒绝读取")
            data = cell.find(_SS + "Data")
            if data is not None:
                kind = data.get(_SS + "Type", "String")
                text = "".join(data.itertext())
                if kind == "Error":
                    errors[coordinate(r, c)] = text.strip() or "#错误"
                elif kind == "Number":
                    try:
                        number = D(text.strip())
                    except (InvalidOperation, ValueError):
                        cells[(r, c)] = text
                    else:
                        if number == number.to_integral_value():
                            number = number.quantize(Decimal(1))
                        cells[(r, c)] = (f"{(number * 100).normalize():f}%"
                                         if cell.get(_SS + "StyleID") in percent_styles else number)
                elif kind == "Boolean":
                    cells[(r, c)] = "是" if text.strip() == "1" else "否"
                elif text.strip():
                    cells[(r, c)] = text.replace("T00:00:00.000", "") if kind == "DateTime" else text
                if (across or down) and (r, c) in cells:
                    spans.append((r, c, r + down, c + across))
            height, width = max(height, r + down + 1), max(width, c + across + 1)
            if height * width > MAX_CELLS:
                raise FormatError(f"工作表“{name}”超过 {MAX_CELLS:,} 个单元格的上限，拒绝读取")
            c += across
    values: list[list[str | Decimal | None]] = [[None] * width for _ in range(height)]
    for (r, c), value in cells.items():
        values[r][c] = value
    covered: dict[int, dict[int, tuple[int, int]]] = {}
    for r0, c0, r1, c1 in spans:
        for r in range(r0, r1 + 1):
            for c in range(c0 + 1 if r == r0 else c0, c1 + 1):
                values[r][c] = values[r0][c0]
                covered.setdefault(r, {})[c] = (r0, c0)
    return SheetGrid(name=name, values=values, covered=covered, errors=errors,
                     hidden_columns={c for c in hidden_columns if c < width}, hidden_rows=hidden_rows)
