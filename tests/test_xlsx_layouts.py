"""Layouts other regions really publish, each in an inline workbook checked cell by cell, and the
failure modes that must never be silent (reported at their cell, non-zero exit).

Each quirk is built on its own small table: signs as 指标性质, template placeholder rows, 一级 cells
printing only a weight, budget-block synonyms and amounts with units, 附件 lines above the title,
two tables side by side, unusual column orders and two-row headers, a 分值 column hidden under a
merged header, and an error value in the budget line.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from click.testing import CliRunner

from cli.main import main
from indicators.model import Nature
from indicators.xlsx import load_xlsx_file
from scoring.engine import score
from scoring.results import Status

from .xlsx_build import MOF_MERGES, MOF_ROWS, with_errors, write_book

D = Decimal


def only(result):
    assert not result.problems, [f"{p.source}: {p.message}" for p in result.problems]
    assert len(result.evaluations) == 1, result.evaluations
    return result.evaluations[0]


def rows_with(changes: dict[tuple[int, int], object], base=MOF_ROWS) -> list[list[object]]:
    rows = [list(row) for row in base]
    for (r, c), value in changes.items():
        rows[r][c] = value
    return rows


def cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def line_named(result, name):
    return next(line for line in result.lines if line.name == name)


def notices_at(result) -> dict[str, str]:
    return {p.source.location: p.message for p in result.notices}


# --- 1. a sign printed as 指标性质 ----------------------------------------------------------------

# A project table with 指标性质 but no 指标方向 column (云南/四川 公开14表 print the sign there).
SIGN_HEAD = [
    ["项目支出绩效自评表", None, None, None, None, None, None, None, None],
    ["项目名称", "档案数字化", None, None, None, None, None, None, None],
    ["一级指标", "二级指标", "三级指标", "指标性质", "年度指标值", "实际完成值", "计量单位", "分值", "得分"],
]


@pytest.mark.parametrize("sign,target,actual,nature,case_score,reason_part", [
    ("≧", 95, 95, Nature.POSITIVE, D(20), "达到年度指标值"),
    ("≥", 100, 80, Nature.POSITIVE, D(16), "按完成比例80.00%"),
    ("＞", 90, 90, Nature.POSITIVE, D(20), "未超过指标值"),  # strict: equal is not above
    (">", 90, 95, Nature.POSITIVE, D(20), "超过年度指标值"),
    ("≦", 5, 4, Nature.NEGATIVE, D(20), "未超过上限"),
    ("≤", 5, 6, Nature.NEGATIVE, D(0), "超过上限"),
    ("＜", 5, 5, Nature.NEGATIVE, D(0), "要求小于"),  # strict: the ceiling itself is not below it
    ("<", 5, 4, Nature.NEGATIVE, D(20), "未超过上限"),
    ("═", 25, 25, Nature.QUANTITATIVE, D(20), "（等于）"),
    ("=", 25, 25, Nature.QUANTITATIVE, D(20), "（等于）"),
    ("＝", 25, 25, Nature.QUANTITATIVE, D(20), "（等于）"),
])
def test_a_sign_in_the_nature_column_is_the_lines_direction(tmp_path, sign, target, actual, nature, case_score,
                                                            reason_part):
    rows = SIGN_HEAD + [["产出指标", "质量指标", "档案合格率", sign, target, actual, "%", 20, 20],
                        ["效益指标", "社会效益", "查阅便利", "定性", "提升", "提升", None, 80, 80],
                        ["总分", None, None, None, None, None, None, 100, 100]]
    evaluation = only(load_xlsx_file(write_book(tmp_path / "s.xlsx", {"表": rows})))
    line = evaluation.lines()[0][1]
    assert (line.nature, line.nature_sign, line.target, line.actual, line.weight) == (
        nature, sign, str(target), str(actual), D(20))
    assert line.sources["nature"].location == "表!D4"
    result = score(evaluation)
    scored = line_named(result, "档案合格率")
    assert scored.score == case_score and any(reason_part in reason for reason in scored.reasons), scored.reasons
    assert not [f for f in result.findings if f.code == "nature_direction_conflict"]


@pytest.mark.parametrize("sign,target", [("≧", "≤5"), ("≦", "≥95%"), ("═", "≥95%"), ("＞", "<3")])
def test_a_sign_contradicting_the_target_is_a_finding_that_quotes_the_printed_sign(tmp_path, sign, target):
    rows = SIGN_HEAD + [["产出指标", "质量指标", "档案合格率", sign, target, "4", None, 100, 100]]
    result = score(only(load_xlsx_file(write_book(tmp_path / "c.xlsx", {"表": rows}))))
    (conflict,) = [f for f in result.findings if f.code == "nature_direction_conflict"]
    assert f"指标性质为“{sign}”" in conflict.message and conflict.source.location == "表!E4"


def test_a_sign_survives_export_and_reading_back_without_notices(tmp_path):
    """Export writes the sign as printed (a strict ＞ would be lost as 正向); the metadata agrees with it."""
    table = tmp_path / "符号.yaml"
    table.write_text("kind: project\ntitle: 符号测试\nfunds: {weight: 10, budget: 100, executed: 100}\nindicators:\n"
                     "- {level1: 产出指标, level2: 数量指标, name: 办结率, nature: ＞, target: 95%, actual: 96%, weight: 45}\n"
                     "- {level1: 产出指标, level2: 质量指标, name: 投诉数, nature: ≦, target: 5件, actual: 3件, weight: 45}\n",
                     encoding="utf-8")
    book = tmp_path / "符号.xlsx"
    assert CliRunner().invoke(main, ["export", str(table), "-o", str(book)]).exit_code == 0
    loaded = load_xlsx_file(book)
    assert not loaded.problems and not loaded.notices
    lines = loaded.evaluations[0].indicators
    assert [(line.nature, line.nature_sign) for line in lines] == [(Nature.POSITIVE, "＞"), (Nature.NEGATIVE, "≦")]


def test_a_sign_contradicting_the_direction_column_is_a_finding(tmp_path):
    rows = rows_with({(8, 4): "≦", (8, 5): "大于等于"})
    result = score(only(load_xlsx_file(write_book(tmp_path / "d.xlsx", {"U": rows}, {"U": MOF_MERGES}))))
    (conflict,) = [f for f in result.findings if f.code == "nature_direction_conflict"]
    assert "指标性质为“≦”，指标方向却是“大于等于”" in conflict.message and conflict.source.location == "U!F9"
    # the sign wins: lower is better, 2 against a ceiling of 1 is exceeded
    assert line_named(result, "完成年度医保信息化建设项目").score == D(0)


def test_an_unknown_nature_is_still_refused_at_its_cell(tmp_path):
    rows = SIGN_HEAD + [["产出指标", "质量指标", "档案合格率", "≈", 95, 98, "%", 100, 100]]
    result = load_xlsx_file(write_book(tmp_path / "u.xlsx", {"表": rows}))
    assert [(p.source.location, "实际为“≈”" in p.message) for p in result.problems] == [("表!D4", True)]
    assert not result.evaluations


# --- 2. template placeholder rows ----------------------------------------------------------------

PLACEHOLDERS = ["指标2:", "指标3：", "指标1:", "……", "/", "-", "无", "…", "指标1:/", "指标2：……"]


@pytest.mark.parametrize("placeholder", PLACEHOLDERS)
def test_a_template_placeholder_row_is_not_an_indicator_and_is_listed(tmp_path, placeholder):
    rows = SIGN_HEAD + [["产出指标", "数量指标", "数字化档案", "正向", "≥100卷", "120卷", None, 50, 50],
                        [None, None, placeholder, None, None, "/", None, None, None],
                        ["效益指标", "社会效益", "查阅便利", "定性", "提升", "提升", None, 50, 50],
                        [None, None, placeholder, None, None, None, None, None, None],
                        ["总分", None, None, None, None, None, None, 100, 100]]
    path = write_book(tmp_path / "p.xlsx", {"表": rows})
    loaded = load_xlsx_file(path)
    evaluation = only(loaded)
    assert [line.name for _, line in evaluation.lines()] == ["数字化档案", "查阅便利"]
    notes = notices_at(loaded)
    assert set(notes) == {"表!C5", "表!C7"}
    assert all("模板留下的空行" in message and placeholder in message for message in notes.values())
    result = score(evaluation)
    assert (result.total, result.complete) == (D(100), True)
    ran = cli("score", str(path), "--format", "json")
    assert ran.exit_code == 0, ran.output


@pytest.mark.parametrize("filled", [(4, "≥3项"), (5, "2项"), (7, 10), (8, 10)])
def test_a_placeholder_named_row_with_a_value_is_still_a_line(tmp_path, filled):
    col, value = filled
    row = [None, None, "指标2:", None, None, None, None, None, None]
    row[col] = value
    rows = SIGN_HEAD + [["产出指标", "数量指标", "数字化档案", "正向", "≥100卷", "120卷", None, 50, 50], row,
                        ["总分", None, None, None, None, None, None, 100, 100]]
    loaded = load_xlsx_file(write_book(tmp_path / "f.xlsx", {"表": rows}))
    evaluation = only(loaded)
    assert [line.name for _, line in evaluation.lines()] == ["数字化档案", "指标2:"]
    assert not loaded.notices


def test_a_row_inside_the_block_without_a_name_is_listed_when_skipped(tmp_path):
    rows = SIGN_HEAD + [["产出指标", "数量指标", "数字化档案", "正向", "≥100卷", "120卷", None, 50, 50],
                        [None, "（本行为说明）", None, None, None, None, None, None, None],
                        ["效益指标", "社会效益", "查阅便利", "定性", "提升", "提升", None, 50, 50],
                        ["总分", None, None, None, None, None, None, 100, 100]]
    loaded = load_xlsx_file(write_book(tmp_path / "k.xlsx", {"表": rows}))
    assert [line.name for _, line in only(loaded).lines()] == ["数字化档案", "查阅便利"]
    assert list(notices_at(loaded)) == ["表!B5"] and "未作为指标读取" in loaded.notices[0].message


# --- 3. 一级 cells printing only a weight --------------------------------------------------------

def test_level1_cells_printing_only_a_weight_keep_it_and_group_by_their_cell(tmp_path):
    rows = SIGN_HEAD + [
        ["(50分)", "数量指标", "数字化档案", "正向", "≥100卷", "120卷", "卷", None, 25],
        [None, "质量指标", "合格率", "正向", "≥95%", "96%", None, None, 25],
        ["（30分）", "社会效益", "查阅便利", "定性", "提升", "提升", None, None, 30],
        ["(20分)", "满意度", "满意度", "正向", "≥90%", "95%", None, None, 20],
        ["总分", None, None, None, None, None, None, 100, 100]]
    evaluation = only(load_xlsx_file(write_book(tmp_path / "w.xlsx", {"表": rows}, {"表": ["A4:A5"]})))
    lines = [line for _, line in evaluation.lines()]
    assert [(line.level1, line.sources["level1"].location) for line in lines] == [
        ("(50分)", "表!A4"), ("(50分)", "表!A4"), ("（30分）", "表!A6"), ("(20分)", "表!A7")]
    result = score(evaluation)
    assert [(line.name, line.weight, line.level1) for line in result.lines] == [
        ("数字化档案", D(25), None), ("合格率", D(25), None), ("查阅便利", D(30), None), ("满意度", D(20), None)]
    assert result.max_total == D(100)
    notes = [reason for line in result.lines for reason in line.reasons if "均分" in reason]
    assert notes[0] == "分值由“(50分)”的50分在2项指标间均分" and not any("-" in note for note in notes)


def test_two_weight_only_cells_with_the_same_weight_are_two_groups(tmp_path):
    rows = SIGN_HEAD + [
        ["(50分)", "数量指标", "数字化档案", "正向", "≥100卷", "120卷", "卷", None, 50],
        ["(50分)", "社会效益", "查阅便利", "定性", "提升", "提升", None, None, 25],
        [None, "满意度", "满意度", "正向", "≥90%", "95%", None, None, 25],
        ["总分", None, None, None, None, None, None, 100, 100]]
    evaluation = only(load_xlsx_file(write_book(tmp_path / "t.xlsx", {"表": rows}, {"表": ["A5:A6"]})))
    result = score(evaluation)
    assert [line.weight for line in result.lines] == [D(50), D(25), D(25)]
    assert result.total == D(100)


def test_lines_given_more_than_their_group_never_get_a_negative_share(tmp_path):
    rows = SIGN_HEAD + [
        ["(50分)", "数量指标", "数字化档案", "正向", "≥100卷", "120卷", "卷", 80, 80],
        [None, "质量指标", "合格率", "正向", "≥95%", "96%", None, None, 0],
        ["(50分)", "满意度", "满意度", "正向", "≥90%", "95%", None, 20, 20],
        ["总分", None, None, None, None, None, None, 100, 100]]
    evaluation = only(load_xlsx_file(write_book(tmp_path / "n.xlsx", {"表": rows}, {"表": ["A4:A5"]})))
    result = score(evaluation)
    share = line_named(result, "合格率")
    assert share.weight == D(0)
    assert not any("-" in reason for line in result.lines for reason in line.reasons)


# --- 4. budget-block synonyms and amounts written with their unit ---------------------------------

def funds_table(header: list[object], amounts: list[object]) -> list[list[object]]:
    """A project table whose budget block has ``header`` (from column B) and one row of ``amounts``."""
    width = 9
    pad = lambda row: list(row) + [None] * (width - len(row))  # noqa: E731
    return [pad(["项目支出绩效自评表"]), pad(["项目名称", "档案数字化"]),
            pad(["项目资金", *header]), pad([None, *amounts]),
            ["一级指标", "二级指标", "三级指标", "指标性质", "年度指标值", "实际完成值", "计量单位", "分值", "得分"],
            ["产出指标", "数量指标", "数字化档案", "正向", "≥100卷", "120卷", None, 45, 45],
            ["效益指标", "社会效益", "查阅便利", "定性", "提升", "提升", None, 45, 45],
            pad(["总分", None, None, None, None, None, None, 100])]


@pytest.mark.parametrize("budget_word,executed_word", [
    ("调整后预算数", "预算执行数"), ("预算批复数", "全年执行数"), ("全年预算数（万元）", "实际支出（万元）"),
    ("批复预算数", "实际支出数"), ("调整后预算", "实际执行数"), ("年度预算数", "执行金额"),
])
def test_budget_block_header_synonyms(tmp_path, budget_word, executed_word):
    rows = funds_table(["年初预算数", budget_word, executed_word, "分值", "执行率", "得分"],
                       [100, 150, 120, 10, "80%", 8])
    evaluation = only(load_xlsx_file(write_book(tmp_path / "f.xlsx", {"表": rows})))
    funds = evaluation.funds
    assert (funds.initial_budget, funds.budget, funds.executed, funds.weight, funds.rate, funds.recorded) == (
        D(100), D(150), D(120), D(10), "80%", D(8))
    assert (funds.sources["budget"].location, funds.sources["executed"].location) == ("表!C4", "表!D4")
    assert score(evaluation).lines[0].score == D(8)


@pytest.mark.parametrize("budget,executed,expected_budget,expected_executed", [
    ("150万", "125.25万元", D(150), D("125.25")),
    ("1,716.51", "1,500.00", D("1716.51"), D("1500.00")),
    ("150万元", "120万元", D(150), D(120)),
    (" 150 ", "120", D(150), D(120)),
])
def test_amounts_written_with_their_unit_in_the_budget_block(tmp_path, budget, executed, expected_budget,
                                                             expected_executed):
    rows = funds_table(["全年预算数", "全年执行数", "分值", "执行率", "得分"], [budget, executed, 10, None, None])
    loaded = load_xlsx_file(write_book(tmp_path / "a.xlsx", {"表": rows}))
    funds = only(loaded).funds
    assert (funds.budget, funds.executed) == (expected_budget, expected_executed)
    assert (funds.sources["budget"].location, funds.sources["executed"].location) == ("表!B4", "表!C4")
    assert not loaded.notices


def test_an_amount_in_another_unit_than_the_block_states_is_converted_with_a_notice(tmp_path):
    rows = funds_table(["全年预算数（元）", "全年执行数（元）", "分值"], ["150万", 1200000, 10])
    loaded = load_xlsx_file(write_book(tmp_path / "c.xlsx", {"表": rows}))
    funds = only(loaded).funds
    assert (funds.budget, funds.executed) == (D(1500000), D(1200000))
    assert list(notices_at(loaded)) == ["表!B4"] and "已换算为1500000元" in loaded.notices[0].message
    assert score(only(loaded)).lines[0].score == D(8)


def test_amounts_each_with_a_different_unit_are_converted_to_wan_yuan(tmp_path):
    rows = funds_table(["全年预算数", "全年执行数", "分值"], ["150万", "1200000元", 10])
    loaded = load_xlsx_file(write_book(tmp_path / "m.xlsx", {"表": rows}))
    funds = only(loaded).funds
    assert (funds.budget, funds.executed) == (D(150), D(120))
    assert list(notices_at(loaded)) == ["表!C4"] and "已换算为120万元" in loaded.notices[0].message


def test_amounts_whose_units_cannot_be_told_apart_are_a_problem_at_the_cell(tmp_path):
    # the block states no unit; one amount says 万, another says 元, a third says nothing
    rows = funds_table(["年初预算数", "全年预算数", "全年执行数", "分值"], ["100", "150万", "1200000元", 10])
    loaded = load_xlsx_file(write_book(tmp_path / "n.xlsx", {"表": rows}))
    assert [p.source.location for p in loaded.problems] == ["表!B4"] and not loaded.evaluations
    assert "金额单位不一致" in loaded.problems[0].message


# --- 9. an error value in the budget line's 执行率/得分 ----------------------------------------------

@pytest.mark.parametrize("cells", [["G6"], ["H6"], ["G6", "H6"]])
def test_an_error_value_in_the_budget_line_leaves_that_line_to_judgment(tmp_path, cells):
    path = write_book(tmp_path / "e.xlsx", {"U": MOF_ROWS}, {"U": MOF_MERGES})
    patched = with_errors(path, tmp_path / "e2.xlsx", {ref: "#DIV/0!" for ref in cells})
    loaded = load_xlsx_file(patched)
    assert [p.source.location for p in loaded.problems] == [f"U!{ref}" for ref in cells]
    assert all("#DIV/0!" in p.message and "需要评价人判断" in p.message for p in loaded.problems)
    (evaluation,) = loaded.evaluations
    result = score(evaluation)
    budget = result.lines[0]
    assert (budget.kind, budget.status, budget.score) == ("budget", Status.NEEDS_JUDGMENT, None)
    assert all(f"U!{ref}" in budget.reasons[-1] for ref in cells)
    assert [(line.name, line.score) for line in result.lines[1:]] == [
        ("完成年度医保信息化建设项目", D(10)), ("医保信息化系统运行维护项目", D(15)),
        ("开展相关工作所需成本支出", D("3.77")), ("提高办公效率", D(60)), ("参保群众满意度", None)]
    assert (result.complete, result.grade) == (False, "待定")
    assert any(f.code == "needs_judgment" and f.source.location == f"U!{cells[0]}" for f in result.findings)
    ran = cli("score", str(patched), "--format", "json")
    assert ran.exit_code == 1
    document = json.loads(ran.stdout)
    assert [p["source"].rsplit("!", 1)[1] for p in document["problems"]] == cells
    (table,) = document["evaluations"]
    assert table["complete"] is False and table["lines"][0]["status"] == "needs_judgment"


def test_an_error_value_in_the_budget_amounts_still_stops_the_table(tmp_path):
    path = write_book(tmp_path / "e.xlsx", {"U": MOF_ROWS}, {"U": MOF_MERGES})
    patched = with_errors(path, tmp_path / "e2.xlsx", {"E6": "#VALUE!"})
    loaded = load_xlsx_file(patched)
    assert [p.source.location for p in loaded.problems][0] == "U!E6" and not loaded.evaluations


# --- 5. lines above the title -------------------------------------------------------------------

@pytest.mark.parametrize("above", [["附件1"], ["附表3"], ["附件："], ["单位：万元"], ["附件1", "单位：元"],
                                   ["附件 2-1"], ["金额单位：万元"]])
def test_attachment_and_unit_lines_above_the_title_are_not_the_title(tmp_path, above):
    width = 9
    rows = [[text] + [None] * (width - 1) for text in above] + [
        ["2022年度部门整体支出绩效自评表"] + [None] * (width - 1),
        ["单位名称", "某区档案馆"] + [None] * (width - 2),
        ["一级指标", "二级指标", "三级指标", "指标性质", "年度指标值", "实际完成值", "计量单位", "分值", "得分"],
        ["产出指标", "数量指标", "数字化档案", "正向", "≥100卷", "120卷", None, 100, 100]]
    evaluation = only(load_xlsx_file(write_book(tmp_path / "t.xlsx", {"表": rows})))
    assert evaluation.title == "2022年度部门整体支出绩效自评表"
    assert evaluation.source.location == f"表!A{len(above) + 1}"
    assert (evaluation.year, evaluation.unit) == (2022, "某区档案馆")


def test_an_attachment_line_holding_the_forms_name_is_still_its_title(tmp_path):
    rows = [["附件1：项目支出绩效自评表", None, None, None, None, None, None, None, None],
            ["一级指标", "二级指标", "三级指标", "指标性质", "年度指标值", "实际完成值", "计量单位", "分值", "得分"],
            ["产出指标", "数量指标", "数字化档案", "正向", "≥100卷", "120卷", None, 100, 100]]
    assert only(load_xlsx_file(write_book(tmp_path / "t.xlsx", {"表": rows}))).title == "附件1：项目支出绩效自评表"


# --- 8. a 分值 column hidden under a merged header -------------------------------------------------

HIDDEN_HEAD = [["项目支出绩效自评表", None, None, None, None, None, None],
               ["项目名称", "档案数字化", None, None, None, None, None],
               ["一级指标", "二级指标", None, "三级指标", "年度指标值", "实际完成值", "得分"]]
HIDDEN_LINES = [["产出指标（50分）", "数量指标", 20, "数字化档案", "≥100卷", "120卷", 20],
                [None, "质量指标", 30, "合格率", "≥95%", "90%", 28],
                ["效益指标（50分）", "社会效益", 50, "查阅便利", "提升", "提升", 50],
                ["总分", None, None, None, None, None, 98]]


def test_a_weight_column_hidden_under_a_merged_header_is_a_problem_at_that_header(tmp_path):
    path = write_book(tmp_path / "h.xlsx", {"表": HIDDEN_HEAD + HIDDEN_LINES}, {"表": ["B3:C3", "A4:A5"]})
    loaded = load_xlsx_file(path)
    assert [p.source.location for p in loaded.problems] == ["表!B3"]
    assert "B:C" in loaded.problems[0].message and "“分值”" in loaded.problems[0].message
    assert not loaded.evaluations
    ran = cli("score", str(path), "--format", "json")
    assert ran.exit_code == 1 and json.loads(ran.stdout)["evaluations"] == []
    assert "表!B3" in ran.stderr


def test_a_form_without_any_weight_column_keeps_the_default_scheme(tmp_path):
    rows = HIDDEN_HEAD + [row[:2] + [None] + row[3:] for row in HIDDEN_LINES]
    rows[3][0], rows[5][0] = "产出指标", "效益指标"
    loaded = load_xlsx_file(write_book(tmp_path / "n.xlsx", {"表": rows}, {"表": ["B3:C3", "A4:A5"]}))
    result = score(only(loaded))
    assert any(f.code == "weights_assigned" for f in result.findings)
    assert not loaded.notices


def test_text_under_a_merged_header_is_listed_not_read(tmp_path):
    rows = [row[:] for row in HIDDEN_HEAD]
    rows[2] = ["一级指标", "二级指标", None, "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
    rows[0].append(None)
    rows[1].append(None)
    lines = [["产出指标", "数量指标", "（按卷计）", "数字化档案", "≥100卷", "120卷", 50, 50],
             ["效益指标", "社会效益", None, "查阅便利", "提升", "提升", 50, 50]]
    loaded = load_xlsx_file(write_book(tmp_path / "t.xlsx", {"表": rows + lines}, {"表": ["B3:C3"]}))
    assert [line.level2 for _, line in only(loaded).lines()] == ["数量指标", "社会效益"]
    assert list(notices_at(loaded)) == ["表!B3"] and "C4" in loaded.notices[0].message


# --- 7. unusual column order, two-row headers, merged 分值/得分 headers ------------------------------

def test_weight_printed_before_the_target(tmp_path):
    rows = [["项目支出绩效自评表", None, None, None, None, None, None],
            ["一级指标", "二级指标", "三级指标", "分值", "年度指标值", "实际完成值", "得分"],
            ["产出指标", "数量指标", "数字化档案", 60, "≥100卷", "80卷", 48],
            ["效益指标", "社会效益", "查阅便利", 40, "提升", "提升", 40],
            ["总分", None, None, 100, None, None, 88]]
    evaluation = only(load_xlsx_file(write_book(tmp_path / "o.xlsx", {"表": rows})))
    first = evaluation.lines()[0][1]
    assert (first.weight, first.target, first.actual, first.recorded) == (D(60), "≥100卷", "80卷", D(48))
    assert {field: place for field, place in first.places.items()} == {
        "level1": "A3", "level2": "B3", "name": "C3", "weight": "D3", "target": "E3", "actual": "F3", "recorded": "G3"}
    result = score(evaluation)
    assert (result.total, evaluation.recorded_total) == (D(88), D(88))


def test_two_row_header_with_target_and_actual_under_a_merged_head(tmp_path):
    rows = [["项目支出绩效自评表", None, None, None, None, None, None],
            ["一级指标", "二级指标", "三级指标", "指标完成情况", None, "分值", "得分"],
            [None, None, None, "年度指标值", "实际完成值", None, None],
            ["产出指标", "数量指标", "数字化档案", "≥100卷", "80卷", 60, 48],
            ["效益指标", "社会效益", "查阅便利", "提升", "提升", 40, 40],
            ["总分", None, None, None, None, 100, 88]]
    merges = ["A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:F3", "G2:G3"]
    evaluation = only(load_xlsx_file(write_book(tmp_path / "r.xlsx", {"表": rows}, {"表": merges})))
    first = evaluation.lines()[0][1]
    assert (first.level1, first.name, first.target, first.actual, first.weight, first.recorded) == (
        "产出指标", "数字化档案", "≥100卷", "80卷", D(60), D(48))
    assert (first.places["target"], first.places["actual"]) == ("D4", "E4")
    assert score(evaluation).total == D(88)


def test_two_row_header_whose_first_row_names_the_target(tmp_path):
    rows = [["项目支出绩效自评表", None, None, None, None, None, None],
            ["一级指标", "二级指标", "三级指标", "年度指标值", "完成情况", None, "分值"],
            [None, None, None, None, "实际完成值", "得分", None],
            ["产出指标", "数量指标", "数字化档案", "≥100卷", "80卷", 48, 60],
            ["效益指标", "社会效益", "查阅便利", "提升", "提升", 40, 40],
            ["总分", None, None, None, None, 88, 100]]
    merges = ["A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:F2", "G2:G3"]
    evaluation = only(load_xlsx_file(write_book(tmp_path / "r.xlsx", {"表": rows}, {"表": merges})))
    first = evaluation.lines()[0][1]
    assert (first.target, first.actual, first.recorded, first.weight) == ("≥100卷", "80卷", D(48), D(60))
    assert (first.places["actual"], first.places["recorded"], first.places["weight"]) == ("E4", "F4", "G4")
    assert evaluation.recorded_total == D(88) and score(evaluation).total == D(88)


def test_a_header_merged_across_the_weight_and_score_columns_with_their_names_below(tmp_path):
    rows = [["项目支出绩效自评表", None, None, None, None, None, None],
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值及得分", None],
            [None, None, None, None, None, "分值", "得分"],
            ["产出指标", "数量指标", "数字化档案", "≥100卷", "80卷", 60, 48],
            ["效益指标", "社会效益", "查阅便利", "提升", "提升", 40, 40],
            ["总分", None, None, None, None, 100, 88]]
    merges = ["A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:E3", "F2:G2"]
    loaded = load_xlsx_file(write_book(tmp_path / "m.xlsx", {"表": rows}, {"表": merges}))
    evaluation = only(loaded)
    first = evaluation.lines()[0][1]
    assert (first.weight, first.recorded, first.places["weight"], first.places["recorded"]) == (
        D(60), D(48), "F4", "G4")
    assert score(evaluation).total == D(88) and not loaded.notices


def test_a_weight_header_merged_over_the_score_column_without_a_second_row_is_listed(tmp_path):
    # 分值 merged across F:G, the lines' 得分 in G: the weights are read, the unheaded column is listed
    rows = [["项目支出绩效自评表", None, None, None, None, None, None],
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", None],
            ["产出指标", "数量指标", "数字化档案", "≥100卷", "80卷", 60, 48],
            ["效益指标", "社会效益", "查阅便利", "提升", "提升", 40, 40]]
    loaded = load_xlsx_file(write_book(tmp_path / "w.xlsx", {"表": rows}, {"表": ["F2:G2"]}))
    evaluation = only(loaded)
    assert [line.weight for _, line in evaluation.lines()] == [D(60), D(40)]
    assert list(notices_at(loaded)) == ["表!F2"] and "G3" in loaded.notices[0].message


# --- 6. two tables side by side on one sheet ------------------------------------------------------

def _project(title: str, budget: int, executed: int, lines: list[list[object]], header=None) -> list[list[object]]:
    """An 8-column project table (A:H) of its own: title, 项目名称, budget block, indicators, 总分."""
    header = header or ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因"]
    return [["项目支出绩效自评表", None, None, None, None, None, None, None],
            ["项目名称", title, None, None, None, None, None, None],
            ["项目资金（万元）", "全年预算数", "全年执行数", "分值", "执行率", "得分", None, None],
            ["年度资金总额", budget, executed, 10, None, None, None, None],
            header, *lines,
            ["总分", None, None, None, None, 100, None, None]]


LEFT = _project("档案数字化", 100, 90, [["产出指标", "数量指标", "数字化档案", "≥100卷", "80卷", 50, 40, None],
                                    ["效益指标", "社会效益", "查阅便利", "提升", "提升", 40, 40, None]])
RIGHT = _project("政策宣传", 50, 50, [["产出指标", "数量指标", "宣传次数", "≥4次", "5次", 60, 60, None],
                                  ["满意度指标", "服务对象满意度", "群众满意度", "≥90%", "85%", 30, 28, None]])


def side(left: list[list[object]], right: list[list[object]]) -> list[list[object]]:
    return [(l or [None] * 8) + [None] + (r or [None] * 8) for l, r in zip(left, right)]


def test_two_tables_side_by_side_are_both_read_at_their_own_cells(tmp_path):
    path = write_book(tmp_path / "s.xlsx", {"表": side(LEFT, RIGHT)})
    loaded = load_xlsx_file(path)
    assert not loaded.problems and not loaded.notices
    left, right = loaded.evaluations
    assert (left.title, right.title) == ("档案数字化", "政策宣传")
    assert (left.source.location, right.source.location) == ("表!B2", "表!K2")
    assert (left.funds.budget, left.funds.executed, right.funds.budget, right.funds.executed) == (
        D(100), D(90), D(50), D(50))
    assert (right.funds.sources["budget"].location, right.funds.sources["executed"].location) == ("表!K4", "表!L4")
    assert [(line.name, line.places["actual"], line.places["weight"]) for _, line in right.lines()] == [
        ("宣传次数", "N6", "O6"), ("群众满意度", "N7", "O7")]
    assert [(line.name, line.places["actual"]) for _, line in left.lines()] == [("数字化档案", "E6"), ("查阅便利", "E7")]
    results = [score(left), score(right)]
    assert [result.total for result in results] == [D(89), D("98.33")]  # 10 + 60 + 30 × 85/90
    ran = cli("score", str(path), "--format", "json")
    assert ran.exit_code == 0 and len(json.loads(ran.stdout)["evaluations"]) == 2


def test_a_side_table_that_cannot_be_read_is_reported_at_its_cell_and_the_other_scored(tmp_path):
    broken = _project("政策宣传", 50, 50, [["产出指标", "数量指标", "宣传次数", "≥4次", "5次", 60, 60, None]],
                      header=["一级指标", "二级指标", "三级指标", "目标说明", "完成说明", "分值", "得分", "偏差原因"])
    broken = broken[:6] + [[None] * 8] + broken[6:]
    path = write_book(tmp_path / "b.xlsx", {"表": side(LEFT, broken)})
    loaded = load_xlsx_file(path)
    assert [p.source.location for p in loaded.problems] == ["表!L5"]
    assert "J:Q 列" in loaded.problems[0].message
    (left,) = loaded.evaluations
    assert left.title == "档案数字化"
    ran = cli("score", str(path), "--format", "json")
    assert ran.exit_code == 1 and [e["title"] for e in json.loads(ran.stdout)["evaluations"]] == ["档案数字化"]


def test_side_tables_whose_first_header_word_differs_are_split_at_the_gap_column(tmp_path):
    right = [row[1:] + [None] for row in RIGHT]  # the right table prints no 一级指标 column
    path = write_book(tmp_path / "g.xlsx", {"表": side(LEFT, right)})
    loaded = load_xlsx_file(path)
    assert not loaded.problems
    left, second = loaded.evaluations
    assert [(line.name, line.level1, line.places["actual"]) for _, line in second.lines()] == [
        ("宣传次数", "", "M6"), ("群众满意度", "", "M7")]
    assert second.source.location == "表!J2" and second.title == "政策宣传"


# --- 10. what the reader does not read is listed -------------------------------------------------

def test_a_sheet_without_a_table_is_listed_with_its_first_cell(tmp_path):
    rows = SIGN_HEAD + [["产出指标", "数量指标", "数字化档案", "正向", "≥100卷", "120卷", None, 100, 100]]
    path = write_book(tmp_path / "x.xlsx", {"填表说明": [[None], [None, "本表由项目单位填写"]], "表": rows})
    loaded = load_xlsx_file(path)
    only(loaded)
    assert list(notices_at(loaded)) == ["填表说明!B2"] and "本表由项目单位填写" in loaded.notices[0].message


def test_a_workbook_of_blank_sheets_and_notes_is_still_a_problem(tmp_path):
    loaded = load_xlsx_file(write_book(tmp_path / "y.xlsx", {"说明": [["说明"]], "空": [[None]]}))
    assert not loaded.evaluations and len(loaded.problems) == 1
    assert list(notices_at(loaded)) == ["说明!A1"]


def test_two_row_header_whose_weight_and_score_words_stand_only_in_the_upper_row(tmp_path):
    # 分值/得分 printed once in the upper row, the cells below them left empty (not merged): they are
    # still the weight and score columns, never a table weighted by the default scheme
    rows = [["项目支出绩效自评表", None, None, None, None, None, None],
            ["绩效指标", None, None, "指标值", None, "分值", "得分"],
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", None, None],
            ["产出指标", "数量指标", "数字化档案", "≥100卷", "80卷", 60, 48],
            ["效益指标", "社会效益", "查阅便利", "提升", "提升", 40, 40],
            ["总分", None, None, None, None, 100, 88]]
    loaded = load_xlsx_file(write_book(tmp_path / "u.xlsx", {"表": rows}, {"表": ["A2:C2", "D2:E2"]}))
    evaluation = only(loaded)
    first = evaluation.lines()[0][1]
    assert (first.weight, first.recorded, first.places["weight"], first.places["recorded"]) == (
        D(60), D(48), "F4", "G4")
    result = score(evaluation)
    assert (result.total, evaluation.recorded_total) == (D(88), D(88))
    assert not [f for f in result.findings if f.code == "weights_assigned"]


def test_a_goal_the_template_left_unfilled_is_listed_and_not_read(tmp_path):
    header = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
    rows = [["2023年度部门整体支出绩效自评表", None, None, None, None, None, None],
            ["单位名称", "某局", None, None, None, None, None],
            ["年度目标1（100分）", None, None, None, None, None, None], header,
            ["产出指标", "数量指标", "数字化档案", "≥100卷", "80卷", 60, 48],
            ["效益指标", "社会效益", "查阅便利", "提升", "提升", 40, 40],
            ["合计", None, None, None, None, 100, 88],
            ["年度目标2：", None, None, None, None, None, None], header,
            [None, None, "指标1:", None, None, None, None],
            [None, None, "指标2:", None, None, None, None],
            ["合计", None, None, None, None, None, None],
            ["总分", None, None, None, None, 100, 88]]
    loaded = load_xlsx_file(write_book(tmp_path / "g.xlsx", {"表": rows}))
    evaluation = only(loaded)
    assert [(goal.name, goal.weight, len(goal.indicators)) for goal in evaluation.goals] == [("年度目标1", D(100), 2)]
    assert list(notices_at(loaded)) == ["表!C10", "表!C11", "表!A8"]
    assert "模板留下的空目标" in notices_at(loaded)["表!A8"]
    assert score(evaluation).total == D(88)


@pytest.mark.parametrize("ref,status,score_", [
    ("H9", Status.NEEDS_JUDGMENT, None),  # the actual of 完成年度医保信息化建设项目
    ("K9", Status.SCORED, D(10)),  # its printed 得分: the line is still scored by the rule
])
def test_an_error_value_in_an_indicator_lines_actual_or_score(tmp_path, ref, status, score_):
    path = write_book(tmp_path / "e.xlsx", {"U": MOF_ROWS}, {"U": MOF_MERGES})
    patched = with_errors(path, tmp_path / "e2.xlsx", {ref: "#DIV/0!"})
    loaded = load_xlsx_file(patched)
    assert [p.source.location for p in loaded.problems] == [f"U!{ref}"]
    (evaluation,) = loaded.evaluations
    result = score(evaluation)
    line = line_named(result, "完成年度医保信息化建设项目")
    assert (line.status, line.score) == (status, score_)
    if status is Status.NEEDS_JUDGMENT:
        assert f"U!{ref}" in line.reasons[-1] and not result.complete
    assert line_named(result, "医保信息化系统运行维护项目").score == D(15)
    assert cli("score", str(patched)).exit_code == 1


def test_an_error_value_under_weight_still_stops_the_table(tmp_path):
    path = write_book(tmp_path / "e.xlsx", {"U": MOF_ROWS}, {"U": MOF_MERGES})
    loaded = load_xlsx_file(with_errors(path, tmp_path / "e2.xlsx", {"J9": "#REF!"}))
    assert [p.source.location for p in loaded.problems][:1] == ["U!J9"] and not loaded.evaluations


@pytest.mark.parametrize("words", [
    ("三级指标", "指标属性", "全年目标值", "全年完成值", "度量单位", "指标权重", "自评分"),
    ("指标名称", "指标性质", "年度计划值", "年度实际完成值", "计量单位", "标准分", "评价得分"),
    ("三级指标", "指标性质", "年初设定目标值", "实际达成值", "单位", "权重（%）", "自评得分（分）"),
])
def test_indicator_header_synonyms_other_regions_print(tmp_path, words):
    rows = [["项目支出绩效自评表", None, None, None, None, None, None, None, None],
            ["一级指标", "二级指标", *words],
            ["产出指标", "质量指标", "档案合格率", "≧", 95, 96, "%", 60, 60],
            ["效益指标", "社会效益", "查阅便利", "定性", "提升", "提升", None, 40, 40]]
    line = only(load_xlsx_file(write_book(tmp_path / "h.xlsx", {"表": rows}))).lines()[0][1]
    assert (line.name, line.nature, line.target, line.actual, line.unit, line.weight, line.recorded) == (
        "档案合格率", Nature.POSITIVE, "95", "96", "%", D(60), D(60))
    assert [line.places[f] for f in ("name", "nature", "target", "actual", "unit", "weight", "recorded")] == [
        "C3", "D3", "E3", "F3", "G3", "H3", "I3"]


@pytest.mark.parametrize("printed,nature,sign", [
    ("正向指标", Nature.POSITIVE, None), ("反向指标", Nature.NEGATIVE, None), ("定性指标", Nature.QUALITATIVE, None),
    ("大于等于", Nature.POSITIVE, "大于等于"), ("小于", Nature.NEGATIVE, "小于"), ("等于", Nature.QUANTITATIVE, "等于"),
    (" ≧ ", Nature.POSITIVE, "≧"),
])
def test_nature_words_and_direction_words_printed_as_nature(tmp_path, printed, nature, sign):
    rows = SIGN_HEAD + [["产出指标", "质量指标", "档案合格率", printed, "95", "96", "%", 100, 100]]
    line = only(load_xlsx_file(write_book(tmp_path / "n.xlsx", {"表": rows}))).lines()[0][1]
    assert (line.nature, line.nature_sign) == (nature, sign)


# --- more layouts seen on published tables ------------------------------------------------------

def test_a_total_cell_after_other_words_closes_the_table(tmp_path):
    # 云南 公开14表: “其他需要说明事项 | 无 | 总分 | 100 | 96” in one row, never an indicator line
    rows = SIGN_HEAD + [["产出指标", "质量指标", "档案合格率", "≧", 95, 96, "%", 60, 60],
                        ["效益指标", "社会效益", "查阅便利", "定性", "提升", "提升", None, 40, 36],
                        ["其他需要说明事项", None, "无", "无", "无", None, "总分", 100, 96]]
    loaded = load_xlsx_file(write_book(tmp_path / "t.xlsx", {"表": rows}, {"表": ["A6:B6", "C6:E6"]}))
    evaluation = only(loaded)
    assert [line.name for _, line in evaluation.lines()] == ["档案合格率", "查阅便利"]
    assert (evaluation.recorded_total, evaluation.places["recorded_total"]) == (D(96), "I6")


@pytest.mark.parametrize("word", ["得分合计", "总得分", "自评总分"])
def test_total_row_words(tmp_path, word):
    rows = SIGN_HEAD + [["产出指标", "质量指标", "档案合格率", "≧", 95, 96, "%", 100, 100],
                        [word, None, None, None, None, None, None, None, 100]]
    evaluation = only(load_xlsx_file(write_book(tmp_path / "w.xlsx", {"表": rows})))
    assert len(evaluation.lines()) == 1 and evaluation.recorded_total == D(100)


def test_weights_printed_as_percentages_of_the_table(tmp_path):
    rows = [["专项名称", "普惠金融发展专项资金", None, "省级主管部门", None, "四川省财政厅", None],
            ["一级指标", "二级指标", "三级指标", "指标值", "完成值", "权重", "得分"],
            ["产出指标", "数量指标", "贷款增长率", "≥10%", "15%", "60%", 60],
            ["满意度指标", "满意度", "满意度", "≥80%", "85%", "40%", 40],
            ["得分合计", None, None, None, None, None, 100]]
    loaded = load_xlsx_file(write_book(tmp_path / "p.xlsx", {"表": rows}))
    evaluation = only(loaded)
    assert (evaluation.title, evaluation.department) == ("普惠金融发展专项资金", "四川省财政厅")
    assert [(line.weight, line.places["weight"]) for _, line in evaluation.lines()] == [(D(60), "F3"), (D(40), "F4")]
    assert list(notices_at(loaded)) == ["表!F2"] and "百分比" in loaded.notices[0].message
    assert score(evaluation).total == D(100) and evaluation.recorded_total == D(100)


def test_the_budget_head_over_the_amounts_wins_over_one_over_the_row_labels(tmp_path):
    # 四川: 年度预算数(万元) heads the label column, 调整后预算数 the amounts; 权重 is the budget line's 分值
    rows = funds_table(["年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分"], [])
    rows[2] = ["预算执行情况(10分)", "年度预算数(万元)", "年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重",
               "得分", None]
    rows[3] = [None, "总额", 238.93, 251.89, 251.89, "100.00%", 10, None, None]
    evaluation = only(load_xlsx_file(write_book(tmp_path / "b.xlsx", {"表": rows}, {"表": ["A3:A4"]})))
    funds = evaluation.funds
    assert (funds.label, funds.initial_budget, funds.budget, funds.executed, funds.weight) == (
        "总额", D("238.93"), D("251.89"), D("251.89"), D(10))
    assert (funds.places["budget"], funds.places["weight"]) == ("D4", "G4")


# --- property: any two printed forms side by side read as each alone ------------------------------

def _printed_form(evaluation) -> tuple[list[list[object]], list[tuple[int, int, int, int]]]:
    """The first sheet perfscore would print for ``evaluation`` (values and merged ranges), without
    perfscore's hidden metadata sheet: a plain printed form as an officer would hand it in."""
    import io

    import openpyxl

    from scoring.reports.workbook import Mode, workbook_bytes

    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes([evaluation], mode=Mode.FILLED)))
    sheet = book.worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    merges = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in sheet.merged_cells.ranges]
    return rows, merges


