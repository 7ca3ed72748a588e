"""``perfscore check``: review (复核) tables and report everything they get wrong, linter-style."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from indicators.numbers import fmt2, fmt_points
from indicators.problems import Problem
from scoring.checks import at_or_above, count_by_severity
from scoring.pipeline import problems_of
from scoring.reports.json_report import report_to_dict
from scoring import messages as M
from scoring.results import EvaluationResult, Severity

from .common import (check_output_path, decisions_option, decisions_template_option, force_option, quiet_option,
                     read_and_score, read_decisions_option, read_plans, report_problems, resolve_rules,
                     show_decision_notices, targets_option, write_text_atomically)
from .render import KIND_TEXT, UNWRAPPED, finding_text, table_place, terminal_width, use_color, wrap

_STYLE = {Severity.ERROR: {"fg": "red", "bold": True}, Severity.WARNING: {"fg": "yellow"},
          Severity.INFO: {"fg": "cyan"}}


def _counts_text(counts: dict[Severity, int]) -> str:
    return "　".join(f"{severity.chinese} {n}" for severity, n in counts.items())


def undecided(findings) -> list:
    """The findings no reviewer's decision settles (a lapsed decision settles nothing)."""
    return [finding for finding in findings if not finding.decided]


def _decided_text(findings) -> str:
    decided = [finding for finding in findings if finding.decided]
    return f"　已复核 {len(decided)}" if decided else ""


def _summary(result: EvaluationResult) -> str:
    """``计算总分 100.00 / 100.00　表上总分 99.50（相差 0.5 分）　错误 0　警告 2　提示 2``."""
    parts = [f"计算总分 {fmt2(result.total)} / {fmt2(result.max_total)}"]
    if not result.complete:
        parts[0] += f"（{M.left_out(result.pending_weight, result.unweighted_pending)}）"
    if result.recorded_total is None:
        parts.append("表上总分 —")
    else:
        gap = result.recorded_total - result.total
        parts.append(f"表上总分 {fmt2(result.recorded_total)}"
                     + (f"（相差 {fmt_points(abs(gap))} 分）" if gap else "（一致）"))
    parts.append(_counts_text(count_by_severity(result.findings)) + _decided_text(result.findings))
    return "　".join(parts)


def render_check_text(results: list[EvaluationResult], minimum: Severity, color: bool = False,
                      width: int = UNWRAPPED) -> str:
    """Findings grouped by table, most severe first, each table with a one-line summary; every place names its file."""
    out: list[str] = []
    for result in results:
        out.extend(wrap(f"{result.title}（{KIND_TEXT.get(result.kind, result.kind)}）　{table_place(result)}", width))
        out.extend(wrap(_summary(result), width, "  "))
        if result.opinion:
            out.extend(wrap(f"复核意见：{result.opinion}", width, "  "))
        shown = at_or_above(result.findings, minimum)
        for finding in shown:
            lines = wrap(finding_text(finding), width, "  ")
            if color:
                label = f"[{finding.severity.chinese}"
                lines[0] = lines[0].replace(label, click.style(label, **_STYLE[finding.severity]), 1)
            out.extend(lines)
        hidden = len(result.findings) - len(shown)
        if hidden:
            out.extend(wrap(f"（另有 {hidden} 条级别低于“{minimum.chinese}”的发现未列出，"
                            f"用 --min-severity info 查看）", width, "  "))
        out.append("")
    every = [finding for result in results for finding in result.findings]
    failing = len(at_or_above(undecided(every), minimum))
    decided = len(at_or_above(every, minimum)) - failing
    out.extend(wrap(f"共检查 {len(results)} 张表：{_counts_text(count_by_severity(every))}；"
                    f"“{minimum.chinese}”及以上 {failing} 条"
                    + (f"（另有 {decided} 条已复核，不计入）" if decided else "") + "。", width))
    return "\n".join(out) + "\n"


