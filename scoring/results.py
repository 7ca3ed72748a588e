"""What scoring produces: frozen line results, findings and the evaluation result."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from indicators.model import Kind
from indicators.problems import Source

__all__ = ["Status", "Severity", "Verdict", "Decision", "Finding", "LineResult", "BudgetResult", "EvaluationResult"]


class Status(StrEnum):
    """How a line's score was reached."""

    SCORED = "scored"  # by a rule, from the table's own numbers
    JUDGED = "judged"  # from an evaluator's judgment (given, or the recorded score)
    NEEDS_JUDGMENT = "needs_judgment"  # cannot be scored without a person; left out of the total
    NOT_APPLICABLE = "not_applicable"  # 此项目不涉及: skipped, not scored zero


class Severity(StrEnum):
    """How serious a finding is; each code's default is registered in scoring/codes.py."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for error (most severe) … 2 for info."""
        return {"error": 0, "warning": 1, "info": 2}[self.value]

    @property
    def chinese(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Verdict(StrEnum):
    """A reviewer's verdict on a finding (scoring/decisions.py)."""

    ACCEPTED = "accepted"  # 已核实: the finding is right, the reviewer has dealt with it
    DISMISSED = "dismissed"  # 不采纳: the finding does not hold for this table

    @property
    def chinese(self) -> str:
        return {"accepted": "已核实", "dismissed": "不采纳"}[self.value]


class Decision(_Frozen):
    """A reviewer's decision attached to a finding; ``lapsed`` when the values it was made on have changed."""

    verdict: Verdict
    reason: str
    #: The values the finding cited when the decision was made (see scoring.decisions.cited_values).
    values: tuple[str, ...] | None = None
    lapsed: bool = False
    #: Where the decision was written (a decisions file's line, or the web page's workspace).
    source: Source | None = None


class Finding(_Frozen):
    """Something the table itself gets wrong or a reviewer should look at."""

    code: str
    severity: Severity
    message: str
    line: str | None = None
    index: int | None = None
    source: Source | None = None
    #: The reviewer's decision on it, if any (a lapsed one is kept to say so, but decides nothing).
    decision: Decision | None = None

    @property
    def decided(self) -> bool:
        """Whether a reviewer's decision (not lapsed) settles this finding: it no longer counts towards the exit code."""
        return self.decision is not None and not self.decision.lapsed


class LineResult(_Frozen):
    """One scored line: the budget line (``kind='budget'``) or an indicator."""

    index: int
    kind: str
    goal: str | None = None
    level1: str | None = None
    level2: str | None = None
    name: str
    target: str | None = None
    actual: str | None = None
    weight: Decimal | None = None
    score: Decimal | None = None
    lost: Decimal | None = None
    recorded: Decimal | None = None
    status: Status
    reasons: tuple[str, ...] = ()
    rule: str = ""
    source: Source | None = None


class BudgetResult(_Frozen):
    """The budget-execution figures: 预算数, 执行数, 执行率 (a percentage, unrounded), 分值, 得分."""

    budget: Decimal
    executed: Decimal
    rate: Decimal | None
    weight: Decimal | None
    score: Decimal | None


class EvaluationResult(_Frozen):
    """A scored table: every line, the total, the grade and the findings."""

    file: str
    location: str
    title: str
    #: project or department (a StrEnum: ``result.kind == "department"`` still holds; JSON writes the value)
    kind: Kind
    rules: str
    total: Decimal
    max_total: Decimal
    recorded_total: Decimal | None = None
    grade: str
    complete: bool
    pending_weight: Decimal
    budget: BudgetResult | None = None
    lines: tuple[LineResult, ...]
    findings: tuple[Finding, ...] = ()
    #: 年度, 主管部门 and 实施单位 (the 主管部门 when a table names no 实施单位), from the table as read.
    year: int | None = None
    department: str | None = None
    unit: str | None = None
    #: The reviewer's 复核意见 on the whole table (scoring/decisions.py), if any.
    opinion: str | None = None

    @property
    def unweighted_pending(self) -> int:
        """Lines waiting for a person whose 分值 is not known either: they add nothing to ``pending_weight``."""
        return sum(1 for line in self.lines if line.status == Status.NEEDS_JUDGMENT and line.weight is None)

    @property
    def lost(self) -> Decimal:
        """Points lost over the lines that were scored or judged."""
        return sum((line.lost for line in self.lines if line.lost is not None), Decimal(0))
