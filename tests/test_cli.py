"""The ``perfscore`` command line: exit codes, messages, the JSON contract, golden reports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import main

from .conftest import ROOT, SAMPLES, check_golden

SAMPLE_FILES = sorted(SAMPLES.glob("*.yaml"))


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=[p.name for p in SAMPLE_FILES])
def test_every_sample_scores_through_the_cli(path):
    result = run("score", str(path), "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["problems"] == []
    (evaluation,) = document["evaluations"]
    assert evaluation["source"] == str(path)
    assert re.fullmatch(r"\d+\.\d\d", evaluation["total"])
    text = run("score", str(path))
    assert text.exit_code == 0
    assert f"总分 {evaluation['total']}" in text.stdout


CONTRACT_KEYS = ["source", "location", "title", "kind", "rules", "version", "total", "max_total", "recorded_total",
                 "grade", "complete", "pending_weight", "budget", "lines", "findings"]
#: Added within version 1, after the fields above (docs/json.md).
ADDED_KEYS = ["version_minor", "year", "department", "unit", "opinion"]
LINE_KEYS = ["index", "kind", "goal", "level1", "level2", "name", "target", "actual", "weight", "score", "lost",
             "recorded", "status", "reasons", "source"]


def test_json_contract_shape():
    result = run("score", str(SAMPLES / "w1-wuhan-2023-department.yaml"), "--format", "json")
    document = json.loads(result.stdout)
    assert list(document) == ["evaluations", "problems"]
    evaluation = document["evaluations"][0]
    assert list(evaluation) == CONTRACT_KEYS + ADDED_KEYS
    assert evaluation["version"] == 1 and evaluation["version_minor"] == 1
    assert (evaluation["year"], evaluation["department"], evaluation["unit"], evaluation["opinion"]) == \
        (2023, None, "武汉市医疗保障局（局本级）", None)
    assert evaluation["budget"] == {"budget": "4342.32", "executed": "4342.35", "rate": "100.00",
                                    "weight": "20.00", "score": "20.00"}
    assert (evaluation["total"], evaluation["recorded_total"], evaluation["grade"]) == ("99.50", "99.50", "优")
    for line in evaluation["lines"]:
        assert list(line) == LINE_KEYS
        assert line["kind"] in {"budget", "indicator"}
        assert line["status"] in {"scored", "judged", "needs_judgment", "not_applicable"}
    assert [line["index"] for line in evaluation["lines"]] == list(range(1, len(evaluation["lines"]) + 1))
    deducted = next(line for line in evaluation["lines"] if line["name"] == "投诉举报上级转办办结率")
    assert (deducted["weight"], deducted["score"], deducted["lost"], deducted["goal"]) == \
        ("10.00", "9.50", "0.50", "年度目标2")
    assert deducted["source"].startswith(str(SAMPLES / "w1-wuhan-2023-department.yaml") + ":")


def test_json_for_an_unfinished_table():
    result = run("score", str(SAMPLES / "c1-caidian-2022-audit.yaml"), "--format", "json")
    evaluation = json.loads(result.stdout)["evaluations"][0]
    assert (evaluation["complete"], evaluation["grade"], evaluation["pending_weight"]) == (False, "待定", "30.00")
    pending = [line for line in evaluation["lines"] if line["status"] == "needs_judgment"]
    assert [(line["weight"], line["score"]) for line in pending] == [("30.00", None)]
    finding = next(f for f in evaluation["findings"] if f["code"] == "needs_judgment")
    assert finding["severity"] == "warning" and finding["index"] == pending[0]["index"]


def test_two_lines_with_the_same_name_stay_apart():
    result = run("score", str(SAMPLES / "u5-wuhai-2023-hired-staff.yaml"), "--format", "json")
    lines = json.loads(result.stdout)["evaluations"][0]["lines"]
    same = [line for line in lines if line["name"] == "持续提高医保经办服务满意度"]
    assert len(same) == 2 and same[0]["index"] != same[1]["index"]
    assert {line["status"] for line in same} == {"judged", "scored"}


def test_bad_inputs_are_all_reported_and_good_ones_still_scored(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: project\ntitle: 坏表\nindicators:\n  - {name: 甲, target: '1', actual: '1', weight: 十分}\n",
                   encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text("kind: [\n", encoding="utf-8")
    good = SAMPLES / "q1-qiaokou-2020-department.yaml"
    result = run("score", str(bad), str(tmp_path / "missing.yaml"), str(broken), str(good), "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert [e["total"] for e in document["evaluations"]] == ["100.00"]
    messages = [(p["source"], p["message"]) for p in document["problems"]]
    assert (f"{bad}:4", "indicators（绩效指标）[1].weight（分值）：应为数字，实际为“十分”") in messages
    assert (str(tmp_path / "missing.yaml"), "文件不存在") in messages
    assert any(source.startswith(f"{broken}:") and "YAML 语法错误" in m for source, m in messages)
    assert "共 3 处输入问题" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args,fragment", [
    (["score"], "缺少参数"),
    (["score", "x.yaml", "--format", "xml"], "--format"),
    (["score", "x.yaml", "--rules", "standrd"], "是否想用“standard”"),
    (["score", "x.yaml", "--bogus"], "没有选项"),
    (["nosuchcommand"], "没有命令"),
])
def test_usage_errors_exit_2(args, fragment):
    result = run(*args)
    assert result.exit_code == 2
    assert fragment in result.output


def test_output_file_and_refusing_to_overwrite_an_input(tmp_path):
    sample = tmp_path / "q1.yaml"
    sample.write_bytes((SAMPLES / "q1-qiaokou-2020-department.yaml").read_bytes())
    before = sample.read_bytes()
    result = run("score", str(sample), "-o", str(sample))
    assert result.exit_code == 2 and "与输入文件相同" in result.output
    assert sample.read_bytes() == before
    out = tmp_path / "out.json"
    result = run("score", str(sample), "--format", "json", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["evaluations"][0]["total"] == "100.00"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json", "q1.yaml"]  # no temporary file left


def test_help_and_version():
    assert run("--help").exit_code == 0
    assert "预算绩效自评表" in run("-h").stdout
    assert run("score", "--help").exit_code == 0
    version = run("--version")
    assert version.exit_code == 0 and version.stdout.startswith("perfscore ")


def test_every_command_is_in_the_readme():
    # The group is lazy (cli.main.LazyGroup): main.commands is empty, COMMANDS lists what help shows.
    from cli.main import COMMANDS

    assert COMMANDS, "no commands registered"
    assert list(main.list_commands(None)) == list(COMMANDS)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f"perfscore {name}" in readme, name


def test_golden_text_report(update_golden, monkeypatch):
    monkeypatch.chdir(ROOT)  # the report quotes the path as given
    result = run("score", "samples/u4-wuhai-2023-digital-reform.yaml")
    check_golden("score-u4.txt", result.stdout, update_golden)


def test_golden_json_report(update_golden, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("score", "samples/w2-wuhan-2023-project.yaml", "--format", "json")
    check_golden("score-w2.json", result.stdout, update_golden)


def test_the_installed_console_script_runs(tmp_path):
    """The quick start's own path: the ``perfscore`` executable pip installed, outside the source tree."""
    import shutil
    import subprocess
    import sys

    executable = shutil.which("perfscore", path=str(Path(sys.executable).parent)) or shutil.which("perfscore")
    if executable is None:
        pytest.skip("perfscore is not installed in this environment")
    sample = SAMPLES / "w1-wuhan-2023-department.yaml"
    done = subprocess.run([executable, "score", str(sample), "--format", "json"], capture_output=True, text=True,
                          cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["evaluations"][0]["total"] == "99.50"


def test_the_group_help_shows_each_commands_own_short_help():
    import click

    from cli.main import COMMANDS, SHORT_HELP

    assert list(SHORT_HELP) == list(COMMANDS)
    for name in COMMANDS:
        command = main.get_command(click.Context(main), name)
        assert command.get_short_help_str(limit=200) == SHORT_HELP[name], name
    listed = run("--help").stdout
    assert all(text in listed for text in SHORT_HELP.values())


def test_help_and_version_start_without_the_library():
    import subprocess
    import sys

    code = ("import sys; from cli.main import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'scoring', 'indicators', 'yaml')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_reader_that_goes_away_is_no_error():
    import os
    import subprocess
    import sys

    read_end, write_end = os.pipe()
    os.close(read_end)  # like ``| head`` that has already stopped reading: every write meets a closed pipe
    try:
        done = subprocess.run([sys.executable, "-c", "from cli.main import main; main()", "rules", "list"], cwd=ROOT,
                              stdout=write_end, stderr=subprocess.PIPE, timeout=60)
    finally:
        os.close(write_end)
    assert done.stderr == b""  # no traceback, no "internal error", no "Exception ignored"
    assert done.returncode == 1
