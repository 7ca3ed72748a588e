"""PDF files with a text layer, read with pdfplumber.

Tables are found by their ruling lines (``lines`` strategy); a page with text but no ruled table is
tried again by text positions (``text`` strategy). Each cell's extent on the table's own row and
column edges gives its row and column span, so a merged cell is one value covering its range, as
in a sheet. The short text lines just above a table (its printed title) come first, one row each.

A grid is named by its page: ``第2页`` (the page's only table) or ``第2页表1``; a table that runs
on over the next page (its continuation at the top of the next page, between the same edges) is
one grid ``第2-3页``, its rows counted across the pages.

A PDF with no text layer (a scan) is refused: it needs OCR. Bounds on hostile files: the file's
size (common.MAX_INPUT_BYTES), :data:`MAX_PAGES` pages, :data:`MAX_PAGE_CHARS` characters a page.
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass, field

from ..problems import Problem, Source
from ..xlsx.cells import SheetGrid
from .common import FormatError, Spanned, grid_from_rows

__all__ = ["read_pdf", "MAX_PAGES", "MAX_PAGE_CHARS"]

#: Pages read at most (a published 决算 document with its 自评表 is far shorter).
MAX_PAGES = 300
#: A page with more characters than this is skipped with a notice.
MAX_PAGE_CHARS = 60_000
#: Seconds spent on one file's pages before the rest are left unread, with a notice.
MAX_SECONDS = 120.0
_TITLE_CHARS = 80
_TITLE_LINES = 3
_SNAP = 2.0  # points: edges closer than this are one edge


@dataclass
class _Found:
    """A table found on a page: its cells (box and text) in one column of coordinates down the pages it
    runs over, what stood above it, and where it lies on its last page."""

    page: int
    cells: list[tuple[float, float, float, float, str]]
    captions: list[str]
    left: float
    right: float
    top: float
    bottom: float
    height: float
    pages: list[int] = field(default_factory=list)
    #: ``bottom`` in the stacked coordinates of ``cells`` (a later page's part is placed below it)
    end: float = 0.0
    #: pages whose first row was read as the rest of the row the page before ended with
    rejoined: list[int] = field(default_factory=list)


def read_pdf(data: bytes, name: str, notices: list[Problem]) -> list[SheetGrid]:
    """Every table of a PDF with a text layer as a grid (see the module)."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = pdf.pages
    except Exception as exc:  # pdfplumber wraps pdfminer's errors in PdfminerException
        cause = exc.args[0] if type(exc).__name__ == "PdfminerException" and exc.args else exc
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)) or "password" in str(cause).lower():
            raise FormatError("PDF 有密码保护，无法读取：请取消密码（或另存一份不加密的 PDF）后再试") from None
        if isinstance(cause, PDFSyntaxError):
            raise FormatError("PDF 文件已损坏或不是 PDF，无法读取") from None
        raise FormatError(f"PDF 文件已损坏，无法读取（{type(cause).__name__}）") from None
    found: list[_Found] = []
    text_seen = False
    scanned: list[int] = []  # pages with an image and no text
    try:
        if len(pages) > MAX_PAGES:
            notices.append(Problem(source=Source(file=name),
                                   message=f"PDF 有 {len(pages)} 页，只读取了前 {MAX_PAGES} 页：自评表若在后面，"
                                           f"请只保留所在页后再试"))
        started = time.monotonic()
        for number, page in enumerate(pages[:MAX_PAGES], 1):
            if time.monotonic() - started > MAX_SECONDS:
                notices.append(Problem(source=Source(file=name),
                                       message=f"PDF 读取超过 {MAX_SECONDS:.0f} 秒，第 {number} 页起未读取：自评表若在后面，"
                                               f"请只保留所在页后再试"))
                break
            try:
                chars = page.chars
                if len(chars) > MAX_PAGE_CHARS:
                    notices.append(Problem(source=Source(file=name, sheet=f"第{number}页"),
                                           message=f"这一页有 {len(chars):,} 个字符，超过上限，未读取"))
                    continue
                if any(not c["text"].isspace() for c in chars):
                    text_seen = True
                    found.extend(_page_tables(page, number, chars))
                elif page.images:
                    scanned.append(number)
            except FormatError:
                raise
            except Exception as exc:  # one broken page: said, the others still read
                notices.append(Problem(source=Source(file=name, sheet=f"第{number}页"),
                                       message=f"这一页内容损坏，未读取（{type(exc).__name__}）"))
            finally:
                page.flush_cache()
                if hasattr(page, "close"):
                    page.close()
    finally:
        pdf.close()
    if not text_seen:
        raise FormatError("PDF 没有文字层（可能是扫描件或图片）：需要先做文字识别（OCR），或取得原始的 "
                          "Excel/Word 文件后再试")
    if scanned:
        pages_said = "、".join(str(n) for n in scanned[:20]) + ("等" if len(scanned) > 20 else "")
        notices.append(Problem(source=Source(file=name),
                               message=f"第 {pages_said} 页没有文字层（可能是扫描页），其中的表格未读取：需要先做文字识别（OCR）"))
    if not found:
        raise FormatError("PDF 中找不到表格（没有表格线，也无法按文字位置排成表格）：请取得原始的 Excel/Word 文件后再试")
    return _grids(_joined(found), name, notices)


