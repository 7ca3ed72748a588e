"""A located table → an ``Evaluation``, every value with its ``sheet!cell`` source.

The reader never scores. Recorded scores and totals are kept as ``recorded`` for
the reviewer; numbers stay exact (Decimal or text as shown); anything that cannot
be read is reported as a problem at its cell, and a table with such a problem is
not handed to the engine.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..model import FIELD_NAMES, Evaluation
from ..numbers import D
from ..problems import Problem, Source
from ..validation import validation_message
from ..loaded import TARGET_TABLE_MESSAGE, LoadResult
from .cells import Cell, SheetGrid, WorkbookError, column_letter, coordinate, read_workbook
from .gcpause import collector_paused
from .metadata import META_SHEET, apply_metadata, read_metadata
from .headers import (FUNDS_COLUMNS, NOTE_WORDS, REVIEW_COLUMNS, STOP_WORDS, SUBMITTED, WORDS, fold, label_head,
                      match_column, match_label, normalize)
from .locate import (TOLD, IndicatorBlock, TableSpan, band_grid, header_fields, header_words, is_funds_header, is_goal,
                     lead_text, locate_tables, points_in, row_kinds, side_by_side)

__all__ = ["load_xlsx_file", "read_grids", "HEADING_KEY"]

Path_ = tuple[str | int, ...]
#: The details key of a form's printed heading (项目支出绩效自评表) when 项目名称 gives the title.
HEADING_KEY = "标题"
_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
_YEAR = re.compile(r"(20\d\d)\s*年")


class _Table:
    """Builds one evaluation's data dict and remembers the cell of every value."""

    def __init__(self, file: str, grid: SheetGrid, span: TableSpan) -> None:
        self.file, self.grid, self.span = file, grid, span
        #: path of a value in the data dict → the cell it came from (a coordinate, made a Source on demand)
        self.cells: dict[Path_, str] = {}
        #: path of an indicator line → its field → cell (the line's ``places``, kept apart for speed)
        self.line_places: dict[Path_, dict[str, str]] = {}
        self.problems: list[Problem] = []
        #: problems that leave the table readable (a line needing judgment, a side table unread): they
        #: are reported and make the run exit 1, and the table is still scored
        self.warnings: list[Problem] = []
        self.notices: list[Problem] = []
        #: paths already reported as missing (validation would report them a second time)
        self.reported: set[Path_] = set()

    def source(self, ref: str) -> Source:
        return Source(file=self.file, sheet=self.grid.name, cell=ref)

    def put(self, target: dict[str, Any], key: str, cell: Cell, path: Path_) -> None:
        """Store a cell's value under ``key`` and remember where it came from."""
        if cell.value is None:
            return
        target[key] = cell.value.strip() if isinstance(cell.value, str) else cell.value
        self.cells[path + (key,)] = cell.origin

    def put_at(self, target: dict[str, Any], key: str, row: int, col: int, path: Path_) -> None:
        """:meth:`put` for the cell at (row, col) of the grid, without making a :class:`Cell`."""
        shown = self.grid.values[row]
        value = shown[col] if col < len(shown) else None
        if value is None:
            return
        target[key] = value.strip() if type(value) is str else value
        merged = self.grid.covered.get(row)
        holder = merged.get(col) if merged is not None else None
        self.cells[path + (key,)] = coordinate(row, col) if holder is None else coordinate(*holder)

    def move_paths(self, moved: Any) -> None:
        """Re-key every remembered cell after the data dict was rearranged (``moved``: old path → new)."""
        self.cells = {moved(path) if path else path: ref for path, ref in self.cells.items()}
        self.line_places = {moved(path): places for path, places in self.line_places.items()}

    def line_of(self, loc: Path_) -> Source:
        """The cell of ``loc`` or of its nearest known ancestor."""
        while loc and loc not in self.cells:
            places = self.line_places.get(loc[:-1])
            if places is not None and loc[-1] in places:
                return self.source(places[loc[-1]])
            loc = loc[:-1]
        return self.source(self.cells.get(loc) or coordinate(self.span.start, 0))

    def source_dict(self, ref: str) -> dict[str, str]:
        return {"file": self.file, "sheet": self.grid.name, "cell": ref}


_AMOUNT = re.compile(r"^[\s　]*[-—－–]*[+-]?(\d+(?:[,，]\d{3})*(?:\.\d*)?|\.\d+)?\s*(?:%|万元|万|元|亿元|亿)?[\s　]*$")
#: An amount written with its unit in a funds cell: ``150万``, ``125.25万元``, ``1,716.51``, ``30000元``.
_AMOUNT_UNIT = re.compile(r"^\s*(?P<number>\d+(?:[,，]\d{3})*(?:\.\d+)?|\.\d+)\s*(?P<unit>万元|万|元|亿元|亿)?\s*$")
_UNIT_SCALE = {"": None, "元": Decimal(1), "万": Decimal(10000), "万元": Decimal(10000), "亿": Decimal(10) ** 8,
               "亿元": Decimal(10) ** 8}


_MAIN_FUNDS = re.compile(r"总额|合计|总计")


def _amount_like(value: object) -> bool:
    """A number, a numeric text (``4,342.32``, ``0%``) or a dash — what a funds row holds."""
    return type(value) is Decimal or type(value) is str and _AMOUNT.match(value) is not None


def _number_text(text: str) -> str | None:
    numbers = _NUMBER.findall(text)
    return numbers[-1] if numbers else None


def _head_end(span: TableSpan) -> int:
    """The first row below a table's head: its first goal row, else its first indicator header row."""
    first = span.blocks[0]
    return first.goal_row if first.goal_row is not None else first.header_row


