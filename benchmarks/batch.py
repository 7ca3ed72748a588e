"""perfscore batch against the cost of merely reading the same workbooks, measured in one run.

Generates N seed-size workbooks (default 1,000: the five real 乌海 tables of the
samples, ~30–40 rows with long Chinese text and merged cells, each copy with its
own title and project name) into a temporary folder, then times:

  (a) floor    python-calamine reading every file's values and merged ranges in one process
  (b) batch    `perfscore batch DIR` end to end (a new process, as a user runs it) with --jobs 1
               and with all cores
  (c) export   the same with --export DIR, against xlsxwriter writing a workbook of the same
               size in memory
  (d) memory   peak resident memory of a one-job batch over 100 and over --memory-workbooks (default
               5,000) workbooks, without and with the summary workbook (-o)

and prints per-workbook milliseconds and the ratios. Targets: batch with 1 job ≤ 6 × the floor; all
cores ≥ 1.7 × faster than 1 job when two cores are free; --export per workbook ≤ 2 × xlsxwriter;
peak memory at 5,000 workbooks within 20 MB of the peak at 100, with and without -o.
Ratios mean something only within one run on one machine.

    python benchmarks/batch.py [--workbooks 1000] [--memory-workbooks 5000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "u-wuhai-2023.xlsx"
DISTINCT = 50  # distinct workbooks written with openpyxl; the rest are copies of them


def generate(folder: Path, count: int) -> list[Path]:
    import openpyxl

    source = openpyxl.load_workbook(SAMPLE)
    templates = [sheet for sheet in source.worksheets if sheet.max_row > 10]
    made: list[Path] = []
    for number in range(min(DISTINCT, count)):
        template = templates[number % len(templates)]
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = template.title
        for row in template.iter_rows():
            for cell in row:
                if cell.value is not None and type(cell).__name__ == "Cell":
                    value = cell.value
                    if isinstance(value, str) and cell.row <= 4 and len(value) > 3:
                        value = f"{value}（{number + 1}）"  # each workbook its own title and names
                    sheet.cell(row=cell.row, column=cell.column, value=value)
        for merged in template.merged_cells.ranges:
            sheet.merge_cells(str(merged))
        path = folder / f"unit{number:04}.xlsx"
        book.save(path)
        made.append(path)
    for number in range(len(made), count):
        path = folder / f"unit{number:04}.xlsx"
        shutil.copyfile(made[number % len(made)], path)
        made.append(path)
    return made


def floor(files: list[Path]) -> float:
    import python_calamine

    start = time.perf_counter()
    for path in files:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            sheet.to_python(skip_empty_area=False)
            sheet.merged_cell_ranges
        book.close()
    return time.perf_counter() - start


def batch(folder: Path, jobs: int, extra: list[str]) -> float:
    out = folder.parent / f"summary-{jobs}.xlsx"
    command = [sys.executable, "-m", "cli", "batch", str(folder), "--jobs", str(jobs), "-o", str(out), "--force",
               *extra]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"batch failed: {done.stderr[-2000:]}")
    return elapsed


def peak_memory_mb(folder: Path, count: int, summary: bool) -> float:
    """Peak resident memory of a one-job batch over ``count`` workbooks (a fresh process), with ``-o`` or not."""
    subset = folder.parent / f"subset-{count}"
    if not subset.exists():
        subset.mkdir()
        sources = sorted(folder.iterdir())
        for k in range(count):  # hard links: 5,000 workbooks cost no disk
            os.link(sources[k % len(sources)], subset / f"{k:05}-{sources[k % len(sources)].name}")
    code = ("import resource, sys; from cli.main import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)")
    extra = ["-o", str(folder.parent / f"memory-{count}.xlsx"), "--force"] if summary else []
    done = subprocess.run([sys.executable, "-c", code, "batch", str(subset), "--jobs", "1", "--format", "jsonl", *extra],
                          cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return int(done.stderr.strip().splitlines()[-1]) / 1024  # ru_maxrss is in KiB on Linux


def xlsxwriter_floor(count: int) -> float | None:
    """xlsxwriter writing a styled workbook of seed size (~40 rows × 12 columns, merged title) in memory."""
    try:
        import io

        import xlsxwriter
    except ImportError:
        return None
    rows = 40
    start = time.perf_counter()
    for _ in range(count):
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = book.add_worksheet("自评表")
        bold = book.add_format({"bold": True, "border": 1, "text_wrap": True})
        plain = book.add_format({"border": 1, "text_wrap": True, "num_format": "0.00"})
        sheet.merge_range(0, 0, 0, 11, "项目支出绩效自评表", bold)
        for r in range(1, rows):
            for c in range(12):
                sheet.write(r, c, f"指标名称{r}-{c}" if c < 8 else r * 1.5, plain if c >= 8 else bold)
        sheet.write_comment(5, 10, "表上得分与规则得分不一致")
        book.close()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workbooks", type=int, default=1000)
    parser.add_argument("--memory-workbooks", type=int, default=5000)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "in"
        folder.mkdir()
        files = generate(folder, args.workbooks)
        floor(files)  # warm the file cache
        base = floor(files)
        one = batch(folder, 1, [])
        many = batch(folder, cores, [])
        exports = None
        helptext = subprocess.run([sys.executable, "-m", "cli", "batch", "--help"], cwd=ROOT, capture_output=True,
                                  text=True).stdout
        if "--export" in helptext:
            exports = batch(folder, 1, ["--export", str(Path(temp) / "out")]) - one
        writer = xlsxwriter_floor(min(args.workbooks, 200))
        memory = {(count, summary): peak_memory_mb(folder, count, summary)
                  for count in (100, args.memory_workbooks) for summary in (False, True)}
    n = args.workbooks
    ms = lambda seconds, count=n: seconds * 1000 / count  # noqa: E731
    print(f"{n} workbooks, {cores} cores")
    print(f"(a) floor, python-calamine values + merged ranges: {ms(base):7.2f} ms/workbook")
    print(f"(b) perfscore batch --jobs 1:                     {ms(one):7.2f} ms/workbook  = {one / base:5.1f} x floor"
          f"  (target <= 6x)")
    print(f"    perfscore batch --jobs {cores}:                     {ms(many):7.2f} ms/workbook  = {one / many:5.2f} x faster"
          f" than 1 job  (target >= 1.7x)")
    if exports is not None:
        line = f"(c) --export, extra per workbook:                 {ms(exports):7.2f} ms/workbook"
        if writer is not None:
            line += f"  = {ms(exports) / ms(writer, min(n, 200)):5.1f} x xlsxwriter in memory ({ms(writer, min(n, 200)):.2f} ms)" \
                    f"  (target <= 2x)"
        print(line)
    else:
        print("(c) --export: this version of perfscore batch has no --export option yet")
    big = args.memory_workbooks
    for summary in (False, True):
        few_mb, many_mb = memory[(100, summary)], memory[(big, summary)]
        print(f"(d) peak memory, --jobs 1{' -o' if summary else ''}: 100 workbooks {few_mb:.0f} MB, {big} workbooks "
              f"{many_mb:.0f} MB, +{many_mb - few_mb:.1f} MB  (target: within 20 MB)")


if __name__ == "__main__":
    main()
