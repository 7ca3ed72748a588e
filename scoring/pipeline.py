"""One way from input files to scored and reviewed tables, for every front end.

``score``, ``check``, ``export``, ``batch`` and the web page all go through here, so the same
files give the same tables, findings and problems wherever they are read::

    inputs ──► load_files ──► FileResult (tables as read, problems, notices)
           ──► score_files (rule set, judgments; review = checks per table and across tables)
           ──► FileResult (each table's EvaluationResult)

Failures are contained where they happen. A file that cannot be read is a problem of that file
(:func:`indicators.load.load` never raises for bad input). A rule or a check that fails is an
error finding of its table (the engine and the checks contain those). Should scoring a table fail
in any other way, that table alone is reported unscored (``table_failed``, 待定) and every other
table of the run is scored as usual. Any of these failures makes :attr:`FileResult.failed` true,
and the commands exit 1.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

from pydantic import BaseModel, ConfigDict

from indicators.load import Input, Limits, load
from indicators.loaded import LoadResult
from indicators.model import Evaluation, Judgment
from indicators.numbers import ZERO
from indicators.problems import Problem, Source

from .checks import check_evaluations
from .engine import score
from .codes import finding
from .results import EvaluationResult
from .ruleset import STANDARD, RuleSet

__all__ = ["FileResult", "JudgmentKey", "INTERNAL_CODES", "load_files", "score_files", "run", "score_tables",
           "problems_of", "failed_result", "load_plans", "identified"]

#: Findings that say perfscore itself failed on a line, a check or a table (never the table's fault).
INTERNAL_CODES = frozenset({"rule_failed", "check_failed", "table_failed"})

#: (file's position in the run, table's position in its file, indicator's position in its table).
JudgmentKey = tuple[int, int, int]


class FileResult(BaseModel):
    """One input file of a run: what was read from it and, once scored, each table's result."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    #: The file as the officer knows it: the path given, or an upload's name.
    name: str
    loaded: LoadResult
    #: One result per table of ``loaded.evaluations``, in order (empty until scored).
    results: tuple[EvaluationResult, ...] = ()

    @property
    def evaluations(self) -> tuple[Evaluation, ...]:
        return self.loaded.evaluations

    @property
    def problems(self) -> tuple[Problem, ...]:
        """What kept this file, or tables of it, from being read."""
        return self.loaded.problems

    @property
    def notices(self) -> tuple[Problem, ...]:
        return self.loaded.notices

    @property
    def target_tables(self) -> tuple[Problem, ...]:
        """绩效目标表 found in the file: listed, not scored."""
        return self.loaded.target_tables

    @property
    def tables(self) -> list[tuple[Evaluation, EvaluationResult]]:
        """Each table as read beside its result."""
        return list(zip(self.loaded.evaluations, self.results))

    @property
    def failed(self) -> bool:
        """Whether the run must exit 1 for this file: a problem reading it, or perfscore failing on a table."""
        return bool(self.problems) or any(finding.code in INTERNAL_CODES
                                          for result in self.results for finding in result.findings)


def load_files(sources: Iterable["str | Input"], *, targets: bool = False,
               limits: Limits | None = None) -> list[FileResult]:
    """Read every input (paths or :class:`~indicators.load.Input`), in order; nothing is scored yet.

    Never raises for bad input: each file's problems are in its :class:`FileResult`.
    """
    files = []
    for source in sources:
        given = Input.of(source)
        files.append(FileResult(name=given.name, loaded=load(given, targets=targets, limits=limits)))
    return files


def identified(evaluation: Evaluation, result: EvaluationResult) -> EvaluationResult:
    """``result`` with its table's 年度, 主管部门 and 实施单位 (the 主管部门 when no 实施单位 is named)."""
    return result.model_copy(update={"year": evaluation.year, "department": evaluation.department,
                                     "unit": evaluation.unit or evaluation.department})


def failed_result(evaluation: Evaluation, ruleset: RuleSet, error: BaseException) -> EvaluationResult:
    """The result of a table whose scoring failed: no lines, nothing counted, 待定, one error finding."""
    source = evaluation.source
    failure = finding("table_failed", source=source,
                      message=(f"评分时发生内部错误（{type(error).__name__}），这张表没有评分；"
                               f"其他表不受影响。请报告此问题"))
    return EvaluationResult(
        file=source.file if source else "", location=source.location if source else "", title=evaluation.title,
        kind=evaluation.kind.value, rules=ruleset.name, total=ZERO, max_total=ZERO,
        recorded_total=evaluation.recorded_total, grade=ruleset.pending_grade, complete=False, pending_weight=ZERO,
        lines=(), findings=(failure,))


def _score_only(evaluation: Evaluation, ruleset: RuleSet) -> EvaluationResult:
    try:
        return score(evaluation, ruleset)
    except Exception as exc:  # contained: this table is reported unscored, the run goes on
        return failed_result(evaluation, ruleset, exc)


