"""How much the xlsx reader costs over python-calamine merely reading the same workbook.

Builds one workbook of N tables (default 200: the five real 乌海 tables of the
samples, ~30 rows each with long Chinese text and merged cells, copied round-robin
one per sheet) in a temporary folder, then, in one run, times:

  floor    python-calamine: open, and for every sheet values (to_python) + merged ranges
  reader   perfscore's load_xlsx_file: the same read, the XML side scan (errors, % formats,
           hidden columns), locating every table and building every Evaluation

and prints milliseconds and the ratio reader / floor (target ≤ 3×). Medians of
several repeats; ratios are only meaningful within one run on one machine.

    python benchmarks/read.py [--tables 200] [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openpyxl  # noqa: E402
import python_calamine  # noqa: E402

from indicators.xlsx import load_xlsx_file  # noqa: E402

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "u-wuhai-2023.xlsx"


def _name_column(template) -> int | None:
    for row in template.iter_rows():
        for cell in row:
            if cell.value == "三级指标":
                return cell.column
    return None


def build(path: Path, tables: int) -> None:
    """N sheets copied round-robin from the five real 乌海 tables (samples/u-wuhai-2023.xlsx):
    seed-size tables (~30 rows, long Chinese text, merged cells), values and merges only.

    Each copy's own texts are made distinct (its number appended to every 三级指标 name and to
    every text over 12 characters), as the tables of a real workbook are: a reader that
    remembers what it has seen must not look faster here than on real, different tables.
    """
    source = openpyxl.load_workbook(SAMPLE)
    templates = [sheet for sheet in source.worksheets if sheet.max_row > 10]
    book = openpyxl.Workbook()
    book.remove(book.active)
    for number in range(tables):
        template = templates[number % len(templates)]
        sheet = book.create_sheet(f"{number + 1}-{template.title}"[:31])
        name_column = _name_column(template)
        for row in template.iter_rows():
            for cell in row:
                if cell.value is not None and type(cell).__name__ == "Cell":
                    value = cell.value
                    if isinstance(value, str) and (len(value) > 12 or cell.column == name_column and
                                                   cell.row > 1 and value != "三级指标"):
                        value = f"{value}（表{number + 1}）"
                    sheet.cell(row=cell.row, column=cell.column, value=value)
        for merged in template.merged_cells.ranges:
            sheet.merge_cells(str(merged))
    book.save(path)


def floor(path: Path) -> int:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    cells = 0
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        cells += len(sheet.to_python(skip_empty_area=False))
        sheet.merged_cell_ranges
    book.close()
    return cells


def reader(path: Path) -> int:
    result = load_xlsx_file(path)
    assert not result.problems, result.problems[:3]
    return len(result.evaluations)


def median_ms(function, path: Path, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function(path)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "book.xlsx"
        build(path, args.tables)
        size = path.stat().st_size
        assert reader(path) == args.tables
        floor(path)  # warm both paths once: imports and file cache
        base = median_ms(floor, path, args.repeat)
        ours = median_ms(reader, path, args.repeat)
    print(f"workbook: {args.tables} tables, {size:,} bytes")
    print(f"floor  (python-calamine values + merged ranges): {base:8.1f} ms  ({base / args.tables:.3f} ms/table)")
    print(f"reader (perfscore load_xlsx_file):               {ours:8.1f} ms  ({ours / args.tables:.3f} ms/table)")
    print(f"ratio reader / floor: {ours / base:.2f}x  (target <= 3x)")


if __name__ == "__main__":
    main()
