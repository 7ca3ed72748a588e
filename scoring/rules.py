"""One small function per scoring case, registered by name.

Every rule has the same signature ``rule(case, ruleset) -> Outcome``. A rule set
names, for each case, the function that scores it (``RuleSet.cases``), so a
regional variant replaces one case without touching the engine. Rules return the
*unrounded* score; the engine rounds it once, after deductions.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from indicators.model import Judgment
from indicators.numbers import HUNDRED, ZERO
from indicators.values import MULTIPLIERS, Comparison, Value, ValueKind

from . import reasons as R
from .formulas import FormulaError, evaluate
from .results import Status
from .ruleset import RuleSet

__all__ = ["LineCase", "Outcome", "Rule", "RULES", "register", "judge", "comparable_numbers"]


@dataclass(frozen=True)
class LineCase:
    """What a rule may look at for one line."""

    name: str
    weight: Decimal
    target: Value
    actual: Value
    note: str = ""  # direction note for sentences: （正向） / （反向） / assumed
    comparison: Comparison | None = None  # the comparison the table states (target or 指标方向)
    recorded: Decimal | None = None
    judgment: Judgment | None = None
    # Budget line only:
    budget: Decimal | None = None
    executed: Decimal | None = None
    printed_rate: Decimal | None = None  # the 执行率 the table printed, as a fraction


@dataclass(frozen=True)
class Outcome:
    """A rule's answer: the unrounded score (None when a person must judge) and why."""

    score: Decimal | None
    status: Status
    reasons: tuple[str, ...]
    met: bool = False
    #: set when a rule-set formula failed on this line (the Chinese message)
    error: str | None = None


Rule = Callable[[LineCase, RuleSet], Outcome]

#: The registry: rule name → function. Rule sets refer to rules by these names.
RULES: dict[str, Rule] = {}


def register(name: str) -> Callable[[Rule], Rule]:
    """Add a rule to :data:`RULES` under ``name``."""

    def add(rule: Rule) -> Rule:
        RULES[name] = rule
        return rule

    return add


def comparable_numbers(case: LineCase) -> tuple[Decimal, Decimal] | str:
    """(actual, target) in the same base unit, or a sentence saying why they are not comparable.

    An actual with no unit inherits the target's unit and magnitude (W1: ``39``
    against ``≥10家``; ``1101.71`` against ``>1045万`` is read in 万).
    """
    actual, target = case.actual, case.target
    if actual.kind is not ValueKind.NUMBER or actual.number is None:
        return R.unreadable_actual(actual.raw, actual.reason or "不是数值")
    number = actual.number
    if not actual.unit and not actual.magnitude and target.magnitude:
        number = number * MULTIPLIERS[target.magnitude]
    if actual.unit and target.unit and actual.unit != target.unit:
        return R.unit_mismatch(actual.unit, target.unit)
    return number, (target.number if target.number is not None else ZERO)


