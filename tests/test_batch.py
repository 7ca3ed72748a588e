"""perfscore batch: many files in parallel, the summary workbook, the database, and an interrupted run."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import zipfile
import sys

import openpyxl
import pytest
from click.testing import CliRunner

from cli.main import main

from .conftest import ROOT, SAMPLES
from .xlsx_build import MOF_MERGES, MOF_ROWS, write_book

SAMPLE_TABLES = 30  # 15 YAML tables and the same 15 again in the 6 workbooks


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_batch_over_the_samples_writes_the_summary_workbook(tmp_path):
    # The seed samples (samples/ without samples/field/: the field corpus is scored, table by table and
    # with the reader's known gaps marked, in test_field_samples.py).
    samples = tmp_path / "samples"
    shutil.copytree(SAMPLES, samples, ignore=shutil.ignore_patterns("field"))
    out = tmp_path / "summary.xlsx"
    result = run("batch", str(samples), "-o", str(out), "--jobs", "2")
    # samples/README.md is no table: listed with its reason (nothing in a folder is skipped silently), exit 1
    assert result.exit_code == 1
    assert [line for line in result.stderr.splitlines() if line.startswith("错误：")] == [
        f"错误：{samples / 'README.md'}: 不支持的文件类型“.md”：请提供 .xlsx/.xls/.ods 工作簿、.docx 文档、"
        "网页（.html/.htm）、带文字层的 .pdf，或 .yaml/.yml 文件"]
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["汇总", "优先复核", "问题", "发现", "目标表", "等级分布"]
    summary = list(book["汇总"].iter_rows(values_only=True))
    header, rows = summary[0], summary[1:]
    assert header[:8] == ("文件", "工作表", "位置", "单位", "表名", "类型", "总分", "等级")
    assert len(rows) == SAMPLE_TABLES
    assert book["汇总"].auto_filter.ref == f"A1:T{SAMPLE_TABLES + 1}"
    assert header[16:] == ("年度", "主管部门", "已复核", "复核意见")  # added at the end: earlier columns stay
    totals = sorted(row[6] for row in rows if row[4] == "反欺诈经费")
    assert totals == [99.66, 99.66]  # the YAML table and the workbook sheet
    w2 = [row for row in rows if row[4] == "医疗保障管理工作经费"]
    assert {(row[6], row[9], row[10]) for row in w2} == {(100.0, 99.5, -0.5)}  # total, recorded, difference
    grades = dict(list(book["等级分布"].iter_rows(values_only=True))[1:])
    # per set of 15: W1, both W2, U1–U5, Q1, Q2 and 蔡甸 c3 are 优; c1, c2, c4, c5 are unfinished (待定)
    assert grades == {"优": 22, "待定": 8}
    assert len(book["等级分布"]._charts) == 1
    outliers = list(book["优先复核"].iter_rows(values_only=True))[1:]
    assert any(row[2] == "医疗保障管理工作经费" and "表上总分与计算总分不一致" in row[5] for row in outliers)
    findings = list(book["发现"].iter_rows(values_only=True))[1:]
    assert any(row[3] == "subtotal_mismatch" and "!" in row[5] for row in findings)  # file!sheet!cell
    assert [os.path.basename(row[0]) for row in list(book["问题"].iter_rows(values_only=True))[1:]] == ["README.md"]
    targets = sorted(os.path.basename(row[0]) for row in list(book["目标表"].iter_rows(values_only=True))[1:])
    assert targets == ["wuhan-2024-business-funds.xlsx", "wuhan-2024-business-funds.yaml",
                       "wuhan-2024-office-operation.yaml"]  # listed on their own sheet, not as problems


def test_bad_files_are_listed_and_the_good_ones_scored(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(SAMPLES / "q1-qiaokou-2020-department.yaml", folder / "good.yaml")
    write_book(folder / "sub" / "good.xlsx", {"U": MOF_ROWS}, {"U": MOF_MERGES})
    (folder / "corrupt.xlsx").write_bytes(b"PK\x03\x04 not really")
    (folder / "empty.xlsx").write_bytes(b"")
    write_book(folder / "notes.xlsx", {"说明": [["本文件夹为2023年自评材料"]]})
    write_book(folder / "targets.xlsx", {"目标": [["项目名称", "某项目"], ["一级指标", "二级指标", "三级指标", "指标值", "分值"],
                                                ["产出指标", "数量指标", "甲", "≥10家", 50]]})
    (folder / "~$good.xlsx").write_bytes(b"lock file of an open workbook")
    out = tmp_path / "summary.xlsx"
    result = run("batch", str(folder), "-o", str(out), "--jobs", "1")
    assert result.exit_code == 1
    book = openpyxl.load_workbook(out)
    scored = [row[4] for row in list(book["汇总"].iter_rows(values_only=True))[1:]]
    assert sorted(scored) == sorted(["武汉市硚口区医疗保障局 2020 年整体支出绩效目标表", "医疗保障经办数字化改革及系统运行维护费"])
    problems = {os.path.basename(row[0]): row[2] for row in list(book["问题"].iter_rows(values_only=True))[1:]}
    assert set(problems) == {"corrupt.xlsx", "empty.xlsx", "notes.xlsx"}
    assert "文件是空的" in problems["empty.xlsx"] and "找不到自评表" in problems["notes.xlsx"]
    targets = list(book["目标表"].iter_rows(values_only=True))[1:]
    assert [os.path.basename(row[0]) for row in targets] == ["targets.xlsx"]
    assert f"提示：{folder / '~$good.xlsx'}: Office 的临时锁文件或隐藏文件，未读取" in result.stderr
    assert "~$good.xlsx" not in result.stdout  # listed, not scored


def test_database_appends_one_run_per_batch(tmp_path):
    db = tmp_path / "results.sqlite"
    sample = str(SAMPLES / "u4-wuhai-2023-digital-reform.yaml")
    assert run("batch", sample, "--db", str(db)).exit_code == 0
    assert run("batch", sample, "--db", str(db), "--rules", "integer-truncate").exit_code == 0
    connection = sqlite3.connect(db)
    runs = connection.execute("SELECT run_id, rules, finished_at IS NOT NULL FROM runs ORDER BY run_id").fetchall()
    assert runs == [(1, "standard", 1), (2, "integer-truncate", 1)]
    totals = connection.execute("SELECT run_id, total FROM evaluations ORDER BY run_id").fetchall()
    assert totals == [(1, "96.30"), (2, "95.00")]  # re-scoring is a new row, never an overwrite
    cost = connection.execute("SELECT score, reasons FROM lines WHERE name = '开展相关工作所需成本支出' AND "
                              "evaluation_id = (SELECT evaluation_id FROM evaluations WHERE run_id = 1)").fetchone()
    assert cost[0] == "3.77" and "按完成比例75.32%" in json.loads(cost[1])[0]


def test_json_and_jsonl_formats(tmp_path):
    sample = str(SAMPLES / "w1-wuhan-2023-department.yaml")
    document = json.loads(run("batch", sample, str(tmp_path / "missing.yaml"), "--format", "json").stdout)
    assert [e["total"] for e in document["evaluations"]] == ["99.50"]
    assert document["problems"][0]["message"] == "文件或文件夹不存在"
    lines = [json.loads(line) for line in run("batch", sample, "--format", "jsonl").stdout.splitlines()]
    assert [(line["type"], line["total"]) for line in lines] == [("evaluation", "99.50")]


def test_killing_a_batch_leaves_no_summary_and_no_rows(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(400):
        shutil.copy(SAMPLES / "u4-wuhai-2023-digital-reform.yaml", folder / f"t{i:03}.yaml")
    out, db = tmp_path / "summary.xlsx", tmp_path / "results.sqlite"
    process = subprocess.Popen([sys.executable, "-c", "from cli.main import main; main()", "batch", str(folder),
                                "-o", str(out), "--db", str(db), "--jobs", "1"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout.readline()  # the first table is done: the run is under way
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".perfscore-")] == []
    connection = sqlite3.connect(db)
    assert connection.execute("SELECT COUNT(*) FROM evaluations").fetchone() == (0,)
    assert connection.execute("SELECT COUNT(*) FROM runs").fetchone() == (0,)


def test_a_bad_rule_file_stops_before_any_work(tmp_path):
    rules = tmp_path / "r.yaml"
    rules.write_text("name: x\nformulas:\n  higher_short: 分值 * foo\n", encoding="utf-8")
    out = tmp_path / "summary.xlsx"
    result = run("batch", str(SAMPLES), "-o", str(out), "--rules", str(rules))
    assert result.exit_code == 1 and f"{rules}:3:" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("args", [["batch"], ["batch", "x", "--jobs", "0"], ["batch", "x", "--format", "xml"]])
def test_batch_usage_errors(args):
    assert run(*args).exit_code == 2


def test_export_writes_each_scored_workbook_keeping_the_folders(tmp_path):
    folder = tmp_path / "in"
    (folder / "乌海").mkdir(parents=True)
    shutil.copy(SAMPLES / "u-wuhai-2023.xlsx", folder / "乌海" / "u.xlsx")
    shutil.copy(SAMPLES / "w1-wuhan-2023-department.yaml", folder / "w1.yaml")
    out = tmp_path / "out"
    result = run("batch", str(folder), "--export", str(out), "--jobs", "2")
    assert result.exit_code == 0, result.stderr
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*.xlsx")) == ["w1.yaml.xlsx", "乌海/u.xlsx"]
    again = json.loads(run("batch", str(out), "--format", "json").stdout)
    totals = sorted(e["total"] for e in again["evaluations"])
    assert totals == ["90.00", "96.30", "99.10", "99.50", "99.66", "99.87"]  # the exported workbooks score the same


def test_export_folder_may_not_overwrite_an_input(tmp_path):
    shutil.copy(SAMPLES / "w1-wuhan-2023-department.xlsx", tmp_path / "w1.xlsx")
    result = run("batch", str(tmp_path), "--export", str(tmp_path))
    assert result.exit_code == 2 and "会覆盖输入文件" in result.output


def test_summary_text_that_looks_like_a_formula_stays_text(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    source = (SAMPLES / "q1-qiaokou-2020-department.yaml").read_text(encoding="utf-8")
    title = '=HYPERLINK("http://example.invalid","点我")'
    (folder / "t.yaml").write_text(source.replace("title: 武汉市硚口区医疗保障局 2020 年整体支出绩效目标表",
                                                  f"title: '{title}'"), encoding="utf-8")
    out = tmp_path / "summary.xlsx"
    assert run("batch", str(folder), "-o", str(out)).exit_code == 0
    cell = openpyxl.load_workbook(out)["汇总"]["E2"]
    assert (cell.value, cell.data_type) == (title, "s")
    with zipfile.ZipFile(out) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_the_summary_prints_on_a4_landscape_one_page_wide_in_chinese(tmp_path):
    out = tmp_path / "summary.xlsx"
    assert run("batch", str(SAMPLES / "w2-wuhan-2023-project.yaml"), "-o", str(out)).exit_code == 0
    book = openpyxl.load_workbook(out)
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert (setup.paperSize, setup.orientation) == (9, "landscape"), sheet.title
        assert (setup.fitToWidth or 1, setup.fitToHeight) == (1, 0)  # 1 is the default, left out of the file
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows.replace("$", "") == "1:1", sheet.title
    severities = {row[2] for row in list(book["发现"].iter_rows(values_only=True))[1:]}
    assert severities and severities <= {"错误", "警告", "提示"}


def test_csv_has_the_summary_columns_in_utf8_with_a_bom(tmp_path):
    import csv
    import io

    samples = [str(SAMPLES / "w2-wuhan-2023-project.yaml"), str(SAMPLES / "u4-wuhai-2023-digital-reform.yaml")]
    result = CliRunner().invoke(main, ["batch", *samples, "--format", "csv"])
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))
    assert rows[0][:8] == ["文件", "工作表", "位置", "单位", "表名", "类型", "总分", "等级"]
    assert [(row[4], row[6], row[7]) for row in rows[1:]] == [("医疗保障管理工作经费", "100.00", "优"),
                                                             ("医疗保障经办数字化改革及系统运行维护费", "96.30", "优")]
    assert rows[0][16:] == ["年度", "主管部门", "已复核", "复核意见"]
    assert [row[16:18] for row in rows[1:]] == [["2023", "武汉市医疗保障局"], ["2023", "乌海市医疗保障局(部门)"]]


#: The database schema before 年度, 主管部门 and the reviewer's decisions were stored (perfscore before issue 22).
OLD_SCHEMA = """
CREATE TABLE runs (run_id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT, rules TEXT NOT NULL,
                   inputs TEXT NOT NULL);
