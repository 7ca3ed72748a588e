"""What every format reader shares: a table's cells (with row and column spans) → a :class:`SheetGrid`.

A Word table, an HTML table and a table found on a PDF page all come as rows of cells, each cell
with its text and how many rows and columns it spans. :func:`grid_from_rows` places them the way
HTML does (a cell goes to the first column of its row that no span from above already fills),
fills every covered cell with its range's value, and keeps the holding (top-left) cell in
``covered`` — the same grid the xlsx reader builds from a sheet's merged ranges — so the one
locator (:func:`indicators.xlsx.read.read_grids`) reads every format alike.

Values are read as the xlsx reader reads them: a cell holding a plain number (``10``, ``-3.5``)
is a Decimal, anything else is text as shown (``95.32%``, ``4,342.32``, ``—``), an empty cell is
None. A cell showing an Excel error value (``#DIV/0!``) is put in ``errors`` so the table reports
it instead of reading it as text.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..loaded import LoadResult
from ..problems import PerfscoreError, Problem, Source
from ..xlsx.cells import MAX_CELLS, MAX_UNCOMPRESSED_BYTES, SheetGrid, coordinate

__all__ = ["FormatError", "zip_part", "safe_xml", "Spanned", "grid_from_rows", "MAX_SPAN", "MAX_INPUT_BYTES", "cell_value",
           "read_input_bytes", "with_notices", "NO_TABLE_MESSAGE", "refused", "ERROR_VALUES"]

#: A file larger than this is refused before it is parsed (a document with a 自评表 is far smaller).
MAX_INPUT_BYTES = 100 * 1024 * 1024
#: A row or column span larger than this is clamped (HTML allows colspan up to 1000 anyway).
MAX_SPAN = 1000
#: Text of a cell showing an Excel error value (a saved page or a printed PDF keeps it as text).
ERROR_VALUES = frozenset({"#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA",
                          "#SPILL!", "#CALC!"})
#: Said when a document holds no table the locator recognises (the xlsx reader says 工作簿).
NO_TABLE_MESSAGE = "文件中找不到自评表（没有“三级指标”“年度指标值”“实际完成值”等表头）"

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")


class FormatError(PerfscoreError, ValueError):
    """The file cannot be read in its format; the message is Chinese and says what to do."""


@dataclass(frozen=True, slots=True)
class Spanned:
    """One cell of a table as a format gives it: its text and the rows/columns it spans."""

    text: str
    rowspan: int = 1
    colspan: int = 1


def cell_value(text: str) -> str | Decimal | None:
    """A cell's text → what the xlsx reader would hold: None when blank, a Decimal for a plain number,
    else the text with runs of spaces made one and each line trimmed (line breaks kept)."""
    if not text:
        return None
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    cleaned = "\n".join(line for line in lines if line)
    if not cleaned:
        return None
    if _NUMBER.fullmatch(cleaned):
        return Decimal(cleaned)  # the pattern admits only what Decimal reads
    return cleaned


def grid_from_rows(name: str, rows: list[list[Spanned]], captions: list[str] | tuple[str, ...] = ()) -> SheetGrid:
    """Place a table's rows of spanned cells on a :class:`SheetGrid` named ``name``.

    ``captions`` (text above the table: a Word paragraph, an HTML caption, a PDF line) come first,
    one row each spanning the table's width, so a title printed above a table is read as the
    xlsx reader reads a title row — unless the table prints its own title (its first row one value
    across its width naming a 表): then the text above is a section heading or an exporter's sheet
    label ("Sheet 1: …"), not the table's title, and is left out. Spans are clamped to :data:`MAX_SPAN`; a grid over
    :data:`~indicators.xlsx.cells.MAX_CELLS` cells raises :class:`FormatError`.
    """
    placed: list[list[tuple[int, int] | None]] = []  # row → column → holding cell
    texts: dict[tuple[int, int], str] = {}
    width = 0
    for r, row in enumerate(rows):
        while len(placed) <= r:
            placed.append([])
        col = 0
        for cell in row:
            line = placed[r]
            while col < len(line) and line[col] is not None:
                col += 1
            rowspan = max(1, min(cell.rowspan, MAX_SPAN, len(rows) - r))
            colspan = max(1, min(cell.colspan, MAX_SPAN))
            if (col + colspan) * len(rows) > MAX_CELLS:
                raise FormatError(f"表格“{name}”超过 {MAX_CELLS:,} 个单元格的上限，拒绝读取")
            for dr in range(rowspan):
                while len(placed) <= r + dr:
                    placed.append([])
                target = placed[r + dr]
                if len(target) < col + colspan:
                    target.extend([None] * (col + colspan - len(target)))
                for dc in range(colspan):
                    if target[col + dc] is None:
                        target[col + dc] = (r, col)
            texts[(r, col)] = cell.text
            width = max(width, col + colspan)
            col += colspan
    if captions and _titled(placed, texts, width):
        captions = ()
    offset = len(captions)
    if captions and width == 0:
        width = 1
    values: list[list[str | Decimal | None]] = []
    covered: dict[int, dict[int, tuple[int, int]]] = {}
    errors: dict[str, str] = {}
    for caption in captions:
        value = cell_value(caption)
        r = len(values)
        values.append([value] * width)
        if value is not None and width > 1:
            covered[r] = {c: (r, 0) for c in range(1, width)}
    converted: dict[tuple[int, int], str | Decimal | None] = {}
    for (r, c), text in texts.items():
        value = cell_value(text)
        if type(value) is str and value in ERROR_VALUES:
            errors[coordinate(r + offset, c)] = value
        converted[(r, c)] = value
    for r, line in enumerate(placed):
        row: list[str | Decimal | None] = [None] * width
        for c, holder in enumerate(line):
            if holder is None:
                continue
            value = converted.get(holder)
            if value is None:
                continue
            row[c] = value
            if holder != (r, c):
                covered.setdefault(r + offset, {})[c] = (holder[0] + offset, holder[1])
        values.append(row)
    return SheetGrid(name=name, values=values, covered=covered, errors=errors)


def _titled(placed: list[list[tuple[int, int] | None]], texts: dict[tuple[int, int], str], width: int) -> bool:
    """The table's first row is one value across its whole width that names a 表 (自评表, 目标表 …)."""
    if width < 2 or not placed or len(placed[0]) < width or any(cell != (0, 0) for cell in placed[0]):
        return False
    return "表" in texts.get((0, 0), "")