def _comparable(evaluation) -> object:
    from .test_template import comparable

    return comparable(evaluation)


def _write(path, rows, merges):
    from indicators.xlsx.cells import coordinate

    return write_book(path, {"表": rows}, {"表": [f"{coordinate(a, b)}:{coordinate(c, d)}" for a, b, c, d in merges]})


from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from indicators.model import Evaluation, Funds, Goal, Indicator  # noqa: E402

from .strategies import evaluations  # noqa: E402

# Found by Hypothesis: a project form beside a department form sits one row higher (no 项目名称 row),
# so the two header rows are not on the same row.
_ONE_LINE = Indicator(level1="产出指标", level2="数量指标", name="一", target="≤0.00", actual="0.00", unit="%",
                      weight=D("0.50"))
_PROJECT = Evaluation(kind="project", title="一", indicators=(_ONE_LINE,))
_DEPARTMENT = Evaluation(kind="department", title="一", indicators=(_ONE_LINE,))
# … and a goal form whose header row is the row of the budget block's 分值 | 得分 on its left.
_WITH_FUNDS = Evaluation(kind="project", title="一", indicators=(_ONE_LINE,),
                         funds=Funds(weight=D(10), budget=D("0.01"), executed=D("0.00")))
_WITH_GOAL = Evaluation(kind="project", title="一", goals=(Goal(name="年度目标1", indicators=(_ONE_LINE,)),))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                 HealthCheck.function_scoped_fixture])
@given(left=evaluations(), right=evaluations())
@example(left=_PROJECT, right=_DEPARTMENT)
@example(left=_DEPARTMENT, right=_PROJECT)
@example(left=_WITH_FUNDS, right=_WITH_GOAL)
def test_any_two_forms_side_by_side_read_as_each_alone(tmp_path, left, right):
    (left_rows, left_merges), (right_rows, right_merges) = _printed_form(left), _printed_form(right)
    alone = [load_xlsx_file(_write(tmp_path / f"{i}.xlsx", rows, merges))
             for i, (rows, merges) in enumerate([(left_rows, left_merges), (right_rows, right_merges)])]
    width = max([len(row) for row in left_rows] + [d + 1 for _, _, _, d in left_merges])  # merges may reach further
    offset = width + 1
    height = max(len(left_rows), len(right_rows))
    def pad(rows: list[list[object]], size: int) -> list[list[object]]:
        """``height`` rows, each at least ``size`` cells wide."""
        padded = [list(rows[r]) if r < len(rows) else [] for r in range(height)]
        return [row + [None] * (size - len(row)) for row in padded]

    rows = [l + [None] + r for l, r in zip(pad(left_rows, width), pad(right_rows, 0))]
    merges = left_merges + [(a, b + offset, c, d + offset) for a, b, c, d in right_merges]
    together = load_xlsx_file(_write(tmp_path / "both.xlsx", rows, merges))
    expected = [e for result in alone for e in result.evaluations]
    assert [_comparable(e) for e in together.evaluations] == [_comparable(e) for e in expected]
    assert len(together.problems) == sum(len(result.problems) for result in alone)
    if len(together.evaluations) == 2 and all(result.evaluations for result in alone):
        from indicators.xlsx.cells import column_letter

        def shifted(place: str) -> str:
            letters = "".join(ch for ch in place if ch.isalpha())
            col = 0
            for ch in letters:
                col = col * 26 + ord(ch) - 64
            return column_letter(col - 1 + offset) + place[len(letters):]

        right_alone, right_together = alone[1].evaluations[0], together.evaluations[1]
        assert [line.places for _, line in right_together.lines()] == [
            {k: shifted(v) for k, v in line.places.items()} for _, line in right_alone.lines()]