def _page_tables(page, number: int, chars) -> list[_Found]:
    tables = page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
    if not tables:
        tables = page.find_tables({"vertical_strategy": "text", "horizontal_strategy": "text"})
    tables = sorted(tables, key=lambda t: (t.bbox[1], t.bbox[0]))
    out: list[_Found] = []
    above = 0.0
    for table in tables:
        cells = _cell_texts(table, chars)
        if not cells:
            continue
        x0, top, x1, bottom = table.bbox
        captions = _captions(page, above, top)
        out.append(_Found(number, cells, captions, x0, x1, top, bottom, float(page.height), [number], bottom))
        above = bottom
    return out


def _edges(values: list[float]) -> list[float]:
    edges: list[float] = []
    for value in sorted(values):
        if not edges or value - edges[-1] > _SNAP:
            edges.append(value)
    return edges


def _index(edges: list[float], value: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))


def _cell_texts(table, chars) -> list[tuple[float, float, float, float, str]]:
    """Each cell of a table found on a page: its box and its text."""
    from pdfplumber.utils import extract_text

    x0, top, x1, bottom = table.bbox
    inside = [c for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom]
    found = []
    for cx0, ctop, cx1, cbottom in table.cells:
        mine = [c for c in inside if cx0 <= (c["x0"] + c["x1"]) / 2 <= cx1 and ctop <= (c["top"] + c["bottom"]) / 2 <= cbottom]
        found.append((cx0, ctop, cx1, cbottom, _unwrapped(extract_text(mine)) if mine else ""))
    return found


def _table_rows(cells: list[tuple[float, float, float, float, str]]) -> list[list[Spanned]]:
    """Cells with boxes → rows of spanned cells on the table's own row and column edges (every edge any
    cell has: a cell spanning several of them is a merged cell)."""
    xs = _edges([c[0] for c in cells] + [c[2] for c in cells])
    ys = _edges([c[1] for c in cells] + [c[3] for c in cells])
    placed: dict[tuple[int, int], tuple[int, int, str]] = {}
    occupied: set[tuple[int, int]] = set()
    for cx0, ctop, cx1, cbottom, text in sorted(cells, key=lambda c: (c[1], c[0])):
        r0, r1 = _index(ys, ctop), _index(ys, cbottom)
        c0, c1 = _index(xs, cx0), _index(xs, cx1)
        if r1 <= r0 or c1 <= c0 or (r0, c0) in occupied:
            continue
        placed[(r0, c0)] = (r1 - r0, c1 - c0, text)
        occupied.update((r, c) for r in range(r0, r1) for c in range(c0, c1))
    rows: list[list[Spanned]] = []
    for r in range(len(ys) - 1):
        row: list[Spanned] = []
        for c in range(len(xs) - 1):
            if (r, c) in placed:
                rowspan, colspan, text = placed[(r, c)]
                row.append(Spanned(text, rowspan, colspan))
            elif (r, c) not in occupied:
                row.append(Spanned(""))
        rows.append(row)
    return rows


def _cjk(char: str) -> bool:
    return "\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or "\uff00" <= char <= "\uffef" \
        or "\u3000" <= char <= "\u303f"


