"""``perfscore template``: a blank self-evaluation workbook, or one pre-filled from a 绩效目标表."""

from __future__ import annotations

import sys

import click

from scoring.pipeline import load_files

from .common import check_output_path, force_option, report_problems, show_notices
from .export import FORM_CHOICES, FORM_HELP, done, require_xlsx, write_or_exit


@click.command("template")
@click.option("--form", type=click.Choice(FORM_CHOICES), default=None,
              help=FORM_HELP + "不用 --from 时必须指定；用 --from 时默认按目标表的内容选择。")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="输出的 .xlsx 工作簿（- 表示写到标准输出）。")
@click.option("--from", "source", type=click.Path(dir_okay=False), default=None,
              help="绩效目标表（.yaml 或 .xlsx）：按其中的指标、指标值和分值预先填好，实际完成值和得分留空。")
@click.option("--kind", type=click.Choice(["project", "department"]), default=None,
              help="空白模板的类型：project 项目支出，department 部门整体支出（默认由表样决定）。")
@force_option
def template_command(form: str | None, output: str, source: str | None, kind: str | None, force: bool) -> None:
    """生成自评表模板（.xlsx）：空白的，或按绩效目标表预先填好指标和指标值。

    模板按所选表样排版；预算数、三级指标、年度指标值、分值等可预先填好，执行数、实际完成值、得分留空待填。
    填好后可直接用 perfscore score 评分。
    """
    require_xlsx(output)
    check_output_path(output, [source] if source else [], force)
    from scoring.reports.workbook import Mode

    if source is None:
        if form is None:
            raise click.UsageError("请用 --form 指定表样（mof、hubei-project 或 hubei-department），或用 --from 指定绩效目标表")
        from scoring.reports.templates import blank_evaluation

        evaluations = [blank_evaluation(form, kind)]
    else:
        result = load_files([source], targets=True)[0]  # a 绩效目标表, .yaml or .xlsx
        show_notices([result])
        problems = list(result.problems)
        if problems:
            report_problems(problems)
            click.echo("绩效目标表有问题，未写出模板。", err=True)
            sys.exit(1)
        from scoring.reports.templates import from_targets

        evaluations = [from_targets(evaluation) for evaluation in result.evaluations]
    write_or_exit(output, evaluations, mode=Mode.TEMPLATE, form=form)
    done(output, f"已写出模板 {output}：{len(evaluations)} 张表。")
