"""The text report of scored tables: every line, every reason in full, at any terminal width.

Reasons are the product, so they are wrapped to the width, never cut: each line of a table is a
heading (序号 and 指标), one line of figures, and its reasons below, indented. The text is plain
(no box drawing) and safe on any console encoding; colour is added only on a terminal and never
when ``NO_COLOR`` is set.
"""

from __future__ import annotations

import os
import re
from decimal import Decimal
from typing import Iterable

import click

from indicators.numbers import fmt2
from indicators.problems import Source
from scoring import messages as M
from scoring.results import EvaluationResult, Finding, LineResult, Status

__all__ = ["STATUS_TEXT", "render_text", "summary_line", "finding_text", "where", "table_place", "wrap",
           "display_width", "use_color", "terminal_width", "KIND_TEXT", "UNWRAPPED"]

STATUS_TEXT = {
    Status.SCORED: "按规则",
    Status.JUDGED: "评价判断",
    Status.NEEDS_JUDGMENT: "待判断",
    Status.NOT_APPLICABLE: "不适用",
}
KIND_TEXT = {"project": "项目支出", "department": "部门整体支出"}
_STATUS_COLOR = {Status.NEEDS_JUDGMENT: {"fg": "yellow", "bold": True}, Status.NOT_APPLICABLE: {"dim": True}}
_SEVERITY_COLOR = {"error": {"fg": "red", "bold": True}, "warning": {"fg": "yellow"}, "info": {"fg": "cyan"}}
#: The indent of a line's figures and reasons under its heading.
_INDENT = "     "


