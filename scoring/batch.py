"""Score many files at once: in parallel, streaming small results back, memory flat.

Each worker runs one file through :mod:`scoring.pipeline` (read, score, review) and sends back
plain rows (the JSON contract items plus a few summary figures), never grids: sending parsed
grids back gains little (1.26× against 1.9× for doing the whole file in the worker). One
process pool per batch, never one process per file: start-up costs as much as 25–50 workbooks.

Tables that name the published document they belong to (``document``) are compared with the
other tables of that document wherever they stand in the run, as ``check`` compares them: a
file holding such tables is reviewed again with the rest of its document once every file is
read, and reported then.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from indicators.load import SUPPORTED_SUFFIXES, XLSX_SUFFIXES, unsupported_message
from indicators.problems import Problem, Source

from .pipeline import FileResult, run, score_files
from .reports.json_report import evaluation_to_dict
from .results import EvaluationResult, Severity, Status
from .ruleset import RuleSet, get_ruleset

__all__ = ["INPUT_SUFFIXES", "FileReport", "discover", "export_path", "unique_exports", "file_report", "score_file",
           "summary_extras", "run_batch"]

INPUT_SUFFIXES = SUPPORTED_SUFFIXES


@dataclass
class FileReport:
    """What one file gave, as rows: contract dicts of its evaluations (with summary extras), problems, target tables.

    ``held`` keeps the file's tables while they wait for the rest of their document (see the module).
    """

    file: str
    evaluations: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, str]] = field(default_factory=list)
    targets: list[dict[str, str]] = field(default_factory=list)
    failed: bool = False
    #: What the run should say but that is no problem of the input (a text cut to fit an Excel cell).
    warnings: list[dict[str, str]] = field(default_factory=list)
    held: FileResult | None = None
    #: Reviewer's decisions that lapsed on this file's tables (``--decisions``), as {source, message}.
    notices: list[dict[str, str]] = field(default_factory=list)
    #: Blocks of the decisions file whose table is in this file.
    decided_blocks: set[int] = field(default_factory=set)


def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[Problem], list[Problem]]:
    """Files to score: the files given, and every file below the folders given.

    Returns ``(files, problems, notices)``. A path that does not exist, and a file of a kind
    perfscore does not read, are problems (the run exits 1); Office's lock files (``~$book.xlsx``)
    and hidden files are left out with a notice. Nothing is skipped without a word.
    """
    found: list[Path] = []
    problems: list[Problem] = []
    notices: list[Problem] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if not child.is_file():
                    continue
                if child.name.startswith(("~$", ".")):
                    notices.append(Problem(source=Source(file=str(child)),
                                           message="Office 的临时锁文件或隐藏文件，未读取"))
                elif child.suffix.lower() in INPUT_SUFFIXES:
                    found.append(child)
                else:
                    problems.append(Problem(source=Source(file=str(child)), message=unsupported_message(child)))
        elif path.exists():
            found.append(path)
        else:
            problems.append(Problem(source=Source(file=str(given)), message="文件或文件夹不存在"))
    return found, problems, notices


def summary_extras(result: EvaluationResult) -> dict[str, Any]:
    """Figures the summary workbook and database want beside the contract fields."""
    counts = {severity.value: 0 for severity in Severity}
    for finding in result.findings:
        counts[finding.severity.value] += 1
    indicator_lines = [line for line in result.lines if line.kind == "indicator"]
    decided = sum(1 for finding in result.findings if finding.decided)
    return {
        "unit": None, "sheet": result.location.split("!")[0] if "!" in result.location else None,
        "lost": f"{result.lost:.2f}",
        "needs_judgment": sum(1 for line in result.lines if line.status is Status.NEEDS_JUDGMENT),
        "indicator_count": len(indicator_lines), "counts": counts, "decided": decided,
    }


def decide(file: FileResult, decisions: Any) -> tuple[FileResult, Any]:
    """``file`` with the reviewer's decisions applied to its tables, and the outcome (scoring.decisions)."""
    from .decisions import apply_decisions

    results, outcome = apply_decisions(file.results, decisions)
    return file.model_copy(update={"results": tuple(results)}), outcome


