"""``rules verify``: Hypothesis properties run against a rule set before anyone relies on it.

Each property is checked relative to what the rule set declares: with a deviation
penalty a met target must score full marks *minus that penalty*; with total caps
the total must stay under the cap; rounding must be the declared places and mode.
A failure comes back with Hypothesis' shrunk counterexample written as a one-line
table (target, actual, 分值, score).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Callable

from hypothesis import HealthCheck, Verbosity, given, settings
from hypothesis import strategies as st

from indicators.model import Evaluation, Funds, Indicator, Kind
from indicators.numbers import exact, fmt2, fmt_points
from indicators.values import parse_value

from .engine import score
from .results import Status
from .rules import RULES, LineCase
from .ruleset import RuleSet

__all__ = ["PropertyResult", "verify"]

D = Decimal


@dataclass(frozen=True)
class PropertyResult:
    """One property: its Chinese name, whether it held, how many examples ran, and a counterexample."""

    name: str
    ok: bool
    examples: int
    counterexample: str | None = None


def _amount(low: str, high: str) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=D(low), max_value=D(high), places=2, allow_nan=False, allow_infinity=False)


_weights = _amount("0.5", "30")
_targets = _amount("1", "10000")
_actuals = _amount("0", "20000")
# case → (how the target is written, the 指标方向 word)
_CASES = {"higher": ("≥{t}", "大于等于"), "lower": ("≤{t}", "小于等于"), "equal": ("={t}", "等于")}


def _case(kind: str, target: Decimal, actual: Decimal, weight: Decimal) -> LineCase:
    text = _CASES[kind][0].format(t=f"{target:f}")
    return LineCase(name="指标", weight=weight, target=parse_value(text), actual=parse_value(f"{actual:f}"),
                    comparison=parse_value(text).comparison)


def _rule_score(ruleset: RuleSet, kind: str, target: Decimal, actual: Decimal, weight: Decimal) -> Fraction | None:
    """The rule's exact unrounded score for one generated line (None when it needs judgment)."""
    return RULES[ruleset.cases[kind]](_case(kind, target, actual, weight), ruleset).score


def _table(lines: list[tuple[str, Decimal, Decimal, Decimal]], budget: Decimal = D(100),
           executed: Decimal = D(100), budget_weight: Decimal = D(10)) -> Evaluation:
    indicators = tuple(
        Indicator(level1="产出指标", level2="数量指标", name=f"指标{i + 1}", target=_CASES[kind][0].format(t=f"{t:f}"),
                  actual=f"{a:f}", weight=w) for i, (kind, t, a, w) in enumerate(lines))
    return Evaluation(kind=Kind.PROJECT, title="验证", indicators=indicators,
                      funds=Funds(weight=budget_weight, budget=budget, executed=executed))


def _row(kind: str, target: Decimal, actual: Decimal, weight: Decimal, got: object, why: str) -> str:
    shown = fmt2(got) if isinstance(got, (Decimal, Fraction)) else str(got)
    word = {"higher": "正向", "lower": "反向", "equal": "等于"}.get(kind, kind)
    return f"{word} | 目标 {fmt_points(target)} | 实际 {fmt_points(actual)} | 分值 {fmt_points(weight)} | 得分 {shown} | {why}"


def _run(name: str, strategy: st.SearchStrategy, check: Callable[..., str | None], examples: int) -> PropertyResult:
    failures: list[str] = []
    count = 0

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None, verbosity=Verbosity.quiet,
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
    @given(strategy)
    def prop(example: tuple) -> None:
        nonlocal count
        count += 1
        problem = check(*example)
        if problem:
            failures.append(problem)
            raise AssertionError(problem)

    try:
        prop()
    except AssertionError:
        # Hypothesis replays the shrunk example last, so the last failure is the minimal one.
        return PropertyResult(name, False, count, failures[-1] if failures else None)
    return PropertyResult(name, True, count)


