"""Hypothesis strategies for self-evaluation tables (自评表), built directly from the models.

Everything numeric is a ``Decimal`` with 2 places; targets and actuals are TEXT as an
officer writes them (``≥95%``, ``600盒以上``, ``25``), formatted from a Decimal with
``f"{d:f}"`` so that no float is ever involved. Tables stay small (≤ 8 lines).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction

from hypothesis import assume
from hypothesis import strategies as st

from indicators.model import Deduction, Evaluation, Funds, Goal, Indicator, Judgment, Kind, Nature

__all__ = [
    "UNITS", "HIGHER_OPS", "LOWER_OPS", "amounts", "positive_amounts", "weights", "names", "units",
    "QuantSpec", "quant_specs", "quant_indicators", "qualitative_indicators", "pending_qualitative",
    "indicators", "funds", "evaluations", "goal_tables", "fmt", "sheet_xml", "sheet_rows",
    "EXACT_KINDS", "ExactCase", "tie_scores", "ratio_pair", "tie_partner", "exact_cases", "scheme_tables",
]

#: 计量单位 the quantitative lines use.
UNITS = ("%", "家", "次", "万元", "人")

#: How an officer writes "at least" / "at most": (text before the number, text after the unit).
HIGHER_OPS: tuple[tuple[str, str], ...] = (("≥", ""), (">", ""), ("不低于", ""), ("不少于", ""), ("", "以上"))
LOWER_OPS: tuple[tuple[str, str], ...] = (("≤", ""), ("<", ""), ("不超过", ""), ("不高于", ""), ("", "以内"),
                                          ("", "以下"))

LEVELS = (("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"), ("成本指标", "经济成本指标"),
          ("效益指标", "社会效益指标"), ("满意度指标", "服务对象满意度指标"))

QUALITATIVE_TARGETS = ("有效保障", "持续提高", "显著提升", "进一步提升", "稳步推进")

#: Largest amount written in a target or actual (万元, 人, 次 … all fit).
AMOUNT_MAX = Decimal("20000")


def fmt(d: Decimal) -> str:
    """A Decimal as an officer writes it, without going through float: ``Decimal('18.83')`` → ``'18.83'``."""
    return f"{d:f}"


def amounts(min_value: Decimal | str | int = 0, max_value: Decimal | str | int = AMOUNT_MAX) -> st.SearchStrategy[Decimal]:
    """Decimal amounts with 2 places in [min_value, max_value]."""
    return st.decimals(min_value=Decimal(min_value), max_value=Decimal(max_value), places=2,
                       allow_nan=False, allow_infinity=False)


def positive_amounts(max_value: Decimal | str | int = AMOUNT_MAX) -> st.SearchStrategy[Decimal]:
    return amounts(Decimal("0.01"), max_value)


def weights() -> st.SearchStrategy[Decimal]:
    """A line's 分值: 0.5–30, 2 places."""
    return amounts(Decimal("0.5"), Decimal(30))


def names() -> st.SearchStrategy[str]:
    """A random Chinese 三级指标 name."""
    return st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=1, max_size=8)


def units() -> st.SearchStrategy[str]:
    return st.sampled_from(UNITS)


@dataclass(frozen=True)
class QuantSpec:
    """A quantitative line before it is written down, so a test can rewrite one field.

    ``higher`` is the direction the line is scored in: from 指标性质 when given, else from
    the comparison written into the target (``nature=None`` always writes one).
    """

    name: str
    higher: bool
    nature: Nature | None
    prefix: str  # comparison written before the number ("≥", "不超过", "")
    suffix: str  # comparison written after the unit ("以上", "以内", "")
    unit: str
    unit_in_target: bool
    unit_in_actual: bool
    direction: str | None  # 指标方向 column, consistent with the direction
    target: Decimal
    actual: Decimal
    weight: Decimal | None
    level1: str = "产出指标"
    level2: str = "数量指标"
    deductions: tuple[Deduction, ...] = ()

    @property
    def strict(self) -> bool:
        """The table states a strict comparison (> <, 大于, 低于 …): equality does not meet it."""
        from indicators.values import Comparison, parse_comparison_word, parse_value

        stated = parse_comparison_word(self.direction) or parse_value(self.target_text).comparison
        return stated in (Comparison.GT, Comparison.LT)

    @property
    def target_text(self) -> str:
        unit = self.unit if self.unit_in_target or self.suffix else ""
        return f"{self.prefix}{fmt(self.target)}{unit}{self.suffix}"

    @property
    def actual_text(self) -> str:
        return f"{fmt(self.actual)}{self.unit if self.unit_in_actual else ''}"

    def with_actual(self, actual: Decimal) -> "QuantSpec":
        return replace(self, actual=actual)

    def with_weight(self, weight: Decimal | None) -> "QuantSpec":
        return replace(self, weight=weight)

    def indicator(self) -> Indicator:
        return Indicator(level1=self.level1, level2=self.level2, name=self.name, nature=self.nature,
                         direction=self.direction, target=self.target_text, actual=self.actual_text,
                         unit=self.unit, weight=self.weight, deductions=self.deductions)


