"""The xlsx reader on small workbooks built in each test, one per real-world quirk."""

from __future__ import annotations

import zipfile
from decimal import Decimal

import pytest

from indicators.load import load_path
from indicators.xlsx import load_xlsx_file
from indicators.xlsx.headers import fold
from indicators.xlsx.locate import is_goal
from scoring.engine import score

from .xlsx_build import MOF_MERGES, MOF_ROWS, write_book

D = Decimal


def only(result):
    assert not result.problems, [f"{p.source}: {p.message}" for p in result.problems]
    assert len(result.evaluations) == 1
    return result.evaluations[0]


def rows_with(changes: dict[tuple[int, int], object]) -> list[list[object]]:
    rows = [list(row) for row in MOF_ROWS]
    for (r, c), value in changes.items():
        rows[r][c] = value
    return rows


def test_mof_form_cell_by_cell(tmp_path):
    path = write_book(tmp_path / "u.xlsx", {"说明": [["本工作簿为2023年度项目自评表"]], "数字化": MOF_ROWS},
                      {"数字化": MOF_MERGES})
    evaluation = only(load_xlsx_file(path))
    assert (evaluation.title, evaluation.kind.value, evaluation.year) == ("医疗保障经办数字化改革及系统运行维护费",
                                                                           "project", 2023)
    assert (evaluation.department, evaluation.unit) == ("乌海市医疗保障局(部门)", "乌海市医疗保障局")
    funds = evaluation.funds
    assert (funds.label, funds.weight, funds.initial_budget, funds.budget, funds.executed, funds.rate,
            funds.recorded) == ("年度资金总额", D(10), D(0), D(25), D("18.83"), "75.32", D("7.53"))
    assert [row.name for row in funds.breakdown] == ["其中：财政拨款"]
    assert str(funds.sources["executed"]) == f"{path}!数字化!E6"
    lines = [line for _, line in evaluation.lines()]
    assert [(l.level1, l.level2, l.name) for l in lines[:3]] == [
        ("产出指标", "数量指标", "完成年度医保信息化建设项目"),  # 一级/二级 merged vertically
        ("产出指标", "数量指标", "医保信息化系统运行维护项目"),
        ("产出指标", "成本指标", "开展相关工作所需成本支出")]
    cost = lines[2]
    assert (cost.nature.value, cost.direction, cost.target, cost.actual, cost.unit, cost.weight, cost.recorded) == \
        ("正向", "等于", "25", "18.83", "万元", D(5), D("3.77"))
    assert cost.sources["actual"].location == "数字化!H11"
    assert lines[3].target == "进一步提升"
    assert evaluation.recorded_total == D("95.3")
    result = score(evaluation)
    assert next(l for l in result.lines if l.name == "开展相关工作所需成本支出").score == D("3.77")
    assert result.lines[0].score == D("7.53")


HUBEI_PROJECT = [
    ["2023 年度医疗保障管理工作经费项目自评表", None, None, None, None, None, None, None],
    ["项目名称", "医疗保障管理工作经费", None, None, None, None, None, None],
    ["主管部门", "武汉市医疗保障局", None, None, "项目实施单位", "武汉市医疗保障局（本级）", None, None],
    ["预收执行情况(万元) (20分)", "年度财政资金总额", "预算数(A)", "执行数(B)", "执行率(B/A)", "得分", None, None],
    [None, None, "2,625.84", "2,625.84", 1, "(20分*执行率) 20.00", None, None],
    ["年度绩效目标", "一级指标", "二级指标", "三级指标", None, "年初目标值(A)", "实际完成值(B)", "目标分值", "得分"],
    [None, "产出指标(40分)", "数量指标(8分)", "指标1:媒体宣传", None, "≥20次", "25次", 8, 8],
    [None, None, "质量指标(32分)", "投诉举报上级转办办结率", None, "100.00%",
     "100%。国家医保局信息平台举报投诉系统转办件部分办结时间超应办结时间扣0.5分。", 32, 31.5],
    [None, "效益指标（40分）", "社会效益指标(40分)", "维持医疗保障工作持续稳定发展", None, "是", "是", 40, 40],
    [None, "总分", None, None, None, None, None, None, 99.5],
    ["偏差大或目标未完成原因分析", "本项目无未完成的绩效目标。", None, None, None, None, None, None, None],
]
HUBEI_MERGES = ["A1:I1", "B2:I2", "B3:D3", "F3:I3", "A4:A5", "B4:B5", "A6:A10", "D6:E6", "B7:B8", "D7:E7", "D8:E8",
                "D9:E9", "B11:I11"]


