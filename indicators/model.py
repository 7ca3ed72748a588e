"""The self-evaluation table (自评表) as frozen pydantic models.

Everything here is *as written*: targets and actuals keep their raw text (the
parsed :class:`~indicators.values.Value` sits beside them), recorded scores are
kept as ``recorded`` for the reviewer and never replace a computed score, and
every value remembers where it came from.
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SkipValidation, field_validator, model_validator

from .deductions import TextDeduction, split_deductions
from .numbers import D, NumberError, normalize_text
from .problems import InputError, Source
from .values import Comparison, Value, parse_comparison_word, parse_value

__all__ = [
    "Kind", "Nature", "Amount", "NonNegative", "Points", "Text", "Deduction", "Judgment", "Indicator", "Goal", "FundRow",
    "Funds", "OverallTarget", "Evaluation", "split_declared_weight", "NOT_APPLICABLE_WORDS", "FIELD_NAMES",
]


#: No amount (万元 or 元), rate or score on a form comes near this; a bigger one is a typing slip or a
#: hostile file, and would overflow the 28 digits every score is computed with.
TOO_LARGE = Decimal(10) ** 15


def _to_decimal(value: object) -> Decimal:
    if not isinstance(value, Decimal):
        try:
            value = D(value)
        except NumberError:
            raise InputError(f"应为数字，实际为“{value}”") from None
    if not value.is_finite() or abs(value) >= TOO_LARGE:
        raise InputError(f"数值过大，实际为“{value}”：金额、分值和得分都应小于 10 的 15 次方")
    return value


#: A money amount, rate or score: always Decimal, read from text without float.
Amount = Annotated[Decimal, BeforeValidator(_to_decimal)]


#: Text as written in a cell; a number from a workbook becomes its exact text (``Decimal('4.00')`` →
#: ``'4.00'``). Done by pydantic itself rather than a Python validator: every line has seven texts.
Text = Annotated[str, Field(coerce_numbers_to_str=True)]

def _to_non_negative(value: object) -> Decimal:
    number = _to_decimal(value)
    if number < 0:
        raise InputError(f"不能为负数，实际为“{number}”")
    return number


#: An amount or score that cannot be negative (分值, 得分, 预算数, 执行数). Checked in the same call
#: that reads the number: a ``ge`` constraint after a Python validator is a second Python call.
NonNegative = Annotated[Decimal, BeforeValidator(_to_non_negative)]

_POINTS_SUFFIX = re.compile(r"^\s*(.*?\d)\s*分\s*$")


def _to_points(value: object) -> Decimal:
    # Officers often write the unit into a 分值/得分 cell (“20分”): that is still the number 20.
    # Only a number followed by 分 is taken; “十分” or “20分左右” stay errors.
    if isinstance(value, str):
        match = _POINTS_SUFFIX.match(value)
        if match:
            value = match.group(1)
    return _to_non_negative(value)


#: Points (分值, 得分, 总分): a non-negative number, written bare or with 分 after it (``20分``).
Points = Annotated[Decimal, BeforeValidator(_to_points)]


class Kind(StrEnum):
    """项目支出 (one project) or 部门整体支出 (a department as a whole)."""

    PROJECT = "project"
    DEPARTMENT = "department"

    @property
    def chinese(self) -> str:
        return {"project": "项目支出", "department": "部门整体支出"}[self.value]


#: (a set made once: iterating an Enum runs Python code per member, and every table is validated)
_KIND_VALUES = frozenset(kind.value for kind in Kind)
_KIND_WORDS = {"项目支出": "project", "项目": "project", "部门整体支出": "department", "整体支出": "department",
               "部门整体": "department"}


class Nature(StrEnum):
    """指标性质: 正向 (higher is better), 反向 (lower is better), 定性, or 定量 with no direction."""

    POSITIVE = "正向"
    NEGATIVE = "反向"
    QUALITATIVE = "定性"
    QUANTITATIVE = "定量"


# 正向 or just 正 (some forms abbreviate); a dict because iterating an Enum per line is slow.
_NATURE_WORDS = {word: nature for nature in Nature for word in (nature.value, nature.value[0])}

#: Comparison signs some forms (云南, 四川 公开14表) print in the 指标性质 column instead of a word:
#: ≧ ≥ ＞ > read as 正向 (＞/> strict), ≦ ≤ ＜ < as 反向 (＜/< strict), ═ = ＝ as the equal rule.
#: Keys as printed and after :func:`normalize_text` (＞ folds to >, ＝ to =).
NATURE_SIGNS: dict[str, Comparison] = {
    "≧": Comparison.GE, "≥": Comparison.GE, ">=": Comparison.GE, "＞": Comparison.GT, ">": Comparison.GT,
    "≦": Comparison.LE, "≤": Comparison.LE, "<=": Comparison.LE, "＜": Comparison.LT, "<": Comparison.LT,
    "═": Comparison.EQ, "=": Comparison.EQ, "＝": Comparison.EQ, "==": Comparison.EQ,
}
_SIGN_NATURE = {Comparison.GE: Nature.POSITIVE, Comparison.GT: Nature.POSITIVE, Comparison.LE: Nature.NEGATIVE,
                Comparison.LT: Nature.NEGATIVE, Comparison.EQ: Nature.QUANTITATIVE}


def nature_sign(value: object) -> Comparison | None:
    """The comparison a 指标性质 cell prints as a sign (``'≧'`` → ≥), or None for a word or anything else."""
    if not isinstance(value, str) or len(value) > 8:
        return None
    found = NATURE_SIGNS.get(value)
    if found is None:
        text = normalize_text(value).replace(" ", "").replace("　", "")
        # a sign, or the comparison words an 指标方向 cell holds (大于等于, 不高于 …) printed here instead
        found = NATURE_SIGNS.get(text) or parse_comparison_word(text)
    return found

#: Words that mark a line as not applicable (此项目不涉及).
NOT_APPLICABLE_WORDS = ("不涉及", "不适用", "不适用于")

_DECLARED = re.compile(r"^(?P<name>.*?)\s*[（(]\s*(?P<points>\d+(?:\.\d+)?)\s*分\s*[)）]\s*[:：]?\s*$")
_NAME_PREFIX = re.compile(r"^\s*指标\s*\d+\s*[:：]\s*")


@lru_cache(maxsize=4096)
def split_declared_weight(text: str | None) -> tuple[str, Decimal | None]:
    """``'产出指标（50分）'`` → (``'产出指标'``, 50); ``'数量指标'`` → (``'数量指标'``, None).

    Also drops an ``指标1:`` prefix, which some forms put before names.
    """
    if not text:
        return "", None
    name = _NAME_PREFIX.sub("", text.strip())
    match = _DECLARED.match(normalize_text(name))
    if match:
        return match["name"].strip(), D(match["points"])
    return name, None


#: A model's ``places`` as the loaders build it (field → ``'F12'`` or a YAML line). Not validated:
#: it never comes from a user's input, and checking each entry of every line was a sixth of the
#: time pydantic spent on a workbook.
Places = SkipValidation[dict[str, str | int]]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Placed(_Frozen):
    """A model whose fields each remember their place: ``source`` plus ``places`` (declared by each subclass).

    ``places`` maps a field to its place relative to ``source``: a cell (``'F12'``) on the same
    sheet of a workbook, or a line of the same YAML file. Plain text and numbers rather than a
    :class:`Source` per field: a workbook of 200 tables holds tens of thousands of them, and
    validating a model per field cost more than reading the workbook (benchmarks/read.py).
    ``places`` is never read from a user's input (both loaders build it themselves, replacing any
    ``places`` key a YAML file has), so it is not validated again (:data:`Places`).
    """

    # The fields themselves are declared last in each subclass, so field order (and dumps) stay as written.
    if TYPE_CHECKING:
        source: Source | None
        places: dict[str, str | int]

    def source_of(self, field: str) -> Source | None:
        """Where ``field`` came from: its own cell or line, else the object's ``source``."""
        place = self.places.get(field)
        if place is None or self.source is None:
            return self.source
        if isinstance(place, int):
            return Source(file=self.source.file, line=place)
        return Source(file=self.source.file, sheet=self.source.sheet, cell=place)

    @property
    def sources(self) -> dict[str, Source]:
        """Where each field with a place of its own came from (``'actual'`` → its cell or line)."""
        return {field: self.source_of(field) for field in self.places}  # type: ignore[misc]


