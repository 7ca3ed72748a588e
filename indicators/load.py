"""One entry point for reading any supported input, from a path or from bytes.

Every front end (the commands, ``batch``'s workers, the web page) reads through :func:`load`,
so a file gives the same tables, problems and notices wherever it is read, and its sources
name the file as the officer knows it (the path given, or an upload's own name).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from .loaded import LoadResult
from .problems import Problem, Source
from .yaml_io import load_yaml_bytes, load_yaml_file

__all__ = ["Input", "Limits", "load", "load_path", "unsupported_message", "SUPPORTED_SUFFIXES", "YAML_SUFFIXES", "XLSX_SUFFIXES"]

YAML_SUFFIXES = (".yaml", ".yml")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
SUPPORTED_SUFFIXES = YAML_SUFFIXES + XLSX_SUFFIXES


@dataclass(frozen=True)
class Input:
    """A file to read: a path on disk, or bytes with the name to show (an upload).

    ``name`` is what every source and message calls the file; for a path it is the
    path as given.
    """

    name: str
    path: Path | None = None
    data: bytes | None = None
    #: The format when the name does not say it (``.yaml`` or ``.xlsx`` for standard input).
    format: str | None = None

    @classmethod
    def of(cls, given: "str | Path | Input") -> "Input":
        """An :class:`Input` for a path (as given on the command line) or an Input already made."""
        return given if isinstance(given, Input) else cls(name=str(given), path=Path(given))

    @classmethod
    def from_bytes(cls, name: str, data: bytes) -> "Input":
        """An upload: its bytes and its file name."""
        return cls(name=name, data=data)

    @classmethod
    def from_stdin(cls, data: bytes, name: str = "标准输入") -> "Input":
        """Standard input (``-`` on the command line): a workbook if it is a zip, else YAML."""
        return cls(name=name, data=data, format=".xlsx" if data[:4] == b"PK\x03\x04" else ".yaml")

    @property
    def suffix(self) -> str:
        if self.format:
            return self.format
        return Path(self.name if self.path is None else self.path).suffix.lower()


@dataclass(frozen=True)
class Limits:
    """What a front end accepts beyond the reader's own limits (the web page's ``--max-cells``)."""

    #: Cells stored in one workbook (all sheets), counted before the workbook is read.
    max_cells: int | None = None
    #: Whose limit it is, as the message says it: ``网页版的上限``.
    owner: str = "上限"
    #: How to raise it, appended to the message: ``，或启动时用 --max-cells 调大上限``.
    advice: str = ""


def load(source: "str | Path | Input", targets: bool = False, limits: Limits | None = None) -> LoadResult:
    """Read the evaluations in one input, choosing the reader by the file's suffix.

    Never raises for bad input, nor for a reader's own failure: every problem comes back in
    ``LoadResult.problems`` with the file's name (a reader bug is reported as this file's
    problem, so it cannot stop the other files of a run).

    Args:
        source: a path, or an :class:`Input` (a path or bytes with a display name).
        targets: also return 绩效目标表 (targets, no actuals) as evaluations (for
            ``template --from`` and ``convert``); otherwise they are listed in ``target_tables``.
        limits: a front end's stricter limits, checked before the file is read.
    """
    given = Input.of(source)
    try:
        return _load(given, targets, limits)
    except Exception as exc:  # a reader bug: this file's problem, not the run's end
        message = f"读取时发生内部错误（{type(exc).__name__}），请报告此问题"
        return LoadResult(problems=(Problem(source=Source(file=given.name), message=message),))


def load_path(path: str | Path, targets: bool = False) -> LoadResult:
    """Read the evaluations in ``path``; see :func:`load`."""
    return load(Input.of(path), targets)


def _refused(name: str, message: str) -> LoadResult:
    return LoadResult(problems=(Problem(source=Source(file=name), message=message),))


def _load(given: Input, targets: bool, limits: Limits | None) -> LoadResult:
    suffix = given.suffix
    if suffix in YAML_SUFFIXES:
        if given.data is not None:
            return load_yaml_bytes(given.data, given.name, targets)
        return load_yaml_file(given.path, targets, given.name)
    if suffix in XLSX_SUFFIXES + (".xls",):
        from .xlsx import load_xlsx_file  # imported on demand: YAML-only runs skip the xlsx reader

        if limits is not None and limits.max_cells is not None:
            from .xlsx.count import count_stored_cells

            data = given.data if given.data is not None else _head_of(given.path)
            cells = count_stored_cells(data, limits.max_cells) if data is not None else None
            if cells is not None and cells > limits.max_cells:
                return _refused(given.name, f"工作簿的单元格超过 {limits.max_cells:,} 个（{limits.owner}），"
                                            f"为防止耗尽内存拒绝读取：请只保留自评表所在的工作表后再试{limits.advice}")
        if given.data is None:
            return load_xlsx_file(given.path, targets, given.name)
        # The workbook reader takes a path: the bytes go to a private temporary folder for the read.
        with tempfile.TemporaryDirectory(prefix="perfscore-read-") as folder:
            temp = Path(folder) / f"upload{suffix}"
            temp.write_bytes(given.data)
            return load_xlsx_file(temp, targets, given.name)
    if given.path is not None and not given.path.exists():
        return _refused(given.name, "文件不存在")
    return _refused(given.name, unsupported_message(given.name))


def unsupported_message(name: "str | Path") -> str:
    """Why a file of this kind is not read, in Chinese."""
    suffix = Path(name).suffix.lower()
    return f"不支持的文件类型“{suffix or '无扩展名'}”：请提供 .xlsx 工作簿或 .yaml/.yml 文件"


def _head_of(path: Path | None) -> bytes | None:
    """A workbook's bytes for counting its cells (None when it cannot be read: the reader says why)."""
    try:
        return path.read_bytes() if path is not None else None
    except OSError:
        return None