def _head(table: _Table, data: dict[str, Any]) -> None:
    """Title, header fields, funds block and 年度总体目标 from the rows above the first indicator header."""
    grid, span = table.grid, table.span
    end = _head_end(span)
    details: dict[str, str] = {}
    breakdown: list[dict[str, Any]] = []
    title_cell: Cell | None = None
    funds_header: int | None = None
    overall_header: int | None = None
    headings: list[str] = []
    kinds = row_kinds(grid)
    for row in range(span.start, end):
        # A PLAIN row holds no label, head or title (funds rows are read by _funds, from the funds header).
        if kinds[row] != TOLD:
            continue
        spans = grid.spans(row)
        if is_funds_header(grid, row) and funds_header is None:
            funds_header = row
            continue
        said = [WORDS[value] if type(value) is str else None for _, value, _, _ in spans]
        shown = {words.normalized for words in said if words is not None}
        if "预期目标" in shown and "实际完成情况" in shown:
            overall_header = row
            continue
        if len(spans) == 1 and said[0] is not None and not said[0].head_label:
            cell = grid.distinct(row)[0][1]
            if _NOT_A_TITLE.match(cell.text):
                continue  # 附件1, 附表3, 附件：, 单位：万元 above the real title
            headings.append(cell.text)
            if title_cell is None:
                title_cell = cell
            continue
        if any(words is not None and (words.label or words.head_label) for words in said):
            _labelled(table, data, grid.distinct(row), details, breakdown)
    if details:
        data["details"] = details
    if title_cell is not None:
        if "title" in data:
            # Kept as 标题, not 表名: YAML reads a 表名 key as ``title``, so 表名 would not survive a
            # conversion to YAML (perfscore convert) as a details entry.
            data.setdefault("details", {})[HEADING_KEY] = title_cell.text.strip()
        else:
            table.put(data, "title", title_cell, ())
    heading = " ".join([str(data.get("title", ""))] + headings)
    year = _YEAR.search(heading)
    if year:
        data["year"] = int(year.group(1))
    if funds_header is not None:
        _funds(table, data, funds_header, end, breakdown)
    elif _paired_funds(table, data, span.start, end):
        pass
    elif breakdown:
        table.problems.append(Problem(source=table.line_of(("funds", "breakdown", 0)),
                                      message="有资金分项，但找不到预算数/执行数表头"))
    if overall_header is not None:
        _overall(table, data, overall_header, end)
    kind_text = heading + str(data.get("funds", {}).get("label", ""))
    data["kind"] = "project" if "title" in data and "项目" in heading or "项目名称" in _labels_seen(grid, span.start, end) \
        else ("department" if "整体" in kind_text or len(span.blocks) > 1 or span.blocks[0].goal_row is not None
              and "部门" in kind_text else "project")
    if "title" not in data:
        _title_from_unit(table, data)


#: Lines printed above a form's title that are not its title: the attachment number (附件1, 附表3,
#: 附件：, 附件1-2) and the amounts' unit (单位：万元, 金额单位：元).
_NOT_A_TITLE = re.compile(r"^\s*(?:(?:附\s*件|附\s*表)\s*[\d一二三四五六七八九十]*(?:\s*[-—－.]\s*\d+)?\s*[:：]?"
                          r"|(?:金额)?单\s*位\s*[:：]\s*(?:万元|元|亿元|万|千元)?)\s*$")


def _title_from_unit(table: _Table, data: dict[str, Any]) -> None:
    """A table printed without a title or 项目名称 is named by its 单位名称 (or 主管部门), with a notice.

    The name only tells the tables of a run apart; it is never scored. Without either, the table
    cannot be named: one problem at its first row (validation's own "missing title" is not added).
    """
    for field in ("unit", "department"):
        named = data.get(field)
        if type(named) is str and named:
            data["title"] = named
            table.cells[("title",)] = table.cells[(field,)]
            table.notices.append(Problem(source=table.line_of(("title",)),
                                         message=f"表上没有表名或项目名称，以{_FIELD_WORDS[field]}“{named}”作表名"))
            return
    table.problems.append(Problem(source=table.source(coordinate(table.span.start, 0)),
                                  message="找不到表名或项目名称"))
    table.reported.add(("title",))


_FIELD_WORDS = {"unit": "单位名称", "department": "主管部门"}


def _labels_seen(grid: SheetGrid, start: int, end: int) -> set[str]:
    kinds = row_kinds(grid)  # labels are telling: only TOLD rows hold them
    return {WORDS[value].normalized for r in range(start, end) if kinds[r] == TOLD  # type: ignore[misc]
            for _, value, _, _ in grid.spans(r) if type(value) is str}


def _is_label(cell: Cell) -> bool:
    return type(cell.value) is str and WORDS[cell.value].label is not None


def _labelled(table: _Table, data: dict[str, Any], cells: list[tuple[int, Cell]], details: dict[str, str],
              breakdown: list[dict[str, Any]]) -> None:
    """Header fields of one row: ``label | value`` pairs and ``label：value`` cells."""
    i = 0
    while i < len(cells):
        col, cell = cells[i]
        text = cell.text
        said = WORDS[cell.value] if type(cell.value) is str else None
        field = said.label if said is not None else None
        head = label_head(text)
        rest = text[len(head) + 1:].strip()  # what follows the colon of 单位名称：xxx ('' without one)
        value_cell: Cell | None = None
        if field is None and said is not None and said.head_label and rest:
            field, value_cell = said.head_label, Cell(rest, cell.row, cell.col)
        if field is None:
            i += 1
            continue
        if value_cell is None:
            nxt = next((c for _, c in cells[i + 1:] if not _is_label(c)), None)
            if nxt is None:
                i += 1
                continue
            value_cell = nxt
            i = cells.index(next(pair for pair in cells if pair[1] is nxt))
        label = re.sub(r"[(（][^)）]*[)）]$", "", normalize(head if value_cell.row == cell.row and
                                                           value_cell.col == cell.col else text))
        if field == "details":
            details[label] = value_cell.text.strip()
        elif field == "breakdown":
            index = len(breakdown)
            breakdown.append({"name": label})
            table.put(breakdown[index], "budget", value_cell, ("funds", "breakdown", index))
            table.cells[("funds", "breakdown", index)] = cell.origin
        elif field not in data:
            table.put(data, field, value_cell, ())
        i += 1