def test_level2_cells_printing_only_a_weight_are_groups_of_their_own(tmp_path):
    rows = SIGN_HEAD + [
        ["产出指标", "（30分）", "数字化档案", "正向", "≥100卷", "120卷", "卷", None, 15],
        [None, None, "合格率", "正向", "≥95%", "96%", None, None, 15],
        [None, "（30分）", "及时率", "正向", "≥95%", "96%", None, None, 30],
        ["效益指标", "社会效益", "查阅便利", "定性", "提升", "提升", None, 40, 40]]
    evaluation = only(load_xlsx_file(write_book(tmp_path / "l2.xlsx", {"表": rows}, {"表": ["B4:B5", "A4:A6"]})))
    result = score(evaluation)
    assert [(line.name, line.weight, line.level2) for line in result.lines] == [
        ("数字化档案", D(15), None), ("合格率", D(15), None), ("及时率", D(30), None), ("查阅便利", D(40), "社会效益")]
    assert result.total == D(100)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                 HealthCheck.function_scoped_fixture])
@given(evaluation=evaluations(), placeholder=st.sampled_from(PLACEHOLDERS), where=st.integers(0, 10 ** 6))
def test_a_placeholder_row_anywhere_in_a_block_changes_nothing_but_a_notice(tmp_path, evaluation, placeholder, where):
    from indicators.xlsx.cells import coordinate

    rows, merges = _printed_form(evaluation)
    alone = load_xlsx_file(_write(tmp_path / "a.xlsx", rows, merges))
    headers = [r for r, row in enumerate(rows) if "三级指标" in row]
    name_col = rows[headers[0]].index("三级指标")
    # a row inside the first block: after its header row, before the row that ends it
    lines = [r for r in range(headers[0] + 1, len(rows)) if rows[r][name_col] not in (None, "三级指标")]
    block = [headers[0] + 1] + [r + 1 for r in lines if r + 1 <= (lines[-1] + 1 if lines else headers[0] + 1)]
    at = block[where % len(block)]
    width = max(len(row) for row in rows)
    inserted = [None] * width
    inserted[name_col] = placeholder
    rows = rows[:at] + [inserted] + rows[at:]
    # merged ranges below the new row move down; those reaching across it grow by one row
    merges = [(a + (a >= at), b, c + (c >= at), d) for a, b, c, d in merges]
    loaded = load_xlsx_file(_write(tmp_path / "p.xlsx", rows, merges))
    assert [_comparable(e) for e in loaded.evaluations] == [_comparable(e) for e in alone.evaluations]
    assert len(loaded.problems) == len(alone.problems)
    if alone.evaluations:
        new = [p for p in loaded.notices if p.source.cell == coordinate(at, name_col)]
        assert len(new) == 1 and "模板留下的空行" in new[0].message


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                 HealthCheck.function_scoped_fixture])
@given(evaluation=evaluations())
def test_a_weight_column_hidden_under_the_header_beside_it_is_never_scored(tmp_path, evaluation):
    from indicators.xlsx.cells import coordinate

    rows, merges = _printed_form(evaluation)
    headers = [r for r, row in enumerate(rows) if "三级指标" in row]
    for r in headers:
        row = rows[r]
        col = next(c for c, value in enumerate(row) if value in ("分值", "目标分值"))
        row[col] = None  # the 分值 header gone, the one to its left merged across its column
        merges.append((r, col - 1, r, col))
    loaded = load_xlsx_file(_write(tmp_path / "h.xlsx", rows, merges))
    printed = any(line.weight is not None for _, line in evaluation.lines())
    if printed:
        assert not loaded.evaluations
        first = headers[0]
        col = next(b for a, b, c, d in merges if a == first and c == first and d == b + 1)
        assert any(p.source.cell == coordinate(first, col) and "“分值”" in p.message for p in loaded.problems)
    else:
        assert not [p for p in loaded.problems if "“分值”" in p.message]


