"""The YAML loader: exact scalars, merged level names, sources, and every mistake at file:line."""

from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest

from indicators.yaml_io import load_yaml_bytes, load_yaml_file, load_yaml_text

from .conftest import load_doc, load_problems

GOOD = """\
kind: project
title: 测试项目
funds:
  weight: 10
  budget: 4,342.32
  executed: 4,342.35
indicators:
  - level1: 产出指标（50分）
    level2: 数量指标
    name: 甲
    target: ">95%"
    actual: 95.50%
    weight: 4.00
  - name: 乙
    target: "1800"
    actual: "2000"
    weight: 46
"""


def test_scalars_are_kept_as_written_and_numbers_are_decimal():
    evaluation = load_doc(GOOD)
    first = evaluation.indicators[0]
    assert first.weight == Decimal("4.00") and isinstance(first.weight, Decimal)
    assert first.actual == "95.50%"
    assert evaluation.funds.budget == Decimal("4342.32")


def test_left_out_level_names_repeat_the_line_above():
    second = load_doc(GOOD).indicators[1]
    assert (second.level1, second.level2) == ("产出指标（50分）", "数量指标")


def test_every_line_knows_its_source_line():
    evaluation = load_doc(GOOD, file="t.yaml")
    assert str(evaluation.indicators[0].source) == "t.yaml:8"
    assert str(evaluation.indicators[1].source) == "t.yaml:14"
    assert evaluation.indicators[0].sources["actual"].line == 12
    first = evaluation.indicators[0]
    # a field's own line, and the line's place for a field the YAML does not give
    assert (str(first.source_of("actual")), first.source_of("judgment")) == ("t.yaml:12", first.source)
    assert evaluation.source_of("title").line == evaluation.places["title"]


def test_places_written_in_a_file_are_replaced_by_the_real_lines():
    # ``places`` is not validated by the model: the loader must never take it from the file.
    text = GOOD.replace("kind: project", "kind: project\nplaces: 5").replace(
        "    name: 甲", "    name: 甲\n    places: {actual: nowhere}")
    evaluation = load_doc(text, file="t.yaml")
    first = evaluation.indicators[0]
    assert first.places["actual"] == 14 and str(first.source_of("actual")) == "t.yaml:14"
    assert evaluation.places["title"] == 3


def test_chinese_keys_are_accepted():
    evaluation = load_doc("""
        类型: 项目支出
        表名: 测试
        绩效指标:
          - {一级指标: 产出指标, 三级指标: 甲, 年度指标值: "1", 实际完成值: "1", 分值: 100}
        """)
    assert evaluation.kind.value == "project"
    assert evaluation.indicators[0].weight == 100


def test_several_documents_in_one_file():
    result = load_yaml_text(GOOD + "---\n" + GOOD.replace("测试项目", "第二个"), "t.yaml")
    assert [e.title for e in result.evaluations] == ["测试项目", "第二个"]


# (id, yaml text, expected line, fragment of the Chinese message)
BAD = [
    ("yaml-syntax", "kind: project\ntitle: [未闭合\n", 3, "YAML 语法错误"),
    ("unknown-field", GOOD.replace("    weight: 46", "    wieght: 46"), 17, "未知字段“wieght”，是否想写“weight”"),
    ("weight-not-a-number", GOOD.replace("weight: 46", "weight: 十分"), 17, "应为数字，实际为“十分”"),
    ("negative-budget", GOOD.replace("budget: 4,342.32", "budget: -5"), 5, "不能为负数"),
    ("no-indicators", "kind: project\ntitle: 空表\nindicators: []\n", 1, "没有任何绩效指标"),
    ("missing-name", GOOD.replace("  - name: 乙\n    target", "  - target"), 14, "缺少必填项"),
    ("bad-kind", GOOD.replace("kind: project", "kind: 工程"), 1, "kind 应为 project"),
    ("bad-nature", GOOD.replace("    weight: 46", "    weight: 46\n    nature: 好"), 18, "指标性质应为"),
    ("duplicate-key", GOOD.replace("    weight: 46", "    weight: 46\n    weight: 45"), 18, "重复出现"),
    ("not-a-mapping", "- 一\n- 二\n", 1, "应为“键: 值”的映射"),
    ("empty-file", "", 1, "内容为空"),
    ("negative-deduction", GOOD + "    deductions: [{points: -1, reason: 多扣}]\n", 18, "扣分应为正数"),
]


