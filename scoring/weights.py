"""分值 resolution: given on the line, split from a goal or group, or the default scheme.

docs/rules.md §4: a goal (年度目标1(80分)) or a first/second-level group
(产出指标（50分）) whose lines carry no 分值 shares its weight equally among them,
by largest remainder at 0.01 so the parts add up exactly (50 over three lines:
16.67 + 16.67 + 16.66). A table with no weights at all gets the 财预〔2020〕10号
scheme. Not-applicable lines take no share.

When such a table prints the budget line's 分值 (湖北/武汉 forms: 预算执行情况(20分))
and that line counts in the total, the indicator groups share 100 minus it in the
scheme's proportions (产出 : 效益 : 满意度 = 50 : 30 : 10), so the table is still
worth 100 (see ``scaled_scheme``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from indicators.model import Evaluation, Goal, Indicator, split_declared_weight
from indicators.numbers import exact, round_half_up

from . import messages as M
from . import reasons as R
from .ruleset_model import RuleSet

__all__ = ["WeightPlan", "split_equally", "resolve_weights", "scheme_group", "scaled_scheme", "level_identity"]

#: the default-scheme entry that belongs to the budget line, not to an indicator group
BUDGET_KEY = "预算执行率"


@dataclass(frozen=True)
class WeightPlan:
    """Each indicator's 分值 (None when it cannot be known), with a note when it was not given."""

    weights: tuple[Decimal | None, ...]
    notes: tuple[str, ...]
    budget_weight: Decimal | None
    budget_note: str
    assigned_by_scheme: bool
    #: the ``weights_assigned`` finding's text, naming the weights actually used ("" when not by scheme)
    scheme_message: str = ""


def split_equally(total: Decimal, count: int, places: int = 2) -> list[Decimal]:
    """Split ``total`` into ``count`` parts at ``10**-places`` that add up exactly.

    Largest remainder: every part gets the floor of total/count, and the first
    parts get one more unit until the remainder is used (50/3 → 16.67, 16.67, 16.66).
    """
    if count <= 0:
        return []
    unit = Decimal(1).scaleb(-places)
    units = math.floor(exact(total) * 10 ** places)  # exact: never a quotient cut to 28 digits
    base, extra = divmod(units, count)
    return [(Decimal(base + (1 if i < extra else 0)) * unit) for i in range(count)]


def scheme_group(level1: str, ruleset: RuleSet) -> str | None:
    """The default-scheme group a first-level name belongs to (产出 / 效益 / 满意度), or None."""
    name, _ = split_declared_weight(level1)
    name = ruleset.scheme_aliases.get(name, name)
    for group in ruleset.default_scheme:
        if name == group or (len(group) >= 2 and group.removesuffix("指标") in name):
            return group
    return None


def _group_weights(evaluation: Evaluation) -> bool:
    for goal in evaluation.goals:
        if goal.weight is not None or split_declared_weight(goal.name)[1] is not None:
            return True
    for _, line in evaluation.lines():
        if split_declared_weight(line.level1)[1] is not None or split_declared_weight(line.level2)[1] is not None:
            return True
    return False


def level_identity(line: Indicator, field: str) -> str:
    """What tells a 一级/二级 group apart: its name, or — for a cell that prints only a weight
    (``(50分)``, ``（30分）``, name missing) — the cell it stands in (a merged cell is one group;
    two cells printing ``(50分)`` are two), else the text as written (YAML)."""
    text = getattr(line, field)
    name, _ = split_declared_weight(text)
    if name:
        return name
    place = line.places.get(field)
    return f"@{place}" if isinstance(place, str) else f"={text.strip()}"


def _goal_weight(goal: Goal) -> Decimal | None:
    return goal.weight if goal.weight is not None else split_declared_weight(goal.name)[1]


def resolve_weights(evaluation: Evaluation, ruleset: RuleSet) -> WeightPlan:
    """Decide every line's 分值 and the budget line's, saying where each came from."""
    lines = evaluation.lines()
    count = len(lines)
    weights: list[Decimal | None] = [None] * count
    notes: list[str] = [""] * count
    applicable = [not line.marked_not_applicable for _, line in lines]
    for i, (_, line) in enumerate(lines):
        if line.weight is not None:
            weights[i] = line.weight
        elif not applicable[i]:
            weights[i] = Decimal(0)

    funds = evaluation.funds
    any_given = any(line.weight is not None and line.weight > 0 for _, line in lines)
    if not any_given and not _group_weights(evaluation):
        return _scheme(lines, applicable, weights, notes, evaluation, ruleset)

    # Innermost declared group first: 二级 (数量指标(8分)), then 一级, then the goal.
    def groups(goal: Goal | None, line: Indicator) -> list[tuple[tuple, str, Decimal]]:
        found = []
        goal_key = goal.name if goal else None
        _, w1 = split_declared_weight(line.level1)
        _, w2 = split_declared_weight(line.level2)
        name1 = level_identity(line, "level1") if w1 is not None or w2 is not None else ""
        name2 = level_identity(line, "level2") if w2 is not None else ""
        if w2 is not None:
            found.append(((goal_key, name1, name2), line.level2, w2))
        if w1 is not None:
            found.append(((goal_key, name1), line.level1, w1))
        if goal is not None and _goal_weight(goal) is not None:
            found.append(((goal_key,), goal.name, _goal_weight(goal)))
        return found

    pending = [i for i in range(count) if weights[i] is None]
    while pending:
        i = pending[0]
        goal, line = lines[i]
        options = groups(goal, line)
        if not options:
            notes[i] = R.say(ruleset.wording, "weight_missing", name=line.name_clean)
            pending.pop(0)
            continue
        key, label, declared = options[0]
        members = [j for j in range(count) if any(k == key for k, _, _ in groups(*lines[j]))]
        given = sum((weights[j] for j in members if weights[j] is not None and j not in pending), Decimal(0))
        open_members = [j for j in members if j in pending]
        left = max(declared - given, Decimal(0))  # never a negative share (lines given more than the group)
        shares = split_equally(left, len(open_members))
        for j, share in zip(open_members, shares):
            weights[j] = share
            notes[j] = R.say(ruleset.wording, "weight_split", name=lines[j][1].name_clean, group=label,
                             total=R.P(left), count=len(open_members))
        pending = [j for j in pending if j not in open_members]

    budget_weight = funds.weight if funds is not None else None
    return WeightPlan(tuple(weights), tuple(notes), budget_weight, "", False)