def verify(ruleset: RuleSet, examples: int = 200) -> list[PropertyResult]:
    """Run every property against ``ruleset``; see the module docstring."""
    quantitative = st.tuples(st.sampled_from(list(_CASES)), _targets, _actuals, _weights)
    results: list[PropertyResult] = []

    def bounded(kind, target, actual, weight):
        got = _rule_score(ruleset, kind, target, actual, weight)
        if got is not None and not (0 <= got <= weight):
            return _row(kind, target, actual, weight, got, f"超出 0 到分值 {fmt_points(weight)} 的范围")
        return None

    results.append(_run("每一行的得分在 0 到分值之间", quantitative, bounded, examples))

    def monotonic(kind, target, actual, weight, more):
        if kind == "equal" and ruleset.cases["equal"] != "equal_as_higher":
            return None  # "closer is better" rises then falls by design
        low, high = actual, actual + more
        a, b = _rule_score(ruleset, kind, target, low, weight), _rule_score(ruleset, kind, target, high, weight)
        if a is None or b is None:
            return None
        if kind in ("higher", "equal") and b < a:
            return _row(kind, target, high, weight, b, f"实际完成值从 {fmt_points(low)} 增加，得分却从 {fmt2(a)} 降低")
        if kind == "lower" and b > a:
            return _row(kind, target, high, weight, b, f"实际完成值从 {fmt_points(low)} 增加，得分却从 {fmt2(a)} 升高")
        return None

    results.append(_run("得分随实际完成值单调变化（正向不降、反向不升）",
                        st.tuples(st.sampled_from(list(_CASES)), _targets, _actuals, _weights, _amount("0.01", "5000")),
                        monotonic, examples))

    penalty = ruleset.deviation_penalty

    def met_full(kind, target, weight, over):
        actual = target + over if kind == "higher" else (max(target - over, D(0)) if kind == "lower" else target)
        result = score(_table([(kind, target, actual, weight)]), ruleset)
        line = result.lines[1]
        expected = weight
        if penalty is not None and kind in ("higher", "equal") and \
                exact(actual) >= exact(target) * (1 + exact(penalty.threshold) / 100):
            expected = max(weight - penalty.points, D(0))
        expected = min(ruleset.round_line(expected), weight)
        if line.score != expected:
            return _row(kind, target, actual, weight, line.score, f"达到目标应得 {fmt2(expected)} 分")
        return None

    declared = "达到目标得满分" + (f"（指标偏离扣 {fmt_points(penalty.points)} 分的除外）" if penalty else "")
    results.append(_run(declared, st.tuples(st.sampled_from(list(_CASES)), _targets, _weights, _amount("0", "20000")),
                        met_full, examples))

    lines = st.lists(st.tuples(st.sampled_from(list(_CASES)), _targets, _actuals, _weights), min_size=1, max_size=6)

    def under_max(rows, budget, executed):
        result = score(_table(rows, budget, executed), ruleset)
        if result.total > result.max_total:
            return f"总分 {fmt2(result.total)} 超过最高分 {fmt2(result.max_total)}（{len(rows)} 行指标）"
        cap = ruleset.total_cap(result.budget.rate if result.budget else None)
        if cap is not None and result.total > cap:
            return f"执行率 {fmt2(result.budget.rate)}% 时总分 {fmt2(result.total)} 超过封顶 {fmt_points(cap)} 分"
        return None

    results.append(_run("总分不超过最高分" + ("（及执行率封顶）" if ruleset.total_caps else ""),
                        st.tuples(lines, _amount("1", "10000"), _amount("0", "20000")), under_max, examples))

    def stable(rows):
        first, again = score(_table(rows), ruleset), score(_table(rows), ruleset)
        reordered = score(_table(list(reversed(rows))), ruleset)
        if first.total != again.total:
            return f"同一张表两次评分得 {fmt2(first.total)} 和 {fmt2(again.total)}"
        if first.total != reordered.total:
            return f"指标行倒序后总分从 {fmt2(first.total)} 变为 {fmt2(reordered.total)}"
        return None

    results.append(_run("评分结果确定，且与指标行的顺序无关", st.tuples(lines), stable, max(examples // 2, 20)))

    def rounding(kind, target, actual, weight):
        raw = _rule_score(ruleset, kind, target, actual, weight)
        result = score(_table([(kind, target, actual, weight)]), ruleset)
        line = result.lines[1]
        if raw is None or line.status is not Status.SCORED or line.score is None:
            return None
        if penalty is not None and any("指标偏离" in reason for reason in line.reasons):
            raw -= exact(penalty.points)
        expected = min(ruleset.round_line(max(raw, Fraction(0))), weight)
        if line.score != expected:
            mode = "四舍五入" if ruleset.line_rounding == "half_up" else "去尾"
            return _row(kind, target, actual, weight, line.score,
                        f"按{ruleset.line_places}位小数{mode}应为 {fmt2(expected)}")
        return None

    mode = "四舍五入" if ruleset.line_rounding == "half_up" else "去尾"
    results.append(_run(f"每行得分按规定取整（{ruleset.line_places} 位小数，{mode}，不超过分值）", quantitative, rounding,
                        examples))
    return results
