"""The ``--format json`` contract (version 1). Extend it; never break it.

Numbers are strings with exactly two decimals (``rate`` is a percentage);
absent values are ``null``. Fields added within version 1 come after the ones before
them (``CONTRACT_MINOR`` counts the additions; docs/json.md lists them):

- 1.1: ``year``, ``department``, ``unit``, ``opinion`` on each table; ``decision`` on a finding a
  reviewer decided (present only then).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterable

from indicators.numbers import fmt2
from indicators.problems import Problem

from ..results import Decision, EvaluationResult, Finding, LineResult

__all__ = ["CONTRACT_VERSION", "CONTRACT_MINOR", "evaluation_to_dict", "report_to_dict", "decision_to_dict"]

CONTRACT_VERSION = 1
#: Additions within version 1 (written as ``version_minor``); a reader of version 1 may ignore them all.
CONTRACT_MINOR = 1


def _n(value: Decimal | None) -> str | None:
    return fmt2(value) if value is not None else None


def _line(line: LineResult) -> dict[str, Any]:
    return {
        "index": line.index, "kind": line.kind, "goal": line.goal, "level1": line.level1, "level2": line.level2,
        "name": line.name, "target": line.target, "actual": line.actual, "weight": _n(line.weight),
        "score": _n(line.score), "lost": _n(line.lost), "recorded": _n(line.recorded), "status": line.status.value,
        "reasons": list(line.reasons), "source": line.source.location if line.source else None,
    }


def decision_to_dict(decision: Decision) -> dict[str, Any]:
    """A reviewer's decision on a finding: ``verdict`` accepted/dismissed, its Chinese word, the reason,
    whether it ``lapsed`` (the values changed: it decides nothing), the values it was made on, and where it was written."""
    return {"verdict": decision.verdict.value, "verdict_text": decision.verdict.chinese, "reason": decision.reason,
            "lapsed": decision.lapsed, "values": list(decision.values) if decision.values is not None else None,
            "source": str(decision.source) if decision.source else None}


def _finding(finding: Finding) -> dict[str, Any]:
    item = {
        "code": finding.code, "severity": finding.severity.value, "line": finding.line, "index": finding.index,
        "source": finding.source.location if finding.source else None, "message": finding.message,
    }
    if finding.decision is not None:  # added in 1.1, only on a finding a reviewer decided
        item["decision"] = decision_to_dict(finding.decision)
    return item


def evaluation_to_dict(result: EvaluationResult) -> dict[str, Any]:
    """One scored table as the contract's ``evaluations[]`` item."""
    budget = result.budget
    return {
        "source": result.file, "location": result.location, "title": result.title, "kind": result.kind,
        "rules": result.rules, "version": CONTRACT_VERSION, "total": _n(result.total),
        "max_total": _n(result.max_total), "recorded_total": _n(result.recorded_total), "grade": result.grade,
        "complete": result.complete, "pending_weight": _n(result.pending_weight),
        "budget": None if budget is None else {
            "budget": _n(budget.budget), "executed": _n(budget.executed), "rate": _n(budget.rate),
            "weight": _n(budget.weight), "score": _n(budget.score),
        },
        "lines": [_line(line) for line in result.lines],
        "findings": [_finding(finding) for finding in result.findings],
        # added in 1.1
        "version_minor": CONTRACT_MINOR, "year": result.year, "department": result.department, "unit": result.unit,
        "opinion": result.opinion,
    }


def report_to_dict(results: Iterable[EvaluationResult], problems: Iterable[Problem]) -> dict[str, Any]:
    """The whole ``score --format json`` document."""
    return {
        "evaluations": [evaluation_to_dict(result) for result in results],
        "problems": [{"source": str(problem.source), "message": problem.message} for problem in problems],
    }
