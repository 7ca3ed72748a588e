"""pydantic's validation errors in the words an officer reads: one translation for every front end.

The YAML reader, the workbook reader and the web page's judgment form all validate input with
the models of :mod:`indicators.model`; each error they meet is told here, in Chinese, saying what
was expected and quoting what came in (``weight（分值） 应为…，实际为“十分”``).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from .problems import InputError, did_you_mean
from .terms import term

__all__ = ["path_text", "validation_message"]


def path_text(loc: Sequence[Any], name: Callable[[str], str] = term) -> str:
    """``('goals', 0, 'indicators', 2, 'weight')`` → ``goals（年度目标）[1].indicators（绩效指标）[3].weight（分值）``."""
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part + 1}]")
        else:
            parts.append(("." if parts else "") + name(str(part)))
    return "".join(parts)


def validation_message(error: dict[str, Any], known: Sequence[str] = (),
                       name: Callable[[str], str] = term, separator: str = "：") -> str:
    """A Chinese message for one pydantic error (an item of ``ValidationError.errors()``).

    Args:
        error: the error as pydantic reports it.
        known: the field names that exist, for a "did you mean" on an unknown one.
        name: how a field is named in the message (by default ``weight（分值）``).
        separator: between the field and a validator's own sentence (``得分应为数字`` on a form
            whose field names are plain words, ``weight（分值）：应为数字`` in a file).
    """
    kind = error["type"]
    loc = tuple(error["loc"])
    field = path_text(loc, name) or "表"
    given = error.get("input")
    if kind == "missing":
        return f"缺少必填项 {field}"
    if kind == "extra_forbidden":
        unknown = str(loc[-1])
        return f"未知字段“{unknown}”{did_you_mean(unknown, list(known))}"
    if kind == "value_error":
        cause = error.get("ctx", {}).get("error")
        text = str(cause) if isinstance(cause, InputError) else error["msg"]
        if not loc or text.startswith(field):  # the validator's sentence already names the field
            return text
        return f"{field}{separator}{text}"
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return f"{field} 应为整数，实际为“{given}”"
    if kind in {"string_type"}:
        return f"{field} 应为文字，实际为“{given}”"
    if kind in {"list_type", "tuple_type"}:
        return f"{field} 应为列表（每项以“- ”开头），实际为“{given}”"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return f"{field} 应为“键: 值”的映射，实际为“{given}”"
    if kind in {"bool_parsing", "bool_type"}:
        return f"{field} 应为 true 或 false，实际为“{given}”"
    if kind == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        return f"{field} 的取值应为 {expected}，实际为“{given}”"
    return f"{field} 取值无效（{error['msg']}），实际为“{given}”"