def test_hubei_project_form_quirks(tmp_path):
    path = write_book(tmp_path / "w2.xlsx", {"W2": HUBEI_PROJECT}, {"W2": HUBEI_MERGES}, {"W2": {"E5": "0.00%"}})
    evaluation = only(load_xlsx_file(path))
    funds = evaluation.funds
    # text with thousands separators; a 100% stored as 1 with a % format; the typo 预收执行情况; (20分*执行率) 20.00
    assert (funds.budget, funds.executed, funds.rate, funds.weight, funds.recorded) == \
        (D("2625.84"), D("2625.84"), "100%", D(20), D("20.00"))
    lines = [line for _, line in evaluation.lines()]
    assert [l.name_clean for l in lines] == ["媒体宣传", "投诉举报上级转办办结率", "维持医疗保障工作持续稳定发展"]
    assert lines[0].level1 == "产出指标(40分)" and lines[1].level2 == "质量指标(32分)"
    assert evaluation.recorded_total == D("99.5")
    assert evaluation.deviation_analysis == "本项目无未完成的绩效目标。"
    result = score(evaluation)
    assert result.total == D("99.50")  # the 扣0.5分 sentence in the actual cell is a stated deduction
    assert next(l for l in result.lines if l.name == "投诉举报上级转办办结率").source.location == "W2!D8"


DEPARTMENT_FORM = [
    ["2023年度某局绩效自评表", None, None, None, None, None, None, None],
    ["单位名称", None, "某局", None, None, None, None, None],
    ["预算执行情况(万元) (20分)", "部门整体支出总额", "预算数(A)", "执行数(B)", "执行率(B/A)", "得分", None, None],
    [None, None, 100, 100, "100.00%", "(20分*执行率) 20.00", None, None],
    ["年度目标1(50分)", None, "推进甲工作", None, None, None, None, None],
    ["年度绩效指标", "一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)", "目标分值", "得分"],
    [None, "产出指标 (50分)", "数量指标", "甲", ">95%", "95.50%", 25, 25],
    [None, None, None, "乙", "≥10家", "39", 25, 25],
    ["合计", None, None, None, None, None, None, 50],
    ["年度目标2(30分)", None, "推进乙工作", None, None, None, None, None],
    ["年度绩效指标", "一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)", "目标分值", "得分"],
    [None, "效益指标 (30分)", "社会效益指标", "丙", "是", "是", 30, 30],
    ["合计", None, None, None, None, None, None, 30],
    ["总分", None, None, None, None, None, None, 100],
    ["注：本表由某局填报", None, None, None, None, None, None, None],
]


def test_department_form_with_goals_and_a_notes_row(tmp_path):
    path = write_book(tmp_path / "d.xlsx", {"整体": DEPARTMENT_FORM},
                      {"整体": ["A1:H1", "A2:B2", "C2:H2", "A3:A4", "B3:B4", "A6:A8", "B7:B8", "C7:C8"]})
    evaluation = only(load_xlsx_file(path))
    assert evaluation.kind.value == "department" and evaluation.unit == "某局"
    assert [(g.name, g.weight, g.description, g.recorded) for g in evaluation.goals] == [
        ("年度目标1", D(50), "推进甲工作", D(50)), ("年度目标2", D(30), "推进乙工作", D(30))]
    assert [l.name for _, l in evaluation.lines()] == ["甲", "乙", "丙"]
    assert evaluation.recorded_total == D(100)
    assert score(evaluation).total == D("100.00")


def test_qiaokou_form_goal_weight_and_no_weight_column(tmp_path):
    rows = [
        ["某区医疗保障局 2020 年整体支出绩效目标表", None, None, None, None, None, None],
        ["部门名称", "某区医疗保障局", None, None, None, None, None],
        ["预收执行情况 (万元) (20分)", None, "预算数 (A)", "执行数 (B)", "执行率 (B/A)", "得分 (20分*执行率)", None],
        [None, "部门整体 支出总额", 182.18, 182.18, 1, 20, None],
        ["年度目标 1: (80分)", "低保、低收入人群医疗救助", None, None, None, None, None],
        ["年度绩效指标", "一级指标", "二级指标", "三级指标", "年初目标 值 (A)", "实际完成 值 (B)", "得分"],
        [None, "效益指标", "社会效益 指标", "低保人群医疗救助", "100%", "100%", 40],
        [None, None, None, "低收入人群医疗救助", "100%", "100%", 40],
        ["总分", 100, None, None, None, None, None],
    ]
    path = write_book(tmp_path / "q.xlsx", {"Q1": rows}, {"Q1": ["A3:B3", "A6:A8", "B7:B8", "C7:C8"]},
                      {"Q1": {"E4": "0%"}})
    evaluation = only(load_xlsx_file(path))
    assert evaluation.funds.weight == D(20) and evaluation.funds.rate == "100%"
    assert evaluation.goals[0].weight == D(80) and evaluation.goals[0].name == "年度目标 1"
    result = score(evaluation)
    assert [l.weight for l in result.lines] == [D(20), D("40.00"), D("40.00")]
    assert result.total == D("100.00")


