"""Score many files at once: in parallel, streaming small results back, memory flat.

Each worker reads, scores and checks one file and sends back plain dicts (the
JSON contract items plus a few summary figures), never models or grids: sending
parsed grids back gains little (io-speed.md: 1.26× against 1.9× for doing the
whole file in the worker). One process pool per batch, never one process per
file: start-up costs as much as 25–50 workbooks.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from indicators.load import load_path
from indicators.problems import Problem, Source

from .checks import check_evaluations
from .reports.json_report import evaluation_to_dict
from .results import EvaluationResult, Severity, Status
from .ruleset import RuleSet, get_ruleset

__all__ = ["INPUT_SUFFIXES", "FileReport", "discover", "export_path", "score_file", "summary_extras", "run_batch"]

INPUT_SUFFIXES = (".xlsx", ".xlsm", ".yaml", ".yml")


@dataclass
class FileReport:
    """What one file gave: contract dicts of its evaluations (with summary extras), problems, target tables."""

    file: str
    evaluations: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, str]] = field(default_factory=list)
    targets: list[dict[str, str]] = field(default_factory=list)


def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[Problem]]:
    """Files to score: the files given, and every .xlsx/.yaml/.yml below the folders given.

    Office's lock files (``~$book.xlsx``) and hidden files are skipped. A path that does
    not exist is a problem; the others are still returned.
    """
    found: list[Path] = []
    problems: list[Problem] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in INPUT_SUFFIXES and not child.name.startswith(("~$", ".")):
                    found.append(child)
        elif path.exists():
            found.append(path)
        else:
            problems.append(Problem(source=Source(file=str(given)), message="文件或文件夹不存在"))
    return found, problems


def summary_extras(result: EvaluationResult) -> dict[str, Any]:
    """Figures the summary workbook and database want beside the contract fields."""
    counts = {severity.value: 0 for severity in Severity}
    for finding in result.findings:
        counts[finding.severity.value] += 1
    indicator_lines = [line for line in result.lines if line.kind == "indicator"]
    return {
        "unit": None, "sheet": result.location.split("!")[0] if "!" in result.location else None,
        "lost": f"{result.lost:.2f}",
        "needs_judgment": sum(1 for line in result.lines if line.status is Status.NEEDS_JUDGMENT),
        "indicator_count": len(indicator_lines), "counts": counts,
    }


_RULESET: RuleSet | None = None


def _init_worker(rules: str) -> None:
    global _RULESET
    _RULESET = get_ruleset(rules)


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
    name = relative.name if relative.suffix.lower() in (".xlsx", ".xlsm") else relative.name + ".xlsx"
    return folder / relative.parent / name


def score_file(path: str, rules: RuleSet | None = None, export_to: str | None = None) -> FileReport:
    """Read, score and check one file; never raises for bad input (problems are in the report).

    With ``export_to``, also write its scored workbook there (what ``perfscore export`` writes).
    """
    ruleset = rules or _RULESET or get_ruleset("standard")
    report = FileReport(file=path)
    try:
        loaded = load_path(path)
    except Exception as exc:  # a reader bug must not stop a batch of thousands: report it as this file's problem
        report.problems.append({"source": path, "message": f"读取时发生内部错误（{type(exc).__name__}），请报告此问题"})
        return report
    report.problems = [{"source": str(p.source), "message": p.message} for p in loaded.problems]
    report.targets = [{"source": str(p.source), "message": p.message} for p in loaded.target_tables]
    units = [evaluation.unit or evaluation.department for evaluation in loaded.evaluations]
    results = check_evaluations(list(loaded.evaluations), ruleset)
    for unit, result in zip(units, results):
        item = evaluation_to_dict(result)
        item.update(summary_extras(result))
        item["unit"] = unit
        report.evaluations.append(item)
    if export_to and results:
        from .reports.workbook import Mode, WriteError, write_workbook

        try:
            Path(export_to).parent.mkdir(parents=True, exist_ok=True)
            write_workbook(export_to, list(loaded.evaluations), results, mode=Mode.SCORED, rules=ruleset.name)
        except (WriteError, OSError) as exc:
            report.problems.append({"source": export_to, "message": f"导出评分工作簿失败：{exc}"})
    return report


def _score_item(item: tuple[str, str | None]) -> FileReport:
    return score_file(item[0], export_to=item[1])


def run_batch(files: list[Path], rules: str, jobs: int | None = None,
              progress: Callable[[FileReport], None] | None = None,
              exports: dict[str, str] | None = None) -> Iterator[FileReport]:
    """Score ``files`` over ``jobs`` processes (default: the machine's cores), yielding reports in file order.

    Args:
        files: from :func:`discover`.
        rules: a rule-set name or file (resolved once in each worker).
        jobs: worker processes; 1 scores in this process (no pool).
        progress: called after each file, e.g. to advance a progress bar.
        exports: file → path of its scored workbook (``--export``), written in the worker.
    """
    jobs = jobs or os.cpu_count() or 1
    names = [str(path) for path in files]
    items = [(name, (exports or {}).get(name)) for name in names]
    if jobs == 1 or len(names) <= 1:
        ruleset = get_ruleset(rules)
        for name, target in items:
            report = score_file(name, ruleset, target)
            if progress:
                progress(report)
            yield report
        return
    chunk = max(1, min(32, len(names) // (jobs * 8) or 1))
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(rules,)) as pool:
        for report in pool.map(_score_item, items, chunksize=chunk):
            if progress:
                progress(report)
            yield report
