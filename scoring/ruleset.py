"""Rule sets: what each scoring case does, weights, rounding, tiers, caps and grades.

``standard`` is scoring-rules.md §1–8 (the model's defaults). Other rule sets are
YAML files that ``extends`` another and override a few keys; the ones shipped with
perfscore live in ``scoring/rulesets/``. Every formula is checked when the file
loads, so a mistake is reported at file:line before any table is scored.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from indicators.numbers import D, round_half_up, truncate
from indicators.problems import PerfscoreError, Problem, Source, did_you_mean
from indicators.yaml_nodes import LineMap, compose_documents

from .formulas import Formula, FormulaError, compile_formula, evaluate

__all__ = ["Tier", "Grade", "Band", "Cap", "Penalty", "RuleSet", "RuleSetError", "STANDARD", "builtin_names",
           "get_ruleset", "load_ruleset", "FORMULA_CASES"]

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
            raise ValueError(f"档次“{self.name}”的比例应满足 0 ≤ low ≤ high ≤ 1")
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
    #: case → built-in rule in scoring.rules.RULES
    cases: dict[str, str] = {
        "budget": "budget_line", "higher": "higher_is_better", "lower": "lower_is_better",
        "equal": "equal_as_higher", "range": "in_range", "yes_no": "yes_no", "date": "date_deadline",
        "qualitative": "qualitative",
    }
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
    #: Chinese wording a rule set wants instead of perfscore's: reason key → template (see docs/rules.md)
    wording: dict[str, str] = {}

    @field_validator("line_places", "total_places")
    @classmethod
    def _places(cls, value: int) -> int:
        if not 0 <= value <= 4:
            raise ValueError("小数位数应在 0 到 4 之间")
        return value

    @field_validator("formulas")
    @classmethod
    def _formulas(cls, value: dict[str, str]) -> dict[str, str]:
        for case, text in value.items():
            if case not in FORMULA_CASES:
                raise ValueError(f"没有名为“{case}”的公式情形{did_you_mean(case, FORMULA_CASES)}"
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
        from .rules import RULES  # the registry imports this module

        for case, rule in value.items():
            if rule not in RULES:
                raise ValueError(f"情形“{case}”的规则“{rule}”不存在{did_you_mean(rule, RULES)}")
        return value

    @cached_property
    def compiled(self) -> dict[str, Formula]:
        """The checked formulas, by case."""
        return {case: compile_formula(text) for case, text in self.formulas.items()}

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
        return sorted(self.grades, key=lambda g: g.floor)[0].name

    def find_tier(self, text: str) -> Tier | None:
        """The tier named by ``text`` (full name or alias), or None."""
        wanted = text.strip()
        for tier in self.tiers:
            if wanted == tier.name or wanted in tier.aliases:
                return tier
        return None

    def total_cap(self, rate_percent: Decimal | None) -> Decimal | None:
        """The cap on the total for this 执行率, or None."""
        if rate_percent is None:
            return None
        caps = [cap.max_total for cap in self.total_caps if rate_percent < cap.below]
        return min(caps) if caps else None

    def say(self, key: str, default: str, **fields: Any) -> str:
        """A reason sentence: the rule set's own wording for ``key`` if it has one, else ``default``."""
        template = self.wording.get(key)
        if not template:
            return default
        try:
            return template.format(**fields)
        except (KeyError, IndexError, ValueError):
            return default


def _round(value: Decimal, places: int, mode: str) -> Decimal:
    return round_half_up(value, places) if mode == "half_up" else truncate(value, places)


STANDARD = RuleSet()


def _package_files() -> dict[str, Any]:
    folder = resources.files("scoring") / "rulesets"
    return {entry.name.removesuffix(".yaml"): entry for entry in folder.iterdir() if entry.name.endswith(".yaml")}


def builtin_names() -> list[str]:
    """Names of the rule sets shipped with perfscore, ``standard`` first."""
    names = sorted(_package_files())
    return ["standard"] + [name for name in names if name != "standard"]


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and key in ("cases", "formulas", "wording",
                                                                                      "default_scheme"):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def _problem_message(error: dict[str, Any]) -> str:
    loc = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        name = str(error["loc"][-1])
        return f"未知的规则集字段“{name}”{did_you_mean(name, RuleSet.model_fields)}"
    if error["type"] == "missing":
        return f"缺少必填项 {loc}"
    cause = error.get("ctx", {}).get("error")
    text = str(cause) if cause is not None else error["msg"]
    given = error.get("input")
    return f"{loc}：{text}" + (f"（实际为“{given}”）" if error["type"] != "value_error" and given is not None else "")


