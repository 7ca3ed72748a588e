"""Finding self-evaluation tables in a sheet by their header words, not by fixed positions.

A table is anchored on its indicator header row (三级指标 + 年度指标值 + …). Rows
above it, back to the previous table, hold the title, the header fields and the
funds block; goal rows (年度目标1(30分)) sit just above their own header rows; a
合计 row closes a goal and a 总分 row closes the table. Several tables may be
stacked in one sheet with blank rows between them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .cells import SheetGrid
from .headers import (GOAL_RE, INDICATOR_COLUMNS, STOP_WORDS, SUBMITTED, SUBTOTAL_WORDS, TOTAL_WORDS, fold,
                      match_column, match_label, normalize, telling_in, Words, WORDS)

__all__ = ["IndicatorBlock", "TableSpan", "locate_tables", "first_text", "side_by_side", "band_grid", "Band",
           "header_words", "header_fields"]

_TITLE_WORDS = ("自评表", "评价报告", "评价表", "绩效目标表", "自评情况表")


@dataclass
class IndicatorBlock:
    """One indicator header row and the data rows under it."""

    header_row: int
    columns: dict[str, int]
    rows: list[int] = field(default_factory=list)
    goal_row: int | None = None
    goal_col: int | None = None
    subtotal_row: int | None = None
    #: rows inside the block with something of their own written that are not read as lines
    #: (no 三级指标 name and no target, actual, 分值 or 得分): listed for the reviewer, never silent
    skipped: list[int] = field(default_factory=list)


@dataclass
class TableSpan:
    """A located table: its rows [start, end) and its indicator blocks."""

    start: int
    end: int
    blocks: list[IndicatorBlock]
    total_row: int | None = None


def _text(value: object) -> str:
    return value if type(value) is str else f"{value:f}"  # type: ignore[return-value]


def _said(value: object) -> Words | None:
    return WORDS[value] if type(value) is str else None  # type: ignore[index]


def first_text(grid: SheetGrid, row: int) -> str:
    """The first non-empty cell of a row, normalized ('' for a blank row).

    Callers only ask whether a row is blank, so content (:attr:`Words.content`) is returned as
    it is and a text over 40 characters is normalized only as far as its first 40.
    """
    if 0 <= row < grid.height:
        for value in grid.values[row]:
            if value is not None:
                said = _said(value)
                if said is None:
                    return normalize(_text(value))
                if said.content:
                    return value  # type: ignore[return-value]
                return said.normalized if said.normalized is not None else normalize(value[:40])  # type: ignore[index]
    return ""


def lead_text(grid: SheetGrid, row: int) -> str:
    """The first non-empty cell that starts in this row, folded.

    A label merged down a column (年度绩效指标 beside every indicator row) is not
    what a row says: ``总分`` or ``合计`` stands in the next cell. What is asked of this text
    is whether it is, or starts with, such a mark, so content (:attr:`Words.content`) is
    returned as it is and a text over 40 characters is folded only as far as its first 40.
    """
    if 0 <= row < grid.height:
        covered = grid.covered.get(row)
        for col, value in enumerate(grid.values[row]):
            if value is not None:
                holder = covered.get(col) if covered is not None else None
                if holder is None or holder[0] == row:
                    said = _said(value)
                    if said is None:
                        return fold(_text(value))
                    if said.content:  # starts with no mark: what callers ask of it is answered no
                        return value  # type: ignore[return-value]
                    return said.folded if said.folded is not None else fold(value[:40])  # type: ignore[index]
    return ""


def is_goal(text: str) -> re.Match[str] | None:
    """A goal row's match (年度目标1(30分), 年度目标 1:, 年度目标(80分)); a bare 年度绩效目标 label is not one."""
    match = GOAL_RE.match(text)
    if match and (match.group("points") or match.group("number")):
        return match
    return None


@dataclass(slots=True)
class _RowWords:
    """What the header words of one row say, worked out in one pass and kept per row."""

    columns: dict[str, int]  # indicator-block field → its first column
    funds_header: bool  # names both 预算数 and 执行数
    head_label: bool  # holds a 项目名称/单位名称 label, which only a table's head has
    title: bool  # a single text naming a form (…自评表, …评价报告)


#: Row kinds (:func:`row_kinds`): nothing in it; nothing :attr:`~.headers.Words.telling`; the rest.
BLANK, PLAIN, TOLD = 0, 1, 2
_NO_WORDS = _RowWords({}, False, False, False)


