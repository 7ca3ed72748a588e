"""The rule-set model: what each scoring case does, weights, rounding, tiers, caps and grades.

``standard`` is docs/rules.md §1–8 (the model's defaults). This module holds the
model only; reading rule-set files (``extends``, file:line problems) is
``scoring/ruleset.py``, which also checks case rule names against the registry in
``scoring/rules.py`` — the model cannot import the registry, since the rules take a
:class:`RuleSet` (that import cycle is what this split removed).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from indicators.numbers import D, exact, round_half_up, truncate
from indicators.problems import InputError, PerfscoreError, Problem, did_you_mean

from .formulas import Formula, compile_formula, evaluate
from .reasons import WordingError, check_template, say

__all__ = ["Tier", "Grade", "Band", "Cap", "Penalty", "RuleSet", "RuleSetError", "UnknownRuleSet", "STANDARD",
           "FORMULA_CASES", "CASES", "DEFAULT_CASES"]

#: The cases a line is classified into (scoring/engine.py ``classify``); a rule set names a rule for each.
CASES = ("budget", "higher", "lower", "equal", "range", "yes_no", "date", "qualitative")
#: The standard rule of each case (names in scoring.rules.RULES).
DEFAULT_CASES: dict[str, str] = {
    "budget": "budget_line", "higher": "higher_is_better", "lower": "lower_is_better",
    "equal": "equal_as_higher", "range": "in_range", "yes_no": "yes_no", "date": "date_deadline",
    "qualitative": "qualitative",
}

#: Cases a formula may take over, and the names each provides (see scoring/rules.py).
FORMULA_CASES: dict[str, tuple[str, ...]] = {
    "higher_short": ("weight", "target", "actual", "ratio"),
    "over": ("weight", "target", "actual", "ratio"),
    "lower_exceeded": ("weight", "target", "actual", "ratio"),
    "equal": ("weight", "target", "actual", "ratio"),
    "range_outside": ("weight", "actual", "lower", "upper"),
    "yes_no_mismatch": ("weight",),
    "date_late": ("weight", "late_days", "late_months"),
    "budget": ("weight", "rate", "budget", "executed"),
}
_ALIASES = {"分值": "weight", "目标": "target", "指标值": "target", "实际": "actual", "实际值": "actual",
            "完成率": "ratio", "执行率": "rate", "预算数": "budget", "执行数": "executed"}


class RuleSetError(PerfscoreError, ValueError):
    """A rule set that cannot be loaded; ``problems`` say where and why, in Chinese."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.source}: {p.message}" for p in problems))
        self.problems = problems


class UnknownRuleSet(PerfscoreError, KeyError):
    """No built-in rule set and no rule-set file of that name; the message suggests the nearest name.

    A ``KeyError`` too, so ``except KeyError`` written before this class existed still works.
    """

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Tier(_Frozen):
    """A qualitative tier: a name, aliases, and its share of 分值 [low, high] (low == high: a fixed fraction)."""

    name: str
    aliases: tuple[str, ...] = ()
    low: Decimal
    high: Decimal

    @model_validator(mode="after")
    def _ordered(self) -> "Tier":
        if not (0 <= self.low <= self.high <= 1):
            raise InputError(f"档次“{self.name}”的比例应满足 0 ≤ low ≤ high ≤ 1")
        return self


class Grade(_Frozen):
    """Totals at or above ``floor`` get ``name`` (the highest matching band wins)."""

    floor: Decimal
    name: str


class Band(_Frozen):
    """Banded budget scoring: 执行率 at or above ``min_rate`` (a percentage) earns ``fraction`` of 分值."""

    min_rate: Decimal
    fraction: Decimal


class Cap(_Frozen):
    """A cap on the table's total when 执行率 (a percentage) is below ``below``."""

    below: Decimal
    max_total: Decimal


class Penalty(_Frozen):
    """指标偏离: an actual at least ``threshold`` percent above its target loses ``points``."""

    threshold: Decimal = Decimal(30)
    points: Decimal = Decimal(2)


