"""Property tests of the standard scoring rules (docs/rules.md §1–7) over generated tables.

Each test says in its docstring what a user of perfscore relies on. Tables are built
directly from the models (see ``tests/strategies.py``); every number is a Decimal.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import assume, example, given
from hypothesis import strategies as st

from indicators.model import Evaluation, Funds, Indicator, Kind, Nature
from indicators.numbers import round_half_up
from indicators.values import Comparison, ValueKind, parse_value
from scoring.engine import score
from scoring.results import EvaluationResult, LineResult, Status
from scoring.weights import split_equally

from .strategies import (
    QuantSpec, amounts, evaluations, funds, goal_tables, indicators, pending_qualitative, positive_amounts,
    quant_specs,
)

D = Decimal
COUNTED = (Status.SCORED, Status.JUDGED)
CENT = D("0.01")

# Seed lines pinned as regressions (samples/README.md; samples/u4…, samples/u5…).
U4_COST = QuantSpec(name="开展相关工作所需成本支出", higher=True, nature=Nature.POSITIVE, prefix="", suffix="",
                    unit="万元", unit_in_target=False, unit_in_actual=False, direction="等于",
                    target=D("25"), actual=D("18.83"), weight=D(5), level1="产出指标", level2="成本指标")
U5_STAFF = QuantSpec(name="聘用人员控制数", higher=False, nature=Nature.NEGATIVE, prefix="", suffix="",
                     unit="人", unit_in_target=False, unit_in_actual=False, direction="小于等于",
                     target=D("5"), actual=D("6"), weight=D(10))
# A cost line of 1000万元 met with 1999.12万元 (one number, unit from the 计量单位 column).
COST_1999_12 = QuantSpec(name="成本支出", higher=True, nature=Nature.POSITIVE, prefix="", suffix="", unit="万元",
                         unit_in_target=False, unit_in_actual=False, direction=None,
                         target=D("1000"), actual=D("1999.12"), weight=D(5))


def single(spec: QuantSpec, others: tuple[Indicator, ...] = (), fund: Funds | None = None) -> Evaluation:
    """A project table holding ``spec``'s line (first) and ``others``."""
    return Evaluation(kind=Kind.PROJECT, title="测试", funds=fund, indicators=(spec.indicator(), *others))


def indicator_lines(result: EvaluationResult) -> list[LineResult]:
    return [line for line in result.lines if line.kind == "indicator"]


def first_indicator(result: EvaluationResult) -> LineResult:
    return indicator_lines(result)[0]


def scores(result: EvaluationResult) -> list[Decimal]:
    """The lines' scores as a sorted multiset (None, for an unscored line, as −1)."""
    return sorted(D(-1) if line.score is None else line.score for line in result.lines)


def places_ok(value: Decimal) -> bool:
    return value.as_tuple().exponent >= -2


others_lines = st.lists(indicators(), max_size=3).map(tuple)


# 1 ─────────────────────────────────────────────────────────────────────────────
@given(evaluations(lines=indicators(with_deductions=True)))
def test_line_scores_stay_within_weight_and_lost_is_the_rest(ev: Evaluation) -> None:
    """A line can never score below 0 or above its 分值 (deductions included), and the points
    it reports as lost are exactly 分值 − 得分 — a reviewer can add them back up to the weight."""
    result = score(ev)
    assert len(result.lines) == len(ev.lines()) + (ev.funds is not None)
    for line in result.lines:
        if line.status in COUNTED:
            assert line.weight is not None and line.score is not None
            assert D(0) <= line.score <= line.weight, line
            assert line.lost == line.weight - line.score, line
        else:
            assert line.score is None and line.lost is None, line
    assert result.lost == sum((line.weight - line.score for line in result.lines if line.status in COUNTED), D(0))


# 2 ─────────────────────────────────────────────────────────────────────────────
@given(spec=quant_specs(), actuals=st.tuples(amounts(), amounts()), others=others_lines)
@example(spec=U4_COST, actuals=(D("18.83"), D("25")), others=())
@example(spec=U5_STAFF, actuals=(D("5"), D("6")), others=())
def test_better_actual_never_scores_lower(spec: QuantSpec, actuals: tuple[Decimal, Decimal],
                                          others: tuple[Indicator, ...]) -> None:
    """Monotonicity: on a 正向 line a higher actual never lowers the score; on a 反向 line a
    higher actual never raises it. Scoring the same table twice with two actuals."""
    low, high = sorted(actuals)
    s_low = first_indicator(score(single(spec.with_actual(low), others)))
    s_high = first_indicator(score(single(spec.with_actual(high), others)))
    assert s_low.status is Status.SCORED and s_high.status is Status.SCORED, (s_low.reasons, s_high.reasons)
    if spec.higher:
        assert s_low.score <= s_high.score
    else:
        assert s_low.score >= s_high.score