_UPPER_WORDS = ("分值", "目标分值", "得分", "计量单位", "指标性质", "指标方向", "偏差原因分析及改进措施")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                 HealthCheck.function_scoped_fixture])
@given(evaluation=evaluations(), moved=st.sets(st.sampled_from(_UPPER_WORDS), min_size=1))
def test_header_words_moved_to_an_upper_header_row_read_the_same(tmp_path, evaluation, moved):
    rows, merges = _printed_form(evaluation)
    alone = load_xlsx_file(_write(tmp_path / "a.xlsx", rows, merges))
    headers = [r for r, row in enumerate(rows) if "三级指标" in row]
    for at in reversed(headers):
        header = rows[at]
        upper = [value if value in moved else None for value in header]
        rows[at] = [None if value in moved else value for value in header]
        rows = rows[:at] + [upper] + rows[at:]
        merges = [(a + (a >= at), b, c + (c >= at), d) for a, b, c, d in merges]
    loaded = load_xlsx_file(_write(tmp_path / "u.xlsx", rows, merges))
    assert [_comparable(e) for e in loaded.evaluations] == [_comparable(e) for e in alone.evaluations]
    assert len(loaded.problems) == len(alone.problems)


def test_a_header_that_heads_no_table_read_is_a_problem_at_its_cell(tmp_path):
    good = SIGN_HEAD + [["产出指标", "质量指标", "档案合格率", "≧", 95, 96, "%", 100, 100]]
    broken = [["项目支出绩效自评表", None, None, None, None],
              ["一级指标", "二级指标", "三级指标", "分值", "得分"],
              ["产出指标", "数量指标", "宣传次数", 100, 100]]
    path = write_book(tmp_path / "u.xlsx", {"表": good, "表二": broken})
    loaded = load_xlsx_file(path)
    assert [p.source.location for p in loaded.problems] == ["表二!C2"] and "没有读成表" in loaded.problems[0].message
    assert [e.title for e in loaded.evaluations] == ["档案数字化"]
    assert cli("score", str(path)).exit_code == 1


