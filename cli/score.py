"""``perfscore score``: score self-evaluation tables and show every lost point."""

from __future__ import annotations

import json
import sys

import click

from scoring.pipeline import problems_of
from scoring.reports.json_report import report_to_dict

from .common import check_output_path, force_option, quiet_option, read_and_score, report_problems, resolve_rules, write_text_atomically


@click.command("score")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--rules", "rules_name", default="standard", show_default=True, metavar="规则集", help="规则集：内置名称（见 perfscore rules list）或规则集文件。")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="输出格式：text 为逐行列出得分和理由的文字，json 为供其他工具使用的数据。")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="把结果写入文件（而不是屏幕；- 表示标准输出）。")
@force_option
@quiet_option
def score_command(paths: tuple[str, ...], rules_name: str, output_format: str, output: str | None,
                  force: bool, quiet: bool) -> None:
    """为自评表评分：逐行给出分值、得分、扣分和中文理由，以及总分和等级。

    PATHS 为一个或多个自评表文件（.xlsx/.xls/.ods 工作簿、.docx 文档、网页、带文字的 .pdf 或 .yaml 文件）。输入有问题时列出全部问题（文件、工作表和单元格，或行号），退出码为 1。
    """
    ruleset = resolve_rules(rules_name)
    check_output_path(output, paths, force)
    files = read_and_score(paths, ruleset, review=False, quiet=quiet)
    results = [result for file in files for result in file.results]
    problems = problems_of(files)
    if output_format == "json":
        text = json.dumps(report_to_dict(results, problems), ensure_ascii=False, indent=2) + "\n"
    else:
        from .render import render_text, terminal_width, use_color  # JSON runs never draw text (start-up)

        to_terminal = output is None and sys.stdout.isatty()
        text = render_text(results, width=terminal_width(to_terminal), color=use_color(to_terminal))
    if output:
        write_text_atomically(output, text)
    else:
        click.echo(text, nl=False)
    report_problems(problems)
    if problems or any(file.failed for file in files):
        sys.exit(1)