class Deduction(_Frozen):
    """A manual deduction (人工扣分) stated with its points and reason."""

    points: Amount
    reason: str
    source: Source | None = None

    @field_validator("points")
    @classmethod
    def _positive(cls, value: Decimal) -> Decimal:
        if value <= 0:
            raise InputError(f"扣分应为正数，实际为“{value}”")
        return value


class Judgment(_Frozen):
    """An evaluator's judgment of a qualitative line or of an actual that cannot be read.

    Give a ``score`` (points), a ``fraction`` of the line's 分值 (0–1), or a ``tier``
    (达成预期指标 / 部分达成并具有一定效果 / 未达成且效果较差), with a reason.
    """

    tier: str | None = None
    fraction: Amount | None = None
    score: Amount | None = None
    reason: str | None = None
    source: Source | None = None

    @model_validator(mode="after")
    def _something(self) -> "Judgment":
        if self.tier is None and self.fraction is None and self.score is None:
            raise InputError("评价判断需要 tier（档次）、fraction（比例）或 score（得分）之一")
        if self.fraction is not None and not (0 <= self.fraction <= 1):
            raise InputError(f"fraction 应在 0 到 1 之间，实际为“{self.fraction}”")
        if self.score is not None and self.score < 0:
            raise InputError(f"判断得分不能为负数，实际为“{self.score}”")
        return self


