"""Batch results in SQLite: runs, evaluations, lines, findings, problems — appended, never overwritten.

Every batch is one run (id, timestamps, rule set) written in ONE transaction:
killing a batch part-way leaves the database as it was. Re-scoring a file in a
later run adds new rows under the new run id, so years and re-runs sit side by
side. Scores and amounts are stored as exact decimal TEXT ('99.50'); compare
them numerically with CAST(total AS REAL).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from indicators.problems import PerfscoreError

__all__ = ["SCHEMA", "MIGRATIONS", "Store", "StoreError", "LOCK_WAIT_SECONDS", "migrate"]

#: How long a batch waits for another batch writing to the same database before giving up.
LOCK_WAIT_SECONDS = 30

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id      INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,          -- ISO 8601, UTC
    finished_at TEXT,                   -- set when the run's transaction commits
    rules       TEXT NOT NULL,          -- rule-set name or file
    inputs      TEXT NOT NULL           -- JSON list of the paths given
);
CREATE TABLE IF NOT EXISTS evaluations (
    evaluation_id  INTEGER PRIMARY KEY,
    run_id         INTEGER NOT NULL REFERENCES runs(run_id),
    file           TEXT NOT NULL,
    location       TEXT,                -- sheet!cell or file:line of the table
    title          TEXT NOT NULL,
    kind           TEXT NOT NULL,       -- project | department
    unit           TEXT,
    total          TEXT NOT NULL,       -- exact decimal text, e.g. '99.50'
    max_total      TEXT NOT NULL,
    recorded_total TEXT,
    grade          TEXT NOT NULL,
    complete       INTEGER NOT NULL,    -- 1 / 0
    pending_weight TEXT NOT NULL,
    rate           TEXT,                -- 执行率 in percent
    lost           TEXT NOT NULL,
    errors         INTEGER NOT NULL,
    warnings       INTEGER NOT NULL,
    infos          INTEGER NOT NULL,
    year           INTEGER,             -- 年度
    department     TEXT,                -- 主管部门
    decided        INTEGER NOT NULL DEFAULT 0,  -- findings a reviewer decided (--decisions)
    opinion        TEXT                 -- the reviewer's 复核意见
);
CREATE TABLE IF NOT EXISTS lines (
    evaluation_id INTEGER NOT NULL REFERENCES evaluations(evaluation_id),
    idx           INTEGER NOT NULL,     -- position in the table (the budget line is 1)
    kind          TEXT NOT NULL,        -- budget | indicator
    goal TEXT, level1 TEXT, level2 TEXT, name TEXT NOT NULL, target TEXT, actual TEXT,
    weight TEXT, score TEXT, lost TEXT, recorded TEXT,
    status        TEXT NOT NULL,        -- scored | judged | needs_judgment | not_applicable
    reasons       TEXT NOT NULL,        -- JSON list of Chinese sentences
    source        TEXT
);
CREATE TABLE IF NOT EXISTS findings (
    evaluation_id INTEGER NOT NULL REFERENCES evaluations(evaluation_id),
    code TEXT NOT NULL, severity TEXT NOT NULL, line TEXT, idx INTEGER, source TEXT, message TEXT NOT NULL,
    verdict TEXT,                       -- accepted | dismissed (a reviewer's decision), NULL when none
    decision_reason TEXT,
    decision_lapsed INTEGER             -- 1 when the decision lapsed (the values changed)
);
CREATE TABLE IF NOT EXISTS problems (
    run_id INTEGER NOT NULL REFERENCES runs(run_id),
    file TEXT NOT NULL, source TEXT NOT NULL, message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS evaluations_by_file ON evaluations(file, run_id);
"""

#: Columns added since the first schema: (table, column, declaration). A database written by an
#: earlier perfscore gets them on its next batch (``ALTER TABLE … ADD COLUMN``; old rows read NULL or
#: the default), so the year's earlier runs stay queryable beside the new ones.
MIGRATIONS = (
    ("evaluations", "year", "INTEGER"),
    ("evaluations", "department", "TEXT"),
    ("evaluations", "decided", "INTEGER NOT NULL DEFAULT 0"),
    ("evaluations", "opinion", "TEXT"),
    ("findings", "verdict", "TEXT"),
    ("findings", "decision_reason", "TEXT"),
    ("findings", "decision_lapsed", "INTEGER"),
)
#: Created after the migration (its columns may be new).
INDEXES = "CREATE INDEX IF NOT EXISTS evaluations_by_year ON evaluations(year, department);"


def migrate(connection: sqlite3.Connection) -> list[str]:
    """Add the columns an older database lacks; returns ``table.column`` for each one added."""
    added = []
    for table, column, declaration in MIGRATIONS:
        present = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
        if column not in present:
            connection.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
            added.append(f"{table}.{column}")
    connection.execute(INDEXES)  # not executescript: that would commit the run's open transaction
    return added


