"""``score(evaluation, ruleset) -> EvaluationResult``: the one place a table is scored.

weights → each line's case → the rule set's rule for that case → stated
deductions → rounding → total → grade. Every line carries Chinese reasons; the
findings the engine meets on the way (recorded ≠ computed, 指标性质 against
指标方向, lines needing judgment) are returned with the result.
"""

from __future__ import annotations

from decimal import Decimal

from indicators.deductions import TextDeduction, named_in, split_deductions
from indicators.model import Evaluation, Goal, Indicator, Nature, split_declared_weight
from indicators.numbers import ZERO, fmt2, fmt_points
from indicators.problems import Source
from indicators.values import Comparison, ValueKind, parse_value

from . import reasons as R
from .results import BudgetResult, EvaluationResult, Finding, LineResult, Severity, Status
from .rules import RULES, LineCase, Outcome, comparable_numbers
from .ruleset import STANDARD, RuleSet
from .weights import resolve_weights

__all__ = ["score", "classify"]


def classify(line: Indicator) -> tuple[str, str, Comparison | None]:
    """Which case scores ``line`` and the direction note for its sentences.

    指标性质 wins over 指标方向 and over the target's own comparison
    (scoring-rules.md §2, U2). Returns ``(case, note, contradicting comparison)``;
    the last is set when 指标性质 and a stated direction disagree.
    """
    target = line.target_value
    if line.nature is Nature.QUALITATIVE:
        return "qualitative", "", None
    if target.kind in (ValueKind.TEXT, ValueKind.EMPTY):
        return "qualitative", "", None
    if target.kind is ValueKind.YES_NO:
        return "yes_no", "", None
    if target.kind is ValueKind.DATE:
        return "date", "", None
    if target.kind is ValueKind.RANGE:
        return "range", "", None
    stated = line.direction_comparison or target.comparison
    if line.nature is Nature.POSITIVE:
        conflict = stated if stated in (Comparison.LE, Comparison.LT) else None
        return ("equal" if stated is Comparison.EQ else "higher"), "（正向）", conflict
    if line.nature is Nature.NEGATIVE:
        conflict = stated if stated in (Comparison.GE, Comparison.GT) else None
        return "lower", "（反向）", conflict
    if stated is None:
        return "higher", R.assumed_higher(), None
    if stated is Comparison.EQ:
        return "equal", R.equal_as_higher(), None
    return ("higher", "", None) if stated.higher_is_better else ("lower", "（反向）", None)


def _attach_table_deductions(evaluation: Evaluation) -> tuple[dict[int, list[TextDeduction]], list[TextDeduction]]:
    """Give each ``扣X分`` sentence of the table-level 原因分析 to the one line it names."""
    _, found = split_deductions(evaluation.deviation_analysis)
    attached: dict[int, list[TextDeduction]] = {}
    loose: list[TextDeduction] = []
    names = [line.name_clean for _, line in evaluation.lines()]
    for deduction in found:
        hits = named_in(deduction.sentence, names)
        if len(hits) == 1:
            attached.setdefault(hits[0], []).append(deduction)
        else:
            loose.append(deduction)
    return attached, loose


def _checked(outcome: Outcome, weight: Decimal, name: str, index: int, source: Source | None,
             findings: list[Finding]) -> Outcome:
    """Report a formula that failed on this line, and keep a formula's score within [0, 分值]."""
    if outcome.error is not None:
        findings.append(Finding(code="formula_failed", severity=Severity.ERROR, line=name, index=index, source=source,
                                message=f"“{name}”：{outcome.error}，该行需要评价人判断"))
    if outcome.score is not None and not ZERO <= outcome.score <= weight:
        kept = min(max(outcome.score, ZERO), weight)
        findings.append(Finding(code="formula_out_of_range", severity=Severity.WARNING, line=name, index=index,
                                source=source, message=(f"“{name}”按规则集公式得{fmt_points(outcome.score)}分，"
                                                        f"超出0到分值{fmt_points(weight)}分的范围，按{fmt_points(kept)}分计")))
        return Outcome(kept, outcome.status, outcome.reasons, outcome.met, outcome.error)
    return outcome


def _line_source(line: Indicator, field: str) -> Source | None:
    return line.source_of(field)


