"""``score(evaluation, ruleset) -> EvaluationResult``: the one place a table is scored.

weights → each line's case → the rule set's rule for that case → stated
deductions → rounding → total → grade. Every line carries Chinese reasons
(``scoring/reasons.py``); the findings the engine meets on the way (recorded ≠
computed, 指标性质 against 指标方向, lines needing judgment) are returned with the
result (codes: ``scoring/codes.py``; messages: ``scoring/messages.py``).

A rule that raises on one line does not stop the table: that line needs judgment,
an error finding ``rule_failed`` names the rule, and the table is pending (待定) as
for any line awaiting judgment.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from indicators.deductions import TextDeduction, named_in, split_deductions
from indicators.model import Evaluation, Goal, Indicator, Nature, split_declared_weight
from indicators.numbers import ZERO, exact, fmt2, to_decimal
from indicators.problems import Source
from indicators.values import Comparison, ValueKind, parse_value

from . import messages as M
from . import reasons as R
from .codes import finding
from .results import BudgetResult, EvaluationResult, Finding, LineResult, Status
from .rules import LineCase, Outcome, comparable_numbers, rule_named
from .ruleset_model import CASES, STANDARD, RuleSet
from .weights import resolve_weights

__all__ = ["score", "classify"]


def classify(line: Indicator, wording: R.Wording = None) -> tuple[str, str, Comparison | None]:
    """Which case scores ``line`` and the direction note for its sentences.

    指标性质 wins over 指标方向 and over the target's own comparison
    (docs/rules.md §2, U2). Returns ``(case, note, contradicting comparison)``;
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
    sign = line.sign_comparison
    if sign is not None:
        # 指标性质 printed as a sign (≧, ＜, ═): the sign is the line's comparison; another
        # column stating a different direction is a contradiction, reported, the sign wins.
        if sign is Comparison.EQ:
            conflict = stated if stated not in (None, Comparison.EQ) else None
            return "equal", R.note(wording, "note_equal"), conflict
        if sign.higher_is_better:
            conflict = stated if stated in (Comparison.LE, Comparison.LT, Comparison.EQ) else None
            return "higher", R.note(wording, "note_positive"), conflict
        conflict = stated if stated in (Comparison.GE, Comparison.GT, Comparison.EQ) else None
        return "lower", R.note(wording, "note_negative"), conflict
    if line.nature is Nature.POSITIVE:
        conflict = stated if stated in (Comparison.LE, Comparison.LT) else None
        return ("equal" if stated is Comparison.EQ else "higher"), R.note(wording, "note_positive"), conflict
    if line.nature is Nature.NEGATIVE:
        conflict = stated if stated in (Comparison.GE, Comparison.GT) else None
        return "lower", R.note(wording, "note_negative"), conflict
    if stated is None:
        return "higher", R.note(wording, "note_assumed_higher"), None
    if stated is Comparison.EQ:
        return "equal", R.note(wording, "note_equal_as_higher"), None
    return ("higher", "", None) if stated.higher_is_better else ("lower", R.note(wording, "note_negative"), None)


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


def _run_rule(rule_name: str, case: LineCase, ruleset: RuleSet, index: int, source: Source | None,
              findings: list[Finding]) -> Outcome:
    """The rule's outcome for one line; a rule that raises makes that line need judgment, not the table fail.

    Any exception is caught on purpose: it is a bug in a rule, and one line's bug must not
    cost the reviewer the rest of the table. The finding names the rule and the exception type.
    """
    try:
        outcome = rule_named(rule_name)(case, ruleset)
    except Exception as exc:  # noqa: BLE001 - isolation is the point (see the docstring)
        error = type(exc).__name__
        findings.append(finding("rule_failed", M.rule_failed(rule_name, case.name, error), line=case.name,
                                index=index, source=source))
        reason = R.plain(ruleset.wording, "rule_failed", name=case.name, actual=case.actual.display,
                         target=case.target.display, note=case.note, weight=case.weight, rule=rule_name, error=error)
        return Outcome(None, Status.NEEDS_JUDGMENT, (reason,))
    return _checked(outcome, case.weight, case.name, index, source, findings)


