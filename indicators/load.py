"""One entry point for reading any supported input file."""

from __future__ import annotations

from pathlib import Path

from .problems import Problem, Source
from .yaml_io import LoadResult, load_yaml_file

__all__ = ["load_path", "SUPPORTED_SUFFIXES"]

SUPPORTED_SUFFIXES = (".yaml", ".yml")


def load_path(path: str | Path) -> LoadResult:
    """Read the evaluations in ``path``, choosing the reader by the file's suffix.

    Never raises for bad input: every problem comes back in ``LoadResult.problems``.
    """
    name = str(path)
    suffix = Path(name).suffix.lower()
    if suffix in (".yaml", ".yml"):
        return load_yaml_file(path)
    if suffix == ".xls":
        message = "这是旧版 Excel（.xls）文件，请在 Excel/WPS 中“另存为” .xlsx 后再试"
    elif suffix in (".xlsx", ".xlsm"):
        message = "暂不支持读取 Excel 工作簿，请先使用 YAML 格式"
    else:
        message = f"不支持的文件类型“{suffix or '无扩展名'}”：请提供 .yaml/.yml 文件"
    if not Path(name).exists():
        message = "文件不存在"
    return LoadResult(problems=(Problem(source=Source(file=name), message=message),))
