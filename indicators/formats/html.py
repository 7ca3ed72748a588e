"""Web pages (.html/.htm, a saved page or an "xls" that is really a page) read with lxml.html.

Every ``<table>`` of the page is one grid, named ``表1``, ``表2`` … in document order (a table
inside another table's cell is a table of its own, its text not repeated in the outer cell).
``rowspan``/``colspan`` are placed as a browser places them. A ``<caption>`` and the short text
blocks just above a table (a ``<p>`` or heading holding the title) come first, as the title rows
of a sheet would. Nothing of the page is run: scripts and styles are dropped before reading.

The page's encoding: a byte-order mark, else the ``<meta charset>`` or ``http-equiv`` it
declares (GBK and GB2312 are read as GB18030, their superset), else UTF-8, else GB18030; a page
whose bytes do not fit its declared encoding is read with the first one that fits, with a notice.
"""

from __future__ import annotations

import re

from ..problems import Problem, Source
from ..xlsx.cells import SheetGrid
from .common import FormatError, Spanned, grid_from_rows

__all__ = ["read_html", "decode_page"]

_META = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_\-:.]+)""", re.I)
_XML_DECL = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_\-.]+)""", re.I)
_GB = {"gbk", "gb2312", "gb_2312", "gb_2312-80", "x-gbk", "cp936", "ms936", "windows-936", "gb18030", "csgb2312",
       "euc-cn", "x-euc-cn", "chinese", "iso-ir-58"}
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "div", "center", "caption", "li", "dt", "dd", "section",
           "header", "article", "blockquote", "pre"}
#: A text block longer than this is body text, not a table's title.
_TITLE_CHARS = 80
#: Text blocks kept above a table as its title candidates.
_TITLE_BLOCKS = 2
#: Rows of one table kept (a page of a million rows is no self-evaluation table).
_MAX_ROWS = 20_000


def _codec(label: str) -> str | None:
    import codecs

    label = label.strip().lower()
    if label in _GB:
        return "gb18030"
    if label in ("big5", "big5-hkscs", "x-x-big5"):
        return "big5hkscs"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_page(data: bytes) -> tuple[str, str, str | None]:
    """The page's text, the encoding it was read with, and a notice when that is not the declared one."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(codec, "replace"), codec, None
    if data[:2] == b"<\x00":
        return data.decode("utf-16-le", "replace"), "utf-16-le", None
    head = data[:4096]
    found = _META.search(head) or _XML_DECL.search(head)
    declared = _codec(found.group(1).decode("ascii", "replace")) if found else None
    tried = [declared] if declared else []
    tried += [c for c in ("utf-8", "gb18030") if c not in tried]
    for codec in tried:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if declared and codec != declared:
            return text, codec, f"网页声明的编码是 {found.group(1).decode('ascii', 'replace')}，但内容不符，已按 {codec} 读取，请核对文字"
        if not declared and codec != "utf-8":
            return text, codec, f"网页没有声明编码，已按 {codec} 读取，请核对文字"
        return text, codec, None
    codec = declared or "gb18030"
    return data.decode(codec, "replace"), codec, f"网页中有无法按 {codec} 解码的字节，已替换为“�”，请核对文字"


def read_html(data: bytes, name: str, notices: list[Problem]) -> list[SheetGrid]:
    """Every table of a web page as a grid (see the module)."""
    import lxml.html
    from lxml import etree

    text, _, notice = decode_page(data)
    if notice:
        notices.append(Problem(source=Source(file=name), message=notice))
    text = text.replace("\x00", "")
    if not text.strip():
        raise FormatError("网页是空的，没有任何内容")
    try:
        root = lxml.html.document_fromstring(text, parser=lxml.html.HTMLParser(
            remove_comments=True, remove_pis=True, no_network=True, huge_tree=False, recover=True))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise FormatError(f"网页无法解析（{exc}）") from None
    for dropped in root.xpath("//script|//style|//noscript|//template|//iframe|//object"):
        dropped.drop_tree()
    grids: list[SheetGrid] = []
    above: list[str] = []
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "table":
            captions = [_text(c) for c in element if isinstance(c.tag, str) and c.tag == "caption"]
            titles = [t for t in above[-_TITLE_BLOCKS:]] + [c for c in captions if c]
            grids.append(grid_from_rows(f"表{len(grids) + 1}", _rows(element), titles))
            above = []
        elif tag == "hr" or tag == "a" and element.get("href") is not None:
            above = []  # a rule or a link (a page's menu, a list of sheets) stands between: no title of the next table
        elif tag in _BLOCKS and not _has_block(element) and _nearest_table(element) is None:
            said = _text(element)
            if said and len(said) <= _TITLE_CHARS:
                above.append(said)
            elif said:
                above = []
    if not grids:
        raise FormatError("网页中没有表格（<table>）：请确认保存的是含自评表的页面；若表格是图片，需要先做文字识别（OCR）")
    return grids


def _nearest_table(element):
    parent = element.getparent()
    while parent is not None:
        if parent.tag == "table":
            return parent
        parent = parent.getparent()
    return None


def _has_block(element) -> bool:
    return any(isinstance(child.tag, str) and (child.tag in _BLOCKS or child.tag == "table")
               for child in element.iterdescendants())


def _text(element) -> str:
    """An element's text as shown: ``<br>`` and block ends as line breaks, nested tables left out."""
    parts: list[str] = []

    def walk(node) -> None:
        if isinstance(node.tag, str):
            if node.tag == "br":
                parts.append("\n")
            elif node.tag == "table" and node is not element:
                return
            if node.text:
                parts.append(node.text)
            for child in node:
                walk(child)
                if child.tail:
                    parts.append(child.tail)
            if node.tag in _BLOCKS and node is not element:
                parts.append("\n")

    walk(element)
    return "".join(parts).strip()


def _span(value: str | None) -> int:
    match = re.match(r"\s*(\d+)", value or "")
    return int(match.group(1)) if match and int(match.group(1)) > 0 else 1


def _rows(table) -> list[list[Spanned]]:
    rows: list[list[Spanned]] = []
    for row in table.iter("tr"):
        if _nearest_table(row) is not table:
            continue
        if len(rows) >= _MAX_ROWS:
            raise FormatError(f"网页中的表格超过 {_MAX_ROWS:,} 行，拒绝读取")
        cells = [Spanned(_text(cell), _span(cell.get("rowspan")), _span(cell.get("colspan")))
                 for cell in row if isinstance(cell.tag, str) and cell.tag in ("td", "th")]
        rows.append(cells)
    return rows
