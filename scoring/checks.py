"""Reviewing (复核) scored tables: what a finance-bureau reviewer checks, one function per finding code.

The engine already reports what it meets while scoring (a recorded line score
against the rule's, 指标性质 against 指标方向, lines needing judgment …; see
``scoring.engine``). The checks here look at the rest of the table: the printed
totals and subtotals, the funds block, the way targets and actuals are written,
and — across the tables of one published document — the header fields.

Every check is a plain function registered under the finding code it emits
(:data:`TABLE_CHECKS`, :data:`DOCUMENT_CHECKS`); each returns
:class:`~scoring.results.Finding` records with a Chinese message that states the
numbers. Nothing here changes a score: checks only read the table and the
engine's result. What the seed tables (samples/README.md, 抄写时的决定) show a checker
should notice, and docs/rules.md §4, §5 and §9 are the sources.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterable, Sequence

from indicators.deductions import named_in
from indicators.model import Evaluation, FundRow, Goal, Indicator, Kind, Nature, split_declared_weight
from indicators.numbers import HUNDRED, ZERO, D, NumberError, exact, fmt_points, normalize_text
from indicators.problems import PerfscoreError, Source
from indicators.values import ValueKind

from . import messages as M
from .codes import codes_of, finding
from .engine import classify, score
from .results import EvaluationResult, Finding, LineResult, Severity, Status
from .rules import LineCase, comparable_numbers
from .ruleset_model import STANDARD, RuleSet
from .weights import level_identity

__all__ = [
    "LineView", "TableView", "Check", "DocumentCheck", "TABLE_CHECKS", "DOCUMENT_CHECKS", "ENGINE_CODES",
    "RECORDED_CODES", "FAR_ABOVE", "table_view", "check_table", "check_evaluations", "check_evaluation",
    "document_key", "at_or_above", "count_by_severity", "ResultMismatchError",
]

P = fmt_points

#: The engine's findings that compare a line's recorded score with the rule's.
RECORDED_CODES = frozenset({"unexplained_deduction", "recorded_below_rule", "score_above_rule"})

#: Codes the engine emits while scoring (scoring/engine.py), with their default severity — taken
#: from the registry (scoring/codes.py), so it cannot miss one.
ENGINE_CODES: dict[str, Severity] = codes_of("engine")

#: An actual this far above its target is 指标偏离 (docs/rules.md §9: "≥ 30% above its target").
FAR_ABOVE = Decimal("0.3")

#: A table needs at least this many readable actuals before "every actual equals its target" means anything.
MIN_EQUAL_LINES = 2

# Names of breakdown rows that say where the money came from (资金来源); such rows add up to the
# total on both the budget and the executed side (docs/rules.md §9, "Funds block").
_SOURCE_WORDS = ("财政拨款", "预算内拨款", "财政资金", "公共预算", "政府性基金", "国有资本经营", "结转", "结余",
                 "其他资金", "自有资金", "自筹", "单位资金", "事业收入", "经营收入", "上级补助", "附属单位")
# Names of rows that say what the money was spent on (支出类别). Department forms print one figure per
# row without saying whether it is the budget or the execution (W1: 1,716.51 + 2,625.84 = 4,342.35 is
# the 执行数, printed in the 预算数 column), so these rows need only match one of the two.
_SPENDING_WORDS = ("基本支出", "项目支出")
# Cells that mean "nothing printed here".
_BLANK = {"", "—", "——", "-", "--", "/", "－", "无"}


# --- the view the checks read --------------------------------------------------------------------

@dataclass(frozen=True)
class LineView:
    """One indicator line: the engine's result beside the line as written and its goal."""

    result: LineResult
    indicator: Indicator
    goal: Goal | None
    goal_index: int | None


@dataclass(frozen=True)
class TableView:
    """One table as the checks see it: the evaluation, the engine's result and the lines paired up."""

    evaluation: Evaluation
    result: EvaluationResult
    lines: tuple[LineView, ...]

    @property
    def budget_line(self) -> LineResult | None:
        """The 预算执行率 line's result, when the table has a funds block."""
        return next((line for line in self.result.lines if line.kind == "budget"), None)


class ResultMismatchError(PerfscoreError, ValueError):
    """A result handed to :func:`table_view` that was not scored from the evaluation given with it."""