def _recorded_findings(result: LineResult, line: Indicator | None, explained: bool,
                       source: Source | None) -> list[Finding]:
    if result.recorded is None or result.score is None or result.recorded == result.score:
        return []
    gap = result.recorded - result.score
    name = result.name
    if gap < 0:
        if explained:
            return [Finding(code="recorded_below_rule", severity=Severity.INFO, line=name, index=result.index,
                            source=source, message=(f"“{name}”表上得分{fmt2(result.recorded)}低于规则得分"
                                                    f"{fmt2(result.score)}，差{fmt_points(-gap)}分；偏差原因中有说明，请核对"))]
        return [Finding(code="unexplained_deduction", severity=Severity.WARNING, line=name, index=result.index,
                        source=source, message=(f"“{name}”表上得分{fmt2(result.recorded)}低于规则得分"
                                                f"{fmt2(result.score)}，差{fmt_points(-gap)}分，且未说明扣分原因（无说明扣分）"))]
    return [Finding(code="score_above_rule", severity=Severity.WARNING, line=name, index=result.index, source=source,
                    message=(f"“{name}”表上得分{fmt2(result.recorded)}高于规则得分{fmt2(result.score)}，"
                             f"多给{fmt_points(gap)}分"))]


def _budget_line(evaluation: Evaluation, ruleset: RuleSet, weight: Decimal | None, note: str,
                 findings: list[Finding]) -> tuple[LineResult | None, BudgetResult | None]:
    funds = evaluation.funds
    if funds is None:
        return None, None
    label = funds.label or "预算执行率"
    source = funds.source
    rate = funds.executed / funds.budget * 100 if funds.budget else None
    if weight is None:
        findings.append(Finding(code="weight_missing", severity=Severity.ERROR, line=label, index=1, source=source,
                                message="预算执行率一行没有分值（如“20分×执行率”的20），无法计分；请补填 funds.weight"))
        result = LineResult(index=1, kind="budget", name=label, weight=None, recorded=funds.recorded,
                            status=Status.NEEDS_JUDGMENT, reasons=(R.weight_missing(),), rule="budget_line",
                            source=source, target=fmt2(funds.budget), actual=fmt2(funds.executed))
        return result, BudgetResult(budget=funds.budget, executed=funds.executed, rate=rate, weight=None, score=None)
    printed = parse_value(funds.rate) if funds.rate else None
    printed_rate = printed.number / 100 if printed is not None and printed.number is not None else None
    case = LineCase(name=label, weight=weight, target=parse_value(str(funds.budget)),
                    actual=parse_value(str(funds.executed)), recorded=funds.recorded,
                    budget=funds.budget, executed=funds.executed, printed_rate=printed_rate)
    rule_name = ruleset.cases["budget"]
    outcome = _checked(RULES[rule_name](case, ruleset), weight, label, 1, source, findings)
    reasons = ((note,) if note else ()) + outcome.reasons
    if not ruleset.budget_in_total:
        reasons += (f"规则集“{ruleset.name}”：预算执行率一行照常计分，但不计入总分",)
    score = min(ruleset.round_line(outcome.score), weight) if outcome.score is not None else None
    result = LineResult(
        index=1, kind="budget", name=label, target=str(funds.budget), actual=str(funds.executed),
        weight=weight, score=score, lost=(weight - score) if score is not None else None, recorded=funds.recorded,
        status=outcome.status, reasons=reasons, rule=rule_name, source=source,
    )
    if outcome.status is Status.SCORED:
        findings.extend(_recorded_findings(result, None, False, funds.source_of("recorded") or source))
    return result, BudgetResult(budget=funds.budget, executed=funds.executed, rate=rate, weight=weight, score=score)


