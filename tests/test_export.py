"""``perfscore export``: scored workbooks in the published forms, read back as the same tables."""

from __future__ import annotations

import json
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner

from cli.main import main
from indicators.load import load_path
from indicators.xlsx import load_xlsx_file
from scoring.engine import score
from scoring.reports.forms import choose_form
from scoring.results import Status

from .conftest import SAMPLES, load_doc
from .test_template import comparable
from .xlsx_build import write_book

ALL_SAMPLES = sorted(SAMPLES.glob("*.yaml")) + sorted(SAMPLES.glob("*.xlsx"))
# The fills' colours as written in the issue's spirit (yellow: recorded differs; orange: needs judgment);
# compared without the alpha byte, which each writer sets its own way.
FILL_DIFFERS, FILL_JUDGMENT = "FFF2CC", "FCE4D6"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def scored_lines(result) -> list[tuple]:
    return [(line.index, line.name, line.weight, line.score, line.status) for line in result.lines]


def sheet_rows(sheet) -> list[list[object]]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


# --------------------------------------------------------------------------- round trip (acceptance)


@pytest.mark.parametrize("path", ALL_SAMPLES, ids=[p.name for p in ALL_SAMPLES])
def test_export_then_score_gives_the_same_scores_with_sources_in_the_new_file(tmp_path, path):
    out = tmp_path / "scored.xlsx"
    result = run("export", str(path), "-o", str(out))
    assert result.exit_code == 0, result.output
    original = [score(e) for e in load_path(path).evaluations]
    scored = run("score", str(out), "--format", "json")
    assert scored.exit_code == 0, scored.stderr
    document = json.loads(scored.stdout)
    again = [score(e) for e in load_path(out).evaluations]
    assert [(r.total, r.grade, r.complete, scored_lines(r)) for r in again] == \
        [(r.total, r.grade, r.complete, scored_lines(r)) for r in original]
    for evaluation in document["evaluations"]:
        assert evaluation["source"] == str(out)
        for line in evaluation["lines"]:
            assert re.fullmatch(r"[^!]+![A-Z]+\d+", line["source"]), line
    for finding in (f for r in again for f in r.findings if f.source is not None):
        assert finding.source.file == str(out) and finding.source.sheet is not None


@pytest.mark.parametrize("path", ALL_SAMPLES, ids=[p.name for p in ALL_SAMPLES])
def test_exported_workbook_reads_back_as_the_same_model(tmp_path, path):
    out = tmp_path / "scored.xlsx"
    assert run("export", str(path), "-o", str(out)).exit_code == 0
    assert [comparable(e) for e in load_path(out).evaluations] == [comparable(e) for e in load_path(path).evaluations]


@pytest.mark.parametrize("path", ALL_SAMPLES, ids=[p.name for p in ALL_SAMPLES])
def test_no_metadata_writes_no_hidden_sheet_and_reads_back_to_the_same_totals(tmp_path, path):
    from indicators.xlsx.metadata import META_SHEET

    plain, full = tmp_path / "plain.xlsx", tmp_path / "full.xlsx"
    assert run("export", str(path), "-o", str(full)).exit_code == 0
    result = run("export", str(path), "-o", str(plain), "--no-metadata")
    assert result.exit_code == 0, result.output
    with_sheet = openpyxl.load_workbook(full, read_only=True)
    without = openpyxl.load_workbook(plain, read_only=True)
    assert META_SHEET in with_sheet.sheetnames  # the flag is what takes it away
    assert META_SHEET not in without.sheetnames
    assert without.sheetnames == [name for name in with_sheet.sheetnames if name != META_SHEET]
    with zipfile.ZipFile(plain) as archive:
        assert not any(META_SHEET in archive.read(name).decode("utf-8") for name in archive.namelist()
                       if name.endswith(".xml"))

    def totals(target) -> list[tuple]:
        scored = run("score", str(target), "--format", "json")
        assert scored.exit_code == 0, scored.stderr
        return [(e["title"], e["total"], e["max_total"], e["grade"])
                for e in json.loads(scored.stdout)["evaluations"]]

    assert totals(plain) == totals(path)


@pytest.mark.parametrize("form", ["mof", "hubei-project", "hubei-department"])
def test_any_form_holds_any_table(tmp_path, form):
    """U4 (指标性质…) in a 湖北 form and W1 (goals) in the 财政部 form lose nothing: the metadata keeps it."""
    paths = [SAMPLES / "u4-wuhai-2023-digital-reform.yaml", SAMPLES / "w1-wuhan-2023-department.yaml"]
    out = tmp_path / "f.xlsx"
    assert run("export", *map(str, paths), "--form", form, "-o", str(out)).exit_code == 0
    expected = [e for p in paths for e in load_path(p).evaluations]
    back = load_path(out).evaluations
    assert [comparable(e) for e in back] == [comparable(e) for e in expected]
    assert [score(e).total for e in back] == [Decimal("96.30"), Decimal("99.50")]