def _funds(table: _Table, data: dict[str, Any], header: int, end: int, breakdown: list[dict[str, Any]]) -> None:
    grid = table.grid
    columns: dict[str, int] = {}
    weight_mark: str | None = None
    for col, value, _, _ in grid.spans(header):
        if type(value) is str:
            # WORDS knows the funds heads of texts under 30 characters; a longer one is looked up itself
            name = WORDS[value].funds if len(value) < 30 else match_column(value, FUNDS_COLUMNS)
            if name and name not in columns:
                columns[name] = col
            elif name in _AMOUNT_KEYS and not _amounts_below(grid, header, end, columns[name]) and \
                    _amounts_below(grid, header, end, col):
                # Two heads name the same amount (年度预算数(万元) over the row labels, 调整后预算数 over
                # the amounts): the column that holds amounts is the one read.
                columns[name] = col
            weight_mark = weight_mark or points_in(value)
    if SUBMITTED in columns:  # an exported workbook: 得分 is perfscore's, 原填得分 the table's own
        columns["recorded"] = columns.pop(SUBMITTED)
    first_amount = min(columns[k] for k in ("budget", "executed", "initial_budget") if k in columns)
    amount_columns = [columns[k] for k in ("budget", "executed") if k in columns]
    rows: list[tuple[int, str, str]] = []  # (row, label, the label's cell)
    values, covered = grid.values, grid.covered
    for row in range(header + 1, end):
        shown, merged = values[row], covered.get(row)
        # A funds row holds an amount (or a dash) under 预算数/执行数, in a cell of its own; the
        # 年度总体目标 rows below the block (预期目标 | 实际完成情况 and their texts) are not funds rows.
        if not any(col < len(shown) and _amount_like(shown[col]) and (merged is None or col not in merged)
                   for col in amount_columns):
            if rows:
                break
            continue
        labels = [(value, r, c) for col, value, r, c in grid.spans(row) if col < first_amount and type(value) is str]
        for value, _, _ in labels:
            weight_mark = weight_mark or points_in(value)
        if labels:
            value, r, c = labels[-1]
            rows.append((row, value.strip(), coordinate(r, c)))
        else:
            rows.append((row, "", coordinate(row, 0)))
    if not rows:
        if _paired_funds(table, data, header, end):
            return
        table.problems.append(Problem(source=table.source(coordinate(header, first_amount)),
                                      message="预算执行情况表头下没有预算数和执行数"))
        return
    main_index = next((i for i, (_, label, _) in enumerate(rows) if _MAIN_FUNDS.search(label)), 0)
    funds: dict[str, Any] = {}
    row, label, label_ref = rows[main_index]
    if label:
        funds["label"] = label
    table.cells[("funds",)] = label_ref
    for key in ("initial_budget", "budget", "executed", "weight", "rate", "recorded"):
        if key in columns:
            col = columns[key]
            error = grid.errors.get(coordinate(row, col)) if key in _JUDGED_ON_ERROR else None
            if error is not None:
                # An error value (#DIV/0!) printed as the budget line's 执行率/得分: that line needs a
                # person's judgment; the table's other lines are read and scored (reported at the cell).
                funds.setdefault("unreadable", []).append(key)
                table.cells[("funds", key)] = coordinate(row, col)
                ref = coordinate(row, col)  # reported below as this line's, not as a table-stopping error
                table.problems = [p for p in table.problems if p.source is None or p.source.cell != ref]
                table.warnings.append(Problem(source=table.source(coordinate(row, col)), message=(
                    f"预算执行情况的{_FUNDS_WORDS[key]}单元格{_error_words(error)}：这一行需要评价人判断，"
                    f"其他指标照常评分，全表待定；请在 Excel/WPS 中改正后保存")))
                continue
            if key == "recorded" and type(grid.value(row, col)) is str:
                cell = grid.cell(row, col)
                weight_mark = weight_mark or points_in(cell.value)  # type: ignore[arg-type]
                number = _number_text(re.sub(r"[(（][^)）]*[)）]", "", cell.value))  # type: ignore[arg-type]
                table.put(funds, key, Cell(number, cell.row, cell.col) if number else cell, ("funds",))
            else:
                table.put_at(funds, key, row, col, ("funds",))
            if key not in funds:
                # An empty cell under a funds head: a missing amount is reported at that cell, not at the label.
                table.cells.setdefault(("funds", key), coordinate(row, col))
    if "weight" not in funds and weight_mark:
        funds["weight"] = weight_mark
        table.cells[("funds", "weight")] = coordinate(header, 0)
    keys = [(key, columns[key]) for key in ("initial_budget", "budget", "executed", "rate") if key in columns]
    for row, label, label_ref in rows[:main_index] + rows[main_index + 1:]:
        index = len(breakdown)
        line: dict[str, Any] = {"name": label or f"第{row + 1}行"}
        breakdown.append(line)
        path = ("funds", "breakdown", index)
        table.cells[path] = label_ref
        for key, col in keys:
            table.put_at(line, key, row, col, path)
    unit = _block_unit(grid, header, rows)
    _amount_units(table, funds, ("funds",), unit)
    for index, line in enumerate(breakdown):
        _amount_units(table, line, ("funds", "breakdown", index), unit)
    if breakdown:
        funds["breakdown"] = breakdown
    data["funds"] = funds


#: Funds fields whose error value (#DIV/0!) leaves the budget line to a person instead of the table unread.
_JUDGED_ON_ERROR = ("rate", "recorded")
_FUNDS_WORDS = {"rate": "执行率", "recorded": "得分"}
_AMOUNT_KEYS = ("initial_budget", "budget", "executed")
_BLOCK_UNIT = re.compile(r"[(（]\s*(万元|元|亿元)\s*[)）]|单位\s*[:：]\s*(万元|元|亿元)")


def _block_unit(grid: SheetGrid, header: int, rows: list[tuple[int, str, str]]) -> str:
    """The unit the funds block states in its header or labels (``预算数（万元）``, ``项目资金（万元）``), or ''."""
    texts = [value for _, value, _, _ in grid.spans(header) if type(value) is str] + [label for _, label, _ in rows]
    for text in texts:
        found = _BLOCK_UNIT.search(text)
        if found:
            return found.group(1) or found.group(2)
    return ""


def _amount_units(table: _Table, amounts: dict[str, Any], path: Path_, unit: str) -> None:
    """Amounts written with their unit (``150万``, ``125.25万元``, ``1,716.51``) read as numbers in the
    block's unit: a unit the same as the block's (or any, when the block states none) is dropped; a
    different one is converted exactly (``150万`` in a 元 block is 1500000), with a notice. Units that
    differ within a row of a block stating none cannot be told apart: a problem at the cell."""
    found: dict[str, tuple[Decimal, str]] = {}
    for key in _AMOUNT_KEYS:
        value = amounts.get(key)
        if type(value) is str:
            match = _AMOUNT_UNIT.match(value)
            if match:
                found[key] = (D(match["number"].replace("，", ",").replace(",", "")), match["unit"] or "")
    if not found:
        return
    block = _UNIT_SCALE.get(unit)
    written = {_UNIT_SCALE[u] for _, u in found.values() if u}
    for key, (number, written_unit) in found.items():
        scale = _UNIT_SCALE[written_unit]
        if scale is None or block is None and len(written) <= 1 or scale == block:
            if block is None and len(written) > 1 and scale is None:
                table.problems.append(Problem(source=table.line_of(path + (key,)), message=(
                    f"预算执行情况的金额单位不一致，无法确定“{amounts[key]}”的单位：请写明单位")))
                continue
            amounts[key] = number
        elif block is None and scale == _UNIT_SCALE["万元"]:  # several units, none stated: 万元 kept as written
            amounts[key] = number
        elif block is None:  # several units in one row, the block states none: each converted to 万元
            amounts[key] = number * scale / Decimal(10000)
            table.notices.append(Problem(source=table.line_of(path + (key,)), message=(
                f"预算执行情况的金额“{_amount_text(number, written_unit)}”单位与同行不同，"
                f"已换算为{_plain_amount(amounts[key])}万元")))
        else:
            amounts[key] = number * scale / block
            table.notices.append(Problem(source=table.line_of(path + (key,)), message=(
                f"预算执行情况的金额“{_amount_text(number, written_unit)}”与表头单位（{unit}）不同，"
                f"已换算为{_plain_amount(amounts[key])}{unit}")))


def _amount_text(number: Decimal, unit: str) -> str:
    return f"{number:f}{unit}"


def _plain_amount(number: Decimal) -> str:
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


_PAIRED_KEYS = ("initial_budget", "budget", "executed", "weight", "rate", "recorded")
_RATE_TEXT = re.compile(r"^\s*\d+(?:\.\d+)?\s*%?\s*$")