def _score_indicator(index: int, goal: Goal | None, line: Indicator, weight: Decimal | None, weight_note: str,
                     table_deductions: list[TextDeduction], ruleset: RuleSet,
                     findings: list[Finding]) -> LineResult:
    name = line.name_clean
    base = dict(index=index, kind="indicator", goal=split_declared_weight(goal.name)[0] if goal else None,
                level1=split_declared_weight(line.level1)[0] or None,
                level2=split_declared_weight(line.level2)[0] or None, name=name, target=line.target,
                actual=line.actual, recorded=line.recorded, source=line.source)
    notes = (weight_note,) if weight_note else ()

    if line.marked_not_applicable:
        why = next((w for w in ("此项目不涉及", "不涉及", "不适用") if w in line.name + line.target + (line.actual or "")),
                   "分值为0" if line.weight == 0 else "标记为不适用")
        return LineResult(**base, weight=weight, status=Status.NOT_APPLICABLE, reasons=(R.not_applicable(why),))
    if weight is None:
        findings.append(Finding(code="weight_missing", severity=Severity.ERROR, line=name, index=index,
                                source=line.source, message=f"“{name}”没有分值，也无法由年度目标或一级指标分配"))
        return LineResult(**base, status=Status.NEEDS_JUDGMENT, reasons=(R.weight_missing(),))

    case_name, note, conflict = classify(line)
    if conflict is not None:
        findings.append(Finding(
            code="nature_direction_conflict", severity=Severity.WARNING, line=name, index=index,
            source=_line_source(line, "direction") if line.direction else _line_source(line, "target"),
            message=(f"“{name}”指标性质为“{line.nature.value}”，指标方向却是“{line.direction or conflict.value}”："
                     f"按指标性质（{line.nature.value}）计分，请核对")))
    rule_name = ruleset.cases[case_name]
    case = LineCase(name=name, weight=weight, target=line.target_value, actual=line.actual_value, note=note,
                    comparison=line.direction_comparison or line.target_value.comparison,
                    recorded=line.recorded, judgment=line.judgment)
    outcome: Outcome = _checked(RULES[rule_name](case, ruleset), weight, name, index, line.source, findings)
    reasons = list(notes) + list(outcome.reasons)

    if outcome.score is None:
        findings.append(Finding(code="needs_judgment", severity=Severity.WARNING, line=name, index=index,
                                source=_line_source(line, "actual"),
                                message=f"“{name}”需要评价人判断（分值{fmt_points(weight)}分暂不计入总分）：{outcome.reasons[-1]}"))
        return LineResult(**base, weight=weight, status=Status.NEEDS_JUDGMENT, reasons=tuple(reasons), rule=rule_name)

    raw_score = outcome.score
    from_recorded = outcome.status is Status.JUDGED and line.judgment is None
    if not from_recorded:
        # Stated deductions (scoring-rules.md §5) apply after the rule, never below 0. A
        # recorded score taken as the judgment already contains them.
        for deduction in line.deductions:
            raw_score -= deduction.points
            reasons.append(R.manual_deduction(deduction.points, deduction.reason))
        text_found = list(line.actual_split[1]) + list(line.reason_deductions) + table_deductions
        if text_found:
            points = sum((d.points for d in text_found), ZERO)
            rule_score = ruleset.round_line(outcome.score)
            full = rule_score == weight
            matches = line.recorded is not None and line.recorded == ruleset.round_line(max(rule_score - points, ZERO))
            if full or matches:
                for deduction in text_found:
                    raw_score -= deduction.points
                    reasons.append(R.manual_deduction(deduction.points, deduction.reason or deduction.sentence))
            else:
                findings.append(Finding(
                    code="deduction_not_applied", severity=Severity.INFO, line=name, index=index,
                    source=_line_source(line, "actual"),
                    message=(f"“{name}”写有“扣{fmt_points(points)}分”，但规则得分{fmt2(rule_score)}已低于满分，"
                             f"表上得分也不等于规则得分减去该扣分，视为对已计失分的说明，未重复扣除")))
        penalty = ruleset.deviation_penalty
        if penalty is not None and case_name in ("higher", "equal") and outcome.status is Status.SCORED:
            numbers = comparable_numbers(case)
            if not isinstance(numbers, str) and numbers[1] > 0 and \
                    numbers[0] >= numbers[1] * (1 + penalty.threshold / 100):
                raw_score -= penalty.points
                reasons.append(f"指标偏离：实际完成值超过年度指标值{fmt_points(penalty.threshold)}%以上，"
                               f"按规则集“{ruleset.name}”扣{fmt_points(penalty.points)}分")
        if raw_score < 0:
            raw_score = ZERO
            reasons.append(R.deduction_floor(raw_score))
    # Rounding never lifts a line above its 分值 (0.5 points rounded to a whole point would be 1).
    score = min(ruleset.round_line(raw_score), weight)
    result = LineResult(**base, weight=weight, score=score, lost=weight - score, status=outcome.status,
                        reasons=tuple(reasons), rule=rule_name)
    if not from_recorded:
        explained = bool((line.deviation_reason or "").strip())
        findings.extend(_recorded_findings(result, line, explained, _line_source(line, "recorded")))
    return result