def judge(case: LineCase, ruleset: RuleSet, lead: tuple[str, ...]) -> Outcome:
    """Score a line from a judgment: the given one, else the recorded score, else none.

    scoring-rules.md §2–3: qualitative lines and unreadable actuals are scored from an
    evaluator's judgment; an imported table's own score counts as that judgment when
    it lies within [0, 分值]. With neither, the line is reported as needing one.
    """
    weight, given = case.weight, case.judgment
    if given is not None:
        if given.score is not None:
            score, how = given.score, "直接给分"
        elif given.fraction is not None:
            score, how = weight * given.fraction, f"按分值的{R.P(given.fraction * HUNDRED)}%"
        else:
            tier = ruleset.find_tier(given.tier or "")
            if tier is None:
                names = "、".join(t.name for t in ruleset.tiers)
                return Outcome(None, Status.NEEDS_JUDGMENT,
                               lead + (f"评价档次“{given.tier}”不在规则集的档次中（{names}）",))
            score, how = weight * tier.high, R.tier_upper(tier.name, tier.low, tier.high)
        if given.tier and (given.score is not None or given.fraction is not None):
            tier = ruleset.find_tier(given.tier)
            if tier is not None and not (weight * tier.low <= score <= weight * tier.high):
                return Outcome(None, Status.NEEDS_JUDGMENT, lead + (
                    f"判断得分{R.P(score)}分不在“{tier.name}”档（{R.P(weight * tier.low)}–{R.P(weight * tier.high)}分）内",))
        if not ZERO <= score <= weight:
            return Outcome(None, Status.NEEDS_JUDGMENT, lead + (R.judgment_out_of_range(score, weight),))
        return Outcome(score, Status.JUDGED, lead + (R.judged_given(score, weight, how, given.reason),),
                       met=score == weight)
    if case.recorded is not None:
        if not ZERO <= case.recorded <= weight:
            return Outcome(None, Status.NEEDS_JUDGMENT, lead + (R.judgment_out_of_range(case.recorded, weight),))
        return Outcome(case.recorded, Status.JUDGED, lead + (R.judged_from_recorded(case.recorded, weight),),
                       met=case.recorded == weight)
    tiers = " / ".join(f"{t.name}（{R.P(t.low * HUNDRED)}%–{R.P(t.high * HUNDRED)}%）" for t in ruleset.tiers)
    return Outcome(None, Status.NEEDS_JUDGMENT, lead + (R.needs_judgment(tiers),))


def by_formula(case: LineCase, ruleset: RuleSet, key: str, lead: str, values: dict[str, Decimal]) -> Outcome:
    """Score a branch with the rule set's formula for ``key``; a failure needs judgment and says why.

    The score is returned as the formula gives it (not clamped), so ``rules verify`` sees
    a formula that leaves [0, 分值]; the engine clamps it and reports that.
    """
    formula = ruleset.compiled[key]
    try:
        score = evaluate(formula, {"weight": case.weight, **values})
    except FormulaError as exc:
        return Outcome(None, Status.NEEDS_JUDGMENT, (lead, f"{exc}，需要评价人判断"), error=str(exc))
    shown = ruleset.round_line(min(max(score, ZERO), case.weight))
    lost = case.weight - shown
    tail = f"，扣{R.P(lost)}分" if lost > 0 else ""
    return Outcome(score, Status.SCORED, (f"{lead}，按规则集“{ruleset.name}”的公式 {formula.text} 计得{R.P(shown)}分{tail}",),
                   met=score >= case.weight)


def _ratio(actual: Decimal, target: Decimal) -> Decimal:
    return actual / target if target else ZERO


def _proportional(case: LineCase, ruleset: RuleSet, actual: Decimal, target: Decimal) -> Outcome:
    ratio = actual / target
    score = max(case.weight * ratio, ZERO)
    shown = ruleset.round_line(score)
    reason = ruleset.say("short_of_target",
                         R.short_of_target(case.actual.display, case.target.display, case.note, ratio * HUNDRED,
                                           shown, case.weight - shown),
                         actual=case.actual.display, target=case.target.display, note=case.note,
                         ratio=R.fmt2(ratio * HUNDRED), score=R.P(shown), lost=R.P(case.weight - shown))
    return Outcome(score, Status.SCORED, (reason,))