def _paired_funds(table: _Table, data: dict[str, Any], start: int, end: int) -> bool:
    """A budget block printed as label | amount pairs (``全年预算数 | 120 | 全年执行数 | 110``, in one row
    or one pair a row) instead of a header row over a row of amounts. Read only when both 预算数 and
    执行数 have an amount just right of their label; every value keeps its own cell."""
    grid = table.grid
    found: dict[str, tuple[str | Decimal, int, int]] = {}
    mark: str | None = None
    used: set[int] = set()
    kinds = row_kinds(grid)
    for row in range(start, end):
        if kinds[row] != TOLD:
            continue
        spans = grid.spans(row)
        for i, (col, value, _, _) in enumerate(spans):
            if type(value) is not str or len(value) >= 30 or i + 1 >= len(spans):
                continue
            field = WORDS[value].funds
            if field not in _PAIRED_KEYS or field in found:
                continue
            _, shown, r, c = spans[i + 1]
            if type(shown) is Decimal or type(shown) is str and (
                    _AMOUNT_UNIT.match(shown) or field == "rate" and _RATE_TEXT.match(shown)):
                found[field] = (shown, r, c)
                used.add(row)
    if "budget" not in found or "executed" not in found:
        return False
    for row in sorted(used):  # 预算执行情况(10分) beside the pairs: the budget line's 分值
        mark = mark or next((points_in(value) for _, value, _, _ in grid.spans(row)
                             if type(value) is str and points_in(value)), None)
    funds: dict[str, Any] = {}
    for key, (value, r, c) in found.items():
        table.put(funds, key, Cell(value, r, c), ("funds",))
    if "weight" not in funds and mark:
        funds["weight"] = mark
        table.cells[("funds", "weight")] = table.cells[("funds", "budget")]
    table.cells[("funds",)] = table.cells[("funds", "budget")]
    _amount_units(table, funds, ("funds",), "")
    data["funds"] = funds
    return True


def _amounts_below(grid: SheetGrid, header: int, end: int, col: int) -> bool:
    """The first row under a funds header with something in ``col`` holds an amount there."""
    for row in range(header + 1, min(end, header + 4)):
        value = grid.value(row, col)
        if value is not None:
            return type(value) is Decimal or type(value) is str and _AMOUNT_UNIT.match(value) is not None
    return False


def _overall(table: _Table, data: dict[str, Any], header: int, end: int) -> None:
    grid = table.grid
    columns = {WORDS[value].normalized: col for col, value, _, _ in grid.spans(header) if type(value) is str}
    expected_col, actual_col = columns["预期目标"], columns["实际完成情况"]
    overall: dict[str, Any] = {}
    for row in range(header, min(header + 4, end)):
        for key, col in (("expected", expected_col), ("actual", actual_col)):
            cell = grid.cell(row, col)
            # (a long text, the usual content here, is never one of those heads: WORDS leaves it unnormalized)
            if row > header and cell.value is not None and key not in overall and not (
                    type(cell.value) is str and WORDS[cell.value].normalized in ("预期目标", "实际完成情况", "年度总体目标")):
                table.put(overall, key, cell, ("overall_target",))
    if overall:
        data["overall_target"] = overall


def _indicators(table: _Table, block: IndicatorBlock, path: Path_, start: int = 0) -> list[dict[str, Any]]:
    """The lines of one indicator block; ``start`` is the index of its first line under ``path``."""
    grid = table.grid
    # perfscore's own 得分/扣分/扣分说明 (an exported workbook's review columns) are never read back
    fields = [(field, col, column_letter(col)) for field, col in block.columns.items() if field not in REVIEW_COLUMNS]
    lines: list[dict[str, Any]] = []
    for row in block.skipped:
        _skipped_row(table, block, row)
    errors = grid.errors
    percent_weights: list[str] = []
    #: (field, merged cell) → the line rows under it besides its own: one 分值 or 得分 printed for several lines
    shared: dict[tuple[str, tuple[int, int]], list[int]] = {}
    for row in block.rows:
        values = grid.values[row]
        width = len(values)
        covered = grid.covered.get(row)
        number = str(row + 1)
        line: dict[str, Any] = {}
        places: dict[str, str] = {}
        # The hot loop of reading a workbook: values straight from the grid, no Cell per value.
        for field, col, letter in fields:
            value = values[col] if col < width else None
            if value is None:
                continue
            line[field] = value.strip() if type(value) is str else value
            holder = covered.get(col) if covered is not None else None
            places[field] = letter + number if holder is None else coordinate(*holder)
        if errors:
            _unreadable_cells(table, line, places, row, fields, errors)
        if covered is not None:
            for field in ("weight", "recorded"):
                holder = covered.get(block.columns[field]) if field in block.columns else None
                if holder is not None and holder[0] != row and "name" in line:
                    shared.setdefault((field, holder), []).append(row)
        if "name" in line and _placeholder(line):
            table.notices.append(Problem(source=table.source(places["name"]), message=(
                f"“{line['name']}”一行没有年度指标值、实际完成值、分值和得分，是模板留下的空行，不作为指标读取")))
            continue
        if "name" in line:
            if row in grid.hidden_rows:
                # Read and scored like any line (it is in the file and its points in the printed total), but
                # a reviewer looking at the sheet does not see it: said, as for a hidden column.
                table.notices.append(Problem(source=table.source(places["name"]), message=(
                    f"指标“{line['name']}”在隐藏行中，已照常读取并计分，请确认")))
            if lines and ("level1" not in line or "level2" not in line):
                _carry_levels(lines[-1], line, places)
            here = path + (start + len(lines),)
            table.cells[here] = places["name"]
            table.line_places[here] = places
            line["places"] = places
            lines.append(line)
        if "weight" in line and type(line["weight"]) is str and lines and lines[-1] is line:
            percent = _PERCENT_WEIGHT.match(line["weight"])
            if percent:
                # 权重 printed as a share of the 100-point table (20%): that many points of 100.
                line["weight"] = D(percent.group(1))
                percent_weights.append(places["weight"])
        if grid.hidden_columns:
            for field, col in block.columns.items():
                if col in grid.hidden_columns and grid.value(row, col) is not None:
                    table.notices.append(Problem(source=table.source(coordinate(row, col)),
                                                 message=f"“{normalize(grid.cell(block.header_row, col).text)}”"
                                                         f"在隐藏列中，已照常读取，请确认"))
    for (field, holder), rows in shared.items():
        _shared_cell(table, field, holder, rows + [holder[0]] if holder[0] in block.rows else rows)
    if percent_weights:
        col = block.columns["weight"]
        table.notices.append(Problem(source=table.source(grid.cell(block.header_row, col).origin), message=(
            f"“{normalize(grid.cell(block.header_row, col).text)}”列按百分比写出（{percent_weights[0]} 等 "
            f"{len(percent_weights)} 行），按全表100分折算为分值（20% 即 20 分）")))
    return lines