def table_view(evaluation: Evaluation, result: EvaluationResult) -> TableView:
    """Pair each indicator of ``evaluation`` with its line in ``result`` (same order, by construction)."""
    goal_index = {id(goal): i for i, goal in enumerate(evaluation.goals)}
    results = [line for line in result.lines if line.kind == "indicator"]
    pairs = evaluation.lines()
    if len(results) != len(pairs):  # the engine scores every line, so this is API misuse
        raise ResultMismatchError(f"the result has {len(results)} indicator lines, the table {len(pairs)}")
    return TableView(evaluation, result, tuple(
        LineView(line, indicator, goal, goal_index.get(id(goal)) if goal is not None else None)
        for line, (goal, indicator) in zip(results, pairs)))


Check = Callable[[TableView], list[Finding]]
#: A check over the tables of one document: returns, for each table given, the findings on it.
DocumentCheck = Callable[[Sequence[TableView]], list[list[Finding]]]


# --- small helpers -------------------------------------------------------------------------------

def _table_field(table: TableView, field: str) -> Source | None:
    """The place of a table-level field (主管部门, 总分 …), or the table's own place."""
    return table.evaluation.source_of(field)


def _field_source(line: Indicator, field: str) -> Source | None:
    return line.source_of(field)


def _funds_source(table: TableView, field: str) -> Source | None:
    funds = table.evaluation.funds
    if funds is None:
        return table.evaluation.source
    return funds.source_of(field)


def _budget_name(line: LineResult) -> str:
    return M.budget_name(line.name)


def _amount(text: str | None) -> Decimal | None | str:
    """A printed money figure: a Decimal, None when nothing is printed, or the text when it is no amount."""
    if text is None:
        return None
    compact = normalize_text(text).replace(" ", "")
    if compact in _BLANK:
        return None
    try:
        return D(compact)
    except NumberError:
        return text


def _close(total: Decimal, parts: list[Decimal]) -> bool:
    """Whether printed ``parts`` add up to the printed ``total``, allowing for the rounding of each.

    Every figure printed to the cent may be off by half a cent, so a sum of n rounded
    figures may miss the rounded total by up to 0.005 × (n + 1). Zeros are exact.
    """
    figures = sum(1 for part in parts if part != 0) + (1 if total != 0 else 0)
    return abs(sum(parts, ZERO) - total) <= Decimal("0.005") * figures


def _rate(text: str | None) -> tuple[Decimal, Decimal] | None:
    """A printed 执行率 (``96.60``, ``100.00%``, ``100%``) and half a unit of its last printed place."""
    if text is None:
        return None
    compact = normalize_text(text).replace(" ", "").rstrip("%％")
    if compact in _BLANK:
        return None
    try:
        value = D(compact)
    except NumberError:
        return None
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return value, Decimal(5).scaleb(-(places + 1))


def _row_class(name: str) -> str | None:
    if any(word in name for word in _SPENDING_WORDS):
        return "spending"
    if any(word in name for word in _SOURCE_WORDS):
        return "source"
    return None