def file_report(file: FileResult, decisions: Any = None) -> FileReport:
    """A scored file as the rows the summary workbook, the database and the streamed output are made of.

    With ``decisions`` (``--decisions``) the reviewer's decisions are applied first: a decision that
    names a finding its table lacks is a problem of the run, a lapsed one a notice.
    """
    outcome = None
    if decisions is not None:
        file, outcome = decide(file, decisions)
    report = FileReport(file=file.name, failed=file.failed)
    report.problems = [{"source": str(p.source), "message": p.message} for p in file.problems]
    report.targets = [{"source": str(p.source), "message": p.message} for p in file.target_tables]
    if outcome is not None:
        report.problems += [{"source": str(p.source), "message": p.message} for p in outcome.problems]
        report.notices = [{"source": str(p.source), "message": p.message} for p in outcome.notices]
        report.decided_blocks = set(outcome.matched_blocks)
        report.failed = report.failed or bool(outcome.problems)
    for evaluation, result in file.tables:
        item = evaluation_to_dict(result)
        item.update(summary_extras(result))
        item["unit"] = evaluation.unit or evaluation.department
        report.evaluations.append(item)
    return report


def export_path(path: Path, roots: list[Path], folder: Path) -> Path:
    """Where ``--export`` writes the scored workbook of ``path``: the same place below ``folder``.

    Workbooks keep their name; a YAML file gets ``.xlsx`` added (``w1.yaml`` → ``w1.yaml.xlsx``),
    so a table kept both ways in one folder does not write twice to one file.
    """
    resolved = path.resolve()
    relative = Path(path.name)
    for root in roots:
        base = root.resolve()
        if base.is_dir() and base in resolved.parents:
            relative = resolved.relative_to(base)
            break
    name = relative.name if relative.suffix.lower() in XLSX_SUFFIXES else relative.name + ".xlsx"
    return folder / relative.parent / name


