"""``perfscore rules``: list, show and verify rule sets."""

from __future__ import annotations

import sys

import click
import yaml

from scoring.ruleset import builtin_names, get_ruleset

from .common import resolve_rules


@click.group("rules")
def rules_group() -> None:
    """规则集：列出内置规则集、显示生效的规则、用性质测试验证规则集。"""


@rules_group.command("list")
def list_command() -> None:
    """列出内置规则集及其说明。"""
    for name in builtin_names():
        click.echo(f"{name}\n    {get_ruleset(name).description}")


@rules_group.command("show")
@click.argument("name")
def show_command(name: str) -> None:
    """显示规则集（内置名称或 .yaml 文件）展开 extends 之后实际生效的全部规则（YAML）。"""
    ruleset = resolve_rules(name)
    data = ruleset.model_dump(mode="json", exclude={"extends"})
    click.echo(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120), nl=False)


@rules_group.command("verify")
@click.argument("name")
@click.option("--examples", default=200, show_default=True, type=click.IntRange(10, 5000),
              help="每条性质检查的例子数。")
def verify_command(name: str, examples: int) -> None:
    """用 Hypothesis 检查规则集的性质（得分范围、单调、达标满分、总分上限、确定性、取整），失败时给出反例。

    退出码：0 全部通过；1 有性质不成立或规则集文件有错误。
    """
    from hypothesis.configuration import set_hypothesis_home_dir  # only imported when verifying

    from scoring.verify import verify

    from .userdirs import user_cache_dir

    ruleset = resolve_rules(name)
    click.echo(f"验证规则集“{ruleset.name}”：{ruleset.description}")
    # Hypothesis keeps caches in ./.hypothesis by default: an officer's folder is no place for them.
    set_hypothesis_home_dir(user_cache_dir() / "hypothesis")
    try:
        results = verify(ruleset, examples)
    finally:
        set_hypothesis_home_dir(None)
    for result in results:
        if result.ok:
            click.echo(f"  成立　{result.name}（{result.examples} 个例子）")
        else:
            click.echo(f"  不成立　{result.name}")
            click.echo(f"      反例：{result.counterexample}")
    failed = [result for result in results if not result.ok]
    if failed:
        click.echo(f"{len(failed)} 条性质不成立。")
        sys.exit(1)
    click.echo(f"全部 {len(results)} 条性质成立。")
