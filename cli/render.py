"""Terminal rendering of scored tables (rich): one row per line, reasons visible."""

from __future__ import annotations

import io
from decimal import Decimal

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from indicators.numbers import fmt2
from scoring.results import EvaluationResult, Finding, Status

STATUS_TEXT = {
    Status.SCORED: "按规则",
    Status.JUDGED: "评价判断",
    Status.NEEDS_JUDGMENT: "待判断",
    Status.NOT_APPLICABLE: "不适用",
}
STATUS_STYLE = {Status.NEEDS_JUDGMENT: "bold yellow", Status.NOT_APPLICABLE: "dim"}
SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _n(value: Decimal | None) -> str:
    return fmt2(value) if value is not None else "—"


def evaluation_table(result: EvaluationResult) -> Table:
    """The lines of one table as a rich Table."""
    table = Table(box=box.SIMPLE_HEAVY, show_lines=False, expand=False, pad_edge=False)
    for header, kwargs in (
        ("序号", {"justify": "right"}), ("指标", {"min_width": 10, "max_width": 22}),
        ("年度指标值", {"max_width": 14}), ("实际完成值", {"max_width": 18}),
        ("分值", {"justify": "right"}), ("得分", {"justify": "right"}), ("扣分", {"justify": "right"}),
        ("原填", {"justify": "right"}), ("状态", {}), ("说明", {"min_width": 30, "max_width": 70}),
    ):
        table.add_column(header, overflow="fold", **kwargs)
    for line in result.lines:
        name = line.name if line.kind == "indicator" else f"预算执行率（{line.name}）"
        style = STATUS_STYLE.get(line.status)
        lost = line.lost if line.lost else None
        explain = "；".join(line.reasons) if (lost or line.status is not Status.SCORED) else (line.reasons[-1]
                                                                                              if line.reasons else "")
        table.add_row(
            str(line.index), name, line.target or "", line.actual or "", _n(line.weight), _n(line.score),
            Text(_n(lost), style="red") if lost else "", _n(line.recorded) if line.recorded is not None else "",
            Text(STATUS_TEXT[line.status], style=style or ""), explain,
        )
    return table


def summary_line(result: EvaluationResult) -> str:
    """``总分 99.50 / 100.00　等级 优　表上总分 99.50``."""
    parts = [f"总分 {fmt2(result.total)} / {fmt2(result.max_total)}", f"等级 {result.grade}"]
    if result.recorded_total is not None:
        parts.append(f"表上总分 {fmt2(result.recorded_total)}")
    if not result.complete:
        parts.append(f"另有 {fmt2(result.pending_weight)} 分待评价人判断，未计入总分")
    return "　".join(parts)


def finding_line(finding: Finding) -> Text:
    where = f"{finding.source.location}: " if finding.source else ""
    text = Text()
    text.append(f"[{finding.severity.chinese}] ", style=SEVERITY_STYLE[finding.severity.value])
    text.append(f"{where}{finding.message}（{finding.code}）")
    return text


def render_text(results: list[EvaluationResult], width: int | None = None, color: bool = True) -> str:
    """All scored tables as terminal text."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width or 160, force_terminal=color, color_system="standard" if color else None,
                      highlight=False, emoji=False)
    for number, result in enumerate(results):
        if number:
            console.print()
        kind = "部门整体支出" if result.kind == "department" else "项目支出"
        console.print(Text(f"{result.title}（{kind}）", style="bold"))
        console.print(f"来源：{result.location}　规则集：{result.rules}", highlight=False)
        console.print(evaluation_table(result))
        console.print(Text(summary_line(result), style="bold"))
        for finding in result.findings:
            console.print(finding_line(finding))
    return buffer.getvalue()
