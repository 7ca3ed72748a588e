"""Every Chinese message of a finding (what a reviewer is told about a table), in one place.

A finding is identified by its code (``scoring/codes.py``); its message states the
numbers. These messages are the review layer, not the score's rationale, so a rule set
does not reword them (a line's reasons are rewordable: ``scoring/reasons.py``). Each
function takes the figures and returns the sentence; the engine and the checks decide
when to say it.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from indicators.numbers import fmt2, fmt_amount, fmt_points

P = fmt_points
Number = Decimal | Fraction


# --- the engine (scoring/engine.py, scoring/weights.py) -------------------------------------------

def formula_failed(name: str, error: str) -> str:
    return f"“{name}”：{error}，该行需要评价人判断"


def formula_out_of_range(name: str, score: Number, weight: Decimal, kept: Number) -> str:
    return f"“{name}”按规则集公式得{P(score)}分，超出0到分值{P(weight)}分的范围，按{P(kept)}分计"


def rule_failed(rule: str, name: str, error: str) -> str:
    return f"规则“{rule}”在计算“{name}”时发生内部错误（{error}），该行需要评价人判断，请报告此问题"


def recorded_below_rule(name: str, recorded: Decimal, rule: Decimal, gap: Decimal) -> str:
    return f"“{name}”表上得分{fmt2(recorded)}低于规则得分{fmt2(rule)}，差{P(gap)}分；偏差原因中有说明，请核对"


def unexplained_deduction(name: str, recorded: Decimal, rule: Decimal, gap: Decimal) -> str:
    return f"“{name}”表上得分{fmt2(recorded)}低于规则得分{fmt2(rule)}，差{P(gap)}分，且未说明扣分原因（无说明扣分）"


def score_above_rule(name: str, recorded: Decimal, rule: Decimal, gap: Decimal) -> str:
    return f"“{name}”表上得分{fmt2(recorded)}高于规则得分{fmt2(rule)}，多给{P(gap)}分"


def budget_weight_missing() -> str:
    return "预算执行率一行没有分值（如“20分×执行率”的20），无法计分；请补填 funds.weight"


def weight_missing(name: str) -> str:
    return f"“{name}”没有分值，也无法由年度目标或一级指标分配"


def nature_direction_conflict(name: str, nature: str, direction: str) -> str:
    return f"“{name}”指标性质为“{nature}”，指标方向却是“{direction}”：按指标性质（{nature}）计分，请核对"


def needs_judgment(name: str, weight: Decimal, why: str) -> str:
    return f"“{name}”需要评价人判断（分值{P(weight)}分暂不计入总分）：{why}"


def deduction_not_applied(name: str, points: Decimal, rule: Decimal) -> str:
    return (f"“{name}”写有“扣{P(points)}分”，但规则得分{fmt2(rule)}已低于满分，"
            f"表上得分也不等于规则得分减去该扣分，视为对已计失分的说明，未重复扣除")


def deduction_unattached(sentence: str) -> str:
    return f"原因分析中写有“{sentence}”，但无法确定对应哪一项指标，未扣分"


def rescaled(total: Decimal, max_total: Decimal, rescaled_total: Decimal) -> str:
    return f"不适用的指标剔除后按百分制折算：{fmt2(total)} × 100 / {fmt2(max_total)} = {fmt2(rescaled_total)}"


def total_capped(rate: Decimal, ruleset: str, cap: Decimal, total: Decimal) -> str:
    return f"执行率{fmt2(rate)}%，按规则集“{ruleset}”总分不超过{P(cap)}分：{fmt2(total)} → {fmt2(cap)}"


def _scheme_list(parts: list[tuple[str, Decimal]]) -> str:
    # 产出指标 → 产出, as the scheme is written (预算执行率10、产出50、效益30、满意度10)
    return "、".join(f"{name.removesuffix('指标') or name}{P(points)}" for name, points in parts)


def weights_assigned(used: list[tuple[str, Decimal]]) -> str:
    return f"表上没有分值，已按财预〔2020〕10号默认方案分配（{_scheme_list(used)}）"


def weights_assigned_scaled(budget: Decimal, pool: Decimal, scheme: list[tuple[str, Decimal]],
                            used: list[tuple[str, Decimal]]) -> str:
    return (f"表上指标没有分值，预算执行率按表上所印{P(budget)}分计，其余{P(pool)}分按财预〔2020〕10号默认方案"
            f"（{_scheme_list(scheme)}）的比例折算分配（{_scheme_list(used)}）")


# --- the review checks (scoring/checks.py) -------------------------------------------------------

def budget_name(name: str) -> str:
    """The budget line as a check names it: 预算执行率, or 预算执行率（资金总额）."""
    return name if name == "预算执行率" else f"预算执行率（{name}）"


def goal_label(name: str, weight: Decimal) -> str:
    """A goal whose 分值 is given apart from its name, written as the form writes it: 年度目标1(30分)."""
    return f"{name}({P(weight)}分)"


def judgment_recorded_out_of_range(name: str, recorded: Decimal, weight: Decimal) -> str:
    return f"“{name}”表上得分{fmt2(recorded)}超出0到分值{P(weight)}分的范围，不能作为评价判断"


def judgment_given_out_of_range(name: str, score: Decimal, weight: Decimal) -> str:
    return f"“{name}”的评价判断得分{P(score)}分超过分值{P(weight)}分"


def total_not_sum(recorded_total: Decimal, budget_recorded: Decimal | None, total: Decimal) -> str:
    budget_note = f"（含预算执行率{fmt2(budget_recorded)}分）" if budget_recorded is not None else ""
    return (f"表上总分{fmt2(recorded_total)}，但表上各行得分{budget_note}合计{fmt2(total)}，"
            f"相差{P(abs(recorded_total - total))}分")


def total_differs_head(recorded_total: Decimal, total: Decimal, gap: Decimal) -> str:
    return f"表上总分{fmt2(recorded_total)}与按规则计算的总分{fmt2(total)}相差{P(abs(gap))}分"


def total_differs_explained(head: str, names: list[str]) -> str:
    return f"{head}，全部来自逐行列出的表上得分与规则得分之差（{'、'.join(f'“{name}”' for name in names)}）"


def total_differs_pending(head: str, pending: Decimal) -> str:
    return f"{head}；另有{P(pending)}分的指标待评价人判断、尚未计入，差额在其范围内"


def total_differs_unexplained(head: str, explained: Decimal | None, residual: Decimal) -> str:
    part = f"逐行差异只能解释{P(abs(explained))}分，" if explained is not None else ""
    return f"{head}，{part}其余{P(abs(residual))}分无从解释"


def goal_total_not_sum(name: str, recorded: Decimal, total: Decimal, parts: list[Decimal]) -> str:
    return (f"“{name}”合计印作{fmt2(recorded)}分，其下各行表上得分合计{fmt2(total)}分"
            f"（{_sum_text(parts)}），相差{P(abs(recorded - total))}分")


def _sum_text(parts: list[Decimal]) -> str:
    return " + ".join(P(part) for part in parts)


def subtotal_mismatch(label: str, declared: Decimal, total: Decimal, parts: list[Decimal]) -> str:
    return f"声明“{label}”，其下各行分值合计{P(total)}分（{_sum_text(parts)}），相差{P(abs(declared - total))}分"


def weights_not_100(max_total: Decimal, skipped: Decimal) -> str:
    note = f"（不适用的行另有{P(skipped)}分，未计入）" if skipped else ""
    return f"各行分值合计{P(max_total)}分{note}，不是100分，相差{P(abs(Decimal(100) - max_total))}分"


def amount_not_money(row: str, field: str, value: str) -> str:
    what = "是百分数而不是金额" if "%" in value or "％" in value else "不是金额"
    return f"资金明细“{row}”的{field}印作“{value}”，{what}（万元）：这一栏应填金额"


def _row_sum_text(rows: list[tuple[str, Decimal]]) -> str:
    return " + ".join(f"{name}{fmt_amount(part)}" for name, part in rows)


def sources_not_sum(field: str, rows: list[tuple[str, Decimal]], label: str, total: Decimal) -> str:
    summed = sum((part for _, part in rows), Decimal(0))
    return (f"资金来源各行{field}{_row_sum_text(rows)} = {fmt_amount(summed)}，不等于{label}的{field}"
            f"{fmt_amount(total)}，相差{fmt_amount(abs(summed - total))}")


def spending_not_sum(rows: list[tuple[str, Decimal]], label: str, budget: Decimal, executed: Decimal) -> str:
    summed = sum((part for _, part in rows), Decimal(0))
    return (f"支出类别各行{_row_sum_text(rows)} = {fmt_amount(summed)}，既不等于{label}的预算数{fmt_amount(budget)}，"
            f"也不等于执行数{fmt_amount(executed)}")


#: How a message shows a cell that holds nothing.
EMPTY = "（空）"


def rate_of_total(label: str) -> str:
    """Whose 执行率 a rate_mismatch is about: the funds' total row."""
    return f"{label}的"