def _checked(outcome: Outcome, weight: Decimal, name: str, index: int, source: Source | None,
             findings: list[Finding]) -> Outcome:
    """Report a formula that failed on this line, and keep a formula's score within [0, 分值]."""
    if outcome.error is not None:
        findings.append(finding("formula_failed", M.formula_failed(name, outcome.error), line=name, index=index,
                                source=source))
    if outcome.score is not None and not 0 <= outcome.score <= exact(weight):
        kept = min(max(outcome.score, Fraction(0)), exact(weight))
        findings.append(finding("formula_out_of_range", M.formula_out_of_range(name, outcome.score, weight, kept),
                                line=name, index=index, source=source))
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
    where = dict(line=name, index=result.index, source=source)
    if gap < 0:
        if explained:
            return [finding("recorded_below_rule", M.recorded_below_rule(name, result.recorded, result.score, -gap),
                            **where)]
        return [finding("unexplained_deduction", M.unexplained_deduction(name, result.recorded, result.score, -gap),
                        **where)]
    return [finding("score_above_rule", M.score_above_rule(name, result.recorded, result.score, gap), **where)]


def _budget_line(evaluation: Evaluation, ruleset: RuleSet, weight: Decimal | None, note: str,
                 findings: list[Finding]) -> tuple[LineResult | None, BudgetResult | None]:
    funds = evaluation.funds
    if funds is None:
        return None, None
    label = funds.label or "预算执行率"
    source = funds.source
    # Kept as data and shown to 0.01: cut to 28 digits by rounding to odd, so showing it
    # rounds as the exact 执行数 × 100 / 预算数 would (no double rounding).
    rate = to_decimal(exact(funds.executed) * 100 / exact(funds.budget)) if funds.budget else None
    if weight is None:
        findings.append(finding("weight_missing", M.budget_weight_missing(), line=label, index=1, source=source))
        result = LineResult(index=1, kind="budget", name=label, weight=None, recorded=funds.recorded,
                            status=Status.NEEDS_JUDGMENT, reasons=(R.say(ruleset.wording, "weight_missing", name=label),),
                            rule="budget_line", source=source, target=fmt2(funds.budget), actual=fmt2(funds.executed))
        return result, BudgetResult(budget=funds.budget, executed=funds.executed, rate=rate, weight=None, score=None)
    if funds.unreadable:
        # A cell of the budget line could not be read (#DIV/0! under 执行率/得分): never scored on a
        # guess; the line waits for a person, the other lines are scored, the table is 待定.
        cells = "、".join(f"{_FUNDS_WORDS.get(key, key)}（{_place(funds.source_of(key))}）" for key in funds.unreadable)
        why = R.say(ruleset.wording, "budget_unreadable", name=label, cells=cells,
                    weight=R.P(weight) if weight is not None else "—")
        findings.append(finding("needs_judgment", M.needs_judgment(label, weight, why), line=label, index=1,
                                source=funds.source_of(funds.unreadable[0]) or source))
        result = LineResult(index=1, kind="budget", name=label, weight=weight, recorded=funds.recorded,
                            status=Status.NEEDS_JUDGMENT, reasons=((note,) if note else ()) + (why,),
                            rule=ruleset.cases["budget"], source=source, target=str(funds.budget),
                            actual=str(funds.executed))
        return result, BudgetResult(budget=funds.budget, executed=funds.executed, rate=rate, weight=weight, score=None)
    printed = parse_value(funds.rate) if funds.rate else None
    printed_rate = exact(printed.number) / 100 if printed is not None and printed.number is not None else None
    case = LineCase(name=label, weight=weight, target=parse_value(str(funds.budget)),
                    actual=parse_value(str(funds.executed)), recorded=funds.recorded,
                    budget=funds.budget, executed=funds.executed, printed_rate=printed_rate)
    rule_name = ruleset.cases["budget"]
    outcome = _run_rule(rule_name, case, ruleset, 1, source, findings)
    reasons = ((note,) if note else ()) + outcome.reasons
    if not ruleset.budget_in_total:
        reasons += (R.plain(ruleset.wording, "budget_outside_total", name=label, weight=weight,
                            ruleset=ruleset.name),)
    score = min(ruleset.round_line(outcome.score), weight) if outcome.score is not None else None
    result = LineResult(
        index=1, kind="budget", name=label, target=str(funds.budget), actual=str(funds.executed),
        weight=weight, score=score, lost=(weight - score) if score is not None else None, recorded=funds.recorded,
        status=outcome.status, reasons=reasons, rule=rule_name, source=source,
    )
    if outcome.status is Status.SCORED:
        findings.extend(_recorded_findings(result, None, False, funds.source_of("recorded") or source))
    return result, BudgetResult(budget=funds.budget, executed=funds.executed, rate=rate, weight=weight, score=score)


