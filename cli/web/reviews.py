"""A reviewer's work on the page: decisions on findings, a table's 复核意见, and the draft 自评报告.

Decisions are kept as the decisions file's own YAML (one table block each), so what the page stores
is what ``check --decisions`` reads and what ``/decisions.yaml`` downloads.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..errors import error_message
from .workspaces import Store, Workspace

__all__ = ["record_decision", "record_opinion", "keep_decision", "keep_opinion", "report_download", "text_response", "DOCX_TYPE"]

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def text_response(message: str, status: int) -> Any:
    """A plain-text answer (a form that no longer matches the page)."""
    from starlette.responses import Response

    return Response(message, status_code=status, media_type="text/plain; charset=utf-8")


def record_decision(store: Store, workspace: Workspace, pair: tuple[Any, Any] | None, form: dict[str, str]) -> Any:
    """A reviewer's decision on one finding (or its withdrawal), kept in the workspace and its state file.

    The caller holds ``store.lock``; ``pair`` is the (evaluation, result) the form names, as the page shows it.
    """
    from starlette.responses import RedirectResponse

    from scoring.decisions import VERDICT_WORDS, entry_key

    key = form.get("table", "")
    try:
        number = int(form.get("finding", ""))
        finding = pair[1].findings[number] if pair is not None and number >= 0 else None
    except (ValueError, IndexError):
        finding = None
    if finding is None or finding.code != form.get("code"):
        return text_response("没有这条发现：请刷新页面后再试", 400)
    result = pair[1]
    stored = entry_key(result, finding)
    verdict = VERDICT_WORDS.get(form.get("verdict", "").strip())
    reason = form.get("reason", "").strip()
    if form.get("action") == "clear":
        workspace.decisions.pop(stored, None)
        store.saved_decision(workspace, stored, None)
    elif verdict is None:
        workspace.messages.append(f"“{result.title}”的发现（{finding.code}）：请选择 已核实 或 不采纳")
    elif not reason:
        workspace.messages.append(f"“{result.title}”的发现（{finding.code}）：请写明{verdict.chinese}的理由")
    else:
        keep_decision(store, workspace, result, finding, verdict, reason)
    workspace.changed()
    return RedirectResponse(f"/s/{workspace.id}#finding-{key}-{form.get('finding', '')}", status_code=303)


def record_opinion(store: Store, workspace: Workspace, pair: tuple[Any, Any] | None, form: dict[str, str]) -> Any:
    """A table's 复核意见 (or its withdrawal); the caller holds ``store.lock``."""
    from starlette.responses import RedirectResponse

    from scoring.decisions import opinion_key

    key = form.get("table", "")
    if pair is None:
        return text_response("没有这张表：请刷新页面后再试", 400)
    result = pair[1]
    stored = opinion_key(result)
    text = form.get("opinion", "").strip()
    if form.get("action") == "clear" or not text:
        workspace.decisions.pop(stored, None)
        store.saved_decision(workspace, stored, None)
    else:
        keep_opinion(store, workspace, result, text)
    workspace.changed()
    return RedirectResponse(f"/s/{workspace.id}#table-{key}", status_code=303)


def keep_decision(store: Store, workspace: Workspace, result: Any, finding: Any, verdict: Any, reason: str) -> None:
    """Keep a decision on ``finding`` of ``result`` in the workspace and its state file (the caller holds
    ``store.lock`` and calls ``workspace.changed()``)."""
    from scoring.decisions import entry_data, entry_key

    stored = entry_key(result, finding)
    entry = _block(result, {"findings": [entry_data(result, finding, verdict, reason)]})
    workspace.decisions[stored] = entry
    store.saved_decision(workspace, stored, entry)


def keep_opinion(store: Store, workspace: Workspace, result: Any, text: str) -> None:
    """Keep a table's 复核意见 in the workspace and its state file (the caller holds ``store.lock``)."""
    from scoring.decisions import opinion_key

    stored = opinion_key(result)
    entry = _block(result, {"opinion": text})
    workspace.decisions[stored] = entry
    store.saved_decision(workspace, stored, entry)


def _block(result: Any, body: dict[str, Any]) -> str:
    """One stored decision (or 复核意见) as a decisions file of one table block (scoring.decisions reads it)."""
    import yaml

    from scoring.decisions import table_ref

    ref = table_ref(result)
    block: dict[str, Any] = {"title": ref.title}
    if ref.unit is not None:
        block["unit"] = ref.unit
    if ref.year is not None:
        block["year"] = ref.year
    return yaml.safe_dump({"tables": [block | body]}, allow_unicode=True, sort_keys=False)


def report_download(evaluation: Any, result: Any) -> Any:
    """A table's draft 自评报告 as a .docx download, or the Chinese reason it could not be written."""
    from starlette.responses import Response

    from scoring.reports.report_docx import ReportError, write_report

    with tempfile.TemporaryDirectory(prefix="perfscore-report-") as folder:
        target = Path(folder) / "report.docx"
        try:
            write_report(target, evaluation, result)
        except ReportError as exc:
            return f"无法生成自评报告：{error_message(exc)}"
        data = target.read_bytes()
    bad = set('\\/:*?"<>|')
    stem = "".join("_" if ch in bad else ch for ch in result.title)[:60] or "自评表"
    header = f"attachment; filename=\"report.docx\"; filename*=UTF-8''{quote(stem + '-自评报告.docx')}"
    return Response(data, media_type=DOCX_TYPE, headers={"Content-Disposition": header, "Cache-Control": "no-store"})
