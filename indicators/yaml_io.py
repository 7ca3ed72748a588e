"""Read self-evaluation tables from YAML, with every problem reported at its file:line.

Scalars are kept as the text written (``4.00`` stays ``'4.00'``, ``100.00%`` stays
``'100.00%'``) so no number ever passes through float, and targets keep their
exact spelling. Level names left out repeat the line above, as merged cells do on
the printed form. The schema is documented in ``docs/yaml-format.md``.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from .model import Evaluation, FundRow, Funds, Goal, Indicator, Judgment, Deduction, OverallTarget
from .problems import InputError, Problem, Source
from .terms import KEY_ALIASES, term

__all__ = ["LoadResult", "load_yaml_file", "load_yaml_text"]

Path_ = tuple[str | int, ...]

_NULLS = {"", "~", "null", "Null", "NULL"}
_KNOWN_KEYS = sorted(
    {name for model in (Evaluation, Funds, FundRow, Goal, Indicator, Judgment, Deduction, OverallTarget)
     for name in model.model_fields if name not in {"source", "sources"}}
)


class LoadResult(BaseModel):
    """Evaluations read from one input, and every problem met while reading it."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    evaluations: tuple[Evaluation, ...] = ()
    problems: tuple[Problem, ...] = ()
    #: Things worth a look that do not stop scoring (a value read from a hidden column).
    notices: tuple[Problem, ...] = ()
    #: 绩效目标表 found (targets, no actuals): they cannot be scored yet.
    target_tables: tuple[Problem, ...] = ()


class _Builder:
    """Turn a composed YAML node tree into plain data plus a map path → line."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: dict[Path_, int] = {}
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, path: Path_ = ()) -> Any:
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode):
            if node.style is None and node.value in _NULLS:
                return None
            return node.value
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, path + (i,)) for i, child in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self._problem(key_node, "键必须是文字")
                    continue
                key = KEY_ALIASES.get(key_node.value.strip(), key_node.value.strip())
                if key in result:
                    self._problem(key_node, f"字段“{key_node.value}”重复出现")
                    continue
                result[key] = self.build(value_node, path + (key,))
                self.lines.setdefault(path + (key,), key_node.start_mark.line + 1)
            return result
        return None  # pragma: no cover - compose yields only these three kinds

    def _problem(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem(source=Source(file=self.file, line=node.start_mark.line + 1), message=message))

    def line_of(self, path: Path_) -> int | None:
        """The line of ``path``, or of its nearest ancestor known to the map."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path)


def _source(file: str, builder: _Builder, path: Path_) -> dict[str, Any]:
    return {"file": file, "line": builder.line_of(path)}


def _annotate_indicators(items: Any, builder: _Builder, file: str, path: Path_) -> None:
    """Fill merged level names from the line above and attach sources, in place."""
    if not isinstance(items, list):
        return
    previous = {"level1": "", "level2": ""}
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        here = path + (i,)
        if item.get("level1") not in (None, ""):
            if item["level1"] != previous["level1"]:
                previous["level2"] = ""
            previous["level1"] = item["level1"]
        elif previous["level1"]:
            item["level1"] = previous["level1"]
        if item.get("level2") not in (None, ""):
            previous["level2"] = item["level2"]
        elif previous["level2"]:
            item["level2"] = previous["level2"]
        item["source"] = _source(file, builder, here)
        item["sources"] = {
            key: _source(file, builder, here + (key,)) for key in list(item) if key not in {"source", "sources"}
        }
        for j, deduction in enumerate(item.get("deductions") or []):
            if isinstance(deduction, dict):
                deduction["source"] = _source(file, builder, here + ("deductions", j))
        if isinstance(item.get("judgment"), dict):
            item["judgment"]["source"] = _source(file, builder, here + ("judgment",))


