"""Exact scores (issue 21): every line's score equals an independent exact oracle.

The oracle below is written from docs/rules.md with :class:`fractions.Fraction` and
integer rounding only; it calls none of perfscore's own helpers (no ``exact``, no
``round_half_up``), so a shared mistake cannot hide. The strategies in
``tests/strategies.py`` aim at x.xx5 ties, where a ratio cut to 28 digits before it is
scaled rounds the wrong way (12.61 × 0.81 / 5.82 = 1.755 → 1.76, not 1.75).

Profiles (see docs/testing.md): the suite's profile runs these properties like every other;
``test_random_run`` also runs them on a fresh random seed, printed on failure, so CI sees
new examples every run; ``HYPOTHESIS_PROFILE=thorough pytest tests/test_exact.py`` runs
10,000 generated lines per property.
"""

from __future__ import annotations

import math
import os
import secrets
from decimal import Decimal
from fractions import Fraction
from typing import Callable

import pytest
from hypothesis import HealthCheck, example, given, seed, settings
from hypothesis import strategies as st

from indicators.model import Deduction, Evaluation, Funds, Indicator, Judgment, Kind, Nature
from scoring.engine import score
from scoring.results import Status
from scoring.ruleset import STANDARD, Band, RuleSet, get_ruleset

from .strategies import ExactCase, amounts, exact_cases, fmt, scheme_tables

D = Decimal
F = Fraction


# --- the oracle -----------------------------------------------------------------------------------

def oracle_round(x: Fraction, places: int = 2) -> Decimal:
    """四舍五入 at 10**-places with integers only: floor(|x| × 10^places + 1/2), sign restored."""
    scaled = abs(x) * 10 ** places
    whole = (2 * scaled.numerator + scaled.denominator) // (2 * scaled.denominator)
    return Decimal(-whole if x < 0 else whole).scaleb(-places)


def oracle_rule(case: ExactCase) -> Fraction:
    """The rule's exact score before deductions (docs/rules.md §1–3, §9 variants)."""
    w, t, a = F(case.weight), F(case.target), F(case.actual)
    if case.kind in ("higher", "equal"):
        return w if a >= t else w * a / t
    if case.kind == "lower":
        return w if a <= t else F(0)
    if case.kind == "lower_proportional":
        return w if a <= t else w * t / a
    if case.kind == "closer":
        return w if a == t else max(w * (1 - abs(a - t) / t), F(0))
    if case.kind == "range":
        low, high = F(case.low), F(case.high)
        if low <= a <= high:
            return w
        return (w * a / low if low > 0 else F(0)) if a < low else w * high / a
    if case.kind == "budget":
        return w * min(a / t, F(1))
    if case.kind == "budget_printed":
        return w * min(F(case.printed) / 100, F(1))
    if case.kind == "budget_banded":
        min_rate, share = case.band
        return w * F(share) if a * 100 / t >= F(min_rate) else F(0)
    if case.kind == "judged_fraction":
        return w * F(case.fraction)
    raise AssertionError(case.kind)


def oracle_score(case: ExactCase) -> Decimal:
    """The line's 得分: rule score minus deductions, floor 0, rounded once, never above 分值."""
    raw = oracle_rule(case) - sum((F(d) for d in case.deductions), F(0))
    return min(oracle_round(max(raw, F(0))), case.weight)


# --- building the table a case describes ----------------------------------------------------------

_CLOSER = RuleSet(name="closer", cases={**STANDARD.cases, "equal": "closer_is_better"})


def _target_text(case: ExactCase) -> str:
    if case.kind == "range":
        return f"{fmt(case.low)}-{fmt(case.high)}"
    if case.nature is not None:
        return fmt(case.target)
    prefix = {"higher": "≥", "lower": "≤", "lower_proportional": "≤", "equal": "=", "closer": "="}[case.kind]
    return prefix + fmt(case.target)


