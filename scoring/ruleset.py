"""Rule-set settings: which rule scores each case, weights, rounding, tiers and grades.

``standard`` is scoring-rules.md §1–8. Later rule sets change settings or swap a
case's rule by name; the engine itself never changes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

from indicators.numbers import round_half_up, truncate

__all__ = ["Tier", "Grade", "RuleSet", "STANDARD", "BUILTIN", "get_ruleset"]


class Tier(BaseModel):
    """A qualitative judgment tier: a name, short aliases, and its share of 分值 [low, high]."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    aliases: tuple[str, ...] = ()
    low: Decimal
    high: Decimal


class Grade(BaseModel):
    """A grade band: totals at or above ``floor`` get ``name`` (the highest matching band wins)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    floor: Decimal
    name: str


class RuleSet(BaseModel):
    """Everything a rule set decides. Defaults are the ``standard`` rules."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = "standard"
    description: str = "标准规则：财预〔2020〕10号自评表通行做法（执行率×分值、正向按比例、反向超标不得分、定性三档）"
    #: case → name of the rule function in ``scoring.rules.RULES``
    cases: dict[str, str] = {
        "budget": "budget_line",
        "higher": "higher_is_better",
        "lower": "lower_is_better",
        "equal": "equal_as_higher",
        "range": "in_range",
        "yes_no": "yes_no",
        "date": "date_deadline",
        "qualitative": "qualitative",
    }
    line_places: int = 2
    line_rounding: Literal["half_up", "truncate"] = "half_up"
    total_places: int = 2
    total_rounding: Literal["half_up", "truncate"] = "half_up"
    # Central guidance for self-evaluation: 达成 100–80%, 部分达成 80–60%, 未达成 60–0%.
    tiers: tuple[Tier, ...] = (
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
    grades: tuple[Grade, ...] = (
        Grade(floor=Decimal(90), name="优"), Grade(floor=Decimal(80), name="良"),
        Grade(floor=Decimal(60), name="中"), Grade(floor=Decimal(0), name="差"),
    )
    pending_grade: str = "待定"

    def round_line(self, value: Decimal) -> Decimal:
        """Round one line's score as the rule set says (standard: 0.01, 四舍五入)."""
        return _round(value, self.line_places, self.line_rounding)

    def round_total(self, value: Decimal) -> Decimal:
        """Round the total as the rule set says."""
        return _round(value, self.total_places, self.total_rounding)

    def grade(self, total: Decimal) -> str:
        """The grade band of ``total``; 90 exactly is 优 (bands include their floor)."""
        for band in sorted(self.grades, key=lambda g: g.floor, reverse=True):
            if total >= band.floor:
                return band.name
        return self.grades[-1].name

    def find_tier(self, text: str) -> Tier | None:
        """The tier named by ``text`` (full name or alias), or None."""
        wanted = text.strip()
        for tier in self.tiers:
            if wanted == tier.name or wanted in tier.aliases:
                return tier
        return None


def _round(value: Decimal, places: int, mode: str) -> Decimal:
    return round_half_up(value, places) if mode == "half_up" else truncate(value, places)


STANDARD = RuleSet()

#: Rule sets shipped with perfscore, by name.
BUILTIN: dict[str, RuleSet] = {"standard": STANDARD}


def get_ruleset(name: str) -> RuleSet:
    """The built-in rule set called ``name``.

    Raises:
        KeyError: no such rule set (the message lists the known names).
    """
    try:
        return BUILTIN[name]
    except KeyError:
        raise KeyError(f"没有名为“{name}”的规则集；可用：{', '.join(sorted(BUILTIN))}") from None