def _unwrapped(text: str) -> str:
    """A cell's lines joined: a PDF wraps a long text at the cell's edge and keeps no line breaks of its
    own, so lines are one text — without a space where either side is Chinese, with one otherwise."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not lines:
        return ""
    joined = lines[0]
    for line in lines[1:]:
        glued = _cjk(joined[-1]) or _cjk(line[0]) or (joined[-1] in _NUMBER_CHARS and line[0] in _NUMBER_CHARS)
        joined += line if glued else " " + line
    return joined


#: A number wrapped inside a narrow cell (``18.8`` / ``3``) is one number again.
_NUMBER_CHARS = frozenset("0123456789.,%")


def _captions(page, above: float, top: float) -> list[str]:
    """Short text lines between the previous table (or the page's top) and this table."""
    if top - above < 2:
        return []
    try:
        # only what lies wholly above the table: a first row's text may reach over its top line
        region = page.within_bbox((0, max(0.0, above), float(page.width), max(above + 1, top)), strict=False)
        lines = [line["text"].strip() for line in region.extract_text_lines()]
    except Exception:
        return []
    kept: list[str] = []
    for text in reversed(lines):
        if not text:
            continue
        if len(text) > _TITLE_CHARS or len(kept) >= _TITLE_LINES:
            break
        kept.append(text)
    return kept[::-1]


def _joined(found: list[_Found]) -> list[_Found]:
    """Tables that run on over a page break joined: the last table of a page reaching its lower part and
    the first table of the next page (nothing above it but a page header) between the same left and right
    edges. The next page's part is placed right below, so the columns of both parts are one set of edges
    (a part may lack some of the other's column lines: its cells then span them)."""
    out: list[_Found] = []
    for table in found:
        last = out[-1] if out else None
        if (last is not None and table.page == last.pages[-1] + 1 and not _more_on_page(found, last)
                and _first_on_page(found, table) and abs(table.left - last.left) <= 3
                and abs(table.right - last.right) <= 3 and last.bottom > last.height * 0.6
                and len(table.captions) <= 1):
            shift = last.end - table.top
            cells = [(x0, top + shift, x1, bottom + shift, text) for x0, top, x1, bottom, text in table.cells]
            if _continues(last.cells, cells, last.end):
                last.cells, cells = _row_rejoined(last.cells, cells, last.end)
                last.rejoined.append(table.page)
            last.cells.extend(cells)
            last.pages.append(table.page)
            last.bottom, last.height, last.end = table.bottom, table.height, table.bottom + shift
            continue
        out.append(table)
    return out


_FIGURE = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?%?")


def _edge_row(cells, at: float, side: int) -> list[int]:
    """Indexes of the cells whose top (side 1) or bottom (side 3) lies at ``at``."""
    return [i for i, cell in enumerate(cells) if abs(cell[side] - at) <= _SNAP]


def _partner(cell, others):
    return next((other for other in others if abs(other[0] - cell[0]) <= 3 and abs(other[2] - cell[2]) <= 3), None)


def _continues(above, below, end: float) -> bool:
    """The first row of a page's part is the rest of the row the page before ended with (a row Word let
    break across pages): every text in it stands under a text of that row, and either a figure of that
    row (a 分值 or 得分 never wraps onto the next page) has nothing under it, or both rows hold words only
    (a header broken in two). Each row made one again is said in a notice, to be checked."""
    last = [above[i] for i in _edge_row(above, end, 3)]
    first = [below[i] for i in _edge_row(below, min(cell[1] for cell in below), 1)]
    if not last or not first:
        return False
    for cell in first:
        if cell[4]:
            over = _partner(cell, last)
            if over is None or not over[4]:
                return False
    bare = [cell for cell in last if cell[4] and (under := _partner(cell, first)) is not None and not under[4]]
    if any(_FIGURE.fullmatch(cell[4]) for cell in bare):
        return True
    # rows of words only (a header broken in two): every text below continues one above
    return not any(_FIGURE.fullmatch(cell[4]) for cell in last + first)


def _row_rejoined(above, below, end: float):
    """The row broken by the page break made one again: the cells ending at the break reach down over the
    next page's first row, each taking the text under it; a cell of the next page reaching further down
    (its part of a merged cell) keeps what lies below that row."""
    top = min(cell[1] for cell in below)
    first = [below[i] for i in _edge_row(below, top, 1)]
    reach = min(cell[3] for cell in first)
    joined = []
    for cell in above:
        if abs(cell[3] - end) <= _SNAP:
            under = _partner(cell, first)
            text = _unwrapped(cell[4] + "\n" + under[4]) if under is not None and under[4] else cell[4]
            cell = (cell[0], cell[1], cell[2], reach, text)
        joined.append(cell)
    rest = []
    for cell in below:
        if cell in first:
            if cell[3] - reach <= _SNAP:
                continue  # taken into the row above
            cell = (cell[0], reach, cell[2], cell[3], "" if _partner(cell, joined) and cell[4] else cell[4])
        rest.append(cell)
    return joined, rest


def _more_on_page(found: list[_Found], table: _Found) -> bool:
    return any(other.page == table.pages[-1] and other.top >= table.bottom - 1 and other is not table
               for other in found)


def _first_on_page(found: list[_Found], table: _Found) -> bool:
    return not any(other.page == table.page and other.top < table.top for other in found)


def _grids(found: list[_Found], file: str, notices: list[Problem]) -> list[SheetGrid]:
    per_page: dict[int, int] = {}
    for table in found:
        per_page[table.page] = per_page.get(table.page, 0) + 1
    grids: list[SheetGrid] = []
    ordinal: dict[int, int] = {}
    for table in found:
        ordinal[table.page] = ordinal.get(table.page, 0) + 1
        pages = f"第{table.pages[0]}-{table.pages[-1]}页" if len(table.pages) > 1 else f"第{table.page}页"
        name = pages if per_page[table.page] == 1 else f"{pages}表{ordinal[table.page]}"
        grids.append(grid_from_rows(name, _table_rows(table.cells), table.captions))
        for page in table.rejoined:
            notices.append(Problem(source=Source(file=file, sheet=name),
                                   message=f"表格在第 {page - 1} 页末断开的一行，连同第 {page} 页顶部的续行按一行读取，请核对这一行"))
    return grids