def check_report(results: list[EvaluationResult], problems: list[Problem], minimum: Severity,
                 decisions: list[Problem] | None = None) -> dict[str, Any]:
    """The ``score --format json`` document with findings at or above ``minimum``, plus counts and a summary.

    With ``decisions`` (the notices of ``--decisions``: lapsed decisions, tables not in the run) the
    summary also counts the decided and lapsed findings, and the notices are listed.
    """
    shown = [result.model_copy(update={"findings": tuple(at_or_above(result.findings, minimum))})
             for result in results]
    document = report_to_dict(shown, problems)
    for item, result in zip(document["evaluations"], results):
        item["counts"] = {severity.value: n for severity, n in count_by_severity(result.findings).items()}
    every = [finding for result in results for finding in result.findings]
    document["summary"] = {
        "tables": len(results), "min_severity": minimum.value,
        "counts": {severity.value: n for severity, n in count_by_severity(every).items()},
        "failed": bool(problems) or bool(at_or_above(undecided(every), minimum)),
    }
    if decisions is not None:
        document["summary"]["decided"] = sum(1 for finding in every if finding.decided)
        document["summary"]["lapsed"] = sum(1 for finding in every
                                            if finding.decision is not None and finding.decision.lapsed)
        document["decision_notices"] = [{"source": str(n.source), "message": n.message} for n in decisions]
    return document


@click.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--rules", "rules_name", default="standard", show_default=True, metavar="规则集", help="规则集：内置名称（见 perfscore rules list）或规则集文件。")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="输出格式：text 按表列出发现的问题，json 为供其他工具使用的数据。")
@click.option("--min-severity", "min_severity", type=click.Choice(["error", "warning", "info"]), default="warning",
              show_default=True, help="列出并据以判定退出码的最低级别：error 错误 / warning 警告 / info 提示。")
@targets_option
@decisions_option
@decisions_template_option
@force_option
@quiet_option
def check_command(paths: tuple[str, ...], rules_name: str, output_format: str, min_severity: str,
                  targets: tuple[str, ...], decisions_path: str | None, decisions_template: str | None, force: bool,
                  quiet: bool) -> None:
    """复核自评表：评分并列出表上的问题（逐行得分、总分与小计、资金、指标写法、同一文件各表的表头）。

    PATHS 为一个或多个自评表文件（.xlsx/.xls/.ods 工作簿、.docx 文档、网页、带文字的 .pdf 或 .yaml 文件）；同一 document（或同一文件）的各表会互相核对表头。
    复核人员对发现的决定（已核实 / 不采纳）写在 --decisions 文件里（见 docs/decisions.md），已复核的发现不计入退出码。
    退出码：0 没有达到 --min-severity 且未复核的问题；1 有这样的问题，或有输入问题（含复核决定文件的问题）；2 命令用法错误。
    """
    ruleset = resolve_rules(rules_name)
    minimum = Severity(min_severity)
    check_output_path(decisions_template, list(paths) + ([decisions_path] if decisions_path else []), force,
                      "--decisions-template")
    plans = read_plans(targets)
    decisions = read_decisions_option(decisions_path)
    files = read_and_score(paths, ruleset, review=True, quiet=quiet, plans=plans)
    results = [result for file in files for result in file.results]
    problems = problems_of(files)
    notices: list[Problem] | None = None
    if decisions is not None:
        from scoring.decisions import apply_decisions

        results, outcome = apply_decisions(results, decisions)
        problems = problems + outcome.problems
        notices = outcome.notices + outcome.unmatched(decisions)
        show_decision_notices(notices, quiet)
    if decisions_template:
        from scoring.decisions import decisions_yaml

        write_text_atomically(decisions_template, decisions_yaml(results, minimum=minimum))
        if not quiet:
            click.echo(f"已写出复核决定文件 {decisions_template}：逐条填写 verdict（已核实 / 不采纳）和 reason，"
                       f"再用 --decisions 读入。", err=True)
    if output_format == "json":
        text = json.dumps(check_report(results, problems, minimum, notices), ensure_ascii=False, indent=2) + "\n"
    else:
        terminal = sys.stdout.isatty()
        text = render_check_text(results, minimum, color=use_color(terminal), width=terminal_width(terminal))
    click.echo(text, nl=False)
    report_problems(problems)
    every = [finding for result in results for finding in result.findings]
    sys.exit(1 if problems or at_or_above(undecided(every), minimum) else 0)
