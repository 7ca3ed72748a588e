"""A decisions file uploaded to the page (the one ``/decisions.yaml`` downloads and ``check --decisions`` reads).

Each decision that holds on a finding of the workspace's tables, and each 复核意见, is kept exactly as
the page's own buttons keep it (cli/web/reviews.py), so it survives a restart and downloads again.
Nothing of the file is dropped silently: a file with mistakes is refused whole (each mistake with its
line), and a decision whose finding the tables lack, or whose values changed, is said on the page.
"""

from __future__ import annotations

from typing import Any

from indicators.problems import Problem, Source, format_problem

from ..errors import error_message
from .reviews import keep_decision, keep_opinion
from .settings import Settings
from .workspaces import Store, Workspace, workspace_rules

__all__ = ["take_decisions"]


def take_decisions(store: Store, workspace: Workspace, name: str, data: bytes, settings: Settings) -> None:
    """Read the decisions file ``name`` and keep what it decides on the workspace's tables, scored as the
    page shows them; everything else becomes a message of the page. The caller holds ``store.lock``."""
    from indicators.yaml_nodes import EncodingError, decode_yaml_bytes
    from scoring.decisions import DecisionsError, apply_decisions, parse_decisions

    head = f"复核决定文件“{name}”"
    try:
        decisions = parse_decisions(decode_yaml_bytes(data).text, name)
    except EncodingError as exc:
        workspace.messages += [f"{head}无法读取，未采用：", format_problem(Problem(source=Source(file=name),
                                                                               message=str(exc)))]
        return
    except DecisionsError as exc:
        workspace.messages.append(f"{head}有错误，未采用（请改正后重新上传）：")
        workspace.messages.extend(format_problem(problem) for problem in exc.problems)
        return
    try:
        files = workspace.scored(workspace_rules(workspace, settings))
    except Exception as exc:  # the page says the same when it is shown
        workspace.messages.append(f"{head}未采用：{error_message(exc)}")
        return
    results = [result for file in files for result in file.results]
    updated, outcome = apply_decisions(results, decisions)

    # What holds, in the file's order (so the page's download lists it as the file did).
    held: dict[int | None, list[tuple[Any, Any]]] = {}
    for before, after in zip(results, updated):
        for old, new in zip(before.findings, after.findings):
            if new.decision is not None and new.decision is not old.decision and not new.decision.lapsed:
                held.setdefault(new.decision.source.line if new.decision.source else None, []).append((before, old))
    steps: list[tuple[int, int, Any]] = [(entry.block, entry.source.line or 0, entry) for entry in decisions.entries]
    steps += [(opinion.block, opinion.source.line or 0, opinion) for opinion in decisions.opinions]
    kept_decisions = kept_opinions = 0
    for _, _, item in sorted(steps, key=lambda step: step[:2]):
        if hasattr(item, "verdict"):
            for result, finding in held.get(item.source.line, []):
                keep_decision(store, workspace, result, finding, item.verdict, item.reason)
                kept_decisions += 1
        else:
            for result in results:
                if item.table.matches(result):
                    keep_opinion(store, workspace, result, item.text)
                    kept_opinions += 1
    if kept_decisions or kept_opinions:
        workspace.changed()
    workspace.messages.append(f"{head}：采用了 {kept_decisions} 条复核决定、{kept_opinions} 条复核意见")
    workspace.messages.extend(f"{format_problem(problem)}（未采用）" for problem in outcome.problems)
    workspace.messages.extend(f"{format_problem(problem)}（未采用）" for problem in outcome.notices)
    workspace.messages.extend(format_problem(problem) for problem in outcome.unmatched(decisions))
