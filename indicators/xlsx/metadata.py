"""perfscore's own hidden metadata sheet: written by ``export``/``convert``/``template``, read back here.

Both directions live in this module: the writer (:mod:`scoring.reports.workbook`) asks it for the
sheet's rows (:func:`metadata_rows`) and the reader applies what it finds (:func:`read_metadata`,
:func:`apply_metadata`), so the layout, its version and the JSON in its cells are defined once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable

from ..problems import Problem, Source
from ..yaml_nodes import Path_
from .cells import Cell, SheetGrid, _convert, _split_coordinate, coordinate

__all__ = ["META_SHEET", "META_VERSION", "META_HEADER", "META_TITLE", "META_NOTE", "MetaEntry", "text_as_read",
           "compare_text", "metadata_rows", "read_metadata", "apply_metadata"]

#: The hidden sheet perfscore writes into every workbook it produces (export, convert, template).
#: It holds, per table, every model value with the visible cells that show it, so that reading the
#: workbook back gives the model that was written — including what the printed form has no column
#: for (指标性质 on a 湖北 form, 人工扣分, 评价判断, the document, …).
META_SHEET = "perfscore元数据"
#: Version of the metadata layout; a newer one is ignored with a notice rather than misread.
META_VERSION = 1
#: Header row of the metadata sheet (its second row). 取值 and 核对 are JSON.
META_HEADER = ("工作表", "表序", "对象", "序号", "名称", "锚点", "取值", "核对", "原出处")
META_TITLE = "perfscore 元数据"
#: The note beside the version, for an officer who unhides the sheet.
META_NOTE = "perfscore 写入的元数据：表上没有栏目的内容和每个值的原文，读取本工作簿时用到。请勿修改。"


@dataclass(frozen=True)
class MetaEntry:
    """One object of one table: 表 (the evaluation), 资金 (funds), 目标 (a goal) or 指标 (a line)."""

    kind: str
    index: int
    name: str
    values: dict[str, Any]
    #: field → the cells that show it and the text written there; a ref without a row number
    #: (``'H'``) is a column on the object's own row (a line's or a goal's), wherever it now is.
    guards: dict[str, list[tuple[str, str]]]


def compare_text(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


def text_as_read(value: Any, percent: bool = False) -> str:
    """The text this reader finds in a cell written with ``value`` (a str, int or float).

    The writer records it beside each value in the metadata sheet; the reader applies a
    metadata value only while its cells still show that text. A float must have at most
    15 significant digits, so that it survives openpyxl's ``%.16g`` and calamine unchanged.
    """
    converted = _convert(value, percent)
    return compare_text(Cell(converted, 0, 0).text)


def read_metadata(grid: SheetGrid, file: str,
                   notices: list[Problem]) -> dict[tuple[str, int], list[MetaEntry]]:
    """The metadata sheet's entries by (sheet, table ordinal); unreadable rows become notices."""
    def notice(row: int, message: str) -> None:
        notices.append(Problem(source=Source(file=file, sheet=grid.name, cell=coordinate(row, 0)), message=message))

    if grid.height < 2 or grid.cell(0, 0).text.strip() != META_TITLE:
        notice(0, f"工作表“{META_SHEET}”不是 perfscore 写的元数据，已忽略")
        return {}
    version = grid.cell(0, 2).value
    if not isinstance(version, Decimal) or version > META_VERSION:
        notice(0, f"元数据版本“{grid.cell(0, 2).text}”比本程序新，已忽略（请升级 perfscore）")
        return {}
    columns = {grid.cell(1, c).text.strip(): c for c in range(grid.width)}
    if any(head not in columns for head in META_HEADER[:8]):
        notice(1, "元数据表头不完整，已忽略")
        return {}
    found: dict[tuple[str, int], list[MetaEntry]] = {}
    for row in range(2, grid.height):
        text = {head: grid.cell(row, columns[head]).text for head in META_HEADER[:8]}
        if not text["工作表"]:
            continue
        try:
            values = json.loads(text["取值"] or "{}")
            guards = json.loads(text["核对"] or "{}")
            entry = MetaEntry(kind=text["对象"], index=int(text["序号"] or 0), name=text["名称"],
                               values=dict(values),
                               guards={k: [(str(ref), str(shown)) for ref, shown in v] for k, v in guards.items()})
            key = (text["工作表"], int(text["表序"] or 1))
        except (ValueError, TypeError, AttributeError):
            notice(row, "元数据这一行无法读取（可能被改动过），已忽略")
            continue
        found.setdefault(key, []).append(entry)
    return found


