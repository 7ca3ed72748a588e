"""A reviewer's decisions on findings: recorded in a YAML file, lasting across runs, lapsing when the values change."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from hypothesis import given, settings

from cli.main import main
from scoring.decisions import (apply_decisions, cited_values, decisions_yaml, parse_decisions,
                               read_decisions)
from scoring.pipeline import run as run_pipeline, score_tables

from .conftest import SAMPLES
from .strategies import evaluations

#: A small 项目支出 table whose only finding is one 无说明扣分 on 合格率 (recorded 35 of 40, no reason).
TABLE = """\
kind: project
title: 示例项目经费
year: 2024
department: 示例主管局
unit: 示例单位
funds: {weight: 10, budget: '100', executed: '100', recorded: 10}
indicators:
  - {level1: 产出指标, level2: 数量指标, name: 培训次数, target: "≥10次", actual: 12次, weight: 40, recorded: 40}
  - {level1: 产出指标, level2: 质量指标, name: 合格率, target: "100%", actual: "100%", weight: 40, recorded: RECORDED}
  - {level1: 满意度指标, level2: 服务对象满意度指标, name: 满意度, target: "≥90%", actual: "95%", weight: 10, recorded: 10}
"""


def cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def write_table(folder: Path, recorded: str = "35", name: str = "t.yaml") -> Path:
    path = folder / name
    path.write_text(TABLE.replace("RECORDED", recorded), encoding="utf-8")
    return path


def fill(template: Path, verdict: str, reason: str, code: str | None = None) -> None:
    """Fill every listed finding (or those of ``code``) with ``verdict`` and ``reason``, as a reviewer would."""
    data = yaml.safe_load(template.read_text(encoding="utf-8"))
    for table in data["tables"]:
        for item in table["findings"]:
            if code is None or item["code"] == code:
                item["verdict"], item["reason"] = verdict, reason
    template.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_dismissal_lasts_across_runs_and_lapses_when_the_cell_changes(tmp_path):
    table = write_table(tmp_path)
    decisions = tmp_path / "decisions.yaml"
    first = cli("check", str(table), "--decisions-template", str(decisions))
    assert first.exit_code == 1
    assert "unexplained_deduction" in first.stdout
    listed = yaml.safe_load(decisions.read_text(encoding="utf-8"))
    (block,) = listed["tables"]
    assert (block["title"], block["unit"], block["year"]) == ("示例项目经费", "示例单位", 2024)
    (item,) = block["findings"]
    assert (item["code"], item["line"], item["verdict"]) == ("unexplained_deduction", "合格率", None)
    assert item["values"] == ["合格率", "35.00", "40.00", "5"]
    fill(decisions, "不采纳", "单位已补交扣分说明：抽检发现两批次返工")

    # Re-run: the finding is shown as dismissed, with its reason, and does not count towards the exit code.
    second = cli("check", str(table), "--decisions", str(decisions))
    assert second.exit_code == 0, second.output
    assert "[警告·不采纳]" in second.stdout and "单位已补交扣分说明" in second.stdout
    assert "已复核 1" in second.stdout
    document = json.loads(cli("check", str(table), "--decisions", str(decisions), "--format", "json").stdout)
    (finding,) = document["evaluations"][0]["findings"]
    assert finding["decision"]["verdict"] == "dismissed" and finding["decision"]["lapsed"] is False
    assert finding["decision"]["source"].startswith(str(decisions) + ":")
    assert document["summary"]["failed"] is False and document["summary"]["decided"] == 1

    # The officer changes the cell: the finding cites other values, so it is raised again and the decision lapses.
    write_table(tmp_path, recorded="30")
    third = cli("check", str(table), "--decisions", str(decisions))
    assert third.exit_code == 1
    assert "[警告] " in third.stdout and "表上得分30.00低于规则得分40.00" in third.stdout
    assert "已失效" in third.stdout
    lapsed = [line for line in third.stderr.splitlines() if "已失效" in line]
    assert len(lapsed) == 1 and lapsed[0].startswith(f"提示：{decisions}:")
    assert "原为 合格率、35.00、40.00、5，现为 合格率、30.00、40.00、10" in lapsed[0]
    document = json.loads(cli("check", str(table), "--decisions", str(decisions), "--format", "json").stdout)
    (finding,) = document["evaluations"][0]["findings"]
    assert finding["decision"]["lapsed"] is True and document["summary"]["failed"] is True
    assert document["summary"]["lapsed"] == 1


def test_accepted_findings_do_not_count_and_the_table_opinion_is_shown(tmp_path):
    table = write_table(tmp_path)
    decisions = tmp_path / "d.yaml"
    decisions.write_text("tables:\n  - title: 示例项目经费\n    year: 2024\n    opinion: 同意自评结果，扣分说明已补\n"
                         "    findings:\n      - code: unexplained_deduction\n        line: 合格率\n"
                         "        verdict: 已核实\n        reason: 已要求单位补写偏差原因\n", encoding="utf-8")
    result = cli("check", str(table), "--decisions", str(decisions))
    assert result.exit_code == 0
    assert "[警告·已核实]" in result.stdout and "复核意见：同意自评结果，扣分说明已补" in result.stdout
    document = json.loads(cli("check", str(table), "--decisions", str(decisions), "--format", "json").stdout)
    evaluation = document["evaluations"][0]
    assert evaluation["opinion"] == "同意自评结果，扣分说明已补"
    assert evaluation["findings"][0]["decision"]["values"] is None  # no values written: holds whatever they are


def test_a_decision_on_an_undecided_finding_leaves_the_others_counting(tmp_path):
    table = SAMPLES / "w2-wuhan-2023-project.yaml"
    decisions = tmp_path / "d.yaml"
    assert cli("check", str(table), "--decisions-template", str(decisions)).exit_code == 1
    fill(decisions, "不采纳", "表样印错", code="subtotal_mismatch")
    result = cli("check", str(table), "--decisions", str(decisions))
    assert result.exit_code == 1  # the 无说明扣分 is still undecided
    assert "（另有 1 条已复核，不计入）" in result.stdout


def test_a_template_keeps_the_decisions_already_made(tmp_path):
    table = write_table(tmp_path)
    decisions, again = tmp_path / "d.yaml", tmp_path / "again.yaml"
    cli("check", str(table), "--decisions-template", str(decisions))
    fill(decisions, "不采纳", "理由甲")
    assert cli("check", str(table), "--decisions", str(decisions), "--decisions-template", str(again)).exit_code == 0
    (item,) = yaml.safe_load(again.read_text(encoding="utf-8"))["tables"][0]["findings"]
    assert (item["verdict"], item["reason"]) == ("不采纳", "理由甲")


def test_the_template_is_not_written_over_an_existing_file(tmp_path):
    table = write_table(tmp_path)
    existing = tmp_path / "d.yaml"
    existing.write_text("tables: []\n", encoding="utf-8")
    result = cli("check", str(table), "--decisions-template", str(existing))
    assert result.exit_code == 2 and "--force" in result.stderr
    assert existing.read_text(encoding="utf-8") == "tables: []\n"


BAD_FILES = [
    ("tables:\n  - title: 示例项目经费\n    findings:\n      - code: unexplained_deducton\n        verdict: 不采纳\n"
     "        reason: x\n", 4, "不认识的发现代码“unexplained_deducton”，是否想写“unexplained_deduction”"),
    ("tables:\n  - title: 示例项目经费\n    findings:\n      - code: unexplained_deduction\n        line: 合格率\n"
     "        verdict: 驳回\n        reason: x\n", 6, "verdict 应为 已核实 或 不采纳"),
    ("tables:\n  - title: 示例项目经费\n    findings:\n      - code: unexplained_deduction\n        line: 合格率\n"
     "        verdict: 不采纳\n", 4, "不采纳须写明理由"),
    ("tables:\n  - title: 示例项目经费\n    findings:\n      - code: unexplained_deduction\n        line: [合格率\n",
     6, "YAML 语法错误"),
    ("tables:\n  - title: 示例项目经费\n    year: 二〇二四\n", 3, "year 应为年度"),
    ("tables:\n  - title: 示例项目经费\n    findngs: []\n", 3, "不认识的字段“findngs”，是否想写“findings”"),
    ("- title: 示例项目经费\n", 1, "复核决定文件应以 tables: 开头"),
]


@pytest.mark.parametrize("text, line, message", BAD_FILES, ids=["unknown-code", "bad-verdict", "no-reason", "bad-yaml", "bad-year", "unknown-field", "no-tables"])
def test_a_bad_decisions_file_is_refused_at_its_line(tmp_path, text, line, message):
    table = write_table(tmp_path)
    decisions = tmp_path / "bad.yaml"
    decisions.write_text(text, encoding="utf-8")
    result = cli("check", str(table), "--decisions", str(decisions))
    assert result.exit_code == 1
    assert result.stdout == ""  # nothing is checked with a broken decisions file
    errors = [line for line in result.stderr.splitlines() if line.startswith("错误：")]
    assert any(error.startswith(f"错误：{decisions}:{line}: ") and message in error for error in errors), errors
    assert "复核决定文件有问题" in result.stderr


def test_a_decision_naming_a_finding_the_table_lacks_is_a_problem(tmp_path):
    table = write_table(tmp_path)
    decisions = tmp_path / "d.yaml"
    decisions.write_text("tables:\n  - title: 示例项目经费\n    findings:\n      - code: subtotal_mismatch\n"
                         "        line: 数量指标\n        verdict: 不采纳\n        reason: x\n", encoding="utf-8")
    result = cli("check", str(table), "--decisions", str(decisions))
    assert result.exit_code == 1
    assert f"错误：{decisions}:4: 表“示例项目经费”中找不到这条发现（subtotal_mismatch，数量指标）" in result.stderr


def test_a_table_not_in_the_run_is_said_not_an_error(tmp_path):
    table = write_table(tmp_path, recorded="40")  # no findings at all
    decisions = tmp_path / "d.yaml"
    decisions.write_text("tables:\n  - title: 另一个项目\n    year: 2024\n    findings: []\n", encoding="utf-8")
    result = cli("check", str(table), "--decisions", str(decisions))
    assert result.exit_code == 0
    assert f"提示：{decisions}:2: 复核决定所说的表“另一个项目”（2024年度）不在本次检查的文件中" in result.stderr


def test_a_decision_for_another_year_or_unit_does_not_apply(tmp_path):
    table = write_table(tmp_path)
    for header in ("year: 2023", "unit: 别的单位"):
        decisions = tmp_path / "d.yaml"
        decisions.write_text(f"tables:\n  - title: 示例项目经费\n    {header}\n    findings:\n"
                             "      - code: unexplained_deduction\n        line: 合格率\n        verdict: 不采纳\n"
                             "        reason: x\n", encoding="utf-8")
        result = cli("check", str(table), "--decisions", str(decisions))
        assert result.exit_code == 1 and "不在本次检查的文件中" in result.stderr


@pytest.mark.parametrize("message, values", [
    ("声明“社会效益指标(30分)”，其下各行分值合计25分（10 + 15），相差5分", ("社会效益指标(30分)", "25", "10", "15", "5")),
    ("部门整体支出总额执行数4,342.35高于预算数4,342.32", ("4342.35", "4342.32")),
    ("表中没有数字", ()),
    ("“甲”与“乙”", ("甲", "乙")),
])
def test_cited_values(message, values):
    assert cited_values(message) == values


SAMPLE_FILES = sorted(SAMPLES.glob("*.yaml"))


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=[p.name for p in SAMPLE_FILES])
def test_every_finding_of_every_sample_can_be_decided_from_its_template(path, tmp_path):
    """The template reads back; filled in, it decides every finding it lists and nothing lapses."""
    files = run_pipeline([str(path)])
    results = [result for file in files for result in file.results]
    text = decisions_yaml(results)
    assert parse_decisions(text, "t.yaml").entries == []  # listed, not decided yet
    template = tmp_path / "t.yaml"
    template.write_text(text, encoding="utf-8")
    fill(template, "已核实", "已核")
    decided, outcome = apply_decisions(results, read_decisions(template))
    assert outcome.problems == [] and outcome.notices == []
    every = [finding for result in decided for finding in result.findings]
    assert all(finding.decided for finding in every)
    assert outcome.applied == len(every) == sum(len(result.findings) for result in results)
    # deciding changes nothing else
    for before, after in zip(results, decided):
        assert before.model_copy(update={"findings": ()}) == after.model_copy(update={"findings": ()})


def test_batch_applies_decisions_and_stores_them(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    table = write_table(folder)
    decisions = tmp_path / "d.yaml"
    cli("check", str(table), "--decisions-template", str(decisions))
    fill(decisions, "不采纳", "理由乙")
    db, book = tmp_path / "r.sqlite", tmp_path / "s.xlsx"
    result = cli("batch", str(folder), "--decisions", str(decisions), "--db", str(db), "-o", str(book),
                 "--format", "jsonl", "--jobs", "1")
    assert result.exit_code == 0, result.output
    (item,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert item["decided"] == 1 and item["findings"][0]["decision"]["reason"] == "理由乙"
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT year, department, unit, decided FROM evaluations").fetchall() == \
            [(2024, "示例主管局", "示例单位", 1)]
        assert connection.execute("SELECT code, verdict, decision_reason, decision_lapsed FROM findings").fetchall() \
            == [("unexplained_deduction", "dismissed", "理由乙", 0)]
    rows = list(openpyxl.load_workbook(book)["发现"].iter_rows(values_only=True))
    assert rows[0][-4:] == ("年度", "主管部门", "复核决定", "复核理由")
    assert rows[1][-4:] == (2024, "示例主管局", "不采纳", "理由乙")
    # a changed value: the decision lapses in the batch too, and says so
    write_table(folder, recorded="30")
    again = cli("batch", str(folder), "--decisions", str(decisions), "--format", "jsonl", "--jobs", "1")
    (item,) = [json.loads(line) for line in again.stdout.splitlines()]
    assert item["decided"] == 0 and item["findings"][0]["decision"]["lapsed"] is True
    assert re.search(r"提示：.*d\.yaml:\d+: .*已失效", again.stderr)


def test_two_decisions_on_one_finding_are_a_problem(tmp_path):
    table = write_table(tmp_path)
    entry = ("      - code: unexplained_deduction\n        line: 合格率\n        verdict: 不采纳\n"
             "        reason: x\n")
    decisions = tmp_path / "d.yaml"
    decisions.write_text("tables:\n  - title: 示例项目经费\n    findings:\n" + entry + entry, encoding="utf-8")
    result = cli("check", str(table), "--decisions", str(decisions))
    assert result.exit_code == 1
    assert f"错误：{decisions}:8: 重复的决定：表“示例项目经费”的这条发现（unexplained_deduction，合格率）已由" \
           f"{decisions}:4的决定处理" in result.stderr


@settings(max_examples=30, deadline=None)
@given(evaluations())
def test_a_filled_template_decides_every_finding_of_any_table(evaluation):
    """For any table: the template reads back, decides every finding once filled, and re-running on the same
    table changes nothing but the decisions (no lapse, no problem)."""
    results = score_tables([evaluation])
    data = yaml.safe_load(decisions_yaml(results))
    for block in data["tables"]:
        for item in block["findings"]:
            item["verdict"], item["reason"] = "不采纳", "理由"
    decided, outcome = apply_decisions(results, parse_decisions(yaml.safe_dump(data, allow_unicode=True), "d.yaml"))
    assert outcome.problems == [] and outcome.notices == []
    assert all(finding.decided for result in decided for finding in result.findings)
    assert [f.model_copy(update={"decision": None}) for f in decided[0].findings] == list(results[0].findings)


def test_batch_writes_a_template_for_a_whole_folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write_table(folder, name="a.yaml")
    (folder / "w2.yaml").write_bytes((SAMPLES / "w2-wuhan-2023-project.yaml").read_bytes())
    template = tmp_path / "all.yaml"
    result = cli("batch", str(folder), "--decisions-template", str(template), "--jobs", "1")
    assert result.exit_code == 0, result.output
    listed = yaml.safe_load(template.read_text(encoding="utf-8"))["tables"]
    assert [block["title"] for block in listed] == ["示例项目经费", "医疗保障管理工作经费"]
    assert len(listed[1]["findings"]) == 4  # every severity: a year's template lists all
    fill(template, "已核实", "已核")
    again = cli("batch", str(folder), "--decisions", str(template), "--format", "jsonl", "--jobs", "1")
    assert again.exit_code == 0
    items = [json.loads(line) for line in again.stdout.splitlines()]
    assert [item["decided"] for item in items] == [1, 4]