def score(evaluation: Evaluation, ruleset: RuleSet = STANDARD) -> EvaluationResult:
    """Score one self-evaluation table.

    Args:
        evaluation: the table as read (YAML or xlsx).
        ruleset: the rules; ``standard`` by default.

    Returns:
        Every line with its 分值, 得分, points lost, status and Chinese reasons; the
        total (sum of rounded lines), the maximum, the grade (``待定`` while any line
        needs judgment) and the findings met while scoring.
    """
    findings: list[Finding] = []
    plan = resolve_weights(evaluation, ruleset)
    if plan.assigned_by_scheme:
        findings.append(Finding(code="weights_assigned", severity=Severity.INFO, source=evaluation.source,
                                message=plan.scheme_message))
    budget_line, budget = _budget_line(evaluation, ruleset, plan.budget_weight, plan.budget_note, findings)
    lines: list[LineResult] = [budget_line] if budget_line else []
    attached, loose = _attach_table_deductions(evaluation)
    for deduction in loose:
        findings.append(Finding(code="deduction_unattached", severity=Severity.INFO, source=evaluation.source,
                                message=f"原因分析中写有“{deduction.sentence}”，但无法确定对应哪一项指标，未扣分"))
    offset = len(lines) + 1
    for i, (goal, line) in enumerate(evaluation.lines()):
        lines.append(_score_indicator(i + offset, goal, line, plan.weights[i], plan.notes[i],
                                      attached.get(i, []), ruleset, findings))

    in_total = [line for line in lines if ruleset.budget_in_total or line.kind != "budget"]
    counted = [line for line in in_total if line.status in (Status.SCORED, Status.JUDGED)]
    pending = [line for line in in_total if line.status is Status.NEEDS_JUDGMENT]
    total = ruleset.round_total(sum((line.score for line in counted if line.score is not None), ZERO))
    max_total = sum((line.weight for line in in_total
                     if line.status is not Status.NOT_APPLICABLE and line.weight is not None), ZERO)
    pending_weight = sum((line.weight for line in pending if line.weight is not None), ZERO)
    complete = not pending
    has_na = any(line.status is Status.NOT_APPLICABLE for line in lines)
    if ruleset.not_applicable == "rescale" and has_na and complete and 0 < max_total != 100:
        # 剔除后按百分制折算: the applicable lines are scaled up to a 100-point table.
        rescaled = ruleset.round_total(total * 100 / max_total)
        findings.append(Finding(code="rescaled", severity=Severity.INFO, source=evaluation.source,
                                message=(f"不适用的指标剔除后按百分制折算：{fmt2(total)} × 100 / {fmt2(max_total)}"
                                         f" = {fmt2(rescaled)}")))
        total, max_total = rescaled, Decimal(100)
    cap = ruleset.total_cap(budget.rate if budget is not None else None)
    if cap is not None and total > cap:
        findings.append(Finding(code="total_capped", severity=Severity.INFO, source=evaluation.source,
                                message=(f"执行率{fmt2(budget.rate)}%，按规则集“{ruleset.name}”总分不超过{fmt_points(cap)}分："
                                         f"{fmt2(total)} → {fmt2(cap)}")))
        total = ruleset.round_total(cap)
    source = evaluation.source
    return EvaluationResult(
        file=source.file if source else "", location=source.location if source else "",
        title=evaluation.title, kind=evaluation.kind.value, rules=ruleset.name, total=total,
        max_total=max_total, recorded_total=evaluation.recorded_total,
        grade=ruleset.grade(total) if complete else ruleset.pending_grade, complete=complete,
        pending_weight=pending_weight, budget=budget, lines=tuple(lines),
        findings=tuple(sorted(findings, key=lambda f: (f.severity.rank, f.index or 0))),
    )
