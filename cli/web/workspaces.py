"""The officer's workspaces: uploaded files as read, judgments entered, the chosen rule set.

A workspace keeps the tables as read (never the uploaded bytes) and scores them through
:func:`scoring.pipeline.score_files` only when something changed: a view of an unchanged
workspace shows the results of the last scoring, so viewing costs no re-scoring.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath

from indicators.model import Judgment
from scoring.pipeline import FileResult, JudgmentKey, score_files
from scoring.ruleset import RuleSet, builtin_names, get_ruleset

from .settings import MAX_WORKSPACES, Settings

__all__ = ["Workspace", "Store", "display_name", "workspace_rules", "rule_options"]


@dataclass
class Workspace:
    """One officer's uploads, the judgments entered on them and the chosen rule set."""

    id: str
    #: ``standard`` and the other built-ins by name; ``@startup`` (a ``--rules FILE``) or ``@upload``.
    rules_choice: str
    #: Every uploaded file as read (its tables, or the problems that kept them from being read).
    files: list[FileResult] = field(default_factory=list)
    uploaded_rules: RuleSet | None = None
    uploaded_rules_name: str | None = None
    #: (file, table in the file, position of the indicator in the table) → the judgment entered.
    judgments: dict[JudgmentKey, Judgment] = field(default_factory=dict)
    #: Shown once on the next page view: problems of an uploaded rule file, refused uploads …
    messages: list[str] = field(default_factory=list)
    #: A judgment that could not be taken, shown once beside its line.
    line_notes: dict[JudgmentKey, str] = field(default_factory=dict)
    #: Bumped on every change that can change a score; the scoring below is kept until then.
    version: int = 0
    _scored: tuple[int, RuleSet, list[FileResult]] | None = None

    def taken_names(self) -> set[str]:
        return {file.name for file in self.files}

    def changed(self) -> None:
        """Something that feeds scoring changed (files, judgments, rule set): score again on the next view."""
        self.version += 1

    def scored(self, ruleset: RuleSet) -> list[FileResult]:
        """Every file scored and reviewed under ``ruleset`` with the judgments applied (kept until a change)."""
        cached = self._scored
        if cached is not None and cached[0] == self.version and cached[1] is ruleset:
            return cached[2]
        files = score_files(self.files, ruleset, review=True, judgments=self.judgments)
        self._scored = (self.version, ruleset, files)
        return files


class Store:
    """The workspaces of this server, newest last; old ones are dropped beyond :data:`MAX_WORKSPACES`."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, Workspace] = OrderedDict()
        self.lock = threading.RLock()

    def new(self, rules_choice: str) -> Workspace:
        with self.lock:
            workspace = Workspace(id=secrets.token_urlsafe(16), rules_choice=rules_choice)
            self._items[workspace.id] = workspace
            while len(self._items) > MAX_WORKSPACES:
                self._items.popitem(last=False)
            return workspace

    def get(self, workspace_id: str) -> Workspace | None:
        with self.lock:
            workspace = self._items.get(workspace_id)
            if workspace is not None:
                self._items.move_to_end(workspace_id)
            return workspace


def display_name(filename: str, taken: set[str]) -> str:
    """The file name the officer chose (no folders), made unique within a workspace: ``表(2).xlsx``."""
    base = PureWindowsPath(PurePosixPath(filename or "").name).name
    base = "".join(ch for ch in base if ch.isprintable()).strip() or "未命名文件"
    stem, suffix = (base[: -len(Path(base).suffix)], Path(base).suffix) if Path(base).suffix else (base, "")
    name, k = base, 2
    while name in taken:
        name, k = f"{stem}({k}){suffix}", k + 1
    return name


def startup_choice(settings: Settings) -> str:
    """The rule-set choice a new workspace starts with: the built-in named at start-up, or ``@startup``."""
    return settings.rules_label if settings.rules_label in builtin_names() else "@startup"


def workspace_rules(workspace: Workspace | None, settings: Settings) -> RuleSet:
    """The rule set chosen in the workspace (the start-up one without a workspace)."""
    if workspace is None:
        return settings.ruleset
    if workspace.rules_choice == "@upload" and workspace.uploaded_rules is not None:
        return workspace.uploaded_rules
    if workspace.rules_choice == "@startup":
        return settings.ruleset
    if workspace.rules_choice in builtin_names():
        return get_ruleset(workspace.rules_choice)
    return settings.ruleset


def rule_options(workspace: Workspace | None, settings: Settings) -> list[dict[str, str]]:
    """The rule sets the page offers: the built-ins, the start-up file, an uploaded file."""
    options = [{"value": name, "label": f"{name}：{get_ruleset(name).description}"} for name in builtin_names()]
    if startup_choice(settings) == "@startup":
        options.insert(0, {"value": "@startup",
                           "label": f"启动时指定的规则集文件（{settings.rules_label}）：{settings.ruleset.name}"})
    if workspace is not None and workspace.uploaded_rules is not None:
        options.append({"value": "@upload", "label": f"上传的规则集文件（{workspace.uploaded_rules_name}）："
                                                      f"{workspace.uploaded_rules.name}"})
    return options