def test_a_side_table_not_aligned_and_not_readable_is_a_problem(tmp_path):
    broken = [[None] * 5, [None] * 5, [None] * 5,
              ["一级指标", "二级指标", "三级指标", "分值", "得分"],
              ["产出指标", "数量指标", "宣传次数", 100, 100]]
    rows = side(LEFT, broken + [[None] * 8] * (len(LEFT) - len(broken)))
    loaded = load_xlsx_file(write_book(tmp_path / "s.xlsx", {"表": rows}))
    assert [p.source.location for p in loaded.problems] == ["表!L4"]
    assert [e.title for e in loaded.evaluations] == ["档案数字化"]


@pytest.mark.parametrize("block", [
    # one row of label | amount pairs
    [["预算执行情况(10分)", "全年预算数", 120, "全年执行数", 108, "执行率", "90%", "得分", 9]],
    # one pair a row
    [["全年预算数（万元）", 120, None, None, None, None, None, None, None],
     ["全年执行数（万元）", 108, None, None, None, None, None, None, None],
     ["分值", 10, None, None, None, None, None, None, None]],
])
def test_a_budget_block_printed_as_label_and_amount_pairs(tmp_path, block):
    width = 9
    rows = [["项目支出绩效自评表"] + [None] * (width - 1), ["项目名称", "档案数字化"] + [None] * (width - 2)]
    rows += [row + [None] * (width - len(row)) for row in block]
    rows += SIGN_HEAD[2:] + [["产出指标", "质量指标", "档案合格率", "≧", 95, 96, "%", 90, 90]]
    evaluation = only(load_xlsx_file(write_book(tmp_path / "p.xlsx", {"表": rows})))
    funds = evaluation.funds
    assert (funds.budget, funds.executed, funds.weight) == (D(120), D(108), D(10))
    assert funds.places["budget"] in ("C3", "B3") and funds.places["executed"] in ("E3", "B4")
    assert score(evaluation).lines[0].score == D(9)


