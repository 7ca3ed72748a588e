"""Word documents (.docx) read from word/document.xml with lxml.

Every table of the document is one grid, named ``表1``, ``表2`` … in document order (a table
nested in a cell is a table of its own). Horizontal merges (``w:gridSpan``, the older ``w:hMerge``, and
``w:gridBefore`` for a row that starts further right) and vertical merges (``w:vMerge``: ``restart`` opens a
range, a bare ``w:vMerge`` continues the one above) are placed on Word's own grid columns. The
short paragraphs just above a table (its printed title, 单位名称 …) come first, one row each,
as the title rows of a sheet would: with k such paragraphs, the table's first row is row k + 1
of the grid (docs/formats.md).

Measured (docs/formats.md): python-docx builds a proxy object per cell and resolves merges by
walking the grid for every cell; reading document.xml with lxml directly was several times
faster on the same tables and gives the same cells, so python-docx is only used to write the
test documents.
"""

from __future__ import annotations

from ..problems import Problem
from ..xlsx.cells import SheetGrid
from .common import FormatError, Spanned, grid_from_rows, safe_xml, zip_part

__all__ = ["read_docx"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TITLE_CHARS = 80
_TITLE_PARAGRAPHS = 3
_MAX_ROWS = 20_000


def read_docx(data: bytes, name: str, notices: list[Problem]) -> list[SheetGrid]:
    """Every table of a Word document as a grid (see the module)."""
    xml = zip_part(data, "word/document.xml", what="文档", save_as=".docx",
                   missing="文件不是 Word 文档（缺少 word/document.xml）：请在 Word/WPS 中另存为 .docx 后再试",
                   damaged="Word 文档（.docx）已损坏，无法读取（{error}）：请在 Word/WPS 中打开并另存为 .docx 后再试")
    root = safe_xml(xml, what="Word 文档",
                    damaged="Word 文档内容损坏，无法读取（{error}）：请在 Word/WPS 中打开并另存为 .docx 后再试")
    grids: list[SheetGrid] = []
    for table in root.iter(_W + "tbl"):
        grids.append(grid_from_rows(f"表{len(grids) + 1}", _rows(table), _captions(table)))
    if not grids:
        raise FormatError("Word 文档中没有表格：自评表若是图片，需要先做文字识别（OCR）；若是文字，请做成表格后再试")
    return grids


def _text(element) -> str:
    """Text of a paragraph or cell as Word shows it (deleted revisions left out, nested tables too)."""
    parts: list[str] = []
    for node in element.iter(_W + "t", _W + "tab", _W + "br", _W + "cr", _W + "p", _W + "tbl"):
        tag = node.tag
        if tag == _W + "t":
            if _inside(node, element, _W + "tbl"):
                continue
            parts.append(node.text or "")
        elif tag in (_W + "tab",):
            parts.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            parts.append("\n")
        elif tag == _W + "p" and parts and node is not element:
            parts.append("\n")
    return "".join(parts).strip()


def _inside(node, top, tag: str) -> bool:
    """``node`` lies in a ``tag`` element below ``top``."""
    parent = node.getparent()
    while parent is not None and parent is not top:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


def _int(element, path: str, default: int) -> int:
    found = element.find(path)
    if found is None:
        return default
    try:
        return max(0, int(found.get(_W + "val", default)))
    except ValueError:
        return default


def _rows(table) -> list[list[Spanned]]:
    """The table's rows as spanned cells: a vertical merge becomes the rowspan of its first cell."""
    grid_rows: list[list[tuple[int, int, str, str | None]]] = []  # (column, span, text, vMerge)
    for row in table.iterchildren(_W + "tr"):
        if len(grid_rows) >= _MAX_ROWS:
            raise FormatError(f"Word 文档中的表格超过 {_MAX_ROWS:,} 行，拒绝读取")
        col = _int(row, f"{_W}trPr/{_W}gridBefore", 0)
        cells = []
        for cell in _cells(row):
            span = max(1, _int(cell, f"{_W}tcPr/{_W}gridSpan", 1))
            merge = cell.find(f"{_W}tcPr/{_W}vMerge")
            vmerge = None if merge is None else (merge.get(_W + "val") or "continue")
            hmerge = cell.find(f"{_W}tcPr/{_W}hMerge")
            if hmerge is not None and (hmerge.get(_W + "val") or "continue") == "continue" and cells:
                # an old-style horizontal merge: the cell widens the one before it
                last = cells[-1]
                cells[-1] = (last[0], last[1] + span, last[2], last[3])
                col += span
                continue
            cells.append((col, span, _text(cell), vmerge))
            col += span
        grid_rows.append(cells)
    # rowspan of each cell that restarts a vertical merge: rows below continuing at the same column
    spanned: list[list[Spanned]] = []
    for r, cells in enumerate(grid_rows):
        out: list[Spanned] = []
        for col, span, text, vmerge in cells:
            if vmerge == "continue" and r > 0 and _starts_above(grid_rows, r, col):
                continue  # covered by the restart above (placed through its rowspan)
            rowspan = 1
            if vmerge == "restart":
                while r + rowspan < len(grid_rows) and any(
                        c == col and v == "continue" for c, _, _, v in grid_rows[r + rowspan]):
                    rowspan += 1
            out.append(Spanned(text, rowspan, span))
        spanned.append(out)
    # Word's grid columns may start past the left edge (gridBefore): pad with empty cells so
    # placement puts each cell at its grid column.
    return [_padded(row, cells) for row, cells in zip(spanned, grid_rows)]


def _starts_above(rows, r: int, col: int) -> bool:
    """A vertical merge continues at ``col`` of row ``r``: some row above opened it at that column."""
    for above in range(r - 1, -1, -1):
        for c, _, _, v in rows[above]:
            if c == col:
                if v == "restart":
                    return True
                if v != "continue":
                    return False
    return False


def _padded(row: list[Spanned], cells) -> list[Spanned]:
    if cells and cells[0][0] > 0:
        return [Spanned("", 1, cells[0][0])] + row
    return row


def _cells(row):
    """A row's cells, including those wrapped in content controls or custom XML."""
    for child in row:
        if child.tag == _W + "tc":
            yield child
        elif child.tag in (_W + "sdt", _W + "customXml"):
            yield from child.iter(_W + "tc")


def _captions(table) -> list[str]:
    """Short paragraphs right above ``table`` (up to the previous table or a long paragraph)."""
    found: list[str] = []
    node = table.getprevious()
    while node is not None and len(found) < _TITLE_PARAGRAPHS:
        if node.tag == _W + "tbl":
            break
        if node.tag == _W + "p":
            said = _text(node)
            if said:
                if len(said) > _TITLE_CHARS:
                    break
                found.append(said)
        node = node.getprevious()
    return found[::-1]
