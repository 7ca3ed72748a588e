"""A 自评表 against the 绩效目标表 it was approved under: what changed between plan and self-evaluation.

These are exactly the places where a self-evaluation can be made to look better than the plan:
an approved indicator left out, one added, a target lowered (or a ceiling raised), a weight or a
direction changed, the budget changed. Each becomes a finding at the 自评表's cell that names the
目标表's place too; a change that makes a target easier to meet is an error, the rest warnings,
and they sort before everything else.

Matching: each 自评表 is paired with the 目标表 of the same project name (spaces, full-width
forms and the words 项目/绩效目标表/自评表 aside), the same year and unit where both give them.
A table with no such 目标表, or with several, is said so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Sequence

from indicators.model import Evaluation, Indicator, Nature
from indicators.numbers import fmt_points, normalize_text
from indicators.problems import Source
from indicators.values import MULTIPLIERS, Comparison, ValueKind
from indicators.yaml_io import is_target_table

from .codes import codes_of, finding
from .results import EvaluationResult, Finding, Severity

__all__ = ["Plan", "Pairing", "pair_tables", "compare_with_plan", "plan_findings", "with_plan_findings", "split_plans",
           "COMPARE_CODES", "table_key"]

#: Codes this module emits, with their default severity (registered in scoring/codes.py).
COMPARE_CODES: dict[str, Severity] = codes_of("compare")

_NOISE = re.compile(r"[\s（）()【】\[\]“”\"'《》：:、，,。.\-—_]|项目|绩效目标表|绩效自评表|自评表|年度|绩效")


def _same(text: str | None) -> str:
    return _NOISE.sub("", normalize_text(text or ""))


def table_key(evaluation: Evaluation) -> str:
    """The project name a 自评表 and its 目标表 share (normalised)."""
    return _same(evaluation.title)


@dataclass(frozen=True)
class Plan:
    """A 绩效目标表 as read, with the file it came from."""

    evaluation: Evaluation

    @property
    def place(self) -> str:
        source = self.evaluation.source
        return str(source) if source else self.evaluation.title


@dataclass(frozen=True)
class Pairing:
    """A 自评表's plan, or why it has none."""

    plan: Plan | None
    candidates: tuple[Plan, ...] = ()


def pair_tables(tables: Sequence[Evaluation], plans: Sequence[Evaluation]) -> list[Pairing]:
    """For each 自评表 of ``tables``, the one 目标表 of ``plans`` it was approved under (see the module)."""
    pairings = []
    for table in tables:
        found = [Plan(plan) for plan in plans if table_key(plan) == table_key(table)
                 and (not plan.year or not table.year or plan.year == table.year)]
        if len(found) > 1:  # the unit tells apart a project run by two units
            by_unit = [plan for plan in found if _same(plan.evaluation.unit) == _same(table.unit)]
            found = by_unit or found
        pairings.append(Pairing(found[0] if len(found) == 1 else None, tuple(found)))
    return pairings


def _finding(code: str, source: Source | None, *, message: str, line: str | None = None,
             index: int | None = None) -> Finding:
    return finding(code, message, line=line, index=index, source=source)


def _where(source: Source | None) -> str:
    return str(source) if source else "—"


def _names(lines: Iterable[tuple[int, Indicator]]) -> dict[str, list[tuple[int, Indicator]]]:
    grouped: dict[str, list[tuple[int, Indicator]]] = {}
    for position, line in lines:
        grouped.setdefault(_same(line.name_clean), []).append((position, line))
    return grouped


def _higher_is_better(line: Indicator) -> bool | None:
    if line.nature is Nature.POSITIVE:
        return True
    if line.nature is Nature.NEGATIVE:
        return False
    if line.nature is Nature.QUALITATIVE:
        return None
    comparison = line.direction_comparison or line.target_value.comparison
    if comparison is None or comparison is Comparison.EQ:
        return True if comparison is None and line.target_value.kind is ValueKind.NUMBER else None
    return comparison.higher_is_better


def _number(line: Indicator) -> Decimal | None:
    value = line.target_value
    if value.kind is not ValueKind.NUMBER or value.number is None:
        return None
    return value.number * MULTIPLIERS[value.magnitude] if value.magnitude else value.number


def _eased(plan: Indicator, actual: Indicator) -> bool | None:
    """Whether the 自评表's target is easier to meet than the approved one (None: cannot tell)."""
    if plan.target_value.kind is ValueKind.RANGE and actual.target_value.kind is ValueKind.RANGE:
        p, a = plan.target_value, actual.target_value
        if None in (p.low, p.high, a.low, a.high):
            return None
        return a.low < p.low or a.high > p.high  # a wider range is met by more actuals
    before, after = _number(plan), _number(actual)
    if before is None or after is None or (plan.target_value.unit or "") != (actual.target_value.unit or ""):
        return None
    higher = _higher_is_better(plan)
    if higher is None or _higher_is_better(actual) != higher:
        return None  # no direction, or it turned round: plan_direction_changed says so
    if after == before:
        return None  # the same number written another way (≥95% → 95%)
    return after < before if higher else after > before


def _line_source(line: Indicator, field: str) -> Source | None:
    return line.source_of(field) or line.source


def _direction(line: Indicator) -> str:
    """指标性质/指标方向 as written, else the comparison in the target (``≥``), else 未写."""
    parts = [line.nature.value if line.nature else "", line.direction or ""]
    written = "/".join(part for part in parts if part)
    comparison = line.target_value.comparison
    return written or (comparison.value if comparison else "未写")


