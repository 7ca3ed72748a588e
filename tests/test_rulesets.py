"""Rule sets as data: the shipped variants, rule files with extends, formulas, and rules verify."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import tracemalloc
from decimal import Decimal

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cli.main import main
from indicators.load import load_path
from scoring.engine import score
from scoring.ruleset import RuleSet, RuleSetError, builtin_names, get_ruleset, load_ruleset
from scoring.results import Status

from .conftest import SAMPLES, load_doc

D = Decimal


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def budget_only(budget: str, executed: str, weight: int = 10) -> str:
    return f"""
        kind: project
        title: 测试
        funds: {{weight: {weight}, budget: "{budget}", executed: "{executed}"}}
        indicators:
          - {{level1: 产出指标, name: 甲, target: "1", actual: "1", weight: {100 - weight}}}
        """


@pytest.mark.parametrize("budget,executed,rules,expected", [
    ("65.66", "65.07", "standard", "9.91"),
    ("65.66", "65.07", "integer-truncate", "9"),
    ("287", "171", "standard", "5.96"),
    ("287", "171", "integer-half-up", "6"),
    ("287", "171", "integer-truncate", "5"),
])
def test_budget_line_rounding_variants(budget, executed, rules, expected):
    result = score(load_doc(budget_only(budget, executed)), get_ruleset(rules))
    assert result.lines[0].score == D(expected)


def test_u5_under_lower_is_better_proportional():
    evaluation = load_path(SAMPLES / "u5-wuhai-2023-hired-staff.yaml").evaluations[0]
    standard = score(evaluation, get_ruleset("standard"))
    proportional = score(evaluation, get_ruleset("lower-proportional"))
    staff = [line for line in proportional.lines if line.name == "聘用人员控制数"][0]
    assert (staff.score, proportional.total) == (D("8.33"), D("98.33"))
    assert standard.total == D("90.00")
    assert "按指标值/实际值83.33%计得8.33分" in staff.reasons[0]


def test_budget_outside_the_total():
    text = budget_only("100", "50", weight=10).replace("weight: 90", "weight: 100")
    result = score(load_doc(text), get_ruleset("budget-outside-total"))
    assert result.lines[0].score == D("5.00")  # still scored and shown
    assert (result.total, result.max_total) == (D("100.00"), D("100"))
    assert "不计入总分" in result.lines[0].reasons[-1]


def test_total_caps_and_deviation_penalty():
    text = """
        kind: project
        title: 测试
        funds: {weight: 10, budget: "100", executed: "75"}
        indicators:
          - {level1: 产出指标, name: 甲, target: "≥100", actual: "130", weight: 45}
          - {name: 乙, target: "≥100", actual: "100", weight: 45}
        """
    standard = score(load_doc(text))
    capped = score(load_doc(text), get_ruleset("rate-caps-deviation"))
    assert standard.total == D("97.50")
    first = capped.lines[1]
    assert first.score == D("43.00") and "指标偏离" in first.reasons[-1]  # 130 ≥ 100 × 1.3: −2
    assert capped.total == D("89.00")  # 7.5 + 43 + 45 = 95.5, capped at 89 for 执行率 75%
    assert [f.code for f in capped.findings if f.code == "total_capped"] == ["total_capped"]


def test_fixed_tiers():
    text = """
        kind: project
        title: 测试
        funds: {weight: 10, budget: "1", executed: "1"}
        indicators:
          - {level1: 效益指标, name: 甲, nature: 定性, target: 持续推进, actual: 推进中, weight: 90,
             judgment: {tier: 基本达成}}
        """
    fixed = score(load_doc(text), get_ruleset("fixed-tiers"))
    assert fixed.lines[1].score == D("72.00")  # 80% of 90
    standard = score(load_doc(text), get_ruleset("standard"))
    assert standard.lines[1].score == D("72.00")  # the upper bound of 60–80%, said in the reason
    assert "按该档上限计" in standard.lines[1].reasons[-1]


def write(tmp_path, text: str, name: str = "rules.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_rule_file_with_extends_formula_rescale_and_wording(tmp_path):
    write(tmp_path, """
        name: 本地规则
        description: 反向超标按比例；不适用指标剔除后折算
        extends: standard
        formulas:
          lower_exceeded: 分值 * target / actual
        not_applicable: rescale
        """, "base.yaml")
    child = write(tmp_path, """
        name: 本地规则-等级
        extends: base.yaml
        grades: [{floor: 90, name: A}, {floor: 80, name: B}, {floor: 60, name: C}, {floor: 0, name: D}]
        """, "child.yaml")
    rules = load_ruleset(child)
    assert rules.not_applicable == "rescale" and rules.formulas == {"lower_exceeded": "分值 * target / actual"}
    text = """
        kind: project
        title: 测试
        funds: {weight: 10, budget: "1", executed: "1"}
        indicators:
          - {level1: 产出指标, name: 人数, target: "≤5人", actual: "6人", weight: 40}
          - {name: 此项目不涉及, target: "0", actual: "0", weight: 0}
          - {name: 乙, target: "1", actual: "1", weight: 40}
        """
    result = score(load_doc(text), rules)
    assert result.lines[1].score == D("33.33")  # 40 × 5/6
    assert "分值 * target / actual" in result.lines[1].reasons[0]
    # 10 + 33.33 + 40 = 83.33 of 90 applicable points; × 100 / 90 = 92.588… → 92.59, graded A
    assert (result.total, result.max_total, result.grade) == (D("92.59"), D(100), "A")
    assert any(f.code == "rescaled" for f in result.findings)


def test_a_rule_set_can_word_its_own_reasons(tmp_path):
    rules = load_ruleset(write(tmp_path, """
        name: 本地措辞
        extends: standard
        wording:
          short_of_target: "完成{ratio}%，得{score}分（少{lost}分）"
          ceiling_exceeded: "{name}超出控制数：{actual} > {target}，本项不得分"
        """))
    text = """
        kind: project
        title: 测试
        funds: {weight: 10, budget: "1", executed: "1"}
        indicators:
          - {level1: 产出指标, name: 甲, target: "≥10家", actual: "5家", weight: 45}
          - {name: 人数, target: "≤5人", actual: "6人", weight: 45}
        """
    result = score(load_doc(text), rules)
    assert result.lines[1].reasons == ("完成50.00%，得22.5分（少22.5分）",)
    assert result.lines[2].reasons == ("人数超出控制数：6人 > ≤5人，本项不得分",)


def test_every_shipped_rule_set_has_a_chinese_description_and_verifies():
    for name in builtin_names():
        rules = get_ruleset(name)
        assert rules.name == name and any("\u4e00" <= ch <= "\u9fff" for ch in rules.description)
        result = run("rules", "verify", name, "--examples", "60")
        assert result.exit_code == 0, result.output
        assert "不成立" not in result.output and "全部 6 条性质成立" in result.output


def test_verify_fails_with_a_readable_counterexample(tmp_path):
    path = write(tmp_path, """
        name: 坏公式
        extends: standard
        formulas:
          higher_short: 分值 * (2 - actual / target)
        """)
    result = run("rules", "verify", str(path), "--examples", "60")
    assert result.exit_code == 1
    assert "不成立　每一行的得分在 0 到分值之间" in result.output
    assert "不成立　得分随实际完成值单调变化" in result.output
    counterexample = next(line for line in result.output.splitlines() if "反例" in line)
    assert "目标" in counterexample and "实际" in counterexample and "分值" in counterexample and "得分" in counterexample


def test_rules_list_and_show_after_extends(tmp_path):
    listed = run("rules", "list")
    assert listed.exit_code == 0 and all(name in listed.output for name in builtin_names())
    shown = run("rules", "show", "integer-truncate")
    assert shown.exit_code == 0
    assert "line_places: 0" in shown.output and "line_rounding: truncate" in shown.output
    assert "higher: higher_is_better" in shown.output  # inherited from standard
    path = write(tmp_path, "name: 子规则\nextends: lower-proportional\nline_places: 1\n")
    shown = run("rules", "show", str(path))
    assert "lower: lower_is_better_proportional" in shown.output and "line_places: 1" in shown.output


@pytest.fixture
def no_hang():
    """Fail instead of hanging if a hostile rule file ever makes loading slow."""
    signal.signal(signal.SIGALRM, lambda *_: pytest.fail("loading a rule file took more than 20 s"))
    signal.alarm(20)
    tracemalloc.start()
    yield
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    signal.alarm(0)
    assert peak < 20 * 1024 * 1024, f"loading used {peak} bytes"


BAD_RULE_FILES = [
    ("yaml-error", "name: x\nformulas: [\n", 3, "YAML 语法错误"),
    ("unknown-key", "name: x\nline_placs: 1\n", 2, "未知的规则集字段“line_placs”，是否想写“line_places”"),
    ("formula-syntax", "name: x\nformulas:\n  higher_short: 分值 *\n", 3, "语法错误"),
    ("unknown-name", "name: x\nformulas:\n  higher_short: 分值 * actul\n", 3, "未知名称“actul”，是否想写“actual”"),
    ("import", "name: x\nformulas:\n  higher_short: __import__('os').system('true')\n", 3, "不允许"),
    ("dunder-class", "name: x\nformulas:\n  higher_short: ().__class__\n", 3, "不允许使用属性访问"),
    ("huge-power", "name: x\nformulas:\n  higher_short: 9**9**9\n", 3, "太大"),
    ("long-string", "name: x\nformulas:\n  higher_short: \"'a' * 1000000000\"\n", 3, "不允许出现文字"),
    ("unknown-case", "name: x\nformulas:\n  higher_shrt: 分值\n", 3, "是否想写“higher_short”"),
    ("unknown-rule", "name: x\ncases:\n  lower: lower_is_beter\n", 3, "是否想写“lower_is_better”"),
    ("bad-rounding", "name: x\nline_rounding: ceil\n", 2, "line_rounding"),
    ("extends-missing", "name: x\nextends: no-such-rules\n", 2, "没有名为“no-such-rules”的规则集"),
    # issue 19: hostile rule files give a Chinese problem at file:line, never a traceback
    ("extends-list", "name: x\nextends: [standard]\n", 2, "extends 应是一个规则集的名称"),
    ("extends-mapping", "name: x\nextends: {a: 1}\n", 2, "实际为映射"),
    ("grades-empty", "name: x\ngrades: []\n", 2, "grades：至少要有一项"),
    ("tiers-empty", "name: x\ntiers: []\n", 2, "tiers：至少要有一项"),
    ("cases-rule-list", "name: x\ncases: {budget: [x]}\n", 2, "规则应写作规则的名称"),
    ("cases-unknown-case", "name: x\ncases:\n  lowr: lower_is_better\n", 3, "是否想写“lower”"),
    ("cases-list", "name: x\ncases: [budget_line]\n", 2, "cases 应是“键: 值”的映射"),
    ("formulas-list", "name: x\nformulas: [分值]\n", 2, "formulas 应是“键: 值”的映射"),
    ("formula-list", "name: x\nformulas:\n  higher_short: [分值]\n", 3, "公式应是一段文字"),
    ("wording-attribute", "name: x\nwording:\n  met: '{actual.foo}'\n", 3, "“{actual.foo}”不是字段名"),
    ("wording-index", "name: x\nwording:\n  met: '{actual[0]}'\n", 3, "不是字段名"),
    ("wording-spec", "name: x\nwording:\n  met: '{actual:>300000000}'\n", 3, "带有格式或转换"),
    ("wording-conversion", "name: x\nwording:\n  met: '{actual!r}'\n", 3, "带有格式或转换"),
    ("wording-positional", "name: x\nwording:\n  met: '得{}分'\n", 3, "不是字段名"),
    ("wording-unknown-field", "name: x\nwording:\n  met: '{actul}'\n", 3, "是否想写“actual”"),
    ("wording-unknown-key", "name: x\nwording:\n  mett: '{actual}'\n", 3, "没有名为“mett”的措辞，是否想写“met”"),
    ("wording-braces", "name: x\nwording:\n  met: '{actual'\n", 3, "花括号不成对"),
    ("wording-list", "name: x\nwording:\n  met: [a]\n", 3, "措辞应是一段文字"),
    ("bool-type", "name: x\nbudget_in_total: maybe\n", 2, "budget_in_total：应是 true 或 false（实际为“maybe”）"),
    ("name-list", "name: [1]\n", 1, "name：应是一段文字（实际为列表）"),
    ("tier-number", "name: x\ntiers: [{name: a, low: x, high: 1}]\n", 2, "tiers.0.low：应是数字"),
    ("banded-without-bands", "name: x\nbudget_scoring: banded\n", 1, "须给出 budget_bands"),
    ("top-level-list", "- name: x\n", 1, "应是一个“键: 值”的映射"),
    ("recursive-alias", "name: x\ntiers: &a [*a]\n", 2, "递归别名"),
    ("billion-laughs", "name: x\na: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n" + "".join(
        f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]\n" for p, c in zip("abcdefgh", "bcdefghi")), 6, "展开后超过"),
    ("deep-nesting", "name: x\ntiers: " + "[" * 5000 + "]" * 5000 + "\n", 2, "嵌套超过 100 层"),
    ("deep-mapping", "name: x\ntiers: " + "{a: " * 10000 + "1" + "}" * 10000 + "\n", 2, "嵌套超过 100 层"),
]


@pytest.mark.parametrize("text,line,fragment", [row[1:] for row in BAD_RULE_FILES], ids=[r[0] for r in BAD_RULE_FILES])
def test_bad_rule_files(tmp_path, no_hang, text, line, fragment):
    path = write(tmp_path, text)
    with pytest.raises(RuleSetError) as caught:
        load_ruleset(path)
    assert any(p.source.line == line and fragment in p.message for p in caught.value.problems), caught.value.problems
    result = run("score", str(SAMPLES / "q1-qiaokou-2020-department.yaml"), "--rules", str(path))
    assert result.exit_code == 1
    assert f"{path}:{line}:" in result.stderr and fragment in result.stderr
    assert "Traceback" not in result.output


def test_unknown_rule_set_name_is_a_usage_error():
    result = run("score", str(SAMPLES / "q1-qiaokou-2020-department.yaml"), "--rules", "integer-trunc")
    assert result.exit_code == 2 and "是否想用“integer-truncate”" in result.output


def test_a_formula_that_fails_on_one_line_reports_that_line():
    rules = RuleSet(name="t", formulas={"higher_short": "分值 * target / (target - actual - 1)"})
    text = """
        kind: project
        title: 测试
        funds: {weight: 10, budget: "1", executed: "1"}
        indicators:
          - {level1: 产出指标, name: 甲, target: "≥10", actual: "9", weight: 45}
          - {name: 乙, target: "≥10", actual: "5", weight: 45}
        """
    result = score(load_doc(text), rules)
    first = result.lines[1]
    assert first.status is Status.NEEDS_JUDGMENT and "除数为 0" in first.reasons[-1]
    assert [(f.code, f.line) for f in result.findings if f.severity.value == "error"] == [("formula_failed", "甲")]
    assert result.lines[2].status is Status.SCORED


# --- wording: every sentence rewordable, templates safe (issue 17, 19) ----------------------------

def test_any_registered_sentence_can_be_reworded(tmp_path):
    rules = load_ruleset(write(tmp_path, """
        name: 本地措辞
        wording:
          budget_partial: "{lead}；{name}得{score}分，少{lost}分"
          note_positive: "（越高越好）"
          needs_judgment: "“{name}”待评价（{tiers}）"
        """))
    text = """
        kind: project
        title: 测试
        funds: {weight: 10, budget: "100", executed: "50"}
        indicators:
          - {level1: 产出指标, name: 甲, nature: 正向, target: "10", actual: "5", weight: 45}
          - {level1: 效益指标, name: 乙, nature: 定性, target: 有效, actual: 有效, weight: 45}
        """
    result = score(load_doc(text), rules)
    assert result.lines[0].reasons == ("执行率50.00%（执行数50/预算数100）；预算执行率得5分，少5分",)
    assert result.lines[1].reasons[0].endswith("（越高越好），按完成比例50.00%计得22.5分，扣22.5分")
    assert result.lines[2].reasons[-1].startswith("“乙”待评价（达成预期指标（80%–100%）")


@pytest.mark.parametrize("template", ["{actual:>300000000}", "{actual.__class__}", "{actual[0]}", "{actual!r}", "{}",
                                      "{0}", "{actual", "{nope}"],
                         ids=["spec", "attribute", "index", "conversion", "empty", "positional", "unbalanced",
                              "unknown-field"])
def test_a_rule_set_built_in_code_refuses_unsafe_wording(template):
    with pytest.raises(ValueError) as caught:
        RuleSet(name="t", wording={"met": template})
    assert "措辞“met”" in str(caught.value)


def test_a_template_that_slipped_past_validation_is_never_formatted():
    """model_copy skips validation; say() still only substitutes plain fields, else the default."""
    rules = STANDARD_RULES.model_copy(update={"wording": {"met": "{actual:>300000000}", "over_achieved": "{x.y}"}})
    tracemalloc.start()
    result = score(load_doc(budget_only("100", "100")), rules)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 20 * 1024 * 1024
    assert result.lines[1].reasons == ("实际完成值1达到年度指标值1（年度指标值未写比较方向，按正向“越高越好”计），得满分90分",)


STANDARD_RULES = get_ruleset("standard")


def test_docs_list_every_sentence_key():
    from scoring.reasons import SENTENCES

    text = (SAMPLES.parent / "docs" / "wording.md").read_text(encoding="utf-8")
    assert all(f"`{key}`" in text for key in SENTENCES)
    assert len(SENTENCES) > 60


# --- encodings of rule files ----------------------------------------------------------------------

RULES_TEXT = "name: 本地\ndescription: 反向按比例\ncases:\n  lower: lower_is_better_proportional\n"


@pytest.mark.parametrize("encoded", [RULES_TEXT.encode("utf-8"), b"\xef\xbb\xbf" + RULES_TEXT.encode("utf-8"),
                                     RULES_TEXT.encode("gbk"), RULES_TEXT.encode("gb18030"),
                                     RULES_TEXT.encode("utf-16")],
                         ids=["utf-8", "utf-8-bom", "gbk", "gb18030", "utf-16-bom"])
def test_rule_files_as_windows_tools_write_them(tmp_path, encoded):
    path = tmp_path / "rules.yaml"
    path.write_bytes(encoded)
    rules = load_ruleset(path)
    assert (rules.name, rules.description, rules.cases["lower"]) == ("本地", "反向按比例", "lower_is_better_proportional")
    assert get_ruleset(str(path)) == rules


def test_a_rule_file_in_no_known_encoding_is_a_problem(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_bytes(b"name: \x80\xff\xfe\x81")
    with pytest.raises(RuleSetError) as caught:
        load_ruleset(path)
    assert "无法识别文件的编码" in caught.value.problems[0].message


# --- unknown names, one exception root ------------------------------------------------------------

def test_unknown_rule_set_is_a_perfscore_key_error():
    from indicators.problems import PerfscoreError
    from scoring.ruleset import UnknownRuleSet

    with pytest.raises(KeyError) as caught:
        get_ruleset("integer-trunc")
    assert isinstance(caught.value, UnknownRuleSet) and isinstance(caught.value, PerfscoreError)
    assert str(caught.value).startswith("没有名为“integer-trunc”的规则集，是否想用“integer-truncate”")


# --- hostile rule files, generated ----------------------------------------------------------------

_json = st.recursive(st.none() | st.booleans() | st.integers(-10, 10**6) | st.text(max_size=8)
                     | st.sampled_from(["{actual}", "{actual:>9}", "standard", "分值 * ratio", "half_up", "banded"]),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                     max_leaves=8)
_keys = st.sampled_from(sorted(RuleSet.model_fields) + ["extend", "wordings"])
_values_for = {
    "cases": st.dictionaries(st.sampled_from(["budget", "lower", "lowr", "higher"]), _json, max_size=2),
    "formulas": st.dictionaries(st.sampled_from(["higher_short", "budget", "nope"]), _json, max_size=2),
    "wording": st.dictionaries(st.sampled_from(["met", "loss", "mett", "short_of_target"]), _json, max_size=2),
}


@st.composite
def rule_documents(draw) -> dict:
    keys = draw(st.lists(_keys, max_size=4, unique=True))
    return {key: draw(_values_for.get(key, _json)) for key in keys}


@given(document=rule_documents())
@settings(max_examples=150, deadline=None)
def test_any_rule_document_loads_or_reports_problems(document, tmp_path_factory):
    """Whatever a rule file holds, loading it gives a RuleSet or Chinese problems — never a traceback,
    and never the catch-all "内部错误" (that would be a path the loader does not handle on purpose)."""
    path = tmp_path_factory.mktemp("rules") / "rules.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    try:
        rules = load_ruleset(path)
    except RuleSetError as exc:
        assert exc.problems and all(p.message and "内部错误" not in p.message for p in exc.problems), exc.problems
    else:
        assert isinstance(rules, RuleSet)


def test_verify_leaves_no_hypothesis_folder_where_it_runs(tmp_path):
    """An officer runs `rules verify` in the folder of their tables: nothing may appear there."""
    work, cache = tmp_path / "表格", tmp_path / "cache"
    work.mkdir()
    done = subprocess.run([sys.executable, "-m", "cli", "rules", "verify", "standard", "--examples", "10"],
                          # without CI: Hypothesis writes nothing at all on a CI machine, and officers are not one
                          cwd=work, env={**{k: v for k, v in os.environ.items() if k != "CI"}, "XDG_CACHE_HOME": str(cache)},
                          capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    assert list(work.iterdir()) == []
    # What Hypothesis keeps (its constants cache, written when perfscore runs from a source checkout;
    # an installed package writes nothing) lies in the user's cache folder and nowhere else.
    written = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert all(path.is_relative_to(cache / "perfscore" / "hypothesis") for path in written), written