def row_kinds(grid: SheetGrid) -> list[int]:
    """Each row's kind: :data:`BLANK`, :data:`PLAIN` or :data:`TOLD`, worked out once per sheet.

    Most rows of a sheet are indicator lines, which name no column, label no table and start no
    stop, total or goal row. The sheet's distinct values are classed once (:func:`~.headers.telling_in`);
    then each row is told by a few list operations that run in C, and only TOLD rows are looked
    at word by word. A row with a single distinct value is always TOLD (it may be a title).
    """
    kinds = grid.memo.get(-1)  # (the memo's rows are 0 and up: -1 holds the whole sheet's kinds)
    if kinds is None:
        kinds = []
        # A set per row, not list.count: comparing a Decimal with None or a text goes through
        # the numbers.Rational ABC (Python code) once per cell.
        rows = [set(values) for values in grid.values]
        present: set[object] = set().union(*rows)
        present.discard(None)
        telling = telling_in(present)
        for distinct in rows:
            distinct.discard(None)
            if not distinct:
                kinds.append(BLANK)
            elif len(distinct) == 1 or telling and not telling.isdisjoint(distinct):
                kinds.append(TOLD)
            else:
                kinds.append(PLAIN)
        grid.memo[-1] = kinds
    return kinds  # type: ignore[return-value]


def _row_words(grid: SheetGrid, row: int) -> _RowWords:
    if not 0 <= row < grid.height:
        return _NO_WORDS
    found = grid.memo.get(row)
    if found is None:
        if row_kinds(grid)[row] != TOLD:
            return _NO_WORDS
        columns: dict[str, int] = {}
        funds: set[str] = set()
        head_label = False
        distinct = 0
        previous = None
        values = grid.values
        for col, value in enumerate(values[row]):
            # A merged range holds the same object in every cell it covers: one look is enough,
            # and only the first column of a word counts.
            if value is None or value is previous:
                continue
            previous = value
            distinct += 1
            if type(value) is str:
                named = WORDS[value]
                if named.column and named.column not in columns:
                    columns[named.column] = col
                if named.funds:
                    funds.add(named.funds)
                if named.head_label in ("title", "unit") and len(value) <= 40:  # a label, even 单位名称：xxx, is short
                    head_label = True
        _submitted_is_recorded(columns)
        found = grid.memo[row] = _RowWords(columns, "budget" in funds and "executed" in funds, head_label,
                                           distinct == 1 and type(previous) is str and
                                           any(w in previous for w in _TITLE_WORDS))
    return found  # type: ignore[return-value]


def header_fields(grid: SheetGrid, row: int) -> dict[str, int]:
    """The indicator fields a row's header words name, each at its first column (remembered per row; do
    not change the dict)."""
    return _row_words(grid, row).columns


def _header_columns(grid: SheetGrid, row: int) -> dict[str, int]:
    return dict(_row_words(grid, row).columns)


def _submitted_is_recorded(columns: dict[str, int]) -> None:
    """In a workbook perfscore exported, 原填得分 is the recorded score and 得分 is perfscore's own.

    The computed 得分 is kept as ``computed`` (a review column, never read into the model), so
    that scoring an exported workbook compares against what the officer submitted.
    """
    if SUBMITTED in columns:
        if "recorded" in columns:
            columns["computed"] = columns.pop("recorded")
        columns["recorded"] = columns.pop(SUBMITTED)


def _spans_columns(grid: SheetGrid, row: int, col: int) -> bool:
    """The cell at (row, col) belongs to a range merged across more than one column."""
    here = grid.cell(row, col)
    if here.value is None:
        return False
    for other in (col - 1, col + 1):
        cell = grid.cell(row, other)
        if cell.value is not None and (cell.row, cell.col) == (here.row, here.col) and other >= 0:
            return True
    return False


