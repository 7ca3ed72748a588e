"""What ``perfscore serve`` was started with, and the limits it keeps."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from indicators.load import Limits
from scoring.ruleset import RuleSet

__all__ = ["Settings", "size_text", "DEFAULT_MAX_UPLOAD_MB", "DEFAULT_MAX_CELLS", "FORM_OVERHEAD", "MAX_WORKSPACES",
           "DRAIN_LIMIT", "KIND_TEXT"]

#: Default limit of one upload (all files sent at once), in MB.
DEFAULT_MAX_UPLOAD_MB = 20
#: Default limit of cells in one uploaded workbook (all sheets), counted before the workbook is read.
DEFAULT_MAX_CELLS = 1_000_000
#: Room for the form's own fields and multipart framing on top of the files.
FORM_OVERHEAD = 256 * 1024
#: Workspaces kept in memory; the least recently used goes first.
MAX_WORKSPACES = 16
#: An oversized body is read and thrown away up to this many bytes so the browser sees the answer
#: (closing the connection mid-upload shows the officer a network error instead of the message).
DRAIN_LIMIT = 256 * 1024 * 1024

KIND_TEXT = {"project": "项目支出", "department": "部门整体支出"}


def size_text(size: int) -> str:
    """A size as people say it: ``20 MB``, ``1.5 MB``, ``300 KB``."""
    if size >= 1024 * 1024 // 10:
        text = f"{Decimal(size) / Decimal(1024 * 1024):.1f}"
        return (text[:-2] if text.endswith(".0") else text) + " MB"
    return f"{max(1, round(Decimal(size) / 1024))} KB"


@dataclass(frozen=True)
class Settings:
    """What ``perfscore serve`` was started with."""

    ruleset: RuleSet
    #: How the start-up rule set was named on the command line (a built-in name or a file path).
    rules_label: str = "standard"
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_MB * 1024 * 1024
    max_cells: int = DEFAULT_MAX_CELLS
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
    #: The SQLite file that keeps workspaces across restarts (None: memory only, as in tests).
    state_path: Path | None = None

    @property
    def max_upload_text(self) -> str:
        """The upload limit as people say it: ``20 MB``."""
        return size_text(self.max_upload_bytes)

    @property
    def limits(self) -> Limits:
        """The reading limits of an uploaded file, with the message's advice on raising them."""
        return Limits(max_cells=self.max_cells, owner="网页版的上限", advice="，或启动时用 --max-cells 调大上限")
