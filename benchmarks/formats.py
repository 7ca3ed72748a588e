"""How much longer a table takes to read from each published form than from its .xlsx.

The converted samples in tests/fixtures/formats/ (the shipped workbooks saved as .xls, .ods,
.docx, .html and .pdf by scripts/build_format_fixtures.py) are read with ``indicators.load.load``
— what every command does — back to back with the same samples' .xlsx, and each format is
printed as a ratio to the .xlsx measured in the same run (best of ``--repeat`` rounds).

    python benchmarks/formats.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indicators.load import load  # noqa: E402  (the repository's own package, not an installed one)

FIXTURES = ROOT / "tests" / "fixtures" / "formats"
SAMPLES = ROOT / "samples"
FORMATS = ("xls", "ods", "docx", "html", "pdf")


def best(files: list[Path], repeat: int) -> float:
    """The fastest round's time per file, in milliseconds (every file read with ``load``)."""
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for path in files:
            result = load(str(path))
            if result.problems and not result.evaluations:
                raise SystemExit(f"{path}: {result.problems[0].message}")
        rounds.append(time.perf_counter() - start)
    return min(rounds) / len(files) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    stems = sorted(path.stem for path in FIXTURES.glob("*.xls") if (SAMPLES / f"{path.stem}.xlsx").exists())
    originals = [SAMPLES / f"{stem}.xlsx" for stem in stems]
    print(f"{len(stems)} sample workbooks, each format read with indicators.load.load, best of {args.repeat}")
    floor = best(originals, args.repeat)
    print(f"  xlsx  {floor:8.2f} ms/file  1.0x")
    for kind in FORMATS:
        files = [FIXTURES / f"{stem}.{kind}" for stem in stems if (FIXTURES / f"{stem}.{kind}").exists()]
        took = best(files, args.repeat)
        print(f"  {kind:<5} {took:8.2f} ms/file  {took / floor:.1f}x")


if __name__ == "__main__":
    main()