def _shared_cell(table: _Table, field: str, holder: tuple[int, int], rows: list[int]) -> None:
    """A 分值 or 得分 cell merged down over several indicator lines: a problem, the table is not scored.

    Read as it shows, every line would carry the whole value (two lines under a merged 25 would be
    worth 50, and the total silently too high); splitting it is a guess the form does not print.
    """
    ref = coordinate(*holder)
    first, last, count = min(rows) + 1, max(rows) + 1, len(rows)
    if field == "weight":
        message = (f"“分值”单元格 {ref} 合并在第{first}–{last}行的 {count} 条指标上：无法知道每条指标各占多少分，"
                   f"这张表不评分。请在每行写出各自的分值，或把合计分值写在二级指标格里（如“成本指标(25分)”，"
                   f"按规则在其下各行间均分）")
    else:
        message = (f"“得分”单元格 {ref} 合并在第{first}–{last}行的 {count} 条指标上：无法知道每条指标各得多少分，"
                   f"这张表不评分。请在每行写出各自的得分")
    table.problems.append(Problem(source=table.source(ref), message=message))


#: What a row without a 三级指标 name may still hold, in the words of the form.
_LINE_VALUE_WORDS = {"target": "年度指标值", "actual": "实际完成值", "weight": "分值", "recorded": "得分"}


def _skipped_row(table: _Table, block: IndicatorBlock, row: int) -> None:
    """Report a row inside an indicator block that is not read as a line (it has no 三级指标 name).

    With a target or an actual of its own it is an indicator line whose name is missing: a warning
    (exit 1), since its points are in no total. A 分值 or 得分 alone is a subtotal or a note: a notice
    that says what it holds.
    """
    grid = table.grid
    col, cell = next((col, cell) for col, cell in grid.distinct(row) if not cell.merged)
    held = [field for field in _LINE_VALUE_WORDS
            if field in block.columns and grid.value(row, block.columns[field]) is not None
            and not grid.is_covered(row, block.columns[field])]
    words = "、".join(_LINE_VALUE_WORDS[field] for field in held)
    if "target" in held or "actual" in held:
        table.warnings.append(Problem(source=table.source(cell.origin), message=(
            f"第{row + 1}行（“{_short(cell.text)}”）写有{words}，但没有三级指标名称，未作为指标读取，"
            f"它的分数不计入总分；请补上三级指标名称后重新评分")))
    elif held:
        table.notices.append(Problem(source=table.source(cell.origin), message=(
            f"第{row + 1}行（“{_short(cell.text)}”）只写有{words}，没有三级指标名称和指标值，"
            f"当作小计或说明，未作为指标读取")))
    else:
        table.notices.append(Problem(source=table.source(cell.origin), message=(
            f"第{row + 1}行（“{_short(cell.text)}”）在指标表内，但没有三级指标名称，也没有指标值、分值或得分，"
            f"未作为指标读取")))


#: Line fields whose error value (#DIV/0!) or uncomputed formula leaves that line to a person's judgment
#: instead of the whole table unread: the actual (the line cannot be scored on it) and the printed 得分
#: (kept for the reviewer only). An error under 分值 or 年度指标值 still stops the table: a weight or
#: target cannot be left out without changing what every other line is worth.
_LINE_JUDGED_ON_ERROR = {"actual": "实际完成值", "recorded": "得分"}


def _error_words(text: str) -> str:
    return f"是错误值 {text}" if text.startswith("#") else "的公式没有计算结果"


def _unreadable_cells(table: _Table, line: dict[str, Any], places: dict[str, str], row: int,
                      fields: list[tuple[str, int, str]], errors: dict[str, str]) -> None:
    """An actual or 得分 cell holding an error value: the line is kept, that field marked unreadable."""
    for field, col, letter in fields:
        if field not in _LINE_JUDGED_ON_ERROR:
            continue
        ref = letter + str(row + 1)
        text = errors.get(ref)
        if text is None or table.grid.is_covered(row, col):
            continue
        line.pop(field, None)
        places[field] = ref
        line.setdefault("unreadable", []).append(field)
        table.problems = [p for p in table.problems if p.source.cell != ref]
        table.warnings.append(Problem(source=table.source(ref), message=(
            f"“{_short(str(line.get('name', '')))}”的{_LINE_JUDGED_ON_ERROR[field]}单元格{_error_words(text)}：" +
            ("这一行需要评价人判断，其他指标照常评分，全表待定；" if field == "actual" else
             "表上所填得分读不出，不作比对，也不作为定性指标的评价判断（该行按规则计分，定性指标待判断）；") +
            "请在 Excel/WPS 中改正后保存")))


def _short(text: str, limit: int = 20) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


#: Names a form's template leaves in rows nobody filled: 指标2:, 指标3：, a bare 指标1:, ……, /, -, 无.
_PLACEHOLDER_NAME = re.compile(r"^(?:指标\s*\d*\s*[:：]?)?\s*(?:[…．.。·、]+|[/／\\\-—－–_]+|无)?$")
#: What an unfilled target, actual, 分值 or 得分 cell of such a row may hold.
_PLACEHOLDER_VALUE = re.compile(r"^(?:[…．.。·、]*|[/／\\\-—－–_]+|无)$")
_LINE_VALUES = ("target", "actual", "weight", "recorded")


def _placeholder(line: dict[str, Any]) -> bool:
    """A template row nobody filled: a placeholder name and no target, actual, 分值 or 得分 (a row with
    any of them is a line, read and scored as one)."""
    name = line["name"]
    if type(name) is not str or len(name) > 12 or _PLACEHOLDER_NAME.match(name.strip()) is None:
        return False
    return all(key not in line or type(line[key]) is str and _PLACEHOLDER_VALUE.match(line[key].strip())
               for key in _LINE_VALUES)


_PERCENT_WEIGHT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[%％]\s*$")


def _carry_levels(above: dict[str, Any], line: dict[str, Any], places: dict[str, str]) -> None:
    """一级/二级 cells left blank (not merged) under a filled one mean “same as above”, as in the YAML
    form: the line takes the value, and its source, from the line above — 二级 only while the 一级 is
    the same."""
    if "level1" not in line and "level1" in above:
        line["level1"] = above["level1"]
        places["level1"] = above["places"]["level1"]
    if "level2" not in line and "level2" in above and line.get("level1") == above.get("level1"):
        line["level2"] = above["level2"]
        places["level2"] = above["places"]["level2"]


def _recorded_in_row(table: _Table, row: int, block: IndicatorBlock) -> Cell | None:
    """The score a 总分/合计 row records: its cell under 得分. Without a 得分 column, or when a merged
    range covers that cell, the row's last number — never one under 分值 (the row's maximum)."""
    grid = table.grid
    if "recorded" in block.columns:
        cell = grid.cell(row, block.columns["recorded"])
        if not cell.merged:
            return cell if cell.value is not None else None  # left blank: nothing recorded
    weight_col = block.columns.get("weight")
    numbers = [c for col, c in grid.distinct(row) if col != weight_col and (isinstance(c.value, Decimal) or
               isinstance(c.value, str) and re.fullmatch(r"\s*\d+(?:\.\d+)?\s*分?\s*", c.value))]
    return numbers[-1] if numbers else None


