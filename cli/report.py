"""``perfscore report``: a draft 自评报告 (Word) for each scored table, numbers filled, the rest marked 【】."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import (check_outputs, force_option, quiet_option, read_and_score, report_problems,
                     resolve_rules)


def report_paths(output: str, titles: list[str]) -> list[str]:
    """Where each table's report goes: ``output`` itself for one table, ``报告（表名）.docx`` beside it for several."""
    if len(titles) == 1:
        return [output]
    base = Path(output)
    bad = set('\\/:*?"<>|')
    names = ["".join("_" if ch in bad else ch for ch in title)[:60] or f"表{k}" for k, title in enumerate(titles, 1)]
    seen: dict[str, int] = {}
    paths = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        suffix = f"（{name}）" if seen[name] == 1 else f"（{name}-{seen[name]}）"
        paths.append(str(base.with_name(f"{base.stem}{suffix}{base.suffix}")))
    return paths


@click.command("report")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="输出的 Word 报告（.docx）；多张表时每张表一份，文件名后加（表名）。")
@click.option("--rules", "rules_name", default="standard", show_default=True, metavar="规则集",
              help="规则集：内置名称（见 perfscore rules list）或规则集文件。")
@click.option("--template", type=click.Path(dir_okay=False), default=None,
              help="自己的报告模板（.docx，占位符写法见 docs/report.md）；默认按表的类型用内置模板。")
@force_option
@quiet_option
def report_command(paths: tuple[str, ...], output: str, rules_name: str, template: str | None, force: bool,
                   quiet: bool) -> None:
    """生成自评报告草稿（Word）：基本情况、绩效目标完成情况、自评得分和等级、偏差原因、问题和改进措施，附评分后的自评表。

    所有数字都取自评分结果；需要人工撰写的地方标为【……】并在最后列出。部门整体支出表用部门整体的提纲。
    """
    if not output.lower().endswith(".docx"):
        raise click.BadParameter(f"输出文件“{output}”应以 .docx 结尾", param_hint="-o")
    ruleset = resolve_rules(rules_name)
    files = read_and_score(paths, ruleset, review=True, quiet=quiet)
    problems = [problem for file in files for problem in (*file.problems, *file.target_tables)]
    tables = [pair for file in files for pair in file.tables]
    if problems or not tables:
        report_problems(problems)
        click.echo("输入有问题，未写出报告。" if problems else "没有读到自评表，未写出报告。", err=True)
        sys.exit(1)
    targets = report_paths(output, [result.title for _, result in tables])
    check_outputs(targets, [p for p in paths if p != "-"], force, "-o")
    from scoring.reports.report_docx import write_report  # python-docx only when writing a report

    for (evaluation, result), target in zip(tables, targets):
        left = write_report(target, evaluation, result, template)
        if not quiet:
            click.echo(f"已写出 {target}：{result.title}，总分 {result.total} 等级 {result.grade}。")
            if left:
                click.echo("  需要人工填写：" + "；".join(dict.fromkeys(left)))
    if any(file.failed for file in files):
        sys.exit(1)
