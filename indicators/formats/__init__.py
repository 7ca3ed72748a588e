"""Format readers: each turns one kind of file into :class:`~indicators.xlsx.cells.SheetGrid` objects,
and the one locator (:func:`indicators.xlsx.read.read_grids`) finds and reads the tables on them.

==========  =====================================  ===========================================
kind        reader                                 a grid's name (where a source points)
==========  =====================================  ===========================================
xls         xlrd (errors, number formats, merges)  the sheet's name
xlsb        python-calamine                        the sheet's name
ods         content.xml read with lxml             the sheet's name
docx        word/document.xml read with lxml       ``表3`` (the 3rd table of the document)
html        lxml.html                              ``表2`` (the 2nd table of the page)
pdf         pdfplumber                             ``第2页`` or ``第2页表1``
xml 2003    lxml (SpreadsheetML, often named .xls)  the sheet's name
==========  =====================================  ===========================================

docs/formats.md tells why each reader was chosen (measured) and what each format cannot carry.
"""

from __future__ import annotations

from pathlib import Path
from ..loaded import LoadResult
from ..problems import Problem
from .common import FormatError, MAX_INPUT_BYTES, read_input_bytes, refused, with_notices

__all__ = ["read_format", "FormatError", "KIND_NAMES"]

#: A kind as the officer calls it, for messages.
KIND_NAMES = {"xls": "旧版 Excel 工作簿", "xlsb": "Excel 二进制工作簿", "ods": "OpenDocument 表格",
              "docx": "Word 文档", "html": "网页", "pdf": "PDF 文件", "spreadsheetml": "Excel 2003 XML 表格"}


def read_format(kind: str, name: str, targets: bool = False, path: Path | None = None, data: bytes | None = None,
                limits: object | None = None) -> LoadResult:
    """Read the tables of a file of ``kind`` (see the module) from ``path`` or ``data``.

    Never raises for bad input: a file that cannot be read is one problem naming it, in Chinese.
    ``limits`` is :class:`indicators.load.Limits` (a front end's stricter cell limit), taken as it is
    to keep imports one way (load → formats).
    """
    from ..xlsx.gcpause import collector_paused
    from ..xlsx.read import read_grids

    notices: list[Problem] = []
    try:
        if data is None:
            data = read_input_bytes(path, KIND_NAMES.get(kind, "文件"))  # type: ignore[arg-type]
        elif len(data) > MAX_INPUT_BYTES:
            raise FormatError(f"文件超过 {MAX_INPUT_BYTES // (1024 * 1024)} MB 的上限，为防止耗尽内存拒绝读取")
        with collector_paused():
            grids = _reader(kind)(data, name, notices)
            most = getattr(limits, "max_cells", None)
            if most is not None:
                cells = sum(grid.height * grid.width for grid in grids)
                if cells > most:
                    raise FormatError(f"文件中表格的单元格超过 {most:,} 个（{getattr(limits, 'owner', '上限')}），"
                                      f"为防止耗尽内存拒绝读取{getattr(limits, 'advice', '')}")
            return with_notices(read_grids(grids, name, targets), notices)
    except FormatError as exc:  # what was noticed before the file was refused is said too
        return refused(name, str(exc)).model_copy(update={"notices": tuple(notices)})


def _reader(kind: str):
    if kind == "xls":
        from .books import read_xls
        return read_xls
    if kind == "xlsb":
        from .books import read_xlsb
        return read_xlsb
    if kind == "ods":
        from .ods import read_ods
        return read_ods
    if kind == "docx":
        from .docx import read_docx
        return read_docx
    if kind == "html":
        from .html import read_html
        return read_html
    if kind == "pdf":
        from .pdf import read_pdf
        return read_pdf
    if kind == "spreadsheetml":
        from .spreadsheetml import read_spreadsheetml
        return read_spreadsheetml
    raise FormatError(f"不支持的格式：{kind}")
