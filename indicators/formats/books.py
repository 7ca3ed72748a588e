"""Binary workbooks: .xls (and WPS .et) through xlrd, .xlsb through python-calamine.

Measured (docs/formats.md): python-calamine reads an .xls about as fast as xlrd but turns an error
cell (``#DIV/0!``) into an empty string and gives no number formats, so a percentage stored as
0.9532 would be read as 0.9532 instead of the 95.32% the officer sees. xlrd with
``formatting_info=True`` keeps both, plus merged ranges and hidden rows/columns: .xls is read
with xlrd. For .xlsb no other maintained reader exists; calamine's values are used and the few
facts it drops are recovered by scanning the sheet's binary records for error cells.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from decimal import Decimal
from typing import Any

from ..problems import Problem, Source
from ..xlsx.cells import MAX_CELLS, MAX_UNCOMPRESSED_BYTES, SheetGrid, _convert, coordinate
from .common import FormatError

__all__ = ["read_xls", "read_xlsb"]

_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def _is_percent(format_string: str) -> bool:
    return "%" in _QUOTED.sub("", format_string)


def read_xls(data: bytes, name: str, notices: list[Problem]) -> list[SheetGrid]:
    """Every worksheet of an .xls (BIFF) workbook as a grid, errors and percent formats kept.

    A WPS .et file is tried the same way (WPS writes it in the .xls format); one that is not is
    refused saying to save it as .xlsx in WPS.
    """
    try:
        return _read_xls(data)
    except FormatError as exc:
        if name.lower().endswith(".et") and "密码" not in str(exc):
            raise FormatError("WPS 表格（.et）文件无法按 .xls 格式读取：请在 WPS 表格中“另存为” .xlsx 后再试") from None
        raise


def _read_xls(data: bytes) -> list[SheetGrid]:
    import xlrd

    if "EncryptionInfo".encode("utf-16-le") in data[:4 * 1024 * 1024]:
        raise FormatError("工作簿有密码保护，无法读取：请在 Excel/WPS 中取消密码后另存为 .xlsx 再试")
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True,
                                  logfile=io.StringIO())
    except xlrd.biffh.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise FormatError("工作簿有密码保护，无法读取：请在 Excel/WPS 中取消密码后另存为 .xlsx 再试") from None
        raise FormatError(f"旧版 Excel（.xls）文件已损坏或格式不受支持（{exc}）：请在 Excel/WPS 中打开并"
                          f"“另存为” .xlsx 后再试") from None
    except Exception as exc:  # xlrd raises assorted errors for cut-off or hostile files
        raise FormatError(f"旧版 Excel（.xls）文件已损坏，无法读取（{type(exc).__name__}）：请在 Excel/WPS 中"
                          f"打开并“另存为” .xlsx 后再试") from None
    grids: list[SheetGrid] = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            if sheet.nrows * max(sheet.ncols, 1) > MAX_CELLS:
                raise FormatError(f"工作表“{sheet.name}”有 {sheet.nrows} 行 × {sheet.ncols} 列，"
                                  f"超过 {MAX_CELLS:,} 个单元格的上限，拒绝读取")
            grids.append(_xls_grid(book, sheet))
            book.unload_sheet(index)
    except FormatError:
        raise
    except Exception as exc:
        raise FormatError(f"旧版 Excel（.xls）文件内容损坏，无法读取（{type(exc).__name__}）：请在 Excel/WPS 中"
                          f"打开并“另存为” .xlsx 后再试") from None
    finally:
        book.release_resources()
    return grids


def _xls_grid(book: Any, sheet: Any) -> SheetGrid:
    import xlrd

    percent_formats: dict[int, bool] = {}

    def percent(xf_index: int) -> bool:
        found = percent_formats.get(xf_index)
        if found is None:
            xf = book.xf_list[xf_index] if xf_index < len(book.xf_list) else None
            fmt = book.format_map.get(xf.format_key) if xf is not None else None
            found = percent_formats[xf_index] = fmt is not None and _is_percent(fmt.format_str)
        return found

    values: list[list[str | Decimal | None]] = []
    errors: dict[str, str] = {}
    width = sheet.ncols
    for r in range(sheet.nrows):
        row: list[str | Decimal | None] = [None] * width
        types, raw, xfs = sheet.row_types(r), sheet.row_values(r), None
        for c, kind in enumerate(types):
            if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                continue
            value = raw[c]
            if kind == xlrd.XL_CELL_ERROR:
                errors[coordinate(r, c)] = xlrd.error_text_from_code.get(value, "#错误")
                continue
            if kind == xlrd.XL_CELL_NUMBER:
                if xfs is None:
                    xfs = [sheet.cell_xf_index(r, k) for k in range(len(types))]
                row[c] = _convert(value, percent(xfs[c]))
            elif kind == xlrd.XL_CELL_DATE:
                try:
                    row[c] = _convert(xlrd.xldate_as_datetime(value, book.datemode), False)
                except Exception:  # a date before 1900 or out of range: kept as its number
                    row[c] = _convert(value, False)
            elif kind == xlrd.XL_CELL_BOOLEAN:
                row[c] = "是" if value else "否"
            else:
                row[c] = _convert(value, False)
        values.append(row)
    covered: dict[int, dict[int, tuple[int, int]]] = {}
    for r0, r1, c0, c1 in sheet.merged_cells:  # ends exclusive
        if r0 >= len(values) or c0 >= width or values[r0][c0] is None:
            continue
        top = values[r0][c0]
        for r in range(r0, min(r1, len(values))):
            for c in range(c0 + 1 if r == r0 else c0, min(c1, width)):
                values[r][c] = top
                covered.setdefault(r, {})[c] = (r0, c0)
    hidden_rows = {r for r, info in sheet.rowinfo_map.items() if getattr(info, "hidden", 0)}
    hidden_columns = {c for c, info in sheet.colinfo_map.items() if getattr(info, "hidden", 0)}
    return SheetGrid(name=sheet.name, values=values, covered=covered, errors=errors,
                     hidden_columns=hidden_columns, hidden_rows=hidden_rows)


# --- .xlsb -----------------------------------------------------------------------------------------

#: BrtCellError and BrtFmlaError: a cell holding an error value (MS-XLSB 2.4.x record types).
_ERROR_RECORDS = {0x03: False, 0x0B: True}
_ROW_HEADER = 0x00
_ERROR_TEXT = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
               0x2A: "#N/A", 0x2B: "#GETTING_DATA"}


def _varint(data: bytes, pos: int, most: int) -> tuple[int, int]:
    value = shift = 0
    for _ in range(most):
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    return value, pos


#: Cell records with a number (BrtCellRk, BrtCellReal, BrtFmlaNum): a percent style makes them a percentage.
_NUMBER_RECORDS = {0x02, 0x05, 0x09}
_MERGE_CELL = 0xB0


def _records(data: bytes):
    """(type, body) of each record of an .xlsb part (type and size are variable-length integers)."""
    pos, end = 0, len(data)
    while pos < end:
        kind, pos = _varint(data, pos, 2)
        size, pos = _varint(data, pos, 4)
        yield kind, data[pos:pos + size]
        pos += size


def _xlsb_scan(part: bytes, percent_styles: set[int]) -> tuple[dict[str, str], set[str], list]:
    """Error cells, percent-formatted number cells and merged ranges of an .xlsb sheet part —
    what python-calamine drops — by walking its records (MS-XLSB 2.4)."""
    errors: dict[str, str] = {}
    percent: set[str] = set()
    merges: list[tuple[tuple[int, int], tuple[int, int]]] = []
    row = 0
    for kind, body in _records(part):
        if kind == _ROW_HEADER and len(body) >= 4:
            row = struct.unpack_from("<I", body)[0]
        elif kind in _ERROR_RECORDS and len(body) >= 9:
            col = struct.unpack_from("<I", body)[0]
            errors[coordinate(row, col)] = _ERROR_TEXT.get(body[8], "#错误")
        elif kind in _NUMBER_RECORDS and percent_styles and len(body) >= 8:
            col = struct.unpack_from("<I", body)[0]
            if (body[4] | body[5] << 8 | body[6] << 16) in percent_styles:
                percent.add(coordinate(row, col))
        elif kind == _MERGE_CELL and len(body) >= 16:
            r0, r1, c0, c1 = struct.unpack_from("<IIII", body)
            if r0 <= r1 < 1 << 20 and c0 <= c1 < 1 << 14:
                merges.append(((r0, c0), (r1, c1)))
    return errors, percent, merges


def _xlsb_errors(part: bytes) -> dict[str, str]:
    """Error cells of an .xlsb sheet part."""
    return _xlsb_scan(part, set())[0]


#: Built-in number formats showing a percentage (0%, 0.00%).
_PERCENT_BUILTIN = {9, 10}


def _xlsb_percent_styles(archive: zipfile.ZipFile) -> set[int]:
    """Indexes of the cell styles (BrtXF in BrtBeginCellXFs) whose number format shows a percentage."""
    try:
        styles = archive.read("xl/styles.bin")
    except KeyError:
        return set()
    custom: dict[int, str] = {}
    percent: set[int] = set()
    in_cell_xfs, index = False, 0
    for kind, body in _records(styles):
        if kind == 0x2C and len(body) >= 6:  # BrtFmt: ifmt, stFmtCode
            custom[struct.unpack_from("<H", body)[0]] = _wide_string(body, 2)[0]
        elif kind == 0x269:  # BrtBeginCellXFs
            in_cell_xfs, index = True, 0
        elif kind == 0x26A:  # BrtEndCellXFs
            in_cell_xfs = False
        elif kind == 0x2F and in_cell_xfs and len(body) >= 4:  # BrtXF
            fmt = struct.unpack_from("<H", body, 2)[0]
            if fmt in _PERCENT_BUILTIN or _is_percent(custom.get(fmt, "")):
                percent.add(index)
            index += 1
    return percent


def _wide_string(body: bytes, pos: int) -> tuple[str, int]:
    (count,) = struct.unpack_from("<I", body, pos)
    pos += 4
    if count == 0xFFFFFFFF:
        return "", pos
    end = pos + 2 * min(count, 65536)
    return body[pos:end].decode("utf-16-le", "replace"), end


def _xlsb_sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part, from workbook.bin's BrtBundleSh records and the workbook's relationships."""
    from ..xlsx.cells import _RELATIONSHIP, _attributes

    rels = archive.read("xl/_rels/workbook.bin.rels")
    targets = {found.get("Id"): found.get("Target", "") for found in map(_attributes, _RELATIONSHIP.findall(rels))}
    book = archive.read("xl/workbook.bin")
    parts: dict[str, str] = {}
    pos = 0
    while pos < len(book):
        kind, pos = _varint(book, pos, 2)
        size, pos = _varint(book, pos, 4)
        body = book[pos:pos + size]
        pos += size
        if kind == 0x9C and len(body) >= 12:  # BrtBundleSh: hsState, iTabID, strRelID, strName
            rel, at = _wide_string(body, 8)
            name, _ = _wide_string(body, at)
            target = targets.get(rel, "")
            parts[name] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return parts


