"""PDF files with a text layer, read with pdfplumber.

Tables are found by their ruling lines (``lines`` strategy); a page with text but no ruled table is
tried again by text positions (``text`` strategy). Each cell's extent on the table's own row and
column edges gives its row and column span, so a merged cell is one value covering its range, as
in a sheet. The short text lines just above a table (its printed title) come first, one row each.

A grid is named by its page: ``第2页`` (the page's only table) or ``第2页表1``; a table that runs
on over the next page (its continuation at the top of the next page, on the same columns) is
one grid ``第2-3页``, its rows counted across the pages.

A PDF with no text layer (a scan) is refused: it needs OCR. Bounds on hostile files: the file's
size (common.MAX_INPUT_BYTES), :data:`MAX_PAGES` pages, :data:`MAX_PAGE_CHARS` characters a page.
"""

from __future__ import annotations

import io
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
    page: int
    rows: list[list[Spanned]]
    captions: list[str]
    columns: list[float]
    top: float
    bottom: float
    height: float
    pages: list[int] = field(default_factory=list)


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
    return _grids(_joined(found))


def _page_tables(page, number: int, chars) -> list[_Found]:
    tables = page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
    if not tables:
        tables = page.find_tables({"vertical_strategy": "text", "horizontal_strategy": "text"})
    tables = sorted(tables, key=lambda t: (t.bbox[1], t.bbox[0]))
    out: list[_Found] = []
    above = 0.0
    for table in tables:
        rows, columns = _table_rows(table, chars)
        if not rows:
            continue
        x0, top, x1, bottom = table.bbox
        captions = _captions(page, above, top)
        out.append(_Found(number, rows, captions, columns, top, bottom, float(page.height), [number]))
        above = bottom
    return out


def _edges(values: list[float]) -> list[float]:
    edges: list[float] = []
    for value in sorted(values):
        if not edges or value - edges[-1] > _SNAP:
            edges.append(value)
    return edges


def _index(edges: list[float], value: float) -> int:
    best = min(range(len(edges)), key=lambda i: abs(edges[i] - value))
    return best


def _table_rows(table, chars) -> tuple[list[list[Spanned]], list[float]]:
    from pdfplumber.utils import extract_text

    cells = table.cells
    if not cells:
        return [], []
    xs = _edges([c[0] for c in cells] + [c[2] for c in cells])
    ys = _edges([c[1] for c in cells] + [c[3] for c in cells])
    x0, top, x1, bottom = table.bbox
    inside = [c for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom]
    placed: dict[tuple[int, int], tuple[int, int, str]] = {}
    occupied: set[tuple[int, int]] = set()
    for cx0, ctop, cx1, cbottom in cells:
        r0, r1 = _index(ys, ctop), _index(ys, cbottom)
        c0, c1 = _index(xs, cx0), _index(xs, cx1)
        if r1 <= r0 or c1 <= c0 or (r0, c0) in occupied:
            continue
        mine = [c for c in inside if cx0 <= (c["x0"] + c["x1"]) / 2 <= cx1 and ctop <= (c["top"] + c["bottom"]) / 2 <= cbottom]
        text = _unwrapped(extract_text(mine)) if mine else ""
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
    return rows, xs


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
        joined += line if _cjk(joined[-1]) or _cjk(line[0]) else " " + line
    return joined


def _captions(page, above: float, top: float) -> list[str]:
    """Short text lines between the previous table (or the page's top) and this table."""
    if top - above < 2:
        return []
    try:
        region = page.crop((0, max(0.0, above), float(page.width), max(above, top - 0.5)), strict=False)
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
    """Tables that run on over a page break joined: the last table of a page reaching its bottom
    third and the first table of the next page, with nothing above it but a page header, on the
    same column edges."""
    out: list[_Found] = []
    for table in found:
        last = out[-1] if out else None
        if (last is not None and table.page == last.pages[-1] + 1 and not _more_on_page(found, last)
                and _first_on_page(found, table) and len(table.columns) == len(last.columns)
                and all(abs(a - b) <= 3 for a, b in zip(table.columns, last.columns))
                and last.bottom > last.height * 0.6 and len(table.captions) <= 1):
            last.rows.extend(table.rows)
            last.pages.append(table.page)
            last.bottom = table.bottom
            last.height = table.height
            continue
        out.append(table)
    return out


def _more_on_page(found: list[_Found], table: _Found) -> bool:
    return any(other.page == table.pages[-1] and other.top > table.bottom for other in found)


def _first_on_page(found: list[_Found], table: _Found) -> bool:
    return not any(other.page == table.page and other.top < table.top for other in found)


def _grids(found: list[_Found]) -> list[SheetGrid]:
    per_page: dict[int, int] = {}
    for table in found:
        per_page[table.page] = per_page.get(table.page, 0) + 1
    grids: list[SheetGrid] = []
    ordinal: dict[int, int] = {}
    for table in found:
        ordinal[table.page] = ordinal.get(table.page, 0) + 1
        pages = f"第{table.pages[0]}-{table.pages[-1]}页" if len(table.pages) > 1 else f"第{table.page}页"
        name = pages if per_page[table.page] == 1 else f"{pages}表{ordinal[table.page]}"
        grids.append(grid_from_rows(name, table.rows, table.captions))
    return grids