def build(case: ExactCase) -> tuple[Evaluation, RuleSet]:
    """The one-line table (or budget line beside a met line) and the rule set that scores it."""
    met = Indicator(level1="产出指标", level2="数量指标", name="其他", target="≥1", actual="1", weight=D(1))
    if case.kind.startswith("budget"):
        rate = f"{fmt(case.printed)}%" if case.printed is not None else None
        funds = Funds(weight=case.weight, budget=case.target, executed=case.actual, rate=rate)
        if case.kind == "budget_printed":
            ruleset = RuleSet(name="printed", budget_rate="printed")
        elif case.kind == "budget_banded":
            ruleset = RuleSet(name="banded", budget_scoring="banded",
                              budget_bands=(Band(min_rate=case.band[0], fraction=case.band[1]),))
        else:
            ruleset = STANDARD
        return Evaluation(kind=Kind.PROJECT, title="测试", funds=funds, indicators=(met,)), ruleset
    if case.kind == "judged_fraction":
        line = Indicator(level1="效益指标", level2="社会效益指标", name="指标", nature=Nature.QUALITATIVE,
                         target="有效保障", actual="已保障", weight=case.weight,
                         judgment=Judgment(fraction=case.fraction, reason="评价人判断"))
        return Evaluation(kind=Kind.PROJECT, title="测试", indicators=(line,)), STANDARD
    line = Indicator(level1="产出指标", level2="数量指标", name="指标", nature=case.nature,
                     target=_target_text(case), actual=fmt(case.actual), weight=case.weight,
                     deductions=tuple(Deduction(points=d, reason="测试扣分") for d in case.deductions))
    ruleset = {"lower_proportional": get_ruleset("lower-proportional"), "closer": _CLOSER}.get(case.kind, STANDARD)
    return Evaluation(kind=Kind.PROJECT, title="测试", indicators=(line,)), ruleset


def check_exact_case(case: ExactCase) -> None:
    """The engine's score for the case's line equals the oracle's, and the total adds up."""
    evaluation, ruleset = build(case)
    result = score(evaluation, ruleset)
    line = result.lines[0]
    assert line.status in (Status.SCORED, Status.JUDGED), line.reasons
    expected = oracle_score(case)
    assert line.score == expected, (case, line.score, expected, line.reasons)
    assert line.lost == case.weight - expected
    assert result.total == sum((ln.score for ln in result.lines if ln.score is not None), D(0))


# 12.61 × 0.81 / 5.82 = 1.755 exactly (issue 21): 1.76, never 1.75.
ISSUE_21 = ExactCase("higher", D("12.61"), target=D("5.82"), actual=D("0.81"))


@given(exact_cases())
@example(ISSUE_21)
@example(ExactCase("higher", D("12.61"), target=D("5.82"), actual=D("0.81"), nature=Nature.POSITIVE))
@example(ExactCase("equal", D("12.61"), target=D("5.82"), actual=D("0.81")))
@example(ExactCase("lower_proportional", D("12.61"), target=D("0.81"), actual=D("5.82")))
@example(ExactCase("range", D("12.61"), actual=D("0.81"), low=D("5.82"), high=D("6")))
@example(ExactCase("range", D("12.61"), actual=D("5.82"), low=D("0"), high=D("0.81")))
@example(ExactCase("budget", D("12.61"), target=D("5.82"), actual=D("0.81")))
@example(ExactCase("closer", D("12.61"), target=D("5.82"), actual=D("10.83")))  # 2 × 5.82 − 0.81
@example(ExactCase("higher", D("12.61"), target=D("5.82"), actual=D("0.82"), deductions=(D("0.01"),)))
@example(ExactCase("lower_proportional", D("15.64"), target=D(1), actual=D(3128)))  # 0.005 → 0.01 (found by a run)
@example(ExactCase("lower", D(10), target=D(5), actual=D(6)))  # U5: exceeded → 0
@example(ExactCase("higher", D(5), target=D(25), actual=D("18.83")))  # U4: 3.77
def test_every_line_scores_as_the_exact_oracle(case: ExactCase) -> None:
    """Each rule (正向, 反向 standard and proportional, 等于, closer, 区间, the budget line
    proportional, banded and on the printed rate, judged fractions, deductions) gives the
    exact score rounded once: what a reviewer computing by hand to the last digit gets."""
    check_exact_case(case)


