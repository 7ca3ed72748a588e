"""The page's downloads: the scored workbook, the findings workbook, the JSON and the decisions file."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence
from urllib.parse import quote

from scoring.pipeline import FileResult, problems_of

from ..errors import error_message
from .workspaces import Workspace

__all__ = ["download", "export_download", "findings_download", "json_download", "decisions_download", "XLSX_TYPE"]

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(workspace: Workspace, data: bytes, stem: str, suffix: str, media_type: str) -> Any:
    """``data`` as an attachment named after the workspace's one file (``W1-评分.xlsx``) or ``perfscore-评分.xlsx``."""
    from starlette.responses import Response

    names = [file.name for file in workspace.files if file.evaluations]
    base = f"{Path(names[0]).stem}-{stem}" if len(names) == 1 else f"perfscore-{stem}"
    header = f"attachment; filename=\"perfscore{suffix}\"; filename*=UTF-8''{quote(base + suffix)}"
    return Response(data, media_type=media_type, headers={"Content-Disposition": header, "Cache-Control": "no-store"})


def export_download(workspace: Workspace, files: Sequence[FileResult], rules: str) -> Any:
    """The scored workbook, or ``(status, [message])`` for the page when there is nothing to export."""
    from scoring.reports.workbook import Mode, workbook_bytes

    if not any(file.evaluations for file in files):
        return 409, ["没有读到任何自评表，无法导出评分工作簿：请先上传能读取的自评表（工作簿、Word 文档、网页、PDF 或 YAML 文件）"]
    try:
        data = workbook_bytes([e for file in files for e in file.evaluations],
                              [r for file in files for r in file.results], mode=Mode.SCORED, rules=rules)
    except Exception as exc:  # the page says why instead of a bare 500
        return 500, [f"无法导出评分工作簿：{error_message(exc)}"]
    return download(workspace, data, "评分", ".xlsx", XLSX_TYPE)


def findings_download(workspace: Workspace, files: Sequence[FileResult]) -> Any:
    """The findings workbook (the batch summary's sheets) of the workspace."""
    from scoring.batch import file_report
    from scoring.reports.batch_workbook import SummaryBook

    book = SummaryBook()
    for file in files:
        book.add(file_report(file))
    return download(workspace, book.to_bytes(), "发现", ".xlsx", XLSX_TYPE)


def json_download(workspace: Workspace, files: Sequence[FileResult]) -> Any:
    """The ``--format json`` document of the workspace."""
    from starlette.responses import JSONResponse

    from scoring.reports.json_report import report_to_dict

    response = JSONResponse(report_to_dict([r for file in files for r in file.results], problems_of(files)))
    return download(workspace, response.body, "评分", ".json", "application/json")


def decisions_download(workspace: Workspace) -> Any:
    """The decisions entered on the page, as the file ``check --decisions`` reads."""
    return download(workspace, workspace.decisions_file().encode("utf-8"), "复核决定", ".yaml",
                    "application/yaml; charset=utf-8")
