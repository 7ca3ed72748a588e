"""One pipeline behind every front end: the same files give the same findings, and a failure stays in its table."""

from __future__ import annotations

import json
import os
import warnings
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner

with warnings.catch_warnings():  # Starlette ≥ 1.0 prefers another client for its test client; httpx still works
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

from cli.main import main
from cli.web.app import create_app
from cli.web.settings import Settings
from indicators.load import Input
from scoring.pipeline import load_files, run, score_files
from scoring.ruleset import get_ruleset

from .conftest import SAMPLES

# The 乌海 tables name one document: U3's 主管部门 is checked against the other four.
WUHAI = sorted(SAMPLES.glob("u[1-5]-*.yaml"))
W1 = SAMPLES / "w1-wuhan-2023-department.yaml"


def cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def findings_of(evaluations: list[dict]) -> list[tuple]:
    """Each table's findings as comparable rows (a YAML source named by the file's own name)."""
    rows = []
    for item in evaluations:
        for f in item["findings"]:
            where = os.path.basename(f["source"]) if f["source"] else None
            rows.append((item["title"], f["code"], f["severity"], f["line"], f["index"], where, f["message"]))
    return sorted(rows)


def web_json(paths) -> dict:
    client = TestClient(create_app(Settings(ruleset=get_ruleset("standard"))), base_url="http://127.0.0.1")
    files = [("files", (path.name, path.read_bytes())) for path in paths]
    response = client.post("/upload", files=files, follow_redirects=False)
    url = response.headers["location"].split("#")[0]
    return client.get(url + "/score.json").json()


def test_check_batch_and_the_web_page_give_the_same_findings():
    paths = [str(p) for p in WUHAI]
    checked = json.loads(cli("check", *paths, "--format", "json", "--min-severity", "info").stdout)
    batched = json.loads(cli("batch", *paths, "--format", "json", "--jobs", "1").stdout)
    pooled = json.loads(cli("batch", *paths, "--format", "json", "--jobs", "2").stdout)
    web = web_json(WUHAI)
    expected = findings_of(checked["evaluations"])
    assert any(row[1] == "header_mismatch" for row in expected)  # the cross-file check is in the comparison
    assert findings_of(batched["evaluations"]) == expected
    assert findings_of(pooled["evaluations"]) == expected
    assert findings_of(web["evaluations"]) == expected


def test_bytes_read_under_their_own_name_give_what_the_path_gives():
    by_path = run([str(W1)])[0]
    by_bytes = run([Input.from_bytes("上传的W1.yaml", W1.read_bytes())])[0]
    assert [r.total for r in by_bytes.results] == [r.total for r in by_path.results]
    assert by_bytes.results[0].file == "上传的W1.yaml"
    assert all(line.source.file == "上传的W1.yaml" for line in by_bytes.results[0].lines if line.source)


@pytest.fixture
def one_table_fails(monkeypatch):
    """Scoring the table titled 聘用人员工资 (U5) raises, wherever a front end scores it."""
    import scoring.checks
    import scoring.pipeline

    def failing(real):
        def score(evaluation, ruleset=None, *args, **kwargs):
            if evaluation.title == "聘用人员工资":
                raise RuntimeError("engine bug")
            return real(evaluation, ruleset, *args, **kwargs)
        return score

    monkeypatch.setattr(scoring.checks, "score", failing(scoring.checks.score))
    monkeypatch.setattr(scoring.pipeline, "score", failing(scoring.pipeline.score))


def _failed_and_scored(evaluations: list[dict]) -> tuple[list[str], dict[str, str]]:
    failed = [e["title"] for e in evaluations if any(f["code"] == "table_failed" for f in e["findings"])]
    scored = {e["title"]: e["total"] for e in evaluations if e["title"] not in failed}
    return failed, scored


@pytest.mark.parametrize("review", [True, False], ids=["reviewed", "scored-only"])
def test_a_table_that_fails_is_reported_unscored_and_the_others_are_scored(one_table_fails, review):
    files = score_files(load_files([str(p) for p in WUHAI]), get_ruleset("standard"), review=review)
    results = {r.title: r for file in files for r in file.results}
    failed = results["聘用人员工资"]
    assert (failed.complete, failed.grade, failed.lines) == (False, "待定", ())
    assert [f.code for f in failed.findings] == ["table_failed"]
    assert "RuntimeError" in failed.findings[0].message
    assert results["医疗保障经办数字化改革及系统运行维护费"].total == Decimal("96.30")
    assert [file.failed for file in files] == [title == "聘用人员工资"
                                               for file in files for title in [file.results[0].title]]


@pytest.mark.parametrize("command", ["score", "check"])
def test_the_commands_report_the_failed_table_and_exit_1(one_table_fails, command):
    result = cli(command, *map(str, WUHAI), "--format", "json")
    assert result.exit_code == 1
    failed, scored = _failed_and_scored(json.loads(result.stdout)["evaluations"])
    assert failed == ["聘用人员工资"]
    assert scored["医疗保障经办数字化改革及系统运行维护费"] == "96.30" and len(scored) == 4


def test_batch_writes_its_summary_when_a_table_fails(one_table_fails, tmp_path):
    out = tmp_path / "summary.xlsx"
    result = cli("batch", *map(str, WUHAI), "-o", str(out), "--jobs", "1", "--format", "json")
    assert result.exit_code == 1
    failed, scored = _failed_and_scored(json.loads(result.stdout)["evaluations"])
    assert failed == ["聘用人员工资"] and len(scored) == 4
    rows = list(openpyxl.load_workbook(out)["发现"].iter_rows(values_only=True))
    assert any("table_failed" in row for row in rows)


def test_the_web_page_still_renders_when_a_table_fails(one_table_fails):
    document = web_json(WUHAI)
    failed, scored = _failed_and_scored(document["evaluations"])
    assert failed == ["聘用人员工资"] and len(scored) == 4