def test_several_tables_stacked_in_one_sheet_with_a_hidden_spacer_column(tmp_path):
    def table(name, actual):
        return [
            [f"2022年度{name}项目绩效评价报告", None, None, None, None, None, None],
            ["项目名称", None, name, None, None, None, None],
            ["预算执行情况（万元）", "资金来源", "预算数（A）", "执行数（B）", "执行率（B/A）", None, None],
            [None, "一般预算内拨款", 10, 9, "90%", None, None],
            [None, "合计", 10, 9, "90%", None, None],
            ["年度绩效目标完成情况", "一级指标", "二级指标", "三级指标", "年初目标值", "实际完成值", "未完成原因及改进措施"],
            [None, "产出指标", "数量指标", "甲", "10家", actual, None],
            [None, "满意度指标", "服务对象满意度指标", "乙", "90%", "95%", None],
        ]
    rows = table("审核经费", "16家") + [[None] * 7, [None] * 7] + table("宣传经费", "5家") + [["注：数据来源于决算"]]
    rows = [row[:1] + [None] + row[1:] for row in rows]  # a blank spacer column B, hidden
    path = write_book(tmp_path / "c.xlsx", {"蔡甸": rows}, hidden_columns={"蔡甸": ["B"]})
    result = load_xlsx_file(path)
    assert not result.problems
    assert [e.title for e in result.evaluations] == ["审核经费", "宣传经费"]
    scored = [score(e) for e in result.evaluations]
    assert [s.total for s in scored] == [D("69.00"), D("44.00")]  # 9 + 50 + 10; 9 + 25 + 10
    assert [l.source.location for l in scored[1].lines[1:]] == ["蔡甸!E17", "蔡甸!E18"]


def test_hidden_column_with_data_is_read_and_noticed(tmp_path):
    path = write_book(tmp_path / "h.xlsx", {"U": MOF_ROWS}, {"U": MOF_MERGES}, hidden_columns={"U": ["J"]})
    result = load_xlsx_file(path)
    assert only(result).lines()[0][1].weight == D(10)
    assert result.notices and all("隐藏列" in n.message for n in result.notices)


def test_unrelated_sheets_are_skipped_and_a_book_without_tables_is_a_problem(tmp_path):
    path = write_book(tmp_path / "none.xlsx", {"说明": [["没有表格"]], "数据": [[1, 2], [3, 4]]})
    result = load_xlsx_file(path)
    assert [p.message for p in result.problems] == [
        "工作簿中找不到自评表（没有“三级指标”“年度指标值”“实际完成值”等表头）"]


def test_target_table_is_recognised_not_scored(tmp_path):
    rows = [["2024年项目支出绩效目标表"], ["项目名称", "某项目"],
            ["一级指标", "二级指标", "三级指标", "指标值", "分值"],
            ["产出指标", "数量指标", "甲", "≥10家", 50]]
    result = load_xlsx_file(write_book(tmp_path / "t.xlsx", {"目标": rows}))
    assert not result.evaluations and not result.problems
    assert "绩效目标表" in result.target_tables[0].message


def test_self_evaluation_without_an_actual_column(tmp_path):
    rows = [["项目名称", "某项目"], ["一级指标", "二级指标", "三级指标", "指标值", "分值", "得分"],
            ["产出指标", "数量指标", "甲", "≥10家", 50, 50]]
    result = load_xlsx_file(write_book(tmp_path / "t.xlsx", {"表": rows}))
    assert [(p.source.location, p.message) for p in result.problems] == [
        ("表!C2", "这是一张自评表（有“得分”列），但找不到“实际完成值”列")]