def rate_of_row(name: str) -> str:
    """Whose 执行率 a rate_mismatch is about: a breakdown row."""
    return f"资金明细“{name}”的"


def rate_mismatch(what: str, printed: str, executed: Decimal, budget: Decimal, computed: Number,
                  off: Number) -> str:
    return (f"{what}执行率印作“{printed}”，按执行数{fmt_amount(executed)}÷预算数{fmt_amount(budget)}"
            f"应为{fmt2(computed)}%，相差{fmt2(off)}个百分点，超出印出位数的四舍五入范围")


def over_executed(label: str, executed: Decimal, budget: Decimal, rate: Number) -> str:
    return (f"{label}执行数{fmt_amount(executed)}高于预算数{fmt_amount(budget)}，超出{fmt_amount(executed - budget)}万元"
            f"（执行率{fmt2(rate)}%），预算执行率按满分计，不多给分；请核对")


def target_without_number(name: str, nature: str, target: str) -> str:
    return f"“{name}”指标性质为“{nature}”（定量），年度指标值“{target}”却没有数字，无法按规则计分"


def budget_loss_unexplained(name: str, lost: Decimal, rate: Decimal | None) -> str:
    rate_text = f"（执行率{fmt2(rate)}%）" if rate is not None else ""
    return f"{name}失分{P(lost)}分{rate_text}，表级原因分析中没有说明"