class RuleSet(_Frozen):
    """Everything a rule set decides. The defaults are the ``standard`` rules."""

    name: str = "standard"
    description: str = "标准规则：财预〔2020〕10号自评表通行做法（执行率×分值、正向按比例、反向超标不得分、定性三档）"
    extends: str | None = None
    #: case → built-in rule in scoring.rules.RULES (rule names are checked where the registry is
    #: known: by the loader in scoring/ruleset.py and by the engine)
    cases: dict[str, str] = dict(DEFAULT_CASES)
    #: formula case (see FORMULA_CASES) → expression; a formula replaces that branch of the built-in rule
    formulas: dict[str, str] = {}
    budget_in_total: bool = True
    budget_scoring: Literal["proportional", "banded"] = "proportional"
    budget_bands: tuple[Band, ...] = ()
    budget_rate: Literal["computed", "printed"] = "computed"
    total_caps: tuple[Cap, ...] = ()
    deviation_penalty: Penalty | None = None
    not_applicable: Literal["skip", "rescale"] = "skip"
    line_places: int = 2
    line_rounding: Literal["half_up", "truncate"] = "half_up"
    total_places: int = 2
    total_rounding: Literal["half_up", "truncate"] = "half_up"
    # Central guidance for self-evaluation: 达成 100–80%, 部分达成 80–60%, 未达成 60–0%.
    tiers: Annotated[tuple[Tier, ...], Field(min_length=1)] = (
        Tier(name="达成预期指标", aliases=("达成", "达成预期", "完成"), low=Decimal("0.8"), high=Decimal("1")),
        Tier(name="部分达成并具有一定效果", aliases=("部分达成", "基本达成", "基本完成"),
             low=Decimal("0.6"), high=Decimal("0.8")),
        Tier(name="未达成且效果较差", aliases=("未达成", "未完成"), low=Decimal("0"), high=Decimal("0.6")),
    )
    #: 财预〔2020〕10号 default weights for a table with none: budget line and first-level groups.
    default_scheme: dict[str, Decimal] = {
        "预算执行率": Decimal(10), "产出指标": Decimal(50), "效益指标": Decimal(30), "满意度指标": Decimal(10),
    }
    #: first-level names counted under another scheme group (成本 is scored under 产出).
    scheme_aliases: dict[str, str] = {"成本指标": "产出指标"}
    grades: Annotated[tuple[Grade, ...], Field(min_length=1)] = (
        Grade(floor=Decimal(90), name="优"), Grade(floor=Decimal(80), name="良"),
        Grade(floor=Decimal(60), name="中"), Grade(floor=Decimal(0), name="差"),
    )
    pending_grade: str = "待定"
    #: Chinese wording a rule set wants instead of perfscore's: sentence key → template with plain
    #: ``{field}`` names (keys and fields: docs/wording.md, scoring/reasons.py)
    wording: dict[str, str] = {}

    @field_validator("line_places", "total_places")
    @classmethod
    def _places(cls, value: int) -> int:
        if not 0 <= value <= 4:
            raise InputError("小数位数应在 0 到 4 之间")
        return value

    @field_validator("formulas")
    @classmethod
    def _formulas(cls, value: dict[str, str]) -> dict[str, str]:
        for case, text in value.items():
            if case not in FORMULA_CASES:
                raise InputError(f"没有名为“{case}”的公式情形{did_you_mean(case, FORMULA_CASES)}"
                                 f"（可用：{'、'.join(FORMULA_CASES)}）")
            allowed = frozenset(FORMULA_CASES[case]) | {k for k, v in _ALIASES.items() if v in FORMULA_CASES[case]}
            formula = compile_formula(text, allowed)
            # A trial run on ordinary values catches what only evaluation shows (9**9**9, 1/0 constants).
            evaluate(formula, {"weight": D(10), "target": D(100), "actual": D(80), "ratio": D("0.8"),
                               "lower": D(1), "upper": D(2), "rate": D("0.9"), "budget": D(100),
                               "executed": D(90), "late_days": D(10), "late_months": D(1)})
        return value

    @field_validator("cases")
    @classmethod
    def _cases(cls, value: dict[str, str]) -> dict[str, str]:
        for case in value:
            if case not in CASES:
                raise InputError(f"没有名为“{case}”的情形{did_you_mean(case, CASES)}（可用：{'、'.join(CASES)}）")
        # A case the rule set does not name keeps its standard rule (RuleSet(cases={"lower": …})).
        return {**DEFAULT_CASES, **value}

    @field_validator("wording")
    @classmethod
    def _wording(cls, value: dict[str, str]) -> dict[str, str]:
        # Only plain {field} templates: '{actual:>300000000}' would allocate gigabytes when said.
        for key, template in value.items():
            try:
                check_template(key, template)
            except WordingError as exc:
                raise InputError(f"措辞“{key}”：{exc}") from None
        return value

    @model_validator(mode="after")
    def _bands(self) -> "RuleSet":
        if self.budget_scoring == "banded" and not self.budget_bands:
            raise InputError("budget_scoring 为 banded（分档计分）时须给出 budget_bands")
        return self

    @cached_property
    def compiled(self) -> dict[str, Formula]:
        """The checked formulas, by case."""
        return {case: compile_formula(text) for case, text in self.formulas.items()}

    def round_line(self, value: Decimal | Fraction) -> Decimal:
        """Round one line's score as the rule set says (standard: 0.01, 四舍五入), exactly, once."""
        return _round(value, self.line_places, self.line_rounding)

    def round_total(self, value: Decimal | Fraction) -> Decimal:
        """Round the total as the rule set says."""
        return _round(value, self.total_places, self.total_rounding)

    def grade(self, total: Decimal) -> str:
        """The grade band of ``total``; 90 exactly is 优 (bands include their floor)."""
        for band in sorted(self.grades, key=lambda g: g.floor, reverse=True):
            if total >= band.floor:
                return band.name
        return sorted(self.grades, key=lambda g: g.floor)[0].name

    def find_tier(self, text: str) -> Tier | None:
        """The tier named by ``text`` (full name or alias), or None."""
        wanted = text.strip()
        for tier in self.tiers:
            if wanted == tier.name or wanted in tier.aliases:
                return tier
        return None

    def total_cap(self, rate_percent: Decimal | Fraction | None) -> Decimal | None:
        """The cap on the total for this 执行率 (a percentage, best given exactly), or None."""
        if rate_percent is None:
            return None
        rate = exact(rate_percent)
        caps = [cap.max_total for cap in self.total_caps if rate < exact(cap.below)]
        return min(caps) if caps else None

    def say(self, key: str, default: str | None = None, **fields: Any) -> str:
        """Sentence ``key`` in this rule set's wording (see :func:`scoring.reasons.say`).

        ``default`` is kept for callers written before every sentence was registered: it is
        returned for a key this rule set does not reword. Fields are substituted as text only.
        """
        if default is not None and key not in self.wording:
            return default
        return say(self.wording, key, **fields)


def _round(value: Decimal | Fraction, places: int, mode: str) -> Decimal:
    return round_half_up(value, places) if mode == "half_up" else truncate(value, places)


STANDARD = RuleSet()
