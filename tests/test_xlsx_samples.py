"""The shipped workbooks (samples/*.xlsx, published layouts) score exactly like the YAML samples."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from cli.main import main
from indicators.load import load_path
from scoring.engine import score

from .conftest import SAMPLES

WORKBOOKS = sorted(SAMPLES.glob("*.xlsx"))


def _by_title(paths):
    scored = {}
    for path in paths:
        result = load_path(path)
        assert not result.problems, [f"{p.source}: {p.message}" for p in result.problems]
        for evaluation in result.evaluations:
            scored[evaluation.title] = score(evaluation)
    return scored


def test_workbooks_hold_every_yaml_sample_and_score_the_same():
    from_yaml = _by_title(sorted(SAMPLES.glob("*.yaml")))
    from_xlsx = _by_title(WORKBOOKS)
    assert set(from_xlsx) == set(from_yaml)
    for title, expected in from_yaml.items():
        got = from_xlsx[title]
        assert (got.total, got.grade, got.complete, got.pending_weight, got.recorded_total) == \
            (expected.total, expected.grade, expected.complete, expected.pending_weight, expected.recorded_total), title
        assert [(l.kind, l.name, l.weight, l.score, l.recorded, l.status) for l in got.lines] == \
            [(l.kind, l.name, l.weight, l.score, l.recorded, l.status) for l in expected.lines], title
        assert [f.code for f in got.findings] == [f.code for f in expected.findings], title


@pytest.mark.parametrize("path", WORKBOOKS, ids=[p.name for p in WORKBOOKS])
def test_every_workbook_through_the_cli_with_cell_sources(path):
    result = CliRunner().invoke(main, ["score", str(path), "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["evaluations"] and document["problems"] == []
    for evaluation in document["evaluations"]:
        assert re.fullmatch(r"[^!]+![A-Z]+\d+", evaluation["location"])
        for line in evaluation["lines"]:
            assert re.fullmatch(r"[^!]+![A-Z]+\d+", line["source"]), line


def test_w2_as_published_workbook_reports_the_unexplained_half_point():
    (result,) = [score(e) for e in load_path(SAMPLES / "w2-wuhan-2023-project.xlsx").evaluations]
    finding = next(f for f in result.findings if f.code == "unexplained_deduction")
    assert finding.line == "投诉举报上级转办办结率" and "7.50" in finding.message
    assert re.fullmatch(r"项目自评表![A-Z]+\d+", finding.source.location)
    assert result.total == 100