def test_form_is_chosen_from_the_table():
    forms = {path.stem: choose_form(load_path(path).evaluations[0]) for path in sorted(SAMPLES.glob("*.yaml"))}
    assert forms["w1-wuhan-2023-department"] == "hubei-department"  # goals
    assert forms["q2-qiaokou-2020-critical-illness"] == "hubei-department"  # a project with a goal
    assert forms["u4-wuhai-2023-digital-reform"] == "mof"  # 指标性质, 年初预算数
    assert forms["w2-wuhan-2023-project"] == "hubei-project"
    assert forms["c1-caidian-2022-audit"] == "hubei-project"


# --------------------------------------------------------------------------- what the workbook holds


@pytest.fixture(scope="module")
def w2_book(tmp_path_factory):
    out = tmp_path_factory.mktemp("w2") / "w2.xlsx"
    assert run("export", str(SAMPLES / "w2-wuhan-2023-project.yaml"), str(SAMPLES / "c1-caidian-2022-audit.yaml"),
               "-o", str(out)).exit_code == 0
    return out, openpyxl.load_workbook(out)


def test_summary_sheet_lists_every_table(w2_book):
    _, book = w2_book
    assert book.sheetnames == ["汇总", "医疗保障管理工作经费", "审核经费（医保中心）", "perfscore元数据"]
    rows = sheet_rows(book["汇总"])
    assert rows[0][0] == "预算绩效自评表评分汇总"
    assert rows[2][:15] == ["序号", "表名", "类型", "单位", "总分", "满分", "等级", "执行率", "扣分", "待判断", "发现问题",
                            "表上总分", "年度", "主管部门", "工作表"]
    # 发现问题 counts what `check` finds in W2: unexplained_deduction, subtotal_mismatch, total_differs,
    # actual_far_above_target (2 warnings + 2 infos, as in tests/golden/check-w2.txt)
    assert rows[3][:15] == [1, "医疗保障管理工作经费", "项目支出", "武汉市医疗保障局（本级）", 100, 100, "优", 1, 0, 0, 4,
                            99.5, "2023", "武汉市医疗保障局", "医疗保障管理工作经费"]
    assert rows[4][1] == "审核经费（医保中心）" and rows[4][6] == "待定" and rows[4][9] == 1
    assert book["汇总"]["H4"].number_format == "0.00%"
    findings = [r for r in rows if r[2] in ("警告", "提示", "错误")]
    (unexplained,) = [r for r in findings if "无说明扣分" in (r[6] or "")]
    # the finding's place is its 得分 cell in the new workbook, linked
    assert re.fullmatch(r"医疗保障管理工作经费!H\d+", unexplained[4])
    sheet = book["医疗保障管理工作经费"]
    assert "无说明扣分" in sheet[unexplained[4].split("!")[1]].comment.text
    path, _ = w2_book
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert f"location=\"'医疗保障管理工作经费'!{unexplained[4].split('!')[1]}\"" in xml


def test_scored_sheet_columns_fills_and_comments(w2_book):
    _, book = w2_book
    sheet = book["医疗保障管理工作经费"]
    rows = sheet_rows(sheet)
    header = next(r for r in rows if r[3] == "三级指标")
    assert header == ["年度绩效目标", "一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)", "目标分值", "得分",
                      "原填得分", "扣分", "扣分说明"]
    r = next(i for i, row in enumerate(rows, 1) if row[3] == "投诉举报上级转办办结率")
    assert [sheet.cell(r, c).value for c in range(5, 10)] == ["100.00%", "100%", 8, 8, 7.5]
    # the recorded 7.50 differs from the computed 8.00: the line is filled and 得分 carries the finding
    assert sheet.cell(r, 8).fill.fgColor.rgb[-6:] == FILL_DIFFERS and sheet.cell(r, 4).fill.fgColor.rgb[-6:] == FILL_DIFFERS
    assert "无说明扣分" in sheet.cell(r, 8).comment.text
    assert sheet.cell(r, 8).number_format == "0.00"
    ok = next(i for i, row in enumerate(rows, 1) if row[3] == "媒体宣传")
    assert sheet.cell(ok, 8).comment is None and sheet.cell(ok, 8).fill.fill_type is None
    # 扣分说明 says why a judged line was taken as the table gave it
    assert sheet.cell(ok, 11).value.startswith("【评价判断】")
    total = next(i for i, row in enumerate(rows, 1) if row[1] == "总分" or row[0] == "总分")
    assert [sheet.cell(total, c).value for c in (7, 8, 9)] == [100, 100, 99.5]
    # a line needing judgment (c1) is filled orange, with the reason in a comment
    other = book["审核经费（医保中心）"]
    pending = next(i for i, row in enumerate(sheet_rows(other), 1) if row[3] == "项目实施对社会发展所带来的直接或间接影响")
    assert other.cell(pending, 8).value is None and other.cell(pending, 4).fill.fgColor.rgb[-6:] == FILL_JUDGMENT
    assert "需要评价人判断" in other.cell(pending, 8).comment.text