# 3 ─────────────────────────────────────────────────────────────────────────────
@given(spec=quant_specs(), extra=amounts(), others=others_lines)
@example(spec=U5_STAFF.with_actual(D("5")), extra=D(0), others=())
@example(spec=COST_1999_12, extra=D(0), others=())  # regression: a 4-digit amount with cents 01–12 is a number
def test_met_target_scores_full_weight(spec: QuantSpec, extra: Decimal, others: tuple[Indicator, ...]) -> None:
    """A met target earns the line's full 分值: actual ≥ target on a 正向 line, ≤ on a 反向 one —
    strictly more or less when the table says > or < (then equality does not meet it)."""
    step = D("0.01") if spec.strict else D(0)
    if spec.higher:
        meets = spec.actual > spec.target if spec.strict else spec.actual >= spec.target
        met = spec.with_actual(spec.actual if meets else spec.target + extra + step)
    else:
        assume(not spec.strict or spec.target > 0)  # nothing non-negative is below a "<0" ceiling
        meets = spec.actual < spec.target if spec.strict else spec.actual <= spec.target
        met = spec.with_actual(spec.actual if meets else max(spec.target - extra - step, D(0)))
        assume(not spec.strict or met.actual < spec.target)
    line = first_indicator(score(single(met, others)))
    assert line.status is Status.SCORED, line.reasons
    assert line.score == line.weight == met.weight
    assert line.lost == 0


@given(spec=quant_specs(higher=True), ratio=st.integers(0, 99))
@example(spec=U4_COST, ratio=75)
def test_short_of_a_higher_target_scores_in_proportion(spec: QuantSpec, ratio: int) -> None:
    """正向 short of target: 分值 × 实际/目标, rounded half up to 0.01 (U4: 5 × 18.83/25 = 3.77)."""
    assume(spec.target > 0)
    actual = spec.actual if spec.actual < spec.target else round_half_up(spec.target * ratio / 100, 2)
    assume(actual < spec.target)
    line = first_indicator(score(single(spec.with_actual(actual))))
    assert line.status is Status.SCORED, line.reasons
    assert line.score == round_half_up(Fraction(spec.weight) * Fraction(actual) / Fraction(spec.target), 2)
    assert line.score <= line.weight and line.reasons  # 0.99 of 0.5 rounds back up to 0.50


@given(spec=quant_specs(higher=False), over=positive_amounts())
@example(spec=U5_STAFF, over=D(1))
def test_exceeded_lower_target_scores_zero(spec: QuantSpec, over: Decimal) -> None:
    """反向 over its ceiling scores 0 of its 分值 (U5 聘用人员控制数 5 → 6人: 0 of 10)."""
    actual = spec.actual if spec.actual > spec.target else spec.target + over
    line = first_indicator(score(single(spec.with_actual(actual))))
    assert line.status is Status.SCORED, line.reasons
    assert line.score == 0 and line.lost == spec.weight


# 4 ─────────────────────────────────────────────────────────────────────────────
@given(ev=evaluations(), data=st.data())
def test_total_is_sum_of_rounded_lines_and_order_free(ev: Evaluation, data: st.DataObject) -> None:
    """The total is the sum of the rounded scores of scored and judged lines, budget line included
    (how every seed total adds up), and it does not depend on the order the lines are written in."""
    result = score(ev)
    counted = [line for line in result.lines if line.status in COUNTED]
    assert result.total == sum((line.score for line in counted), D(0))
    assert all(line.score == round_half_up(line.score, 2) for line in counted)

    if ev.goals:
        goals = data.draw(st.permutations(
            [g.model_copy(update={"indicators": tuple(data.draw(st.permutations(g.indicators)))}) for g in ev.goals]))
        other = ev.model_copy(update={"goals": tuple(goals)})
        reversed_ = ev.model_copy(update={"goals": tuple(
            g.model_copy(update={"indicators": g.indicators[::-1]}) for g in ev.goals[::-1])})
    else:
        other = ev.model_copy(update={"indicators": tuple(data.draw(st.permutations(ev.indicators)))})
        reversed_ = ev.model_copy(update={"indicators": ev.indicators[::-1]})
    for shuffled in (score(other), score(reversed_)):
        assert shuffled.total == result.total
        assert shuffled.max_total == result.max_total
        assert scores(shuffled) == scores(result)