def compare_with_plan(table: Evaluation, plan: Evaluation) -> list[Finding]:
    """Every difference between a 自评表 and its 目标表 (see the module), eased targets first."""
    findings: list[Finding] = []
    offset = 2 if table.funds is not None else 1  # the engine numbers the budget line 1
    mine = _names((k, line) for k, (_, line) in enumerate(table.lines()))
    approved = _names((k, line) for k, (_, line) in enumerate(plan.lines()))
    for key, plan_lines in approved.items():
        own = mine.get(key, [])
        for k, (_, plan_line) in enumerate(plan_lines):
            if k >= len(own):
                findings.append(_finding(
                    "plan_indicator_missing", table.source,
                    message=(f"绩效目标表中的指标“{plan_line.name_clean}”（年度指标值{plan_line.target or '—'}，"
                             f"{_where(plan_line.source)}）在自评表中没有"), line=plan_line.name_clean))
                continue
            position, line = own[k]
            findings.extend(_line_changes(plan_line, line, position + offset))
    for key, own in mine.items():
        for position, line in own[len(approved.get(key, [])):]:
            findings.append(_finding(
                "plan_indicator_added", _line_source(line, "name"), line=line.name_clean, index=position + offset,
                message=f"指标“{line.name_clean}”不在绩效目标表（{_where(plan.source)}）中，是自评时新增的"))
    findings.extend(_budget_change(table, plan))
    return sorted(findings, key=lambda f: (f.severity.rank, f.index or 0))


def _line_changes(plan_line: Indicator, line: Indicator, index: int) -> list[Finding]:
    name = line.name_clean
    found: list[Finding] = []
    if _same(plan_line.target) != _same(line.target):
        eased = _eased(plan_line, line)
        how = {True: "，指标更容易达成", False: "，指标更难达成", None: ""}[eased]
        code = "plan_target_eased" if eased else "plan_target_changed"
        found.append(_finding(code, _line_source(line, "target"), line=name, index=index,
                              message=(f"“{name}”的年度指标值由绩效目标表的“{plan_line.target}”"
                                       f"（{_where(plan_line.source_of('target') or plan_line.source)}）"
                                       f"改为“{line.target}”{how}")))
    if plan_line.weight is not None and line.weight is not None and plan_line.weight != line.weight:
        found.append(_finding("plan_weight_changed", _line_source(line, "weight"), line=name, index=index,
                              message=(f"“{name}”的分值由绩效目标表的{fmt_points(plan_line.weight)}分"
                                       f"（{_where(plan_line.source_of('weight') or plan_line.source)}）"
                                       f"改为{fmt_points(line.weight)}分")))
    stated_before, stated_after = _higher_is_better(plan_line), _higher_is_better(line)
    flipped = None not in (stated_before, stated_after) and stated_before != stated_after
    if flipped or ((plan_line.nature or plan_line.direction) and _direction(plan_line) != _direction(line)):
        found.append(_finding("plan_direction_changed", _line_source(line, "nature"), line=name, index=index,
                              message=(f"“{name}”的指标性质/方向由绩效目标表的“{_direction(plan_line)}”"
                                       f"（{_where(plan_line.source)}）改为“{_direction(line)}”")))
    return found


def _plan_budget(plan: Evaluation) -> tuple[Decimal, Source | None] | None:
    if plan.funds is not None and plan.funds.budget:
        return plan.funds.budget, plan.funds.source_of("budget") or plan.funds.source
    for key, value in plan.details.items():
        if "当年预算" in key or key in ("预算数", "年度预算", "项目预算"):
            try:
                return Decimal(value.replace(",", "").replace("万元", "").strip()), plan.source_of("details")
            except ArithmeticError:
                return None
    return None


def _budget_change(table: Evaluation, plan: Evaluation) -> list[Finding]:
    approved = _plan_budget(plan)
    if approved is None or table.funds is None:
        return []
    amount, where = approved
    if amount == table.funds.budget:
        return []
    return [_finding("plan_budget_changed", table.funds.source_of("budget") or table.funds.source, index=1,
                     line="预算执行率",
                     message=(f"自评表的预算数{table.funds.budget:f}万元与绩效目标表批复的{amount:f}万元"
                              f"（{_where(where or plan.source)}）不同，请核对是否有预算调整的依据"))]


def plan_findings(table: Evaluation, pairing: Pairing) -> list[Finding]:
    """The findings of one 自评表 against its pairing: the differences, or why there is no plan to compare."""
    if pairing.plan is not None:
        return compare_with_plan(table, pairing.plan.evaluation)
    if pairing.candidates:
        places = "、".join(plan.place for plan in pairing.candidates)
        return [_finding("plan_ambiguous", table.source,
                         message=f"有多张绩效目标表与“{table.title}”同名同年（{places}），无法确定按哪一张对照")]
    return [_finding("plan_not_found", table.source,
                     message=f"没有找到“{table.title}”的绩效目标表，无法对照（按项目名称、年度、单位匹配）")]


def split_plans(evaluations: Sequence[Evaluation]) -> tuple[list[Evaluation], list[Evaluation]]:
    """(自评表, 绩效目标表) of tables read with ``targets=True``, told apart by content: a 目标表 has no actual."""
    tables, plans = [], []
    for evaluation in evaluations:
        (plans if is_target_table(evaluation) else tables).append(evaluation)
    return tables, plans


def with_plan_findings(evaluation: Evaluation, result: EvaluationResult, plans: Sequence[Evaluation]) -> EvaluationResult:
    """``result`` with the findings of its table against ``plans`` added, before every other finding of their severity."""
    [pairing] = pair_tables([evaluation], plans)
    extra = plan_findings(evaluation, pairing)
    ordered = sorted([*extra, *result.findings], key=lambda f: f.severity.rank)  # stable: plan findings first
    return result.model_copy(update={"findings": tuple(ordered)})
