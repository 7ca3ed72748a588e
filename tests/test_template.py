"""``perfscore template``: blank workbooks in each form, and workbooks pre-filled from a 绩效目标表.

Also builds the shipped 武汉 2024 target workbook (samples/targets/*.xlsx) in its published layout —
the two-row header 指标值 over 前年 | 上年 | 预计当年实现 — and checks it reads as the YAML transcription.
Regenerate it with ``python -m tests.test_template``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from cli.main import main
from indicators.load import load_path
from indicators.xlsx import load_xlsx_file
from indicators.yaml_io import load_yaml_file
from scoring.engine import score
from scoring.reports.templates import blank_evaluation, from_targets

from .conftest import SAMPLES, load_doc
from .xlsx_build import write_book

TARGETS = SAMPLES / "targets"
TARGET_YAML = TARGETS / "wuhan-2024-business-funds.yaml"
TARGET_XLSX = TARGETS / "wuhan-2024-business-funds.xlsx"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def comparable(model) -> object:
    """``model_dump()`` without any source/places field, for comparing what a model holds."""
    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("source", "places")}
        if isinstance(value, (list, tuple)):
            return [strip(v) for v in value]
        return value
    return strip(model.model_dump())


# --------------------------------------------------------------------------- the shipped target workbook


def target_rows() -> tuple[list[list[object]], list[str]]:
    """表 12-1 (seed 003 line 1091) as printed: header block, 年度绩效目标 1, then the 年度绩效目标表."""
    (evaluation,) = load_yaml_file(TARGET_YAML, targets=True).evaluations
    goal = evaluation.goals[0]
    rows: list[list[object]] = [
        ["部门项目申报表(含绩效目标)"] + [None] * 7,
        ["表 12-1　武汉市医疗保障局（本级）2024年单位预算"] + [None] * 7,
        ["申报日期：", None, None, None, None, None, "单位：万元", None],
        ["项目名称", evaluation.title, None, None, "项目编码", evaluation.details["项目编码"], None, None],
        ["项目主管部门", evaluation.department, None, None, "项目执行单位", evaluation.unit, None, None],
        ["项目属性", evaluation.details["项目属性"], None, None, "支出项目类别", evaluation.details["支出项目类别"],
         None, None],
        ["项目总预算", 646.98, None, None, "项目当年预算", 646.98, None, None],
        ["项目绩效总目标"] + [None] * 7,
        ["名称", "目标说明"] + [None] * 6,
        ["长期绩效目标1", goal.description] + [None] * 6,
        ["年度绩效目标1", goal.description] + [None] * 6,
        ["年度绩效目标表"] + [None] * 7,
        ["目标名称", "一级指标", "二级指标", "三级指标", "指标值", None, None, "指标值确定依据"],
        [None, None, None, None, "前年", "上年", "预计当年实现", None],
    ]
    for line in goal.indicators:
        rows.append([line.name, line.level1, line.level2, line.name, "-", "-", line.target, "计划标准"])
    merges = ["A1:H1", "A2:H2", "B4:D4", "F4:H4", "B5:D5", "F5:H5", "B6:D6", "F6:H6", "B7:D7", "F7:H7", "A8:H8",
              "B9:H9", "B10:H10", "B11:H11", "A12:H12", "A13:A14", "B13:B14", "C13:C14", "D13:D14", "E13:G13",
              "H13:H14"]
    return rows, merges


def build_target_workbook(path: Path) -> Path:
    rows, merges = target_rows()
    path = write_book(path, {"项目支出绩效目标表": rows}, {"项目支出绩效目标表": merges})
    book = openpyxl.load_workbook(path)
    sheet = book.active
    for letter, width in zip("ABCDEFGH", (20, 12, 14, 26, 8, 8, 14, 12)):
        sheet.column_dimensions[letter].width = width
    for ref in ("B7", "F7"):
        sheet[ref].number_format = "0.00"
    book.save(path)
    return path


def test_shipped_target_workbook_is_the_yaml_transcription(tmp_path):
    fresh = load_xlsx_file(build_target_workbook(tmp_path / "t.xlsx"), targets=True)
    shipped = load_xlsx_file(TARGET_XLSX, targets=True)
    (from_yaml,) = load_yaml_file(TARGET_YAML, targets=True).evaluations
    assert not shipped.problems and not fresh.problems
    (got,) = shipped.evaluations
    expected = comparable(from_yaml)
    expected["document"] = None  # a heading, not a labelled field, on the printed form
    expected["details"]["标题"] = "部门项目申报表(含绩效目标)"  # the form's printed heading
    assert comparable(got) == expected
    assert comparable(fresh.evaluations[0]) == comparable(got)
    # the target is the 预计当年实现 column, not the first column under the merged 指标值
    assert got.goals[0].indicators[0].sources["target"].cell == "G15"


def test_score_still_refuses_a_target_table():
    result = run("score", str(TARGET_XLSX))
    assert result.exit_code == 1
    assert "这是绩效目标表（只有指标值，没有实际完成值），还不能评分" in result.stderr
    assert load_path(TARGET_XLSX).evaluations == ()


# --------------------------------------------------------------------------- templates


@pytest.mark.parametrize("form", ["mof", "hubei-project", "hubei-department"])
def test_blank_template_in_each_form(tmp_path, form):
    out = tmp_path / "blank.xlsx"
    result = run("template", "--form", form, "-o", str(out))
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    sheet = book.worksheets[0]
    texts = {cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}
    assert {"一级指标", "二级指标", "三级指标", "得分", "产出指标", "满意度指标"} <= texts
    assert "原填得分" not in texts and "扣分说明" not in texts  # a template has no review columns
    assert book["perfscore元数据"].sheet_state == "hidden"
    assert sheet.page_setup.orientation == "landscape"


def _fill_blank(path: Path, values: dict[str, object]) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    for ref, value in values.items():
        sheet[ref] = value
    book.save(path)


def test_a_filled_in_blank_template_scores(tmp_path):
    out = tmp_path / "blank.xlsx"
    assert run("template", "--form", "hubei-project", "-o", str(out)).exit_code == 0
    sheet = openpyxl.load_workbook(out).worksheets[0]
    where = {cell.value: cell.coordinate for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}
    # the first indicator row is the one under the header, 数量指标
    header_row = sheet[where["三级指标"]].row
    amounts_row = sheet[where["预算数(A)"]].row + 1
    _fill_blank(out, {"C3": "某项目", f"D{amounts_row}": 100, f"E{amounts_row}": 90,
                      f"D{header_row + 1}": "检查次数", f"E{header_row + 1}": "≥10次", f"F{header_row + 1}": "12次",
                      f"G{header_row + 1}": 90})
    loaded = load_path(out)
    assert not loaded.problems, [p.message for p in loaded.problems]
    (evaluation,) = loaded.evaluations
    result = score(evaluation)
    assert evaluation.title == "某项目"
    assert [(l.name, l.score) for l in result.lines] == [("年度财政资金总额", Decimal("18.00")),
                                                         ("检查次数", Decimal("90.00"))]
    assert result.total == Decimal("108.00")


def test_template_from_the_wuhan_target_yaml(tmp_path):
    out = tmp_path / "t.xlsx"
    result = run("template", "--from", str(TARGET_YAML), "-o", str(out))
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    line = next(r for r in rows if r[3] == "定点医疗机构检查")
    # goals → the 湖北 department-wide form: 年度绩效指标 | 一级 | 二级 | 三级 | 年初目标值(A) | 实际完成值(B) | 目标分值 | 得分
    assert line[1:8] == ["产出指标", "数量指标", "定点医疗机构检查", "≥43家", None, None, None]
    assert any(r[0] == "年度绩效目标1" for r in rows)
    # the budget is pre-filled from 项目当年预算; 执行数 is left to fill in
    funds = next(i for i, r in enumerate(rows) if r[2] == "预算数(A)")
    assert rows[funds + 1][2] == pytest.approx(646.98) and rows[funds + 1][3] is None
    # Read back before anything is filled in, the missing 执行数 is reported at its empty cell …
    problems = load_xlsx_file(out).problems
    assert [(p.source.location, p.message) for p in problems] == [
        (f"{sheet.title}!D{funds + 2}", "缺少必填项 funds（预算执行情况）.executed（全年执行数/执行数(B)）")]
    # … and once it is, the table is the targets table with nothing else filled in.
    _fill_blank(out, {f"D{funds + 2}": 600})
    (back,) = load_xlsx_file(out).evaluations
    (expected,) = load_yaml_file(TARGET_YAML, targets=True).evaluations
    got = comparable(back)
    assert got.pop("funds") == {"label": "年度财政资金总额", "weight": Decimal(20), "initial_budget": None,
                                "budget": Decimal("646.98"), "executed": Decimal(600), "rate": None,
                                "recorded": None, "breakdown": []}
    expected_data = comparable(from_targets(expected))
    assert expected_data.pop("funds") is None
    assert got == expected_data
    assert score(back).lines[0].score == Decimal("18.55")


def test_template_from_the_target_workbook_and_weights(tmp_path):
    out = tmp_path / "t.xlsx"
    assert run("template", "--from", str(TARGET_XLSX), "--form", "mof", "-o", str(out)).exit_code == 0
    sheet = openpyxl.load_workbook(out).worksheets[0]
    names = [row[3].value for row in sheet.iter_rows() if row[3].value]
    assert "在新闻媒体开设武汉医保政策宣传固定专栏" in names

    targets = tmp_path / "targets.yaml"
    targets.write_text("""\