def test_issue_21_line_says_1_76() -> None:
    """The reported line: 分值 12.61, target 5.82, actual 0.81 scores 1.76, said in its reason."""
    evaluation, ruleset = build(ISSUE_21)
    line = score(evaluation, ruleset).lines[0]
    assert line.score == D("1.76")
    assert line.reasons == ("实际完成值0.81低于年度指标值≥5.82，按完成比例13.92%计得1.76分，扣10.85分",)


# --- rule-set formulas are exact too -------------------------------------------------------------

#: formula → what the oracle does with the exact rule score (rounding inside the formula comes first).
FORMULAS: dict[str, Callable[[Fraction], Fraction]] = {
    "分值 * actual / target": lambda x: x,
    "weight * ratio": lambda x: x,
    "分值 * (actual / target) ** 1": lambda x: x,
    "round_half_up(分值 * 实际 / 目标, 3)": lambda x: F(oracle_round(x, 3)),  # rounded twice, as written
}


@given(exact_cases(kinds=("higher",)), st.sampled_from(sorted(FORMULAS)))
@example(ISSUE_21, "分值 * actual / target")
@example(ISSUE_21, "weight * ratio")
# 0.5 × 0.5 / 7.15 = 0.03496… → 0.035 inside the formula → 0.04 (found by a thorough run; a wrong oracle)
@example(ExactCase("higher", D("0.50"), target=D("7.15"), actual=D("0.50")), "round_half_up(分值 * 实际 / 目标, 3)")
def test_a_formula_scores_as_exactly_as_the_rule(case: ExactCase, formula: str) -> None:
    """A rule set's ``higher_short`` formula over 分值, actual, target and ratio is evaluated on
    exact fractions, so it gives the oracle's score too; a rounding the formula writes is applied
    to the exact value, then the line is rounded as usual."""
    evaluation, _ = build(case)
    result = score(evaluation, RuleSet(name="formula", formulas={"higher_short": formula}))
    raw = FORMULAS[formula](oracle_rule(case)) - sum((F(d) for d in case.deductions), F(0))
    expected = min(oracle_round(max(raw, F(0))), case.weight)
    assert result.lines[0].score == expected, (case, formula, result.lines[0].reasons)


@pytest.mark.parametrize("formula,expected", [
    ("0.1 + 0.2", "0.30"),  # literals from their decimal text, not floats
    ("12.61 * 0.81 / 5.82", "1.76"),
    ("round_half_up(1.755, 2)", "1.76"),
    ("truncate(1.759, 2)", "1.75"),
    ("round_half_up(10 / 3, 2) * 3", "9.99"),
    ("1 / 3 * 3", "1.00"),  # exactly 1: no 0.999… from a cut third
    ("-7 // 2 + 10", "7.00"),  # // and % keep Decimal's meaning (toward zero)
    ("(-7 % 2) + 10", "9.00"),
    ("2 ** -2 * 4", "1.00"),
], ids=["literals", "issue-21", "round-half-up", "truncate", "round-then-scale", "third", "floordiv", "mod",
        "negative-power"])
def test_formula_arithmetic_is_exact(formula: str, expected: str) -> None:
    from scoring.formulas import compile_formula, evaluate

    assert oracle_round(evaluate(compile_formula(formula), {})) == D(expected)


@pytest.mark.parametrize("formula,fragment", [
    ("9 ** 9 ** 9", "太大"),
    ("((9 ** 99) ** 99) ** 99", "太大"),
    ("1e400", "太大或太小"),
    ("round_half_up(1, 1000000000)", "保留位数"),
    ("1 / (actual - actual)", "除数为 0"),
    ("0 ** -1", "除数为 0"),
], ids=["power-tower", "nested-power", "huge-literal", "huge-places", "divide-by-zero", "zero-negative-power"])
def test_formula_limits_hold_on_fractions(formula: str, fragment: str) -> None:
    """Exact arithmetic has no overflow of its own, so the sandbox bounds sizes itself — quickly."""
    from scoring.formulas import FormulaError, compile_formula, evaluate

    with pytest.raises(FormulaError) as caught:
        evaluate(compile_formula(formula), {"actual": D(1)})
    assert fragment in str(caught.value)


