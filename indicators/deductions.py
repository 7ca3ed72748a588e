"""Stated deductions written as sentences: ``…部分办结时间超应办结时间扣0.5分。``.

Officers often write a manual deduction into the actual-value or 偏差原因 cell
instead of a column of its own (W1's 投诉举报上级转办办结率). This module only
*reads* such sentences; whether one applies is the engine's decision
(docs/rules.md §5), because the same words are also used to describe a loss
that the rule already counts.
"""

from __future__ import annotations

import re
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from .numbers import D, normalize_text

__all__ = ["TextDeduction", "split_deductions", "named_in"]

_POINTS = re.compile(r"扣(?:减|除)?\s*(\d+(?:\.\d+)?)\s*分")
_SENTENCE_END = "。；;！!\n"


class TextDeduction(BaseModel):
    """A ``扣X分`` sentence found in a cell: the points, the sentence, and the reason.

    ``reason`` is the sentence without the ``扣X分`` phrase and its end punctuation —
    what a reviewer reads after ``人工扣分0.5分：``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    points: Decimal
    sentence: str
    reason: str


def _sentences(text: str) -> list[str]:
    parts: list[str] = []
    current = ""
    for char in text:
        current += char
        if char in _SENTENCE_END:
            parts.append(current)
            current = ""
    if current:
        parts.append(current)
    return parts


def split_deductions(text: str | None) -> tuple[str, list[TextDeduction]]:
    """Split ``扣X分`` sentences out of a cell.

    Returns:
        ``(rest, deductions)``: ``rest`` is the cell without those sentences and
        without trailing punctuation (``'100%。…扣0.5分。'`` → ``'100%'``); with
        no such sentence the text comes back unchanged and the list is empty.
    """
    if not text:
        return text or "", []
    if not _POINTS.search(normalize_text(text)):
        return text, []
    kept: list[str] = []
    found: list[TextDeduction] = []
    for sentence in _sentences(text):
        normal = normalize_text(sentence)
        matches = list(_POINTS.finditer(normal))
        if not matches:
            kept.append(sentence)
            continue
        reason = _POINTS.sub("", normal).strip().rstrip(_SENTENCE_END + "，,、 ").strip()
        for match in matches:
            found.append(TextDeduction(points=D(match.group(1)), sentence=sentence.strip(), reason=reason))
    rest = "".join(kept).strip().rstrip(_SENTENCE_END + "，, ").strip()
    return rest, found


def _places(text: str, word: str) -> list[int]:
    found, at = [], text.find(word)
    while at >= 0:
        found.append(at)
        at = text.find(word, at + 1)
    return found


def named_in(text: str, names: list[str]) -> list[int]:
    """The indexes of the names ``text`` names on its own, in order.

    A name that appears only inside a longer name that also appears there is not named by it
    (``满意度`` in ``服务对象满意度…``): the text is about the longer line. Each occurrence is
    checked by its place, so a name written both inside a longer one and by itself is named.
    """
    hits = [i for i, name in enumerate(names) if name and name in text]
    if len(hits) < 2:
        return hits
    spans = {i: [(at, at + len(names[i])) for at in _places(text, names[i])] for i in hits}
    named = []
    for i in hits:
        longer = [span for j in hits if len(names[j]) > len(names[i]) for span in spans[j]]
        if any(not any(start <= at and end <= stop for start, stop in longer) for at, end in spans[i]):
            named.append(i)
    return named