_FUNDS_WORDS = {"rate": "执行率", "recorded": "得分", "weight": "分值"}


def _place(source: Source | None) -> str:
    """A field's place for a sentence (``预算表!F6``, ``a.yaml:12``); '' when unknown."""
    return source.location if source is not None else ""


def _not_applicable_why(line: Indicator, wording: R.Wording) -> str:
    said = next((w for w in ("此项目不涉及", "不涉及", "不适用") if w in line.name + line.target + (line.actual or "")),
                None)
    if said is not None:
        return said  # the table's own words
    return R.say(wording, "na_zero_weight" if line.weight == 0 else "na_marked")


def _score_indicator(index: int, goal: Goal | None, line: Indicator, weight: Decimal | None, weight_note: str,
                     table_deductions: list[TextDeduction], ruleset: RuleSet,
                     findings: list[Finding]) -> LineResult:
    wording = ruleset.wording
    name = line.name_clean
    base = dict(index=index, kind="indicator", goal=split_declared_weight(goal.name)[0] if goal else None,
                level1=split_declared_weight(line.level1)[0] or None,
                level2=split_declared_weight(line.level2)[0] or None, name=name, target=line.target,
                actual=line.actual, recorded=line.recorded, source=line.source)
    notes = (weight_note,) if weight_note else ()

    if line.marked_not_applicable:
        why = _not_applicable_why(line, wording)
        return LineResult(**base, weight=weight, status=Status.NOT_APPLICABLE, reasons=(
            R.plain(wording, "not_applicable", name=name, actual=line.actual or "", target=line.target,
                    weight=weight if weight is not None else ZERO, why=why),))
    if weight is None:
        findings.append(finding("weight_missing", M.weight_missing(name), line=name, index=index, source=line.source))
        return LineResult(**base, status=Status.NEEDS_JUDGMENT, reasons=(R.say(wording, "weight_missing", name=name),))

    if "actual" in line.unreadable and line.judgment is None:
        # The actual's cell holds an error value: never read as empty, never scored on a guess.
        why = R.say(wording, "actual_error", name=name, cell=_place(line.source_of("actual")))
        findings.append(finding("needs_judgment", M.needs_judgment(name, weight, why), line=name, index=index,
                                source=_line_source(line, "actual")))
        return LineResult(**base, weight=weight, status=Status.NEEDS_JUDGMENT, reasons=notes + (why,))
    case_name, note, conflict = classify(line, wording)
    if conflict is not None:
        findings.append(finding(
            "nature_direction_conflict",
            M.nature_direction_conflict(name, line.nature_sign or line.nature.value,  # the sign as printed
                                        line.direction or conflict.value), line=name,
            index=index, source=_line_source(line, "direction") if line.direction else _line_source(line, "target")))
    rule_name = ruleset.cases[case_name]
    case = LineCase(name=name, weight=weight, target=line.target_value, actual=line.actual_value, note=note,
                    comparison=line.sign_comparison or line.direction_comparison or line.target_value.comparison,
                    recorded=line.recorded, judgment=line.judgment)
    outcome = _run_rule(rule_name, case, ruleset, index, line.source, findings)
    reasons = list(notes) + list(outcome.reasons)
    fields = dict(name=name, actual=case.actual.display, target=case.target.display, note=note, weight=weight)

    if outcome.score is None:
        findings.append(finding("needs_judgment", M.needs_judgment(name, weight, outcome.reasons[-1]), line=name,
                                index=index, source=_line_source(line, "actual")))
        return LineResult(**base, weight=weight, status=Status.NEEDS_JUDGMENT, reasons=tuple(reasons), rule=rule_name)

    raw_score: Fraction = outcome.score  # exact until the one rounding below
    from_recorded = outcome.status is Status.JUDGED and line.judgment is None
    if not from_recorded:
        # Stated deductions (docs/rules.md §5) apply after the rule, never below 0. A
        # recorded score taken as the judgment already contains them.
        for deduction in line.deductions:
            raw_score -= exact(deduction.points)
            reasons.append(R.plain(wording, "manual_deduction", **fields, points=R.P(deduction.points),
                                   reason=deduction.reason))
        text_found = list(line.actual_split[1]) + list(line.reason_deductions) + table_deductions
        if text_found:
            points = sum((d.points for d in text_found), ZERO)
            rule_score = ruleset.round_line(outcome.score)
            full = rule_score == weight
            matches = line.recorded is not None and line.recorded == ruleset.round_line(max(rule_score - points, ZERO))
            if full or matches:
                for deduction in text_found:
                    raw_score -= exact(deduction.points)
                    reasons.append(R.plain(wording, "manual_deduction", **fields, points=R.P(deduction.points),
                                           reason=deduction.reason or deduction.sentence))
            else:
                findings.append(finding("deduction_not_applied", M.deduction_not_applied(name, points, rule_score),
                                        line=name, index=index, source=_line_source(line, "actual")))
        penalty = ruleset.deviation_penalty
        if penalty is not None and case_name in ("higher", "equal") and outcome.status is Status.SCORED:
            numbers = comparable_numbers(case)
            if not isinstance(numbers, str) and numbers[1] > 0 and \
                    exact(numbers[0]) >= exact(numbers[1]) * (1 + exact(penalty.threshold) / 100):
                raw_score -= exact(penalty.points)
                reasons.append(R.plain(wording, "deviation_penalty", **fields, threshold=R.P(penalty.threshold),
                                       ruleset=ruleset.name, points=R.P(penalty.points)))
        if raw_score < 0:
            raw_score = Fraction(0)
            reasons.append(R.plain(wording, "deduction_floor", **fields, score=R.P(raw_score)))
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
        needs judgment) and the findings met while scoring. A rule that raised on a
        line is reported (``rule_failed``) and leaves that line pending.

    Raises:
        UnknownRule: the rule set names a rule that is not registered (a rule set
            built in code; files are checked when they load).
    """
    for case in CASES:
        rule_named(ruleset.cases[case])  # misuse is reported before any line is scored
    findings: list[Finding] = []
    plan = resolve_weights(evaluation, ruleset)
    if plan.assigned_by_scheme:
        findings.append(finding("weights_assigned", plan.scheme_message, source=evaluation.source))
    budget_line, budget = _budget_line(evaluation, ruleset, plan.budget_weight, plan.budget_note, findings)
    lines: list[LineResult] = [budget_line] if budget_line else []
    attached, loose = _attach_table_deductions(evaluation)
    for deduction in loose:
        findings.append(finding("deduction_unattached", M.deduction_unattached(deduction.sentence),
                                source=evaluation.source))
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
        rescaled = ruleset.round_total(exact(total) * 100 / exact(max_total))  # exact quotient, rounded once
        findings.append(finding("rescaled", M.rescaled(total, max_total, rescaled), source=evaluation.source))
        total, max_total = rescaled, Decimal(100)
    exact_rate = exact(budget.executed) * 100 / exact(budget.budget) if budget is not None and budget.budget else None
    cap = ruleset.total_cap(exact_rate)
    if cap is not None and budget is not None and budget.rate is not None and total > cap:
        findings.append(finding("total_capped", M.total_capped(budget.rate, ruleset.name, cap, total),
                                source=evaluation.source))
        total = ruleset.round_total(cap)
    source = evaluation.source
    return EvaluationResult(
        file=source.file if source else "", location=source.location if source else "",
        title=evaluation.title, kind=evaluation.kind, rules=ruleset.name, total=total,
        max_total=max_total, recorded_total=evaluation.recorded_total,
        grade=ruleset.grade(total) if complete else ruleset.pending_grade, complete=complete,
        pending_weight=pending_weight, budget=budget, lines=tuple(lines),
        findings=tuple(sorted(findings, key=lambda f: (f.severity.rank, f.index or 0))),
    )
