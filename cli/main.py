"""``perfscore``: the click group every command hangs from.

Commands are imported when they run (or when help lists them), so ``perfscore score`` does
not pay for the web server, the batch pool or the workbook writer.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version

import click

from .chinese import install, localize
from .errors import PerfscoreGroup

install()  # click's own help and usage errors in Chinese

#: Command name → ``module:attribute`` of its click command, in the order help lists them.
COMMANDS = {
    "score": "cli.score:score_command",
    "check": "cli.check:check_command",
    "export": "cli.export:export_command",
    "template": "cli.template:template_command",
    "convert": "cli.convert:convert_command",
    "rules": "cli.rules:rules_group",
    "batch": "cli.batch:batch_command",
    "serve": "cli.serve:serve_command",
}


def _version() -> str:
    try:
        return version("perfscore")
    except PackageNotFoundError:  # running from a source tree without installing
        return "0+unknown"


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


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]},
             options_metavar="[选项]", subcommand_metavar="命令 [参数]...")
@click.version_option(_version(), "--version", prog_name="perfscore", message="%(prog)s %(version)s")
def main() -> None:
    """perfscore：预算绩效自评表评分引擎。

    读取自评表（Excel 工作簿或 YAML），按明确的规则逐行评分，说明每一处扣分，并复核表上的数字。
    """
