"""``perfscore convert`` and the round trips it rests on: YAML ⇄ model ⇄ workbook, nothing lost.

The Hypothesis property writes generated tables (random Chinese names, targets, actuals, weights,
deductions, judgments, goals, funds rows, and texts beginning with = + - @) to a workbook — as
filled in (convert) and scored (export) — and to YAML, and reads each back as the same model.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cli.main import main
from indicators.load import load_path
from indicators.model import Deduction, Evaluation, FundRow, Funds, Indicator, Judgment, Kind, OverallTarget
from indicators.xlsx import load_xlsx_file
from indicators.yaml_io import dump_yaml, load_yaml_text
from scoring.engine import score
from scoring.reports.workbook import Mode, workbook_bytes

from .conftest import SAMPLES, load_doc
from .strategies import amounts, evaluations, names, positive_amounts
from .test_template import comparable

YAML_SAMPLES = sorted(SAMPLES.glob("*.yaml"))
XLSX_SAMPLES = sorted(SAMPLES.glob("*.xlsx"))


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def read_back(data: bytes, tmp_path, name: str = "back.xlsx") -> tuple[Evaluation, ...]:
    path = tmp_path / name
    path.write_bytes(data)
    result = load_xlsx_file(path, targets=True)
    assert not result.problems, [f"{p.source}: {p.message}" for p in result.problems]
    return result.evaluations


def scores(result) -> tuple:
    return (result.total, result.grade, result.complete, result.pending_weight, result.recorded_total,
            [(line.kind, line.name, line.weight, line.score, line.recorded, line.status) for line in result.lines])


# --------------------------------------------------------------------------- strategies (this file's own)

#: How a text may begin: as written, or with a character Excel/WPS would take for a formula.
FORMULA_PREFIXES = ("", "", "=", "+", "-", "@", "=SUM(A1:A3)")


def texts(min_size: int = 1) -> st.SearchStrategy[str]:
    """Chinese text, sometimes beginning like a formula (``=甲乙``, ``-丙``, ``@丁``)."""
    return st.builds(lambda prefix, body: prefix + body, st.sampled_from(FORMULA_PREFIXES), names())


def amount_texts() -> st.SearchStrategy[str]:
    """An amount as printed in a funds row: ``25.00``, ``0``, ``1,716.51``, ``—``."""
    return st.one_of(amounts().map(lambda d: f"{d:f}"), amounts(1000, 20000).map(lambda d: f"{d:,f}"),
                     st.sampled_from(("0", "—")))


@st.composite
def decorated_lines(draw, line: Indicator) -> Indicator:
    update: dict[str, object] = {"name": draw(texts())}
    if draw(st.booleans()):
        update["deviation_reason"] = draw(texts())
    if draw(st.booleans()) and line.recorded is None and line.judgment is None:
        update["recorded"] = draw(amounts(0, 30))
    if draw(st.booleans()):
        update["deductions"] = tuple(draw(st.lists(st.builds(Deduction, points=positive_amounts(Decimal(5)),
                                                             reason=texts()), min_size=1, max_size=2)))
    if draw(st.integers(0, 5)) == 0:
        update["judgment"] = Judgment(score=draw(amounts(0, 5)), reason=draw(texts()))
    if draw(st.integers(0, 7)) == 0:
        update["weight"] = None
    return line.model_copy(update=update)


@st.composite
def rich_evaluations(draw) -> Evaluation:
    """A whole table with everything the model can hold, each part present or not."""
    base = draw(evaluations(max_lines=5))
    update: dict[str, object] = {"title": draw(texts())}
    for field in ("document", "department", "unit", "deviation_analysis", "improvement"):
        if draw(st.booleans()):
            update[field] = draw(texts())
    if draw(st.booleans()):
        update["year"] = draw(st.integers(2015, 2030))
    if draw(st.booleans()):
        update["recorded_total"] = draw(amounts(0, 100))
    if draw(st.booleans()):
        update["details"] = draw(st.dictionaries(names(), texts(), max_size=2))
    if draw(st.booleans()):
        update["overall_target"] = OverallTarget(expected=draw(st.none() | texts()), actual=draw(st.none() | texts()))
    if base.funds is not None and draw(st.booleans()):
        rows = draw(st.lists(st.builds(FundRow, name=texts(), initial_budget=st.none() | amount_texts(),
                                       budget=st.none() | amount_texts(), executed=st.none() | amount_texts(),
                                       rate=st.none() | st.sampled_from(("100%", "96.60", "0"))), max_size=2))
        update["funds"] = base.funds.model_copy(update={
            "label": draw(st.none() | texts()), "initial_budget": draw(st.none() | amounts()),
            "rate": draw(st.none() | st.sampled_from(("100.00%", "75.32", "0.9532"))),
            "recorded": draw(st.none() | amounts(0, 20)), "breakdown": tuple(rows)})
    if base.goals:
        update["goals"] = tuple(goal.model_copy(update={
            "name": draw(st.sampled_from((goal.name, f"{goal.name}(30分)")) | texts()),
            "description": draw(st.none() | texts()), "recorded": draw(st.none() | amounts(0, 50)),
            "indicators": tuple(draw(decorated_lines(line)) for line in goal.indicators)}) for goal in base.goals)
    else:
        update["indicators"] = tuple(draw(decorated_lines(line)) for line in base.indicators)
    # model_copy does not validate: run the validators once, as a reader would
    return Evaluation.model_validate(base.model_copy(update=update).model_dump())


FORMULA_TABLE = Evaluation(
    kind=Kind.PROJECT, title="=HYPERLINK(\"http://x\")", department="+甲", unit="@乙",
    funds=Funds(label="-年度资金总额", weight=Decimal(10), budget=Decimal(100), executed=Decimal(90)),
    indicators=(Indicator(level1="=产出", level2="-数量", name="=SUM(A1:A3)", target="+5", actual="-3",
                          weight=Decimal(10), recorded=Decimal(0), deviation_reason="@原因",
                          deductions=(Deduction(points=Decimal("0.5"), reason="=扣"),)),
                Indicator(level1="效益指标", level2="社会效益指标", name="#N/A", target="≥1次", actual="#DIV/0!",
                          weight=Decimal(5))),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                 HealthCheck.function_scoped_fixture])
@given(evaluation=rich_evaluations())
@example(evaluation=FORMULA_TABLE)
def test_round_trip_of_generated_tables(tmp_path, evaluation):
    expected = comparable(evaluation)
    # YAML → model
    (from_yaml,) = load_yaml_text(dump_yaml(evaluation), "gen.yaml").evaluations
    assert comparable(from_yaml) == expected
    # workbook as filled in (convert) → model
    (filled,) = read_back(workbook_bytes([evaluation], mode=Mode.FILLED), tmp_path, "filled.xlsx")
    assert comparable(filled) == expected
    # scored workbook (export) → model → the same scores
    result = score(evaluation)
    (scored,) = read_back(workbook_bytes([evaluation], [result]), tmp_path, "scored.xlsx")
    assert comparable(scored) == expected
    assert scores(score(scored)) == scores(result)


# --------------------------------------------------------------------------- samples through the CLI


@pytest.mark.parametrize("path", YAML_SAMPLES, ids=[p.name for p in YAML_SAMPLES])
def test_yaml_to_xlsx_to_yaml_keeps_every_sample(tmp_path, path):
    workbook, back = tmp_path / "t.xlsx", tmp_path / "t.yaml"
    assert run("convert", str(path), "-o", str(workbook)).exit_code == 0
    assert run("convert", str(workbook), "-o", str(back)).exit_code == 0
    original = load_path(path).evaluations
    converted = load_path(back).evaluations
    assert [comparable(e) for e in converted] == [comparable(e) for e in original]
    # and the YAML text itself is stable: written again it is the same
    assert dump_yaml(converted) == dump_yaml(original)


@pytest.mark.parametrize("path", XLSX_SAMPLES, ids=[p.name for p in XLSX_SAMPLES])
def test_xlsx_samples_convert_to_yaml_and_back(tmp_path, path):
    yaml_path, workbook = tmp_path / "t.yaml", tmp_path / "t.xlsx"
    result = run("convert", str(path), "-o", str(yaml_path))
    assert result.exit_code == 0, result.output
    assert yaml_path.read_text(encoding="utf-8").startswith("# 由 perfscore convert 从")
    original = load_path(path).evaluations
    from_yaml = load_path(yaml_path).evaluations
    assert [scores(score(e)) for e in from_yaml] == [scores(score(e)) for e in original]
    assert run("convert", str(yaml_path), "-o", str(workbook)).exit_code == 0
    again = load_path(workbook).evaluations
    assert [comparable(e) for e in again] == [comparable(e) for e in from_yaml]


def test_converted_workbook_keeps_the_tables_own_scores(tmp_path):
    out = tmp_path / "w2.xlsx"
    assert run("convert", str(SAMPLES / "w2-wuhan-2023-project.yaml"), "-o", str(out)).exit_code == 0
    import openpyxl

    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["医疗保障管理工作经费", "perfscore元数据"]  # no 汇总: nothing is scored
    sheet = book.worksheets[0]
    texts_ = {c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    assert "原填得分" not in texts_ and "扣分说明" not in texts_
    row = next(r for r in sheet.iter_rows(values_only=True) if r[3] == "投诉举报上级转办办结率")
    assert row[6:8] == (8, 7.5)  # 目标分值, 得分 as the table gave it


def test_a_target_workbook_converts_to_yaml(tmp_path):
    out = tmp_path / "targets.yaml"
    result = run("convert", str(SAMPLES / "targets" / "wuhan-2024-business-funds.xlsx"), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert load_path(out).evaluations == () and load_path(out).target_tables  # not scored, like the workbook
    (evaluation,) = load_path(out, targets=True).evaluations
    assert [line.target for _, line in evaluation.lines()][:3] == ["≥43家", "≥29家", "1-2个"]
    assert all(line.actual is None for _, line in evaluation.lines())


def test_convert_refuses_bad_input_and_bad_output(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: project\ntitle: 甲\nindicators:\n  - {name: 甲, weight: 十分}\n", encoding="utf-8")
    result = run("convert", str(bad), "-o", str(tmp_path / "out.xlsx"))
    assert result.exit_code == 1
    assert "bad.yaml:4: indicators（绩效指标）[1].weight（分值）：应为数字，实际为“十分”" in result.stderr
    result = run("convert", str(SAMPLES / "q1-qiaokou-2020-department.yaml"), "-o", str(tmp_path / "out.csv"))
    assert result.exit_code == 2 and ".xlsx、.yaml 或 .yml" in result.output
    result = run("convert", str(SAMPLES / "q1-qiaokou-2020-department.yaml"), "-o",
                 str(tmp_path / "missing" / "out.yaml"))
    assert result.exit_code == 1 and "无法写入" in result.stderr
    result = run("convert", str(SAMPLES / "q1-qiaokou-2020-department.yaml"), "-o",
                 str(tmp_path / "missing" / "out.xlsx"))
    assert result.exit_code == 1 and "所在文件夹不存在" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]
    same = tmp_path / "same.yaml"
    same.write_bytes((SAMPLES / "q1-qiaokou-2020-department.yaml").read_bytes())
    result = run("convert", str(same), "-o", str(same))
    assert result.exit_code == 2 and "与输入文件相同" in result.output


def test_dump_yaml_keeps_text_as_written():
    evaluation = load_doc("""
        kind: project
        title: ">1045万"
        funds: {weight: 20, budget: "4,342.32", executed: 4342.35, rate: 100.00%, recorded: 20.00,
                breakdown: [{name: 基本支出总额, budget: "1,716.51"}]}
        indicators:
          - {name: "=甲", target: "≥95%", actual: "null", weight: 4.00, recorded: 4.00}
          - {name: "- 乙", target: "", actual: "~", weight: 0.5, not_applicable: true}
    """)
    text = dump_yaml(evaluation)
    assert "weight: 4.00" in text and "budget: 4342.32" in text and "rate: 100.00%" in text
    assert "budget: 1,716.51" in text  # a FundRow amount is text as printed
    (back,) = load_yaml_text(text, "x.yaml").evaluations
    assert comparable(back) == comparable(evaluation)
    assert back.indicators[0].actual == "null" and back.indicators[1].actual == "~"
    assert str(back.indicators[0].weight) == "4.00"


def test_dump_yaml_writes_several_tables_as_documents():
    evaluations_ = load_path(SAMPLES / "u-wuhai-2023.xlsx").evaluations
    text = dump_yaml(evaluations_)
    assert text.startswith("---") and text.count("\n---") == len(evaluations_) - 1
    result = load_yaml_text(text, "u.yaml")
    assert [comparable(e) for e in result.evaluations] == [comparable(e) for e in evaluations_]


def test_workbook_bytes_in_memory_opens_in_openpyxl():
    import openpyxl

    evaluation = load_path(SAMPLES / "u4-wuhai-2023-digital-reform.yaml").evaluations[0]
    data = workbook_bytes([evaluation], [score(evaluation)])
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames[0] == "汇总" and book.sheetnames[-1] == "perfscore元数据"
