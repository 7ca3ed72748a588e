"""YAML read as plain data with the line of every value, for files a person writes.

PyYAML's ``compose`` keeps node positions; this turns the node tree into dicts,
lists and *text* scalars (never floats: ``4.00`` stays ``'4.00'``) plus a map
from each value's path to its line, so any later mistake can be reported at
file:line. Duplicate keys — which PyYAML silently lets the last one win — are
reported.
"""

from __future__ import annotations

from typing import Any

import yaml

from .problems import Problem, Source

__all__ = ["Path_", "LineMap", "compose_documents"]

Path_ = tuple[str | int, ...]
_NULLS = {"", "~", "null", "Null", "NULL"}


class LineMap:
    """Lines of the values of one YAML document, by path."""

    def __init__(self) -> None:
        self.lines: dict[Path_, int] = {}

    def line_of(self, path: Path_) -> int | None:
        """The line of ``path``, or of its nearest ancestor known to the map."""
        path = tuple(path)
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path)


def _build(node: yaml.Node, path: Path_, lines: LineMap, file: str, aliases: dict[str, str],
           problems: list[Problem]) -> Any:
    lines.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.ScalarNode):
        if node.style is None and node.value in _NULLS:
            return None
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_build(child, path + (i,), lines, file, aliases, problems) for i, child in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem(source=Source(file=file, line=key_node.start_mark.line + 1),
                                        message="键必须是文字"))
                continue
            key = aliases.get(key_node.value.strip(), key_node.value.strip())
            if key in result:
                problems.append(Problem(source=Source(file=file, line=key_node.start_mark.line + 1),
                                        message=f"字段“{key_node.value}”重复出现"))
                continue
            lines.lines[path + (key,)] = key_node.start_mark.line + 1
            result[key] = _build(value_node, path + (key,), lines, file, aliases, problems)
        return result
    return None  # pragma: no cover - compose yields only these three kinds


def compose_documents(text: str, file: str, aliases: dict[str, str] | None = None
                      ) -> tuple[list[tuple[Any, LineMap]], list[Problem]]:
    """Every non-empty YAML document in ``text`` as (data, line map), and the problems met.

    A YAML syntax error is one problem at its line; the documents list is then empty.
    """
    try:
        nodes = [node for node in yaml.compose_all(text, Loader=yaml.SafeLoader) if node is not None]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = " ".join(part for part in (exc.context, exc.problem) if part)
        return [], [Problem(source=Source(file=file, line=mark.line + 1 if mark else None),
                            message=f"YAML 语法错误：{detail}")]
    except yaml.YAMLError as exc:
        return [], [Problem(source=Source(file=file), message=f"YAML 语法错误：{exc}")]
    problems: list[Problem] = []
    documents = []
    for node in nodes:
        lines = LineMap()
        documents.append((_build(node, (), lines, file, aliases or {}, problems), lines))
    return documents, problems
