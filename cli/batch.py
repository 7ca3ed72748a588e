"""``perfscore batch``: a whole year's submissions at once, with a summary workbook and a database."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sys
from pathlib import Path
from typing import Any, Callable

import click

from indicators.problems import format_problem
from scoring.batch import FileReport, discover, export_path, run_batch, unique_exports
from scoring.reports.batch_workbook import SUMMARY_HEADERS, SummaryBook, summary_row

from .common import (Echo, check_output_path, check_outputs, decisions_option, decisions_template_option,
                     force_option, quiet_option, read_decisions_option, read_plans, resolve_rules, targets_option,
                     write_text_atomically)


class _Lines:
    """Where the per-table results go, in the chosen format, streamed as files finish."""

    def __init__(self, output_format: str) -> None:
        self.format = output_format
        self.out = Echo()
        self.first = True
        self.csv: Any = None
        if output_format == "json":
            self.out('{"evaluations": [', nl=False)
        elif output_format == "csv":
            sys.stdout.flush()
            # UTF-8 with a BOM, whatever the console's encoding: Excel/WPS then open the file as Chinese text.
            stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8-sig", newline="", write_through=True)
            self.csv = csv.writer(stream)
            self.csv_stream = stream
            self.csv.writerow(SUMMARY_HEADERS)

    def add(self, report: FileReport) -> None:
        for item in report.evaluations:
            if self.format == "json":
                self.out(("" if self.first else ",") + json.dumps(item, ensure_ascii=False), nl=False)
                self.first = False
            elif self.format == "jsonl":
                self.out(json.dumps({"type": "evaluation", **item}, ensure_ascii=False))
            elif self.format == "csv":
                self.csv.writerow(["" if value is None else value for value in summary_row(report.file, item)])
            else:
                counts = item["counts"]
                decided = f" 已复核{item['decided']}" if item.get("decided") else ""
                self.out(f"{report.file}\t{item['location']}\t{item['title']}\t{item['total']}\t{item['grade']}"
                         f"\t错误{counts['error']} 警告{counts['warning']} 提示{counts['info']}{decided}")
        for target in report.targets:
            if self.format == "jsonl":
                self.out(json.dumps({"type": "target_table", **target}, ensure_ascii=False))
            elif self.format == "text":
                self.out(f"{target['source']}\t绩效目标表，未评分")

    def close(self, problems: list[dict[str, str]]) -> None:
        if self.format == "json":
            self.out('], "problems": ' + json.dumps(problems, ensure_ascii=False) + "}")
        elif self.format == "jsonl":
            for problem in problems:
                self.out(json.dumps({"type": "problem", **problem}, ensure_ascii=False))
        elif self.format == "csv":
            self.csv_stream.detach()  # stdout stays open for the interpreter's own flush


@click.command("batch")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="汇总工作簿（.xlsx）的路径。")
@click.option("--rules", "rules_name", default="standard", show_default=True, metavar="规则集",
              help="规则集：内置名称（见 perfscore rules list）或规则集文件。")
@click.option("--jobs", type=click.IntRange(1, 256), default=None, help="并行进程数，默认为本机核数。")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "jsonl", "csv"]), default="text",
              show_default=True, help="屏幕输出：text 每表一行；json 与 score 相同的结构；jsonl 每行一个 JSON 对象；"
                                      "csv 与汇总工作簿“汇总”表相同的列（UTF-8 编码并带编码标记，Excel/WPS 可直接打开）。")
@click.option("--db", type=click.Path(dir_okay=False), default=None,
              help="把结果追加写入 SQLite 数据库（每次运行一个 run_id，不覆盖以前的结果）。")
@click.option("--export", "export_dir", type=click.Path(file_okay=False), default=None,
              help="同时把每个输入的评分工作簿（与 perfscore export 相同）写入此文件夹，保持原来的文件夹结构。")
@targets_option
@decisions_option
@decisions_template_option
@force_option
@quiet_option
def batch_command(paths: tuple[str, ...], output: str | None, rules_name: str, jobs: int | None, output_format: str,
                  db: str | None, export_dir: str | None, targets: tuple[str, ...], decisions_path: str | None,
                  decisions_template: str | None, force: bool, quiet: bool) -> None:
    """批量评分：PATH 可以是文件或文件夹（递归查找其中的自评表：工作簿、Word 文档、网页、PDF、YAML），多进程并行。

    读不了的文件、不支持的文件类型列出中文说明（文件、工作表、单元格）后继续处理其他文件，最后退出码为 1；
    Excel/WPS 的 ~$ 临时锁文件和隐藏文件不读取，但会提示。绩效目标表（只有指标值，没有实际完成值）单独列出，不算问题。
    """
    resolve_rules(rules_name)  # a bad rule file stops the batch before any work, with file:line
    plans = read_plans(targets)
    decisions = read_decisions_option(decisions_path)
    files, missing, skipped = discover(paths)
    inputs = [str(f) for f in files]
    check_output_path(output, inputs, force)
    check_output_path(decisions_template, inputs + ([decisions_path] if decisions_path else []), force,
                      "--decisions-template")
    if db is not None:
        check_output_path(db, inputs, force=True, option="--db")  # appending to a database is normal
    exports = None
    if export_dir:
        exports, renamed = unique_exports({str(f): export_path(f, [Path(p) for p in paths], Path(export_dir))
                                           for f in files})
        check_outputs(list(exports.values()), inputs, force, "--export")
        for source, target in renamed:
            _say(quiet, f"提示：{source}: 与另一输入文件同名，评分工作簿写为“{target}”")
    for notice in skipped:
        _say(quiet, f"提示：{format_problem(notice)}")
    book = SummaryBook() if output else None
    problem_count = len(missing)
    for problem in missing:
        click.echo(f"错误：{format_problem(problem)}", err=True)
        if book:
            book.add_problem(problem.source.file, str(problem.source), problem.message)
    tables = 0
    internal_failures = 0  # files whose tables perfscore failed on (an error finding each, no problem)
    lines = _Lines(output_format)
    progress, advance = _progress(len(files), quiet)
    store = _store(db, rules_name, list(paths))
    problems_json: list[dict[str, str]] = [{"source": str(p.source), "message": p.message} for p in missing]
    decided_blocks: set[int] = set()
    template_blocks: list[dict[str, Any]] = []  # small: identity and findings of each table, for --decisions-template
    with progress, store as database:
        for report in run_batch(files, rules_name, jobs, progress=advance, exports=exports, plans=plans,
                                decisions=decisions):
            decided_blocks |= report.decided_blocks
            if decisions_template:
                from scoring.decisions import template_block

                template_blocks.extend(template_block(item) for item in report.evaluations)
            for notice in report.notices:
                _say(quiet, f"提示：{notice['source']}: {notice['message']}")
            if book:
                book.add(report)
            if database is not None:
                database.add(report)
            problem_count += len(report.problems)
            internal_failures += report.failed and not report.problems
            for problem in report.problems:
                click.echo(f"错误：{problem['source']}: {problem['message']}", err=True)
            for warning in report.warnings:
                click.echo(f"警告：{warning['source']}: {warning['message']}", err=True)
            problems_json.extend(report.problems)
            tables += len(report.evaluations)
            lines.add(report)
    lines.close(problems_json)
    if decisions is not None:
        for k, (ref, source) in enumerate(decisions.blocks):
            if k not in decided_blocks:
                _say(quiet, f"提示：{source}: 复核决定所说的表{ref}不在本次批量评分的文件中，其中的决定未使用")
    if decisions_template:
        from scoring.decisions import dump_template

        write_text_atomically(decisions_template, dump_template(template_blocks))
    if book:
        book.write(output)
    _say(quiet, f"共 {len(files)} 个文件、{tables} 张表；{problem_count} 处问题。"
                + (f" 汇总工作簿：{output}" if output else "") + (f" 数据库：{db}" if db else "")
                + (f" 评分工作簿：{export_dir}" if export_dir else "")
                + (f" 复核决定文件：{decisions_template}" if decisions_template else ""))
    if problem_count or internal_failures:
        sys.exit(1)


def _say(quiet: bool, text: str) -> None:
    """A notice or the closing count on stderr, unless ``--quiet``."""
    if not quiet:
        click.echo(text, err=True)


def _progress(total: int, quiet: bool) -> tuple[Any, Callable[[FileReport], None] | None]:
    """A progress bar on stderr when it is a terminal; nothing when piped, redirected or ``--quiet``.

    When stdout is the same terminal, the result lines are printed above the bar (rich redirects
    them), so the two never garble each other; when stdout is a pipe, they go to the pipe untouched.
    """
    if quiet or not sys.stderr.isatty() or total < 2:
        return contextlib.nullcontext(), None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn("评分"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True,
                   console=Console(stderr=True), redirect_stdout=sys.stdout.isatty(), redirect_stderr=True)
    task = bar.add_task("batch", total=total)
    return bar, lambda _report: bar.advance(task)


def _store(db: str | None, rules: str, inputs: list[str]) -> Any:
    if db is None:
        return contextlib.nullcontext()
    from scoring.store import Store

    return Store(Path(db), rules, inputs)