def _table_data(table: _Table, targets: bool = False) -> dict[str, Any] | None:
    grid, span = table.grid, table.span
    data: dict[str, Any] = {}
    _head(table, data)
    header = span.blocks[0]
    columns = header.columns
    if "actual" not in columns and not targets:
        if "recorded" in columns:
            table.problems.append(Problem(source=table.source(coordinate(header.header_row, columns["name"])),
                                          message="这是一张自评表（有“得分”列），但找不到“实际完成值”列"))
        return None
    if "funds" not in data and not targets and not table.problems:
        _unread_funds(table)  # (a funds header without amounts has been reported by _funds already)
    if "target" not in columns:
        # Without targets every line would look qualitative and be judged by its recorded score.
        table.problems.append(Problem(source=table.source(coordinate(header.header_row, columns["name"])),
                                      message="找不到“年度指标值”列（表头应有 年度指标值、指标值、目标值 等），"
                                              "无法与实际完成值比较"))
    for block in span.blocks:
        _columns_under_merged_headers(table, block)
    goals: list[dict[str, Any]] = []
    indicators: list[dict[str, Any]] = []
    for block in span.blocks:
        if block.goal_row is not None:
            if block.goal_col is not None:  # the label beside the header row: no description cell
                cells = [(block.goal_col, grid.cell(block.goal_row, block.goal_col))]
            else:
                cells = [(c, cell) for c, cell in grid.distinct(block.goal_row)
                         if cell.row == block.goal_row]
            match = is_goal(fold(cells[0][1].text))
            # The name as printed (年度目标 1), without its (80分) mark and colon.
            printed = re.sub(r"[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]", "", cells[0][1].text).strip().rstrip(":： ")
            goal: dict[str, Any] = {"name": printed or cells[0][1].text.strip()}
            here: Path_ = ("goals", len(goals))
            table.cells[here] = cells[0][1].origin
            if match and match.group("points"):
                goal["weight"] = match.group("points")
                table.cells[here + ("weight",)] = cells[0][1].origin
            if len(cells) > 1:
                table.put(goal, "description", cells[1][1], here)
            if block.subtotal_row is not None:
                cell = _recorded_in_row(table, block.subtotal_row, block)
                if cell is not None:
                    table.put(goal, "recorded", cell, here)
            goal["indicators"] = _indicators(table, block, here + ("indicators",))
            if not goal["indicators"] and "weight" not in goal and "description" not in goal:
                # A goal the template left unfilled (年度目标3： over rows of 指标1: …): listed, not read.
                table.notices.append(Problem(source=table.source(cells[0][1].origin), message=(
                    f"“{goal['name']}”下没有填写任何指标（没有分值和目标内容），是模板留下的空目标，不读取")))
                for key in [key for key in table.cells if key[:2] == here]:
                    del table.cells[key]
                continue
            goals.append(goal)
        elif goals:
            goals[-1]["indicators"].extend(_indicators(table, block, ("goals", len(goals) - 1, "indicators"),
                                                       len(goals[-1]["indicators"])))
        else:
            indicators.extend(_indicators(table, block, ("indicators",), len(indicators)))
    if goals and indicators:
        # Lines above the first goal row become a goal of their own, in front: their remembered
        # cells move with them, and every goal's after them.
        goals.insert(0, {"name": "（未分目标）", "indicators": indicators})
        indicators = []
        table.move_paths(lambda path: ("goals", path[1] + 1) + path[2:] if path[0] == "goals" else
                         ("goals", 0) + path if path[0] == "indicators" else path)
        table.cells[("goals", 0)] = table.cells[("goals", 0, "indicators", 0)]  # the goal is where its lines begin
    if goals:
        data["goals"] = goals
    else:
        data["indicators"] = indicators
    total_row = span.total_row
    if total_row is None and not goals and span.blocks[-1].subtotal_row is not None and \
            _whole_table_points(table, span.blocks[-1]):
        total_row = span.blocks[-1].subtotal_row  # a table without goals closed by 合计: that is its total
    if total_row is not None:
        cell = _recorded_in_row(table, total_row, span.blocks[-1])
        if cell is not None:
            table.put(data, "recorded_total", cell, ())
    _tail(table, data)
    table.cells[()] = coordinate(span.blocks[0].header_row, 0) if "title" not in data else table.cells[("title",)]
    return data


def _columns_under_merged_headers(table: _Table, block: IndicatorBlock) -> None:
    """Columns a header cell merged across several columns hides, whose lines hold values of their own.

    Only the first column of a merged header is read (or the columns a second header row names). A
    column further under it that holds the lines' own values is not read: listed as a notice. When
    the table has no 分值 column and that hidden column holds numbers, it is most likely the 分值
    column under a merged 二级指标 (or other) header: weights invented from group totals would then
    score the table silently wrong, so it is a problem at the header cell and the table is not scored.
    """
    grid = table.grid
    merged = grid.covered.get(block.header_row)
    if not merged or not block.rows:
        return
    read = set(block.columns.values())
    groups: dict[tuple[int, int], list[int]] = {}
    for col, holder in merged.items():
        groups.setdefault(holder, []).append(col)
    for (top, left), cols in sorted(groups.items()):
        cols = sorted(set(cols) | ({left} if top == block.header_row else set()))
        if len(cols) < 2:
            continue
        header = grid.cell(block.header_row, cols[0])
        for col in cols:
            if col in read:
                continue
            own = [row for row in block.rows if grid.value(row, col) is not None and not grid.is_covered(row, col)]
            if not own:
                continue
            numbers = [row for row in own if _number_like(grid.value(row, col))]
            letters = f"{column_letter(cols[0])}:{column_letter(cols[-1])}"
            words = normalize(header.text)
            if "weight" not in block.columns and len(numbers) * 2 > len(own):
                table.problems.append(Problem(source=table.source(header.origin), message=(
                    f"表头“{words}”合并了 {letters} 列，其下 {column_letter(col)} 列各行写有数字"
                    f"（{coordinate(numbers[0], col)} 等 {len(numbers)} 处），像是被合并表头盖住的“分值”列；"
                    f"表上又没有单独的“分值”列，无法确定各行分值，这张表未评分：请把该列表头单独写出“分值”")))
                return
            table.notices.append(Problem(source=table.source(header.origin), message=(
                f"表头“{words}”合并了 {letters} 列，其下 {column_letter(col)} 列各行写有内容"
                f"（{coordinate(own[0], col)} 等 {len(own)} 处），没有表头，未读取")))


def _number_like(value: object) -> bool:
    return type(value) is Decimal or type(value) is str and re.fullmatch(r"\s*\d+(?:\.\d+)?\s*分?\s*", value) is not None