# --- weights: the default scheme scaled to what a printed budget 分值 leaves --------------------

def oracle_split(total: Decimal, count: int) -> list[Fraction]:
    """Largest remainder at 0.01: each part the floor, the first parts one cent more."""
    cents = math.floor(F(total) * 100)
    base, extra = divmod(cents, count)
    return [F(base + (1 if i < extra else 0), 100) for i in range(count)]


def oracle_scheme(groups: dict[str, Decimal], pool: Decimal) -> dict[str, Fraction]:
    """Each group pool × weight / Σweights exactly, 四舍五入 to 0.01; the cents the rounding
    left over (or took too many) go one at a time to the groups rounded furthest the other way."""
    total = sum((F(v) for v in groups.values()), F(0))
    quotients = {g: F(pool) * F(v) / total for g, v in groups.items()}
    shares = {g: F(oracle_round(q)) for g, q in quotients.items()}
    left = (F(pool) - sum(shares.values(), F(0))) * 100
    assert left.denominator == 1
    sign = 1 if left > 0 else -1
    order = sorted(groups, key=lambda g: (shares[g] - quotients[g]) * sign)
    for k in range(abs(int(left))):
        shares[order[k % len(order)]] += F(sign, 100)
    return shares


def check_scheme(table: tuple[dict[str, Decimal], Decimal, tuple[int, int, int]]) -> None:
    """A table with no 分值 but a printed budget 分值: each line's 分值 is the oracle's share split."""
    groups, budget_weight, counts = table
    lines = tuple(Indicator(level1=group, level2="指标", name=f"{group}{i}", target="≥1", actual="1")
                  for group, count in zip(groups, counts) for i in range(count))
    evaluation = Evaluation(kind=Kind.PROJECT, title="测试", indicators=lines,
                            funds=Funds(weight=budget_weight, budget=D(1), executed=D(1)))
    ruleset = RuleSet(name="scheme", default_scheme={"预算执行率": D(10), **groups})
    result = score(evaluation, ruleset)
    pool = D(100) - budget_weight
    shares = oracle_scheme(groups, pool) if pool != sum(groups.values()) else {g: F(v) for g, v in groups.items()}
    expected = [part for group, count in zip(groups, counts) for part in oracle_split(D(oracle_round(shares[group])),
                                                                                      count)]
    assert [F(line.weight) for line in result.lines[1:]] == expected
    assert sum((line.weight for line in result.lines), D(0)) == D(100)


@given(scheme_tables())
@example(({"产出指标": D(50), "效益指标": D(30), "满意度指标": D(20)}, D("19.99"), (1, 1, 1)))  # 40.005 → 40.01
@example(({"产出指标": D(50), "效益指标": D(30), "满意度指标": D(10)}, D(20), (3, 2, 1)))  # README: 44.44 …
def test_scaled_scheme_weights_match_the_oracle(table) -> None:
    """分值 assigned by the scaled default scheme: pool × weight / Σ exactly, half up, remainder
    by largest rounding loss, then split equally — adding up to exactly 100."""
    check_scheme(table)


# --- rescaling after dropping not-applicable lines, and caps by 执行率 ------------------------------

@st.composite
def rescale_tables(draw) -> tuple[list[tuple[Decimal, Decimal]], Decimal]:
    """Lines (分值, actual of a ≥100 target) adding up to a max total that makes × 100 / max tie often."""
    top = draw(st.sampled_from((D(40), D(50), D(80), D("62.5"), D(90), D(125))))
    count = draw(st.integers(1, 4))
    cuts = sorted(draw(st.lists(amounts("0.01", top - D("0.01")), min_size=count - 1, max_size=count - 1)))
    bounds = [D(0), *cuts, top]
    weights = [b - a for a, b in zip(bounds, bounds[1:]) if b > a]
    return [(w, draw(amounts(0, 100))) for w in weights], top