def test_a_criteria_table_without_a_score_column_is_listed_not_a_problem(tmp_path):
    good = SIGN_HEAD + [["产出指标", "质量指标", "档案合格率", "≧", 95, 96, "%", 100, 100]]
    criteria = [["评价指标体系", None, None, None, None],
                ["一级指标", "二级指标", "三级指标", "评分标准", "分值"],
                ["决策", "项目立项", "立项依据充分性", "依据充分得满分", 5]]
    loaded = load_xlsx_file(write_book(tmp_path / "c.xlsx", {"表": good, "指标体系": criteria}))
    assert not loaded.problems and [e.title for e in loaded.evaluations] == ["档案数字化"]
    assert list(notices_at(loaded)) == ["指标体系!C2"] and "未读取" in loaded.notices[0].message


# --- rows under the total: never dropped in silence ----------------------------------------------

TAIL_WIDTH = len(MOF_ROWS[0])


def _under_total(*rows: list[object]) -> list[list[object]]:
    return [list(row) for row in MOF_ROWS] + [row + [None] * (TAIL_WIDTH - len(row)) for row in rows]


@pytest.mark.parametrize("tail, warned, noticed", [
    # an indicator line left under 总分, with its 分值 and 得分: its points are in no total
    ([[None, "产出指标", "时效指标", "按时上线", "正向", "大于等于", 1, 1, "项", 5, 5, None]], ["表!B15"], []),
    # a line whose only number is its 得分
    ([[None, None, None, "系统稳定运行", None, None, None, None, None, None, 4, None]], ["表!D15"], []),
    # an unread sentence: told, not an error
    ([["另附：系统运行维护合同一份"]], [], ["表!A15"]),
    # notes, conclusions and signatures that tables print under the total are not data: quiet
    ([["注：满意度指标未开展调查"], ["评价结论", None, "良好"], ["项目负责人：", None, None, "财务负责人："],
      ["填表人：张三", None, None, "联系电话：1234567"]], [], []),
    ([["偏差大或目标未完成原因分析", None, "成本节约"], ["改进措施及结果应用方案", None, "加强预算管理"]], [], []),
])
def test_a_row_under_the_total_is_reported_when_nothing_reads_it(tmp_path, tail, warned, noticed):
    path = write_book(tmp_path / "t.xlsx", {"表": _under_total(*tail)}, {"表": MOF_MERGES})
    loaded = load_xlsx_file(path)
    assert [p.source.location for p in loaded.problems] == warned
    assert all("不计入总分" in p.message for p in loaded.problems)
    assert [place for place, message in notices_at(loaded).items() if "指标区之外" in message] == noticed
    # the table is still read and scored as printed above its total
    assert [e.recorded_total for e in loaded.evaluations] == [D("95.30")]


