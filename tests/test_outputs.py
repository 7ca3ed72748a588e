"""Outputs never replace inputs, an existing output needs --force, and nothing half-written is left behind."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from cli.main import main
from scoring.reports.atomic import TEMP_PREFIX, WriteError, sweep_stale, write_atomically

from .conftest import ROOT, SAMPLES

U4 = SAMPLES / "u4-wuhai-2023-digital-reform.yaml"
W1_XLSX = SAMPLES / "w1-wuhan-2023-department.xlsx"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def digest(folder) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("command, output", [
    (["score", str(U4)], "out.json"),
    (["export", str(U4)], "out.xlsx"),
    (["convert", str(U4)], "out.xlsx"),
    (["template", "--form", "mof"], "out.xlsx"),
    (["batch", str(U4)], "out.xlsx"),
], ids=["score", "export", "convert", "template", "batch"])
def test_an_existing_output_is_replaced_only_with_force(tmp_path, command, output):
    target = tmp_path / output
    target.write_bytes(b"an officer's own file")
    refused = run(*command, "-o", str(target))
    assert refused.exit_code == 2
    assert "已存在" in refused.output and "--force" in refused.output
    assert target.read_bytes() == b"an officer's own file"
    replaced = run(*command, "-o", str(target), "--force")
    assert replaced.exit_code == 0, replaced.output
    assert target.read_bytes() != b"an officer's own file"


def test_force_never_lets_an_output_replace_an_input(tmp_path):
    copy = tmp_path / "u4.yaml"
    shutil.copy(U4, copy)
    before = copy.read_bytes()
    result = run("score", str(copy), "-o", str(copy), "--force")
    assert result.exit_code == 2 and "会覆盖输入文件" in result.output
    assert copy.read_bytes() == before


def test_the_database_may_not_be_an_input(tmp_path):
    copy = tmp_path / "e.yaml"
    shutil.copy(U4, copy)
    before = copy.read_bytes()
    result = run("batch", str(copy), "--db", str(copy))
    assert result.exit_code == 2 and "会覆盖输入文件" in result.output
    assert copy.read_bytes() == before


def test_a_second_export_into_the_input_folder_is_refused_and_changes_nothing(tmp_path):
    year = tmp_path / "y2023"
    year.mkdir()
    shutil.copy(W1_XLSX, year / "w1.xlsx")
    shutil.copy(U4, year / "u4.yaml")
    first = run("batch", str(year), "--export", str(year / "scored"))
    assert first.exit_code == 0, first.output
    assert sorted(p.name for p in (year / "scored").iterdir()) == ["u4.yaml.xlsx", "w1.xlsx"]
    before = digest(year)
    second = run("batch", str(year), "--export", str(year / "scored"))
    assert second.exit_code == 2 and "会覆盖输入文件" in second.output
    assert digest(year) == before


def test_two_inputs_of_one_name_export_to_two_workbooks(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(U4, tmp_path / folder / "t.yaml")
    out = tmp_path / "out"
    result = run("batch", str(tmp_path / "a" / "t.yaml"), str(tmp_path / "b" / "t.yaml"), "--export", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["t.yaml(2).xlsx", "t.yaml.xlsx"]
    assert "与另一输入文件同名" in result.stderr


def test_an_unwritable_output_is_a_chinese_message_not_a_traceback(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = run("score", str(U4), "-o", str(blocker / "out.json"))
    assert result.exit_code == 1
    assert "错误：无法写入" in result.stderr and "Traceback" not in result.output


def test_a_failed_write_leaves_no_temporary_file(tmp_path):
    def broken(temp: str) -> None:
        with open(temp, "w") as handle:
            handle.write("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomically(tmp_path / "out.txt", broken)
    assert list(tmp_path.iterdir()) == []


def test_temporary_files_of_a_killed_process_are_swept_by_the_next_write(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f"{TEMP_PREFIX}{dead.pid}-abc.xlsx.tmp"
    stale.write_text("left by a killed run")
    mine = tmp_path / f"{TEMP_PREFIX}{os.getpid()}-def.tmp"  # a live process's file is not touched
    mine.write_text("in progress")
    other = tmp_path / ".perfscore-notes.txt"  # not one of ours (no process id)
    other.write_text("x")
    assert sweep_stale(tmp_path) == [stale]
    assert mine.exists() and other.exists()
    write_atomically(tmp_path / "out.txt", lambda temp: open(temp, "w").close())
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, other.name, "out.txt"])


def test_sigterm_during_a_batch_leaves_no_temporary_file(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(300):
        shutil.copy(U4, folder / f"t{i:03}.yaml")
    exports = tmp_path / "scored"
    process = subprocess.Popen([sys.executable, "-c", "from cli.main import main; main()", "batch", str(folder),
                                "--export", str(exports), "-o", str(tmp_path / "summary.xlsx"), "--jobs", "1"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.readline()  # under way
    time.sleep(0.2)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode != 0
    assert b"Traceback" not in stderr
    left = [p for p in tmp_path.rglob(f"{TEMP_PREFIX}*")]
    assert left == []
    assert not (tmp_path / "summary.xlsx").exists()


def test_write_errors_are_perfscore_errors():
    from indicators.problems import PerfscoreError

    assert issubclass(WriteError, PerfscoreError)


@pytest.mark.parametrize("make, message", [
    (lambda tmp: (tmp / "notes.sqlite", (tmp / "notes.sqlite").write_text("just text " * 200)), "不是 SQLite 数据库"),
    (lambda tmp: (tmp / "missing" / "r.sqlite", None), "无法打开或写入数据库"),
], ids=["not-a-database", "no-such-folder"])
def test_a_database_that_cannot_be_used_is_a_chinese_message(tmp_path, make, message):
    path, _ = make(tmp_path)
    result = run("batch", str(U4), "--db", str(path))
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output


def test_a_database_locked_by_another_batch_is_waited_for_then_named(tmp_path, monkeypatch):
    import sqlite3

    import scoring.store

    db = tmp_path / "r.sqlite"
    assert run("batch", str(U4), "--db", str(db)).exit_code == 0
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another run holds the write lock
    monkeypatch.setattr(scoring.store, "LOCK_WAIT_SECONDS", 0.2)
    result = run("batch", str(U4), "--db", str(db))
    assert result.exit_code == 1 and "正被另一个 perfscore batch 写入" in result.stderr
    other.execute("ROLLBACK")
    other.close()
    assert run("batch", str(U4), "--db", str(db)).exit_code == 0  # once free, runs append as usual
    runs = sqlite3.connect(db).execute("SELECT COUNT(*) FROM runs").fetchone()[0]
    assert runs == 2


def test_a_text_too_long_for_an_excel_cell_is_said_to_be_cut(tmp_path):
    import yaml

    data = yaml.safe_load(U4.read_text(encoding="utf-8"))
    data["improvement"] = "改进" * 20000  # 40,000 characters
    source = tmp_path / "long.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out.xlsx"
    result = run("export", str(source), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "40,000 字，超过 Excel 单元格 32,767 字的上限" in result.stderr
    assert "警告：" in result.stderr and str(out) in result.stderr
    batch = run("batch", str(source), "--export", str(tmp_path / "scored"))
    assert "40,000 字" in batch.stderr


def test_standard_input_and_output_with_a_dash(tmp_path):
    import io
    import json

    import openpyxl

    scored = CliRunner().invoke(main, ["score", "-", "--format", "json"], input=U4.read_bytes())
    assert scored.exit_code == 0, scored.output
    document = json.loads(scored.stdout)
    assert [(e["total"], e["source"]) for e in document["evaluations"]] == [("96.30", "标准输入")]
    workbook = CliRunner().invoke(main, ["score", "-", "-o", "-", "--format", "json"], input=W1_XLSX.read_bytes())
    assert json.loads(workbook.stdout)["evaluations"][0]["total"] == "99.50"
    exported = CliRunner().invoke(main, ["export", str(U4), "-o", "-"])
    assert exported.exit_code == 0
    assert exported.stdout_bytes.startswith(b"PK\x03\x04")  # the workbook itself, nothing else on stdout
    assert "已写出 -" in exported.stderr
    assert openpyxl.load_workbook(io.BytesIO(exported.stdout_bytes)).sheetnames[0] == "汇总"
    converted = CliRunner().invoke(main, ["convert", str(W1_XLSX), "-o", "-"])
    assert converted.exit_code == 0 and converted.stdout.startswith("# 由 perfscore convert 从")
    assert "kind: department" in converted.stdout