def test_page_setup_freeze_merges_and_formats(w2_book):
    _, book = w2_book
    sheet = book["医疗保障管理工作经费"]
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    # one page wide, as many pages tall as needed (fitToWidth may be omitted: 1 is the OOXML default)
    assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$2"
    header = next(i for i, row in enumerate(sheet_rows(sheet), 1) if row[3] == "三级指标")
    assert sheet.freeze_panes == f"A{header + 1}"
    assert "A1:K1" in {str(r) for r in sheet.merged_cells.ranges}  # the merged title
    assert sheet["A1"].font.b and sheet["A1"].alignment.horizontal == "center"
    assert sheet.cell(header + 1, 4).border.left.style == "thin" and sheet.cell(header + 1, 4).alignment.wrap_text
    assert sheet.column_dimensions["D"].width >= 20  # 三级指标 fits Chinese names
    amounts = next(i for i, row in enumerate(sheet_rows(sheet), 1) if row[3] == "预算数(A)") + 1
    assert sheet.cell(amounts, 4).number_format == "#,##0.00" and sheet.cell(amounts, 6).number_format == "0.00%"
    meta = book["perfscore元数据"]
    assert meta.sheet_state == "hidden" and meta["A2"].value == "工作表"
    # scores are values, never formulas
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    evaluation = load_doc("""
        kind: project
        title: "=HYPERLINK(\\"http://example.com\\")"
        unit: "@单位"
        funds: {label: "-资金", weight: 10, budget: 100, executed: 100}
        indicators:
          - {level1: "+产出", level2: 数量指标, name: "=SUM(A1:A3)", target: "+5", actual: "-3", weight: 10,
             deviation_reason: "@原因"}
          - {level1: 效益指标, level2: 社会效益指标, name: "#N/A", target: "=1", actual: "=1", weight: 5}
    """)
    path = tmp_path / "t.yaml"
    from indicators.yaml_io import dump_yaml

    path.write_text(dump_yaml(evaluation), encoding="utf-8")
    out = tmp_path / "f.xlsx"
    assert run("export", str(path), "--form", "mof", "-o", str(out)).exit_code == 0
    with zipfile.ZipFile(out) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name
    sheet = openpyxl.load_workbook(out).worksheets[1]
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}
    for text in ("=SUM(A1:A3)", "+5", "-3", "@原因", "#N/A", "=1", "-资金", "+产出"):
        assert cells[text].data_type == "s", text
    assert cells["=SUM(A1:A3)"].quotePrefix and cells["+5"].quotePrefix and not cells["#N/A"].quotePrefix
    (back,) = load_path(out).evaluations
    assert comparable(back) == comparable(evaluation)


def test_review_columns_are_never_read_as_deductions_or_recorded(tmp_path):
    """Without perfscore's metadata, 原填得分 is the recorded score and 扣分说明 (“扣2分”) is ignored."""
    rows = [["项目名称", "甲"],
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "原填得分", "扣分", "扣分说明"],
            ["产出指标", "数量指标", "检查家数", "≥10家", "8家", 10, 8, 9, 2, "实际8家低于10家，按比例计得8分，扣2分"],
            ["产出指标", "质量指标", "合格率", "100%", "100%", 10, 10, 10, None, "扣2分"]]
    (evaluation,) = load_xlsx_file(write_book(tmp_path / "t.xlsx", {"表": rows})).evaluations
    first, second = evaluation.indicators
    assert (first.recorded, second.recorded) == (Decimal(9), Decimal(10))
    assert first.deductions == () and first.deviation_reason is None and first.sources["recorded"].cell == "H3"
    result = score(evaluation)
    assert [line.score for line in result.lines] == [Decimal("8.00"), Decimal("10.00")]
    assert [f.code for f in result.findings] == ["score_above_rule"]


def test_an_officers_edit_wins_over_the_metadata(tmp_path):
    out = tmp_path / "w2.xlsx"
    assert run("export", str(SAMPLES / "w2-wuhan-2023-project.yaml"), "-o", str(out)).exit_code == 0
    book = openpyxl.load_workbook(out)
    sheet = book["医疗保障管理工作经费"]
    r = next(i for i, row in enumerate(sheet_rows(sheet), 1) if row[3] == "投诉举报上级转办办结率")
    sheet.cell(r, 6).value = "100%。部分办结时间超应办结时间扣0.5分。"  # 实际完成值
    sheet.insert_rows(r)  # and a row inserted above it: the metadata still finds its line by name
    book.save(out)
    (back,) = load_path(out).evaluations
    (original,) = load_path(SAMPLES / "w2-wuhan-2023-project.yaml").evaluations
    line = next(x for x in back.indicators if x.name == "投诉举报上级转办办结率")
    assert line.actual == "100%。部分办结时间超应办结时间扣0.5分。"
    assert str(line.weight) == "8.00" and back.document == original.document
    assert score(back).total == Decimal("99.50")