kind: project
title: 甲项目
funds: {weight: 10, budget: 50, executed: 45}
indicators:
  - {level1: 产出指标, level2: 数量指标, name: 检查家数, target: ≥10家, actual: 12家, weight: 50, recorded: 50}
  - {level1: 满意度指标, level2: 服务对象满意度指标, name: 满意度, target: ≥90%, weight: 40, nature: 正向}
""", encoding="utf-8")
    out2 = tmp_path / "t2.xlsx"
    assert run("template", "--from", str(targets), "-o", str(out2)).exit_code == 0
    sheet = openpyxl.load_workbook(out2).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    # 指标性质 → the 财政部 form; targets and weights are filled, actuals and scores are not (last year's
    # actual and score in the targets file are left out)
    line = next(r for r in rows if r[3] == "检查家数")
    assert (line[6], line[7], line[9], line[10]) == ("≥10家", None, 50, None)
    funds = next(r for r in rows if r[1] == "年度资金总额")
    assert (funds[3], funds[4], funds[6]) == (50, None, 10)


def test_template_needs_a_form_or_targets(tmp_path):
    result = run("template", "-o", str(tmp_path / "t.xlsx"))
    assert result.exit_code == 2 and "--form" in result.output
    assert not (tmp_path / "t.xlsx").exists()


def test_template_from_bad_targets_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: project\ntitle: 甲\nindicators:\n  - {name: 甲, weight: 十分}\n", encoding="utf-8")
    result = run("template", "--from", str(bad), "-o", str(tmp_path / "t.xlsx"))
    assert result.exit_code == 1
    assert "应为数字" in result.stderr and "未写出模板" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]


def test_blank_evaluation_and_from_targets_helpers():
    blank = blank_evaluation("hubei-department")
    assert blank.kind.value == "department" and blank.goals[0].name == "年度目标1"
    assert [line.level2 for line in blank.goals[0].indicators][:2] == ["数量指标", "质量指标"]
    filled = load_doc("""
        kind: project
        title: 甲
        recorded_total: 90
        overall_target: {expected: 甲目标, actual: 已完成}
        indicators:
          - {name: 甲, target: 100%, actual: 90%, weight: 10, recorded: 9, deviation_reason: 原因,
             deductions: [{points: 1, reason: 说明}], judgment: {tier: 达成预期指标}}
    """)
    cleared = from_targets(filled)
    line = cleared.indicators[0]
    assert (line.target, line.weight, line.actual, line.recorded, line.deductions, line.judgment,
            line.deviation_reason) == ("100%", Decimal(10), None, None, (), None, None)
    assert cleared.recorded_total is None and cleared.overall_target.expected == "甲目标"
    assert cleared.overall_target.actual is None


if __name__ == "__main__":  # regenerate the shipped target workbook
    print(build_target_workbook(TARGET_XLSX))
    print(json.dumps([e.title for e in load_xlsx_file(TARGET_XLSX, targets=True).evaluations], ensure_ascii=False))