def _annotate(data: dict[str, Any], builder: _Builder, file: str) -> None:
    data["source"] = _source(file, builder, ())
    funds = data.get("funds")
    if isinstance(funds, dict):
        funds["source"] = _source(file, builder, ("funds",))
        funds["sources"] = {
            key: _source(file, builder, ("funds", key)) for key in list(funds) if key not in {"source", "sources"}
        }
        for j, row in enumerate(funds.get("breakdown") or []):
            if isinstance(row, dict):
                row["source"] = _source(file, builder, ("funds", "breakdown", j))
    goals = data.get("goals")
    if isinstance(goals, list):
        for i, goal in enumerate(goals):
            if isinstance(goal, dict):
                goal["source"] = _source(file, builder, ("goals", i))
                _annotate_indicators(goal.get("indicators"), builder, file, ("goals", i, "indicators"))
    _annotate_indicators(data.get("indicators"), builder, file, ("indicators",))


def _path_text(loc: Path_) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part + 1}]")
        else:
            parts.append(("." if parts else "") + term(part))
    return "".join(parts)


def _message(error: dict[str, Any]) -> str:
    """A Chinese message for one pydantic error: what was expected and what came in."""
    kind = error["type"]
    loc = tuple(error["loc"])
    field = _path_text(loc) or "表"
    given = error.get("input")
    if kind == "missing":
        return f"缺少必填项 {field}"
    if kind == "extra_forbidden":
        name = str(loc[-1])
        guess = difflib.get_close_matches(name, _KNOWN_KEYS, n=1)
        hint = f"，是否想写“{guess[0]}”？" if guess else ""
        return f"未知字段“{name}”{hint}"
    if kind == "value_error":
        cause = error.get("ctx", {}).get("error")
        text = str(cause) if isinstance(cause, InputError) else error["msg"]
        return f"{field}：{text}" if loc else text
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


def load_yaml_text(text: str, file: str) -> LoadResult:
    """Read every YAML document in ``text`` as an evaluation.

    Args:
        text: the YAML source.
        file: the name to report in sources and problems (the path as given).

    Returns:
        The evaluations that validated and a problem for every mistake found, each
        at its file:line. A document with problems yields no evaluation.
    """
    try:
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        detail = " ".join(part for part in (exc.context, exc.problem) if part)
        return LoadResult(problems=(Problem(source=Source(file=file, line=line), message=f"YAML 语法错误：{detail}"),))
    except yaml.YAMLError as exc:
        return LoadResult(problems=(Problem(source=Source(file=file), message=f"YAML 语法错误：{exc}"),))

    evaluations: list[Evaluation] = []
    problems: list[Problem] = []
    documents = [doc for doc in documents if doc is not None]
    if not documents:
        problems.append(Problem(source=Source(file=file, line=1), message="文件中没有自评表（内容为空）"))
    for node in documents:
        builder = _Builder(file)
        data = builder.build(node)
        problems.extend(builder.problems)
        if not isinstance(data, dict):
            problems.append(Problem(source=Source(file=file, line=node.start_mark.line + 1),
                                    message="自评表应为“键: 值”的映射（kind、title、funds、indicators……）"))
            continue
        _annotate(data, builder, file)
        try:
            evaluation = Evaluation.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                loc = tuple(error["loc"])
                problems.append(Problem(source=Source(file=file, line=builder.line_of(loc)), message=_message(error)))
            continue
        if not builder.problems:
            evaluations.append(evaluation)
    return LoadResult(evaluations=tuple(evaluations), problems=tuple(problems))


def load_yaml_file(path: str | Path) -> LoadResult:
    """Read a YAML file (UTF-8, a BOM allowed); see :func:`load_yaml_text`."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return LoadResult(problems=(Problem(source=Source(file=name), message="文件不存在"),))
    except IsADirectoryError:
        return LoadResult(problems=(Problem(source=Source(file=name), message="这是一个文件夹，不是文件"),))
    except OSError as exc:
        return LoadResult(problems=(Problem(source=Source(file=name), message=f"无法读取文件：{exc.strerror}"),))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return LoadResult(problems=(Problem(source=Source(file=name, line=line),
                                            message="文件不是 UTF-8 编码，请另存为 UTF-8 后再试"),))
    return load_yaml_text(text, name)