# 5 ─────────────────────────────────────────────────────────────────────────────
@given(evaluations(lines=indicators(with_deductions=True)))
def test_decimal_in_decimal_out(ev: Evaluation) -> None:
    """Scores are checked to the cent: every number in the result is a Decimal (never a float)
    or None, and each line score has at most 2 decimal places."""
    result = score(ev)
    for value in (result.total, result.max_total, result.pending_weight, result.lost):
        assert type(value) is Decimal
    assert result.recorded_total is None or type(result.recorded_total) is Decimal
    assert places_ok(result.total)
    for line in result.lines:
        for value in (line.weight, line.score, line.lost, line.recorded):
            assert value is None or type(value) is Decimal, line
        if line.score is not None:
            assert places_ok(line.score), line.score
            assert places_ok(line.lost), line.lost
    if result.budget is not None:
        b = result.budget
        for value in (b.budget, b.executed, b.rate, b.weight, b.score):
            assert value is None or type(value) is Decimal, b


# 6 ─────────────────────────────────────────────────────────────────────────────
@given(fund=funds(), others=st.lists(indicators(), min_size=1, max_size=3).map(tuple))
@example(fund=Funds(weight=D(10), budget=D("25.00"), executed=D("18.83")),  # U4: 10 × 75.32% = 7.53
         others=(U4_COST.indicator(),))
@example(fund=Funds(weight=D(20), budget=D("4342.32"), executed=D("4342.35")),  # W1: over-executed → full 20
         others=(U5_STAFF.indicator(),))
def test_budget_line_scores_weight_times_capped_rate(fund: Funds, others: tuple[Indicator, ...]) -> None:
    """预算执行率 line: 分值 × min(执行数/预算数, 100%) on the unrounded rate, rounded half up to 0.01;
    over-execution scores exactly the 分值, never more."""
    result = score(Evaluation(kind=Kind.PROJECT, title="测试", funds=fund, indicators=others))
    line = result.lines[0]
    assert line.kind == "budget" and line.status is Status.SCORED
    rate = Fraction(fund.executed) / Fraction(fund.budget)
    assert line.score == round_half_up(Fraction(fund.weight) * min(rate, Fraction(1)), 2)
    if fund.executed >= fund.budget:
        assert line.score == fund.weight and line.lost == 0
    else:
        assert line.score <= fund.weight
    assert result.budget is not None and result.budget.score == line.score
    # The rate kept for reports: exact, or within 10**-20 and shown (to 0.01) as the exact rate rounds.
    assert abs(Fraction(result.budget.rate) - rate * 100) < Fraction(1, 10**20)
    assert round_half_up(result.budget.rate, 2) == round_half_up(rate * 100, 2)


@given(fund=funds(budget=st.just(D(0))))
def test_zero_budget_needs_judgment(fund: Funds) -> None:
    """预算数 0 gives no rate: the budget line is reported as needing judgment, not divided."""
    result = score(Evaluation(kind=Kind.PROJECT, title="测试", funds=fund, indicators=(U4_COST.indicator(),)))
    assert result.lines[0].status is Status.NEEDS_JUDGMENT and result.lines[0].score is None
    assert not result.complete and result.budget.rate is None


# 7 ─────────────────────────────────────────────────────────────────────────────
@given(total=amounts(1, 100), count=st.integers(1, 7))
@example(total=D(50), count=3)  # docs/rules.md §4: 16.67 + 16.67 + 16.66
@example(total=D(80), count=2)  # Q1, Q2: 40 + 40
def test_split_equally_adds_up_exactly(total: Decimal, count: int) -> None:
    """A goal's 分值 split among its lines adds up exactly to the goal, with parts at 0.01 that
    differ by at most 0.01 (largest remainder)."""
    parts = split_equally(total, count)
    assert len(parts) == count
    assert sum(parts, D(0)) == total
    assert max(parts) - min(parts) <= CENT
    assert all(places_ok(p) and p > 0 for p in parts)


