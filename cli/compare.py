"""``perfscore compare``: 自评表 against the 绩效目标表 they were approved under."""

from __future__ import annotations

import json
import sys

import click

from scoring.checks import at_or_above
from scoring.results import Severity

from .common import inputs_of, quiet_option, report_problems, show_notices
from .render import finding_text, terminal_width, wrap


@click.command("compare")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="输出格式：text 按自评表列出差异，json 为供其他工具使用的数据。")
@click.option("--min-severity", "min_severity", type=click.Choice(["error", "warning", "info"]), default="warning",
              show_default=True, help="列出并据以判定退出码的最低级别：error 错误 / warning 警告 / info 提示。")
@quiet_option
def compare_command(paths: tuple[str, ...], output_format: str, min_severity: str, quiet: bool) -> None:
    """对照绩效目标表检查自评表：漏掉或新增的指标、改动的指标值（是否更容易达成）、分值、方向和预算。

    PATHS 中每张表按内容分为绩效目标表（没有实际完成值）和自评表，按项目名称、年度、单位配对。
    改得更容易达成的指标值为错误，其他改动为警告。退出码与 check 相同：0 没有达到 --min-severity 的差异；1 有；2 用法错误。
    """
    from scoring.compare import pair_tables, plan_findings, split_plans
    from scoring.pipeline import load_files, problems_of

    files = load_files(inputs_of(paths), targets=True)
    show_notices(files, quiet)
    problems = problems_of(files, targets_as_problems=False)
    evaluations = [evaluation for file in files for evaluation in file.evaluations]
    tables, plans = split_plans(evaluations)
    minimum = Severity(min_severity)
    compared = [(table, pairing, plan_findings(table, pairing))
                for table, pairing in zip(tables, pair_tables(tables, plans))]
    if output_format == "json":
        document = {"comparisons": [{
            "title": table.title, "source": str(table.source) if table.source else None,
            "plan": pairing.plan.place if pairing.plan else None,
            "findings": [{"code": f.code, "severity": f.severity.value, "line": f.line, "index": f.index,
                          "source": str(f.source) if f.source else None, "message": f.message}
                         for f in at_or_above(found, minimum)]} for table, pairing, found in compared],
            "plans": len(plans), "problems": [{"source": str(p.source), "message": p.message} for p in problems]}
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        width = terminal_width(sys.stdout.isatty())
        out: list[str] = []
        for table, pairing, found in compared:
            place = str(table.source) if table.source else ""
            out.extend(wrap(f"{table.title}　{place}", width))
            if pairing.plan is not None:
                out.extend(wrap(f"对照绩效目标表：{pairing.plan.place}", width, "  "))
            shown = at_or_above(found, minimum)
            for finding in shown:
                out.extend(wrap(finding_text(finding), width, "  "))
            if not shown:
                out.append("  与绩效目标表一致" if pairing.plan is not None and not found else
                           f"  （{len(found)} 条级别低于“{minimum.chinese}”的差异未列出）" if found else "")
            out.append("")
        out.extend(wrap(f"共对照 {len(tables)} 张自评表、{len(plans)} 张绩效目标表。", width))
        click.echo("\n".join(out))
    report_problems(problems)
    failing = [f for _, _, found in compared for f in at_or_above(found, minimum)]
    sys.exit(1 if problems or failing else 0)
