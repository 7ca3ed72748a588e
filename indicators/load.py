"""One entry point for reading any supported input file."""

from __future__ import annotations

from pathlib import Path

from .problems import Problem, Source
from .yaml_io import LoadResult, load_yaml_file

__all__ = ["load_path", "SUPPORTED_SUFFIXES"]

SUPPORTED_SUFFIXES = (".yaml", ".yml", ".xlsx", ".xlsm")


def load_path(path: str | Path, targets: bool = False) -> LoadResult:
    """Read the evaluations in ``path``, choosing the reader by the file's suffix.

    Never raises for bad input: every problem comes back in ``LoadResult.problems``.
    With ``targets``, 绩效目标表 (targets, no actuals) come back as evaluations too
    (for ``template --from``); otherwise they are listed in ``target_tables``.
    """
    name = str(path)
    suffix = Path(name).suffix.lower()
    if suffix in (".yaml", ".yml"):
        return load_yaml_file(path, targets)
    if suffix in (".xlsx", ".xlsm", ".xls"):
        from .xlsx import load_xlsx_file  # imported on demand: YAML-only runs skip the xlsx reader

        return load_xlsx_file(path, targets)
    message = f"不支持的文件类型“{suffix or '无扩展名'}”：请提供 .xlsx 工作簿或 .yaml/.yml 文件"
    if not Path(name).exists():
        message = "文件不存在"
    return LoadResult(problems=(Problem(source=Source(file=name), message=message),))