@st.composite
def quant_specs(draw, higher: bool | None = None, nature_given: bool | None = None,
                target=None, actual=None, weight=None, with_deductions: bool = False) -> QuantSpec:
    """A quantitative line: 正向 / 反向, or no 指标性质 with ≥/≤ (in symbol or words) in the target."""
    higher = draw(st.booleans()) if higher is None else higher
    nature_given = draw(st.booleans()) if nature_given is None else nature_given
    ops = HIGHER_OPS if higher else LOWER_OPS
    if nature_given:
        nature = Nature.POSITIVE if higher else Nature.NEGATIVE
        prefix, suffix = draw(st.sampled_from((("", ""),) + ops))
        words = ("大于等于", "等于") if higher else ("小于等于",)
        direction = draw(st.none() | st.sampled_from(words))
    else:
        nature = None
        prefix, suffix = draw(st.sampled_from(ops))
        direction = None
    level1, level2 = draw(st.sampled_from(LEVELS))
    weight_value = draw(weights() if weight is None else weight)
    deductions: tuple[Deduction, ...] = ()
    if with_deductions:
        deductions = tuple(draw(st.lists(
            st.builds(Deduction, points=positive_amounts(Decimal(40)), reason=names()), max_size=2)))
    return QuantSpec(
        name=draw(names()), higher=higher, nature=nature, prefix=prefix, suffix=suffix, unit=draw(units()),
        unit_in_target=draw(st.booleans()), unit_in_actual=draw(st.booleans()), direction=direction,
        target=draw(amounts() if target is None else target), actual=draw(amounts() if actual is None else actual),
        weight=weight_value, level1=level1, level2=level2, deductions=deductions,
    )


def quant_indicators(**kwargs) -> st.SearchStrategy[Indicator]:
    return quant_specs(**kwargs).map(QuantSpec.indicator)


@st.composite
def qualitative_indicators(draw, weight=None, judged: bool = True) -> Indicator:
    """A 定性 line. With ``judged`` it carries a recorded score in [0, 分值] or an explicit judgment."""
    w = draw(weights() if weight is None else weight)
    level1, level2 = draw(st.sampled_from(LEVELS[4:]))
    target = draw(st.sampled_from(QUALITATIVE_TARGETS))
    recorded = judgment = None
    if judged:
        how = draw(st.sampled_from(("recorded", "fraction", "score", "tier")))
        if how == "recorded":
            recorded = draw(amounts(0, w))
        elif how == "fraction":
            judgment = Judgment(fraction=draw(amounts(0, 1)), reason="评价人判断")
        elif how == "score":
            judgment = Judgment(score=draw(amounts(0, w)), reason="评价人判断")
        else:
            judgment = Judgment(tier=draw(st.sampled_from(("达成预期指标", "部分达成并具有一定效果", "未达成且效果较差"))))
    return Indicator(level1=level1, level2=level2, name=draw(names()), nature=Nature.QUALITATIVE, target=target,
                     actual=f"{target}，{draw(names())}", weight=w, recorded=recorded, judgment=judgment)


def pending_qualitative(weight=None) -> st.SearchStrategy[Indicator]:
    """A 定性 line with neither a judgment nor a recorded score."""
    return qualitative_indicators(weight=weight, judged=False)