def loss_unexplained(name: str, lost: Decimal, score: Decimal, weight: Decimal) -> str:
    return (f"“{name}”失分{P(lost)}分（得{P(score)}分，分值{P(weight)}分），"
            f"但该行没有偏差原因，表级原因分析中也没有提到它")


def actual_far_above_target(name: str, actual: str, target: str, above: Number, threshold: Number) -> str:
    return (f"“{name}”实际完成值{actual}比年度指标值{target}高出{P(above)}%（达到{P(threshold)}%即为指标偏离），"
            f"年度指标值可能定得过低，请核对")


def actuals_equal_targets(count: int) -> str:
    return f"表中{count}项可读数的实际完成值全部与年度指标值相同，可能是照抄了年度指标值，值得核对"


def header_mismatch_majority(field: str, value: str, document: str, count: int, majority: str) -> str:
    return f"{field}写作“{value}”，同一文件（{document}）中其他{count}张表写作“{majority}”，请核对"


def header_mismatch_split(field: str, value: str, document: str, others: list[tuple[str, int]]) -> str:
    listed = "、".join(f"“{name}”（{n}张）" for name, n in others)
    return f"{field}写作“{value}”，同一文件（{document}）中其他表写作{listed}，请核对"


def check_failed(check: str, error: str) -> str:
    return f"复核检查“{check}”发生内部错误（{error}），这张表的复核不完整，请报告此问题"


# --- summaries of a table (the text report, check's list, the scored workbook) ---------------------

def left_out(pending: Decimal, unweighted: int) -> str:
    """What an incomplete table leaves out of its total: points waiting for a judgment, and lines whose
    分值 is unknown (they add no points to wait for, so "另有 0 分" alone would hide them)."""
    parts = [f"另有 {P(pending)} 分待评价人判断"] if pending or not unweighted else []
    if unweighted:
        parts.append(f"另有 {unweighted} 项指标分值不明、需补填")
    return "，".join(parts)
