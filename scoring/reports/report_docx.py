"""A draft 自评报告 (self-evaluation report) in Word, every number filled from the scored table.

The outline lives in a Word template (``report_templates/report-project.docx`` and
``report-department.docx``, built by ``scripts/build_report_templates.py``) that an officer may
replace with one of their own: it uses docxtpl placeholders (``{{ total }}``, loops over
``lost_lines``, ``groups`` and ``lines``), so it can be edited in Word or WPS. Every sentence
a person must still write is marked 【…】 in the draft; :func:`write_report` lists them.
The names a template may use are those of :func:`report_context` (documented in docs/report.md).
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from indicators.model import Evaluation, Kind, split_declared_weight
from indicators.numbers import fmt2, fmt_points
from indicators.problems import PerfscoreError

from ..results import EvaluationResult, Status
from .atomic import write_atomically

__all__ = ["ReportError", "report_context", "write_report", "template_for", "REQUIRED_NAMES", "PLACEHOLDER",
           "TEMPLATES"]

TEMPLATES = Path(__file__).resolve().parent / "report_templates"
#: A template must use these names, or the report would miss the score it exists to give.
REQUIRED_NAMES = ("title", "total", "grade")
#: What marks a sentence a person must still write.
PLACEHOLDER = re.compile(r"【[^】]*】")
#: ``其中：`` before a breakdown row's name (the report writes its own 其中).
_WHICH = re.compile(r"^\s*其中\s*[：:]?\s*")
_STATUS = {Status.JUDGED: "评价判断", Status.NEEDS_JUDGMENT: "待判断", Status.NOT_APPLICABLE: "不适用"}


class ReportError(PerfscoreError):
    """A report template that cannot be used, or a report that cannot be written; Chinese message."""


def _n(value: Decimal | None) -> str:
    return fmt2(value) if value is not None else "—"


def report_context(evaluation: Evaluation, result: EvaluationResult) -> dict[str, Any]:
    """Everything a report template may use, as text ready to print (numbers with two decimals)."""
    lines = []
    for line in result.lines:
        name = line.name if line.kind == "indicator" else f"预算执行率（{line.name}）"
        note = "；".join(line.reasons) if (line.lost or line.status is not Status.SCORED) else ""
        status = _STATUS.get(line.status)
        lines.append({"index": line.index, "name": name, "level1": line.level1 or "", "level2": line.level2 or "",
                      "goal": line.goal or "", "target": line.target or "—", "actual": line.actual or "—",
                      "weight": _n(line.weight), "score": _n(line.score), "lost": _n(line.lost),
                      "status": status or "按规则", "note": (f"（{status}）" if status else "") + note,
                      "kind": line.kind})
    indicators = [entry for entry in lines if entry["kind"] == "indicator"]
    lost_lines = [{"name": entry["name"], "weight": entry["weight"], "score": entry["score"], "lost": entry["lost"],
                   "reason": "；".join(line.reasons)}
                  for entry, line in zip(lines, result.lines) if line.lost]
    # The engine scores the table's indicators in order, so its indicator lines pair with them by position.
    scored = [line for line in result.lines if line.kind == "indicator"]
    pairs = list(zip(scored, (line for _, line in evaluation.lines()))) if len(scored) == len(evaluation.lines()) else []
    deviations = [{"name": line.name, "reason": source.deviation_reason.strip()} for line, source in pairs
                  if (source.deviation_reason or "").strip()]
    groups: list[dict[str, Any]] = []
    if evaluation.goals:
        for goal in evaluation.goals:
            name, weight = split_declared_weight(goal.name)
            members = [entry for entry in indicators if entry["goal"] == name]
            groups.append({"name": name, "weight": fmt_points(goal.weight or weight) if (goal.weight or weight)
                           else "", "description": goal.description or "", "lines": members})
    else:
        for entry in indicators:
            key = entry["level1"] or "绩效指标"
            if not groups or groups[-1]["name"] != key:
                groups.append({"name": key, "weight": "", "description": "", "lines": []})
            groups[-1]["lines"].append(entry)
    budget = result.budget
    breakdown = []
    if evaluation.funds is not None:
        breakdown = [{"name": _WHICH.sub("", row.name) or row.name, "budget": row.budget or "—",
                      "executed": row.executed or "—"} for row in evaluation.funds.breakdown]
    recorded = result.recorded_total
    overall = evaluation.overall_target
    return {
        "title": result.title, "kind": result.kind.value if isinstance(result.kind, Kind) else result.kind,
        "kind_text": "部门整体支出" if result.kind == "department" else "项目支出",
        "year": evaluation.year or "", "year_text": f"{evaluation.year}年度" if evaluation.year else "",
        "department": evaluation.department or "", "unit": evaluation.unit or "", "document": evaluation.document or "",
        "details": dict(evaluation.details), "rules": result.rules,
        "total": _n(result.total), "max_total": _n(result.max_total), "grade": result.grade,
        "recorded_total": _n(recorded) if recorded is not None else "",
        "recorded_differs": recorded is not None and recorded != result.total,
        "recorded_gap": fmt_points(abs(recorded - result.total)) if recorded is not None else "",
        "complete": result.complete, "pending_weight": _n(result.pending_weight),
        "lost_total": _n(result.lost),
        "budget": None if budget is None else {"budget": _n(budget.budget), "executed": _n(budget.executed),
                                               "rate": _n(budget.rate), "weight": _n(budget.weight),
                                               "score": _n(budget.score), "breakdown": breakdown},
        "overall_expected": overall.expected if overall and overall.expected else "",
        "overall_actual": overall.actual if overall and overall.actual else "",
        "deviation_analysis": (evaluation.deviation_analysis or "").strip(),
        "improvement": (evaluation.improvement or "").strip(),
        "lines": lines, "lost_lines": lost_lines, "deviations": deviations, "groups": groups,
    }


def template_for(evaluation: Evaluation) -> Path:
    """The shipped template for this kind of table (部门整体支出 or 项目支出)."""
    name = "report-department.docx" if evaluation.kind is Kind.DEPARTMENT else "report-project.docx"
    return TEMPLATES / name


def _load_template(path: Path) -> Any:
    from docxtpl import DocxTemplate

    if not path.is_file():
        raise ReportError(f"报告模板“{path}”不存在")
    try:
        template = DocxTemplate(str(path))
        used = template.get_undeclared_template_variables()
    except Exception as exc:  # not a .docx, or jinja syntax errors inside it
        raise ReportError(f"报告模板“{path}”无法使用（{type(exc).__name__}）：请确认它是 Word 文档（.docx），"
                          f"占位符写法见 docs/report.md") from None
    missing = [name for name in REQUIRED_NAMES if name not in used]
    if missing:
        raise ReportError(f"报告模板“{path}”缺少必要的占位符：{'、'.join('{{ ' + n + ' }}' for n in missing)}"
                          f"（占位符写法见 docs/report.md）")
    return DocxTemplate(str(path))  # a fresh one: finding the names renders the template once


def write_report(path: str | Path, evaluation: Evaluation, result: EvaluationResult,
                 template: str | Path | None = None) -> list[str]:
    """Write the draft report of one scored table to ``path`` (a .docx), atomically.

    Args:
        path: the report to write.
        evaluation, result: the table as read and as scored (and reviewed).
        template: a .docx template of the officer's own; the shipped one for the table's kind by default.

    Returns:
        The placeholders (【…】) left for a person to write, in document order.

    Raises:
        ReportError: the template is missing, not a Word document, or lacks ``{{ title }}``,
            ``{{ total }}`` or ``{{ grade }}``; the report cannot be written.
    """
    document = _load_template(Path(template) if template else template_for(evaluation))
    try:
        document.render(report_context(evaluation, result), autoescape=True)
    except Exception as exc:  # a template that uses a name wrongly (jinja's errors)
        raise ReportError(f"报告模板无法填写（{type(exc).__name__}：{exc}）") from None
    texts = [paragraph.text for paragraph in document.docx.paragraphs]
    texts += [cell.text for table in document.docx.tables for row in table.rows for cell in row.cells]
    write_atomically(path, lambda temp: document.save(temp), suffix=".docx.tmp")
    return [match.group(0) for text in texts for match in PLACEHOLDER.finditer(text)]