def indicators(with_deductions: bool = False) -> st.SearchStrategy[Indicator]:
    """Any line with its own 分值: quantitative (most) or judged qualitative."""
    return st.one_of(quant_indicators(with_deductions=with_deductions), quant_indicators(),
                     qualitative_indicators())


@st.composite
def funds(draw, budget=None, executed=None, weight=None) -> Funds:
    """A budget-execution block; its 分值 is 10 (财政部 form), 20 (湖北/武汉) or any 0.5–30."""
    w = draw(st.sampled_from((Decimal(10), Decimal(20))) | weights() if weight is None else weight)
    return Funds(weight=w, budget=draw(positive_amounts() if budget is None else budget),
                 executed=draw(amounts() if executed is None else executed))


@st.composite
def evaluations(draw, lines=None, goals: bool | None = None, with_funds: bool | None = None,
                max_lines: int = 7) -> Evaluation:
    """A whole table: a budget line (or none) and 1–7 indicator lines, in goals or not.

    Every line carries its own 分值, so the table does not depend on weight splitting.
    """
    items = draw(st.lists(indicators() if lines is None else lines, min_size=1, max_size=max_lines))
    use_goals = draw(st.booleans()) if goals is None else goals
    use_funds = draw(st.booleans()) if with_funds is None else with_funds
    kind = draw(st.sampled_from(Kind))
    funds_block = draw(funds()) if use_funds else None
    if not use_goals:
        return Evaluation(kind=kind, title=draw(names()), funds=funds_block, indicators=tuple(items))
    cuts = sorted(draw(st.sets(st.integers(1, len(items) - 1), max_size=2))) if len(items) > 1 else []
    bounds = [0, *cuts, len(items)]
    goal_list = tuple(
        Goal(name=f"年度目标{n + 1}", weight=draw(st.none() | weights()), indicators=tuple(items[a:b]))
        for n, (a, b) in enumerate(zip(bounds, bounds[1:]))
    )
    return Evaluation(kind=kind, title=draw(names()), funds=funds_block, goals=goal_list)


@st.composite
def goal_tables(draw, goal_weight=None, count=None) -> tuple[Evaluation, Decimal, int]:
    """A table with one goal carrying 分值 W and n (1–7) lines without 分值: (table, W, n)."""
    w = draw(amounts(1, 100) if goal_weight is None else goal_weight)
    n = draw(st.integers(1, 7) if count is None else count)
    lines = tuple(draw(quant_indicators(weight=st.none())) for _ in range(n))
    use_funds = draw(st.booleans())
    table = Evaluation(kind=Kind.DEPARTMENT, title=draw(names()), funds=draw(funds()) if use_funds else None,
                       goals=(Goal(name="年度目标1", weight=w, indicators=lines),))
    return table, w, n


# --------------------------------------------------------------------------- sheet XML

_SHEET_CELLS = (
    "number",  # <c r s><v>1.5</v></c>
    "text",  # <c r s t="s"><v>3</v></c>
    "empty",  # <c r s/>
    "error",  # <c r t="e"><v>#DIV/0!</v></c>
    "error-formula",  # <c r t="e"><f>1/0</f><v>#DIV/0!</v></c>
    "formula",  # <c r><f>A1*2</f><v>3</v></c>
    "formula-no-value",  # <c r><f>A1*2</f></c>
    "formula-empty-value",  # <c r><f>A1*2</f><v></v></c>
    "inline-formula",  # <c r t="inlineStr"><f>A1</f><is><t>x</t></is></c>
)