def sub_header(grid: SheetGrid, row: int, header_row: int, columns: dict[str, int]) -> dict[str, int] | None:
    """The columns a second header row refines, or None when ``row`` is not such a row.

    A 绩效目标表 (武汉 2024, seed 003) prints 指标值 merged over three sub-columns
    前年 | 上年 | 预计当年实现; the target is the last of them, not the first column of
    the merge. A sub-header row holds short texts only under merged header cells and
    names at least one known column.
    """
    if row >= grid.height:
        return None
    found: dict[str, int] = {}
    cells = [(col, cell) for col, cell in grid.distinct(row) if cell.row == row]
    if not cells:
        return None
    for col, cell in cells:
        if not _spans_columns(grid, header_row, col) or type(cell.value) is not str or len(cell.value) > 12:
            return None
        name = match_column(cell.value, INDICATOR_COLUMNS)
        if name:
            found[name] = col
    return found or None


def _words_above(grid: SheetGrid, row: int, columns: dict[str, int]) -> None:
    """Header words a two-row header prints only in its upper row, above an empty cell of the header row
    (``绩效指标 | 指标值 | 分值 | 得分`` over ``一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 |  | ``):
    without them the 分值 column would be missed and the table weighted by the default scheme."""
    above = row - 1
    if above < 0 or row_kinds(grid)[above] != TOLD or is_funds_header(grid, above):
        return
    for col, value, top, left in grid.spans(above):
        if type(value) is str and top == above:
            named = WORDS[value].column
            if named and named not in columns and grid.value(row, col) is None:
                columns[named] = col
    _submitted_is_recorded(columns)


def is_indicator_header(columns: dict[str, int]) -> bool:
    """A header row names the 三级指标 and its target (or its actual)."""
    return "name" in columns and ("target" in columns or "actual" in columns)


def is_funds_header(grid: SheetGrid, row: int) -> bool:
    """A row naming both 预算数 and 执行数 heads a funds block."""
    return _row_words(grid, row).funds_header


def _own_value(grid: SheetGrid, row: int, col: int) -> bool:
    """The cell holds a value of its own (not one a merged range from elsewhere shows)."""
    return grid.value(row, col) is not None and not grid.is_covered(row, col)


def _is_stop(text: str) -> bool:
    return text.startswith(STOP_WORDS) or bool(is_goal(text))


_TOTALS = frozenset(TOTAL_WORDS)


def total_cell(grid: SheetGrid, row: int) -> bool:
    """A cell of its own in the row says exactly 总分 (or 总计, 得分合计 …), wherever it stands: the
    row closes the table even when it begins with something else (其他需要说明事项 | 无 | 总分 | 100 | 96)."""
    for _, value, top, _ in grid.spans(row):
        if top == row and type(value) is str:
            said = WORDS[value]
            if said.normalized is not None and said.normalized in _TOTALS:
                return True
    return False


def _starts_table(grid: SheetGrid, row: int) -> bool:
    """Rows that only a table's head holds: a title, 项目名称/单位名称, or a funds header."""
    found = _row_words(grid, row)
    return found.head_label or found.title or found.funds_header


def _ends_block(grid: SheetGrid, kinds: list[int], row: int) -> bool:
    """A telling row that closes an indicator block: blank text, a stop (合计, 总分, a goal), a header or a table head.
    A PLAIN row (content and numbers only) is none of them."""
    return kinds[row] == TOLD and (not first_text(grid, row) or _is_stop(lead_text(grid, row)) or
                                   is_indicator_header(_header_columns(grid, row)) or _starts_table(grid, row) or
                                   bool(total_cell(grid, row)))


def _is_line(grid: SheetGrid, row: int, columns: dict[str, int]) -> bool:
    """The row is an indicator line: a name of its own, or a name merged from above beside values of its own."""
    return _own_value(grid, row, columns["name"]) or grid.value(row, columns["name"]) is not None and \
        any(_own_value(grid, row, c) for f, c in columns.items() if f in ("target", "actual", "weight", "recorded"))


