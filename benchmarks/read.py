"""How much the xlsx reader costs over python-calamine merely reading the same workbook.

Builds one workbook of N tables (default 200: the five real 乌海 tables of the
samples, ~30 rows each with long Chinese text and merged cells, copied round-robin
one per sheet) in a temporary folder, then, in one run, times:

  floor    python-calamine: open, and for every sheet values (to_python) + merged ranges
  reader   perfscore's load_xlsx_file: the same read, the XML side scan (errors, % formats,
           hidden columns), locating every table and building every Evaluation

and prints milliseconds and the ratio reader / floor (target ≤ 3×): the two are timed back
to back on each of several such workbooks (each read once, its texts its own), and the ratio
is the median of those pairs (the machines are shared and noisy); ratios are only meaningful
within one run on one machine.

``--stages`` also prints where the reader's time goes, each as a multiple of the floor: getting
the grids (calamine, the XML side scan, converting values, filling merged ranges), locating the
tables, and the rest (assembling each table and validating its models), with the validation
alone measured by validating the read tables' data again.

    python benchmarks/read.py [--tables 200] [--repeat 9] [--stages]
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

from indicators.model import Evaluation  # noqa: E402
from indicators.xlsx import load_xlsx_file  # noqa: E402
from indicators.xlsx.cells import read_workbook  # noqa: E402
from indicators.xlsx.gcpause import collector_paused  # noqa: E402
from indicators.xlsx.locate import locate_tables  # noqa: E402

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "u-wuhai-2023.xlsx"


def _name_column(template) -> int | None:
    for row in template.iter_rows():
        for cell in row:
            if cell.value == "三级指标":
                return cell.column
    return None


def build(path: Path, tables: int, tag: str = "") -> None:
    """N sheets copied round-robin from the five real 乌海 tables (samples/u-wuhai-2023.xlsx):
    seed-size tables (~30 rows, long Chinese text, merged cells), values and merges only.

    Each copy's own texts are made distinct (its number, and the workbook's ``tag``, appended to
    every 三级指标 name and to every text over 12 characters), as the tables of real workbooks
    are: a reader that remembers what it has seen must not look faster here than on real,
    different tables — nor on the second reading of a workbook than on the first.
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
                        value = f"{value}（{tag}表{number + 1}）"
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


def paired_ms(paths: list[Path]) -> tuple[list[float], list[float]]:
    """Floor and reader timed back to back on each workbook, so that both see the same moments
    of a shared, noisy machine; each workbook is read once by each."""
    floors, readers = [], []
    for path in paths:
        for function, times in ((floor, floors), (reader, readers)):
            start = time.perf_counter()
            function(path)
            times.append((time.perf_counter() - start) * 1000)
    return floors, readers


def _ms(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return (time.perf_counter() - start) * 1000, result


def _locate_all(grids) -> int:
    return sum(len(locate_tables(grid)) for grid in grids)


def stages(pairs: list[tuple[Path, Path]]) -> dict[str, list[float]]:
    """Each stage's milliseconds in floors, per pair of fresh workbooks of the same shape.

    The grids and the locating are timed on the first workbook of a pair, the whole read on the
    second (a text is new to the reader only once); the rest (assembling each table, validating
    it, whatever else the whole read does) is the whole read less the two, so it carries the noise
    of three timings. Validation alone is timed on the second workbook's tables dumped and validated
    again. Every stage of a pair is divided by the same floor, the mean of the pair's two floors.
    Like the reader, the stages run with the collector paused.
    """
    found: dict[str, list[float]] = {key: [] for key in ("grids", "locating", "rest (assembling, validating)",
                                                         "validating alone", "whole read")}
    for first, second in pairs:
        base_1, _ = _ms(floor, first)
        with collector_paused():
            grid_ms, grids = _ms(read_workbook, first)
            locate_ms, _ = _ms(_locate_all, grids)
        del grids
        base_2, _ = _ms(floor, second)
        whole_ms, result = _ms(load_xlsx_file, second)
        dumps = [evaluation.model_dump() for evaluation in result.evaluations]
        with collector_paused():
            validate_ms, _ = _ms(lambda: [Evaluation.model_validate(dump) for dump in dumps])
        base = (base_1 + base_2) / 2
        for key, ms in (("grids", grid_ms), ("locating", locate_ms),
                        ("rest (assembling, validating)", whole_ms - grid_ms - locate_ms),
                        ("validating alone", validate_ms), ("whole read", whole_ms)):
            found[key].append(ms / base)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--stages", action="store_true", help="also print where the reader's time goes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        # One workbook per timed pair, all of the same shape, with texts of their own; one more to warm up.
        paths = [Path(folder) / f"book{k}.xlsx" for k in range(args.repeat + 1)]
        for k, path in enumerate(paths):
            build(path, args.tables, tag=f"第{k}册")
        size = paths[0].stat().st_size
        assert reader(paths[0]) == args.tables
        floor(paths[0])  # warm both paths once: imports and the file cache
        floors, readers = paired_ms(paths[1:])
        if args.stages:
            more = [Path(folder) / f"stage{k}.xlsx" for k in range(2 * args.repeat)]
            for k, path in enumerate(more):
                build(path, args.tables, tag=f"第{k}段")
            found = stages(list(zip(more[::2], more[1::2])))
    base, ours = statistics.median(floors), statistics.median(readers)
    ratio = statistics.median(r / f for f, r in zip(floors, readers))
    print(f"workbook: {args.tables} tables, {size:,} bytes")
    print(f"floor  (python-calamine values + merged ranges): {base:8.1f} ms  ({base / args.tables:.3f} ms/table)")
    print(f"reader (perfscore load_xlsx_file):               {ours:8.1f} ms  ({ours / args.tables:.3f} ms/table)")
    print(f"ratio reader / floor: {ratio:.2f}x  (median of {args.repeat} back-to-back pairs; "
          f"fastest runs {min(readers) / min(floors):.2f}x; target <= 3x)")
    if args.stages:
        print("where the reader's time goes, in floors (medians; calamine itself is 1 of the grids):")
        for key, values in found.items():
            print(f"  {key:30s} {statistics.median(values):5.2f}")


if __name__ == "__main__":
    main()