def read_input_bytes(path: Path, kind: str) -> bytes:
    """A file's bytes, refused when missing, empty or larger than :data:`MAX_INPUT_BYTES`."""
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise FormatError("这是一个文件夹，不是文件")
        if size > MAX_INPUT_BYTES:
            raise FormatError(f"文件有 {size // (1024 * 1024)} MB，超过{kind}的上限 "
                              f"{MAX_INPUT_BYTES // (1024 * 1024)} MB，为防止耗尽内存拒绝读取")
        data = path.read_bytes()
    except FileNotFoundError:
        raise FormatError("文件不存在") from None
    except OSError as exc:
        raise FormatError(f"无法读取文件：{exc.strerror}") from None
    if not data:
        raise FormatError("文件是空的（0 字节）")
    return data


def refused(name: str, message: str) -> LoadResult:
    return LoadResult(problems=(Problem(source=Source(file=name), message=message),))


def with_notices(result: LoadResult, notices: list[Problem]) -> LoadResult:
    """``result`` with the format reader's own notices first, and the workbook wording of the
    locator's "no table" problem said of a document."""
    problems = tuple(Problem(source=p.source, message=NO_TABLE_MESSAGE)
                     if p.message.startswith("工作簿中找不到自评表") else p for p in result.problems)
    return result.model_copy(update={"notices": tuple(notices) + result.notices, "problems": problems})


def zip_part(data: bytes, part: str, *, what: str, save_as: str, missing: str, damaged: str) -> bytes:
    """One part of a zip-based document (``content.xml``, ``word/document.xml``), within the limits.

    ``what`` names the document in messages (``文档``, ``表格``); ``damaged`` may hold ``{error}``.
    zipfile never inflates a part past the size its directory declares, so the declared size is the bound.

    Raises:
        FormatError: too large, encrypted, the part is missing (``missing``), or the zip is damaged.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        info = archive.getinfo(part)
        if info.file_size > MAX_UNCOMPRESSED_BYTES:
            raise FormatError(f"{what}解压后超过上限 {MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB，为防止内存耗尽拒绝读取")
        if info.flag_bits & 0x1:
            raise FormatError(f"{what}有密码保护，无法读取：请取消密码后另存为 {save_as} 再试")
        return archive.read(part)
    except FormatError:
        raise
    except KeyError:
        raise FormatError(missing) from None
    except Exception as exc:  # zipfile's many ways of saying "damaged": BadZipFile, zlib.error, NotImplementedError…
        raise FormatError(damaged.format(error=type(exc).__name__)) from None


def safe_xml(content: bytes, *, what: str, damaged: str):  # -> lxml.etree._Element
    """``content`` parsed with no DTD, no entities, no network; ``damaged`` may hold ``{error}``.

    Raises:
        FormatError: a DTD or entity is declared, or the XML does not parse.
    """
    from lxml import etree

    if b"<!DOCTYPE" in content[:4096] or b"<!ENTITY" in content:
        raise FormatError(f"{what}内容异常（声明了 DTD 或实体），拒绝读取")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
    try:
        return etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise FormatError(damaged.format(error=exc.msg)) from None