def _load_text(text: str, file: str, seen: tuple[str, ...]) -> RuleSet:
    documents, problems = compose_documents(text, file)
    if problems:
        raise RuleSetError(problems)
    if len(documents) != 1 or not isinstance(documents[0][0], dict):
        raise RuleSetError([Problem(source=Source(file=file, line=1),
                                    message="规则集文件应是一个“键: 值”的映射（name、extends、formulas……）")])
    data, lines = documents[0]
    base_name = data.get("extends") or ("standard" if data.get("name") != "standard" else None)
    base: dict[str, Any] = {}
    if base_name:
        if base_name in seen:
            raise RuleSetError([Problem(source=Source(file=file, line=lines.line_of(("extends",))),
                                        message=f"规则集之间循环继承：{' → '.join(seen + (base_name,))}")])
        try:
            parent = _resolve(base_name, seen + (base_name,), relative_to=Path(file).parent)
        except KeyError as exc:
            raise RuleSetError([Problem(source=Source(file=file, line=lines.line_of(("extends",))),
                                        message=str(exc.args[0]))]) from None
        base = parent.model_dump(exclude={"extends"}, mode="python")
    entry_problems = _check_entries(data, lines, file)
    if entry_problems:
        raise RuleSetError(entry_problems)
    if base_name and "description" not in data:
        data = {**data, "description": f"基于“{base_name}”的规则集（文件中未写 description）"}
    merged = _merge(base, data)
    try:
        return RuleSet.model_validate(merged)
    except ValidationError as exc:
        problems = [Problem(source=Source(file=file, line=_line(lines, error["loc"])), message=_problem_message(error))
                    for error in exc.errors(include_url=False)]
        raise RuleSetError(problems) from None
    except FormulaError as exc:  # pragma: no cover - validators wrap it
        raise RuleSetError([Problem(source=Source(file=file, line=1), message=str(exc))]) from None


def _check_entries(data: dict[str, Any], lines: LineMap, file: str) -> list[Problem]:
    """Each formula and case rule checked on its own line, so every mistake is reported where it is."""
    problems: list[Problem] = []
    for field, check in (("formulas", RuleSet._formulas), ("cases", RuleSet._cases)):
        entries = data.get(field)
        if not isinstance(entries, dict):
            continue
        for key, value in entries.items():
            try:
                check({key: value})
            except (ValueError, FormulaError) as exc:
                problems.append(Problem(source=Source(file=file, line=lines.line_of((field, key))),
                                        message=f"{field}.{key}：{exc}"))
    return problems


def _line(lines: LineMap, loc: tuple) -> int | None:
    return lines.line_of(tuple(loc))


def _resolve(name: str, seen: tuple[str, ...], relative_to: Path | None = None) -> RuleSet:
    if name == "standard":
        return STANDARD
    files = _package_files()
    if name in files:
        return _load_text(files[name].read_text(encoding="utf-8"), f"scoring/rulesets/{name}.yaml", seen)
    path = Path(name)
    if relative_to is not None and not path.is_absolute() and not path.exists():
        path = relative_to / name
    if path.suffix in (".yaml", ".yml") and path.exists():
        return _load_text(path.read_text(encoding="utf-8"), str(name), seen)
    known = builtin_names()
    raise KeyError(f"没有名为“{name}”的规则集{did_you_mean(name, known, '用')}（内置：{'、'.join(known)}；"
                   f"也可以给出 .yaml 规则集文件的路径）")


def get_ruleset(name: str) -> RuleSet:
    """A built-in rule set by name, or a rule-set file by path.

    Raises:
        KeyError: no such rule set (the message suggests the nearest name).
        RuleSetError: the file has mistakes (each with file:line).
    """
    return _resolve(name, (name,))


def load_ruleset(path: str | Path) -> RuleSet:
    """Load a rule-set YAML file (``extends`` followed).

    Raises:
        RuleSetError: a missing file, YAML error, unknown key, bad formula … each with file:line.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RuleSetError([Problem(source=Source(file=str(path)), message="规则集文件不存在")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleSetError([Problem(source=Source(file=str(path)), message=f"无法读取规则集文件：{exc}")]) from None
    return _load_text(text, str(path), (str(path),))
