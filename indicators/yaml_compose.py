"""PyYAML's composer guarded against hostile structure, and its nodes turned into plain data.

Kept apart from :mod:`indicators.yaml_nodes` so that PyYAML is imported only when a YAML
file is actually read; see that module for what is refused and why.
"""

from __future__ import annotations

from typing import Any

import yaml

from .problems import Problem, Source
from .yaml_lines import MAX_ALIAS_NODES, MAX_DEPTH, LineMap, Path_

__all__ = ["compose"]

_NULLS = {"", "~", "null", "Null", "NULL"}


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


class _Refused(Exception):
    """A structure refused before it is expanded: the line and the Chinese message."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


class _GuardedLoader(yaml.SafeLoader):
    """PyYAML's composer, counting depth and what aliases add while the node graph is built.

    Composing never copies an aliased node (the graph shares it), so the count here is what
    turning the graph into data *would* cost; it is refused before that happens.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._count = 0  # nodes so far, each alias counted as the nodes it stands for
        self._by_alias = 0  # of which added by aliases
        self._open: set[str] = set()  # anchors whose node is still being composed
        self._sizes: dict[str, int] = {}

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:
        # Refused while scanning: PyYAML looks ahead for a possible key at every '[' and '{', so
        # 10,000 of them cost seconds before the composer would see the depth.
        if self.flow_level >= MAX_DEPTH:
            raise _Refused(self.get_mark().line + 1, f"列表或映射嵌套超过 {MAX_DEPTH} 层，拒绝读取")
        super().fetch_flow_collection_start(TokenClass)

    def compose_document(self) -> Any:
        self._open, self._sizes = set(), {}
        return super().compose_document()

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in self._open:
                raise _Refused(line, f"别名“*{event.anchor}”引用了包含它自己的“&{event.anchor}”（递归别名），无法展开")
            size = self._sizes.get(event.anchor, 1)
            self._count += size
            self._by_alias += size
            if self._by_alias > MAX_ALIAS_NODES:
                raise _Refused(line, f"别名（*{event.anchor} 等）展开后超过 {MAX_ALIAS_NODES} 个值，拒绝读取"
                                     f"（可能是恶意构造的文件）")
            return super().compose_node(parent, index)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(line, f"列表或映射嵌套超过 {MAX_DEPTH} 层，拒绝读取")
        anchor = getattr(event, "anchor", None)
        if anchor:
            self._open.add(anchor)
        before = self._count
        self._count += 1
        node = super().compose_node(parent, index)
        if anchor:
            self._open.discard(anchor)
            self._sizes[anchor] = self._count - before
        self._depth -= 1
        return node


def compose(text: str, file: str, aliases: dict[str, str] | None = None
            ) -> tuple[list[tuple[Any, LineMap]], list[Problem]]:
    """:func:`indicators.yaml_nodes.compose_documents`, which imports this module when first used."""
    try:
        nodes = [node for node in yaml.compose_all(text, Loader=_GuardedLoader) if node is not None]
    except _Refused as exc:
        return [], [Problem(source=Source(file=file, line=exc.line), message=exc.message)]
    except RecursionError:  # pragma: no cover - MAX_DEPTH keeps the composer far from the limit
        return [], [Problem(source=Source(file=file), message="列表或映射嵌套太深，拒绝读取")]
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