def _same(text: str | None) -> str:
    """Header text compared without spaces or full-width/half-width differences."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def _finding(code: str, severity: Severity, message: str, *, line: str | None = None, index: int | None = None,
             source: Source | None = None) -> Finding:
    """A finding through the registry (scoring/codes.py): an unregistered code cannot be emitted."""
    return finding(code, message, severity=severity, line=line, index=index, source=source)


# --- recorded scores and totals --------------------------------------------------------------------

def check_judgment_out_of_range(table: TableView) -> list[Finding]:
    """A judgment (the table's own score on a qualitative or unreadable line) outside [0, 分值].

    docs/rules.md §3: the table's own score counts as the evaluator's judgment only when it
    lies within [0, 分值]; outside it the engine cannot use it, and the form itself is wrong.
    Scored lines are left to the engine's ``score_above_rule``.
    """
    found: list[Finding] = []
    candidates: list[tuple[LineResult, Indicator | None]] = []
    if table.budget_line is not None:
        candidates.append((table.budget_line, None))
    candidates.extend((view.result, view.indicator) for view in table.lines)
    for line, indicator in candidates:
        if line.status not in (Status.JUDGED, Status.NEEDS_JUDGMENT) or line.weight is None:
            continue
        name = line.name if indicator is not None else _budget_name(line)
        source = _field_source(indicator, "recorded") if indicator is not None else _funds_source(table, "recorded")
        if line.recorded is not None and not ZERO <= line.recorded <= line.weight:
            found.append(_finding(
                "judgment_out_of_range", Severity.ERROR, line=line.name, index=line.index, source=source,
                message=M.judgment_recorded_out_of_range(name, line.recorded, line.weight)))
        judgment = indicator.judgment if indicator is not None else None
        if judgment is not None and judgment.score is not None and judgment.score > line.weight:
            found.append(_finding(
                "judgment_out_of_range", Severity.ERROR, line=line.name, index=line.index,
                source=judgment.source or _field_source(indicator, "judgment"),
                message=M.judgment_given_out_of_range(name, judgment.score, line.weight)))
    return found


def _recorded_parts(table: TableView) -> list[tuple[str, Decimal]] | None:
    """Every line's recorded score (not-applicable lines count 0), or None when one is missing."""
    parts: list[tuple[str, Decimal]] = []
    budget = table.budget_line
    if budget is not None and budget.status is not Status.NOT_APPLICABLE:
        if budget.recorded is None:
            return None
        parts.append((_budget_name(budget), budget.recorded))
    for view in table.lines:
        line = view.result
        if line.recorded is None:
            if line.status is Status.NOT_APPLICABLE:
                continue
            return None
        parts.append((line.name, line.recorded))
    return parts


def check_total_not_sum(table: TableView) -> list[Finding]:
    """The printed 总分 differs from the sum of the printed line scores (the budget line's included)."""
    recorded_total = table.evaluation.recorded_total
    parts = _recorded_parts(table)
    if recorded_total is None or parts is None:
        return []
    total = sum((value for _, value in parts), ZERO)
    if total == recorded_total:
        return []
    budget = table.budget_line
    return [_finding(
        "total_not_sum", Severity.WARNING, source=_table_field(table, "recorded_total"),
        message=M.total_not_sum(recorded_total, budget.recorded if budget is not None else None, total))]


def check_total_differs(table: TableView) -> list[Finding]:
    """The printed 总分 differs from the computed total.

    Info when the whole difference is the sum of the line-level recorded-vs-rule gaps the engine
    already reported (or, on an unfinished table, fits within the 分值 still awaiting judgment);
    a warning when part of it is explained by nothing on the table.
    """
    result = table.result
    recorded_total = result.recorded_total
    if recorded_total is None or recorded_total == result.total:
        return []
    gap = recorded_total - result.total
    reported = {finding.index for finding in result.findings if finding.code in RECORDED_CODES}
    lines = [line for line in result.lines if line.index in reported and line.recorded is not None
             and line.score is not None]
    explained = sum((line.recorded - line.score for line in lines), ZERO)
    residual = gap - explained
    head = M.total_differs_head(recorded_total, result.total, gap)
    if residual == 0:
        return [_finding("total_differs", Severity.INFO, source=_table_field(table, "recorded_total"),
                         message=M.total_differs_explained(head, [line.name for line in lines]))]
    if not result.complete and ZERO <= residual <= result.pending_weight:
        return [_finding("total_differs", Severity.INFO, source=_table_field(table, "recorded_total"),
                         message=M.total_differs_pending(head, result.pending_weight))]
    return [_finding("total_differs", Severity.WARNING, source=_table_field(table, "recorded_total"),
                     message=M.total_differs_unexplained(head, explained if lines else None, residual))]


def check_goal_total_not_sum(table: TableView) -> list[Finding]:
    """A goal's printed 合计 (年度目标1 … 合计) differs from the sum of its lines' printed scores."""
    found: list[Finding] = []
    for index, goal in enumerate(table.evaluation.goals):
        if goal.recorded is None:
            continue
        members = [view.result for view in table.lines if view.goal_index == index]
        if any(line.recorded is None and line.status is not Status.NOT_APPLICABLE for line in members):
            continue
        parts = [line.recorded for line in members if line.recorded is not None]
        total = sum(parts, ZERO)
        if total != goal.recorded:
            name = split_declared_weight(goal.name)[0] or goal.name
            found.append(_finding(
                "goal_total_not_sum", Severity.WARNING, line=name, index=members[0].index if members else None,
                source=goal.source,
                message=M.goal_total_not_sum(name, goal.recorded, total, parts)))
    return found


# --- 分值 ------------------------------------------------------------------------------------------

def check_subtotal_mismatch(table: TableView) -> list[Finding]:
    """A declared subtotal (``社会效益指标(30分)``, ``产出指标（50分）``, ``年度目标1(30分)``) ≠ its lines' 分值.

    docs/rules.md §4: the checker reports declared subtotals that disagree with their lines
    (W2: 社会效益指标(30分) over 10 + 15). Groups are the ones the weight resolver uses
    (scoring/weights.py): within one goal, by 一级 and by 一级 + 二级 name.
    """
    groups: dict[tuple, tuple[str, Decimal, list[LineView], Source | None]] = {}
    for view in table.lines:
        line = view.indicator
        _, w1 = split_declared_weight(line.level1)
        _, w2 = split_declared_weight(line.level2)
        # the resolver's groups (scoring/weights.py): a 一级 cell printing only (50分) is its own group
        name1 = level_identity(line, "level1") if w1 is not None or w2 is not None else ""
        name2 = level_identity(line, "level2") if w2 is not None else ""
        if w2 is not None:
            key = ("二级", view.goal_index, name1, name2, w2)
            groups.setdefault(key, (line.level2.strip(), w2, [], _field_source(line, "level2")))[2].append(view)
        if w1 is not None:
            key = ("一级", view.goal_index, name1, w1)
            groups.setdefault(key, (line.level1.strip(), w1, [], _field_source(line, "level1")))[2].append(view)
    for index, goal in enumerate(table.evaluation.goals):
        name, declared = split_declared_weight(goal.name)
        weight = goal.weight if goal.weight is not None else declared
        if weight is None:
            continue
        label = goal.name.strip() if declared is not None else M.goal_label(name, weight)
        members = [view for view in table.lines if view.goal_index == index]
        groups[("目标", index)] = (label, weight, members, goal.source)

    found: list[Finding] = []
    for label, declared, members, source in groups.values():
        weights = [view.result.weight for view in members]
        if not members or any(weight is None for weight in weights):
            continue  # a line without 分值 is already an error (weight_missing)
        parts = [weight for weight in weights if weight is not None]
        total = sum(parts, ZERO)
        if total != declared:
            found.append(_finding(
                "subtotal_mismatch", Severity.WARNING, line=label, index=members[0].result.index, source=source,
                message=M.subtotal_mismatch(label, declared, total, parts)))
    return found


def check_weights_not_100(table: TableView) -> list[Finding]:
    """The 分值 of the table (budget line included, not-applicable lines left out) do not add up to 100."""
    result = table.result
    if any(line.weight is None and line.status is not Status.NOT_APPLICABLE for line in result.lines):
        return []  # weight_missing already says why the total cannot be known
    if result.max_total == HUNDRED:
        return []
    skipped = sum((view.indicator.weight for view in table.lines if view.result.status is Status.NOT_APPLICABLE
                   and view.indicator.weight is not None), ZERO)
    return [_finding("weights_not_100", Severity.WARNING, source=table.evaluation.source,
                     message=M.weights_not_100(result.max_total, skipped))]


# --- the funds block -----------------------------------------------------------------------------

_FIELD_NAMES = {"initial_budget": "年初预算数", "budget": "预算数", "executed": "执行数"}


def check_amount_not_money(table: TableView) -> list[Finding]:
    """A breakdown figure that is not a money amount (Q1: 项目支出总额 printed as ``0%``)."""
    funds = table.evaluation.funds
    if funds is None:
        return []
    found: list[Finding] = []
    for row in funds.breakdown:
        for field, chinese in _FIELD_NAMES.items():
            value = _amount(getattr(row, field))
            if not isinstance(value, str):
                continue
            found.append(_finding(
                "amount_not_money", Severity.WARNING, line=row.name, index=1, source=row.source or funds.source,
                message=M.amount_not_money(row.name, chinese, value)))
    return found


def _figures(rows: Sequence[FundRow], field: str) -> list[Decimal] | None:
    """The rows' figures in ``field`` (blank as 0), or None when none is printed or one is no amount."""
    values = [_amount(getattr(row, field)) for row in rows]
    if all(value is None for value in values) or any(isinstance(value, str) for value in values):
        return None
    return [value if isinstance(value, Decimal) else ZERO for value in values]


def _rows(rows: Sequence[FundRow], parts: list[Decimal]) -> list[tuple[str, Decimal]]:
    return [(row.name, part) for row, part in zip(rows, parts)]


def check_breakdown_not_sum(table: TableView) -> list[Finding]:
    """Breakdown rows that do not add up to the funds' total.

    Fund sources (当年财政拨款 + 上年结转资金 + 其他资金 …) must add up to 年度资金总额 on every
    printed column; spending categories (基本支出 + 项目支出) to either the 预算数 or the 执行数,
    since forms print one figure without saying which. A row of another kind means we cannot
    tell what the rows add up to, so nothing is said; a figure that is not an amount is reported
    by ``amount_not_money`` instead.
    """
    funds = table.evaluation.funds
    if funds is None or not funds.breakdown:
        return []
    classes = [_row_class(row.name) for row in funds.breakdown]
    if None in classes:
        return []
    found: list[Finding] = []
    sources = [row for row, kind in zip(funds.breakdown, classes) if kind == "source"]
    spending = [row for row, kind in zip(funds.breakdown, classes) if kind == "spending"]
    label = funds.label or "资金总额"
    if sources:
        for field, total in (("initial_budget", funds.initial_budget), ("budget", funds.budget),
                             ("executed", funds.executed)):
            parts = _figures(sources, field)
            if total is None or parts is None or _close(total, parts):
                continue
            found.append(_finding(
                "breakdown_not_sum", Severity.WARNING, line=label, index=1, source=_funds_source(table, field),
                message=M.sources_not_sum(_FIELD_NAMES[field], _rows(sources, parts), label, total)))
    if spending:
        for field in ("budget", "executed"):
            parts = _figures(spending, field)
            if parts is None or _close(funds.budget, parts) or _close(funds.executed, parts):
                continue
            found.append(_finding(
                "breakdown_not_sum", Severity.WARNING, line=label, index=1,
                source=spending[0].source or funds.source,
                message=M.spending_not_sum(_rows(spending, parts), label, funds.budget, funds.executed)))
    return found


def _rate_finding(printed_text: str, budget: Decimal, executed: Decimal, what: str, line: str,
                  source: Source | None) -> Finding | None:
    printed = _rate(printed_text)
    if printed is None or budget == 0:
        return None
    value, half = printed
    computed = exact(executed) * 100 / exact(budget)  # exact, so the tolerance test is exact too
    # Some forms cap the printed rate at 100% when more than the budget was spent.
    if abs(exact(value) - computed) <= exact(half) or (computed > 100 and abs(value - HUNDRED) <= half):
        return None
    return _finding(
        "rate_mismatch", Severity.WARNING, line=line, index=1, source=source,
        message=M.rate_mismatch(what, printed_text, executed, budget, computed, abs(exact(value) - computed)))


def check_rate_mismatch(table: TableView) -> list[Finding]:
    """A printed 执行率 that differs from 执行数/预算数 by more than the rounding of the printed figure."""
    funds = table.evaluation.funds
    if funds is None:
        return []
    found: list[Finding] = []
    label = funds.label or "资金总额"
    if funds.rate is not None:
        finding = _rate_finding(funds.rate, funds.budget, funds.executed, M.rate_of_total(label), label,
                                _funds_source(table, "rate"))
        found.extend([finding] if finding else [])
    for row in funds.breakdown:
        budget, executed = _amount(row.budget), _amount(row.executed)
        if row.rate is None or not isinstance(budget, Decimal) or not isinstance(executed, Decimal):
            continue
        finding = _rate_finding(row.rate, budget, executed, M.rate_of_row(row.name), row.name,
                                row.source or funds.source)
        found.extend([finding] if finding else [])
    return found


def check_over_executed(table: TableView) -> list[Finding]:
    """执行数 above 预算数: scored at full marks, never more, but worth a reviewer's look (info)."""
    funds = table.evaluation.funds
    if funds is None or funds.budget <= 0 or funds.executed <= funds.budget:
        return []
    label = funds.label or "资金总额"
    rate = exact(funds.executed) * 100 / exact(funds.budget)
    return [_finding(
        "over_executed", Severity.INFO, line=label, index=1, source=_funds_source(table, "executed"),
        message=M.over_executed(label, funds.executed, funds.budget, rate))]


# --- how lines are written -----------------------------------------------------------------------

def check_target_without_number(table: TableView) -> list[Finding]:
    """A line marked quantitative (指标性质 正向 / 反向 / 定量) whose 年度指标值 holds no number."""
    found: list[Finding] = []
    for view in table.lines:
        line = view.indicator
        if view.result.status is Status.NOT_APPLICABLE:
            continue
        if line.nature not in (Nature.POSITIVE, Nature.NEGATIVE, Nature.QUANTITATIVE):
            continue
        if line.target_value.kind not in (ValueKind.TEXT, ValueKind.EMPTY):
            continue
        target = line.target.strip() or M.EMPTY
        found.append(_finding(
            "target_without_number", Severity.WARNING, line=view.result.name, index=view.result.index,
            source=_field_source(line, "target"),
            message=M.target_without_number(view.result.name, line.nature_sign or line.nature.value, target)))
    return found


def _explained_on_the_line(view: LineView) -> bool:
    line = view.indicator
    if (line.deviation_reason or "").strip() or line.deductions or line.actual_split[1]:
        return True
    return line.judgment is not None and bool((line.judgment.reason or "").strip())


def check_loss_unexplained(table: TableView) -> list[Finding]:
    """Points lost by the rule (or a judgment) with no explanation on the line nor in the table's 原因分析."""
    found: list[Finding] = []
    analysis = table.evaluation.deviation_analysis or ""
    budget = table.budget_line
    if budget is not None and budget.lost and budget.lost > 0:
        words = ("执行", "预算", budget.name)
        if not any(word and word in analysis for word in words):
            rate = table.result.budget.rate if table.result.budget is not None else None
            found.append(_finding(
                "loss_unexplained", Severity.INFO, line=budget.name, index=budget.index,
                source=_funds_source(table, "executed"),
                message=M.budget_loss_unexplained(_budget_name(budget), budget.lost, rate)))
    # named on its own: a 原因分析 about 服务对象满意度 does not explain the 满意度 line
    named = set(named_in(analysis, [view.indicator.name_clean for view in table.lines]))
    for position, view in enumerate(table.lines):
        line = view.result
        if line.status not in (Status.SCORED, Status.JUDGED) or not line.lost or line.lost <= 0:
            continue
        if position in named or _explained_on_the_line(view):
            continue
        found.append(_finding(
            "loss_unexplained", Severity.INFO, line=line.name, index=line.index, source=view.indicator.source,
            message=M.loss_unexplained(line.name, line.lost, line.score or ZERO, line.weight or ZERO)))
    return found


def _numbers(view: LineView) -> tuple[Decimal, Decimal] | None:
    """(actual, target) of a scored numeric line in one unit, or None."""
    line = view.indicator
    if line.target_value.kind is not ValueKind.NUMBER:
        return None
    case = LineCase(name=view.result.name, weight=view.result.weight or ZERO, target=line.target_value,
                    actual=line.actual_value)
    numbers = comparable_numbers(case)
    return None if isinstance(numbers, str) else numbers


def check_actual_far_above_target(table: TableView) -> list[Finding]:
    """An actual ≥ 30% above its target on a higher-is-better line (指标偏离, docs/rules.md §9)."""
    found: list[Finding] = []
    for view in table.lines:
        if view.result.status is not Status.SCORED or classify(view.indicator)[0] not in ("higher", "equal"):
            continue
        numbers = _numbers(view)
        if numbers is None:
            continue
        actual, target = numbers
        if target <= 0 or actual < target * (1 + FAR_ABOVE):
            continue
        line = view.indicator
        above = (exact(actual) / exact(target) - 1) * 100
        found.append(_finding(
            "actual_far_above_target", Severity.INFO, line=view.result.name, index=view.result.index,
            source=_field_source(line, "actual"),
            message=M.actual_far_above_target(view.result.name, line.actual_value.display,
                                              line.target_value.display, above, FAR_ABOVE * HUNDRED)))
    return found


def _identical(view: LineView) -> bool | None:
    """Whether a scored line's actual equals its target; None when the line is not readable."""
    if view.result.status is not Status.SCORED:
        return None
    target, actual = view.indicator.target_value, view.indicator.actual_value
    if target.kind is ValueKind.NUMBER:
        numbers = _numbers(view)
        return None if numbers is None else numbers[0] == numbers[1]
    if target.kind is ValueKind.YES_NO and actual.kind is ValueKind.YES_NO:
        return target.flag == actual.flag
    if target.kind is ValueKind.DATE and actual.kind is ValueKind.DATE:
        return target.date == actual.date
    if target.kind is ValueKind.RANGE:
        return False  # an actual can fall inside a range, never equal it
    return None


def check_actuals_equal_targets(table: TableView) -> list[Finding]:
    """Every readable actual is exactly its target: possibly copied from the target column (info)."""
    readable = [same for same in (_identical(view) for view in table.lines) if same is not None]
    if len(readable) < MIN_EQUAL_LINES or not all(readable):
        return []
    return [_finding(
        "actuals_equal_targets", Severity.INFO, source=table.evaluation.source,
        message=M.actuals_equal_targets(len(readable)))]


# --- across the tables of one document ---------------------------------------------------------

_HEADER_FIELDS = (("department", "主管部门", None), ("unit", "实施单位", Kind.PROJECT))


def check_header_mismatch(tables: Sequence[TableView]) -> list[list[Finding]]:
    """Header fields that disagree across the tables of one document (U3: 乌鲁木齐 among 乌海).

    主管部门 is compared over every table; 实施单位 only among project tables, since a
    department-wide table's 单位名称 legitimately names the department's own level
    (W1 局本级 beside W2 本级). The minority is flagged against the majority; with no
    majority every table that disagrees is flagged.
    """
    found: list[list[Finding]] = [[] for _ in tables]
    for field, chinese, kind in _HEADER_FIELDS:
        members = [(i, getattr(table.evaluation, field)) for i, table in enumerate(tables)
                   if getattr(table.evaluation, field) and (kind is None or table.evaluation.kind is kind)]
        counts = Counter(_same(value) for _, value in members)
        if len(counts) < 2:
            continue
        ranked = counts.most_common()
        majority = ranked[0][0] if ranked[0][1] > ranked[1][1] else None
        shown = {_same(value): value for _, value in members}
        document = tables[0].evaluation.document or (tables[0].evaluation.source.file
                                                     if tables[0].evaluation.source else "")
        for i, value in members:
            key = _same(value)
            if key == majority:
                continue
            if majority is not None:
                message = M.header_mismatch_majority(chinese, value, document, counts[majority], shown[majority])
            else:
                message = M.header_mismatch_split(chinese, value, document,
                                                  [(shown[k], n) for k, n in ranked if k != key])
            found[i].append(_finding("header_mismatch", Severity.WARNING, line=chinese,
                                     source=_table_field(tables[i], field), message=message))
    return found


# --- the registries and the entry points ----------------------------------------------------------

#: Finding code → the check over one table that emits it.
TABLE_CHECKS: dict[str, Check] = {
    "judgment_out_of_range": check_judgment_out_of_range,
    "total_not_sum": check_total_not_sum,
    "total_differs": check_total_differs,
    "goal_total_not_sum": check_goal_total_not_sum,
    "subtotal_mismatch": check_subtotal_mismatch,
    "weights_not_100": check_weights_not_100,
    "amount_not_money": check_amount_not_money,
    "breakdown_not_sum": check_breakdown_not_sum,
    "rate_mismatch": check_rate_mismatch,
    "over_executed": check_over_executed,
    "target_without_number": check_target_without_number,
    "loss_unexplained": check_loss_unexplained,
    "actual_far_above_target": check_actual_far_above_target,
    "actuals_equal_targets": check_actuals_equal_targets,
}

#: Finding code → the check over the tables of one document that emits it.
DOCUMENT_CHECKS: dict[str, DocumentCheck] = {
    "header_mismatch": check_header_mismatch,
}


def _run_check(code: str, check: Check, table: TableView) -> list[Finding]:
    """One check's findings; a check that raises becomes a ``check_failed`` finding, not a failed run.

    Any exception is caught on purpose: it is a bug in that check, and it must not cost the
    reviewer the other checks or the other tables.
    """
    try:
        return list(check(table))
    except Exception as exc:  # noqa: BLE001 - isolation is the point (see the docstring)
        return [_check_failed(code, exc, table)]


def _check_failed(code: str, exc: Exception, table: TableView) -> Finding:
    return finding("check_failed", M.check_failed(code, type(exc).__name__), line=code,
                   source=table.evaluation.source)


def check_table(table: TableView) -> list[Finding]:
    """Run every table-level check on one table; the engine's findings are not repeated.

    A check that raises gives a ``check_failed`` error finding in place of its own.
    """
    return [found for code, check in TABLE_CHECKS.items() for found in _run_check(code, check, table)]


def document_key(evaluation: Evaluation) -> tuple[str, str]:
    """The document a table belongs to: its ``document``, else the file it was read from."""
    if evaluation.document:
        return ("document", _same(evaluation.document))
    return ("file", evaluation.source.file if evaluation.source else f"<table {id(evaluation)}>")


def _ordered(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    # Most severe first; within a severity, table-level findings, then by line (stable otherwise).
    return tuple(sorted(findings, key=lambda f: (f.severity.rank, f.index or 0)))


def _reviewed(table: TableView, more: list[Finding], ruleset: RuleSet) -> EvaluationResult:
    """The engine's result with the checks' findings; a failed check leaves the table pending (待定)."""
    update: dict = {"findings": _ordered(table.result.findings + tuple(more))}
    if any(f.code == "check_failed" for f in more):
        update.update(complete=False, grade=ruleset.pending_grade)
    return table.result.model_copy(update=update)


def check_evaluations(evaluations: Sequence[Evaluation], ruleset: RuleSet = STANDARD) -> list[EvaluationResult]:
    """Score and review tables; tables of one document are also checked against each other.

    Args:
        evaluations: the tables of one run, in order; tables sharing ``document`` (or, without
            one, a file) are one document for :data:`DOCUMENT_CHECKS`.
        ruleset: the rules the tables are scored with.

    Returns:
        One result per table, in order: the engine's result with its findings plus every
        check's, most severe first. A check that raised on a table adds a ``check_failed``
        error finding naming it; that table's review is incomplete, so its result is marked
        ``complete=False`` with the rule set's pending grade. The other checks and tables go on.
    """
    tables = [table_view(evaluation, score(evaluation, ruleset)) for evaluation in evaluations]
    extra = [check_table(table) for table in tables]
    groups: dict[tuple[str, str], list[int]] = {}
    for i, evaluation in enumerate(evaluations):
        groups.setdefault(document_key(evaluation), []).append(i)
    for members in groups.values():
        if len(members) < 2:
            continue
        for code, check in DOCUMENT_CHECKS.items():
            group = [tables[i] for i in members]
            try:
                found = check(group)
            except Exception as exc:  # noqa: BLE001 - as in _run_check: one check's bug stays there
                found = [[_check_failed(code, exc, table)] for table in group]
            for i, findings in zip(members, found):
                extra[i].extend(findings)
    return [_reviewed(table, more, ruleset) for table, more in zip(tables, extra)]


def check_evaluation(evaluation: Evaluation, ruleset: RuleSet = STANDARD) -> EvaluationResult:
    """Score and review one table on its own (no siblings to compare headers with)."""
    return check_evaluations([evaluation], ruleset)[0]


def at_or_above(findings: Iterable[Finding], minimum: Severity) -> list[Finding]:
    """The findings whose severity is ``minimum`` or more severe."""
    return [finding for finding in findings if finding.severity.rank <= minimum.rank]


def count_by_severity(findings: Iterable[Finding]) -> dict[Severity, int]:
    """How many findings of each severity, every severity present (most severe first)."""
    counts = Counter(finding.severity for finding in findings)
    return {severity: counts.get(severity, 0) for severity in Severity}