class Indicator(_Placed):
    """One indicator line (三级指标) with its names, target, actual, 分值 and recorded 得分."""

    level1: Text = ""
    level2: Text = ""
    name: Text
    nature: Nature | None = None
    #: the sign the 指标性质 cell printed instead of a word (``≧``, ``＞``, ``═``), as printed; ``nature``
    #: is then the direction it means (≥/> 正向, ≤/< 反向, = 定量) and :attr:`sign_comparison` its comparison
    nature_sign: Text | None = None
    direction: Text | None = None
    target: Text = ""
    actual: Text | None = None
    unit: Text | None = None
    weight: Points | None = None
    recorded: Points | None = None
    deviation_reason: str | None = None
    deductions: tuple[Deduction, ...] = ()
    judgment: Judgment | None = None
    not_applicable: bool = False
    #: fields whose cell could not be read (an error value such as ``#DIV/0!``, an uncomputed formula):
    #: ``actual`` leaves the line to a person's judgment; ``places`` keeps each one's cell. The file's
    #: state as read, left out of dumps
    unreadable: tuple[str, ...] = Field(default=(), exclude=True)
    source: Source | None = None
    #: Each field's cell or YAML line (see :class:`_Placed`).
    places: Places = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _nature_as_sign(cls, data: object) -> object:
        """A sign printed as 指标性质 (``≧``) is read as its direction, the sign kept in ``nature_sign``."""
        if isinstance(data, dict):
            nature = data.get("nature")
            if isinstance(nature, str) and nature not in _NATURE_WORDS and len(nature) <= 8:
                sign = nature_sign(nature)
                if sign is not None:
                    data = {**data, "nature": _SIGN_NATURE[sign], "nature_sign": nature.strip()}
        return data

    @field_validator("nature_sign")
    @classmethod
    def _known_sign(cls, value: str | None) -> str | None:
        if value is not None and nature_sign(value) is None:
            raise InputError(f"指标性质的比较符号应为 ≥ ≤ ＞ ＜ = 之一，实际为“{value}”")
        return value

    @cached_property
    def sign_comparison(self) -> Comparison | None:
        """The comparison 指标性质 printed as a sign (``≧`` → ≥), or None."""
        return nature_sign(self.nature_sign)

    @field_validator("nature", mode="before")
    @classmethod
    def _nature(cls, value: object) -> object:
        if isinstance(value, str):
            found = _NATURE_WORDS.get(value)  # as printed, the usual case: no normalizing
            if found is not None:
                return found
            text = normalize_text(value).replace(" ", "")
            if text == "":
                return None
            found = _NATURE_WORDS.get(text) or _NATURE_WORDS.get(text.removesuffix("指标").removesuffix("型"))
            if found is None:
                raise InputError(f"指标性质应为 正向、反向、定性、定量 或比较符号（≥ ≤ ＞ ＜ =），实际为“{value}”")
            return found
        return value

    @cached_property
    def name_clean(self) -> str:
        """The 三级指标 name without an ``指标1:`` prefix."""
        return split_declared_weight(self.name)[0]

    @cached_property
    def actual_split(self) -> tuple[str, tuple[TextDeduction, ...]]:
        """The actual without ``扣X分`` sentences, and those sentences as deductions."""
        rest, found = split_deductions(self.actual)
        return rest, tuple(found)

    @cached_property
    def reason_deductions(self) -> tuple[TextDeduction, ...]:
        """``扣X分`` sentences in the line's 偏差原因."""
        return tuple(split_deductions(self.deviation_reason)[1])

    @cached_property
    def target_value(self) -> Value:
        """The parsed 年度指标值."""
        return parse_value(self.target, self.unit)

    @cached_property
    def actual_value(self) -> Value:
        """The parsed 实际完成值, after ``扣X分`` sentences were taken out."""
        return parse_value(self.actual_split[0], self.unit)

    @cached_property
    def direction_comparison(self) -> Comparison | None:
        """指标方向 read as a comparison (大于等于 → ≥)."""
        return parse_comparison_word(self.direction)

    @property
    def marked_not_applicable(self) -> bool:
        """True for lines marked 不涉及/不适用, flagged not applicable, or weighted 0."""
        if self.not_applicable or (self.weight is not None and self.weight == 0):
            return True
        texts = (self.name, self.target, self.actual or "")
        return any(word in text for text in texts for word in NOT_APPLICABLE_WORDS)


