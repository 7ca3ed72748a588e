"""Workspaces kept on disk (SQLite), so judgments, decisions and uploads survive a restart of the server.

One file holds every workspace of this computer's page: the uploaded files' bytes (the tables
are read again from them on the first view after a restart, through the same pipeline), the
rule set chosen or uploaded, the judgments and the reviewer's decisions. Nothing leaves the
computer; the file lives in the user's own data folder unless ``serve --state`` names another.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

__all__ = ["StateFile", "default_state_path", "StoredWorkspace"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS workspaces (
    id TEXT PRIMARY KEY, created_at TEXT NOT NULL, used_at TEXT NOT NULL,
    rules_choice TEXT NOT NULL, rules_name TEXT, rules_data BLOB
);
CREATE TABLE IF NOT EXISTS files (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id), position INTEGER NOT NULL, name TEXT NOT NULL,
    data BLOB NOT NULL, PRIMARY KEY (workspace_id, position)
);
CREATE TABLE IF NOT EXISTS judgments (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id), file INTEGER NOT NULL, tbl INTEGER NOT NULL,
    position INTEGER NOT NULL, tier TEXT, score TEXT, reason TEXT NOT NULL,
    PRIMARY KEY (workspace_id, file, tbl, position)
);
CREATE TABLE IF NOT EXISTS decisions (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id), key TEXT NOT NULL, entry TEXT NOT NULL,
    PRIMARY KEY (workspace_id, key)
);
"""


def default_state_path() -> Path:
    """Where the page keeps its workspaces: the user's own data folder (no administrator rights needed)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "perfscore" / "web-workspaces.sqlite"


class StoredWorkspace:
    """A workspace as it was saved: enough to rebuild it."""

    def __init__(self, row: sqlite3.Row, files: list[tuple[str, bytes]],
                 judgments: list[tuple[int, int, int, str | None, str | None, str]],
                 decisions: list[tuple[str, str]]) -> None:
        self.id: str = row["id"]
        self.rules_choice: str = row["rules_choice"]
        self.rules_name: str | None = row["rules_name"]
        self.rules_data: bytes | None = row["rules_data"]
        self.files = files
        self.judgments = judgments
        self.decisions = decisions


class StateFile:
    """The SQLite file behind the page's workspaces; every write is its own short transaction."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with closing(self._connect()) as connection:
            connection.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(str(self.path), timeout=30)
        connection.row_factory = sqlite3.Row
        return connection

    def _write(self, sql: str, *rows: tuple[Any, ...]) -> None:
        with self._lock, closing(self._connect()) as connection, connection:  # the inner with commits
            connection.executemany(sql, rows)

    @staticmethod
    def _now() -> str:
        return datetime.now(timezone.utc).isoformat(timespec="seconds")

    def save_workspace(self, workspace_id: str, rules_choice: str, rules_name: str | None = None,
                       rules_data: bytes | None = None) -> None:
        """Create or update a workspace's row (its rule-set choice and an uploaded rule file)."""
        now = self._now()
        self._write("INSERT INTO workspaces VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                    "used_at = excluded.used_at, rules_choice = excluded.rules_choice, "
                    "rules_name = COALESCE(excluded.rules_name, rules_name), "
                    "rules_data = COALESCE(excluded.rules_data, rules_data)",
                    (workspace_id, now, now, rules_choice, rules_name, rules_data))

    def add_file(self, workspace_id: str, position: int, name: str, data: bytes) -> None:
        self._write("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)", (workspace_id, position, name, data))

    def save_judgment(self, workspace_id: str, key: tuple[int, int, int], tier: str | None, score: str | None,
                      reason: str | None) -> None:
        """Record a judgment, or withdraw it (``reason`` None)."""
        if reason is None:
            self._write("DELETE FROM judgments WHERE workspace_id = ? AND file = ? AND tbl = ? AND position = ?",
                        (workspace_id, *key))
        else:
            self._write("INSERT OR REPLACE INTO judgments VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (workspace_id, *key, tier, score, reason))

    def save_decision(self, workspace_id: str, key: str, entry: str | None) -> None:
        """Record a reviewer's decision on a finding (``entry`` is its YAML text), or withdraw it (None)."""
        if entry is None:
            self._write("DELETE FROM decisions WHERE workspace_id = ? AND key = ?", (workspace_id, key))
        else:
            self._write("INSERT OR REPLACE INTO decisions VALUES (?, ?, ?)", (workspace_id, key, entry))

    def load(self, workspace_id: str) -> StoredWorkspace | None:
        """The saved workspace, or None."""
        with self._lock, closing(self._connect()) as connection, connection:
            row = connection.execute("SELECT * FROM workspaces WHERE id = ?", (workspace_id,)).fetchone()
            if row is None:
                return None
            files = [(r["name"], r["data"]) for r in connection.execute(
                "SELECT name, data FROM files WHERE workspace_id = ? ORDER BY position", (workspace_id,))]
            judgments = [(r["file"], r["tbl"], r["position"], r["tier"], r["score"], r["reason"])
                         for r in connection.execute("SELECT * FROM judgments WHERE workspace_id = ?",
                                                     (workspace_id,))]
            decisions = [(r["key"], r["entry"]) for r in connection.execute(
                "SELECT key, entry FROM decisions WHERE workspace_id = ?", (workspace_id,))]
            connection.execute("UPDATE workspaces SET used_at = ? WHERE id = ?", (self._now(), workspace_id))
        return StoredWorkspace(row, files, judgments, decisions)
