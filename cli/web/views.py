"""The scored workspace arranged for the page: tables and their rows, with the judgment forms' state.

Nothing here computes a score: the results come from :mod:`scoring.pipeline`; this only says,
per line, which findings sit beside it and whether the officer may enter a judgment there.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from indicators.model import Evaluation, Judgment
from indicators.validation import validation_message
from scoring.checks import count_by_severity, table_view
from scoring.pipeline import FileResult
from scoring.results import EvaluationResult, Finding, LineResult, Severity, Status

from ..render import STATUS_TEXT
from .settings import KIND_TEXT
from .workspaces import Workspace

__all__ = ["Row", "PageTable", "page_tables", "BadUpload", "judgment_message"]


@dataclass
class Row:
    """One line of a table on the page."""

    result: LineResult
    #: Position among the table's indicators (the judgment key), None for the budget line.
    position: int | None
    findings: list[Finding]
    judgeable: bool
    entered: Judgment | None
    note: str | None

    @property
    def status_text(self) -> str:
        return STATUS_TEXT[self.result.status]

    @property
    def reasons(self) -> tuple[str, ...]:
        """Every reason when points were lost or the line is not scored by rule; else the rule's own sentence.

        The same choice as the terminal table (``cli/render.py``): a full-marks line needs one sentence.
        """
        line = self.result
        if line.lost or line.status is not Status.SCORED:
            return line.reasons
        return line.reasons[-1:]

    @property
    def worst(self) -> Severity | None:
        """The most severe finding on the line, if any."""
        return min((finding.severity for finding in self.findings), key=lambda s: s.rank, default=None)


@dataclass
class PageTable:
    """One scored table on the page."""

    key: str
    upload: int
    number: int
    file: str
    evaluation: Evaluation
    result: EvaluationResult
    rows: list[Row]

    @property
    def kind_text(self) -> str:
        return KIND_TEXT.get(self.result.kind, self.result.kind)

    @property
    def counts(self) -> dict[Severity, int]:
        return count_by_severity(self.result.findings)

    @property
    def pending(self) -> int:
        return sum(1 for row in self.rows if row.result.status is Status.NEEDS_JUDGMENT)

    @property
    def difference(self) -> Decimal | None:
        if self.result.recorded_total is None:
            return None
        return self.result.recorded_total - self.result.total


def _positions(evaluation: Evaluation, result: EvaluationResult) -> dict[int, int]:
    """id of each indicator's line result → the indicator's position (a table reported unscored has none)."""
    if not result.lines:
        return {}
    return {id(view.result): k for k, view in enumerate(table_view(evaluation, result).lines)}


def page_tables(workspace: Workspace, files: list[FileResult]) -> list[PageTable]:
    """Every scored table of the workspace, its rows keyed for the judgment forms."""
    tables: list[PageTable] = []
    for u, file in enumerate(files):
        for t, (evaluation, result) in enumerate(file.tables):
            by_index: dict[int | None, list[Finding]] = {}
            for finding in result.findings:
                by_index.setdefault(finding.index, []).append(finding)
            positions = _positions(evaluation, result)
            rows = []
            for line in result.lines:
                position = positions.get(id(line))
                key = (u, t, position)
                entered = workspace.judgments.get(key) if position is not None else None  # type: ignore[arg-type]
                judgeable = (position is not None and line.weight is not None
                             and (line.status in (Status.NEEDS_JUDGMENT, Status.JUDGED) or entered is not None))
                rows.append(Row(line, position, by_index.get(line.index, []), judgeable, entered,
                                workspace.line_notes.get(key) if position is not None else None))  # type: ignore[arg-type]
            tables.append(PageTable(f"{u}-{t}", u, t, file.name, evaluation, result, rows))
    return tables


#: How the judgment form's fields are named in its messages.
_JUDGMENT_FIELDS = {"score": "得分", "tier": "档次", "reason": "理由"}


def judgment_message(error: dict[str, Any]) -> str:
    """A judgment form's mistake in Chinese, the field named as the form names it."""
    return validation_message(error, name=lambda field: _JUDGMENT_FIELDS.get(field, ""), separator="")


class BadUpload:
    """An uploaded file with problems, as the page lists it."""

    def __init__(self, name: str, evaluations: tuple, problems: tuple) -> None:
        self.name, self.evaluations, self.problems = name, evaluations, problems
