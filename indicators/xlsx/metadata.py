"""perfscore's own hidden metadata sheet: written by ``export``/``convert``/``template``, read back here.

Both directions live in this module: the writer (:mod:`scoring.reports.workbook`) asks it for the
sheet's rows (:func:`metadata_rows`) and the reader applies what it finds (:func:`read_metadata`,
:func:`apply_metadata`), so the layout, its version and the JSON in its cells are defined once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterable

from ..model import _SIGN_NATURE, nature_sign
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


class _Entries(list):
    """A table's metadata entries, with where a disagreement with the visible form is reported."""

    def __init__(self, file: str, notices: list[Problem]) -> None:
        super().__init__()
        self.file, self.notices = file, notices


def read_metadata(grid: SheetGrid, file: str,
                   notices: list[Problem]) -> dict[tuple[str, int], list[MetaEntry]]:
    """The metadata sheet's entries by (sheet, table ordinal); unreadable rows become notices.

    :func:`apply_metadata` reports into the same ``notices`` where an entry disagrees with the
    visible form (the visible cells win)."""
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
        except (ValueError, TypeError, AttributeError, RecursionError):  # RecursionError: JSON nested too deep
            notice(row, "元数据这一行无法读取（可能被改动过），已忽略")
            continue
        found.setdefault(key, _Entries(file, notices)).append(entry)
    return found


#: A field no printed form has a column for that changes a line's score. A scored export states a line's
#: status in its 扣分说明 cell, and a line not applicable always shows 【不适用】 there: a metadata entry
#: saying 不适用 for a row that does not show it contradicts the visible form.
_STATUS_OF = {"not_applicable": "不适用"}
#: Keys the writer never puts in a metadata entry's values: a table's goals and lines, a goal's lines and
#: every source are read from the visible form alone (a crafted ``"indicators": []`` would erase them).
_STRUCTURE = frozenset({"funds", "goals", "indicators", "source", "sources", "places"})
#: Values the reader walks through itself (the model checks the rest): they must have their shape.
_SHAPES = {"breakdown": lambda value: isinstance(value, list) and all(isinstance(row, dict) for row in value)}
#: Fields a written cell shows computed from others, while the metadata keeps what the table printed.
_DERIVED = frozenset({"rate"})
_FIELD_WORDS = {"title": "表名", "unit": "单位名称", "department": "主管部门", "weight": "分值", "recorded": "得分",
                "recorded_total": "总分", "budget": "预算数", "executed": "执行数", "initial_budget": "年初预算数",
                "rate": "执行率", "name": "名称", "level1": "一级指标", "level2": "二级指标", "target": "年度指标值",
                "actual": "实际完成值", "nature": "指标性质", "direction": "指标方向",
                "deviation_reason": "偏差原因", "description": "目标内容", "label": "资金名称",
                "not_applicable": "不适用", "judgment": "评价判断", "breakdown": "资金分项"}


def _scalar_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return f"{value:f}"
    return compare_text(str(value))


def _same(visible: Any, written: Any) -> bool:
    """A visible value and a metadata value say the same (numbers compared as numbers)."""
    if isinstance(written, (dict, list)) or isinstance(visible, (dict, list)):
        return True  # not a cell's value: nothing to compare
    seen, meant = _scalar_text(visible), _scalar_text(written)
    if not seen or not meant:
        return not seen and not meant
    if seen == meant:
        return True
    try:  # 1,234.50 and 1234.5; a rate shown as 97% and kept as 97
        shown = Decimal(seen.replace(",", "").removesuffix("%"))
        kept = Decimal(meant.replace(",", "").removesuffix("%"))
        # a cell may show more digits than the table printed (a rate computed as 100.0007% for 100.00%)
        return shown == kept or shown.is_finite() and kept.is_finite() and \
            shown.quantize(Decimal(1).scaleb(kept.as_tuple().exponent), ROUND_HALF_UP) == kept
    except ArithmeticError:
        return False


def _sign_of(shown: Any) -> str | None:
    """The 指标性质 a sign printed in its place stands for (``≧`` → ``正向``), or None."""
    sign = nature_sign(shown) if isinstance(shown, str) else None
    return None if sign is None else _SIGN_NATURE[sign].value


def _review_text(grid: SheetGrid, row: int) -> str | None:
    """The 扣分说明 text of ``row`` when the table has that column (a scored export), else None."""
    for above in range(row - 1, max(row - 400, -1), -1):
        for col, value, _, _ in grid.spans(above):
            if type(value) is str and compare_text(value) == "扣分说明":
                return compare_text(grid.cell(row, col).text)
    return None


