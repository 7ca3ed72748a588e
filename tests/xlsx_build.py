"""Build small workbooks inside tests: rows as lists, merges as ranges (openpyxl)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import openpyxl


def write_book(path: Path, sheets: dict[str, Iterable[Iterable[Any]]], merges: dict[str, list[str]] | None = None,
               formats: dict[str, dict[str, str]] | None = None, hidden_columns: dict[str, list[str]] | None = None,
               start: str = "A1") -> Path:
    """Write ``sheets`` (name → rows) to ``path``; ``None`` leaves a cell empty."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    col0 = ord(start[0]) - 65
    row0 = int(start[1:]) - 1
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.cell(row=row0 + r + 1, column=col0 + c + 1, value=value)
        for ref in (merges or {}).get(name, []):
            sheet.merge_cells(ref)
        for ref, fmt in (formats or {}).get(name, {}).items():
            sheet[ref].number_format = fmt
        for letter in (hidden_columns or {}).get(name, []):
            sheet.column_dimensions[letter].hidden = True
    book.save(path)
    return path


# A 财政部-form project table (乌海 columns), like U4, with merged 一级/二级 cells.
MOF_ROWS = [
    ["项目支出绩效自评表", None, None, None, None, None, None, None, None, None, None, None],
    ["(2023年度)", None, None, None, None, None, None, None, None, None, None, None],
    ["项目名称", None, "医疗保障经办数字化改革及系统运行维护费", None, None, None, None, None, None, None, None, None],
    ["主管部门", None, "乌海市医疗保障局(部门)", None, None, None, None, "实施单位", "乌海市医疗保障局", None, None, None],
    ["项目资金（万元）", None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率(%)", "得分", None, None, None, None],
    [None, "年度资金总额", 0, 25, 18.83, 10, 75.32, 7.53, None, None, None, None],
    [None, "其中：财政拨款", 0, 25, 18.83, "—", 75.32, "—", None, None, None, None],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "指标性质", "指标方向", "年度指标值", "实际完成值", "计量单位", "分值",
     "得分", "偏差原因分析及改进措施"],
    [None, "产出指标", "数量指标", "完成年度医保信息化建设项目", "正向", "大于等于", 1, 2, "项", 10, 10, None],
    [None, None, None, "医保信息化系统运行维护项目", "正向", "大于等于", 1, 3, "项", 15, 15, None],
    [None, None, "成本指标", "开展相关工作所需成本支出", "正向", "等于", 25, 18.83, "万元", 5, 3.77, None],
    [None, "效益指标", "社会效益", "提高办公效率", "定性", None, "进一步提升", "进一步提升", None, 60, 60, None],
    [None, "满意度指标", "服务对象满意度", "参保群众满意度", "正向", "大于等于", 95, 98, "%", 0, 0, None],
    ["总分", None, None, None, None, None, None, None, None, 100, 95.30, None],
]
MOF_MERGES = ["A1:L1", "A2:L2", "A3:B3", "C3:L3", "A4:B4", "A5:B5", "A6:A7", "A8:A13", "B9:B11", "C9:C10",
              "A14:I14"]


def with_errors(path: Path, patched: Path, errors: dict[str, str], sheet: int = 1) -> Path:
    """A copy of the workbook at ``path`` whose cells ``errors`` (ref → ``#DIV/0!``) hold Excel error values,
    as Excel saves them (``<c r="G6" t="e"><v>#DIV/0!</v></c>``); each cell must hold a number first."""
    import re
    import zipfile

    name = f"xl/worksheets/sheet{sheet}.xml"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == name:
                for ref, error in errors.items():
                    data, count = re.subn(rb'<c r="' + ref.encode() + rb'"([^>]*?)t="n"([^>]*)><v>[^<]*</v></c>',
                                          b'<c r="' + ref.encode() + rb'"\1t="e"\2><v>' + error.encode() + b"</v></c>",
                                          data)
                    assert count == 1, (ref, data[:2000])
            target.writestr(item, data)
    return patched