def check_rescale(table: tuple[list[tuple[Decimal, Decimal]], Decimal]) -> None:
    """剔除后按百分制折算: the total is Σ rounded lines × 100 / max, exact, rounded once."""
    rows, top = table
    lines = tuple(Indicator(level1="产出指标", level2="数量指标", name=f"指标{i}", target="≥100", actual=fmt(a),
                            weight=w) for i, (w, a) in enumerate(rows))
    lines += (Indicator(level1="产出指标", level2="数量指标", name="此项目不涉及", target="0", actual="0",
                        weight=D(0)),)
    result = score(Evaluation(kind=Kind.PROJECT, title="测试", indicators=lines),
                   RuleSet(name="rescale", not_applicable="rescale"))
    parts = [oracle_score(ExactCase("higher", w, target=D(100), actual=a)) for w, a in rows]
    total = sum(parts, D(0))
    expected = oracle_round(F(total) * 100 / F(sum((w for w, _ in rows), D(0)))) if top != 100 else total
    assert result.total == expected, (rows, parts, result.total, expected)


@given(rescale_tables())
@example(([(D(80), D("0.0125"))], D(80)))  # Σ 0.01 × 100 / 80 = 0.0125 → 0.01
@example(([(D(40), D("0.025"))], D(40)))  # 0.01 × 100 / 40 = 0.025 → 0.03
def test_rescaled_total_matches_the_oracle(table) -> None:
    """A table whose 分值 do not add to 100 after dropping N/A lines is scaled exactly, rounded once."""
    check_rescale(table)


@pytest.mark.parametrize("budget,executed,capped", [
    ("3", "2.4", False),  # 80.00% exactly: not below 80, not capped
    ("3", "2.3999", True),  # 79.99…%: capped at 89
    ("7", "5.6", False),  # 80% again, from a budget whose reciprocal does not terminate
], ids=["exactly-80", "just-below-80", "exactly-80-over-7"])
def test_total_cap_compares_the_exact_rate(budget, executed, capped) -> None:
    """Caps by 执行率 (rate-caps-deviation) compare the exact 执行数/预算数 with the band edge."""
    evaluation = Evaluation(kind=Kind.PROJECT, title="测试", funds=Funds(weight=D(10), budget=D(budget),
                                                                       executed=D(executed)),
                            indicators=(Indicator(level1="产出指标", name="甲", target="≥1", actual="1",
                                                  weight=D(90)),))
    result = score(evaluation, get_ruleset("rate-caps-deviation"))
    assert (result.total == D(89)) is capped
    assert any(f.code == "total_capped" for f in result.findings) is capped


# --- a bounded random run with its seed printed -------------------------------------------------

#: The key exact properties, run again on a fresh random seed every time the suite runs.
RANDOM_RUNS: list[tuple[str, st.SearchStrategy, Callable[..., None]]] = [
    ("exact-lines", exact_cases(), check_exact_case),
    ("scaled-scheme", scheme_tables(), check_scheme),
    ("rescale", rescale_tables(), check_rescale),
]


@pytest.mark.parametrize("name,strategy,check", RANDOM_RUNS, ids=[run[0] for run in RANDOM_RUNS])
def test_random_run(name: str, strategy: st.SearchStrategy, check: Callable[..., None]) -> None:
    """The fixed-seed profile repeats the same examples every run; this run draws new ones.

    The seed is ``PERFSCORE_SEED`` when set, else random; a failure names it (and Hypothesis
    prints ``@reproduce_failure``), so ``PERFSCORE_SEED=<seed> pytest tests/test_exact.py``
    replays it. Pin what it finds with ``@example`` above.
    """
    chosen = int(os.environ.get("PERFSCORE_SEED") or secrets.randbits(32))
    examples = int(os.environ.get("PERFSCORE_RANDOM_EXAMPLES", "200"))

    @seed(chosen)
    @settings(derandomize=False, max_examples=examples, database=None, deadline=None, print_blob=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(strategy)
    def run(value) -> None:
        check(value)

    try:
        run()
    except BaseException as exc:
        note = f"随机运行“{name}”失败：种子 {chosen}；重现：PERFSCORE_SEED={chosen} pytest tests/test_exact.py -k {name}"
        print(note)
        exc.add_note(note)
        raise