@register("higher_is_better")
def higher_is_better(case: LineCase, ruleset: RuleSet) -> Outcome:
    """正向: met or over-achieved → full 分值; short → 分值 × 实际/目标, floor 0 (U4: 5 × 18.83/25 = 3.77)."""
    numbers = comparable_numbers(case)
    if isinstance(numbers, str):
        return judge(case, ruleset, (numbers,))
    actual, target = numbers
    values = {"target": target, "actual": actual, "ratio": _ratio(actual, target)}
    if actual == target and _strict(case) and target > 0:
        # ">95%" with 95%: not exceeded, but the shortfall formula gives 95/95 — full.
        if "higher_short" in ruleset.compiled:
            return by_formula(case, ruleset, "higher_short", f"实际完成值{case.actual.display}等于年度指标值"
                              f"{case.target.display}{case.note}，未超过指标值", values)
        return Outcome(case.weight, Status.SCORED, (R.not_above_target(case.actual.display, case.target.display,
                                                                        case.note, case.weight),))
    if actual > target and "over" in ruleset.compiled:
        return by_formula(case, ruleset, "over", f"实际完成值{case.actual.display}超过年度指标值"
                          f"{case.target.display}{case.note}", values)
    if actual >= target or target <= 0:
        key, sentence = ("over_achieved", R.over_achieved) if actual > target else ("met", R.met)
        reason = ruleset.say(key, sentence(case.actual.display, case.target.display, case.weight, case.note),
                             actual=case.actual.display, target=case.target.display, note=case.note,
                             score=R.P(case.weight))
        return Outcome(case.weight, Status.SCORED, (reason,), met=True)
    if "higher_short" in ruleset.compiled:
        return by_formula(case, ruleset, "higher_short", f"实际完成值{case.actual.display}低于年度指标值"
                          f"{case.target.display}{case.note}", values)
    return _proportional(case, ruleset, actual, target)


def _strict(case: LineCase) -> bool:
    """The target says strictly more or less (> <), not ≥ ≤."""
    return case.comparison in (Comparison.GT, Comparison.LT)


@register("lower_is_better")
def lower_is_better(case: LineCase, ruleset: RuleSet) -> Outcome:
    """反向: within the ceiling → full; exceeded → 0 (U5: 聘用人员控制数 5 → 6人, 0 of 10)."""
    numbers = comparable_numbers(case)
    if isinstance(numbers, str):
        return judge(case, ruleset, (numbers,))
    actual, target = numbers
    exceeded = actual > target or (actual == target and _strict(case))
    if exceeded and "lower_exceeded" in ruleset.compiled:
        return by_formula(case, ruleset, "lower_exceeded", f"{case.name}实际{case.actual.display}超过上限"
                          f"{case.target.display}{case.note}", {"target": target, "actual": actual,
                                                               "ratio": _ratio(actual, target)})
    if actual == target and _strict(case):
        return Outcome(ZERO, Status.SCORED,
                       (R.ceiling_reached(case.name, case.actual.display, case.target.display, case.weight, case.note),))
    fields = dict(name=case.name, actual=case.actual.display, target=case.target.display, note=case.note,
                  weight=R.P(case.weight))
    if actual <= target:
        return Outcome(case.weight, Status.SCORED, (ruleset.say("within_ceiling", R.within_ceiling(
            case.actual.display, case.target.display, case.weight, case.note), **fields),), met=True)
    return Outcome(ZERO, Status.SCORED, (ruleset.say("ceiling_exceeded", R.ceiling_exceeded(
        case.name, case.actual.display, case.target.display, case.weight, case.note), **fields),))


@register("lower_is_better_proportional")
def lower_is_better_proportional(case: LineCase, ruleset: RuleSet) -> Outcome:
    """反向 variant: exceeded → 分值 × 目标/实际 (5 → 6人: 10 × 5/6 = 8.33)."""
    numbers = comparable_numbers(case)
    if isinstance(numbers, str):
        return judge(case, ruleset, (numbers,))
    actual, target = numbers
    if actual <= target and not (actual == target and _strict(case)):
        return lower_is_better(case, ruleset)
    if actual == target:  # "<5" with 5: not met; the proportional formula gives 5/5
        return Outcome(case.weight, Status.SCORED, (
            f"{case.name}实际{case.actual.display}未低于上限{case.target.display}{case.note}（要求小于），"
            f"按指标值/实际值100.00%计得{R.P(case.weight)}分",))
    ratio = target / actual
    score = case.weight * ratio
    shown = ruleset.round_line(score)
    return Outcome(score, Status.SCORED, (
        f"{case.name}实际{case.actual.display}超过上限{case.target.display}{case.note}，按指标值/实际值"
        f"{R.fmt2(ratio * HUNDRED)}%计得{R.P(shown)}分{R._loss(case.weight - shown)}",))


