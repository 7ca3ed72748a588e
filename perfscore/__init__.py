"""perfscore — score Chinese budget performance self-evaluation tables (预算绩效自评表) by explicit rules.

The Python API for scripts: read tables (YAML or .xlsx), score them line by line with a
Chinese reason for every lost point, review (复核) them, and write the scored workbook or the
JSON contract. The command line (``perfscore score|check|export|batch|serve``) goes through
the same functions. Every amount, rate and score is a :class:`~decimal.Decimal`.

Reading and scoring::

    run(paths)                  read, score and review files → [FileResult]
    load(path)                  read one file → LoadResult (evaluations, problems, notices)
    score(evaluation)           score one table (the engine only) → EvaluationResult
    review(evaluations)         score and check tables, across tables too → [EvaluationResult]
    decide(results, file)       attach a reviewer's decisions file (已核实 / 不采纳) to results

Writing::

    write_workbook(path, files) the scored workbook (汇总 sheet, one sheet per table)
    to_json(files)              the ``--format json`` contract as a dict

Rule sets: ``ruleset(name_or_file)``, ``builtin_rulesets()``. Every function taking ``rules``
accepts a built-in name (``"standard"``), a rule-set file's path or a :class:`RuleSet`.

Errors: input problems are returned as :class:`Problem` records (file, sheet!cell or line,
Chinese message), never raised; what is raised derives from :class:`PerfscoreError`.

See ``docs/api.md`` for examples.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Sequence

from indicators.load import Input, Limits
from indicators.load import load as _load
from indicators.loaded import LoadResult
from indicators.model import Evaluation, Funds, Goal, Indicator, Judgment, Kind, Nature
from indicators.problems import PerfscoreError, Problem, Source
from scoring.engine import score as _score
from scoring.pipeline import FileResult, JudgmentKey, score_tables
from scoring.pipeline import run as _run
from scoring.results import EvaluationResult, Finding, LineResult, Severity, Status
from scoring.ruleset import RuleSet, builtin_names, get_ruleset

__all__ = [
    "run", "load", "score", "review", "decide", "write_workbook", "to_json", "ruleset", "builtin_rulesets",
    "FileResult", "LoadResult", "Input", "Limits", "JudgmentKey",
    "Evaluation", "Funds", "Goal", "Indicator", "Judgment", "Kind", "Nature",
    "EvaluationResult", "LineResult", "Finding", "Severity", "Status", "RuleSet",
    "Problem", "Source", "PerfscoreError",
]



def ruleset(rules: "str | Path | RuleSet" = "standard") -> RuleSet:
    """A rule set: a built-in name (``standard``), a rule-set YAML file, or a :class:`RuleSet` as is.

    Raises:
        PerfscoreError: an unknown name (with the nearest one suggested), or a rule file with
            mistakes (every mistake with its line).
    """
    return rules if isinstance(rules, RuleSet) else get_ruleset(str(rules))


def builtin_rulesets() -> list[str]:
    """The names of the built-in rule sets."""
    return builtin_names()


def load(source: "str | Path | Input", targets: bool = False) -> LoadResult:
    """Read one file (or :class:`Input` bytes with a name); problems are returned, never raised.

    With ``targets``, 绩效目标表 (targets, no actuals) come back as evaluations too.
    """
    return _load(source, targets=targets)


def score(evaluation: Evaluation, rules: "str | Path | RuleSet" = "standard") -> EvaluationResult:
    """Score one table by the rule set: every line with its reason, the total and the grade (no review)."""
    return _score(evaluation, ruleset(rules))


def review(evaluations: Sequence[Evaluation], rules: "str | Path | RuleSet" = "standard") -> list[EvaluationResult]:
    """Score and check (复核) tables, one result each; tables of one document are also compared."""
    return score_tables(list(evaluations), ruleset(rules), review=True)


def run(paths: Iterable["str | Path | Input"], rules: "str | Path | RuleSet" = "standard", *, review: bool = True,
        judgments: dict[JudgmentKey, Judgment] | None = None) -> list[FileResult]:
    """Read, score and (with ``review``) check files, as ``perfscore check`` does; one FileResult per file."""
    return _run([p if isinstance(p, Input) else str(p) for p in paths], ruleset(rules), review=review,
                judgments=judgments)


def write_workbook(path: "str | Path", files: Sequence[FileResult], form: str | None = None) -> list[str]:
    """Write the scored workbook of ``files`` (what ``perfscore export`` writes) to ``path``.

    Returns a sentence for every text too long for an Excel cell (written cut; sheet and cell named).

    Raises:
        PerfscoreError: the file cannot be written (the message says why, in Chinese).
    """
    from scoring.reports.workbook import Mode
    from scoring.reports.workbook import write_workbook as _write

    scored = [file for file in files if file.results]
    rules_name = next((result.rules for file in scored for result in file.results), "standard")
    return _write(path, [e for file in scored for e in file.evaluations], [r for file in scored for r in file.results],
           mode=Mode.SCORED, form=form, rules=rules_name)


def decide(results: Sequence[EvaluationResult], decisions: "str | Path",
           ) -> tuple[list[EvaluationResult], list[Problem], list[Problem]]:
    """Attach a reviewer's decisions file (``check --decisions``, docs/decisions.md) to scored results.

    Returns the results (decided findings carry ``decision``; a table's 复核意见 is ``opinion``),
    the problems of the file (a decision naming a finding that is not there: ``check`` exits 1) and
    its notices (lapsed decisions, tables not in ``results``).

    Raises:
        PerfscoreError: the file cannot be read or has mistakes (each problem at its line).
    """
    from scoring.decisions import apply_decisions, read_decisions

    read = read_decisions(decisions)
    decided, outcome = apply_decisions(results, read)
    return decided, list(outcome.problems), [*outcome.notices, *outcome.unmatched(read)]


def to_json(files: Sequence[FileResult]) -> dict[str, Any]:
    """The ``perfscore score --format json`` document for ``files`` (numbers as exact decimal strings)."""
    from scoring.pipeline import problems_of
    from scoring.reports.json_report import report_to_dict

    return report_to_dict([r for file in files for r in file.results], problems_of(files))
