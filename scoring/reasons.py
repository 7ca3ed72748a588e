"""Every Chinese sentence perfscore says about a score, in one place.

The wording follows scoring-rules.md §8, so a reviewer reads the same kind of
sentence for the same kind of loss in every table.
"""

from __future__ import annotations

from decimal import Decimal

from indicators.numbers import fmt2, fmt_amount, fmt_points

P = fmt_points


def _loss(lost: Decimal) -> str:
    """``，扣1.23分``; when rounding took the loss away, say so instead of ``扣0分``."""
    return f"，扣{P(lost)}分" if lost > 0 else "（四舍五入后为满分）"


def met(actual: str, target: str, weight: Decimal, note: str = "") -> str:
    return f"实际完成值{actual}达到年度指标值{target}{note}，得满分{P(weight)}分"


def over_achieved(actual: str, target: str, weight: Decimal, note: str = "") -> str:
    return f"实际完成值{actual}超过年度指标值{target}{note}，超额完成按满分计{P(weight)}分"


def within_ceiling(actual: str, target: str, weight: Decimal, note: str = "（反向）") -> str:
    return f"实际完成值{actual}未超过上限{target}{note}，得满分{P(weight)}分"


def short_of_target(actual: str, target: str, note: str, ratio: Decimal, score: Decimal, lost: Decimal) -> str:
    return f"实际完成值{actual}低于年度指标值{target}{note}，按完成比例{fmt2(ratio)}%计得{P(score)}分{_loss(lost)}"


def not_above_target(actual: str, target: str, note: str, score: Decimal) -> str:
    return (f"实际完成值{actual}等于年度指标值{target}{note}，未超过指标值；按完成比例100.00%计得{P(score)}分")


def ceiling_reached(name: str, actual: str, target: str, weight: Decimal, note: str = "（反向）") -> str:
    return f"{name}实际{actual}未低于上限{target}{note}（要求小于），按规则不得分，扣{P(weight)}分"


def ceiling_exceeded(name: str, actual: str, target: str, weight: Decimal, note: str = "（反向）") -> str:
    return f"{name}实际{actual}超过上限{target}{note}，按规则不得分，扣{P(weight)}分"


def inside_range(actual: str, target: str, weight: Decimal) -> str:
    return f"实际完成值{actual}在年度指标值{target}区间内，得满分{P(weight)}分"


def outside_range(actual: str, target: str, bound: str, ratio: Decimal, score: Decimal, lost: Decimal) -> str:
    return (f"实际完成值{actual}在年度指标值{target}区间之外，按与{bound}的比例{fmt2(ratio)}%计得{P(score)}分"
            f"{_loss(lost)}")


def yes_no_match(actual: str, weight: Decimal) -> str:
    return f"实际完成值“{actual}”与年度指标值一致，得满分{P(weight)}分"


def yes_no_mismatch(actual: str, target: str, weight: Decimal) -> str:
    return f"实际完成值“{actual}”与年度指标值“{target}”不符，不得分，扣{P(weight)}分"


def date_met(actual: str, target: str, weight: Decimal) -> str:
    return f"实际完成时间{actual}不晚于年度指标值{target}，得满分{P(weight)}分"


def date_late(actual: str, target: str) -> str:
    return f"实际完成时间{actual}晚于年度指标值{target}，规则集未规定逾期如何计分，需要评价人判断"


def assumed_higher() -> str:
    return "（年度指标值未写比较方向，按正向“越高越好”计）"


def equal_as_higher() -> str:
    return "（等于，按正向计，达到即满分）"


def unreadable_actual(actual: str, why: str) -> str:
    if not actual.strip():
        return "未填写实际完成值，无法读数"
    return f"实际完成值“{actual}”{why}，无法直接读数"


def unit_mismatch(actual_unit: str, target_unit: str) -> str:
    return f"实际完成值的单位“{actual_unit}”与年度指标值的单位“{target_unit}”不一致"


def qualitative_line() -> str:
    return "定性指标"


