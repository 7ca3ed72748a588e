"""Reading targets (年度指标值) and actuals (实际完成值) as they are written in real tables.

``parse_value`` turns a cell's text into a :class:`Value`: a number with its unit
and comparison (``≥95%``, ``600盒以上``), a range (``1-2 个``), yes/no (是/否), a
date (``2023年12月``), or — when the text cannot be read unambiguously — ``TEXT``,
which the engine treats as *needing judgment*. The parser never guesses: several
numbers (``视频25；长图、折页21…``), no number (``一年四次``), or a number wrapped in
free text (``追回违规金额396.76万元，切实保障…``) all come back as ``TEXT`` with the
reason stated.
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from .numbers import D, normalize_text

__all__ = ["Comparison", "ValueKind", "Value", "parse_value", "parse_comparison_word", "MULTIPLIERS"]


class Comparison(StrEnum):
    """The comparison a target states."""

    GE = "≥"
    GT = ">"
    LE = "≤"
    LT = "<"
    EQ = "="

    @property
    def higher_is_better(self) -> bool | None:
        """True for ≥ and >, False for ≤ and <, None for =."""
        if self in (Comparison.GE, Comparison.GT):
            return True
        if self in (Comparison.LE, Comparison.LT):
            return False
        return None


class ValueKind(StrEnum):
    NUMBER = "number"
    RANGE = "range"
    YES_NO = "yes_no"
    DATE = "date"
    TEXT = "text"
    EMPTY = "empty"


# Longest first, so that 大于等于 is not read as 大于. Values: the comparison.
_PREFIX_WORDS: list[tuple[str, Comparison]] = sorted(
    [
        (">=", Comparison.GE), ("≥", Comparison.GE), ("≧", Comparison.GE),
        ("大于等于", Comparison.GE), ("大于或等于", Comparison.GE), ("不低于", Comparison.GE),
        ("不少于", Comparison.GE), ("不小于", Comparison.GE), ("至少", Comparison.GE),
        ("达到", Comparison.GE),
        (">", Comparison.GT), ("大于", Comparison.GT), ("高于", Comparison.GT),
        ("超过", Comparison.GT), ("多于", Comparison.GT),
        ("<=", Comparison.LE), ("≤", Comparison.LE), ("≦", Comparison.LE),
        ("小于等于", Comparison.LE), ("小于或等于", Comparison.LE), ("不高于", Comparison.LE),
        ("不超过", Comparison.LE), ("不多于", Comparison.LE), ("不大于", Comparison.LE),
        ("控制在", Comparison.LE),
        ("<", Comparison.LT), ("小于", Comparison.LT), ("低于", Comparison.LT), ("少于", Comparison.LT),
        ("=", Comparison.EQ), ("==", Comparison.EQ), ("等于", Comparison.EQ), ("═", Comparison.EQ),
    ],
    key=lambda pair: -len(pair[0]),
)
_SUFFIX_WORDS: list[tuple[str, Comparison]] = sorted(
    [
        ("及以上", Comparison.GE), ("以上", Comparison.GE),
        ("及以下", Comparison.LE), ("以下", Comparison.LE), ("以内", Comparison.LE),
        ("之内", Comparison.LE), ("内", Comparison.LE),
    ],
    key=lambda pair: -len(pair[0]),
)

#: Chinese magnitude words that multiply the number they follow (万 = 10⁴, 亿 = 10⁸).
MULTIPLIERS: dict[str, Decimal] = {"万": Decimal(10000), "亿": Decimal(100000000)}

_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?|\.\d+"
_NUMBER_RE = re.compile(_NUMBER)
# A unit is a short run of letters/CJK, optionally "/年"-style. Characters that turn a
# number into an estimate or a description (约, 余, 多, 左右, 全年…) are not units: a
# text holding them needs a person's judgment.
_UNIT_STOP = set("约余多左右全每前后底末上下的了和及或与等是否")
_UNIT_RE = re.compile(r"^(?:[%‰]|[A-Za-z\u4e00-\u9fff]{1,4}(?:/[A-Za-z\u4e00-\u9fff]{1,3})?)$")
_RANGE_RE = re.compile(rf"^(?P<low>{_NUMBER})(?P<lu>%|[\u4e00-\u9fff]{{0,3}})(?:-|~|～|至|到|—|–)(?P<high>{_NUMBER})(?P<hu>.*)$")
# A dot is never a date separator here: "1999.12" in a 万元 column is an amount.
_DATE_RE = re.compile(
    r"^(?P<y>\d{4})(?:年|[-/])(?P<m>\d{1,2})(?:月)?(?:(?:[-/])?(?P<d>\d{1,2})(?:日|号)?)?"
    r"(?P<end>底|末)?(?P<before>前|之前|以前)?$"
)
_YES = {"是", "已完成", "完成"}
_NO = {"否", "未完成"}
_EMPTY = {"", "—", "——", "-", "--", "/", "无数据"}


class Value(BaseModel):
    """A parsed target or actual. ``raw`` is always the text as written.

    For ``NUMBER`` values ``number`` is in base units (``1101.71万`` → 11017100) and
    ``shown`` is the number as written with its unit (``1101.71万``); ``unit`` is the
    base unit without its magnitude word (``万元`` → ``元``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    raw: str
    kind: ValueKind
    comparison: Comparison | None = None
    number: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    unit: str = ""
    magnitude: str = ""
    shown: str = ""
    flag: bool | None = None
    date: tuple[int, int, int | None] | None = None
    label: str = ""
    unit_from_column: bool = False
    #: Why a TEXT value cannot be read as a number (Chinese, for the rationale).
    reason: str = ""

    @property
    def needs_judgment(self) -> bool:
        """True when the text cannot be read as a value without a person deciding."""
        return self.kind is ValueKind.TEXT

    @property
    def display(self) -> str:
        """The value as a sentence quotes it: ``18.83万元``, ``≥5次``, ``是``."""
        return self.shown or self.raw.strip()


def parse_comparison_word(text: str | None) -> Comparison | None:
    """Read an 指标方向 cell (``大于等于``, ``小于等于``, ``等于``, ``≥`` …); None if unknown."""
    if not text:
        return None
    t = normalize_text(text).replace(" ", "")
    for word, comp in _PREFIX_WORDS:
        if t == word:
            return comp
    for word, comp in _SUFFIX_WORDS:
        if t == word:
            return comp
    return None


def _split_unit(unit: str) -> tuple[str, str]:
    """``'万元'`` → (``'万'``, ``'元'``); ``'万'`` → (``'万'``, ``''``); ``'家'`` → (``''``, ``'家'``)."""
    if unit[:1] in MULTIPLIERS:
        return unit[:1], unit[1:]
    return "", unit


def _scaled(number: str, magnitude: str) -> Decimal:
    value = D(number)
    return value * MULTIPLIERS[magnitude] if magnitude else value


def _text(raw: str, reason: str) -> Value:
    return Value(raw=raw, kind=ValueKind.TEXT, reason=reason)


def parse_value(text: object, unit: str | None = None) -> Value:
    """Parse a target or actual cell.

    Args:
        text: the cell as written (``str``); numbers from a workbook are accepted
            and read exactly.
        unit: the table's 计量单位 for this line, used when the text carries none.

    Returns:
        A :class:`Value`. Anything that cannot be read unambiguously comes back as
        ``ValueKind.TEXT`` with ``reason`` saying why — never as a guessed number.
    """
    raw = "" if text is None else (text if isinstance(text, str) else str(text))
    t = normalize_text(raw)
    compact = re.sub(r"\s+", "", t)
    if compact in _EMPTY:
        return Value(raw=raw, kind=ValueKind.EMPTY)
    if compact in _YES or compact in _NO:
        return Value(raw=raw, kind=ValueKind.YES_NO, flag=compact in _YES, shown=compact)
    column_unit = normalize_text(unit or "").replace(" ", "")

    date = _DATE_RE.match(compact)
    if date and 1 <= int(date["m"]) <= 12:
        day = int(date["d"]) if date["d"] else None
        comparison = Comparison.LE if date["before"] else None
        return Value(
            raw=raw, kind=ValueKind.DATE, date=(int(date["y"]), int(date["m"]), day),
            comparison=comparison, shown=compact,
        )

    numbers = _NUMBER_RE.findall(compact)
    if not numbers:
        return _text(raw, "没有数字")
    if len(numbers) == 2:
        rng = _RANGE_RE.match(compact)
        if rng:
            low_unit, high_unit = rng["lu"], rng["hu"] or column_unit
            if low_unit and high_unit and low_unit != high_unit:
                return _text(raw, "区间两端的单位不同")
            magnitude, base = _split_unit(high_unit or low_unit)
            if (high_unit or low_unit) and not _is_unit(high_unit or low_unit):
                return _text(raw, "数字后面有其他文字")
            low, high = _scaled(rng["low"], magnitude), _scaled(rng["high"], magnitude)
            if low > high:
                return _text(raw, "区间下限大于上限")
            return Value(
                raw=raw, kind=ValueKind.RANGE, low=low, high=high, unit=base, magnitude=magnitude,
                shown=compact if rng["hu"] else compact + column_unit,
                unit_from_column=not rng["hu"] and bool(column_unit),
            )
    if len(numbers) > 1:
        return _text(raw, "含有多个数字")

    body = compact
    comparison: Comparison | None = None
    label = ""
    for word, comp in _SUFFIX_WORDS:
        if body.endswith(word) and len(body) > len(word):
            body, comparison = body[: -len(word)], comp
            break
    position = _NUMBER_RE.search(body)
    if position is None:  # the suffix word swallowed the number: not a value
        return _text(raw, "无法识别数字")
    head, number, tail = body[: position.start()], position.group(), body[position.end():]
    if head:
        for word, comp in _PREFIX_WORDS:
            if head.endswith(word):
                if comparison is not None and comparison is not comp:
                    return _text(raw, "前后比较词矛盾")
                comparison, label = comp, head[: -len(word)]
                break
        else:
            return _text(raw, "数字前面有其他文字")
        if label and not re.fullmatch(r"[\u4e00-\u9fffA-Za-z（）()“”\"]+", label):
            return _text(raw, "数字前面有其他文字")
    if tail and not _is_unit(tail):
        return _text(raw, "数字后面有其他文字")
    unit_text = tail or column_unit
    magnitude, base = _split_unit(unit_text)
    shown = f"{comparison.value if comparison and head else ''}{number}{unit_text}"
    if comparison and not head:  # suffix word, e.g. 600盒以上
        shown = compact
    return Value(
        raw=raw, kind=ValueKind.NUMBER, comparison=comparison, number=_scaled(number, magnitude),
        unit=base, magnitude=magnitude, shown=shown, label=label,
        unit_from_column=not tail and bool(column_unit),
    )


def _is_unit(text: str) -> bool:
    return bool(_UNIT_RE.match(text)) and not (set(text) & _UNIT_STOP)
