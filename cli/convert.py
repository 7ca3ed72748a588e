"""``perfscore convert``: YAML ⇄ xlsx, losing nothing the model holds."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from scoring.pipeline import load_files

from .common import (check_output_path, force_option, inputs_of, report_problems, show_notices,
                     write_text_atomically)
from .export import FORM_CHOICES, FORM_HELP, done, write_or_exit

_XLSX = (".xlsx",)
_YAML = (".yaml", ".yml")


@click.command("convert")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="输出文件：.xlsx 或 .yaml/.yml（按扩展名决定格式）。")
@click.option("--form", type=click.Choice(FORM_CHOICES), default=None,
              help=FORM_HELP + "只用于输出 .xlsx；不指定时按每张表的内容选择。")
@force_option
def convert_command(path: str, output: str, form: str | None, force: bool) -> None:
    """在 YAML 和 Excel 工作簿之间转换自评表，不丢失任何内容。

    输出 .xlsx 时按公开表样排版，“得分”为表上原来所填的得分（不评分、不加 perfscore 的栏目），
    表上没有栏目的内容存于隐藏的元数据表；输出 YAML 时所有值照原文保留。绩效目标表也可转换。
    """
    suffix = ".yaml" if output == "-" else Path(output).suffix.lower()  # standard output: YAML
    if suffix not in _XLSX + _YAML:
        raise click.BadParameter(f"输出文件“{output}”应以 .xlsx、.yaml 或 .yml 结尾（- 表示以 YAML 写到标准输出）",
                                 param_hint="-o")
    check_output_path(output, [path], force)
    result = load_files(inputs_of([path]), targets=True)[0]  # a 绩效目标表 converts too, from either format
    show_notices([result])
    if result.problems:
        report_problems(result.problems)
        click.echo("输入有问题，未写出文件。", err=True)
        sys.exit(1)
    evaluations = list(result.evaluations)
    if suffix in _XLSX:
        from scoring.reports.workbook import Mode

        write_or_exit(output, evaluations, mode=Mode.FILLED, form=form)
    else:
        from indicators.yaml_io import dump_yaml

        header = f"# 由 perfscore convert 从 {result.name} 转换；所有值照原文保留。\n"
        try:
            write_text_atomically(output, header + dump_yaml(evaluations))
        except OSError as exc:
            click.echo(f"错误：无法写入“{output}”：{exc.strerror or exc}", err=True)
            sys.exit(1)
    done(output, f"已写出 {output}：{len(evaluations)} 张表。")
