"""The officer's workspaces: uploaded files as read, judgments entered, the chosen rule set.

A workspace keeps the tables as read (never the uploaded bytes) and scores them through
:func:`scoring.pipeline.score_files` only when something changed: a view of an unchanged
workspace shows the results of the last scoring, so viewing costs no re-scoring.
"""

from __future__ import annotations

import secrets
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath, PureWindowsPath

from indicators.model import Judgment
from scoring.pipeline import FileResult, JudgmentKey, load_files, score_files
from indicators.problems import Problem, Source
from scoring.ruleset import RuleSet, RuleSetError, builtin_names, get_ruleset, load_ruleset

from .settings import MAX_WORKSPACES, Settings
from .state import StateFile, StoredWorkspace

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
    #: A reviewer's decisions on findings: the finding's key → the decision's YAML text (see scoring.decisions).
    decisions: dict[str, str] = field(default_factory=dict)
    #: What became of decisions that no longer hold (their finding is gone, or its values changed).
    decision_notes: list[str] = field(default_factory=list)
    #: Bumped on every change that can change a score; the scoring below is kept until then.
    version: int = 0
    _scored: tuple[int, RuleSet, list[FileResult]] | None = None
    #: The page as last rendered, with the state it shows (version, rule set, choice).
    page_cache: tuple[tuple, bytes] | None = None

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
        decisions = self.stored_decisions()
        self.decision_notes = []
        if decisions is not None:
            from scoring.batch import decide

            decided = []
            for file in files:
                file, outcome = decide(file, decisions)
                decided.append(file)
                # a decision whose finding is gone (a judgment settled it) or whose values changed: said on the page
                self.decision_notes += [problem.message for problem in outcome.problems + outcome.notices]
            files = decided
        self._scored = (self.version, ruleset, files)
        return files

    def stored_decisions(self):
        """The reviewer's decisions entered on the page (scoring.decisions.Decisions), or None without any.

        Each entry was written by the page itself; one that no longer reads (a newer perfscore) is left out.
        """
        if not self.decisions:
            return None
        from scoring.decisions import Decisions, DecisionsError, parse_decisions

        merged = Decisions(file="网页")
        for key, text in self.decisions.items():
            try:
                one = parse_decisions(text, "网页")
            except DecisionsError:
                continue
            base = len(merged.blocks)
            merged.blocks += one.blocks
            merged.entries += [replace(entry, block=entry.block + base) for entry in one.entries]
            merged.opinions += [replace(opinion, block=opinion.block + base) for opinion in one.opinions]
        return merged

    def decisions_file(self) -> str:
        """The decisions entered on the page as one decisions file (the same YAML ``check --decisions`` reads)."""
        import yaml

        from scoring.decisions import DecisionsError, parse_decisions

        tables: dict[tuple, dict] = {}
        for text in self.decisions.values():
            try:
                parse_decisions(text, "网页")
            except DecisionsError:
                continue
            for block in yaml.safe_load(text)["tables"]:
                key = (block.get("title"), block.get("unit"), block.get("year"))
                merged = tables.setdefault(key, {name: block[name] for name in ("title", "unit", "year")
                                                 if name in block} | {"opinion": None, "findings": []})
                if block.get("opinion"):
                    merged["opinion"] = block["opinion"]
                merged["findings"] += block.get("findings") or []
        head = "# perfscore 复核决定文件（在网页上填写；格式见 docs/decisions.md），可用 perfscore check --decisions 读入\n"
        return head + yaml.safe_dump({"tables": list(tables.values())}, allow_unicode=True, sort_keys=False,
                                     width=120, default_flow_style=None)


