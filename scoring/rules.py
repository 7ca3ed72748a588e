"""One small function per scoring case, registered by name.

Every rule has the same signature ``rule(case, ruleset) -> Outcome``. A rule set
names, for each case, the function that scores it (``RuleSet.cases``), so a
regional variant replaces one case without touching the engine. Rules return the
*unrounded* score as an exact Fraction (分值 × 实际 / 目标 is formed as one exact
quotient, never as a ratio cut to 28 digits and scaled afterwards); the engine
subtracts deductions exactly and rounds once. A sentence that shows a rounded score
or percentage rounds it from the exact value, for display only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Callable

from indicators.model import Judgment
from indicators.numbers import HUNDRED, ZERO, exact, fmt2
from indicators.problems import PerfscoreError, did_you_mean
from indicators.values import MULTIPLIERS, Comparison, Value, ValueKind

from . import reasons as R
from .formulas import FormulaError, evaluate
from .results import Status
from .ruleset_model import RuleSet

__all__ = ["LineCase", "Outcome", "Rule", "RULES", "UnknownRule", "register", "rule_named", "judge",
           "comparable_numbers"]


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
    printed_rate: Fraction | None = None  # the 执行率 the table printed, as a fraction (0.9532)


@dataclass(frozen=True)
class Outcome:
    """A rule's answer: the exact unrounded score (None when a person must judge) and why."""

    score: Fraction | None
    status: Status
    reasons: tuple[str, ...]
    met: bool = False
    #: set when a rule-set formula failed on this line (the Chinese message)
    error: str | None = None


Rule = Callable[[LineCase, RuleSet], Outcome]

#: The registry: rule name → function. Rule sets refer to rules by these names.
RULES: dict[str, Rule] = {}


