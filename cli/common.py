"""Options and helpers shared by the commands."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterable

import click

from indicators.load import Input
from indicators.problems import Problem, format_problem
from scoring.pipeline import FileResult, load_files, score_files
from scoring.reports.atomic import write_atomically
from scoring.ruleset import RuleSet, RuleSetError, get_ruleset


def resolve_rules(name: str) -> RuleSet:
    """The rule set named on the command line: a built-in name or a rule-set YAML file.

    An unknown name is a usage error (exit 2, with the nearest name suggested); a rule
    file with mistakes is an input problem: every mistake at its file:line, exit 1.
    """
    try:
        return get_ruleset(name)
    except KeyError as exc:
        raise click.BadParameter(str(exc.args[0]), param_hint="--rules") from None
    except RuleSetError as exc:
        report_problems(exc.problems)
        sys.exit(1)


def show_notices(files: Iterable[FileResult], quiet: bool = False) -> None:
    """Print each file's notices (values read from hidden columns …) to stderr, as 提示 (not with ``--quiet``)."""
    if quiet:
        return
    for file in files:
        for notice in file.notices:
            click.echo(f"提示：{format_problem(notice)}", err=True)


def inputs_of(paths: Iterable[str]) -> list[Input | str]:
    """The command line's paths, ``-`` standing for standard input (read once, a workbook or YAML)."""
    given: list[Input | str] = []
    for path in paths:
        if path == "-":
            given.append(Input.from_stdin(sys.stdin.buffer.read()))
        else:
            given.append(path)
    return given


def read_and_score(paths: Iterable[str], ruleset: RuleSet, review: bool, quiet: bool = False,
                   plans: list | None = None) -> list[FileResult]:
    """Every path through the pipeline (read, score, and with ``review`` check), notices shown at once."""
    files = load_files(inputs_of(paths))
    show_notices(files, quiet)
    return score_files(files, ruleset, review=review, plans=plans)


def read_plans(paths: Iterable[str]) -> list | None:
    """The 绩效目标表 of ``--targets`` (None without it); a file that holds none, or holds a 自评表, stops
    the command with its problems listed (exit 1) before any table is scored."""
    paths = list(paths)
    if not paths:
        return None
    from scoring.pipeline import load_plans

    plans, problems = load_plans(inputs_of(paths))
    if problems:
        report_problems(problems)
        click.echo("--targets 给出的绩效目标表有问题，未评分。", err=True)
        sys.exit(1)
    return plans


#: ``--targets``: compare each table with the 绩效目标表 it was approved under (see ``perfscore compare``).
targets_option = click.option("--targets", "targets", multiple=True, type=click.Path(dir_okay=False),
                              help="绩效目标表文件（可多次给出）：同时对照绩效目标表检查每张自评表，差异排在最前。")


#: ``--decisions``: a reviewer's decisions on findings (scoring/decisions.py, docs/decisions.md).
decisions_option = click.option("--decisions", "decisions_path", type=click.Path(dir_okay=False), default=None,
                                help="复核决定文件（YAML，格式见 docs/decisions.md）：已核实或不采纳的发现标为已复核，"
                                     "不计入退出码；所引数值改变的决定自动失效。")

#: ``--decisions-template``: write a decisions file listing the current findings, ready to fill in.
decisions_template_option = click.option(
    "--decisions-template", "decisions_template", type=click.Path(dir_okay=False), default=None,
    help="把本次的发现写成复核决定文件（YAML），逐条填写决定（已核实 / 不采纳）和理由后用 --decisions 读入；"
         "同时给出 --decisions 时保留已有的决定。")


def read_decisions_option(path: str | None):
    """The decisions file of ``--decisions`` (None without it); a file with mistakes stops the command with
    every mistake at its line (exit 1) before any table is scored."""
    if path is None:
        return None
    from scoring.decisions import DecisionsError, read_decisions

    try:
        return read_decisions(path)
    except DecisionsError as exc:
        report_problems(exc.problems)
        click.echo("--decisions 给出的复核决定文件有问题，未检查。", err=True)
        sys.exit(1)


def show_decision_notices(notices: Iterable[Problem], quiet: bool = False) -> None:
    """Lapsed decisions and decisions about tables not in the run, as 提示 on stderr (not with ``--quiet``)."""
    if quiet:
        return
    for notice in notices:
        click.echo(f"提示：{format_problem(notice)}", err=True)


def report_problems(problems: Iterable[Problem]) -> None:
    """Print problems to stderr as ``path:location: message``, then a count."""
    problems = list(problems)
    for problem in problems:
        click.echo(f"错误：{format_problem(problem)}", err=True)
    if problems:
        click.echo(f"共 {len(problems)} 处输入问题。", err=True)


def check_output_path(output: str | None, inputs: Iterable[str], force: bool = False, option: str = "-o") -> None:
    """Refuse an output path that is one of the inputs (never, even with ``--force``: inputs are never
    overwritten), and an existing file unless ``force`` — a usage error (exit 2) naming the file."""
    check_outputs([output] if output else [], inputs, force, option)


def check_outputs(outputs: Iterable[str], inputs: Iterable[str], force: bool, option: str) -> None:
    """:func:`check_output_path` for several outputs at once; every clash is listed in one message."""
    given = {Path(path).resolve(): path for path in inputs if path != "-"}
    clashes: list[str] = []
    existing: list[str] = []
    for output in outputs:
        if output == "-":  # standard output
            continue
        target = Path(output).resolve()
        if target in given:
            clashes.append(f"输出文件“{output}”与输入文件相同，会覆盖输入文件")
        elif target.exists() and not force:
            existing.append(output)
    if clashes:
        raise click.BadParameter("；".join(clashes) + "；输入文件不会被覆盖，请换一个输出路径", param_hint=option)
    if existing:
        shown = "、".join(f"“{path}”" for path in existing[:5]) + (f"等 {len(existing)} 个文件" if len(existing) > 5 else "")
        raise click.BadParameter(f"输出文件{shown}已存在；确需覆盖请加 --force（它可能是别人改过的成果）",
                                 param_hint=option)


def write_text_atomically(path: str, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, then move it in place
    (``-``: to standard output, UTF-8).

    Raises:
        WriteError: the file cannot be written (the message says why, in Chinese).
    """
    if path == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
        return
    write_atomically(path, lambda temp: Path(temp).write_text(text, encoding="utf-8"))


#: The ``--force`` option of every command that writes a file.
force_option = click.option("--force", is_flag=True, default=False,
                            help="输出文件已存在时覆盖它（输入文件在任何情况下都不会被覆盖）。")


#: The ``-q/--quiet`` option: no notices (提示), progress or closing counts; errors and results still print.
quiet_option = click.option("-q", "--quiet", is_flag=True, default=False,
                            help="安静模式：不显示提示、进度和汇总行（错误和结果照常输出）。")


class Echo:
    """Print to stdout until the reader goes away (``| head``), then keep working silently."""

    def __init__(self) -> None:
        self.closed = False

    def __call__(self, text: str, nl: bool = True) -> None:
        if self.closed:
            return
        try:
            click.echo(text, nl=nl)
        except BrokenPipeError:
            self.closed = True
            # Point stdout at devnull so the interpreter's final flush does not raise again.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