@pytest.mark.parametrize("head,title,notice", [
    # no title row: the table is named by its 单位名称 (or 主管部门), and the officer is told so
    ([["单位名称：某某局"]], "某某局", ("表!A1", "表上没有表名或项目名称，以单位名称“某某局”作表名")),
    ([["主管部门", "某某委员会"]], "某某委员会", ("表!B1", "表上没有表名或项目名称，以主管部门“某某委员会”作表名")),
    ([["2023年度绩效自评表"], ["单位名称：某某局"]], "2023年度绩效自评表", None),
])
def test_a_table_without_a_title_is_named_by_its_unit(tmp_path, head, title, notice):
    rows = head + [["一级指标", "二级指标", "三级指标", "指标值", "完成值", "分值", "得分"],
                   ["产出指标", "数量指标", "甲", "≥10家", "12家", 100, 100]]
    result = load_xlsx_file(write_book(tmp_path / "t.xlsx", {"表": rows}))
    assert only(result).title == title
    assert [(n.source.location, n.message) for n in result.notices] == ([notice] if notice else [])


def test_a_table_with_no_name_at_all_is_one_problem(tmp_path):
    rows = [["一级指标", "二级指标", "三级指标", "指标值", "完成值", "分值", "得分"],
            ["产出指标", "数量指标", "甲", "≥10家", "12家", 100, 100]]
    result = load_xlsx_file(write_book(tmp_path / "t.xlsx", {"表": rows}))
    assert [(p.source.location, p.message) for p in result.problems] == [("表!A1", "找不到表名或项目名称")]


# --- bad input: a Chinese message naming file, sheet and cell --------------------------------

def test_text_where_a_number_belongs_and_negative_amount_are_each_reported(tmp_path):
    rows = rows_with({(9, 9): "十分", (5, 4): -18.83})
    result = load_xlsx_file(write_book(tmp_path / "bad.xlsx", {"U": rows}, {"U": MOF_MERGES}))
    messages = sorted((str(p.source), p.message) for p in result.problems)
    assert (f"{tmp_path / 'bad.xlsx'}!U!J10", "indicators（绩效指标）[2].weight（分值）：应为数字，实际为“十分”") in messages
    assert any(source.endswith("!U!E6") and "不能为负数" in m for source, m in messages)
    assert not result.evaluations


def test_error_value_and_uncomputed_formula_are_reported_at_their_cells(tmp_path):
    rows = rows_with({(8, 7): "=1/0", (9, 10): "=J10"})
    result = load_xlsx_file(write_book(tmp_path / "err.xlsx", {"U": rows}, {"U": MOF_MERGES}))
    found = {p.source.location: p.message for p in result.problems}
    assert "公式没有计算结果" in found["U!H9"] and "公式没有计算结果" in found["U!K10"]
    # an actual or a printed 得分 that cannot be read leaves its line to judgment, not the table unread
    (evaluation,) = result.evaluations
    scored = score(evaluation)
    assert [line.status.value for line in scored.lines[1:3]] == ["needs_judgment", "scored"]
    assert not scored.complete