@st.composite
def sheet_xml(draw) -> tuple[bytes, dict[str, str], set[str]]:
    """A worksheet part as Excel, WPS or openpyxl write it, with what a reader must find in it.

    Returns the XML and the expected error texts by cell and percent-styled cells (style 9 is a
    percent format). Cells carry their attributes in any order and some self-close; a sheet may
    have ``<cols>``, conditional formatting and data validation whose ``<formula>`` elements are
    outside every cell, and are not formulas of a cell.
    """
    rows = draw(st.integers(1, 4))
    errors: dict[str, str] = {}
    percent: set[str] = set()
    parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">']
    if draw(st.booleans()):
        parts.append('<cols><col min="1" max="2" width="9" customWidth="1"/></cols>')
    parts.append("<sheetData>")
    for r in range(1, rows + 1):
        parts.append(f'<row r="{r}">')
        for c in "ABCD"[:draw(st.integers(1, 4))]:
            ref = f"{c}{r}"
            kind = draw(st.sampled_from(_SHEET_CELLS))
            style = draw(st.sampled_from([None, 0, 9, 19, 90]))
            attrs = [f'r="{ref}"'] + ([f's="{style}"'] if style is not None else [])
            if kind in ("error", "error-formula"):
                attrs.append('t="e"')
            elif kind == "text":
                attrs.append('t="s"')
            elif kind == "inline-formula":
                attrs.append('t="inlineStr"')
            attrs = draw(st.permutations(attrs))
            body = {"number": "<v>1.5</v>", "text": "<v>3</v>", "empty": None, "error": "<v>#DIV/0!</v>",
                    "error-formula": "<f>1/0</f><v>#DIV/0!</v>", "formula": "<f>A1*2</f><v>3</v>",
                    "formula-no-value": "<f>A1*2</f>", "formula-empty-value": "<f>A1*2</f><v></v>",
                    "inline-formula": "<f>A1</f><is><t>x</t></is>"}[kind]
            space = draw(st.sampled_from([" ", "\n  "]))
            tag = f"<c{space}{' '.join(attrs)}"
            parts.append(f"{tag}/>" if body is None else f"{tag}>{body}</c>")
            if style == 9:
                percent.add(ref)
            if kind in ("error", "error-formula"):
                errors[ref] = "#DIV/0!"
            elif kind in ("formula-no-value", "formula-empty-value"):
                errors[ref] = "公式没有计算结果"
        parts.append("</row>")
    parts.append("</sheetData>")
    if draw(st.booleans()):
        parts.append('<conditionalFormatting sqref="A1:D4"><cfRule type="expression" dxfId="0" priority="1">'
                     '<formula>A1&gt;0</formula></cfRule></conditionalFormatting>')
    if draw(st.booleans()):
        parts.append('<dataValidations count="1"><dataValidation type="list" sqref="B2">'
                     '<formula1>"是,否"</formula1></dataValidation></dataValidations>')
    parts.append("</worksheet>")
    return "".join(parts).encode(), errors, percent


# --------------------------------------------------------------------------- rows of a sheet, as read


def _sheet_words() -> list[str]:
    from indicators.xlsx.headers import FUNDS_COLUMNS, INDICATOR_COLUMNS, LABELS, STOP_WORDS

    words = [word for table in (INDICATOR_COLUMNS, FUNDS_COLUMNS) for names in table.values() for word in names]
    return words + list(LABELS) + list(STOP_WORDS) + [
        "年度目标1(30分)", "年度目标 2：", "年度绩效目标", "年度总体目标", "预期目标", "实际完成情况", "项目支出绩效自评表",
        "单位名称：乌海市医疗保障局", "其中：当年财政拨款", "产出指标（50分）", "数量指标(8分)", "指标1:培训人次",
        "开展打击欺诈骗保专项治理", "正向", "大于等于", "小于等于", "项", "年", "≥95%", "4,342.32", "—", "是",
        "一是印发《关于加强定点零售药店及诊所管理的通知》，进一步明确属地管理责任分工，推进市区一体化监管合力",
    ]


@st.composite
def sheet_rows(draw) -> list[list[object]]:
    """Rows of a sheet as the xlsx reader holds them: header words, labels, marks and content
    (spaced, full-width, with notes), numbers and empty cells, a merged value repeated."""
    words = _sheet_words()
    text = st.sampled_from(words).flatmap(lambda word: st.sampled_from([
        word, f" {word} ", word.replace("(", "（").replace(")", "）"), f"{word}（万元）", f"{word}\n", f"　{word}",
        " ".join(word)]))
    value = st.one_of(st.none(), text, amounts().map(lambda d: d), st.sampled_from(["\u200b", "(注)"]))
    rows = []
    for _ in range(draw(st.integers(1, 4))):
        row = draw(st.lists(value, min_size=1, max_size=8))
        if draw(st.booleans()) and any(v is not None for v in row):
            merged = next(v for v in row if v is not None)  # a merged range holds one object in each cell
            row = [merged if v is not None and draw(st.booleans()) else v for v in row]
        rows.append(row)
    return rows


