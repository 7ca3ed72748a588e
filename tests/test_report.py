"""perfscore report: a Word draft whose every number is the scored table's, placeholders listed, bad templates refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from cli.main import main
from cli.report import report_paths

from .conftest import SAMPLES

SCORED = [p for p in sorted(SAMPLES.glob("*.yaml")) + sorted(SAMPLES.glob("*.xlsx"))]


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def text_of(path) -> str:
    document = Document(str(path))
    parts = [paragraph.text for paragraph in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.mark.parametrize("sample", SCORED, ids=lambda p: p.name)
def test_every_number_in_the_report_is_the_scored_tables(tmp_path, sample):
    document = json.loads(run("check", str(sample), "--format", "json", "--min-severity", "info").stdout)
    out = tmp_path / "报告.docx"
    result = run("report", str(sample), "-o", str(out))
    assert result.exit_code in (0, 1), result.output
    evaluations = document["evaluations"]
    written = [Path(p) for p in report_paths(str(out), [item["title"] for item in evaluations])]
    assert sorted(written) == sorted(tmp_path.glob("报告*.docx"))
    for item, path in zip(evaluations, written):
        text = text_of(path)
        assert f"自评得分{item['total']}分" in text and f"等级为“{item['grade']}”" in text
        if item["budget"]:
            budget = item["budget"]
            assert f"{budget['budget']}万元" in text and f"{budget['executed']}万元" in text
            assert f"{budget['rate']}%" in text
        for line in item["lines"]:
            if line["lost"] and line["lost"] != "0.00":
                assert f"得{line['score']}分，扣{line['lost']}分" in text, line["name"]
        department = item["kind"] == "department"
        assert ("部门整体支出绩效自评报告" in text) == department
        listed = [line for line in result.stdout.splitlines() if line.startswith("  需要人工填写：")]
        assert listed and all("【" in line for line in listed)


def test_several_tables_give_one_report_each(tmp_path):
    result = run("report", str(SAMPLES / "u-wuhai-2023.xlsx"), "-o", str(tmp_path / "乌海.docx"))
    assert result.exit_code == 0
    names = sorted(path.name for path in tmp_path.iterdir())
    assert len(names) == 5 and all(name.startswith("乌海（") for name in names)


def test_placeholders_are_left_for_what_a_person_must_write(tmp_path):
    out = tmp_path / "u4.docx"
    result = run("report", str(SAMPLES / "u4-wuhai-2023-digital-reform.yaml"), "-o", str(out))
    assert result.exit_code == 0
    text = text_of(out)
    assert "【请简述项目立项依据、主要内容和实施范围】" in text
    assert "【请简述项目立项依据、主要内容和实施范围】" in result.stdout


@pytest.mark.parametrize("make, message", [
    (lambda tmp: _docx(tmp, "一份没有占位符的文件"), "缺少必要的占位符"),
    (lambda tmp: (tmp / "t.docx").write_text("not a word file") and tmp / "t.docx", "无法使用"),
    (lambda tmp: tmp / "missing.docx", "不存在"),
], ids=["no-placeholders", "not-a-docx", "missing"])
def test_a_template_that_cannot_be_used_is_a_chinese_message(tmp_path, make, message):
    template = make(tmp_path)
    out = tmp_path / "r.docx"
    result = run("report", str(SAMPLES / "u4-wuhai-2023-digital-reform.yaml"), "-o", str(out),
                 "--template", str(template))
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output
    assert not out.exists()


def test_an_officers_own_template_is_used(tmp_path):
    template = _docx(tmp_path, "{{ title }}：{{ total }}分，{{ grade }}。{{ kind_text }}")
    out = tmp_path / "r.docx"
    assert run("report", str(SAMPLES / "u4-wuhai-2023-digital-reform.yaml"), "-o", str(out),
               "--template", str(template)).exit_code == 0
    assert text_of(out).strip() == "医疗保障经办数字化改革及系统运行维护费：96.30分，优。项目支出"


def _docx(folder, text):
    document = Document()
    document.add_paragraph(text)
    path = folder / "t.docx"
    document.save(str(path))
    return path