def _with_part(path, patched, name, change, stored=False):
    """A copy of the workbook at ``path`` with one part's bytes changed."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == name:
                data = change(data)
                item.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            target.writestr(item, data)
    return patched


def test_cached_error_value(tmp_path):
    path = write_book(tmp_path / "e.xlsx", {"U": MOF_ROWS}, {"U": MOF_MERGES})

    def div0(data):  # one cached value rewritten as an Excel error, as Excel saves #DIV/0!
        data = data.replace(b'<c r="H9" t="n"><v>2</v></c>', b'<c r="H9" t="e"><v>#DIV/0!</v></c>')
        assert b"#DIV/0!" in data
        return data

    patched = _with_part(path, tmp_path / "e2.xlsx", "xl/worksheets/sheet1.xml", div0)
    result = load_xlsx_file(patched)
    assert [(p.source.location, p.message) for p in result.problems] == [
        ("U!H9", "“完成年度医保信息化建设项目”的实际完成值单元格是错误值 #DIV/0!：这一行需要评价人判断，"
                 "其他指标照常评分，全表待定；请在 Excel/WPS 中改正后保存")]


@pytest.mark.parametrize("content,fragment", [
    (b"this is not a workbook", "已损坏或不是 .xlsx"),
    (b"", "文件是空的"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "旧版 Excel（.xls）"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + b"\0" * 600, "密码保护"),
])
def test_files_that_are_not_readable_workbooks(tmp_path, content, fragment):
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    result = load_path(path)
    assert len(result.problems) == 1 and fragment in result.problems[0].message
    assert str(result.problems[0].source) == str(path)


_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
           b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&lol2;</workbook>')


@pytest.mark.parametrize("name,change,fragment", [
    ("xl/worksheets/sheet1.xml", lambda data: data[: len(data) // 2], "工作表“U”内容损坏"),
    ("xl/styles.xml", lambda data: b"not xml at all", "样式或工作表目录"),
    ("xl/workbook.xml", lambda data: _LAUGHS, "内容损坏"),
])
def test_damaged_parts_are_reported_not_raised(tmp_path, name, change, fragment):
    path = write_book(tmp_path / "u.xlsx", {"U": MOF_ROWS}, {"U": MOF_MERGES})
    result = load_path(_with_part(path, tmp_path / "damaged.xlsx", name, change))
    assert len(result.problems) == 1 and fragment in result.problems[0].message, result.problems


def test_a_part_whose_bytes_do_not_match_its_checksum_is_reported(tmp_path):
    path = write_book(tmp_path / "u.xlsx", {"U": MOF_ROWS}, {"U": MOF_MERGES})
    damaged = _with_part(path, tmp_path / "crc.xlsx", "xl/worksheets/sheet1.xml", lambda data: data, stored=True)
    content = damaged.read_bytes()
    at = content.index(b"<sheetData>")
    damaged.write_bytes(content[:at] + b"<sheetDatb>" + content[at + 11:])  # one byte changed, CRC kept
    result = load_path(damaged)
    assert [problem.message for problem in result.problems] == [
        "工作表“U”内容损坏，无法读取（BadZipFile）：请在 Excel/WPS 中打开并另存为 .xlsx 后再试"]


def test_zip_bomb_is_refused(tmp_path, monkeypatch):
    import indicators.xlsx.cells as cells
    monkeypatch.setattr(cells, "MAX_UNCOMPRESSED_BYTES", 1000)
    path = write_book(tmp_path / "big.xlsx", {"U": MOF_ROWS}, {"U": MOF_MERGES})
    result = load_xlsx_file(path)
    assert "超过上限" in result.problems[0].message


def test_input_workbook_is_never_modified(tmp_path):
    path = write_book(tmp_path / "u.xlsx", {"U": MOF_ROWS}, {"U": MOF_MERGES})
    before = path.stat().st_mtime_ns, path.read_bytes()
    load_xlsx_file(path)
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before


def _variant_table(target_word, actual_word, weight_word, score_word, reason_word):
    return [
        ["项目名称", "某项目", None, None, None, None, None, None],
        ["一级指标", "二级指标", "三级指标", target_word, actual_word, weight_word, score_word, reason_word],
        ["产出指标", "数量指标", "甲", "≥80%", "≥85%", 50, 50, None],
        [None, "质量指标", "乙", "100%", "100%", 50, 49.5, "部分资料归档不及时扣0.5分。"],
    ]


@pytest.mark.parametrize("words", [
    ("年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"),
    ("指标值", "实际值", "权重", "自评得分", "偏差原因"),
    ("目标值", "完成值", "目标分值", "得分", "未完成原因及改进措施"),
    ("年初目标值(A)", "实际完成值(B)", "分值", "得分", "偏差原因分析及改进措施"),
    ("年初目标 值 (A)", "实际完成\n值 (B)", "分 值", "得 分", "偏差原因"),
    ("绩效目标值", "实际完成值", "分值", "得分", "偏差原因"),
], ids=["mof", "short", "target-value", "hubei-AB", "wrapped", "performance-target"])
def test_header_word_variants(tmp_path, words):
    path = write_book(tmp_path / "v.xlsx", {"表": _variant_table(*words)})
    evaluation = only(load_xlsx_file(path))
    first, second = [line for _, line in evaluation.lines()]
    assert (first.target, first.actual, first.weight, first.recorded) == ("≥80%", "≥85%", D(50), D(50))
    assert second.deviation_reason == "部分资料归档不及时扣0.5分。"
    result = score(evaluation)
    # an actual carrying an operator is read as its number; the 扣0.5分 in 偏差原因 is a stated deduction
    assert [l.score for l in result.lines] == [D("50.00"), D("49.50")]


def test_cli_reports_every_bad_workbook_and_scores_the_good_ones(tmp_path):
    import json

    from click.testing import CliRunner

    from cli.main import main

    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 broken")
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    target = write_book(tmp_path / "targets.xlsx", {"目标": [
        ["项目名称", "某项目"], ["一级指标", "二级指标", "三级指标", "指标值", "分值"], ["产出指标", "数量指标", "甲", "≥10家", 50]]})
    good = write_book(tmp_path / "good.xlsx", {"U": MOF_ROWS}, {"U": MOF_MERGES})
    result = CliRunner().invoke(main, ["score", str(corrupt), str(old), str(target), str(good), "--format", "json"],
                                catch_exceptions=False)
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert [e["title"] for e in document["evaluations"]] == ["医疗保障经办数字化改革及系统运行维护费"]
    messages = {p["source"]: p["message"] for p in document["problems"]}
    assert "已损坏" in messages[str(corrupt)]
    assert "另存为” .xlsx" in messages[str(old)]
    assert "绩效目标表" in messages[f"{target}!目标!A2"]
    assert "共 3 处输入问题" in result.stderr and "Traceback" not in result.output


def test_a_goal_continued_under_a_repeated_header_row_keeps_each_line_at_its_own_cells(tmp_path):
    """A printed form repeats the header row after a page break; the lines after it belong to the
    same goal, and every line's fields point at that line's own cells."""
    header = DEPARTMENT_FORM[5]
    rows = DEPARTMENT_FORM[:8] + [header, [None, "产出指标", "质量指标", "丁", "100%", "90%", 10, 9]] + DEPARTMENT_FORM[8:]
    path = write_book(tmp_path / "d.xlsx", {"整体": rows})
    evaluation = only(load_xlsx_file(path))
    assert [(g.name, [l.name for l in g.indicators]) for g in evaluation.goals] == [
        ("年度目标1", ["甲", "乙", "丁"]), ("年度目标2", ["丙"])]
    where = {l.name: (l.source.location, l.source_of("actual").location, l.source_of("weight").location)
             for _, l in evaluation.lines()}
    assert where == {"甲": ("整体!D7", "整体!F7", "整体!G7"), "乙": ("整体!D8", "整体!F8", "整体!G8"),
                     "丁": ("整体!D10", "整体!F10", "整体!G10"), "丙": ("整体!D14", "整体!F14", "整体!G14")}


def test_lines_above_the_first_goal_row_form_a_goal_of_their_own_with_their_cells(tmp_path):
    rows = [
        ["2023年度某局部门整体支出绩效自评表", None, None, None, None, None],
        ["单位名称", "某局", None, None, None, None],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值"],
        ["产出指标", "数量指标", "先行", "≥2次", "3次", 20],
        ["年度目标1(80分)", None, None, None, None, None],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值"],
        ["效益指标", "社会效益指标", "其后", "100%", "100%", 80],
        ["总分", None, None, None, None, None],
    ]
    evaluation = only(load_xlsx_file(write_book(tmp_path / "g.xlsx", {"表": rows})))
    assert [(g.name, g.source.location, [l.name for l in g.indicators]) for g in evaluation.goals] == [
        ("（未分目标）", "表!C4", ["先行"]), ("年度目标1", "表!A5", ["其后"])]
    assert [(l.source_of("target").location, l.source_of("weight").location) for _, l in evaluation.lines()] == [
        ("表!D4", "表!F4"), ("表!D7", "表!F7")]


@pytest.mark.parametrize("value,text", [(float("inf"), "inf"), (float("-inf"), "-inf"), (float("nan"), "nan"),
                                        (3.0, None), (18.83, None)])
def test_a_float_no_form_can_hold_is_kept_as_text_so_a_number_field_reports_it(value, text):
    from indicators.xlsx.cells import _convert

    converted = _convert(value, False)
    if text is None:
        assert converted == Decimal(repr(value)) and isinstance(converted, Decimal)
    else:
        assert converted == text


# --- layouts and habits of other regions ------------------------------------------------------

def test_points_written_with_fen_are_read_as_numbers(tmp_path):
    # 分值 “10分”, 得分 “10 分”, 总分 “95.30分”: the unit in the cell does not make them text
    rows = rows_with({(8, 9): "10分", (8, 10): "10 分", (13, 10): "95.30分"})
    evaluation = only(load_xlsx_file(write_book(tmp_path / "f.xlsx", {"U": rows}, {"U": MOF_MERGES})))
    first = evaluation.indicators[0]
    assert (first.weight, first.recorded, evaluation.recorded_total) == (D(10), D(10), D("95.30"))
    # a number in words, or with more after 分, is still not a number
    for bad in ("十分", "10分左右"):
        result = load_xlsx_file(write_book(tmp_path / "g.xlsx", {"U": rows_with({(8, 9): bad})}, {"U": MOF_MERGES}))
        assert [(p.source.location, p.message) for p in result.problems] == [
            ("U!J9", f"indicators（绩效指标）[1].weight（分值）：应为数字，实际为“{bad}”")]


def test_blank_level_cells_under_a_filled_one_mean_same_as_above(tmp_path):
    # the 一级/二级 cells are left blank, not merged; 效益指标's blank 二级 is not 成本指标's
    merges = [m for m in MOF_MERGES if m not in ("B9:B11", "C9:C10")]
    rows = rows_with({(11, 2): None})
    evaluation = only(load_xlsx_file(write_book(tmp_path / "b.xlsx", {"U": rows}, {"U": merges})))
    assert [(l.level1, l.level2, l.source_of("level1").cell, l.source_of("level2").cell if l.level2 else None)
            for l in evaluation.indicators] == [
        ("产出指标", "数量指标", "B9", "C9"), ("产出指标", "数量指标", "B9", "C9"),
        ("产出指标", "成本指标", "B9", "C11"), ("效益指标", "", "B12", None),
        ("满意度指标", "服务对象满意度", "B13", "C13")]


def test_a_total_row_with_a_blank_score_records_no_total(tmp_path):
    # the 总分 row shows the 分值 total (100) and leaves 得分 blank: 100 is not a recorded score
    evaluation = only(load_xlsx_file(write_book(tmp_path / "t.xlsx", {"U": rows_with({(13, 10): None})},
                                                {"U": MOF_MERGES})))
    assert evaluation.recorded_total is None


def test_a_table_without_goals_closed_by_a_heji_row_records_its_total(tmp_path):
    evaluation = only(load_xlsx_file(write_book(tmp_path / "h.xlsx", {"U": rows_with({(13, 0): "合计"})},
                                                {"U": MOF_MERGES})))
    assert evaluation.recorded_total == D("95.30")
    assert evaluation.source_of("recorded_total").cell == "K14"


def test_a_budget_block_of_label_and_amount_pairs_is_read_at_its_cells(tmp_path):
    # 预算数 and 执行数 on rows of their own, each amount just right of its label
    rows = [["项目支出绩效自评表"], ["项目名称", "某项目"],
            ["预算执行情况（万元）（10分）", "预算数", 300], [None, "执行数", 285],
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
            ["产出指标", "数量指标", "甲", "≥10家", "12家", 90, 90]]
    funds = only(load_xlsx_file(write_book(tmp_path / "v.xlsx", {"表": rows}))).funds
    assert (funds.budget, funds.executed, funds.weight) == (D(300), D(285), D(10))
    assert (funds.places["budget"], funds.places["executed"]) == ("C3", "C4")


def test_a_budget_block_that_cannot_be_read_is_a_problem_not_left_out(tmp_path):
    # 预算数 and 执行数 on rows of their own, the amounts not beside them: scored without the block,
    # the table would lose 10 points unseen
    rows = [["项目支出绩效自评表"], ["项目名称", "某项目"],
            ["预算执行情况（万元）（10分）", "预算数", None, 300], [None, "执行数", "见附表"],
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
            ["产出指标", "数量指标", "甲", "≥10家", "12家", 90, 90]]
    result = load_xlsx_file(write_book(tmp_path / "v.xlsx", {"表": rows}))
    assert not result.evaluations
    assert [(p.source.location, p.message) for p in result.problems] == [
        ("表!A3", "有预算执行情况“预算执行情况（万元）（10分）”，但读不出预算数和执行数：表头应在同一行写出"
                  "“预算数”“执行数”（或 全年预算数、全年执行数 等），其下一行写金额")]


def test_a_budget_header_saying_actual_spending_is_read(tmp_path):
    rows = [["项目支出绩效自评表"], ["项目名称", "某项目"],
            ["项目资金（万元）", None, "全年预算数", "全年实际支出数", "分值", "得分"],
            [None, "年度资金总额", 90, 72, 10, 8],
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
            ["产出指标", "数量指标", "甲", "≥10家", "12家", 90, 90]]
    evaluation = only(load_xlsx_file(write_book(tmp_path / "s.xlsx", {"表": rows})))
    assert (evaluation.funds.budget, evaluation.funds.executed) == (D(90), D(72))
    assert score(evaluation).total == D("98.00")


def test_a_self_evaluation_without_a_target_column_is_a_problem(tmp_path):
    # every line would otherwise look qualitative and be judged by its recorded score
    rows = [["项目名称", "某项目"], ["一级指标", "二级指标", "三级指标", "实际完成值", "分值", "得分"],
            ["产出指标", "数量指标", "甲", "12家", 100, 100]]
    result = load_xlsx_file(write_book(tmp_path / "n.xlsx", {"表": rows}))
    assert not result.evaluations
    assert [(p.source.location, p.message) for p in result.problems] == [
        ("表!C2", "找不到“年度指标值”列（表头应有 年度指标值、指标值、目标值 等），无法与实际完成值比较")]


@pytest.mark.parametrize("first,second,names", [
    ("年度目标一（50分）", "年度目标二（30分）", ["年度目标一", "年度目标二"]),
    ("年度目标1：推进甲工作（50分）", "年度目标2：推进乙工作（30分）", ["年度目标1：推进甲工作", "年度目标2：推进乙工作"]),
], ids=["chinese-numerals", "words-in-the-goal-cell"])
def test_goal_rows_numbered_in_chinese_or_with_their_words(tmp_path, first, second, names):
    rows = [list(row) for row in DEPARTMENT_FORM]
    rows[4][0], rows[9][0] = first, second
    path = write_book(tmp_path / "g.xlsx", {"整体": rows},
                      {"整体": ["A1:H1", "A2:B2", "C2:H2", "A3:A4", "B3:B4", "A6:A8", "B7:B8", "C7:C8"]})
    evaluation = only(load_xlsx_file(path))
    assert [(g.name, g.weight, [l.name for l in g.indicators]) for g in evaluation.goals] == [
        (names[0], D(50), ["甲", "乙"]), (names[1], D(30), ["丙"])]
    assert score(evaluation).total == D("100.00")


@pytest.mark.parametrize("text,goal", [
    ("年度目标1(30分)", True), ("年度目标一（40分）", True), ("年度目标1：公共文化服务（50分）", True),
    ("年度目标二、提升服务质量", True), ("年度目标(80分)", True),
    # an indicator or a heading that begins with 年度目标 is not a goal row
    ("年度目标100%完成", False), ("年度目标十分明确", False), ("年度绩效目标一览表", False), ("年度目标完成情况", False),
    ("年度绩效目标", False),
])
def test_what_is_a_goal_row(text, goal):
    assert bool(is_goal(fold(text))) is goal


@pytest.mark.parametrize("head", [
    [["项目名称", "资金监管系统运维"]],  # a name that mentions 资金
    [["项目名称", "某项目"], ["年度总体目标", "预期目标", "按计划完成采购，提高预算执行进度"]],
    [["项目名称", "某项目"], ["资金来源", "本级财政"]],
], ids=["name", "overall-target", "details-label"])
def test_a_table_without_a_budget_block_is_not_taken_for_one_that_cannot_be_read(tmp_path, head):
    rows = head + [["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
                   ["产出指标", "数量指标", "甲", "≥10家", "12家", 100, 100]]
    evaluation = only(load_xlsx_file(write_book(tmp_path / "n.xlsx", {"表": rows})))
    assert evaluation.funds is None and score(evaluation).total == D("100.00")


def test_a_target_table_with_its_funds_label_is_still_read_for_templates(tmp_path):
    rows = [["项目名称", "某项目"], ["项目资金（万元）", "年度资金总额", 100], [None, "其中：财政拨款", 100],
            ["一级指标", "二级指标", "三级指标", "指标值", "分值"], ["产出指标", "数量指标", "甲", "≥10家", 100]]
    result = load_xlsx_file(write_book(tmp_path / "t.xlsx", {"表": rows}), targets=True)
    assert not result.problems and [l.name for _, l in result.evaluations[0].lines()] == ["甲"]


def test_a_heji_row_of_the_lines_alone_is_not_the_tables_total(tmp_path):
    # 合计 under 分值 shows 90: the lines without the 10-point budget line, so its 88 is not the total
    evaluation = only(load_xlsx_file(write_book(tmp_path / "h.xlsx", {"U": rows_with({(13, 0): "合计", (13, 9): 90,
                                                                                      (13, 10): 88})},
                                                {"U": MOF_MERGES})))
    assert evaluation.recorded_total is None


def test_a_budget_header_without_amounts_is_reported_once(tmp_path):
    rows = [["项目名称", "某项目"], ["项目资金（万元）", None, "全年预算数", "全年执行数"], [None, "年度资金总额"],
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
            ["产出指标", "数量指标", "甲", "≥10家", "12家", 100, 100]]
    result = load_xlsx_file(write_book(tmp_path / "a.xlsx", {"表": rows}))
    assert [(p.source.location, p.message) for p in result.problems] == [("表!C2", "预算执行情况表头下没有预算数和执行数")]