@register("equal_as_higher")
def equal_as_higher(case: LineCase, ruleset: RuleSet) -> Outcome:
    """等于: scored as higher-is-better and capped at full (U4 `正向 等于 25` → 18.83 scores 3.77).

    A rule set's ``equal`` formula replaces this for every actual (e.g. closer is better).
    """
    if "equal" in ruleset.compiled:
        numbers = comparable_numbers(case)
        if isinstance(numbers, str):
            return judge(case, ruleset, (numbers,))
        actual, target = numbers
        return by_formula(case, ruleset, "equal", f"实际完成值{case.actual.display}，年度指标值{case.target.display}"
                          f"（等于）", {"target": target, "actual": actual, "ratio": _ratio(actual, target)})
    return higher_is_better(case, ruleset)


@register("closer_is_better")
def closer_is_better(case: LineCase, ruleset: RuleSet) -> Outcome:
    """等于 variant: the closer the actual to the target, the higher — 分值 × (1 − |实际−目标|/目标), floor 0."""
    numbers = comparable_numbers(case)
    if isinstance(numbers, str):
        return judge(case, ruleset, (numbers,))
    actual, target = numbers
    if actual == target or target <= 0:
        return Outcome(case.weight, Status.SCORED, (R.met(case.actual.display, case.target.display, case.weight,
                                                          "（等于）"),), met=actual == target)
    share = max(1 - abs(actual - target) / target, ZERO)
    score = case.weight * share
    shown = ruleset.round_line(score)
    return Outcome(score, Status.SCORED, (
        f"实际完成值{case.actual.display}与年度指标值{case.target.display}相差{R.fmt2(abs(actual - target) / target * HUNDRED)}%"
        f"（等于，越接近越好），计得{R.P(shown)}分{R._loss(case.weight - shown)}",))


@register("in_range")
def in_range(case: LineCase, ruleset: RuleSet) -> Outcome:
    """区间 ``a-b``: full inside; outside, proportional to the nearer bound."""
    numbers = comparable_numbers(case)
    if isinstance(numbers, str):
        return judge(case, ruleset, (numbers,))
    number, actual = numbers[0], case.actual
    low, high = case.target.low, case.target.high
    assert low is not None and high is not None
    if low <= number <= high:
        return Outcome(case.weight, Status.SCORED, (R.inside_range(actual.display, case.target.display, case.weight),),
                       met=True)
    if "range_outside" in ruleset.compiled:
        return by_formula(case, ruleset, "range_outside", f"实际完成值{actual.display}在年度指标值"
                          f"{case.target.display}区间之外", {"actual": number, "lower": low, "upper": high})
    if number < low:
        ratio, bound = (number / low if low > 0 else ZERO), "下限"
    else:
        ratio, bound = high / number, "上限"
    score = max(case.weight * ratio, ZERO)
    shown = ruleset.round_line(score)
    return Outcome(score, Status.SCORED, (R.outside_range(actual.display, case.target.display, bound,
                                                          ratio * HUNDRED, shown, case.weight - shown),))


@register("yes_no")
def yes_no(case: LineCase, ruleset: RuleSet) -> Outcome:
    """是/否: full when the actual matches the target, else 0."""
    if case.actual.kind is not ValueKind.YES_NO:
        return judge(case, ruleset, (R.unreadable_actual(case.actual.raw, "不是“是/否”"),))
    if case.actual.flag == case.target.flag:
        return Outcome(case.weight, Status.SCORED, (R.yes_no_match(case.actual.display, case.weight),), met=True)
    if "yes_no_mismatch" in ruleset.compiled:
        return by_formula(case, ruleset, "yes_no_mismatch", f"实际完成值“{case.actual.display}”与年度指标值"
                          f"“{case.target.display}”不符", {})
    return Outcome(ZERO, Status.SCORED, (R.yes_no_mismatch(case.actual.display, case.target.display, case.weight),))


