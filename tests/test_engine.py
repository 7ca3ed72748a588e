"""The standard rules case by case, on small inline tables (docs/rules.md §1–8)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scoring.engine import score
from scoring.results import Status
from scoring.ruleset import STANDARD
from scoring.weights import resolve_weights, scaled_scheme, split_equally

from .conftest import load_doc

D = Decimal


def one_line(**fields) -> str:
    """A project table with a 10-point budget line fully executed and one indicator line."""
    body = "\n".join(f"    {key}: {value!s}" if not isinstance(value, str) else f'    {key}: "{value}"'
                     for key, value in fields.items())
    return f"""
kind: project
title: 测试项目
funds: {{weight: 10, budget: "100", executed: "100"}}
indicators:
  - level1: 产出指标
    level2: 数量指标
{body}
"""


def line_of(text: str, index: int = 2):
    result = score(load_doc(text))
    return result, next(line for line in result.lines if line.index == index)


# --- docs/rules.md §8: the three rationale examples, word for word -----------------------------

def test_rationale_higher_is_better_short_u4():
    _, line = line_of(one_line(name="开展相关工作所需成本支出", nature="正向", direction="等于", target="25",
                               actual="18.83", unit="万元", weight=5, recorded=3.77))
    assert line.score == D("3.77")
    assert line.reasons == ("实际完成值18.83万元低于年度指标值25万元（正向），按完成比例75.32%计得3.77分，扣1.23分",)


def test_rationale_lower_is_better_exceeded_u5():
    _, line = line_of(one_line(name="聘用人员控制数", nature="反向", direction="小于等于", target="5", actual="6",
                               unit="人", weight=10, recorded=0))
    assert (line.score, line.lost) == (D("0.00"), D("10.00"))
    assert line.reasons == ("聘用人员控制数实际6人超过上限5人（反向），按规则不得分，扣10分",)


def test_rationale_manual_deduction_in_the_actual_w1():
    _, line = line_of(one_line(name="投诉举报上级转办办结率", target="100%",
                               actual="100%。国家医保局信息平台举报投诉系统转办件部分办结时间超应办结时间扣0.5分。",
                               weight=10, recorded=9.5))
    assert line.score == D("9.50")
    assert line.reasons[-1] == "人工扣分0.5分：国家医保局信息平台举报投诉系统转办件部分办结时间超应办结时间"


# --- §2 quantitative cases -------------------------------------------------------------------

@pytest.mark.parametrize("target,actual,weight,expected", [
    ("≥95%", "95%", 10, "10.00"),          # met exactly
    ("≥95%", "99%", 10, "10.00"),          # over-achieved, capped
    ("≥10家", "5家", 10, "5.00"),           # proportional shortfall
    ("≥10家", "0家", 10, "0.00"),           # floor 0
    ("≥10家", "39", 3, "3.00"),             # the actual inherits the target's unit (W1)
    (">1045万", "1101.71万", 4, "4.00"),
    (">1045万", "1000", 4, "3.83"),         # a bare actual is read in the target's 万: 1000/1045 × 4
    ("100%", "≥95%", 10, "9.50"),           # an actual with an operator is read as its number
    ("≤5人", "6人", 10, "0.00"),            # lower-is-better exceeded → 0
    ("≤5人", "4人", 10, "10.00"),
    ("1-2 个", "1个", 6, "6.00"),            # range: inside
    ("1-2 个", "4个", 6, "3.00"),            # above: proportional to the upper bound
    ("是", "是", 4, "4.00"),
    ("是", "否", 4, "0.00"),
    ("2023年12月", "2023年10月", 5, "5.00"),  # date: on or before
    ("=100%", "80%", 5, "4.00"),            # equal: scored as higher-is-better, capped
])
def test_quantitative_cases(target, actual, weight, expected):
    _, line = line_of(one_line(name="指标", target=target, actual=actual, weight=weight))
    assert line.status is Status.SCORED
    assert line.score == D(expected)


def test_nature_wins_over_direction_and_is_reported():
    result, line = line_of(one_line(name="开展医保扩面药品带量采购工作支出", nature="正向", direction="小于等于",
                                    target="5", actual="4.4", unit="万元", weight=5))
    assert line.score == D("4.40")  # scored as positive: 4.4/5 × 5
    assert [f.code for f in result.findings] == ["nature_direction_conflict"]


def test_bare_target_is_assumed_higher_is_better_and_says_so():
    _, line = line_of(one_line(name="指标", target="90%", actual="45%", weight=10))
    assert line.score == D("5.00")
    assert "按正向" in line.reasons[0]


def test_unit_mismatch_is_not_guessed():
    result, line = line_of(one_line(name="指标", target="≥10家", actual="12次", weight=5))
    assert line.status is Status.NEEDS_JUDGMENT
    assert "单位" in line.reasons[0]
    assert not result.complete and result.grade == "待定"


def test_late_date_needs_judgment():
    _, line = line_of(one_line(name="完成时限", target="2023年10月", actual="2023年12月", weight=5))
    assert line.status is Status.NEEDS_JUDGMENT


# --- unreadable actuals and qualitative lines: judged, never guessed ---------------------------

FREE_TEXT = "视频25；长图、折页21；网站宣传48；公众号22"


def test_free_text_actual_uses_the_recorded_score_as_judgment():
    _, line = line_of(one_line(name="媒体宣传", target="≥5次", actual=FREE_TEXT, weight=3, recorded=3))
    assert line.status is Status.JUDGED
    assert line.score == D("3.00")
    assert "多个数字" in line.reasons[0] and "评价人的判断" in line.reasons[1]


def test_free_text_actual_without_judgment_is_left_out_with_a_warning():
    result, line = line_of(one_line(name="媒体宣传", target="≥5次", actual=FREE_TEXT, weight=3))
    assert line.status is Status.NEEDS_JUDGMENT and line.score is None
    assert result.total == D("10.00")  # the budget line only
    assert result.pending_weight == D("3.00")
    assert [(f.code, f.severity.value) for f in result.findings] == [("needs_judgment", "warning")]


def test_free_text_actual_with_a_written_judgment():
    text = one_line(name="媒体宣传", target="≥5次", actual=FREE_TEXT, weight=3) + \
        "    judgment: {score: 2.5, reason: 次数达标但形式单一}\n"
    _, line = line_of(text)
    assert (line.status, line.score) == (Status.JUDGED, D("2.50"))
    assert "次数达标但形式单一" in line.reasons[-1]


@pytest.mark.parametrize("judgment,expected", [
    ("{tier: 达成预期指标}", "5.00"),
    ("{tier: 部分达成, score: 3.5}", "3.50"),
    ("{fraction: 0.7}", "3.50"),
])
def test_qualitative_judgments(judgment, expected):
    text = one_line(name="持续推进", nature="定性", target="持续推进", actual="持续推进", weight=5) + \
        f"    judgment: {judgment}\n"
    _, line = line_of(text)
    assert (line.status, line.score) == (Status.JUDGED, D(expected))


def test_qualitative_score_outside_its_tier_is_refused():
    text = one_line(name="持续推进", nature="定性", target="持续推进", actual="持续推进", weight=5) + \
        "    judgment: {tier: 未达成, score: 4.5}\n"
    _, line = line_of(text)
    assert line.status is Status.NEEDS_JUDGMENT


def test_recorded_qualitative_score_above_the_weight_is_not_taken():
    _, line = line_of(one_line(name="持续推进", nature="定性", target="持续推进", actual="持续推进", weight=5,
                               recorded=6))
    assert line.status is Status.NEEDS_JUDGMENT
    assert "不在0到分值" in line.reasons[-1]


# --- §4 weights --------------------------------------------------------------------------

def test_largest_remainder_split():
    assert split_equally(D(50), 3) == [D("16.67"), D("16.67"), D("16.66")]
    assert sum(split_equally(D(100), 7)) == D(100)


def test_goal_weight_split_equally():
    result = score(load_doc("""
        kind: department
        title: 测试
        funds: {weight: 20, budget: "1", executed: "1"}
        goals:
          - name: 年度目标1(80分)
            indicators:
              - {level1: 效益指标, level2: 社会效益指标, name: 甲, target: 100%, actual: 100%}
              - {name: 乙, target: 100%, actual: 100%}
              - {name: 丙, target: 100%, actual: 50%}
        """))
    weights = [line.weight for line in result.lines if line.kind == "indicator"]
    assert weights == [D("26.67"), D("26.67"), D("26.66")]
    assert result.total == D("20") + D("26.67") + D("26.67") + D("13.33")
    assert "均分" in result.lines[1].reasons[0]


def test_group_weight_split_by_declared_level1():
    result = score(load_doc("""
        kind: project
        title: 测试
        funds: {weight: 10, budget: "1", executed: "1"}
        indicators:
          - {level1: 产出指标（50分）, level2: 数量指标, name: 甲, target: "1", actual: "1"}
          - {name: 乙, target: "1", actual: "1"}
          - {level1: 效益指标（40分）, level2: 社会效益指标, name: 丙, target: "1", actual: "1", weight: 40}
        """))
    assert [line.weight for line in result.lines] == [D(10), D("25.00"), D("25.00"), D(40)]
    assert result.total == D("100.00")


def test_table_without_weights_gets_the_default_scheme():
    result = score(load_doc("""
        kind: project
        title: 测试
        funds: {budget: "10", executed: "9"}
        indicators:
          - {level1: 产出指标, level2: 数量指标, name: 甲, target: "1", actual: "1"}
          - {level2: 质量指标, name: 乙, target: "1", actual: "1"}
          - {level1: 成本指标, level2: 经济成本指标, name: 丙, target: ≤5, actual: "4"}
          - {level1: 效益指标, level2: 社会效益指标, name: 丁, target: "1", actual: "1"}
          - {level1: 满意度指标, level2: 服务对象满意度指标, name: 戊, target: 90%, actual: 95%}
        """))
    assert [line.weight for line in result.lines] == [D(10), D("16.67"), D("16.67"), D("16.66"), D(30), D(10)]
    assert result.lines[0].score == D("9.00")
    assert any(f.code == "weights_assigned" for f in result.findings)


def scheme_table(funds: str) -> str:
    """A project table without any 分值 on its indicator lines: two 产出, one 效益, one 满意度 line."""
    return f"""
        kind: project
        title: 测试
        funds: {funds}
        indicators:
          - {{level1: 产出指标, level2: 数量指标, name: 甲, target: "1", actual: "1"}}
          - {{level2: 质量指标, name: 乙, target: "1", actual: "1"}}
          - {{level1: 效益指标, level2: 社会效益指标, name: 丙, target: "1", actual: "1"}}
          - {{level1: 满意度指标, level2: 服务对象满意度指标, name: 丁, target: 90%, actual: 95%}}
        """


DEFAULT_SCHEME_MESSAGE = "表上没有分值，已按财预〔2020〕10号默认方案分配（预算执行率10、产出50、效益30、满意度10）"
SCALED_20_MESSAGE = ("表上指标没有分值，预算执行率按表上所印20分计，其余80分按财预〔2020〕10号默认方案"
                     "（产出50、效益30、满意度10）的比例折算分配（预算执行率20、产出44.44、效益26.67、满意度8.89）")


def test_default_scheme_beside_a_printed_20_point_budget_line_totals_100():
    # 湖北/武汉 form: 预算执行情况(20分) printed, no 分值 on the lines. The lines share 100 − 20 = 80 in the
    # scheme's 50 : 30 : 10 proportions (44.44 + 26.67 + 8.89), not the scheme's 90 (that made 110).
    result = score(load_doc(scheme_table('{weight: 20, budget: "300", executed: "300"}')))
    assert [line.weight for line in result.lines] == [D(20), D("22.22"), D("22.22"), D("26.67"), D("8.89")]
    assert result.max_total == D("100.00") and result.total == D("100.00")
    assert result.lines[1].reasons[0] == ("表上未填分值，预算执行率按表上所印20分，其余80分按财预〔2020〕10号默认方案"
                                          "的比例折算：产出指标44.44分由2项指标均分")


def test_default_scheme_finding_names_the_weights_used_beside_a_printed_budget_weight():
    plan = resolve_weights(load_doc(scheme_table('{weight: 20, budget: "300", executed: "300"}')), STANDARD)
    assert plan.assigned_by_scheme and plan.budget_weight == D(20)
    assert plan.scheme_message == SCALED_20_MESSAGE


def test_default_scheme_finding_in_the_result_names_the_weights_used_beside_a_printed_budget_weight():
    result = score(load_doc(scheme_table('{weight: 20, budget: "300", executed: "300"}')))
    assert [f.message for f in result.findings if f.code == "weights_assigned"] == [SCALED_20_MESSAGE]


@pytest.mark.parametrize("funds", ['{weight: 10, budget: "300", executed: "300"}', '{budget: "300", executed: "300"}'])
def test_default_scheme_beside_a_10_point_or_unprinted_budget_line_is_unchanged(funds):
    result = score(load_doc(scheme_table(funds)))
    assert [line.weight for line in result.lines] == [D(10), D(25), D(25), D(30), D(10)]
    assert result.max_total == D("100.00")
    assert result.lines[1].reasons[0] == "表上未填分值，按财预〔2020〕10号默认方案：产出指标50分由2项指标均分"
    assert resolve_weights(load_doc(scheme_table(funds)), STANDARD).scheme_message == DEFAULT_SCHEME_MESSAGE
    assert [f.message for f in result.findings if f.code == "weights_assigned"] == [DEFAULT_SCHEME_MESSAGE]


@pytest.mark.parametrize("budget_weight", [D(n) for n in range(0, 100)] + [D("12.5"), D("33.33")])
def test_scaled_scheme_shares_add_up_exactly_to_what_the_budget_line_leaves(budget_weight):
    groups = {"产出指标": D(50), "效益指标": D(30), "满意度指标": D(10)}
    shares = scaled_scheme(groups, 100 - budget_weight)
    assert sum(shares.values()) == 100 - budget_weight
    assert all(share.as_tuple().exponent == -2 for share in shares.values())


def test_scaled_scheme_rounds_half_up_and_gives_the_remainder_to_the_share_rounded_down_most():
    groups = {"产出指标": D(50), "效益指标": D(30), "满意度指标": D(10)}
    assert list(scaled_scheme(groups, D(80)).values()) == [D("44.44"), D("26.67"), D("8.89")]  # 80.00 as rounded
    # 47.222 + 28.333 + 9.444 round to 84.99; the missing 0.01 goes to 满意度 (9.444 lost most): 9.45.
    assert list(scaled_scheme(groups, D(85)).values()) == [D("47.22"), D("28.33"), D("9.45")]
    # 50.833 + 30.5 + 10.167 → 50.83 + 30.50 + 10.17 = 91.50 exactly: nothing to move.
    assert list(scaled_scheme(groups, D("91.5")).values()) == [D("50.83"), D("30.50"), D("10.17")]
    # 55.528 + 33.317 + 11.106 round to 99.96; the extra 0.01 comes off 满意度 (11.106 gained most): 11.10.
    assert list(scaled_scheme(groups, D("99.95")).values()) == [D("55.53"), D("33.32"), D("11.10")]


def test_not_applicable_lines_are_skipped_not_zeroed():
    result = score(load_doc("""
        kind: project
        title: 测试
        funds: {weight: 10, budget: "1", executed: "1"}
        indicators:
          - {level1: 效益指标, level2: 生态效益, name: 此项目不涉及, nature: 定性, target: "0", actual: "0", weight: 0}
          - {level2: 社会效益, name: 甲, target: "1", actual: "1", weight: 90}
        """))
    na = result.lines[1]
    assert na.status is Status.NOT_APPLICABLE and na.score is None
    assert result.total == D("100.00") and result.complete


# --- §5 deductions ------------------------------------------------------------------------

def test_stated_deduction_applies_and_never_goes_below_zero():
    text = one_line(name="甲", target="100%", actual="100%", weight=2) + \
        "    deductions: [{points: 0.5, reason: 资料不全}, {points: 3, reason: 逾期}]\n"
    _, line = line_of(text)
    assert line.score == D("0.00")
    assert "人工扣分0.5分：资料不全" in line.reasons and "人工扣分3分：逾期" in line.reasons


def test_text_deduction_describing_a_loss_the_rule_counts_is_not_applied_twice():
    text = one_line(name="甲", target="≥10家", actual="5家", weight=10, recorded=5,
                    deviation_reason="受疫情影响少完成5家，扣5分")
    result, line = line_of(text)
    assert line.score == D("5.00")
    assert [f.code for f in result.findings] == ["deduction_not_applied"]


def test_text_deduction_that_the_recorded_score_confirms_applies():
    text = one_line(name="甲", target="≥10家", actual="8家", weight=10, recorded=7,
                    deviation_reason="部分资料未归档扣1分")
    _, line = line_of(text)
    assert line.score == D("7.00")


def test_table_level_deduction_attaches_to_the_line_it_names():
    text = one_line(name="投诉举报上级转办办结率", target="100%", actual="100%", weight=10, recorded=9.5)
    text += 'deviation_analysis: "投诉举报上级转办办结率：部分转办件超时办结扣0.5分。"\n'
    result, line = line_of(text)
    assert line.score == D("9.50")
    assert result.findings == ()


@pytest.mark.parametrize("sentence,deducted", [
    # the longer name is named; the shorter one only inside it
    ("服务对象满意度：部分回访不满意扣1分。", {"服务对象满意度": "9.00", "满意度": "10.00"}),
    ("满意度调查覆盖不足扣1分。", {"服务对象满意度": "10.00", "满意度": "9.00"}),
    # both named on their own: which line lost the point is not clear, so neither is deducted
    ("满意度与服务对象满意度均有投诉扣1分。", {"服务对象满意度": "10.00", "满意度": "10.00"}),
    ("服务对象满意度、满意度均有投诉扣1分。", {"服务对象满意度": "10.00", "满意度": "10.00"}),
])
def test_table_level_deduction_goes_to_the_longest_name_a_sentence_names(sentence, deducted):
    result = score(load_doc(f"""
        kind: project
        title: 测试
        deviation_analysis: "{sentence}"
        indicators:
          - {{level1: 满意度指标, name: 服务对象满意度, target: "≥90%", actual: "95%", weight: 10, recorded: 9}}
          - {{level1: 满意度指标, name: 满意度, target: "≥90%", actual: "95%", weight: 10}}
        """))
    assert {line.name: str(line.score) for line in result.lines} == deducted
    unattached = [f for f in result.findings if f.code == "deduction_unattached"]
    assert bool(unattached) == (set(deducted.values()) == {"10.00"})


# --- §1 the budget line, §6 totals, §7 grades ------------------------------------------------

@pytest.mark.parametrize("budget,executed,weight,expected", [
    ("25", "18.83", 10, "7.53"),         # U4: 7.532 → 7.53
    ("4,342.32", "4,342.35", 20, "20.00"),  # W1: over-execution scores the full 分值, never more
    ("65.66", "65.07", 10, "9.91"),
    ("287", "171", 10, "5.96"),
])
def test_budget_line(budget, executed, weight, expected):
    result = score(load_doc(f"""
        kind: project
        title: 测试
        funds: {{weight: {weight}, budget: "{budget}", executed: "{executed}"}}
        indicators:
          - {{level1: 产出指标, name: 甲, target: "1", actual: "1", weight: {100 - weight}}}
        """))
    assert result.lines[0].score == D(expected)


def test_zero_budget_needs_judgment():
    result = score(load_doc("""
        kind: project
        title: 测试
        funds: {weight: 10, budget: "0", executed: "0"}
        indicators:
          - {level1: 产出指标, name: 甲, target: "1", actual: "1", weight: 90}
        """))
    assert result.lines[0].status is Status.NEEDS_JUDGMENT
    assert "预算数为0" in result.lines[0].reasons[0]


@pytest.mark.parametrize("weight_lost,grade", [("0", "优"), ("10", "优"), ("10.01", "良"), ("20", "良"),
                                               ("20.01", "中"), ("40", "中"), ("40.01", "差")])
def test_grade_bands_include_their_floor(weight_lost, grade):
    # 100 − lost: 90 exactly is 优 (a deployed system left it ungraded), 80 良, 60 中.
    kept = D(100) - D(weight_lost)
    result = score(load_doc(f"""
        kind: project
        title: 测试
        funds: {{weight: 100, budget: "100", executed: "{kept}"}}
        indicators:
          - {{level1: 产出指标, name: 不适用, target: "0", actual: "0", weight: 0}}
        """))
    assert result.total == kept
    assert result.grade == grade


@pytest.mark.parametrize("target,actual,expected,fragment", [
    ("<5人", "5人", "0.00", "未低于上限"),     # strictly less is required: 5 is not below 5
    ("≤5人", "5人", "10.00", "未超过上限"),
    (">95%", "95%", "10.00", "未超过指标值"),  # not exceeded, yet 95/95 of the points
    (">95%", "96%", "10.00", "超过年度指标值"),
])
def test_strict_comparisons_are_read_strictly(target, actual, expected, fragment):
    _, line = line_of(one_line(name="指标", target=target, actual=actual, weight=10))
    assert line.score == D(expected)
    assert fragment in line.reasons[0]


def test_rounding_to_full_marks_never_says_zero_lost():
    # 0.5 × 0.99/1 = 0.495 → 0.50: the sentence must not end in 扣0分.
    _, line = line_of(one_line(name="指标", target="1", actual="0.99", weight=0.5))
    assert line.score == D("0.50")
    assert "扣0分" not in line.reasons[0] and "四舍五入后为满分" in line.reasons[0]


# --- failure isolation: a rule that raises costs one line, not the table ---------------------------

TWO_TABLES = ["""
kind: project
title: 甲表
funds: {weight: 10, budget: "100", executed: "80"}
indicators:
  - {level1: 产出指标, level2: 数量指标, name: 检查机构, target: "≥10家", actual: "5家", weight: 45}
  - {level1: 产出指标, level2: 数量指标, name: 聘用人数, target: "≤5人", actual: "6人", weight: 45}