# --------------------------------------------------------------------------- the command


def test_export_help_and_bad_usage(tmp_path):
    help_ = run("export", "--help")
    assert help_.exit_code == 0 and "原填得分" in help_.output and "--form" in help_.output
    assert "--no-metadata" in help_.output and "perfscore元数据" in help_.output
    result = run("export", str(SAMPLES / "w1-wuhan-2023-department.yaml"), "-o", str(tmp_path / "out.json"))
    assert result.exit_code == 2 and "应以 .xlsx 结尾" in result.output
    result = run("export", str(SAMPLES / "w1-wuhan-2023-department.xlsx"), "-o",
                 str(SAMPLES / "w1-wuhan-2023-department.xlsx"))
    assert result.exit_code == 2 and "与输入文件相同" in result.output
    result = run("export", str(SAMPLES / "w1-wuhan-2023-department.yaml"), "-o", str(tmp_path / "o.xlsx"),
                 "--rules", "standrd")
    assert result.exit_code == 2 and "standard" in result.output
    assert list(tmp_path.iterdir()) == []


def test_bad_input_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: project\ntitle: 甲\nindicators:\n  - {name: 甲, weight: 十分}\n", encoding="utf-8")
    out = tmp_path / "out.xlsx"
    result = run("export", str(bad), str(SAMPLES / "w1-wuhan-2023-department.yaml"), "-o", str(out))
    assert result.exit_code == 1
    assert "bad.yaml:4:" in result.stderr and "未写出工作簿" in result.stderr
    result = run("export", str(SAMPLES / "targets" / "wuhan-2024-business-funds.xlsx"), "-o", str(out))
    assert result.exit_code == 1 and "绩效目标表" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]


def test_unwritable_output_is_a_chinese_message_and_no_file(tmp_path):
    result = run("export", str(SAMPLES / "w1-wuhan-2023-department.yaml"), "-o", str(tmp_path / "no" / "out.xlsx"))
    assert result.exit_code == 1 and "所在文件夹不存在" in result.stderr
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        result = run("export", str(SAMPLES / "w1-wuhan-2023-department.yaml"), "-o", str(folder / "out.xlsx"))
        import os

        if os.geteuid() != 0:  # root writes anywhere
            assert result.exit_code == 1 and "没有写入权限" in result.stderr
    finally:
        folder.chmod(0o700)
    assert [p.name for p in folder.iterdir() if p.name.startswith(".perfscore-")] == []
    directory = tmp_path / "dir.xlsx"
    directory.mkdir()
    result = run("export", str(SAMPLES / "w1-wuhan-2023-department.yaml"), "-o", str(directory))
    assert result.exit_code in (1, 2) and "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.xlsx", "locked"]


def test_a_failed_write_leaves_no_file(tmp_path, monkeypatch):
    import scoring.reports.workbook as workbook

    def broken(layouts, target):
        with open(target, "wb") as handle:
            handle.write(b"PK half a workbook")
        raise KeyboardInterrupt

    monkeypatch.setattr(workbook, "render", broken)
    with pytest.raises(KeyboardInterrupt):
        workbook.write_workbook(tmp_path / "out.xlsx", load_path(SAMPLES / "q1-qiaokou-2020-department.yaml").evaluations,
                                mode=workbook.Mode.FILLED)
    assert list(tmp_path.iterdir()) == []


def test_control_characters_are_a_chinese_error(tmp_path):
    evaluation = load_doc("""
        kind: project
        title: 甲
        indicators:
          - {name: "甲\\u0007", target: 1, actual: 1, weight: 10}
    """)
    from scoring.reports.workbook import Mode, WriteError, write_workbook

    with pytest.raises(WriteError, match="控制字符"):
        write_workbook(tmp_path / "out.xlsx", [evaluation], mode=Mode.FILLED)
    assert list(tmp_path.iterdir()) == []


def test_statuses_survive_the_round_trip(tmp_path):
    out = tmp_path / "c.xlsx"
    assert run("export", str(SAMPLES / "c1-caidian-2022-audit.yaml"), "-o", str(out)).exit_code == 0
    (result,) = [score(e) for e in load_path(out).evaluations]
    assert Status.NEEDS_JUDGMENT in {line.status for line in result.lines}
    assert "weights_assigned" in {f.code for f in result.findings}  # the shown 分值 were not taken as given
