"""``perfscore``: the click group every command hangs from."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import click

from .batch import batch_command
from .check import check_command
from .convert import convert_command
from .export import export_command
from .rules import rules_group
from .score import score_command
from .serve import serve_command
from .template import template_command


def _version() -> str:
    try:
        return version("perfscore")
    except PackageNotFoundError:  # running from a source tree without installing
        return "0+unknown"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(_version(), "--version", prog_name="perfscore", message="%(prog)s %(version)s")
def main() -> None:
    """perfscore：预算绩效自评表评分引擎。

    读取自评表（Excel 工作簿或 YAML），按明确的规则逐行评分，说明每一处扣分，并复核表上的数字。
    """


for command in (score_command, check_command, export_command, template_command, convert_command, rules_group,
                batch_command, serve_command):
    main.add_command(command)