def test_an_indicator_line_under_the_total_makes_score_exit_non_zero(tmp_path):
    row = [None, "产出指标", "时效指标", "按时上线", "正向", "大于等于", 1, 1, "项", 5, 5, None]
    path = write_book(tmp_path / "t.xlsx", {"表": _under_total(row)}, {"表": MOF_MERGES})
    run = cli("score", str(path))
    assert run.exit_code == 1
    assert "t.xlsx!表!B15" in run.output and "按时上线" in run.output and "总分 95.30" in run.output


# A department table of two goals, each closed by its 合计 (武汉 整体绩效自评表 layout).
TWO_GOALS = [
    ["部门整体绩效自评表", None, None, None, None, None, None, None],
    ["部门名称", "某区档案馆", None, None, None, None, None, None],
    ["年度目标1(50分)", None, "档案数字化", None, None, None, None, None],
    ["年度绩效指标", "一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)", "目标分值", "得分"],
    [None, "产出指标", "数量指标", "档案数字化页数", "≥10万页", "12万页", 50, 50],
    ["合计", 50, None, None, None, None, None, None],
    ["年度目标2(50分)", None, "档案利用服务", None, None, None, None, None],
    ["年度绩效指标", "一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)", "目标分值", "得分"],
    [None, "满意度指标", "服务对象满意度", "查档群众满意度", "≥90%", "95%", 50, 50],
    ["合计", 50, None, None, None, None, None, None],
    ["总分", 100, None, None, None, None, None, None],
]


