"""The xlsx reader's cost in machine instructions, counted by valgrind: a measure that does not move.

benchmarks/read.py times the reader against python-calamine; on a shared machine the same code
measures ±30% from one minute to the next, too much to tell a 3% change from noise. valgrind
(``--tool=cachegrind``) counts the instructions a process executes, the same on every run for
the same input (``PYTHONHASHSEED=0``), so two versions of the reader can be compared exactly.

Builds two workbooks of N tables as benchmarks/read.py does, then runs three child processes
under valgrind, each importing everything and reading the first workbook once (warm-up), then:
nothing more / python-calamine's values and merged ranges of the second workbook / perfscore's
load_xlsx_file of it. Their differences are the instructions of the two reads. Instruction counts
are not time (the interpreter's instructions are slower than calamine's Rust): compare readers
by their counts, and the reader with calamine by benchmarks/read.py.

    python benchmarks/instructions.py [--tables 200]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from read import build  # noqa: E402

_CHILD = """
import os, sys
sys.path.insert(0, {root!r})
import python_calamine
from indicators.xlsx import load_xlsx_file

def floor(path):
    book = python_calamine.CalamineWorkbook.from_path(path)
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        sheet.to_python(skip_empty_area=False)
        sheet.merged_cell_ranges
    book.close()

load_xlsx_file({warm!r}); floor({warm!r})
mode = {mode!r}
if mode == "floor":
    floor({path!r})
elif mode == "reader":
    load_xlsx_file({path!r})
os._exit(0)  # the same exit for all three: freeing what was read is not counted
"""


def instructions(mode: str, warm: Path, path: Path) -> int:
    """Instructions executed by a child process that warms up and then does ``mode``."""
    code = _CHILD.format(root=str(ROOT), warm=str(warm), path=str(path), mode=mode)
    env = {**os.environ, "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1"}
    run = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
                          sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    found = re.search(r"I\s+refs:\s+([\d,]+)", run.stderr)
    if run.returncode != 0 or found is None:
        raise SystemExit(f"valgrind 运行失败（{mode}）：\n{run.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=200)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("需要 valgrind（apt install valgrind）；计时用 benchmarks/read.py")
    with tempfile.TemporaryDirectory() as folder:
        warm, path = Path(folder) / "warm.xlsx", Path(folder) / "book.xlsx"
        build(warm, args.tables, tag="预热")
        build(path, args.tables, tag="计数")
        base = instructions("none", warm, path)
        floor = instructions("floor", warm, path) - base
        reader = instructions("reader", warm, path) - base
    print(f"workbook: {args.tables} tables")
    print(f"floor  (python-calamine values + merged ranges): {floor / 1e6:9.1f}M instructions")
    print(f"reader (perfscore load_xlsx_file):               {reader / 1e6:9.1f}M instructions")
    print(f"ratio reader / floor: {reader / floor:.2f} (instructions, not time: see benchmarks/read.py)")


if __name__ == "__main__":
    main()
