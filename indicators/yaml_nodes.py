"""YAML read as plain data with the line of every value, for files a person writes.

PyYAML's ``compose`` keeps node positions; this turns the node tree into dicts,
lists and *text* scalars (never floats: ``4.00`` stays ``'4.00'``) plus a map
from each value's path to its line, so any later mistake can be reported at
file:line. Duplicate keys — which PyYAML silently lets the last one win — are
reported.

Files come from people and from Chinese Windows tools, so two more things are handled
here, for every YAML perfscore reads (evaluations and rule sets):

- **Hostile structure** is refused with a Chinese problem *before* anything is expanded:
  aliases that would expand to more than 10,000 nodes (a 3 KB "billion laughs" file
  expands to gigabytes), an alias that refers to the node it is inside (``x: &a [*a]``),
  and nesting deeper than 100 levels (``[[[[…`` overflows Python's stack).
- **Encodings**: :func:`decode_yaml_bytes` reads UTF-8 with or without a BOM, UTF-16 with
  a BOM, then GB18030 (a superset of GBK, what 记事本 and WPS write), and says which.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import Any

import yaml

from .problems import PerfscoreError, Problem, Source

__all__ = ["Path_", "LineMap", "compose_documents", "Decoded", "EncodingError", "decode_yaml_bytes",
           "MAX_DEPTH", "MAX_ALIAS_NODES"]

#: Deepest nesting of lists and mappings accepted (a form needs 4 or 5).
MAX_DEPTH = 100
#: Most nodes that aliases (``*name``) may add to a file in all.
MAX_ALIAS_NODES = 10_000

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


def compose_documents(text: str, file: str, aliases: dict[str, str] | None = None
                      ) -> tuple[list[tuple[Any, LineMap]], list[Problem]]:
    """Every non-empty YAML document in ``text`` as (data, line map), and the problems met.

    A YAML syntax error is one problem at its line; the documents list is then empty. So is
    a structure refused before it is expanded (huge or recursive aliases, deep nesting).
    """
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


class EncodingError(PerfscoreError, ValueError):
    """Bytes that are no text in any encoding perfscore reads; the message is Chinese."""


@dataclass(frozen=True)
class Decoded:
    """A file's text and how it was read: ``encoding`` as Python names it, ``bom`` when one was removed."""

    text: str
    encoding: str
    bom: bool = False

    @property
    def note(self) -> str:
        """What was done, in Chinese, for a notice; ``''`` for plain UTF-8."""
        if self.encoding == "gb18030":
            return "文件不是 UTF-8 编码，已按 GB18030（兼容 GBK）读取"
        if self.encoding == "utf-16":
            return "文件是 UTF-16 编码（带 BOM），已按 UTF-16 读取"
        if self.bom:
            return "文件开头有 UTF-8 BOM，已去掉"
        return ""


def decode_yaml_bytes(data: bytes) -> Decoded:
    """The text of a YAML file as Windows tools write it, and how it was decoded.

    UTF-8 first (a BOM is removed), then UTF-16 when the file starts with its BOM, then
    GB18030 — a superset of GBK and GB2312, the encoding of 中文 Windows' 记事本 and WPS.
    A GBK file is almost never valid UTF-8, so the order does not misread one.

    Raises:
        EncodingError: the bytes are none of these.
    """
    if data.startswith(codecs.BOM_UTF8):
        try:
            return Decoded(data[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8", bom=True)
        except UnicodeDecodeError as exc:
            raise EncodingError(f"文件以 UTF-8 BOM 开头，但第 {exc.start} 个字节起不是 UTF-8 文字") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return Decoded(data.decode("utf-16"), "utf-16", bom=True)
        except UnicodeDecodeError:
            raise EncodingError("文件以 UTF-16 BOM 开头，但内容不是 UTF-16 文字") from None
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return Decoded(data.decode("gb18030"), "gb18030")
    except UnicodeDecodeError:
        raise EncodingError("无法识别文件的编码：既不是 UTF-8，也不是 GB18030/GBK；请另存为 UTF-8") from None
