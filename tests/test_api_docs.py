"""The Python API: ``import perfscore`` shows what a script needs, and docs/api.md's examples run as written."""

from __future__ import annotations

import doctest
import os
import subprocess
import sys

from .conftest import ROOT


def test_the_api_page_examples_run(monkeypatch):
    monkeypatch.chdir(ROOT)  # the examples name samples/ from the repository's root
    failures, tried = doctest.testfile(str(ROOT / "docs" / "api.md"), module_relative=False,
                                       optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert tried > 10
    assert failures == 0


def test_help_of_the_package_lists_the_api():
    shown = subprocess.run([sys.executable, "-c", "import perfscore; help(perfscore)"], cwd=ROOT, text=True,
                           capture_output=True, env={**os.environ, "PAGER": "cat", "TERM": "dumb"}, check=True).stdout
    for name in ("run", "load", "score", "review", "decide", "write_workbook", "to_json", "FileResult", "EvaluationResult",
                 "PerfscoreError"):
        assert name in shown


def test_every_name_the_package_exports_exists():
    import perfscore

    missing = [name for name in perfscore.__all__ if not hasattr(perfscore, name)]
    assert missing == []