class UnknownRule(PerfscoreError, KeyError):
    """A rule name that is not in :data:`RULES`; the message suggests the nearest name."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


def rule_named(name: str) -> Rule:
    """The registered rule called ``name``.

    Raises:
        UnknownRule: no rule of that name (with a did-you-mean suggestion).
    """
    rule = RULES.get(name)
    if rule is None:
        raise UnknownRule(f"没有名为“{name}”的规则{did_you_mean(name, RULES)}（可用：{'、'.join(RULES)}）")
    return rule


def register(name: str) -> Callable[[Rule], Rule]:
    """Add a rule to :data:`RULES` under ``name``."""

    def add(rule: Rule) -> Rule:
        RULES[name] = rule
        return rule

    return add


def comparable_numbers(case: LineCase, wording: R.Wording = None) -> tuple[Decimal, Decimal] | str:
    """(actual, target) in the same base unit, or a sentence saying why they are not comparable.

    An actual with no unit inherits the target's unit and magnitude (W1: ``39``
    against ``≥10家``; ``1101.71`` against ``>1045万`` is read in 万).
    """
    actual, target = case.actual, case.target
    if actual.kind is not ValueKind.NUMBER or actual.number is None:
        return _unreadable(case, wording, actual.reason or R.say(wording, "why_not_number"))
    number = actual.number
    if not actual.unit and not actual.magnitude and target.magnitude:
        number = number * MULTIPLIERS[target.magnitude]
    if actual.unit and target.unit and actual.unit != target.unit:
        return R.plain(wording, "unit_mismatch", **_fields(case), actual_unit=actual.unit, target_unit=target.unit)
    return number, (target.number if target.number is not None else ZERO)


def _fields(case: LineCase) -> dict:
    """The fields every sentence about ``case`` offers (name, actual, target, note, weight)."""
    return {"name": case.name, "actual": case.actual.display, "target": case.target.display, "note": case.note,
            "weight": case.weight}


def _unreadable(case: LineCase, wording: R.Wording, why: str) -> str:
    fields = {**_fields(case), "actual": case.actual.raw}
    if not case.actual.raw.strip():
        return R.plain(wording, "actual_empty", **fields)
    return R.plain(wording, "actual_unreadable", **fields, why=why)


def judge(case: LineCase, ruleset: RuleSet, lead: tuple[str, ...]) -> Outcome:
    """Score a line from a judgment: the given one, else the recorded score, else none.

    docs/rules.md §2–3: qualitative lines and unreadable actuals are scored from an
    evaluator's judgment; an imported table's own score counts as that judgment when
    it lies within [0, 分值]. With neither, the line is reported as needing one.
    """
    w = ruleset.wording
    weight, given = exact(case.weight), case.judgment
    fields = _fields(case)
    if given is not None:
        if given.score is not None:
            score, how = exact(given.score), R.say(w, "how_score")
        elif given.fraction is not None:
            score, how = weight * exact(given.fraction), R.say(w, "how_fraction", percent=R.P(given.fraction * HUNDRED))
        else:
            tier = ruleset.find_tier(given.tier or "")
            if tier is None:
                names = "、".join(t.name for t in ruleset.tiers)
                return Outcome(None, Status.NEEDS_JUDGMENT,
                               lead + (R.plain(w, "tier_unknown", **fields, tier=given.tier, tiers=names),))
            score = weight * exact(tier.high)
            how = R.say(w, "tier_upper", tier=tier.name, low=R.P(tier.low * 100), high=R.P(tier.high * 100))
        if given.tier and (given.score is not None or given.fraction is not None):
            tier = ruleset.find_tier(given.tier)
            if tier is not None:
                low, high = weight * exact(tier.low), weight * exact(tier.high)
                if not low <= score <= high:
                    return Outcome(None, Status.NEEDS_JUDGMENT, lead + (R.plain(
                        w, "judgment_outside_tier", **fields, score=R.P(score), tier=tier.name, low=R.P(low),
                        high=R.P(high)),))
        if not 0 <= score <= weight:
            return Outcome(None, Status.NEEDS_JUDGMENT, lead + (
                R.plain(w, "judgment_out_of_range", **fields, score=R.P(score)),))
        why = R.say(w, "judged_why", reason=given.reason) if given.reason else ""
        return Outcome(score, Status.JUDGED, lead + (R.plain(
            w, "judged_given", **fields, score=R.P(score), lost=R.P(weight - score),
            deducted=R.deducted(w, weight - score), how=how, reason=given.reason or "", why=why),),
            met=score == weight)
    if case.recorded is not None:
        recorded = exact(case.recorded)
        if not 0 <= recorded <= weight:
            return Outcome(None, Status.NEEDS_JUDGMENT, lead + (
                R.plain(w, "judgment_out_of_range", **fields, score=R.P(recorded)),))
        return Outcome(recorded, Status.JUDGED, lead + (R.plain(
            w, "judged_from_recorded", **fields, score=R.P(recorded), lost=R.P(weight - recorded),
            deducted=R.deducted(w, weight - recorded)),), met=recorded == weight)
    tiers = " / ".join(R.say(w, "tier_option", tier=t.name, low=R.P(t.low * HUNDRED), high=R.P(t.high * HUNDRED))
                       for t in ruleset.tiers)
    return Outcome(None, Status.NEEDS_JUDGMENT, lead + (R.plain(w, "needs_judgment", **fields, tiers=tiers),))


def _lead(case: LineCase, ruleset: RuleSet, key: str) -> str:
    return R.lead(ruleset.wording, key, **_fields(case))


def by_formula(case: LineCase, ruleset: RuleSet, key: str, lead: str,
               values: dict[str, Decimal | Fraction]) -> Outcome:
    """Score a branch with the rule set's formula for ``key``; a failure needs judgment and says why.

    The score is returned as the formula gives it (not clamped), so ``rules verify`` sees
    a formula that leaves [0, 分值]; the engine clamps it and reports that.
    """
    w = ruleset.wording
    formula = ruleset.compiled[key]
    try:
        score = evaluate(formula, {"weight": case.weight, **values})
    except FormulaError as exc:
        return Outcome(None, Status.NEEDS_JUDGMENT, (lead, R.plain(w, "formula_failed", **_fields(case),
                                                                   error=str(exc))), error=str(exc))
    weight = exact(case.weight)
    shown = ruleset.round_line(min(max(score, Fraction(0)), weight))
    lost = case.weight - shown
    return Outcome(score, Status.SCORED, (R.plain(
        w, "formula_scored", **_fields(case), score=R.P(shown), lead=lead, ruleset=ruleset.name, formula=formula.text,
        lost=R.P(lost), deducted=R.deducted(w, lost)),), met=score >= weight)


def _ratio(actual: Decimal, target: Decimal) -> Fraction:
    """实际/目标 exactly (0 for a zero target), for formulas that use ``ratio``."""
    return exact(actual) / exact(target) if target else Fraction(0)


def _full(case: LineCase, ruleset: RuleSet, key: str, note: str | None = None) -> Outcome:
    fields = _fields(case) if note is None else {**_fields(case), "note": note}
    return Outcome(exact(case.weight), Status.SCORED, (R.full(ruleset.wording, key, **fields),), met=True)


def _zero(case: LineCase, ruleset: RuleSet, key: str) -> Outcome:
    return Outcome(Fraction(0), Status.SCORED, (R.zero(ruleset.wording, key, **_fields(case)),))


def _scaled(case: LineCase, ruleset: RuleSet, key: str, score: Fraction, **extra: str) -> Outcome:
    """A proportional score and its sentence, the score shown as the line will be rounded."""
    shown = ruleset.round_line(score)
    return Outcome(score, Status.SCORED, (R.proportional(ruleset.wording, key, **_fields(case), score=shown, **extra),))


def _proportional(case: LineCase, ruleset: RuleSet, actual: Decimal, target: Decimal) -> Outcome:
    # 分值 × 实际 / 目标 as one exact quotient: 12.61 × 0.81 / 5.82 is exactly 1.755 → 1.76.
    ratio = exact(actual) / exact(target)
    score = max(exact(case.weight) * exact(actual) / exact(target), Fraction(0))
    return _scaled(case, ruleset, "short_of_target", score, ratio=fmt2(ratio * 100))


@register("higher_is_better")
def higher_is_better(case: LineCase, ruleset: RuleSet) -> Outcome:
    """正向: met or over-achieved → full 分值; short → 分值 × 实际/目标, floor 0 (U4: 5 × 18.83/25 = 3.77)."""
    numbers = comparable_numbers(case, ruleset.wording)
    if isinstance(numbers, str):
        return judge(case, ruleset, (numbers,))
    actual, target = numbers
    values = {"target": target, "actual": actual, "ratio": _ratio(actual, target)}
    if actual == target and _strict(case) and target > 0:
        # ">95%" with 95%: not exceeded, but the shortfall formula gives 95/95 — full.
        if "higher_short" in ruleset.compiled:
            return by_formula(case, ruleset, "higher_short", _lead(case, ruleset, "lead_not_above"), values)
        return Outcome(exact(case.weight), Status.SCORED, (
            R.full(ruleset.wording, "not_above_target", **_fields(case)),))
    if actual > target and "over" in ruleset.compiled:
        return by_formula(case, ruleset, "over", _lead(case, ruleset, "lead_over"), values)
    if actual >= target or target <= 0:
        return _full(case, ruleset, "over_achieved" if actual > target else "met")
    if "higher_short" in ruleset.compiled:
        return by_formula(case, ruleset, "higher_short", _lead(case, ruleset, "lead_short"), values)
    return _proportional(case, ruleset, actual, target)


def _strict(case: LineCase) -> bool:
    """The target says strictly more or less (> <), not ≥ ≤."""
    return case.comparison in (Comparison.GT, Comparison.LT)


@register("lower_is_better")
def lower_is_better(case: LineCase, ruleset: RuleSet) -> Outcome:
    """反向: within the ceiling → full; exceeded → 0 (U5: 聘用人员控制数 5 → 6人, 0 of 10)."""
    numbers = comparable_numbers(case, ruleset.wording)
    if isinstance(numbers, str):
        return judge(case, ruleset, (numbers,))
    actual, target = numbers
    exceeded = actual > target or (actual == target and _strict(case))
    if exceeded and "lower_exceeded" in ruleset.compiled:
        return by_formula(case, ruleset, "lower_exceeded", _lead(case, ruleset, "lead_lower_exceeded"),
                          {"target": target, "actual": actual, "ratio": _ratio(actual, target)})
    if actual == target and _strict(case):
        return _zero(case, ruleset, "ceiling_reached")
    if actual <= target:
        return _full(case, ruleset, "within_ceiling")
    return _zero(case, ruleset, "ceiling_exceeded")


@register("lower_is_better_proportional")
def lower_is_better_proportional(case: LineCase, ruleset: RuleSet) -> Outcome:
    """反向 variant: exceeded → 分值 × 目标/实际 (5 → 6人: 10 × 5/6 = 8.33)."""
    numbers = comparable_numbers(case, ruleset.wording)
    if isinstance(numbers, str):
        return judge(case, ruleset, (numbers,))
    actual, target = numbers
    if actual <= target and not (actual == target and _strict(case)):
        return lower_is_better(case, ruleset)
    if actual == target:  # "<5" with 5: not met; the proportional formula gives 5/5
        return Outcome(exact(case.weight), Status.SCORED, (
            R.full(ruleset.wording, "ceiling_reached_proportional", **_fields(case)),))
    ratio = exact(target) / exact(actual)
    score = exact(case.weight) * exact(target) / exact(actual)  # one exact quotient (5 → 6人: 10 × 5/6)
    return _scaled(case, ruleset, "ceiling_exceeded_proportional", score, ratio=fmt2(ratio * 100))


@register("equal_as_higher")
def equal_as_higher(case: LineCase, ruleset: RuleSet) -> Outcome:
    """等于: scored as higher-is-better and capped at full (U4 `正向 等于 25` → 18.83 scores 3.77).

    A rule set's ``equal`` formula replaces this for every actual (e.g. closer is better).
    """
    if "equal" in ruleset.compiled:
        numbers = comparable_numbers(case, ruleset.wording)
        if isinstance(numbers, str):
            return judge(case, ruleset, (numbers,))
        actual, target = numbers
        return by_formula(case, ruleset, "equal", _lead(case, ruleset, "lead_equal"),
                          {"target": target, "actual": actual, "ratio": _ratio(actual, target)})
    return higher_is_better(case, ruleset)


@register("closer_is_better")
def closer_is_better(case: LineCase, ruleset: RuleSet) -> Outcome:
    """等于 variant: the closer the actual to the target, the higher — 分值 × (1 − |实际−目标|/目标), floor 0."""
    numbers = comparable_numbers(case, ruleset.wording)
    if isinstance(numbers, str):
        return judge(case, ruleset, (numbers,))
    actual, target = numbers
    if actual == target or target <= 0:
        outcome = _full(case, ruleset, "met", note=R.note(ruleset.wording, "note_equal"))
        return Outcome(outcome.score, outcome.status, outcome.reasons, met=actual == target)
    gap = exact(abs(actual - target)) / exact(target)
    # 分值 × (目标 − |实际 − 目标|) / 目标, exact; floor 0 when the actual is twice the target or more.
    score = max(exact(case.weight) * (exact(target) - exact(abs(actual - target))) / exact(target), Fraction(0))
    return _scaled(case, ruleset, "closer_gap", score, gap=fmt2(gap * 100))


@register("in_range")
def in_range(case: LineCase, ruleset: RuleSet) -> Outcome:
    """区间 ``a-b``: full inside; outside, proportional to the nearer bound."""
    numbers = comparable_numbers(case, ruleset.wording)
    if isinstance(numbers, str):
        return judge(case, ruleset, (numbers,))
    number = numbers[0]
    low, high = case.target.low, case.target.high
    assert low is not None and high is not None
    if low <= number <= high:
        return _full(case, ruleset, "inside_range")
    if "range_outside" in ruleset.compiled:
        return by_formula(case, ruleset, "range_outside", _lead(case, ruleset, "lead_range_outside"),
                          {"actual": number, "lower": low, "upper": high})
    if number < low:
        ratio, bound = (exact(number) / exact(low) if low > 0 else Fraction(0)), "bound_low"
    else:
        ratio, bound = exact(high) / exact(number), "bound_high"
    score = max(exact(case.weight) * ratio, Fraction(0))  # Fractions: the product is exact
    return _scaled(case, ruleset, "outside_range", score, ratio=fmt2(ratio * 100),
                   bound=R.say(ruleset.wording, bound))


@register("yes_no")
def yes_no(case: LineCase, ruleset: RuleSet) -> Outcome:
    """是/否: full when the actual matches the target, else 0."""
    if case.actual.kind is not ValueKind.YES_NO:
        return judge(case, ruleset, (_unreadable(case, ruleset.wording, R.say(ruleset.wording, "why_not_yes_no")),))
    if case.actual.flag == case.target.flag:
        return _full(case, ruleset, "yes_no_match")
    if "yes_no_mismatch" in ruleset.compiled:
        return by_formula(case, ruleset, "yes_no_mismatch", _lead(case, ruleset, "lead_yes_no_mismatch"), {})
    return _zero(case, ruleset, "yes_no_mismatch")


@register("date_deadline")
def date_deadline(case: LineCase, ruleset: RuleSet) -> Outcome:
    """完成时限: on or before the target date → full; later needs judgment (no lateness rule in standard)."""
    if case.actual.kind is not ValueKind.DATE or case.actual.date is None or case.target.date is None:
        return judge(case, ruleset, (_unreadable(case, ruleset.wording, R.say(ruleset.wording, "why_not_date")),))
    ty, tm, td = case.target.date
    ay, am, ad = case.actual.date
    # Compare at the target's precision: a target month is met by any day in that month.
    late = (ay, am, ad or 0) > (ty, tm, td) if td is not None else (ay, am) > (ty, tm)
    if not late:
        return _full(case, ruleset, "date_met")
    if "date_late" in ruleset.compiled:
        late_months = Decimal((ay - ty) * 12 + (am - tm))
        late_days = Decimal(((ay - ty) * 12 + (am - tm)) * 30 + ((ad or 0) - (td or 0)))
        return by_formula(case, ruleset, "date_late", _lead(case, ruleset, "lead_date_late"),
                          {"late_days": max(late_days, ZERO), "late_months": max(late_months, ZERO)})
    return judge(case, ruleset, (R.plain(ruleset.wording, "date_late", **_fields(case)),))


@register("qualitative")
def qualitative(case: LineCase, ruleset: RuleSet) -> Outcome:
    """定性: scored from a judgment in tiers (达成 80–100%, 部分达成 60–80%, 未达成 0–60%)."""
    return judge(case, ruleset, (R.plain(ruleset.wording, "qualitative_line", **_fields(case)),))


@register("budget_line")
def budget_line(case: LineCase, ruleset: RuleSet) -> Outcome:
    """预算执行率: 分值 × min(执行数/预算数, 100%), the rate unrounded; 预算数 0 needs judgment."""
    w = ruleset.wording
    budget, executed = case.budget, case.executed
    assert budget is not None and executed is not None
    fields = _fields(case)
    if budget == 0:
        return judge(case, ruleset, (R.plain(w, "budget_zero", **fields),))
    rate = exact(executed) / exact(budget)  # exact: 分值 × 执行数 / 预算数 is rounded once
    lead = R.plain(w, "budget_rate", **fields, rate=fmt2(rate * 100), executed=R.amount(executed),
                   budget=R.amount(budget))
    if ruleset.budget_rate == "printed":
        if case.printed_rate is None:
            return judge(case, ruleset, (lead, R.plain(w, "budget_no_printed_rate", **fields)))
        rate = exact(case.printed_rate)
        lead = R.plain(w, "budget_printed_rate", **fields, lead=lead, printed=fmt2(rate * 100))
    if "budget" in ruleset.compiled:
        return by_formula(case, ruleset, "budget", lead, {"rate": rate, "budget": budget, "executed": executed})
    if ruleset.budget_scoring == "banded":
        percent = rate * 100
        band = next((b for b in sorted(ruleset.budget_bands, key=lambda b: b.min_rate, reverse=True)
                     if percent >= exact(b.min_rate)), None)
        fraction = exact(band.fraction) if band else Fraction(0)
        score = exact(case.weight) * fraction
        shown = ruleset.round_line(score)
        where = R.say(w, "band_at", min_rate=R.P(band.min_rate)) if band else R.say(w, "band_none")
        return Outcome(score, Status.SCORED, (R.plain(
            w, "budget_banded", **fields, lead=lead, band=where, percent=R.P(fraction * 100), score=R.P(shown),
            lost=R.P(case.weight - shown), loss=R.loss(w, case.weight - shown) if shown < case.weight else ""),),
            met=fraction >= 1)
    if rate >= 1:
        key = "budget_over" if rate > 1 else "budget_full"
        return Outcome(exact(case.weight), Status.SCORED, (R.plain(w, key, **fields, lead=lead,
                                                                    score=R.P(case.weight)),), met=True)
    return _scaled(case, ruleset, "budget_partial", exact(case.weight) * rate, lead=lead)