def locate_tables(grid: SheetGrid) -> list[TableSpan]:
    """Every table in a sheet, top to bottom; an empty list when the sheet has none."""
    blocks: list[IndicatorBlock] = []
    kinds = row_kinds(grid)
    height = grid.height
    row = 0
    while row < height:
        if kinds[row] != TOLD:
            row += 1
            continue
        columns = _header_columns(grid, row)
        if not is_indicator_header(columns):
            row += 1
            continue
        _words_above(grid, row, columns)
        block = IndicatorBlock(header_row=row, columns=columns)
        row += 1
        refined = sub_header(grid, row, block.header_row, columns)
        if refined:
            block.columns = {**columns, **refined}
            columns = block.columns
            row += 1
        while row < height:
            kind = kinds[row]
            if kind == BLANK:
                # A blank row inside the lines (left when a line was deleted) does not end the block when
                # an indicator line follows it: ending there dropped every line below it, and the total too.
                after = row + 1
                while after < height and kinds[after] == BLANK:
                    after += 1
                if after < height and not _ends_block(grid, kinds, after) and _is_line(grid, after, columns):
                    row = after
                    continue
                break
            if _ends_block(grid, kinds, row):
                break
            if _is_line(grid, row, columns):
                block.rows.append(row)
            elif any(_own_value(grid, row, c) for c in range(len(grid.values[row]))):
                block.skipped.append(row)
            row += 1
        if row < grid.height and lead_text(grid, row).startswith(SUBTOTAL_WORDS):
            block.subtotal_row = row
        blocks.append(block)

    tables: list[TableSpan] = []
    for block in blocks:
        previous_end = tables[-1].blocks[-1].rows[-1] + 1 if tables and tables[-1].blocks[-1].rows else (
            tables[-1].blocks[-1].header_row + 1 if tables else 0)
        new_table = not tables or tables[-1].total_row is not None or any(
            _starts_table(grid, r) for r in range(previous_end, block.header_row))
        for r in range(block.header_row - 1, max(previous_end - 1, block.header_row - 4), -1):
            if is_goal(lead_text(grid, r)):
                block.goal_row = r
                break
        if block.goal_row is None:
            # 硚口 form: the goal is the label merged down beside the header and its rows.
            for col, value, _, _ in grid.spans(block.header_row):
                if col < min(block.columns.values()) and is_goal(fold(_text(value))):
                    block.goal_row, block.goal_col = block.header_row, col
                    break
        if new_table:
            tables.append(TableSpan(start=previous_end, end=grid.height, blocks=[block]))
        else:
            tables[-1].blocks.append(block)
        last = block.rows[-1] if block.rows else block.header_row
        for r in range(last + 1, min(last + 4, grid.height)):
            text = lead_text(grid, r)
            if text.startswith(TOTAL_WORDS) or row_kinds(grid)[r] == TOLD and total_cell(grid, r):
                tables[-1].total_row = r
                break
            if text and not text.startswith(SUBTOTAL_WORDS):
                break
    # Each table ends where the next one's head begins: after its own 总分 and analysis rows.
    for i, table in enumerate(tables):
        limit = tables[i + 1].blocks[0].header_row if i + 1 < len(tables) else grid.height
        row = (table.total_row if table.total_row is not None else
               (table.blocks[-1].rows[-1] if table.blocks[-1].rows else table.blocks[-1].header_row)) + 1
        while row < limit:
            text = lead_text(grid, row)
            if text and _starts_table(grid, row):
                break
            if text and not (match_label(text) or text.startswith(STOP_WORDS) or text.startswith(TOTAL_WORDS)):
                # a blank row then something else: the next table's head
                if row > 0 and not first_text(grid, row - 1):
                    break
            row += 1
        table.end = row
        if i + 1 < len(tables):
            tables[i + 1].start = row
    return tables


_POINTS_MARK = re.compile(r"[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")
_POINTS_TIMES = re.compile(r"(\d+(?:\.\d+)?)\s*分\s*[*×xX]")


def points_in(text: str) -> str | None:
    """The points of a ``(20分)`` or ``20分*执行率`` mark in a label, or None."""
    if "分" not in text:
        return None
    match = _POINTS_MARK.search(text) or _POINTS_TIMES.search(text)
    return match.group(1) if match else None


@dataclass(frozen=True)
class Band:
    """Columns [start, end) of a sheet holding one of several tables printed side by side, and the
    cell of its header row's 三级指标 word (where a band that cannot be read is reported)."""

    start: int
    end: int
    header: str


def header_words(grid: SheetGrid, row: int) -> list[tuple[int, str]]:
    """(column, indicator field) of every header word in a row, each merged cell once."""
    found = []
    for col, value, top, left in grid.spans(row):
        if type(value) is str:
            named = WORDS[value].column
            if named:
                found.append((col, named))
    return found


