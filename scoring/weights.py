"""分值 resolution: given on the line, split from a goal or group, or the default scheme.

scoring-rules.md §4: a goal (年度目标1(80分)) or a first/second-level group
(产出指标（50分）) whose lines carry no 分值 shares its weight equally among them,
by largest remainder at 0.01 so the parts add up exactly (50 over three lines:
16.67 + 16.67 + 16.66). A table with no weights at all gets the 财预〔2020〕10号
scheme. Not-applicable lines take no share.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from indicators.model import Evaluation, Goal, Indicator, split_declared_weight

from . import reasons as R
from .ruleset import RuleSet

__all__ = ["WeightPlan", "split_equally", "resolve_weights", "scheme_group"]


@dataclass(frozen=True)
class WeightPlan:
    """Each indicator's 分值 (None when it cannot be known), with a note when it was not given."""

    weights: tuple[Decimal | None, ...]
    notes: tuple[str, ...]
    budget_weight: Decimal | None
    budget_note: str
    assigned_by_scheme: bool


def split_equally(total: Decimal, count: int, places: int = 2) -> list[Decimal]:
    """Split ``total`` into ``count`` parts at ``10**-places`` that add up exactly.

    Largest remainder: every part gets the floor of total/count, and the first
    parts get one more unit until the remainder is used (50/3 → 16.67, 16.67, 16.66).
    """
    if count <= 0:
        return []
    unit = Decimal(1).scaleb(-places)
    units = (total / unit).to_integral_value(rounding=ROUND_FLOOR)
    base, extra = divmod(int(units), count)
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
        name1, w1 = split_declared_weight(line.level1)
        name2, w2 = split_declared_weight(line.level2)
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
            notes[i] = R.weight_missing()
            pending.pop(0)
            continue
        key, label, declared = options[0]
        members = [j for j in range(count) if any(k == key for k, _, _ in groups(*lines[j]))]
        given = sum((weights[j] for j in members if weights[j] is not None and j not in pending), Decimal(0))
        open_members = [j for j in members if j in pending]
        shares = split_equally(max(declared - given, Decimal(0)), len(open_members))
        for j, share in zip(open_members, shares):
            weights[j] = share
            notes[j] = R.weight_split(label, declared - given, len(open_members))
        pending = [j for j in pending if j not in open_members]

    budget_weight = funds.weight if funds is not None else None
    return WeightPlan(tuple(weights), tuple(notes), budget_weight, "", False)


def _scheme(lines, applicable, weights, notes, evaluation: Evaluation, ruleset: RuleSet) -> WeightPlan:
    groups: dict[str, list[int]] = {}
    for i, (_, line) in enumerate(lines):
        if not applicable[i]:
            continue
        group = scheme_group(line.level1, ruleset)
        if group is None:
            notes[i] = R.weight_missing()
            continue
        groups.setdefault(group, []).append(i)
    for group, members in groups.items():
        total = ruleset.default_scheme[group]
        for j, share in zip(members, split_equally(total, len(members))):
            weights[j] = share
            notes[j] = R.weight_scheme(group, total, len(members))
    funds = evaluation.funds
    budget_weight, budget_note = None, ""
    if funds is not None:
        if funds.weight is not None:
            budget_weight = funds.weight
        else:
            budget_weight = ruleset.default_scheme.get("预算执行率")
            budget_note = R.budget_weight_scheme(budget_weight) if budget_weight is not None else ""
    return WeightPlan(tuple(weights), tuple(notes), budget_weight, budget_note, True)