def apply_metadata(grid: SheetGrid, cells: dict[Path_, str], data: dict[str, Any], entries: list[MetaEntry]) -> None:
    """Put the written model's values back wherever the visible cells still show what was written.

    The visible form always wins: a metadata value is applied only where its cells still show what
    perfscore wrote, never over a value the form shows differently (that disagreement is a notice with
    the cell), and the score-changing flag no column shows (不适用) only when the row's 扣分说明
    states it — or, in a workbook without that column, with a notice that it came from the metadata.
    An entry whose cell reference cannot be read is ignored with a notice.

    Args:
        grid: the sheet the table stands on.
        cells: where the reader found each value of the table (path in ``data`` → cell reference).
        data: the table as read from the visible cells, changed in place.
        entries: the metadata rows of this table (from :func:`read_metadata`).
    """
    file = getattr(entries, "file", None)
    notices: list[Problem] | None = getattr(entries, "notices", None)

    def notice(ref: str, message: str) -> None:
        if notices is not None and file is not None:
            notices.append(Problem(source=Source(file=file, sheet=grid.name, cell=ref), message=message))

    def shown(ref: str, row: int | None) -> str | None:
        if ref.isalpha():
            if row is None:
                return None
            col = _split_coordinate(ref + "1")[1]
        else:
            row, col = _split_coordinate(ref)
        return compare_text(grid.cell(row, col).text)

    def merge(target: dict[str, Any], entry: MetaEntry, row: int | None, visible: dict[str, str],
              what: str) -> None:
        # where a notice about this object points: its name's cell, else its first visible cell
        here = visible.get("name") or next(iter(visible.values()), None) or \
            (coordinate(row, 0) if row is not None else "A1")
        for field, value in entry.values.items():
            if field in _STRUCTURE:
                # never written there: the tables, lines and sources come from the visible form only
                notice(here, f"perfscore 元数据中{what}有不该有的“{field}”，已忽略")
                continue
            label = "计量单位" if field == "unit" and what.startswith("指标") else _FIELD_WORDS.get(field, field)
            shape = _SHAPES.get(field)
            if shape is not None and value is not None and not shape(value):
                notice(here, f"perfscore 元数据中{what}的“{label}”不是应有的形式，已忽略")
                continue
            guard = entry.guards.get(field, ())
            try:
                if any(shown(ref, row) != compare_text(text) for ref, text in guard):
                    continue  # the officer changed what perfscore wrote: the visible value wins
            except ValueError:
                notice(here, f"perfscore 元数据中{what}的“{label}”指向的单元格无法识别（可能被改动过），已忽略")
                continue
            if field == "nature" and _sign_of(target.get(field)) == value:
                continue  # the form shows the sign it was read from (＞), the metadata its direction (正向)
            where = visible.get(field)
            # What perfscore derived and showed (a line's 分值 from the rule set, 执行率 computed from the
            # amounts) differs from the model by design: a cell that still shows what was written may differ
            # there — a value the model did not have, or the 执行率 the table printed — and nowhere else.
            derived = bool(guard) and (value is None or field in _DERIVED)
            if where is not None and not derived and not _same(target.get(field), value):
                notice(where, f"perfscore 元数据中{what}的“{label}”为“{_scalar_text(value)}”，"
                              f"与表上所填“{_scalar_text(target.get(field)) or ''}”不一致，以表上为准")
                continue
            if field in _STATUS_OF and value and not target.get(field) and row is not None:
                review = _review_text(grid, row)
                word = _STATUS_OF[field]
                name_ref = visible.get("name") or coordinate(row, 0)
                if review is not None and not review.startswith(f"【{word}】"):
                    notice(name_ref, f"perfscore 元数据把{what}记为“{word}”，但表上的扣分说明不是这样写的"
                                     f"（{review[:30] or '空白'}），以表上为准，未采用")
                    continue
                if review is None:
                    notice(name_ref, f"{what}按 perfscore 元数据记为“{word}”（表上没有这一栏），请核对")
            if value is None:
                target.pop(field, None)
            else:
                target[field] = value

    def row_of(path: Path_) -> int | None:
        ref = cells.get(path)
        return _split_coordinate(ref)[0] if ref else None

    def visible_of(path: Path_, target: dict[str, Any]) -> dict[str, str]:
        return {key: cells[path + (key,)] for key in target if path + (key,) in cells}

    if "goals" in data:
        lines = [(("goals", g, "indicators", i), line) for g, goal in enumerate(data["goals"])
                 for i, line in enumerate(goal["indicators"])]
    else:
        lines = [(("indicators", i), line) for i, line in enumerate(data.get("indicators", []))]
    waiting: dict[str, list[MetaEntry]] = {}
    for entry in entries:
        if entry.kind == "表":
            merge(data, entry, None, visible_of((), data), "本表")
        elif entry.kind == "资金" and isinstance(data.get("funds"), dict):
            merge(data["funds"], entry, None, visible_of(("funds",), data["funds"]), "资金")
        elif entry.kind == "目标" and 0 <= entry.index < len(data.get("goals", [])):
            path = ("goals", entry.index)
            merge(data["goals"][entry.index], entry, row_of(path), visible_of(path, data["goals"][entry.index]),
                  f"目标“{entry.name}”")
        elif entry.kind == "指标":
            waiting.setdefault(compare_text(entry.name), []).append(entry)
    # Lines are matched by name (the k-th line named X takes the k-th entry named X), so rows an
    # officer inserted or deleted do not shift the metadata onto the wrong line.
    for path, line in lines:
        name = line.get("name")
        key = compare_text(name if isinstance(name, str) else f"{name:f}" if isinstance(name, Decimal) else "")
        queue = waiting.get(key)
        if queue:
            places = line.get("places") if isinstance(line.get("places"), dict) else {}
            visible = {k: ref for k, ref in places.items() if k in line}
            name_ref = places.get("name")
            merge(line, queue.pop(0), _split_coordinate(name_ref)[0] if name_ref else row_of(path), visible,
                  f"指标“{key}”")


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