def _decision_columns(decision: dict[str, Any] | None) -> tuple[Any, Any, Any]:
    if not decision:
        return None, None, None
    return decision["verdict"], decision["reason"], int(decision["lapsed"])


class StoreError(PerfscoreError):
    """The database cannot be opened or written; the message is Chinese and says why."""


def _why(error: sqlite3.Error, path: str | Path) -> str:
    text = str(error)
    if "locked" in text or "busy" in text:
        return (f"数据库“{path}”正被另一个 perfscore batch 写入，等待 {LOCK_WAIT_SECONDS} 秒后仍未释放："
                f"请等它结束后再运行（两次运行的结果会各自追加，互不覆盖）")
    if "not a database" in text or "malformed" in text:
        return f"“{path}”不是 SQLite 数据库（或已损坏）：--db 请给一个新的或以前 batch 写的 .sqlite 文件"
    if "readonly" in text or "unable to open" in text or "disk I/O" in text:
        return f"无法打开或写入数据库“{path}”：所在文件夹不存在或没有写入权限"
    return f"无法写入数据库“{path}”：{text}"


class Store:
    """A database file with one open run; use as a context manager (commit on success, roll back otherwise).

    The run's transaction takes the database's write lock at once (``BEGIN IMMEDIATE``): a second
    batch on the same file waits up to :data:`LOCK_WAIT_SECONDS` for the first to finish before any
    work, then says so, instead of failing part-way.

    Raises:
        StoreError: the file cannot be opened, is not a database, or stays locked.
    """

    def __init__(self, path: str | Path, rules: str, inputs: list[str]) -> None:
        self.path = path
        try:
            self.connection = sqlite3.connect(str(path), isolation_level=None, timeout=LOCK_WAIT_SECONDS)
        except sqlite3.Error as exc:
            raise StoreError(_why(exc, path)) from None
        try:
            self.connection.executescript(SCHEMA)  # idempotent; executescript commits, so before the run's BEGIN
            self.connection.execute("BEGIN IMMEDIATE")
            self.migrated = migrate(self.connection)  # inside the run's transaction: all columns or none
            started = datetime.now(timezone.utc).isoformat(timespec="seconds")
            cursor = self.connection.execute("INSERT INTO runs (started_at, rules, inputs) VALUES (?, ?, ?)",
                                             (started, rules, json.dumps(inputs, ensure_ascii=False)))
        except sqlite3.Error as exc:
            self.connection.close()
            raise StoreError(_why(exc, path)) from None
        self.run_id = cursor.lastrowid

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, kind, value, traceback) -> None:
        try:
            if kind is None:
                finished = datetime.now(timezone.utc).isoformat(timespec="seconds")
                self.connection.execute("UPDATE runs SET finished_at = ? WHERE run_id = ?", (finished, self.run_id))
                self.connection.execute("COMMIT")
            else:
                self.connection.execute("ROLLBACK")
        except sqlite3.Error as exc:
            if kind is None:
                raise StoreError(_why(exc, self.path)) from None
        finally:
            self.connection.close()

    def add(self, report: Any) -> None:
        """Insert one FileReport (scoring.batch) under this run."""
        try:
            self._add(report)
        except sqlite3.Error as exc:
            raise StoreError(_why(exc, self.path)) from None

    def _add(self, report: Any) -> None:
        execute = self.connection.execute
        for problem in report.problems:
            execute("INSERT INTO problems VALUES (?, ?, ?, ?)",
                    (self.run_id, report.file, problem["source"], problem["message"]))
        for item in report.evaluations:
            counts = item["counts"]
            cursor = execute(
                "INSERT INTO evaluations (run_id, file, location, title, kind, unit, total, max_total, recorded_total,"
                " grade, complete, pending_weight, rate, lost, errors, warnings, infos, year, department, decided,"
                " opinion) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (self.run_id, report.file, item["location"], item["title"], item["kind"], item["unit"], item["total"],
                 item["max_total"], item["recorded_total"], item["grade"], int(item["complete"]),
                 item["pending_weight"], item["budget"]["rate"] if item["budget"] else None, item["lost"],
                 counts["error"], counts["warning"], counts["info"], item.get("year"), item.get("department"),
                 item.get("decided", 0), item.get("opinion")))
            evaluation_id = cursor.lastrowid
            self.connection.executemany(
                "INSERT INTO lines VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(evaluation_id, line["index"], line["kind"], line["goal"], line["level1"], line["level2"],
                  line["name"], line["target"], line["actual"], line["weight"], line["score"], line["lost"],
                  line["recorded"], line["status"], json.dumps(line["reasons"], ensure_ascii=False), line["source"])
                 for line in item["lines"]])
            self.connection.executemany(
                "INSERT INTO findings (evaluation_id, code, severity, line, idx, source, message, verdict,"
                " decision_reason, decision_lapsed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(evaluation_id, f["code"], f["severity"], f["line"], f["index"], f["source"], f["message"],
                  *_decision_columns(f.get("decision")))
                 for f in item["findings"]])