def test_an_indicator_line_between_one_goals_total_and_the_next_goal_is_a_problem(tmp_path):
    stray = [None, "效益指标", "社会效益指标", "档案安全", "无事故", "无事故", 10, 10]
    rows = TWO_GOALS[:6] + [stray] + TWO_GOALS[6:]
    loaded = load_xlsx_file(write_book(tmp_path / "d.xlsx", {"表": rows}))
    assert [p.source.location for p in loaded.problems] == ["表!B7"]
    assert "档案安全" in loaded.problems[0].message and "不计入总分" in loaded.problems[0].message
    evaluation = loaded.evaluations[0]
    assert [line.name for _, line in evaluation.lines()] == ["档案数字化页数", "查档群众满意度"]
    assert score(evaluation).total == D(100)


def test_two_goals_with_nothing_between_them_report_nothing(tmp_path):
    loaded = load_xlsx_file(write_book(tmp_path / "d.xlsx", {"表": TWO_GOALS}))
    assert not loaded.problems and not [n for n in loaded.notices if "指标区之外" in n.message]
    assert len(loaded.evaluations) == 1


# --- a row in the indicator block without a 三级指标 name ----------------------------------------

@pytest.mark.parametrize("changes, warned, noticed", [
    # the 成本 line lost its name but keeps target, actual, 分值 and 得分: an indicator line, not read
    ({(10, 3): None}, ["表!C11"], []),
    # the same with only the actual left
    ({(10, 3): None, (10, 6): None, (10, 9): None, (10, 10): None}, ["表!C11"], []),
    # a 二级 subtotal printing only its 分值 and 得分: told what it holds, not an error
    ({(10, 3): None, (10, 4): None, (10, 5): None, (10, 6): None, (10, 7): None, (10, 8): None}, [], ["表!C11"]),
])
def test_a_row_without_a_name_is_reported_by_what_it_holds(tmp_path, changes, warned, noticed):
    loaded = load_xlsx_file(write_book(tmp_path / "n.xlsx", {"表": rows_with(changes)}, {"表": MOF_MERGES}))
    assert [p.source.location for p in loaded.problems] == warned
    assert all("不计入总分" in p.message for p in loaded.problems)
    assert [place for place, message in notices_at(loaded).items() if "当作小计" in message] == noticed
    # still scored without the row, so the officer sees everything else; the exit code says it is not final
    assert [line.name for _, line in loaded.evaluations[0].lines()] == [
        "完成年度医保信息化建设项目", "医保信息化系统运行维护项目", "提高办公效率", "参保群众满意度"]


# --- one 分值 or 得分 merged down over several lines ---------------------------------------------

@pytest.mark.parametrize("merged, problems", [
    (["J9:J10"], ["表!J9"]),
    (["K9:K10"], ["表!K9"]),
    (["J9:J10", "K9:K10"], ["表!J9", "表!K9"]),
])
def test_a_score_cell_merged_over_several_lines_is_a_problem_not_a_doubled_total(tmp_path, merged, problems):
    rows = rows_with({(8, 9): 25, (9, 9): None, (8, 10): 25, (9, 10): None})
    loaded = load_xlsx_file(write_book(tmp_path / "m.xlsx", {"表": rows}, {"表": MOF_MERGES + merged}))
    assert [p.source.location for p in loaded.problems] == problems
    assert all("第9–10行的 2 条指标" in p.message for p in loaded.problems)
    assert loaded.evaluations == ()  # never scored with 25 counted on both lines


def test_the_way_out_the_message_offers_splits_the_group_weight_equally(tmp_path):
    rows = rows_with({(8, 2): "数量指标(25分)", (8, 9): None, (9, 9): None})
    result = score(only(load_xlsx_file(write_book(tmp_path / "g.xlsx", {"表": rows}, {"表": MOF_MERGES}))))
    assert [line.weight for line in result.lines[1:3]] == [D("12.50"), D("12.50")]


# --- a blank row among the lines ------------------------------------------------------------------

@pytest.mark.parametrize("blanks", [1, 2])
def test_blank_rows_among_the_lines_do_not_end_the_table(tmp_path, blanks):
    rows = [list(row) for row in MOF_ROWS]
    rows[10:10] = [[None] * TAIL_WIDTH] * blanks  # left where a line was deleted
    merges = ["A1:L1", "A2:L2", "A3:B3", "C3:L3", "A4:B4", "A5:B5", "A6:A7"]
    evaluation = only(load_xlsx_file(write_book(tmp_path / "b.xlsx", {"表": rows}, {"表": merges})))
    assert len(evaluation.indicators) == 5 and evaluation.recorded_total == D("95.30")
    plain = only(load_xlsx_file(write_book(tmp_path / "p.xlsx", {"表": MOF_ROWS}, {"表": MOF_MERGES})))
    assert score(evaluation).total == score(plain).total


def test_a_blank_row_before_a_second_table_still_ends_the_first(tmp_path):
    rows = [list(row) for row in MOF_ROWS] + [[None] * TAIL_WIDTH] + [list(row) for row in MOF_ROWS]
    rows[len(MOF_ROWS) + 3][2] = "第二个项目"
    loaded = load_xlsx_file(write_book(tmp_path / "two.xlsx", {"表": rows}))
    assert not loaded.problems
    assert [e.title for e in loaded.evaluations] == ["医疗保障经办数字化改革及系统运行维护费", "第二个项目"]


def test_a_line_in_a_hidden_row_is_scored_and_said(tmp_path):
    import openpyxl

    path = write_book(tmp_path / "h.xlsx", {"表": MOF_ROWS}, {"表": MOF_MERGES})
    book = openpyxl.load_workbook(path)
    book["表"].row_dimensions[10].hidden = True  # 医保信息化系统运行维护项目
    book.save(path)
    loaded = load_xlsx_file(path)
    assert len(only(loaded).indicators) == 5
    assert notices_at(loaded)["表!D10"] == "指标“医保信息化系统运行维护项目”在隐藏行中，已照常读取并计分，请确认"


@pytest.mark.parametrize("cell, at", [((5, 4), "表!E6"), ((5, 3), "表!D6")])
def test_a_missing_amount_of_the_budget_line_is_reported_at_its_empty_cell(tmp_path, cell, at):
    loaded = load_xlsx_file(write_book(tmp_path / "f.xlsx", {"表": rows_with({cell: None})}, {"表": MOF_MERGES}))
    assert [p.source.location for p in loaded.problems] == [at]