def scaled_scheme(groups: dict[str, Decimal], pool: Decimal, places: int = 2) -> dict[str, Decimal]:
    """The scheme's group weights scaled to add up exactly to ``pool``, keeping their proportions.

    Each group gets ``pool × weight / sum of weights``, rounded half-up (四舍五入) to
    ``10**-places``. The rounding remainder, a whole number of units, goes one unit at
    a time to the groups the rounding moved furthest the other way: when units are
    missing, to those rounded down most; when there are too many, from those rounded
    up most; ties in the scheme's order. 产出 50 / 效益 30 / 满意度 10 over 80 →
    44.44 + 26.67 + 8.89; over 85 → 47.22 + 28.33 + 9.45 (9.444 lost most to rounding).
    """
    total = sum(groups.values(), Decimal(0))
    if not groups or total <= 0:
        return dict(groups)
    unit = Decimal(1).scaleb(-places)
    # pool × weight / total as an exact quotient, rounded once (80 × 50 / 100 = 40.005 → 40.01, never 40.00).
    quotients = {group: exact(pool) * exact(weight) / exact(total) for group, weight in groups.items()}
    shares = {group: round_half_up(value, places) for group, value in quotients.items()}
    # shares and pool are multiples of the unit, so this count is a whole number.
    units = int((exact(pool) - sum((exact(share) for share in shares.values()), Fraction(0))) * 10 ** places)
    if units:
        step = unit if units > 0 else -unit
        # sorted() is stable, so the scheme's order breaks ties.
        order = sorted(groups, key=lambda g: (exact(shares[g]) - quotients[g]) * (1 if units > 0 else -1))
        for k in range(abs(units)):
            shares[order[k % len(order)]] += step
    return shares


def _scheme_parts(budget: Decimal | None, groups: dict[str, Decimal]) -> list[tuple[str, Decimal]]:
    """(name, points) of the budget line (when given) and each scheme group, as the finding lists them."""
    return ([(BUDGET_KEY, budget)] if budget is not None else []) + list(groups.items())


def _scheme(lines, applicable, weights, notes, evaluation: Evaluation, ruleset: RuleSet) -> WeightPlan:
    scheme_groups = {group: weight for group, weight in ruleset.default_scheme.items() if group != BUDGET_KEY}
    scheme_budget = ruleset.default_scheme.get(BUDGET_KEY)
    funds = evaluation.funds
    printed = funds.weight if funds is not None else None

    # A printed budget 分值 that counts in the total leaves 100 minus it to the indicators; when that
    # differs from what the scheme gives them (90 beside 预算执行率10), the groups are scaled to it.
    group_weights = dict(scheme_groups)
    pool: Decimal | None = None
    if printed is not None and ruleset.budget_in_total and Decimal(0) <= printed < 100:
        left = Decimal(100) - printed
        if left != sum(scheme_groups.values(), Decimal(0)):
            pool = left
            group_weights = scaled_scheme(scheme_groups, pool)

    groups: dict[str, list[int]] = {}
    for i, (_, line) in enumerate(lines):
        if not applicable[i]:
            continue
        group = scheme_group(line.level1, ruleset)
        if group is None:
            notes[i] = R.say(ruleset.wording, "weight_missing", name=line.name_clean)
            continue
        groups.setdefault(group, []).append(i)
    for group, members in groups.items():
        total = group_weights.get(group, ruleset.default_scheme[group])
        for j, share in zip(members, split_equally(total, len(members))):
            weights[j] = share
            fields = dict(name=lines[j][1].name_clean, group=group, total=R.P(total), count=len(members))
            if pool is None:
                notes[j] = R.say(ruleset.wording, "weight_scheme", **fields)
            else:
                notes[j] = R.say(ruleset.wording, "weight_scheme_scaled", **fields, budget=R.P(printed), pool=R.P(pool))

    budget_weight, budget_note = None, ""
    if funds is not None:
        if printed is not None:
            budget_weight = printed
        else:
            budget_weight = scheme_budget
            budget_note = R.say(ruleset.wording, "budget_weight_scheme", name=funds.label or "预算执行率",
                                weight=R.P(budget_weight)) if budget_weight is not None else ""

    if pool is None:
        shown_budget = budget_weight if budget_weight is not None else scheme_budget
        message = M.weights_assigned(_scheme_parts(shown_budget, group_weights))
    else:
        message = M.weights_assigned_scaled(printed, pool, _scheme_parts(None, scheme_groups),
                                            _scheme_parts(printed, group_weights))
    return WeightPlan(tuple(weights), tuple(notes), budget_weight, budget_note, True, message)
