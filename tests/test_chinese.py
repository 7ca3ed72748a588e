"""Everything an officer reads is Chinese: every command's help and usage errors (flags, metavars and identifiers aside)."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from cli.main import COMMANDS, main

from .conftest import SAMPLES

#: Words that are names, not English prose: formats, products, choices and identifiers the help mentions.
IDENTIFIERS = {
    "perfscore", "xlsx", "xlsm", "yaml", "yml", "json", "jsonl", "csv", "txt", "text", "YAML", "JSON", "Excel", "WPS",
    "SQLite", "Hypothesis", "Word", "MB", "KB", "Ctrl", "C", "mof", "hubei", "project", "department", "standard", "error",
    "warning", "info", "extends", "document", "run_id", "x", "PATH", "PATHS", "NAME", "FILE", "TEXT", "INTEGER",
    "FLOAT", "RANGE", "DIRECTORY", "Chromium", "html", "htm", "docx", "xls", "ods", "pdf", "xlsb", "bash", "zsh",
    "fish", "powershell", "targets", "decisions", "UTF", "PDF",
}
COMMAND_NAMES = set(COMMANDS) | {"list", "show", "verify"}
FLAG = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*")


def every_command() -> list[list[str]]:
    found = []
    for name in COMMANDS:
        command = main.get_command(click.Context(main), name)
        found.append([name])
        if isinstance(command, click.Group):
            found.extend([name, sub] for sub in command.commands)
    return found


def english_words(text: str) -> list[str]:
    text = re.sub(r"'[^']*'|“[^”]*”", " ", text)  # what the user typed, quoted back
    text = re.sub(r"[\w./-]+\.(md|docx|xlsx|yaml|yml|json|csv|sqlite)\b", " ", text)  # a file's name
    text = FLAG.sub(" ", text)
    text = re.sub(r"\[[a-z|-]+\]", " ", text)  # a choice's values: [text|json]
    text = re.sub(r"\d+(\.\d+)?", " ", text)
    words = re.findall(r"[A-Za-z][A-Za-z_]*", text)
    return [word for word in words if word not in IDENTIFIERS | COMMAND_NAMES and len(word) > 1]


@pytest.mark.parametrize("words", every_command(), ids=lambda words: " ".join(words))
def test_help_is_chinese(words):
    result = CliRunner().invoke(main, [*words, "--help"], prog_name="perfscore")
    assert result.exit_code == 0
    assert english_words(result.output) == []


@pytest.mark.parametrize("words", every_command(), ids=lambda words: " ".join(words))
def test_usage_errors_are_chinese(words):
    # An unknown option always; no arguments only where some are required (``serve`` alone would start a server).
    command = main
    for word in words:
        command = command.get_command(click.Context(command), word)
    required = any(param.required for param in command.params) or isinstance(command, click.Group)
    for extra in (["--no-such-option"], []) if required else (["--no-such-option"],):
        result = CliRunner().invoke(main, [*words, *extra], prog_name="perfscore")
        assert result.exit_code == 2
        assert "错误：" in result.output or (not extra and isinstance(command, click.Group))  # a group lists its commands
        assert english_words(result.output) == [], result.output


def test_the_group_itself_and_an_unknown_command():
    for args in ([], ["--help"], ["no-such-command"], ["score", "--format", "xml", "x.yaml"],
                 ["batch", "--jobs", "0", "x"]):
        result = CliRunner().invoke(main, args, prog_name="perfscore")
        assert english_words(result.output) == [], (args, result.output)


def _gbk_runs(tmp_path):
    sample = str(SAMPLES / "u4-wuhai-2023-digital-reform.yaml")
    workbook = str(SAMPLES / "w2-wuhan-2023-project.xlsx")
    return [
        ["score", sample, workbook], ["check", sample, workbook, "--min-severity", "info"],
        ["export", sample, "-o", str(tmp_path / "e.xlsx")], ["convert", workbook, "-o", str(tmp_path / "c.yaml")],
        ["template", "--form", "mof", "-o", str(tmp_path / "t.xlsx")], ["rules", "list"], ["rules", "show", "standard"],
        ["rules", "verify", "standard", "--examples", "10"], ["batch", sample, workbook],
        ["score", str(tmp_path / "missing.yaml")], ["--help"],
    ]


def test_every_command_writes_to_a_gbk_console_without_substitutes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner(charset="gbk")  # stdout encodes strictly: a character GBK lacks would raise
    for args in _gbk_runs(tmp_path):
        result = runner.invoke(main, args, prog_name="perfscore", catch_exceptions=False)
        assert result.exit_code in (0, 1), (args, result.output)
        assert "\\u" not in result.output and "\\x" not in result.output, args  # nothing escaped or replaced
        assert "?" not in result.stdout, args