def apply_metadata(grid: SheetGrid, cells: dict[Path_, str], data: dict[str, Any], entries: list[MetaEntry]) -> None:
    """Put the written model's values back wherever the visible cells still show what was written.

    Args:
        grid: the sheet the table stands on.
        cells: where the reader found each value of the table (path in ``data`` → cell reference).
        data: the table as read from the visible cells, changed in place.
        entries: the metadata rows of this table.
    """

    def shown(ref: str, row: int | None) -> str | None:
        if ref.isalpha():
            if row is None:
                return None
            col = _split_coordinate(ref + "1")[1]
        else:
            row, col = _split_coordinate(ref)
        return compare_text(grid.cell(row, col).text)

    def merge(target: dict[str, Any], entry: MetaEntry, row: int | None) -> None:
        for field, value in entry.values.items():
            guard = entry.guards.get(field, ())
            if any(shown(ref, row) != compare_text(text) for ref, text in guard):
                continue  # the officer changed what perfscore wrote: the visible value wins
            if value is None:
                target.pop(field, None)
            else:
                target[field] = value

    def row_of(path: Path_) -> int | None:
        ref = cells.get(path)
        return _split_coordinate(ref)[0] if ref else None

    if "goals" in data:
        lines = [(("goals", g, "indicators", i), line) for g, goal in enumerate(data["goals"])
                 for i, line in enumerate(goal["indicators"])]
    else:
        lines = [(("indicators", i), line) for i, line in enumerate(data.get("indicators", []))]
    waiting: dict[str, list[MetaEntry]] = {}
    for entry in entries:
        if entry.kind == "表":
            merge(data, entry, None)
        elif entry.kind == "资金" and isinstance(data.get("funds"), dict):
            merge(data["funds"], entry, None)
        elif entry.kind == "目标" and entry.index < len(data.get("goals", [])):
            merge(data["goals"][entry.index], entry, row_of(("goals", entry.index)))
        elif entry.kind == "指标":
            waiting.setdefault(compare_text(entry.name), []).append(entry)
    # Lines are matched by name (the k-th line named X takes the k-th entry named X), so rows an
    # officer inserted or deleted do not shift the metadata onto the wrong line.
    for path, line in lines:
        name = line.get("name")
        key = compare_text(name if isinstance(name, str) else f"{name:f}" if isinstance(name, Decimal) else "")
        queue = waiting.get(key)
        if queue:
            merge(line, queue.pop(0), row_of(path))


def metadata_rows(entries: Iterable[tuple[str, str, int, str, str, dict[str, Any], dict[str, Any],
                                          dict[str, str] | None]]) -> list[list[Any]]:
    """The metadata sheet's cell values, row by row: the title row, the header, then one row per entry.

    Each entry is ``(sheet, object kind, index, name, anchor, values, guards, origin)``; values,
    guards and origin are written as JSON, which :func:`read_metadata` reads back.
    """
    def dumped(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    rows: list[list[Any]] = [[META_TITLE, "版本", META_VERSION, META_NOTE], list(META_HEADER)]
    for sheet, kind, index, name, anchor, values, guards, origin in entries:
        rows.append([sheet, 1, kind, index, name, anchor, dumped(values), dumped(guards),
                     dumped(origin) if origin else None])
    return rows
