"""The benchmark scripts still run against the current reader (their figures are never checked here:
timing belongs in the scripts, not in tests on shared machines)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_read_benchmark_runs_and_prints_its_ratio_and_stages():
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "read.py"), "--tables", "3", "--repeat", "1",
                          "--stages"], capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("workbook: 3 tables, ")
    assert any(line.startswith("ratio reader / floor: ") for line in lines)
    stages = [line.strip().rsplit(" ", 1) for line in lines if line.startswith("  ")]
    assert [name.strip() for name, _ in stages] == ["grids", "locating", "rest (assembling, validating)",
                                                    "validating alone", "whole read"]
    assert all(multiple.replace(".", "", 1).lstrip("-").isdigit() for _, multiple in stages)  # each a number


def test_formats_benchmark_runs_and_prints_a_ratio_per_format():
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "formats.py"), "--repeat", "1"],
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    rows = [line.split() for line in run.stdout.splitlines()[1:]]
    assert [row[0] for row in rows] == ["xlsx", "xls", "ods", "docx", "html", "pdf"]
    assert all(row[2] == "ms/file" and row[3].endswith("x") for row in rows)