def unique_exports(targets: dict[str, Path]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Export paths made unique: two inputs of one name (``a/t.yaml``, ``b/t.yaml`` given as files)
    would write one workbook; the later ones get ``(2)``, ``(3)`` … before ``.xlsx``.

    Returns the input → target mapping and the (input, target) pairs that were renamed.
    """
    taken: set[str] = set()
    unique: dict[str, str] = {}
    renamed: list[tuple[str, str]] = []
    for source, target in targets.items():
        candidate, k = target, 2
        while str(candidate.resolve()).casefold() in taken:
            candidate, k = target.with_name(f"{target.stem}({k}){target.suffix}"), k + 1
        taken.add(str(candidate.resolve()).casefold())
        unique[source] = str(candidate)
        if candidate != target:
            renamed.append((source, str(candidate)))
    return unique, renamed


def _export(file: FileResult, report: FileReport, export_to: str, ruleset: RuleSet) -> None:
    """Write a file's scored workbook (what ``perfscore export`` writes); a failure is the file's problem."""
    if not file.results:
        return
    from .reports.workbook import Mode, WriteError, write_workbook

    try:
        Path(export_to).parent.mkdir(parents=True, exist_ok=True)
        cut = write_workbook(export_to, list(file.evaluations), list(file.results), mode=Mode.SCORED,
                             rules=ruleset.name)
    except (WriteError, OSError) as exc:
        report.problems.append({"source": export_to, "message": f"导出评分工作簿失败：{exc}"})
        report.failed = True
        return
    report.warnings.extend({"source": export_to, "message": sentence} for sentence in cut)


def _names_a_document(file: FileResult) -> bool:
    return any(evaluation.document for evaluation in file.evaluations)


def score_file(path: str, rules: RuleSet | None = None, export_to: str | None = None,
               plans: list | None = None, decisions: Any = None) -> FileReport:
    """Read, score and review one file through the pipeline; never raises for bad input.

    With ``export_to``, also write its scored workbook there. A file whose tables name their
    document comes back ``held`` (not exported yet): :func:`run_batch` reviews it with the rest
    of its document and exports it then.
    """
    ruleset = rules or _RULESET or get_ruleset("standard")
    plans = plans if plans is not None else _PLANS
    decisions = decisions if decisions is not None else _DECISIONS
    try:
        file = run([path], ruleset, plans=plans)[0]
        report = file_report(file, None if _names_a_document(file) else decisions)
    except Exception as exc:  # contained: one file's failure never loses the batch
        return FileReport(file=path, failed=True, problems=[
            {"source": path, "message": f"处理时发生内部错误（{type(exc).__name__}），请报告此问题"}])
    if _names_a_document(file):
        report.held = file
    elif export_to:
        _export(file, report, export_to, ruleset)
    return report


_RULESET: RuleSet | None = None
_PLANS: list | None = None
_DECISIONS: Any = None


def _init_worker(rules: str, plans: list | None, decisions: Any = None) -> None:
    global _RULESET, _PLANS, _DECISIONS
    _RULESET = get_ruleset(rules)
    _PLANS = plans
    _DECISIONS = decisions


def _score_item(item: tuple[str, str | None]) -> FileReport:
    return score_file(item[0], export_to=item[1])


def _release_held(held: list[FileReport], ruleset: RuleSet, exports: dict[str, str],
                  plans: list | None, decisions: Any = None) -> Iterator[FileReport]:
    """Review the held files together (their documents across files), export them, and report them in order."""
    files = [report.held for report in held if report.held is not None]
    for file in score_files(files, ruleset, plans=plans):
        report = file_report(file, decisions)
        target = exports.get(file.name)
        if target:
            _export(file, report, target, ruleset)
        yield report


def run_batch(files: list[Path], rules: str, jobs: int | None = None,
              progress: Callable[[FileReport], None] | None = None,
              exports: dict[str, str] | None = None, plans: list | None = None,
              decisions: Any = None) -> Iterator[FileReport]:
    """Score ``files`` over ``jobs`` processes (default: the machine's cores), yielding reports in file order.

    Files whose tables name their document are yielded after the others, once reviewed with
    the rest of their document (see the module).

    Args:
        files: from :func:`discover`.
        rules: a rule-set name or file (resolved once in each worker).
        jobs: worker processes; 1 scores in this process (no pool).
        progress: called after each file, e.g. to advance a progress bar.
        exports: file → path of its scored workbook (``--export``), written in the worker.
        plans: 绩效目标表 to compare every table with (``--targets``).
        decisions: a reviewer's decisions (``--decisions``, scoring.decisions.Decisions) applied to every table.
    """
    jobs = jobs or os.cpu_count() or 1
    exports = exports or {}
    names = [str(path) for path in files]
    items = [(name, exports.get(name)) for name in names]
    ruleset = get_ruleset(rules)
    held: list[FileReport] = []

    def reports() -> Iterator[FileReport]:
        if jobs == 1 or len(names) <= 1:
            for name, target in items:
                yield score_file(name, ruleset, target, plans, decisions)
            return
        chunk = max(1, min(32, len(names) // (jobs * 8) or 1))
        pool = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(rules, plans, decisions))
        try:
            yield from pool.map(_score_item, items, chunksize=chunk)
        finally:
            # Stopped early (Ctrl+C, SIGTERM, a closed pipe): the files not started are dropped, not scored.
            pool.shutdown(wait=True, cancel_futures=True)

    for report in reports():
        if progress:
            progress(report)
        if report.held is not None:
            held.append(report)
        else:
            yield report
    if held:
        yield from _release_held(held, ruleset, exports, plans, decisions)