def _unread_funds(table: _Table) -> None:
    """A budget block above the indicators that could not be read is a problem, not a table without one:
    scored without its budget line, the table would lose that line's points from its maximum unseen.

    Only a cell that heads such a block counts: a 预算数/执行数 column word, or a label beginning
    预算执行 (预算执行情况（万元）); never a name or a sentence that merely mentions 资金 or 预算.
    """
    grid, span = table.grid, table.span
    end = _head_end(span)
    for row in range(span.start, end):
        for _, value, r, c in grid.spans(row):
            if type(value) is str and len(value) < 30 and (
                    match_column(value, FUNDS_COLUMNS) in ("budget", "executed")
                    or normalize(value).startswith(("预算执行", "预收执行"))):
                table.problems.append(Problem(
                    source=table.source(coordinate(r, c)),
                    message=f"有预算执行情况“{value.strip()}”，但读不出预算数和执行数：表头应在同一行写出"
                            f"“预算数”“执行数”（或 全年预算数、全年执行数 等），其下一行写金额"))
                return


def _whole_table_points(table: _Table, block: IndicatorBlock) -> bool:
    """A 合计 row closes the whole table unless its 分值 shows it adds up less than 100 (the lines
    without the budget line: its 得分 is then not the table's total)."""
    weight_col = block.columns.get("weight")
    if weight_col is None:
        return True
    shown = table.grid.value(block.subtotal_row, weight_col)  # type: ignore[arg-type]
    return type(shown) is not Decimal or shown == 100


def _tail(table: _Table, data: dict[str, Any]) -> None:
    """偏差大或目标未完成原因分析 and 改进措施 rows under the indicator blocks; any other row outside
    the blocks (between one goal's 合计 and the next goal, or under the total) is reported."""
    grid, span = table.grid, table.span
    for block, following in zip(span.blocks, span.blocks[1:]):
        end = max([block.header_row, *block.rows, *block.skipped,
                   *([block.subtotal_row] if block.subtotal_row is not None else [])])
        for row in range(end + 1, following.goal_row if following.goal_row is not None else following.header_row):
            _unread_row(table, row, block)
    last = span.blocks[-1]
    start = (span.total_row if span.total_row is not None else
             (last.subtotal_row if last.subtotal_row is not None else (last.rows[-1] if last.rows else last.header_row)))
    for row in range(start + 1, span.end):
        cells = grid.distinct(row)
        for i, (_, cell) in enumerate(cells):
            field = match_label(cell.text) if isinstance(cell.value, str) else None
            if field in ("deviation_analysis", "improvement") and field not in data and i + 1 < len(cells):
                table.put(data, field, cells[i + 1][1], ())
        _unread_row(table, row, last)


#: Rows under a table that are known not to be scored: totals, 注/备注/说明, conclusions and signatures.
_TAIL_MARKS = STOP_WORDS + NOTE_WORDS  # STOP_WORDS holds the TOTAL_WORDS already


def _unread_row(table: _Table, row: int, block: IndicatorBlock) -> None:
    """Report a row outside the indicator blocks that nothing read (never dropped in silence).

    A row with a number of its own under 分值 or 得分 is a warning: it looks like an indicator line
    whose points are in no total, and the run exits 1 so the officer moves it back above 合计.
    Any other unread text is a notice.
    """
    if row in block.skipped:
        return  # already a notice of the block (a placeholder row such as “……” before 总分)
    grid = table.grid
    own = [(col, cell) for col, cell in grid.distinct(row) if (cell.row, cell.col) == (row, col)]
    if not own:
        return
    lead = lead_text(grid, row)
    if lead.startswith(_TAIL_MARKS) or any(type(cell.value) is str and match_label(cell.text) for _, cell in own):
        return
    scored = {block.columns[field] for field in ("weight", "recorded") if field in block.columns}
    shown = "｜".join(cell.text.strip() for _, cell in own if cell.text.strip())
    shown = shown if len(shown) <= 60 else shown[:60] + "…"
    source = table.source(coordinate(row, own[0][0]))
    if any(col in scored and type(cell.value) is Decimal for col, cell in own):
        table.warnings.append(Problem(source=source, message=(
            f"这一行在指标区之外（合计或总分之下），像是一条指标（“{shown}”），没有读入，也不计入总分；"
            f"若它属于本表，请把它移到所属指标区的合计行之上后重新评分")))
    else:
        table.notices.append(Problem(source=source, message=f"这一行在指标区之外（合计或总分之下），没有读入：“{shown}”"))


def _table_errors(table: _Table) -> None:
    """Error values and uncomputed formulas inside the table: never read as empty."""
    for ref, text in sorted(table.grid.errors.items()):
        match = re.match(r"([A-Z]+)(\d+)$", ref)
        row = int(match.group(2)) - 1 if match else -1
        if table.span.start <= row < table.span.end:
            message = (f"单元格是错误值 {text}，请在 Excel/WPS 中改正后保存" if text.startswith("#") else
                       "单元格的公式没有计算结果（可能由程序生成、未在 Excel/WPS 中打开保存过），请打开后保存再试")
            table.problems.append(Problem(source=table.source(ref), message=message))


def load_xlsx_file(path: str | Path, targets: bool = False, name: str | None = None) -> LoadResult:
    """Read every self-evaluation table in every sheet of an .xlsx workbook.

    A sheet without a table is listed as a notice at its first cell; a workbook with no table at all is
    a problem. Target tables (绩效目标表: targets, no actuals, no scores) are listed
    in ``target_tables``. The file is opened for reading only.

    A workbook perfscore wrote (``export``, ``convert``, ``template``) carries a hidden
    sheet :data:`META_SHEET` with whatever its printed form has no column for; it is
    applied to the tables read from the visible sheets, field by field, wherever the
    visible cells still show what perfscore wrote (an officer's edits win).

    Args:
        path: the workbook.
        targets: also read 绩效目标表 (targets and weights, no actual column) as
            evaluations whose lines have no actual, for ``perfscore template --from``.
            Scoring never passes this: a target table cannot be scored.
        name: the file's name in every source and message (default: ``path`` as given), e.g.
            the name an upload had when the bytes were saved to a temporary file.
    """
    with collector_paused():
        return _load(path, targets, str(path) if name is None else name)


def _load(path: str | Path, targets: bool, name: str) -> LoadResult:
    try:
        grids = read_workbook(path)
    except WorkbookError as exc:
        return LoadResult(problems=(Problem(source=Source(file=name), message=str(exc)),))
    return read_grids(grids, name, targets)


