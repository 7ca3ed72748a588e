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


def _xlsb_errors(part: bytes) -> dict[str, str]:
    """Error cells of an .xlsb sheet part, by walking its records (type and size are varints)."""
    errors: dict[str, str] = {}
    pos, row = 0, 0
    end = len(part)
    while pos < end:
        kind, pos = _varint(part, pos, 2)
        size, pos = _varint(part, pos, 4)
        body = part[pos:pos + size]
        pos += size
        if kind == _ROW_HEADER and len(body) >= 4:
            row = struct.unpack_from("<I", body)[0]
        elif kind in _ERROR_RECORDS and len(body) >= 9:
            col = struct.unpack_from("<I", body)[0]
            errors[coordinate(row, col)] = _ERROR_TEXT.get(body[8], "#错误")
    return errors


def read_xlsb(data: bytes, name: str, notices: list[Problem]) -> list[SheetGrid]:
    """Every worksheet of an .xlsb workbook (python-calamine), error cells recovered from its records.

    An .xlsb keeps number formats in a binary style part that is not read: a percentage stored as
    a fraction is read as the fraction, and a notice says so.
    """
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
    parts = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.bin", n))
    grids: list[SheetGrid] = []
    try:
        for index, meta in enumerate(book.sheets_metadata):
            if str(meta.typ) != str(python_calamine.SheetTypeEnum.WorkSheet):
                continue
            sheet = book.get_sheet_by_name(meta.name)
            if sheet.total_height * max(sheet.total_width, 1) > MAX_CELLS:
                raise FormatError(f"工作表“{meta.name}”超过 {MAX_CELLS:,} 个单元格的上限，拒绝读取")
            extras = _SheetExtras()
            part = f"xl/worksheets/sheet{index + 1}.bin"
            if part in parts:
                extras.errors.update(_xlsb_errors(archive.read(part)))
            grids.append(_grid(meta.name, sheet.to_python(skip_empty_area=False), sheet.merged_cell_ranges or [],
                               extras))
    except FormatError:
        raise
    except Exception as exc:
        raise FormatError(f"Excel 二进制工作簿（.xlsb）内容损坏，无法读取（{type(exc).__name__}）") from None
    finally:
        book.close()
    if grids:
        notices.append(Problem(source=Source(file=name),
                               message="Excel 二进制工作簿（.xlsb）的数字格式未读取：以百分比显示的数可能按小数读出，"
                                       "请核对比率；如有疑问请另存为 .xlsx 再试"))
    return grids