def use_color(stream_is_terminal: bool) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set (https://no-color.org)."""
    return stream_is_terminal and not os.environ.get("NO_COLOR")


#: Characters a terminal shows two columns wide: East Asian Wide and Fullwidth (Unicode's EastAsianWidth W/F).
_WIDE = re.compile("[\u1100-\u115f\u231a\u231b\u2329\u232a\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf"
                   "\u4e00-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19"
                   "\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6\U0001f300-\U0001f64f\U0001f900-\U0001f9ff"
                   "\U00020000-\U0002fffd\U00030000-\U0003fffd]")
#: A run of Latin letters and digits kept whole, or any other single character.
_TOKEN = re.compile(r"[A-Za-z0-9.,%/:_()+-]+|.", re.S)


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: wide (CJK) and full-width characters take two."""
    return len(text) + len(_WIDE.findall(text))


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """``text`` in lines of at most ``width`` columns (``indent`` included), nothing dropped.

    Chinese breaks between any two characters; a run of Latin letters or digits is kept whole
    when it fits on a line of its own; a space where a line breaks is left out.
    """
    room = max(8, width - display_width(indent))
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if len(paragraph) * 2 <= room or display_width(paragraph) <= room:  # most lines: nothing to break
            lines.append(indent + paragraph.rstrip())
            continue
        line, used = "", 0
        for token in _TOKEN.findall(paragraph):
            size = display_width(token) if len(token) > 1 or token > "\u10ff" else 1
            if used + size > room and line:
                lines.append(indent + line.rstrip())
                line, used = "", 0
                if token.isspace():
                    continue
            while size > room:  # a token longer than a whole line: cut it, losing nothing
                head, token = _split_at_width(token, room - used)
                lines.append(indent + line + head)
                line, used = "", 0
                size = display_width(token)
            line += token
            used += size
        lines.append(indent + line.rstrip())
    return lines


def _split_at_width(text: str, width: int) -> tuple[str, str]:
    used = 0
    for i, ch in enumerate(text):
        used += display_width(ch)
        if used > max(width, 1):
            return text[:i] or text[:1], text[i:] if i else text[1:]
    return text, ""


def where(source: Source | None) -> str:
    """A place that names its file: ``u.xlsx!U1!F12``, ``w1.yaml:23``."""
    return str(source) if source is not None else ""


def table_place(result: EvaluationResult) -> str:
    """Where a table stands, file included (a workbook's location is only ``sheet!cell``)."""
    if not result.location or result.location.startswith(result.file):
        return result.location or result.file
    return f"{result.file}!{result.location}"


def _n(value: Decimal | None) -> str:
    return fmt2(value) if value is not None else "—"


def summary_line(result: EvaluationResult) -> str:
    """``总分 99.50 / 100.00　等级 优　表上总分 99.50``."""
    parts = [f"总分 {fmt2(result.total)} / {fmt2(result.max_total)}", f"等级 {result.grade}"]
    if result.recorded_total is not None:
        parts.append(f"表上总分 {fmt2(result.recorded_total)}")
    if not result.complete:
        parts.append(f"{M.left_out(result.pending_weight, result.unweighted_pending)}，未计入总分")
    return "　".join(parts)


def finding_text(finding: Finding) -> str:
    """``[警告] file!sheet!cell: message（code）``, and the reviewer's decision on it when there is one:
    ``[警告·不采纳] …（code）　复核：不采纳，理由……`` (a lapsed decision is said, and decides nothing)."""
    place = where(finding.source)
    decision = finding.decision
    label = finding.severity.chinese
    tail = ""
    if decision is not None and not decision.lapsed:
        label += f"·{decision.verdict.chinese}"
        tail = f"　复核：{decision.verdict.chinese}，{decision.reason}"
    elif decision is not None:
        tail = f"　原复核决定（{decision.verdict.chinese}：{decision.reason}）已失效：所引数值已变，请重新复核"
    return f"[{label}] {place + ': ' if place else ''}{finding.message}（{finding.code}）{tail}"


def _line(line: LineResult, width: int, color: bool) -> list[str]:
    name = line.name if line.kind == "indicator" else f"预算执行率（{line.name}）"
    status = STATUS_TEXT[line.status]
    lost = f"扣分 {fmt2(line.lost)}" if line.lost else None
    facts = [f"年度指标值 {line.target or '—'}", f"实际完成值 {line.actual or '—'}",
             f"分值 {_n(line.weight)}", f"得分 {_n(line.score)}"]
    if lost:
        facts.append(lost)
    if line.recorded is not None:
        facts.append(f"原填 {fmt2(line.recorded)}")
    facts.append(status)
    heading = wrap(f"{line.index:>3}. {name}", width)
    figures = wrap("　".join(facts), width, _INDENT)
    if color:  # styled after wrapping, so the escape codes never count as width
        heading = [click.style(text, bold=True) for text in heading]
        figures = [_styled(text, lost, {"fg": "red"}) for text in figures]
        if line.status in _STATUS_COLOR:
            figures = [_styled(text, status, _STATUS_COLOR[line.status]) for text in figures]
    # Every reason where points were lost or the line is not scored by rule; else the rule's own sentence.
    shown = line.reasons if (line.lost or line.status is not Status.SCORED) else line.reasons[-1:]
    reasons = [text for reason in shown for text in wrap(reason, width, _INDENT)]
    return heading + figures + reasons


def _styled(text: str, part: str | None, style: dict) -> str:
    """``text`` with its (last) occurrence of ``part`` styled."""
    if not part or part not in text:
        return text
    head, _, tail = text.rpartition(part)
    return head + click.style(part, **style) + tail


#: Width of output that is not a terminal: lines are not wrapped (a pipe, a file, ``grep``).
UNWRAPPED = 1_000_000


def terminal_width(stream_is_terminal: bool) -> int:
    """The terminal's width, or :data:`UNWRAPPED` when the output goes to a pipe or a file."""
    import shutil

    return max(40, shutil.get_terminal_size((100, 40)).columns) if stream_is_terminal else UNWRAPPED


def render_text(results: Iterable[EvaluationResult], width: int = UNWRAPPED, color: bool = False) -> str:
    """All scored tables as plain text lines of at most ``width`` columns (reasons wrapped, never cut)."""
    width = max(40, width)
    out: list[str] = []
    for number, result in enumerate(results):
        if number:
            out.append("")
        title = wrap(f"{result.title}（{KIND_TEXT.get(result.kind, result.kind)}）", width)
        out.extend(click.style(text, bold=True) for text in title) if color else out.extend(title)
        out.extend(wrap(f"来源：{table_place(result)}　规则集：{result.rules}", width))
        out.append("")
        for line in result.lines:
            out.extend(_line(line, width, color))
        out.append("")
        summary = wrap(summary_line(result), width)
        out.extend(click.style(text, bold=True) for text in summary) if color else out.extend(summary)
        for finding in result.findings:
            found = wrap(finding_text(finding), width)
            if color:
                label = f"[{finding.severity.chinese}"
                found[0] = _styled(found[0], label, _SEVERITY_COLOR[finding.severity.value])
            out.extend(found)
    return "\n".join(out) + "\n"