@pytest.mark.parametrize("text,line,fragment", [row[1:] for row in BAD], ids=[row[0] for row in BAD])
def test_bad_input_is_reported_at_its_line(text, line, fragment):
    problems = load_problems(text)
    assert any(p.startswith(f"{line}: ") and fragment in p for p in problems), problems


def test_every_problem_of_a_file_is_reported():
    text = GOOD.replace("weight: 46", "weight: 十分").replace("budget: 4,342.32", "budget: -5") \
        .replace("    weight: 4.00", "    weigt: 4.00")
    problems = load_problems(text)
    assert len(problems) == 3
    assert [p.split(":")[0] for p in problems] == ["5", "13", "17"]


def test_missing_file(tmp_path):
    result = load_yaml_file(tmp_path / "nope.yaml")
    assert [p.message for p in result.problems] == ["文件不存在"]


def test_file_that_is_not_utf8_is_read_as_gbk_with_a_notice(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes("kind: project\ntitle: 测试\nindicators:\n- {name: 办结率, target: '≥95%', actual: 96%, weight: 90}\n"
                     .encode("gbk"))
    loaded = load_yaml_file(path)
    assert loaded.evaluations[0].title == "测试"
    assert "GB18030" in loaded.notices[0].message


def test_loading_never_changes_the_file(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(GOOD, encoding="utf-8")
    before = path.stat().st_mtime_ns, path.read_bytes()
    load_yaml_file(path)
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before


def test_a_table_without_any_actual_is_a_target_table():
    text = """
        kind: project
        title: 2024年绩效目标
        indicators:
          - {level1: 产出指标, name: 甲, target: "≥10家", weight: 50}
          - {name: 乙, target: 100%, weight: 50}
        """
    result = load_yaml_text(textwrap.dedent(text), "t.yaml")
    assert result.evaluations == () and result.problems == ()
    assert [p.message for p in result.target_tables] == ["这是绩效目标表（只有指标值，没有实际完成值），还不能评分"]
    (targets,) = load_yaml_text(textwrap.dedent(text), "t.yaml", targets=True).evaluations
    assert [line.target for _, line in targets.lines()] == ["≥10家", "100%"]


@pytest.mark.parametrize("encoding,notice", [
    ("gbk", "GB18030"), ("gb18030", "GB18030"), ("utf-8-sig", None), ("utf-16", "UTF-16"), ("utf-8", None)])
def test_yaml_bytes_in_the_encodings_windows_tools_write_are_read(encoding, notice):
    """中文 Windows' 记事本 and WPS save GBK: the table is read the same, with a notice saying how."""
    text = "kind: project\ntitle: 测试项目\nindicators:\n- {name: 检查机构, target: '≥10家', actual: '10家', weight: 90}\n"
    loaded = load_yaml_bytes(text.encode(encoding), "表.yaml")
    assert not loaded.problems
    [evaluation] = loaded.evaluations
    assert evaluation.title == "测试项目" and evaluation.indicators[0].target == "≥10家"
    if notice is None:
        assert not loaded.notices
    else:
        assert notice in loaded.notices[0].message and loaded.notices[0].source.file == "表.yaml"


def test_yaml_bytes_in_no_known_encoding_are_a_problem_not_a_guess():
    loaded = load_yaml_bytes(b"title: \xff\xfe\xfd\x80\x80", "表.yaml")
    assert not loaded.evaluations
    assert loaded.problems[0].source.file == "表.yaml" and "编码" in loaded.problems[0].message


def test_a_yaml_file_over_the_size_limit_is_refused_unread(tmp_path, monkeypatch):
    import indicators.yaml_io as yaml_io

    monkeypatch.setattr(yaml_io, "MAX_YAML_BYTES", 1000)
    path = tmp_path / "大.yaml"
    path.write_text("kind: project\ntitle: 大\n# " + "填充" * 600 + "\n", encoding="utf-8")
    for loaded in (load_yaml_file(path), load_yaml_bytes(path.read_bytes(), "大.yaml")):
        assert not loaded.evaluations
        [problem] = loaded.problems
        assert "超过上限" in problem.message and problem.source.file.endswith("大.yaml")
    path.write_text("kind: project\ntitle: 小\n", encoding="utf-8")  # under the limit: read (and judged) as usual
    assert all("超过上限" not in p.message for p in load_yaml_file(path).problems)
