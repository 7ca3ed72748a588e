"""``perfscore export``: write scored tables back to Excel, in their published forms."""

from __future__ import annotations

import sys

import click

from scoring.pipeline import load_files, problems_of, score_files

from .common import (check_output_path, force_option, inputs_of, quiet_option, report_problems, resolve_rules,
                     show_notices)

FORM_CHOICES = ("mof", "hubei-project", "hubei-department")
FORM_HELP = ("表样：mof 为财政部项目支出绩效自评表（含指标性质、指标方向、计量单位），hubei-project 为湖北/武汉项目自评表，"
             "hubei-department 为湖北/武汉部门整体支出自评表（按年度目标分块）。")


def require_xlsx(output: str) -> None:
    """Refuse an output path that does not end in .xlsx (a usage error, exit 2); ``-`` is standard output."""
    if output != "-" and not output.lower().endswith(".xlsx"):
        raise click.BadParameter(f"输出文件“{output}”应以 .xlsx 结尾", param_hint="-o")


def done(output: str, text: str) -> None:
    """The closing line of a command that wrote ``output``: on stdout, or on stderr when the file went there."""
    click.echo(text, err=output == "-")


def write_or_exit(path: str, evaluations, results=None, **options) -> None:
    """Write a workbook (``-``: to standard output); on failure print the Chinese reason and exit 1
    (no file is left behind)."""
    from scoring.reports.workbook import WriteError, write_stream, write_workbook  # the writer only when writing

    try:
        if path == "-":
            sys.stdout.flush()
            stream = sys.stdout.buffer
            cut = write_stream(stream, evaluations, results, **options)
            stream.flush()
        else:
            cut = write_workbook(path, evaluations, results, **options)
    except WriteError as exc:
        click.echo(f"错误：{exc}", err=True)
        sys.exit(1)
    for sentence in cut:
        click.echo(f"警告：{path}: {sentence}", err=True)


@click.command("export")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="输出的 .xlsx 工作簿（- 表示写到标准输出）。")
@click.option("--rules", "rules_name", default="standard", show_default=True, metavar="规则集", help="规则集：内置名称（见 perfscore rules list）或规则集文件。")
@click.option("--form", type=click.Choice(FORM_CHOICES), default=None,
              help=FORM_HELP + "不指定时按每张表的内容选择：有年度目标用 hubei-department，"
                               "有指标性质、指标方向、计量单位或年初预算数用 mof，其余用 hubei-project。")
@click.option("--no-metadata", "no_metadata", is_flag=True, default=False,
              help="不写隐藏的“perfscore元数据”工作表（工作簿仍可打开和打印，但再读入时只按表上可见的内容）。")
@force_option
@quiet_option
def export_command(paths: tuple[str, ...], output: str, rules_name: str, form: str | None, no_metadata: bool,
                   force: bool, quiet: bool) -> None:
    """评分并导出 Excel 工作簿：每张表一个工作表，按公开表样排版，可直接打印签字。

    第一个工作表“汇总”列出每张表的总分、等级、执行率、扣分、待判断行数和发现的问题；
    各表的“得分”为 perfscore 按规则算出的分数，“原填得分”为表上原来所填，“扣分”“扣分说明”写明丢分和中文理由。
    与表上得分不同的行、需要评价人判断的行加底纹并附批注。表上没有栏目的内容存于隐藏的元数据表，
    再次读取导出的工作簿会得到同样的表（不要这个隐藏表时见下面的选项）。

    PATHS 为一个或多个自评表（工作簿、Word 文档、网页、PDF 或 YAML 文件）。输入有问题时列出全部问题，不写文件，退出码为 1。
    """
    ruleset = resolve_rules(rules_name)
    require_xlsx(output)
    check_output_path(output, paths, force)
    files = load_files(inputs_of(paths))
    show_notices(files, quiet)
    problems = problems_of(files)
    if problems:
        report_problems(problems)
        click.echo("输入有问题，未写出工作簿。", err=True)
        sys.exit(1)
    from scoring.reports.workbook import Mode

    # The checker's findings too: the 汇总 sheet counts them and reviewers read them there.
    files = score_files(files, ruleset, review=True)
    evaluations = [evaluation for file in files for evaluation in file.evaluations]
    results = [result for file in files for result in file.results]
    write_or_exit(output, evaluations, results, mode=Mode.SCORED, form=form, rules=ruleset.name,
                  metadata=not no_metadata)
    if not quiet:
        done(output, f"已写出 {output}：{len(evaluations)} 张表（另有“汇总”工作表）。")
    if any(file.failed for file in files):
        click.echo("有的表评分时出错（见工作簿中的错误），请报告此问题。", err=True)
        sys.exit(1)