""", """
kind: project
title: 乙表
funds: {weight: 10, budget: "100", executed: "100"}
indicators:
  - {level1: 产出指标, level2: 数量指标, name: 聘用人数, target: "≤5人", actual: "4人", weight: 90}
"""]


def test_a_rule_that_raises_leaves_its_line_pending_and_the_rest_scored(monkeypatch):
    from scoring.rules import RULES

    before = [score(load_doc(text)) for text in TWO_TABLES]

    def broken(case, ruleset):
        raise ZeroDivisionError("a bug in a rule")

    monkeypatch.setitem(RULES, "higher_is_better", broken)
    after = [score(load_doc(text)) for text in TWO_TABLES]
    line = after[0].lines[1]
    assert line.status is Status.NEEDS_JUDGMENT and line.score is None
    assert line.reasons == ("规则“higher_is_better”在计算“检查机构”时发生内部错误（ZeroDivisionError），"
                            "该行需要评价人判断，请报告此问题",)
    (failed,) = [f for f in after[0].findings if f.code == "rule_failed"]
    assert failed.severity.value == "error" and "higher_is_better" in failed.message and failed.line == "检查机构"
    assert (after[0].complete, after[0].grade) == (False, "待定")
    assert after[0].lines[0] == before[0].lines[0] and after[0].lines[2] == before[0].lines[2]
    assert after[1] == before[1]  # a table that does not use the rule is scored identically


def test_a_rule_set_naming_an_unknown_rule_is_refused_before_scoring():
    from scoring.rules import UnknownRule
    from scoring.ruleset import RuleSet

    rules = RuleSet.model_construct(**{**STANDARD.model_dump(), "cases": {**STANDARD.cases, "lower": "lower_is_beter"}})
    with pytest.raises(UnknownRule) as caught:
        score(load_doc(TWO_TABLES[1]), rules)
    assert "是否想写“lower_is_better”" in str(caught.value) and isinstance(caught.value, KeyError)


def test_result_kind_is_the_kind_enum():
    from indicators.model import Kind
    from scoring.reports.json_report import evaluation_to_dict

    result = score(load_doc(TWO_TABLES[1]))
    assert result.kind is Kind.PROJECT and result.kind == "project"
    assert evaluation_to_dict(result)["kind"] == "project"


# --- 指标性质 printed as a sign (云南/四川 公开14表) ---------------------------------------------------

@pytest.mark.parametrize("sign,target,actual,score_,case_word", [
    ("≧", "95", "90", D("9.47"), "低于年度指标值"),
    ("＞", "95", "95", D(10), "未超过指标值"),
    ("≦", "5", "6", D(0), "超过上限"),
    ("＜", "5", "5", D(0), "要求小于"),
    ("═", "25", "25", D(10), "（等于）"),
])
def test_a_sign_as_nature_is_read_from_yaml_too(sign, target, actual, score_, case_word):
    result, line = line_of(one_line(name="甲", nature=sign, target=target, actual=actual, weight=10))
    assert line.score == score_ and case_word in line.reasons[-1], line.reasons
    assert not [f for f in result.findings if f.code == "nature_direction_conflict"]


def test_a_sign_as_nature_wins_over_the_direction_column_and_the_conflict_quotes_it():
    result, line = line_of(one_line(name="甲", nature="≦", direction="大于等于", target="5", actual="6", weight=10))
    assert line.score == D(0)
    (conflict,) = [f for f in result.findings if f.code == "nature_direction_conflict"]
    assert conflict.message.startswith("“甲”指标性质为“≦”，指标方向却是“大于等于”")


def test_an_unreadable_budget_cell_leaves_the_budget_line_to_judgment():
    text = one_line(name="甲", target="≥1次", actual="1次", weight=90).replace(
        'funds: {weight: 10, budget: "100", executed: "100"}',
        'funds: {weight: 10, budget: "100", executed: "90", unreadable: [rate]}')
    result = score(load_doc(text))
    budget, line = result.lines
    assert (budget.status, budget.score, line.score) == (Status.NEEDS_JUDGMENT, None, D(90))
    assert (result.complete, result.total, result.pending_weight) == (False, D(90), D(10))
    assert "执行率" in budget.reasons[-1] and "需要评价人判断" in budget.reasons[-1]
    assert any(f.code == "needs_judgment" and f.line == budget.name for f in result.findings)