class Goal(_Frozen):
    """An annual goal (年度目标1(30分)) grouping indicators on department-wide forms."""

    name: str
    weight: Points | None = None
    description: str | None = None
    recorded: Points | None = None
    indicators: tuple[Indicator, ...]
    source: Source | None = None


class FundRow(_Frozen):
    """A sub-row of the funds block (其中：当年财政拨款 …), amounts kept as printed."""

    name: str
    initial_budget: Text | None = None
    budget: Text | None = None
    executed: Text | None = None
    rate: Text | None = None
    source: Source | None = None


class Funds(_Placed):
    """The budget-execution block: 预算数(A), 执行数(B), 分值, and what the table printed."""

    label: str | None = None
    weight: Points | None = None
    initial_budget: NonNegative | None = None
    budget: NonNegative
    executed: NonNegative
    rate: Text | None = None
    recorded: Points | None = None
    breakdown: tuple[FundRow, ...] = ()
    #: fields whose cell could not be read (an error value such as ``#DIV/0!`` under 执行率 or 得分): the
    #: budget line then needs a person's judgment; ``places`` keeps each one's cell. A state of the
    #: file as read, not part of the table's data: left out of dumps (JSON, YAML, exported forms)
    unreadable: tuple[str, ...] = Field(default=(), exclude=True)
    source: Source | None = None
    #: Each field's cell or YAML line (see :class:`_Placed`).
    places: Places = Field(default_factory=dict)


class OverallTarget(_Frozen):
    """年度总体目标: 预期目标 and 实际完成情况."""

    expected: str | None = None
    actual: str | None = None


class Evaluation(_Placed):
    """One self-evaluation table (自评表)."""

    kind: Kind
    title: str
    #: The published document the table belongs to (e.g. a department's 决算公开); tables of
    #: one document, or of one file, are cross-checked against each other.
    document: str | None = None
    year: int | None = None
    department: str | None = None
    unit: str | None = None
    details: dict[str, str] = Field(default_factory=dict)
    funds: Funds | None = None
    overall_target: OverallTarget | None = None
    deviation_analysis: str | None = None
    improvement: str | None = None
    recorded_total: Points | None = None
    goals: tuple[Goal, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    source: Source | None = None
    #: Each header field's cell or YAML line (``'department'`` → ``'B3'``), for findings.
    places: Places = Field(default_factory=dict)

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text in _KIND_WORDS:
                return _KIND_WORDS[text]
            if text not in _KIND_VALUES:
                raise InputError(f"kind 应为 project（项目支出）或 department（部门整体支出），实际为“{value}”")
        return value

    @model_validator(mode="after")
    def _has_lines(self) -> "Evaluation":
        if self.goals and self.indicators:
            raise InputError("goals 与 indicators 只能写一个：有年度目标时请把指标写在各目标下")
        if not self.goals and not self.indicators:
            raise InputError("表中没有任何绩效指标（indicators 或 goals 为空）")
        for goal in self.goals:
            if not goal.indicators:
                raise InputError(f"年度目标“{goal.name}”下没有绩效指标")
        return self

    def lines(self) -> list[tuple[Goal | None, Indicator]]:
        """Every indicator in table order, with the goal it belongs to (None without goals)."""
        if self.goals:
            return [(goal, ind) for goal in self.goals for ind in goal.indicators]
        return [(None, ind) for ind in self.indicators]

    def with_judgment(self, position: int, judgment: "Judgment | None") -> "Evaluation":
        """This table with the judgment of its ``position``-th indicator (table order) set, or removed with None.

        Raises:
            IndexError: there is no such indicator.
        """
        if position < 0:
            raise IndexError(position)
        target = self.lines()[position][1]

        def swap(indicators: tuple[Indicator, ...]) -> tuple[Indicator, ...]:
            return tuple(ind.model_copy(update={"judgment": judgment}) if ind is target else ind for ind in indicators)

        if self.goals:
            goals = tuple(goal.model_copy(update={"indicators": swap(goal.indicators)})
                          if any(ind is target for ind in goal.indicators) else goal for goal in self.goals)
            return self.model_copy(update={"goals": goals})
        return self.model_copy(update={"indicators": swap(self.indicators)})


#: Every field name a table's models know (for "did you mean" on an unknown one).
FIELD_NAMES: tuple[str, ...] = tuple(sorted(
    {name for model in (Evaluation, Funds, FundRow, Goal, Indicator, Judgment, Deduction, OverallTarget)
     for name in model.model_fields if name not in {"source", "places"}}))