def read_xlsb(data: bytes, name: str, notices: list[Problem]) -> list[SheetGrid]:
    """Every worksheet of an .xlsb workbook: values by python-calamine; error cells, percent formats and
    merged ranges (which calamine drops for .xlsb) recovered from the sheet's and styles' records."""
    import python_calamine

    from ..xlsx.cells import _grid, _SheetExtras

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED_BYTES:
            raise FormatError(f"工作簿解压后超过上限 {MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB，为防止内存耗尽拒绝读取")
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except FormatError:
        raise
    except python_calamine.PasswordError:
        raise FormatError("工作簿有密码保护，无法读取：请取消密码后另存为 .xlsx 再试") from None
    except Exception as exc:
        raise FormatError(f"Excel 二进制工作簿（.xlsb）已损坏，无法读取（{type(exc).__name__}）：请另存为 .xlsx 后再试") from None
    try:
        parts = _xlsb_sheet_parts(archive)
        percent_styles = _xlsb_percent_styles(archive)
    except Exception:  # no relationships or styles to go by: what cannot be found is said per sheet
        parts, percent_styles = {}, set()
    grids: list[SheetGrid] = []
    try:
        for meta in book.sheets_metadata:
            if str(meta.typ) != str(python_calamine.SheetTypeEnum.WorkSheet):
                continue
            sheet = book.get_sheet_by_name(meta.name)
            if sheet.total_height * max(sheet.total_width, 1) > MAX_CELLS:
                raise FormatError(f"工作表“{meta.name}”超过 {MAX_CELLS:,} 个单元格的上限，拒绝读取")
            extras = _SheetExtras()
            merges = list(sheet.merged_cell_ranges or [])
            part = parts.get(meta.name)
            if part in archive.namelist():
                errors, percent, found = _xlsb_scan(archive.read(part), percent_styles)
                extras.errors.update(errors)
                extras.percent_cells.update(percent)
                merges = merges or found
            else:
                notices.append(Problem(source=Source(file=name, sheet=meta.name),
                                       message="找不到这张工作表的数据部分，其中的错误值、百分比格式和合并单元格无法识别："
                                               "请另存为 .xlsx 后再试"))
            grids.append(_grid(meta.name, sheet.to_python(skip_empty_area=False), merges, extras))
    except FormatError:
        raise
    except Exception as exc:
        raise FormatError(f"Excel 二进制工作簿（.xlsb）内容损坏，无法读取（{type(exc).__name__}）") from None
    finally:
        book.close()
    return grids