CREATE TABLE evaluations (evaluation_id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(run_id),
    file TEXT NOT NULL, location TEXT, title TEXT NOT NULL, kind TEXT NOT NULL, unit TEXT, total TEXT NOT NULL,
    max_total TEXT NOT NULL, recorded_total TEXT, grade TEXT NOT NULL, complete INTEGER NOT NULL,
    pending_weight TEXT NOT NULL, rate TEXT, lost TEXT NOT NULL, errors INTEGER NOT NULL, warnings INTEGER NOT NULL,
    infos INTEGER NOT NULL);
CREATE TABLE findings (evaluation_id INTEGER NOT NULL REFERENCES evaluations(evaluation_id), code TEXT NOT NULL,
    severity TEXT NOT NULL, line TEXT, idx INTEGER, source TEXT, message TEXT NOT NULL);
INSERT INTO runs VALUES (1, '2025-01-01T00:00:00+00:00', '2025-01-01T00:00:01+00:00', 'standard', '[]');
INSERT INTO evaluations VALUES (1, 1, 'old.yaml', 'old.yaml:1', '旧表', 'project', '某单位', '90.00', '100.00',
    NULL, '优', 1, '0.00', '100.00', '10.00', 0, 1, 0);
INSERT INTO findings VALUES (1, 'weights_not_100', 'warning', NULL, NULL, 'old.yaml:1', '旧发现');
"""


def test_an_older_database_gets_the_new_columns_and_keeps_its_rows(tmp_path):
    db = tmp_path / "old.sqlite"
    with sqlite3.connect(db) as connection:
        connection.executescript(OLD_SCHEMA)
    result = run("batch", str(SAMPLES / "w2-wuhan-2023-project.yaml"), "--db", str(db))
    assert result.exit_code == 0, result.output
    connection = sqlite3.connect(db)
    rows = connection.execute("SELECT run_id, title, year, department, unit, decided FROM evaluations "
                              "ORDER BY run_id").fetchall()
    assert rows == [(1, "旧表", None, None, "某单位", 0),
                    (2, "医疗保障管理工作经费", 2023, "武汉市医疗保障局", "武汉市医疗保障局（本级）", 0)]
    assert connection.execute("SELECT code, verdict FROM findings WHERE evaluation_id = 1").fetchall() == \
        [("weights_not_100", None)]
    # filtering a year's results by department, as a bureau would
    assert connection.execute("SELECT title FROM evaluations WHERE year = 2023 AND department = ?",
                              ("武汉市医疗保障局",)).fetchall() == [("医疗保障管理工作经费",)]
    # a second run on the migrated database adds nothing twice
    assert run("batch", str(SAMPLES / "w2-wuhan-2023-project.yaml"), "--db", str(db)).exit_code == 0


def test_quiet_keeps_errors_and_results_only(tmp_path):
    result = run("batch", str(SAMPLES / "u4-wuhai-2023-digital-reform.yaml"), str(tmp_path / "missing.yaml"), "-q")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"错误：{tmp_path / 'missing.yaml'}: 文件或文件夹不存在"]
    assert "96.30" in result.stdout
