"""The grid the xlsx reader builds from python-calamine's rows: values, merged ranges, spans."""

from __future__ import annotations

import copy
from decimal import Decimal

from hypothesis import given

from indicators.xlsx.cells import SheetGrid, _grid, _SheetExtras

from .strategies import merged_sheet


def _spans_cell_by_cell(grid: SheetGrid, row: int) -> list[tuple[int, object, int, int]]:
    """Every non-empty cell left to right, a merged range's cells listed once (its first column)."""
    found: list[tuple[int, object, int, int]] = []
    for col in range(grid.width):
        cell = grid.cell(row, col)
        if cell.value is None:
            continue
        if found and found[-1][2:] == (cell.row, cell.col):
            continue
        found.append((col, cell.value, cell.row, cell.col))
    return found


@given(merged_sheet())
def test_spans_list_each_value_once_in_column_order(sheet):
    rows, merged = sheet
    grid = _grid("表", copy.deepcopy(rows), merged, _SheetExtras())
    for row in range(grid.height):
        assert grid.spans(row) == _spans_cell_by_cell(grid, row)


@given(merged_sheet())
def test_merged_ranges_show_their_value_in_every_cell_they_cover(sheet):
    rows, merged = sheet
    grid = _grid("表", copy.deepcopy(rows), merged, _SheetExtras())
    for (r0, c0), (r1, c1) in merged:
        if r0 >= len(rows) or c0 >= len(rows[0]) or rows[r0][c0] in ("", " "):
            continue  # a range outside the used area, or holding nothing, shows nothing
        top = grid.value(r0, c0)
        for r in range(r0, min(r1 + 1, grid.height)):
            for c in range(c0, min(c1 + 1, grid.width)):
                cell = grid.cell(r, c)
                assert (cell.value, cell.row, cell.col) == (top, r0, c0)
                assert cell.merged == ((r, c) != (r0, c0))


def test_values_are_text_decimal_or_empty():
    grid = _grid("表", [["", " ", "甲", 5.0, 0.5, 1e-7, True]], [], _SheetExtras())
    assert grid.values[0] == [None, None, "甲", Decimal(5), Decimal("0.5"), Decimal("1e-07"), "是"]
    # a float seen again converts to the same Decimal; a bool is never taken for 1.0
    again = _grid("表", [[5.0, 1.0, True, False, 0.0]], [], _SheetExtras())
    assert again.values[0] == [Decimal(5), Decimal(1), "是", "否", Decimal(0)]