@register("date_deadline")
def date_deadline(case: LineCase, ruleset: RuleSet) -> Outcome:
    """完成时限: on or before the target date → full; later needs judgment (no lateness rule in standard)."""
    if case.actual.kind is not ValueKind.DATE or case.actual.date is None or case.target.date is None:
        return judge(case, ruleset, (R.unreadable_actual(case.actual.raw, "不是日期"),))
    ty, tm, td = case.target.date
    ay, am, ad = case.actual.date
    # Compare at the target's precision: a target month is met by any day in that month.
    late = (ay, am, ad or 0) > (ty, tm, td) if td is not None else (ay, am) > (ty, tm)
    if not late:
        return Outcome(case.weight, Status.SCORED, (R.date_met(case.actual.display, case.target.display, case.weight),),
                       met=True)
    if "date_late" in ruleset.compiled:
        late_months = Decimal((ay - ty) * 12 + (am - tm))
        late_days = Decimal(((ay - ty) * 12 + (am - tm)) * 30 + ((ad or 0) - (td or 0)))
        return by_formula(case, ruleset, "date_late", f"实际完成时间{case.actual.display}晚于年度指标值"
                          f"{case.target.display}", {"late_days": max(late_days, ZERO),
                                                     "late_months": max(late_months, ZERO)})
    return judge(case, ruleset, (R.date_late(case.actual.display, case.target.display),))


@register("qualitative")
def qualitative(case: LineCase, ruleset: RuleSet) -> Outcome:
    """定性: scored from a judgment in tiers (达成 80–100%, 部分达成 60–80%, 未达成 0–60%)."""
    return judge(case, ruleset, (R.qualitative_line(),))


@register("budget_line")
def budget_line(case: LineCase, ruleset: RuleSet) -> Outcome:
    """预算执行率: 分值 × min(执行数/预算数, 100%), the rate unrounded; 预算数 0 needs judgment."""
    budget, executed = case.budget, case.executed
    assert budget is not None and executed is not None
    if budget == 0:
        return judge(case, ruleset, (R.budget_zero(),))
    rate = executed / budget
    lead = R.budget_rate(rate * HUNDRED, executed, budget)
    if ruleset.budget_rate == "printed":
        if case.printed_rate is None:
            return judge(case, ruleset, (lead, "规则集要求按表上印的执行率计分，但表上没有执行率"))
        rate = case.printed_rate
        lead += f"；按表上印的执行率{R.fmt2(rate * HUNDRED)}%计分"
    if "budget" in ruleset.compiled:
        return by_formula(case, ruleset, "budget", lead, {"rate": rate, "budget": budget, "executed": executed})
    if ruleset.budget_scoring == "banded":
        percent = rate * HUNDRED
        band = next((b for b in sorted(ruleset.budget_bands, key=lambda b: b.min_rate, reverse=True)
                     if percent >= b.min_rate), None)
        fraction = band.fraction if band else ZERO
        score = case.weight * fraction
        shown = ruleset.round_line(score)
        where = f"执行率≥{R.P(band.min_rate)}%一档" if band else "执行率低于最低一档"
        return Outcome(score, Status.SCORED, (f"{lead}，按{where}得分值的{R.P(fraction * HUNDRED)}%，"
                                              f"计{R.P(shown)}分{R._loss(case.weight - shown) if shown < case.weight else ''}",),
                       met=fraction >= 1)
    if rate >= 1:
        return Outcome(case.weight, Status.SCORED, (f"{lead}，{R.budget_full(case.weight, rate > 1)}",), met=True)
    score = case.weight * rate
    shown = ruleset.round_line(score)
    return Outcome(score, Status.SCORED, (f"{lead}，{R.budget_partial(case.weight, shown, case.weight - shown)}",))


