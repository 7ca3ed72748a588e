"""Scored workbooks, converted tables and blank templates, written back to Excel.

``write_workbook`` is the one entry point: it lays out each evaluation in its published form
(:mod:`.forms`), adds the 汇总 sheet for a scored workbook (:mod:`.summary`) and the hidden
metadata sheet that makes the workbook read back as the same model, and writes the file
through a temporary file in the target folder that is moved into place only when complete.

openpyxl is imported only when a workbook is actually rendered (:mod:`.sheets`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from indicators.model import Evaluation
from indicators.xlsx.metadata import META_SHEET, metadata_rows

from ..results import EvaluationResult
from .atomic import WriteError, write_atomically
from .forms import FORMS, Mode, SheetMeta, build_sheet, choose_form
from .sheets import Layout, cut_texts, render
from .summary import SUMMARY_SHEET, build_summary

__all__ = ["FORMS", "Mode", "WriteError", "choose_form", "sheet_names", "build_layouts", "write_workbook",
           "workbook_bytes", "write_stream"]

_BAD_SHEET_CHARS = set('[]:*?/\\')


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("perfscore")
    except PackageNotFoundError:  # pragma: no cover - a source tree without installing
        return "0+unknown"


def sheet_names(evaluations: Sequence[Evaluation], reserved: Sequence[str] = ()) -> list[str]:
    """A sheet name per evaluation: its title made legal for Excel (≤ 31 characters, no ``[]:*?/\\``), unique."""
    taken = {name.casefold() for name in (*reserved, SUMMARY_SHEET, META_SHEET)}
    names: list[str] = []
    for i, evaluation in enumerate(evaluations, 1):
        base = "".join("_" if ch in _BAD_SHEET_CHARS else ch for ch in evaluation.title).strip().strip("'")
        base = base[:31] or f"表{i}"
        name, k = base, 2
        while name.casefold() in taken or name.casefold() == "history":
            suffix = f"({k})"
            name, k = base[:31 - len(suffix)] + suffix, k + 1
        taken.add(name.casefold())
        names.append(name)
    return names


def file_only(place: str) -> str:
    """A source as text (``/home/x/表/u4.yaml:12``, ``C:\\表\\u.xlsx!U1!B7``) with its file's folders left
    out (``u4.yaml:12``): exported workbooks are sent to bureaus and published, and must not carry the
    folders of the machine that wrote them. A sheet name cannot hold ``/`` or ``\\``, so the last one
    of either ends the folders."""
    return place[max(place.rfind("/"), place.rfind("\\")) + 1:]


def _metadata_layout(metas: list[SheetMeta]) -> Layout:
    layout = Layout(META_SHEET, [18, 6, 6, 6, 24, 8, 60, 60, 40], hidden=True, fit_heights=False)
    entries = ((meta.sheet, obj.kind, obj.index, obj.name, obj.anchor, obj.values, obj.guards,
                {key: file_only(place) for key, place in obj.origin.items()})
               for meta in metas for obj in meta.objects)
    for r, row in enumerate(metadata_rows(entries), 1):
        for c, value in enumerate(row, 1):
            layout.box(r, c, value, style="plain")
    return layout


def build_layouts(evaluations: Sequence[Evaluation], results: Sequence[EvaluationResult] | None = None, *,
                  mode: Mode = Mode.SCORED, form: str | None = None, rules: str = "standard",
                  metadata: bool = True) -> list[Layout]:
    """Every sheet of the workbook, laid out (nothing written yet).

    Args:
        evaluations: the tables, in order; one sheet each.
        results: their scores, in the same order (required for :attr:`Mode.SCORED`).
        mode: scored (``export``), filled (``convert``) or template (``template``).
        form: one of :data:`FORMS` for every table, or None to choose per table (:func:`choose_form`).
        rules: the rule set's name, printed on the 汇总 sheet.
        metadata: add the hidden metadata sheet (what the form has no column for, so that the workbook
            reads back as the same model); without it the workbook holds only what its sheets show.
    """
    if mode is Mode.SCORED and (results is None or len(results) != len(evaluations)):
        raise ValueError("a scored workbook needs one result per evaluation")
    names = sheet_names(evaluations)
    layouts: list[Layout] = []
    metas: list[SheetMeta] = []
    for i, (evaluation, name) in enumerate(zip(evaluations, names)):
        result = results[i] if results is not None else None
        layout, meta = build_sheet(evaluation, result if mode is Mode.SCORED else None,
                                   form or choose_form(evaluation), mode, name)
        layouts.append(layout)
        metas.append(meta)
    if mode is Mode.SCORED and results is not None:
        summary = build_summary(list(zip(evaluations, results, names)),
                                {k: meta.score_cells for k, meta in enumerate(metas)}, rules, _version())
        layouts.insert(0, summary)
    if metadata:
        layouts.append(_metadata_layout(metas))
    _without_folders(layouts, evaluations)
    return layouts


def _without_folders(layouts: list[Layout], evaluations: Sequence[Evaluation]) -> None:
    """Every input file named in a written text (a finding that cites its file) by its name only."""
    files = {evaluation.source.file for evaluation in evaluations if evaluation.source is not None}
    folders = sorted((file for file in files if file != file_only(file)), key=len, reverse=True)
    if not folders:
        return
    for layout in layouts:
        for box in layout.boxes:
            if isinstance(box.value, str) and any(file in box.value for file in folders):
                text = box.value
                for file in folders:
                    text = text.replace(file, file_only(file))
                box.value = text


def workbook_bytes(evaluations: Sequence[Evaluation], results: Sequence[EvaluationResult] | None = None,
                   **options: Any) -> bytes:
    """The workbook as bytes, written in memory (for tests, benchmarks and a web page)."""
    import io

    buffer = io.BytesIO()
    write_stream(buffer, evaluations, results, **options)
    return buffer.getvalue()


def write_stream(stream: Any, evaluations: Sequence[Evaluation], results: Sequence[EvaluationResult] | None = None,
                 **options: Any) -> list[str]:
    """Write the workbook to a binary stream (standard output); returns what :func:`write_workbook` returns."""
    layouts = build_layouts(evaluations, results, **options)
    render(layouts, stream)
    return cut_texts(layouts)


def write_workbook(path: str | Path, evaluations: Sequence[Evaluation],
                   results: Sequence[EvaluationResult] | None = None, **options: Any) -> list[str]:
    """Write the workbook to ``path`` through a temporary file in the same folder, then move it in place.

    An interrupted or failed write leaves no file behind (and never a half-written one at ``path``).
    ``options`` are those of :func:`build_layouts`.

    Returns:
        A sentence for every text longer than an Excel cell holds (written cut, sheet and cell named).

    Raises:
        WriteError: the folder is missing or not writable, or a value cannot be held by Excel;
            the message is Chinese.
    """
    path = str(path)
    layouts = build_layouts(evaluations, results, **options)
    write_atomically(path, lambda temp: render(layouts, temp), suffix=".xlsx.tmp")
    return cut_texts(layouts)


