"""``perfscore``: the click group every command hangs from.

Commands are imported when they run, and the group's own help lists them from the short
texts below, so ``perfscore --help`` imports no command and ``perfscore score`` does not pay
for the web server, the batch pool or the workbook writer. A test keeps each short text equal
to its command's own.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from .chinese import OPTIONS_METAVAR, install, localize
from .errors import PerfscoreGroup

install()  # click's own help and usage errors in Chinese

#: Command name → ``module:attribute`` of its click command, in the order help lists them.
COMMANDS = {
    "score": "cli.score:score_command",
    "check": "cli.check:check_command",
    "compare": "cli.compare:compare_command",
    "export": "cli.export:export_command",
    "template": "cli.template:template_command",
    "convert": "cli.convert:convert_command",
    "report": "cli.report:report_command",
    "rules": "cli.rules:rules_group",
    "batch": "cli.batch:batch_command",
    "serve": "cli.serve:serve_command",
}
#: Each command's short help, as its docstring's first line says it (the group's help shows these).
SHORT_HELP = {
    "score": "为自评表评分：逐行给出分值、得分、扣分和中文理由，以及总分和等级。",
    "check": "复核自评表：评分并列出表上的问题（逐行得分、总分与小计、资金、指标写法、同一文件各表的表头）。",
    "compare": "对照绩效目标表检查自评表：漏掉或新增的指标、改动的指标值（是否更容易达成）、分值、方向和预算。",
    "export": "评分并导出 Excel 工作簿：每张表一个工作表，按公开表样排版，可直接打印签字。",
    "template": "生成自评表模板（.xlsx）：空白的，或按绩效目标表预先填好指标和指标值。",
    "convert": "在 YAML 和 Excel 工作簿之间转换自评表，不丢失任何内容。",
    "report": "生成自评报告草稿（Word）：基本情况、绩效目标完成情况、自评得分和等级、偏差原因、问题和改进措施，附评分后的自评表。",
    "rules": "规则集：列出内置规则集、显示生效的规则、用性质测试验证规则集。",
    "batch": "批量评分：PATH 可以是文件或文件夹（递归查找其中的自评表：工作簿、Word 文档、网页、PDF、YAML），多进程并行。",
    "serve": "在本机启动网页：上传自评表（工作簿、Word 文档、网页、PDF 或 YAML），逐行查看得分和扣分理由，填写评价判断，下载评分工作簿。",
}


def version() -> str:
    """The installed distribution's version (``0+unknown`` in a source tree that was not installed)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("perfscore")
    except PackageNotFoundError:
        return "0+unknown"


def _show_version(ctx: click.Context, _param: Any, value: bool) -> None:
    # A callback, not click.version_option(version()): the version is looked up only when asked for.
    if value and not ctx.resilient_parsing:
        click.echo(f"perfscore {version()}")
        ctx.exit()


class LazyGroup(PerfscoreGroup):
    """The group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attribute = target.split(":")
        return localize(getattr(importlib.import_module(module), attribute))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("命令"):
            formatter.write_dl(list(SHORT_HELP.items()))


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]},
             options_metavar=OPTIONS_METAVAR, subcommand_metavar="命令 [参数]...")
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version,
              help="显示版本并退出。")
def main() -> None:
    """perfscore：预算绩效自评表评分引擎。

    读取自评表（Excel 工作簿或 YAML），按明确的规则逐行评分，说明每一处扣分，并复核表上的数字。
    """