@st.composite
def merged_sheet(draw) -> tuple[list[list[object]], list[tuple[tuple[int, int], tuple[int, int]]]]:
    """A sheet as python-calamine returns it (rows of '', text and floats, some repeated) and
    merged ranges that do not overlap, some reaching past the used area."""
    height, width = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    value = st.one_of(st.just(""), st.sampled_from(["甲", "乙", " ", "合计"]), st.sampled_from([5.0, 0.5, 5.0]))
    rows = [[draw(value) for _ in range(width)] for _ in range(height)]
    taken: set[tuple[int, int]] = set()
    merged = []
    for _ in range(draw(st.integers(0, 5))):
        r0, c0 = draw(st.integers(0, height)), draw(st.integers(0, width))
        r1, c1 = r0 + draw(st.integers(0, 3)), c0 + draw(st.integers(0, 3))
        cells = {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        if (r1, c1) != (r0, c0) and not cells & taken:
            taken |= cells
            merged.append(((r0, c0), (r1, c1)))
    return rows, merged


# --------------------------------------------------------------------------- exact scores (issue 21)
#
# A rounding bug hides at ties: a line whose exact score is x.xx5 rounds up under 四舍五入, and
# any ratio cut to 28 digits before it is scaled lands a hair below the tie and rounds down
# (12.61 × 0.81 / 5.82 = 1.755 exactly). Drawing numbers at random almost never hits a tie, so
# these strategies draw the tie first and then the weight, target and actual that produce it.

#: The scoring cases the exact oracle covers (tests/test_exact.py).
EXACT_KINDS = ("higher", "lower", "lower_proportional", "equal", "closer", "range", "budget", "budget_banded",
               "budget_printed", "judged_fraction")


@dataclass(frozen=True)
class ExactCase:
    """One line to score, described by numbers only; the test builds the table and the oracle.

    ``kind`` names the rule branch; ``target``/``actual`` are the line's numbers (for the budget
    line: 预算数 and 执行数); ``low``/``high`` a range target; ``printed`` the 执行率 the table
    printed (a percentage); ``band`` a banded-scoring (min_rate %, fraction) pair; ``fraction``
    an evaluator's judgment as a share of 分值; ``deductions`` manual deductions in points.
    """

    kind: str
    weight: Decimal
    target: Decimal = Decimal(0)
    actual: Decimal = Decimal(0)
    low: Decimal | None = None
    high: Decimal | None = None
    printed: Decimal | None = None
    band: tuple[Decimal, Decimal] | None = None
    fraction: Decimal | None = None
    deductions: tuple[Decimal, ...] = ()
    nature: Nature | None = None


def _decimal(value: Fraction) -> Decimal:
    """A Fraction whose denominator divides a power of ten, as the Decimal an officer would write."""
    places = 0
    while (value * 10 ** places).denominator != 1:
        places += 1
    return Decimal(int(value * 10 ** places)).scaleb(-places)


def _terminates(value: Fraction) -> bool:
    d = value.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


@st.composite
def tie_scores(draw, below: Decimal) -> Fraction:
    """An exact score x.xx5 in (0, ``below``): the value 四舍五入 must round up."""
    cents = int(below * 100)
    assume(cents >= 1)
    return Fraction(10 * draw(st.integers(0, cents - 1)) + 5, 1000)


@st.composite
def ratio_pair(draw, ratio: Fraction, max_value: int = 10 ** 6) -> tuple[Decimal, Decimal]:
    """Decimals (p, q) with p / q exactly ``ratio``: scaled copies of its numerator and denominator."""
    m = draw(st.integers(1, 60))
    e = draw(st.integers(0, 3))
    p, q = Fraction(ratio.numerator * m, 10 ** e), Fraction(ratio.denominator * m, 10 ** e)
    assume(q <= max_value and p <= max_value)
    return _decimal(p), _decimal(q)


@st.composite
def tie_partner(draw, weight: Decimal, places: int, max_value: Fraction) -> Decimal:
    """A decimal x with ``places`` places, 0 < x ≤ ``max_value``, such that 分值 × x is x.xx5
    when such an x exists (else any x in range).

    With w = W/100 and x = X/10^places, w × x is a tie when W × X = 5 × 10^(places−1) × odd.
    """
    big_w = int(weight * 100)
    t = 5 * 10 ** (places - 1)
    g = math.gcd(big_w, t)
    bound = max_value * 10 ** places
    if (big_w // g) % 2 == 1:
        unit = t // g  # X = unit × odd u
        top = int(bound // unit)
        if top >= 1:
            u = draw(st.integers(0, (top - 1) // 2)) * 2 + 1
            return Decimal(unit * u).scaleb(-places)
    return Decimal(draw(st.integers(1, max(int(bound), 1)))).scaleb(-places)


@st.composite
def exact_cases(draw, kinds: tuple[str, ...] = EXACT_KINDS, ties: bool | None = None) -> ExactCase:
    """A line of any scoring case, most often built to land exactly on an x.xx5 score."""
    kind = draw(st.sampled_from(kinds))
    tie = draw(st.booleans()) if ties is None else ties
    w = draw(weights())
    if kind in ("budget_printed", "budget_banded", "judged_fraction"):
        places = draw(st.integers(1, 4))
        # A share of 分值 (0–1) that makes 分值 × share a tie when one exists.
        share = draw(tie_partner(w, places + 2 if kind == "budget_printed" else places, Fraction(1)))
        if kind == "budget_printed":  # the printed 执行率 is share as a percentage (75.3215%)
            budget = draw(positive_amounts())
            return ExactCase(kind, w, target=budget, actual=draw(amounts(0, budget)), printed=share * 100)
        if kind == "budget_banded":  # 预算数 100, so 执行数 is the rate in percent
            return ExactCase(kind, w, target=D100, actual=draw(amounts(0, 120)),
                             band=(draw(amounts(0, 100)), share))
        return ExactCase(kind, w, fraction=share)
    deductions: tuple[Decimal, ...] = ()
    if kind in ("higher", "equal", "closer", "lower_proportional", "range") and draw(st.booleans()):
        deductions = tuple(draw(st.lists(amounts("0.01", w), max_size=2)))
    if not tie:
        return _free_case(draw, kind, w, deductions)
    room = w - sum(deductions, Decimal(0))
    if room <= Decimal("0.01"):
        deductions, room = (), w
    final = draw(tie_scores(room))
    # The rule's own score: the tie plus what the deductions take away (still below 分值).
    rule = final + sum((Fraction(d) for d in deductions), Fraction(0))
    ratio = rule / Fraction(w)
    assume(0 < ratio < 1)
    p, q = draw(ratio_pair(ratio))
    nature = draw(st.sampled_from((None, Nature.POSITIVE))) if kind == "higher" else None
    if kind in ("higher", "equal"):
        return ExactCase(kind, w, target=q, actual=p, deductions=deductions, nature=nature)
    if kind == "lower_proportional":  # 分值 × 目标 / 实际
        return ExactCase(kind, w, target=p, actual=q, deductions=deductions)
    if kind == "closer":  # actual above: 分值 × (2 × 目标 − 实际) / 目标
        above = draw(st.booleans())
        actual = p if not above else _decimal(2 * Fraction(q) - Fraction(p))
        return ExactCase(kind, w, target=q, actual=actual, deductions=deductions)
    if kind == "range":
        if draw(st.booleans()):  # below the lower bound: 分值 × 实际 / 下限
            return ExactCase(kind, w, actual=p, low=q, high=q + draw(amounts()), deductions=deductions)
        return ExactCase(kind, w, actual=q, low=draw(amounts(0, p)), high=p, deductions=deductions)
    if kind == "budget":  # 分值 × 执行数 / 预算数
        return ExactCase(kind, w, target=q, actual=p)
    # lower (standard): exceeded → 0; met → full
    return ExactCase(kind, w, target=q, actual=draw(st.sampled_from((p, q + p))), nature=draw(
        st.sampled_from((None, Nature.NEGATIVE))))


D100 = Decimal(100)


def _free_case(draw, kind: str, w: Decimal, deductions: tuple[Decimal, ...]) -> ExactCase:
    """A case with any numbers (met, short, over): the oracle must agree everywhere, not only at ties."""
    target, actual = draw(positive_amounts()), draw(amounts())
    if kind == "range":
        low = draw(amounts())
        return ExactCase(kind, w, actual=actual, low=low, high=low + draw(amounts()), deductions=deductions)
    if kind == "budget":
        return ExactCase(kind, w, target=target, actual=actual)
    nature = None
    if kind == "higher":
        nature = draw(st.sampled_from((None, Nature.POSITIVE)))
    elif kind == "lower":
        nature = draw(st.sampled_from((None, Nature.NEGATIVE)))
    return ExactCase(kind, w, target=target, actual=actual, deductions=deductions, nature=nature)


@st.composite
def scheme_tables(draw) -> tuple[dict[str, Decimal], Decimal, tuple[int, int, int]]:
    """A default scheme (产出/效益/满意度 weights), a printed budget 分值 and how many lines each
    group holds, chosen so that pool × weight / sum often lands on x.xx5."""
    total = draw(st.sampled_from((Decimal(50), Decimal(80), Decimal(90), Decimal(100), Decimal(125),
                                  Decimal(160), Decimal(200))))
    first = draw(amounts("0.01", total - Decimal("0.02")))
    second = draw(amounts("0.01", total - first - Decimal("0.01")))
    groups = {"产出指标": first, "效益指标": second, "满意度指标": total - first - second}
    budget = draw(amounts("0.01", "99.99"))
    counts = (draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    return groups, budget, counts


# ============================================================================ hostile input (issue 19)
# Mutations of real inputs for tests/test_fuzz.py: a workbook part's XML or a YAML file's bytes, cut,
# repeated, flipped, or given a hostile snippet (far cells, entities, aliases, deep nesting, huge
# numbers, bad references). Kept in this one block; other strategies stay above it.

#: Snippets a hostile or broken workbook part may hold.
HOSTILE_XML = (
    b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
    b'<c r="XFD1"><v>1</v></c>', b'<c r="A1048577"><v>1</v></c>', b'<c r="ZZZZ9"><v>1</v></c>',
    b'<c r="B2" t="s"><v>999999</v></c>', b'<c r="B2" t="e"><v>#DIV/0!</v></c>', b'<c r="B2"><f>1/0</f></c>',
    b'<c r="B2"><v>1e308</v></c>', b'<c r="B2"><v>-1e400</v></c>', b'<c r="B2"><v>NaN</v></c>',
    b'<c r="B2" t="b"><v>2</v></c>', b'<c r="B2" t="d"><v>not a date</v></c>', b'<c><v>1</v></c>', b"<row>",
    b'<mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells>', b'<mergeCell ref="B9:A1"/>',
    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>', b"&a;", b"&#0;", b"&#xD800;", b"\xff\xfe", b"\x00",
    b'<col min="1" max="99999999" hidden="1"/>', b'<row r="0">', b'<row r="99999999999">', b"</sheetData>",
    b'<sheet name="X" sheetId="9" r:id="rId99"/>', b'<Relationship Id="rId1" Target="../../../etc/passwd"/>',
    b'<xf numFmtId="14"/>', b'<numFmt numFmtId="170" formatCode="yyyy"/>',
)

#: Snippets a hostile or broken YAML file may hold.
HOSTILE_YAML = (
    b"x: &a [*a]\n", b"a: &a [1, 2]\nb: [*a, *a, *a, *a]\n", b"[" * 200 + b"]" * 200, b"{" * 5000,
    b"weight: 1" + b"0" * 40 + b"\n", b"weight: 1e308\n", b"budget: 5e-324\n", b"title: \"\\ud800\"\n",
    b"\t", b": :\n", b"- - -\n", b"!!python/object:os.system ls\n", b"%YAML 9.9\n", b"---\n", b"...\n",
    b"\xef\xbb\xbf", b"\xff\xfe", b"\x00", "标题：中文".encode("gbk"), b"indicators: 7\n", b"goals: [[]]\n",
    b"not_applicable: maybe\n", b"<<: *missing\n", b"? [a]\n: b\n",
)


@st.composite
def mutated_bytes(draw, original: bytes, snippets: tuple[bytes, ...]) -> bytes:
    """``original`` with one to three mutations: a range cut out or repeated, a byte changed, or a
    hostile snippet put in at any place."""
    data = original
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(("cut", "repeat", "flip", "insert", "insert")))
        at = draw(st.integers(0, len(data)))
        if kind == "insert" or not data:
            data = data[:at] + draw(st.sampled_from(snippets)) + data[at:]
            continue
        at = min(at, len(data) - 1)
        end = min(len(data), at + draw(st.integers(1, 200)))
        if kind == "cut":
            data = data[:at] + data[end:]
        elif kind == "repeat":
            data = data[:end] + data[at:end] * draw(st.integers(1, 3)) + data[end:]
        else:
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1:]
    return data


@st.composite
def mutated_workbooks(draw, original: dict[str, bytes]) -> tuple[str, dict[str, bytes]]:
    """A workbook's parts (name → bytes) with one XML part mutated; returns the part's name too."""
    names = sorted(name for name in original if name.endswith((".xml", ".rels")))
    name = draw(st.sampled_from(names))
    parts = dict(original)
    parts[name] = draw(mutated_bytes(original[name], HOSTILE_XML))
    return name, parts


def mutated_yaml(original: bytes) -> st.SearchStrategy[bytes]:
    return mutated_bytes(original, HOSTILE_YAML)


def hostile_values() -> st.SearchStrategy[object]:
    """A value of any YAML type where the form expects another: huge or tiny numbers, deep lists, …"""
    leaves = st.one_of(st.none(), st.booleans(), st.integers(-10 ** 40, 10 ** 40),
                       st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
                       st.sampled_from(("", "不涉及", "≥95%", "10分", "-", "1e309", "%", "（）")))
    return st.recursive(leaves, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                        st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                        max_leaves=8)


@st.composite
def restructured_yaml(draw, original: bytes) -> bytes:
    """``original`` (one YAML document) with one to three values, anywhere in it, replaced by
    :func:`hostile_values` or removed, dumped again."""
    import yaml

    document = yaml.safe_load(original)
    for _ in range(draw(st.integers(1, 3))):
        node, path = document, []
        while isinstance(node, (dict, list)) and node and draw(st.booleans()):
            key = draw(st.sampled_from(sorted(node, key=str) if isinstance(node, dict) else range(len(node))))
            path.append((node, key))
            node = node[key]
        if not path:
            continue
        parent, key = path[-1]
        if draw(st.integers(0, 4)) == 0:
            del parent[key]
        else:
            parent[key] = draw(hostile_values())
    return yaml.safe_dump(document, allow_unicode=True).encode("utf-8")
#: Keys a crafted metadata entry may add: model fields, structure and sources the writer never puts there.
METADATA_KEYS = ("not_applicable", "weight", "recorded", "actual", "target", "judgment", "deductions", "nature",
                 "indicators", "goals", "funds", "places", "source", "rate", "breakdown", "title", "")


@st.composite
def metadata_edits(draw, rows: int) -> tuple[int, str, str]:
    """One crafted edit of a metadata sheet with ``rows`` entry rows: (entry row, column, new cell text).

    取值 and 核对 get JSON with a key set to a hostile value (or JSON nested too deep, or no JSON);
    the other columns any text."""
    import json

    row = draw(st.integers(0, rows - 1))
    column = draw(st.sampled_from(("取值", "取值", "核对", "对象", "序号", "表序", "工作表", "名称")))
    if column in ("取值", "核对"):
        kind = draw(st.integers(0, 5))
        if kind == 0:
            return row, column, "[" * draw(st.integers(900, 5000))
        if kind == 1:
            return row, column, draw(st.text(max_size=30))
        key = draw(st.sampled_from(METADATA_KEYS))
        value = draw(hostile_values()) if column == "取值" else draw(st.one_of(
            hostile_values(), st.lists(st.lists(st.text(max_size=6), max_size=3), max_size=3)))
        return row, column, json.dumps({key: value}, ensure_ascii=False)
    return row, column, str(draw(hostile_values()))


# ============================================================================ end of hostile input