def _row_groups(grid: SheetGrid, row: int) -> list[list[tuple[int, str]]]:
    """The header words of one indicator header row, one group per table it heads, each holding a
    三级指标 (or synonym) word. Words part where an empty cell stands between them, or where the word
    heading the first column (一级指标 …) is printed again; a group without a 三级指标 word heads no
    table here (the 分值 | 得分 of a budget block printed in the same row, say) and is left out."""
    words = header_words(grid, row)
    groups: list[list[tuple[int, str]]] = []
    for word in words:
        if groups:
            previous = groups[-1][-1][0]
            if any(grid.value(row, c) is None for c in range(previous + 1, word[0])) or \
                    word[1] == groups[-1][0][1] and any(f == "name" for _, f in groups[-1]):
                groups.append([word])
                continue
            groups[-1].append(word)
        else:
            groups.append([word])
    return [group for group in groups if any(field == "name" for _, field in group)]


def side_by_side(grid: SheetGrid) -> list[Band]:
    """The column bands of tables printed side by side on one sheet (A:H and J:Q), or [] for tables
    that each run across the sheet.

    Every indicator header row heads one table, or several printed side by side in that row
    (:func:`_row_groups`); the columns each spans, from its first header word to its last, are
    gathered over the sheet, and spans that overlap are one band. Two or more bands that do not
    overlap are tables side by side, aligned or not. A band ends at the first column between it and
    the next that is empty in every row (the gap column), else at the first one empty in every
    header row, else where the next band's header words begin.
    """
    kinds = row_kinds(grid)
    spans: list[tuple[int, int, int, str]] = []  # (first column, last column, header row, name cell)
    for row in range(grid.height):
        if kinds[row] != TOLD or not is_indicator_header(_row_words(grid, row).columns):
            continue  # (the row's words are remembered: the locator asks for them again)
        for group in _row_groups(grid, row):
            name_col = next((col for col, field in group if field == "name"), group[0][0])
            spans.append((group[0][0], group[-1][0], row, grid.cell(row, name_col).origin))
    if len(spans) < 2:
        return []
    spans.sort()
    clusters: list[list[tuple[int, int, int, str]]] = [[spans[0]]]
    reach = spans[0][1]
    for span in spans[1:]:
        if span[0] <= reach:
            clusters[-1].append(span)
            reach = max(reach, span[1])
        else:
            clusters.append([span])
            reach = span[1]
    if len(clusters) < 2:
        return []
    header_rows = [row for _, _, row, _ in spans]
    bands: list[Band] = []
    begin = 0
    for i, cluster in enumerate(clusters):
        if i + 1 < len(clusters):
            last, following = max(hi for _, hi, _, _ in cluster), clusters[i + 1][0][0]
            between = range(last + 1, following)
            gap = next((c for c in between if all(grid.value(r, c) is None for r in range(grid.height))), None)
            if gap is None:
                gap = next((c for c in between if all(grid.value(r, c) is None for r in header_rows)), None)
            end = gap + 1 if gap is not None else following
        else:
            end = grid.width
        first_header = min(cluster, key=lambda span: span[2])
        bands.append(Band(begin, end, first_header[3]))
        begin = end
    return bands


def band_grid(grid: SheetGrid, band: Band) -> SheetGrid:
    """The sheet with only the band's columns kept (the others empty), at the same coordinates, so every
    source still names the cell as printed. A merged range reaching in from outside the band (a title
    across both tables) is left out of it."""
    start, end = band.start, band.end
    values: list[list[object]] = []
    covered: dict[int, dict[int, tuple[int, int]]] = {}
    for r, row in enumerate(grid.values):
        kept = [value if start <= c < end else None for c, value in enumerate(row)]
        merged = grid.covered.get(r)
        if merged:
            inside = {}
            for c, holder in merged.items():
                if not start <= c < end:
                    continue
                if start <= holder[1] < end:
                    inside[c] = holder
                else:
                    kept[c] = None
            if inside:
                covered[r] = inside
        values.append(kept)
    errors = {ref: text for ref, text in grid.errors.items() if start <= _column_of(ref) < end}
    return SheetGrid(name=grid.name, values=values, covered=covered, errors=errors,  # type: ignore[arg-type]
                     hidden_columns={c for c in grid.hidden_columns if start <= c < end},
                     hidden_rows=set(grid.hidden_rows))


def _column_of(ref: str) -> int:
    col = 0
    for letter in ref:
        if not letter.isalpha():
            break
        col = col * 26 + ord(letter.upper()) - 64
    return col - 1