def read_grids(grids: list[SheetGrid], name: str, targets: bool = False) -> LoadResult:
    """Find and read every self-evaluation table on ``grids``: the locator every format reader shares.

    A format reader (xlsx, and the others in :mod:`indicators.formats`) turns its file into
    :class:`SheetGrid` objects — values as written, merged ranges filled, a name that says
    where each grid stands (a sheet, ``表3`` of a Word document, ``第2页`` of a PDF) — and
    this reads them the same way whatever the format. ``name`` is the file in every source.
    """
    evaluations: list[Evaluation] = []
    problems: list[Problem] = []
    notices: list[Problem] = []
    targets_found: list[Problem] = []
    meta_grid = next((grid for grid in grids if grid.name == META_SHEET), None)
    metadata = read_metadata(meta_grid, name, notices) if meta_grid is not None else {}
    for sheet in grids:
        if sheet is meta_grid:
            continue
        located: list[tuple[SheetGrid, TableSpan]] = []
        bands = side_by_side(sheet)
        for band in bands:  # tables printed side by side: each band read on its own
            view = band_grid(sheet, band)
            spans = locate_tables(view)
            if not spans:
                problems.append(Problem(source=Source(file=name, sheet=sheet.name, cell=band.header), message=(
                    f"这张工作表上并排印有几张表，{column_letter(band.start)}:{column_letter(band.end - 1)} 列"
                    f"这张读不出（表头要有“三级指标”和“年度指标值”或“实际完成值”），未评分；其他表照常评分")))
            located.extend((view, span) for span in spans)
        if not bands:
            located = [(sheet, span) for span in locate_tables(sheet)]
        listed = _unread_headers(sheet, located, {band.header for band in bands}, name, problems, notices)
        if not located and not bands and not listed and meta_grid is None:  # (perfscore's own 汇总 sheet: not listed)
            _unread_sheet(sheet, name, notices)
        for ordinal, (grid, span) in enumerate(located, 1):
            table = _Table(name, grid, span)
            _table_errors(table)
            data = _table_data(table, targets)
            edited = data is not None and (grid.name, ordinal) in metadata
            if edited:
                apply_metadata(grid, table.cells, data, metadata[(grid.name, ordinal)])  # type: ignore[arg-type]
            if data is None:
                if not table.problems:
                    targets_found.append(Problem(source=table.source(coordinate(span.blocks[0].header_row, 0)),
                                           message=TARGET_TABLE_MESSAGE))
                problems.extend(table.problems)
                continue
            try:
                evaluation = Evaluation.model_validate(_with_sources(data, table, edited))
            except ValidationError as exc:
                for error in exc.errors(include_url=False):
                    if error["type"] == "missing" and tuple(error["loc"]) in table.reported:
                        continue
                    table.problems.append(Problem(source=table.line_of(tuple(error["loc"])), message=validation_message(error, FIELD_NAMES)))
                evaluation = None
            problems.extend(table.problems)
            problems.extend(table.warnings)
            notices.extend(table.notices)
            if evaluation is not None and not table.problems:
                evaluations.append(evaluation)
    if not evaluations and not problems and not targets_found:
        problems.append(Problem(source=Source(file=name),
                                message="工作簿中找不到自评表（没有“三级指标”“年度指标值”“实际完成值”等表头）"))
    return LoadResult(evaluations=tuple(evaluations), problems=tuple(problems), notices=tuple(notices),
                      target_tables=tuple(targets_found))


def _unread_headers(grid: SheetGrid, located: list[tuple[SheetGrid, TableSpan]], reported: set[str], name: str,
                    problems: list[Problem], notices: list[Problem]) -> int:
    """A row that reads like an indicator header (三级指标 with at least two other column words: 一级指标,
    分值, 得分 …) but heads no table that was read, never skipped silently (most often its 年度指标值/
    实际完成值 columns are missing or misspelt). With a 得分 column it is a scored table left unread: a
    problem at that cell; without one (an 评价指标体系 of 一级/二级/三级指标 and 分值) a notice."""
    used = set()
    listed = 0
    for _, span in located:
        for block in span.blocks:
            cell = grid.cell(block.header_row, block.columns["name"])
            used.add((cell.row, cell.col))
    kinds = row_kinds(grid)
    for row in range(grid.height):
        if kinds[row] != TOLD:
            continue
        named = header_fields(grid, row)  # (remembered per row: the locator asked already)
        if "name" not in named or len(named) < 3:
            continue
        words = header_words(grid, row)
        if len({field for _, field in words}) < 3:
            continue
        for col, field in words:
            if field != "name":
                continue
            cell = grid.cell(row, col)
            if (cell.row, cell.col) in used or cell.origin in reported or cell.row != row:
                continue
            scored = "recorded" in named  # a 得分 column: a table someone scored, left unread
            (problems if scored else notices).append(Problem(
                source=Source(file=name, sheet=grid.name, cell=cell.origin), message=(
                    f"“{normalize(cell.text)}”一行像是一张表的表头，但没有读成表（表头要在同一行写出“年度指标值”或"
                    f"“实际完成值”等）" + ("，这张表未评分" if scored else "，未读取"))))
            reported.add(cell.origin)
            listed += 1
    return listed


def _unread_sheet(grid: SheetGrid, name: str, notices: list[Problem]) -> None:
    """A sheet with something written on it but no table found is listed (never skipped silently)."""
    for row in range(grid.height):
        for col, value, top, left in grid.spans(row):
            text = value if type(value) is str else f"{value:f}"
            notices.append(Problem(source=Source(file=name, sheet=grid.name, cell=coordinate(top, left)), message=(
                f"工作表“{grid.name}”中没有找到自评表（没有“三级指标”“年度指标值”“实际完成值”等表头），未读取；"
                f"首个内容为“{_short(text)}”")))
            return


def _with_sources(data: dict[str, Any], table: _Table, edited: bool = False) -> dict[str, Any]:
    """Attach ``source``/``places`` entries to the data dict from the remembered cells.

    ``edited``: perfscore's metadata was applied, so a line may have lost a field it had a cell for.
    """

    cells = table.cells

    def places(path: Path_, keys) -> dict[str, str]:
        return {k: cells[path + (k,)] for k in keys if path + (k,) in cells}

    def at(path: Path_) -> dict[str, str]:
        while path and path not in cells:
            path = path[:-1]
        return table.source_dict(cells.get(path) or coordinate(table.span.start, 0))

    data["source"] = at(())
    data["places"] = places((), [k for k in data if k not in ("source", "places", "funds", "goals", "indicators")])
    if "funds" in data:
        funds = data["funds"]
        funds["source"] = at(("funds",))
        funds["places"] = places(("funds",), list(funds) + list(funds.get("unreadable", ())))
        for i, row in enumerate(funds.get("breakdown", [])):
            row["source"] = at(("funds", "breakdown", i))
    groups = [(("goals", g), goal) for g, goal in enumerate(data.get("goals", []))]
    for path, goal in groups:
        goal["source"] = at(path)
    lists = [(path + ("indicators",), goal["indicators"]) for path, goal in groups] or \
        [(("indicators",), data.get("indicators", []))]
    for path, lines in lists:
        for i, line in enumerate(lines):
            line["source"] = at(path + (i,))
            if edited:  # _indicators filled the line's places; metadata may have taken fields away
                line["places"] = {k: v for k, v in line["places"].items() if k in line}
    return data
