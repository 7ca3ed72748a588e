"""Self-evaluation against its approved 绩效目标表: every planted change reported with both places, easier first."""

from __future__ import annotations

import json
import textwrap

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from cli.main import main
from indicators.yaml_io import load_yaml_text
from scoring.compare import compare_with_plan, pair_tables, plan_findings

from .conftest import ROOT, SAMPLES

PLAN = SAMPLES / "targets" / "wuhan-2024-business-funds.yaml"
FIXTURES = ROOT / "tests" / "fixtures" / "compare"
FAITHFUL = FIXTURES / "faithful-self-evaluation.yaml"
CHANGED = FIXTURES / "changed-self-evaluation.yaml"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def one(text: str, name: str = "t.yaml"):
    result = load_yaml_text(textwrap.dedent(text), name, targets=True)
    assert not result.problems, result.problems
    return result.evaluations[0]


def test_the_faithful_pair_reports_nothing_above_info():
    result = run("compare", str(PLAN), str(FAITHFUL), "--format", "json")
    assert result.exit_code == 0
    [comparison] = json.loads(result.stdout)["comparisons"]
    assert comparison["plan"] == f"{PLAN}:12" and comparison["findings"] == []


def test_every_planted_change_is_reported_with_both_places_easier_first():
    result = run("compare", str(PLAN), str(CHANGED), "--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["comparisons"][0]["findings"]
    got = [(f["code"], f["line"]) for f in findings]
    assert got == [
        ("plan_target_eased", "定点医疗机构检查"),
        ("plan_target_eased", "在新闻媒体开设武汉医保政策宣传固定专栏"),
        ("plan_indicator_missing", "定点药店监督检查"),
        ("plan_budget_changed", "预算执行率"),
        ("plan_target_changed", "通过武汉医保新媒体平台对重大舆情应急处置"),
        ("plan_direction_changed", "通过武汉医保新媒体平台对重大舆情应急处置"),
        ("plan_target_changed", "全市参保人对武汉医保宣传满意度"),
        ("plan_indicator_added", "群众来信办结率"),
    ]
    for finding in findings:
        assert finding["source"].startswith(str(CHANGED))  # the 自评表's own place …
        assert str(PLAN) in finding["message"]  # … and the 目标表's, in the sentence
    assert [f["severity"] for f in findings[:2]] == ["error", "error"]
    assert "指标更难达成" in findings[6]["message"]


def test_check_and_batch_take_the_targets_and_put_their_findings_first(tmp_path):
    checked = json.loads(run("check", str(CHANGED), "--targets", str(PLAN), "--format", "json",
                             "--min-severity", "info").stdout)
    findings = checked["evaluations"][0]["findings"]
    codes = [f["code"] for f in findings]
    assert codes[:2] == ["plan_target_eased", "plan_target_eased"]
    for severity in ("error", "warning", "info"):  # within a severity, the comparison's findings come first
        of = [f["code"].startswith("plan_") for f in findings if f["severity"] == severity]
        assert of == sorted(of, reverse=True), severity
    assert any(not code.startswith("plan_") for code in codes)  # the review's own findings are still there
    batched = json.loads(run("batch", str(CHANGED), "--targets", str(PLAN), "--format", "json").stdout)
    assert [f["code"] for f in batched["evaluations"][0]["findings"]] == codes


def test_a_targets_file_that_is_a_self_evaluation_is_refused():
    result = run("check", str(FAITHFUL), "--targets", str(SAMPLES / "u4-wuhai-2023-digital-reform.yaml"))
    assert result.exit_code == 1
    assert "是自评表（有实际完成值或得分），不是绩效目标表" in result.stderr


def test_no_plan_and_two_plans_are_said_so():
    table = one(FAITHFUL.read_text(encoding="utf-8"), str(FAITHFUL))
    [none] = pair_tables([table], [])
    assert [f.code for f in plan_findings(table, none)] == ["plan_not_found"]
    plans = [one(PLAN.read_text(encoding="utf-8"), "a.yaml"), one(PLAN.read_text(encoding="utf-8"), "b.yaml")]
    plans = [plan.model_copy(update={"unit": None}) for plan in plans]
    [two] = pair_tables([table.model_copy(update={"unit": None})], plans)
    found = plan_findings(table, two)
    assert [f.code for f in found] == ["plan_ambiguous"] and "a.yaml" in found[0].message


PLAN_WITH_WEIGHTS = """
kind: project
title: 测试项目
indicators:
  - {level1: 产出指标, name: 甲, nature: 正向, target: "100", weight: 20}
  - {level1: 产出指标, name: 乙, nature: 反向, target: "5", unit: 人, weight: 10}
"""


def test_weights_natures_and_ceilings():
    plan = one(PLAN_WITH_WEIGHTS)
    table = one("""
    kind: project
    title: 测试项目
    indicators:
      - {level1: 产出指标, name: 甲, nature: 定性, target: "100", actual: "90", weight: 25}
      - {level1: 产出指标, name: 乙, nature: 反向, target: "6", unit: 人, actual: "6", weight: 10}
    """)
    found = {(f.code, f.line) for f in compare_with_plan(table, plan)}
    assert found == {("plan_weight_changed", "甲"), ("plan_direction_changed", "甲"), ("plan_target_eased", "乙")}


@given(st.integers(1, 10_000), st.integers(1, 10_000), st.sampled_from(["正向", "反向"]))
def test_a_target_is_eased_exactly_when_it_moves_the_lenient_way(before, after, nature):
    plan = one(f"kind: project\ntitle: 项目\nindicators:\n  - {{name: 甲, nature: {nature}, target: '{before}'}}\n")
    table = one(f"kind: project\ntitle: 项目\nindicators:\n  - {{name: 甲, nature: {nature}, target: '{after}',"
                f" actual: '1'}}\n")
    codes = [f.code for f in compare_with_plan(table, plan)]
    lenient = after < before if nature == "正向" else after > before
    if before == after:
        assert codes == []
    else:
        assert codes == (["plan_target_eased"] if lenient else ["plan_target_changed"])