class Store:
    """The workspaces of this server, newest last; beyond :data:`MAX_WORKSPACES` the oldest leave memory.

    With a :class:`~cli.web.state.StateFile` every workspace is also kept on disk (uploads, rule
    set, judgments, decisions): one that left memory, or was made before a restart, is rebuilt
    on its next view by reading its files again.
    """

    def __init__(self, settings: Settings, state: StateFile | None = None) -> None:
        self._items: OrderedDict[str, Workspace] = OrderedDict()
        self.lock = threading.RLock()
        self.settings = settings
        self.state = state

    def _keep(self, workspace: Workspace) -> None:
        self._items[workspace.id] = workspace
        while len(self._items) > MAX_WORKSPACES:
            self._items.popitem(last=False)

    def new(self, rules_choice: str) -> Workspace:
        with self.lock:
            workspace = Workspace(id=secrets.token_urlsafe(16), rules_choice=rules_choice)
            self._keep(workspace)
            if self.state is not None:
                self.state.save_workspace(workspace.id, rules_choice)
            return workspace

    def get(self, workspace_id: str) -> Workspace | None:
        with self.lock:
            workspace = self._items.get(workspace_id)
            if workspace is not None:
                self._items.move_to_end(workspace_id)
                return workspace
            if self.state is None or len(workspace_id) > 64:
                return None
            saved = self.state.load(workspace_id)
            if saved is None:
                return None
            workspace = self._rebuild(saved)
            self._keep(workspace)
            return workspace

    def _rebuild(self, saved: StoredWorkspace) -> Workspace:
        """A saved workspace read again: its files through the pipeline, its judgments and rule set as entered."""
        from pydantic import ValidationError

        from indicators.load import Input

        workspace = Workspace(id=saved.id, rules_choice=saved.rules_choice)
        workspace.files = load_files([Input.from_bytes(name, data) for name, data in saved.files],
                                     limits=self.settings.limits)
        for file, table, position, tier, score, reason in saved.judgments:
            try:
                workspace.judgments[(file, table, position)] = Judgment(tier=tier, score=score, reason=reason)
            except ValidationError:
                continue  # written by this page, so valid when saved; a newer model may say otherwise
        if saved.rules_name and saved.rules_data is not None:
            ruleset, _ = read_rules_file(saved.rules_name, saved.rules_data)
            if ruleset is not None:
                workspace.uploaded_rules, workspace.uploaded_rules_name = ruleset, saved.rules_name
        workspace.decisions = dict(saved.decisions)
        return workspace

    def saved_files(self, workspace: Workspace, first: int, files: list[tuple[str, bytes]]) -> None:
        """Keep newly uploaded files (from position ``first``) on disk."""
        if self.state is not None:
            for k, (name, data) in enumerate(files, first):
                self.state.add_file(workspace.id, k, name, data)

    def saved_rules(self, workspace: Workspace, name: str | None = None, data: bytes | None = None) -> None:
        if self.state is not None:
            self.state.save_workspace(workspace.id, workspace.rules_choice, name, data)

    def saved_decision(self, workspace: Workspace, key: str, entry: str | None) -> None:
        """Keep a decision (or a table's 复核意见) on disk, or forget it (``entry`` None)."""
        if self.state is not None:
            self.state.save_decision(workspace.id, key, entry)

    def saved_judgment(self, workspace: Workspace, key: JudgmentKey, judgment: Judgment | None) -> None:
        if self.state is not None:
            score = None if judgment is None or judgment.score is None else f"{judgment.score:f}"
            self.state.save_judgment(workspace.id, key, judgment.tier if judgment else None, score,
                                     judgment.reason if judgment else None)


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


def read_rules_file(name: str, data: bytes) -> tuple[RuleSet | None, list[Problem]]:
    """Load an uploaded rule-set file (``extends`` may name a built-in); problems point into the file by its name."""
    suffix = Path(name).suffix.lower()
    if suffix not in (".yaml", ".yml"):
        return None, [Problem(source=Source(file=name), message="规则集文件应为 .yaml 或 .yml 文件")]
    with tempfile.TemporaryDirectory(prefix="perfscore-web-") as folder:
        path = Path(folder) / f"rules{suffix}"
        path.write_bytes(data)
        try:
            return load_ruleset(path), []
        except RuleSetError as exc:
            return None, [problem.model_copy(update={"source": problem.source.model_copy(update={"file": name})})
                          if problem.source.file == str(path) else problem for problem in exc.problems]