@given(goal_tables())
def test_goal_weight_is_split_equally_when_scoring(table: tuple[Evaluation, Decimal, int]) -> None:
    """Scoring a table whose goal carries 分值 W over n lines without 分值: the lines' resolved
    分值 add up exactly to W and differ by at most 0.01."""
    ev, total, count = table
    lines = indicator_lines(score(ev))
    assert len(lines) == count
    resolved = [line.weight for line in lines]
    assert all(w is not None for w in resolved)
    assert sum(resolved, D(0)) == total
    assert max(resolved) - min(resolved) <= CENT
    assert sorted(resolved) == sorted(split_equally(total, count))


# 8 ─────────────────────────────────────────────────────────────────────────────
OPS = {"≥": Comparison.GE, ">": Comparison.GT, "≤": Comparison.LE, "<": Comparison.LT, "": None}


@given(d=amounts(0, 100000), unit=st.sampled_from(("%", "家", "次", "个月", "")), op=st.sampled_from(list(OPS)))
@example(d=D("2023.05"), unit="", op="")  # a bare 4-digit number with cents 01–12
def test_parse_value_round_trip(d: Decimal, unit: str, op: str) -> None:
    """A number written as an officer writes it (``≥95%``, ``6个月``, ``25``) reads back as the same
    number, unit and comparison; ``X万`` reads as X × 10000."""
    text = f"{op}{d:f}{unit}"
    value = parse_value(text)
    assert value.kind is ValueKind.NUMBER, (text, value)
    assert (value.number, value.unit, value.comparison) == (d, unit, OPS[op])
    ten_thousands = parse_value(f"{d:f}万")
    assert ten_thousands.kind is ValueKind.NUMBER and ten_thousands.number == d * 10000


@given(d=amounts(0, 100000), unit=st.sampled_from(("%", "家", "次", "人", "个月", "万元")),
       op=st.sampled_from(list(OPS)))
@example(d=D("1999.12"), unit="万元", op="")  # 1999.12 in a 万元 column is money, not December 1999
def test_parse_value_takes_unit_from_column(d: Decimal, unit: str, op: str) -> None:
    """A bare number in a line whose 计量单位 column says the unit is read as that number in that
    unit (``25`` with 万元 → 250000元), as the actual inherits the unit (docs/rules.md §2)."""
    value = parse_value(f"{op}{d:f}", unit)
    assert value.kind is ValueKind.NUMBER, (f"{op}{d:f}", unit, value)
    scale = D(10000) if unit.startswith("万") else D(1)
    assert (value.number, value.unit, value.comparison) == (d * scale, unit.removeprefix("万"), OPS[op])
    assert value.unit_from_column


# 9 ─────────────────────────────────────────────────────────────────────────────
@given(ev=evaluations(max_lines=6),
       pending=pending_qualitative(), position=st.integers(0, 7))
def test_unjudged_qualitative_line_is_pending(ev: Evaluation, pending: Indicator, position: int) -> None:
    """A 定性 line with no judgment and no recorded score is never scored silently: it needs
    judgment, the table is incomplete, its 分值 is pending and left out of the total, grade 待定."""
    if ev.goals:
        goals = list(ev.goals)
        k = position % len(goals)
        inds = list(goals[k].indicators)
        inds.insert(position % (len(inds) + 1), pending)
        goals[k] = goals[k].model_copy(update={"indicators": tuple(inds)})
        with_pending = ev.model_copy(update={"goals": tuple(goals)})
    else:
        inds = list(ev.indicators)
        inds.insert(position % (len(inds) + 1), pending)
        with_pending = ev.model_copy(update={"indicators": tuple(inds)})
    base, result = score(ev), score(with_pending)

    mine = [line for line in indicator_lines(result) if line.name == pending.name and line.status is Status.NEEDS_JUDGMENT]
    assert mine, "the unjudged line must need judgment"
    assert all(line.score is None and line.lost is None for line in mine)
    assert not result.complete
    assert result.grade == "待定"
    assert result.pending_weight == base.pending_weight + pending.weight
    assert result.total == base.total
    assert result.max_total == base.max_total + pending.weight
