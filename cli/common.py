"""Options and helpers shared by the commands."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterable

import click

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


def show_notices(files: Iterable[FileResult]) -> None:
    """Print each file's notices (values read from hidden columns …) to stderr, as 提示."""
    for file in files:
        for notice in file.notices:
            click.echo(f"提示：{format_problem(notice)}", err=True)


def read_and_score(paths: Iterable[str], ruleset: RuleSet, review: bool) -> list[FileResult]:
    """Every path through the pipeline (read, score, and with ``review`` check), notices shown at once."""
    files = load_files(paths)
    show_notices(files)
    return score_files(files, ruleset, review=review)


def report_problems(problems: Iterable[Problem]) -> None:
    """Print problems to stderr as ``path:location: message``, then a count."""
    problems = list(problems)
    for problem in problems:
        click.echo(f"错误：{format_problem(problem)}", err=True)
    if problems:
        click.echo(f"共 {len(problems)} 处输入问题。", err=True)


def check_output_path(output: str | None, inputs: Iterable[str]) -> None:
    """Refuse an output path that is one of the inputs: inputs are never overwritten."""
    if output is None:
        return
    target = Path(output).resolve()
    for path in inputs:
        if Path(path).resolve() == target:
            raise click.BadParameter(f"输出文件“{output}”与输入文件相同；输入文件不会被覆盖，请换一个输出路径",
                                     param_hint="-o")


def write_text_atomically(path: str, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, then move it in place."""
    write_atomically(path, lambda temp: Path(temp).write_text(text, encoding="utf-8"))


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