def judged_from_recorded(recorded: Decimal, weight: Decimal) -> str:
    lost = weight - recorded
    tail = f"，扣{P(lost)}分" if lost > 0 else ""
    return f"采用表上所填得分{P(recorded)}分作为评价人的判断{tail}"


def judged_given(score: Decimal, weight: Decimal, how: str, reason: str | None) -> str:
    lost = weight - score
    tail = f"，扣{P(lost)}分" if lost > 0 else ""
    why = f"（理由：{reason}）" if reason else ""
    return f"评价人判断：{how}，计{P(score)}分{tail}{why}"


def tier_upper(tier: str, low: Decimal, high: Decimal) -> str:
    return f"评价为“{tier}”（{fmt_points(low * 100)}%–{fmt_points(high * 100)}%），未给出具体得分，按该档上限计"


def needs_judgment(tiers: str) -> str:
    return f"尚无评价判断，暂不计入总分：请按 {tiers} 给出判断，或填写得分"


def judgment_out_of_range(score: Decimal, weight: Decimal) -> str:
    return f"判断得分{P(score)}分不在0到分值{P(weight)}分之间，不能采用"


def not_applicable(why: str) -> str:
    return f"不适用（{why}），不计分"


def manual_deduction(points: Decimal, reason: str) -> str:
    return f"人工扣分{P(points)}分：{reason}"


def deduction_floor(score: Decimal) -> str:
    return f"扣分后不低于0分，计{P(score)}分"


def weight_split(group: str, total: Decimal, count: int) -> str:
    return f"分值由“{group}”的{P(total)}分在{count}项指标间均分"


def weight_scheme(group: str, total: Decimal, count: int) -> str:
    return f"表上未填分值，按财预〔2020〕10号默认方案：{group}{P(total)}分由{count}项指标均分"


def weight_scheme_scaled(budget: Decimal, pool: Decimal, group: str, total: Decimal, count: int) -> str:
    return (f"表上未填分值，预算执行率按表上所印{P(budget)}分，其余{P(pool)}分按财预〔2020〕10号默认方案的比例折算："
            f"{group}{P(total)}分由{count}项指标均分")


def _scheme_list(parts: list[tuple[str, Decimal]]) -> str:
    # 产出指标 → 产出, as the scheme is written (预算执行率10、产出50、效益30、满意度10)
    return "、".join(f"{name.removesuffix('指标') or name}{P(points)}" for name, points in parts)


def weights_assigned(used: list[tuple[str, Decimal]]) -> str:
    return f"表上没有分值，已按财预〔2020〕10号默认方案分配（{_scheme_list(used)}）"


def weights_assigned_scaled(budget: Decimal, pool: Decimal, scheme: list[tuple[str, Decimal]],
                            used: list[tuple[str, Decimal]]) -> str:
    return (f"表上指标没有分值，预算执行率按表上所印{P(budget)}分计，其余{P(pool)}分按财预〔2020〕10号默认方案"
            f"（{_scheme_list(scheme)}）的比例折算分配（{_scheme_list(used)}）")


def weight_missing() -> str:
    return "表上没有这一行的分值，也无法由年度目标或一级指标分配，需要补填分值"


def budget_rate(rate: Decimal, executed: Decimal, budget: Decimal) -> str:
    return f"执行率{fmt2(rate)}%（执行数{fmt_amount(executed)}/预算数{fmt_amount(budget)}）"


def budget_full(weight: Decimal, over: bool) -> str:
    return f"超过100%按满分计得{P(weight)}分" if over else f"得满分{P(weight)}分"


def budget_partial(weight: Decimal, score: Decimal, lost: Decimal) -> str:
    return f"按分值{P(weight)}分×执行率计得{P(score)}分{_loss(lost)}"


def budget_zero() -> str:
    return "预算数为0，无法计算执行率，需要评价人判断"


def budget_weight_scheme(weight: Decimal) -> str:
    return f"表上未填分值，按财预〔2020〕10号默认方案：预算执行率{P(weight)}分"
