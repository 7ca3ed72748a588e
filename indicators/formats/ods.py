"""OpenDocument spreadsheets (.ods) read from their content.xml with lxml.

Measured (docs/formats.md): python-calamine reads an .ods's values but gives no merged ranges
for it, turns an error cell into an empty string and a percentage cell (``office:value-type=
"percentage"``) into its fraction — each would change what a table says. content.xml holds all
of them in the cell's attributes, so it is read here directly: ``office:value`` for numbers
(exact, as written), spans from ``table:number-columns-spanned``/``-rows-spanned``, errors from
``calcext:value-type="error"``, hidden rows and columns from ``table:visibility``. Repeated empty
cells and rows (an .ods repeats the empty rest of a sheet a million times) are counted, never
expanded.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ..numbers import D
from ..problems import Problem
from ..xlsx.cells import MAX_CELLS, SheetGrid, coordinate
from .common import FormatError, safe_xml, zip_part

__all__ = ["read_ods"]

_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_O = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_X = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_MAX_REPEAT = 1 << 20


def _text_of(cell) -> str:
    lines = []
    for paragraph in cell.iter(_TEXT + "p", _TEXT + "h"):
        parts = []
        for node in paragraph.iter():
            if node.tag == _TEXT + "s":
                parts.append(" " * int(node.get(_TEXT + "c", "1") or 1))
            elif node.tag == _TEXT + "tab":
                parts.append("\t")
            elif node.tag == _TEXT + "line-break":
                parts.append("\n")
            elif node is paragraph and node.text:
                parts.append(node.text)
            elif node is not paragraph and node.text:
                parts.append(node.text)
            if node is not paragraph and node.tail:
                parts.append(node.tail)
        lines.append("".join(parts))
    return "\n".join(lines)


def _value(cell) -> tuple[str | Decimal | None, str | None]:
    """(value, error text) of a cell."""
    kind = cell.get(_O + "value-type")
    if cell.get(_X + "value-type") == "error":
        return None, _text_of(cell).strip() or "#错误"
    if kind in ("float", "currency", "percentage"):
        raw = cell.get(_O + "value", "")
        try:
            number = D(raw)
        except (InvalidOperation, ValueError, TypeError):
            return _text_of(cell).strip() or None, None
        if number == number.to_integral_value():
            number = number.quantize(Decimal(1))
        if kind == "percentage":
            return f"{(number * 100).normalize():f}%", None
        return number, None
    if kind == "date":
        return (cell.get(_O + "date-value") or "").replace("T00:00:00", "") or None, None
    if kind == "time":
        return cell.get(_O + "time-value") or None, None
    if kind == "boolean":
        return ("是" if cell.get(_O + "boolean-value") == "true" else "否"), None
    text = _text_of(cell)
    if not text.strip():
        return None, None
    return text, None


def read_ods(data: bytes, name: str, notices: list[Problem]) -> list[SheetGrid]:
    """Every sheet of an .ods as a grid: values exact, spans, error cells, hidden rows and columns."""
    content = zip_part(data, "content.xml", what="表格", save_as=".xlsx",
                       missing="文件不是 OpenDocument 表格（缺少 content.xml）：请另存为 .xlsx 后再试",
                       damaged="OpenDocument 表格（.ods）已损坏，无法读取（{error}）")
    root = safe_xml(content, what="OpenDocument 表格", damaged="OpenDocument 表格内容损坏，无法读取（{error}）")
    return [_sheet(table) for table in root.iter(_T + "table")]


def _sheet(table) -> SheetGrid:
    name = table.get(_T + "name", "")
    cells: dict[tuple[int, int], str | Decimal] = {}
    spans: list[tuple[int, int, int, int]] = []
    errors: dict[str, str] = {}
    hidden_rows: set[int] = set()
    hidden_columns: set[int] = set()
    col = 0
    for column in table.iter(_T + "table-column"):
        repeat = min(int(column.get(_T + "number-columns-repeated", "1") or 1), _MAX_REPEAT)
        if column.get(_T + "visibility") in ("collapse", "filter"):
            hidden_columns.update(range(col, min(col + repeat, 16384)))
        col += repeat
    row_index = 0
    height = width = 0
    for row in table.iter(_T + "table-row"):
        repeat_rows = min(int(row.get(_T + "number-rows-repeated", "1") or 1), _MAX_REPEAT)
        hidden = row.get(_T + "visibility") in ("collapse", "filter")
        col = 0
        row_cells: list[tuple[int, str | Decimal | None, str | None, int, int]] = []
        for cell in row:
            if cell.tag not in (_T + "table-cell", _T + "covered-table-cell"):
                continue
            repeat = min(int(cell.get(_T + "number-columns-repeated", "1") or 1), _MAX_REPEAT)
            if cell.tag == _T + "table-cell" and len(cell) or cell.get(_O + "value-type"):
                value, error = _value(cell)
                colspan = int(cell.get(_T + "number-columns-spanned", "1") or 1)
                rowspan = int(cell.get(_T + "number-rows-spanned", "1") or 1)
                if value is not None or error is not None:
                    for k in range(min(repeat, 16384)):
                        row_cells.append((col + k, value, error, rowspan, colspan))
            col += repeat
        if row_cells:
            if (row_index + repeat_rows) * max(width, max(c for c, *_ in row_cells) + 1) > MAX_CELLS:
                raise FormatError(f"工作表“{name}”超过 {MAX_CELLS:,} 个单元格的上限，拒绝读取")
            for r in range(row_index, row_index + repeat_rows):
                for c, value, error, rowspan, colspan in row_cells:
                    if error is not None:
                        errors[coordinate(r, c)] = error
                    else:
                        cells[(r, c)] = value  # type: ignore[assignment]
                        if rowspan > 1 or colspan > 1:
                            spans.append((r, c, r + rowspan - 1, c + colspan - 1))
                    width = max(width, c + 1)
                if hidden:
                    hidden_rows.add(r)
            height = row_index + repeat_rows
        elif hidden and repeat_rows < 1000:
            hidden_rows.update(range(row_index, row_index + repeat_rows))
        row_index += repeat_rows
    height = max(height, max((int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) for ref in errors), default=0))
    values: list[list[str | Decimal | None]] = [[None] * width for _ in range(height)]
    for (r, c), value in cells.items():
        values[r][c] = value
    covered: dict[int, dict[int, tuple[int, int]]] = {}
    for r0, c0, r1, c1 in spans:
        top = values[r0][c0]
        for r in range(r0, min(r1, height - 1) + 1):
            for c in range(c0 + 1 if r == r0 else c0, min(c1, width - 1) + 1):
                values[r][c] = top
                covered.setdefault(r, {})[c] = (r0, c0)
    return SheetGrid(name=name, values=values, covered=covered, errors=errors,
                     hidden_columns={c for c in hidden_columns if c < width},
                     hidden_rows={r for r in hidden_rows if r < height})
