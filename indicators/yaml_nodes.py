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

from .problems import PerfscoreError, Problem
from .yaml_lines import MAX_ALIAS_NODES, MAX_DEPTH, LineMap, Path_

__all__ = ["Path_", "LineMap", "compose_documents", "Decoded", "EncodingError", "decode_yaml_bytes",
           "MAX_DEPTH", "MAX_ALIAS_NODES"]


def compose_documents(text: str, file: str, aliases: dict[str, str] | None = None
                      ) -> tuple[list[tuple[Any, LineMap]], list[Problem]]:
    """Every non-empty YAML document in ``text`` as (data, line map), and the problems met.

    A YAML syntax error is one problem at its line; the documents list is then empty. So is
    a structure refused before it is expanded (huge or recursive aliases, deep nesting).
    """
    # PyYAML is imported only when YAML is read: it costs ~10 ms of every start-up, and scoring
    # a workbook with the built-in rule set never reads any (issue 21).
    from .yaml_compose import compose

    return compose(text, file, aliases)


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