def score_tables(evaluations: Sequence[Evaluation], ruleset: RuleSet = STANDARD, *,
                 review: bool = True) -> list[EvaluationResult]:
    """Score tables, and with ``review`` check them (per table, and across the tables of one document).

    One table's failure never stops the others: its result carries a ``table_failed`` finding.
    Each result carries its table's 年度, 主管部门 and 实施单位 (:func:`identified`).
    """
    return [identified(evaluation, result) for evaluation, result in zip(evaluations, _scored(evaluations, ruleset,
                                                                                              review))]


def _scored(evaluations: Sequence[Evaluation], ruleset: RuleSet, review: bool) -> list[EvaluationResult]:
    if not review:
        return [_score_only(evaluation, ruleset) for evaluation in evaluations]
    try:
        return check_evaluations(list(evaluations), ruleset)
    except Exception:
        # Find the table that fails: the others are reviewed alone (their cross-table
        # findings are lost with the failing one; its finding says to report it).
        results = []
        for evaluation in evaluations:
            try:
                results.append(check_evaluations([evaluation], ruleset)[0])
            except Exception as exc:
                results.append(failed_result(evaluation, ruleset, exc))
        return results


def _judged(files: Sequence[FileResult], judgments: Mapping[JudgmentKey, Judgment]) -> list[list[Evaluation]]:
    """Each file's tables with the judgments entered for them applied (keys that match nothing are ignored)."""
    tables = [list(file.evaluations) for file in files]
    for (f, t, position), judgment in judgments.items():
        if 0 <= f < len(tables) and 0 <= t < len(tables[f]):
            try:
                tables[f][t] = tables[f][t].with_judgment(position, judgment)
            except IndexError:
                continue
    return tables


def score_files(files: Sequence[FileResult], ruleset: RuleSet = STANDARD, *, review: bool = True,
                judgments: Mapping[JudgmentKey, Judgment] | None = None,
                plans: Sequence[Evaluation] | None = None) -> list[FileResult]:
    """Score (and with ``review``, check) every table of ``files`` together.

    Tables of one document are checked against each other across files, as one run.

    Args:
        files: from :func:`load_files` (or an earlier :func:`score_files`: they are scored anew).
        ruleset: the rules.
        review: run the 复核 checks (``check``, ``export``, ``batch``, the web page); without it only
            the engine's own findings (``score``).
        judgments: evaluator judgments by (file, table, indicator) position, applied before scoring.
        plans: 绩效目标表 to compare each table with (``--targets``); their findings sort first.

    Returns:
        The files in order, each with its tables as scored (judgments applied) and one result per table.
    """
    tables = _judged(files, judgments or {})
    flat = [evaluation for file_tables in tables for evaluation in file_tables]
    results = iter(score_tables(flat, ruleset, review=review))
    scored = []
    for file, file_tables in zip(files, tables):
        mine = tuple(next(results) for _ in file_tables)
        if plans is not None:
            from .compare import with_plan_findings

            mine = tuple(with_plan_findings(evaluation, result, plans) for evaluation, result in zip(file_tables, mine))
        # The tables as scored (judgments applied), so an export or a view shows what was scored.
        loaded = file.loaded.model_copy(update={"evaluations": tuple(file_tables)})
        scored.append(file.model_copy(update={"loaded": loaded, "results": mine}))
    return scored


def run(sources: Iterable["str | Input"], ruleset: RuleSet = STANDARD, *, review: bool = True,
        judgments: Mapping[JudgmentKey, Judgment] | None = None, limits: Limits | None = None,
        plans: Sequence[Evaluation] | None = None) -> list[FileResult]:
    """Read, score and review inputs in one go: :func:`load_files` then :func:`score_files`."""
    return score_files(load_files(sources, limits=limits), ruleset, review=review, judgments=judgments, plans=plans)


def load_plans(sources: Iterable["str | Input"]) -> tuple[list[Evaluation], list[Problem]]:
    """The 绩效目标表 in ``sources`` (``--targets``), and a problem for each file that holds none or holds a 自评表."""
    from .compare import split_plans

    plans: list[Evaluation] = []
    problems: list[Problem] = []
    for file in load_files(sources, targets=True):
        problems.extend(file.problems)
        tables, found = split_plans(file.evaluations)
        plans.extend(found)
        for table in tables:
            problems.append(Problem(source=table.source or Source(file=file.name),
                                    message=f"“{table.title}”是自评表（有实际完成值或得分），不是绩效目标表：--targets 只接受绩效目标表"))
        if not file.evaluations and not file.problems:
            problems.append(Problem(source=Source(file=file.name), message="文件中没有绩效目标表"))
    return plans, problems


def problems_of(files: Iterable[FileResult], targets_as_problems: bool = True) -> list[Problem]:
    """Every file's problems in run order, each file's 绩效目标表 after its problems (as ``score`` lists them)."""
    found: list[Problem] = []
    for file in files:
        found.extend(file.problems)
        if targets_as_problems:
            found.extend(file.target_tables)
    return found
