"""parse_value over every target and actual string in the seeds (the seed tables of samples/), and bad ones."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from indicators.deductions import named_in
from indicators.numbers import NumberError, exact, round_half_up, to_decimal, truncate
from indicators.problems import PerfscoreError
from indicators.values import Comparison, ValueKind, parse_comparison_word, parse_value

GE, GT, LE, LT, EQ = Comparison.GE, Comparison.GT, Comparison.LE, Comparison.LT, Comparison.EQ

# (text, kind, comparison, number in base units, unit)
NUMBERS = [
    (">1045万", GT, Decimal("10450000"), ""),
    ("1101.71万", None, Decimal("11017100"), ""),
    (">95%", GT, Decimal("95"), "%"),
    ("95.50%", None, Decimal("95.50"), "%"),
    ("100%", None, Decimal("100"), "%"),
    ("100.00%", None, Decimal("100"), "%"),
    (">6个月", GT, Decimal("6"), "个月"),
    ("15个月", None, Decimal("15"), "个月"),
    ("≥5次", GE, Decimal("5"), "次"),
    ("≥10家", GE, Decimal("10"), "家"),
    ("185家", None, Decimal("185"), "家"),
    ("39", None, Decimal("39"), ""),
    ("≥95%", GE, Decimal("95"), "%"),
    ("≥20次", GE, Decimal("20"), "次"),
    (">340万", GT, Decimal("3400000"), ""),
    ("379.55万", None, Decimal("3795500"), ""),
    (">100家", GT, Decimal("100"), "家"),
    ("224家", None, Decimal("224"), "家"),
    (">200 家", GT, Decimal("200"), "家"),
    ("≥43 家", GE, Decimal("43"), "家"),
    ("≥100 篇/年", GE, Decimal("100"), "篇/年"),
    ("≥100 万人次/年", GE, Decimal("1000000"), "人次/年"),
    ("在各大媒体发稿累计数≥260 条", GE, Decimal("260"), "条"),
    ("≥1.3 万次", GE, Decimal("13000"), "次"),
    ("600盒以上", GE, Decimal("600"), "盒"),
    ("2000件以上", GE, Decimal("2000"), "件"),
    ("24小时", None, Decimal("24"), "小时"),
    ("1套", None, Decimal("1"), "套"),
    ("1项", None, Decimal("1"), "项"),
    ("96%", None, Decimal("96"), "%"),
    ("90%", None, Decimal("90"), "%"),
    ("1800", None, Decimal("1800"), ""),
    ("14000", None, Decimal("14000"), ""),
    ("97.73%", None, Decimal("97.73"), "%"),
    # full-width digits, signs and spaces, thousands separators
    ("１００％", None, Decimal("100"), "%"),
    ("100%\u3000", None, Decimal("100"), "%"),
    ("4,342.32", None, Decimal("4342.32"), ""),
    ("＞９５％", GT, Decimal("95"), "%"),
]


@pytest.mark.parametrize("text,comparison,number,unit", NUMBERS, ids=[row[0] for row in NUMBERS])
def test_numbers_from_the_seeds(text, comparison, number, unit):
    value = parse_value(text)
    assert value.kind is ValueKind.NUMBER
    assert value.comparison is comparison
    assert value.number == number
    assert value.unit == unit
    assert not value.needs_judgment


# The comparison words of docs/rules.md §2, written before or after the number.
WORDS = [
    ("≥80%", GE), ("＞80%", GT), (">80%", GT), ("大于等于80%", GE), ("不低于80%", GE), ("不少于80%", GE),
    ("80%以上", GE), ("至少80%", GE), ("≤80%", LE), ("<80%", LT), ("小于等于80%", LE), ("不高于80%", LE),
    ("不超过80%", LE), ("80%以内", LE), ("80%以下", LE), ("=80%", EQ), (">=80%", GE), ("<=80%", LE),
]


@pytest.mark.parametrize("text,comparison", WORDS, ids=[row[0] for row in WORDS])
def test_comparison_words(text, comparison):
    value = parse_value(text)
    assert (value.kind, value.comparison, value.number, value.unit) == (ValueKind.NUMBER, comparison, 80, "%")


@pytest.mark.parametrize("word,comparison", [("大于等于", GE), ("小于等于", LE), ("等于", EQ), ("大于", GT),
                                             ("小于", LT), ("≥", GE), (" 小于等于 ", LE)])
def test_direction_column_words(word, comparison):
    assert parse_comparison_word(word) is comparison


def test_unknown_direction_word_is_none():
    assert parse_comparison_word("越高越好") is None
    assert parse_comparison_word("") is None


def test_unit_column_applies_when_the_text_has_none():
    value = parse_value("18.83", "万元")
    assert (value.number, value.unit, value.magnitude, value.display) == (Decimal("188300"), "元", "万", "18.83万元")


def test_range():
    value = parse_value("1-2 个")
    assert (value.kind, value.low, value.high, value.unit) == (ValueKind.RANGE, 1, 2, "个")
    assert parse_value("90%-95%").kind is ValueKind.RANGE


@pytest.mark.parametrize("text,flag", [("是", True), ("否", False), (" 是 ", True)])
def test_yes_no(text, flag):
    value = parse_value(text)
    assert (value.kind, value.flag) == (ValueKind.YES_NO, flag)


def test_date():
    value = parse_value("2023年12月")
    assert (value.kind, value.date) == (ValueKind.DATE, (2023, 12, None))
    assert parse_value("2023年12月31日前").comparison is LE


# Texts that must never be turned into a number by guessing: each needs judgment.
NEEDS_JUDGMENT = [
    ("视频25；长图、折页21；网站宣传48；公众号22", "多个数字"),
    ("一年四次", "没有数字"),
    ("每月一次", "没有数字"),
    ("每年", "没有数字"),
    ("省一级", "没有数字"),
    ("进一步提升", "没有数字"),
    ("及时查处", "没有数字"),
    ("2023年全年", "其他文字"),
    ("追回医疗机构违规金额396.76万元，切实保障医保基金安全运行", "其他文字"),
    ("40余万", "其他文字"),
    ("约95%", "其他文字"),
    # malformed targets (style.md): an operator with no number, a unit with no number, an operator after it
    ("≥", "没有数字"),
    (">万", "没有数字"),
    ("95%≥", "其他文字"),
]


@pytest.mark.parametrize("text,why", NEEDS_JUDGMENT, ids=[row[0] for row in NEEDS_JUDGMENT])
def test_unreadable_values_need_judgment(text, why):
    value = parse_value(text)
    assert value.kind is ValueKind.TEXT
    assert value.needs_judgment
    assert value.number is None
    assert why in value.reason


@pytest.mark.parametrize("text", ["", "—", "——", "-", "/", None])
def test_empty_cells(text):
    assert parse_value(text).kind is ValueKind.EMPTY


def test_raw_text_is_kept_exactly():
    text = "视频25；长图、折页21；网站宣传48；公众号22"
    assert parse_value(text).raw == text
    assert parse_value(text).display == text


@pytest.mark.parametrize("text", ["1999.12", "2023.05"])
def test_a_number_with_a_dot_is_never_a_date(text):
    # Found by the round-trip property: amounts like 1999.12 (万元) were read as dates.
    value = parse_value(text, "万元")
    assert value.kind is ValueKind.NUMBER and value.number == Decimal(text) * 10000


# --- which lines a sentence names (table-level 扣X分 and 原因分析) ---------------------------------

@pytest.mark.parametrize("text,names,named", [
    ("服务对象满意度偏低", ["服务对象满意度", "满意度"], [0]),
    ("满意度偏低", ["服务对象满意度", "满意度"], [1]),
    ("满意度与服务对象满意度均偏低", ["服务对象满意度", "满意度"], [0, 1]),
    ("对象满意度、服务对象满意度", ["服务对象满意度", "对象满意度", "满意度"], [0, 1]),
    ("满意度满意度扣1分", ["满意度", "度满意度"], [0, 1]),  # the first 满意度 stands outside 度满意度
    ("度满意度扣1分", ["满意度", "度满意度"], [1]),
    ("甲乙扣1分", ["甲乙", "甲乙", ""], [0, 1]),  # the same name twice: both named (the caller cannot choose)
    ("无关的句子", ["甲", "乙"], []),
])
def test_named_in(text, names, named):
    assert named_in(text, names) == named


# --- numbers: one rounding, exact ------------------------------------------------------------------

ROUNDINGS = [
    # (value, places, half_up, truncate)
    (Fraction(1755, 1000), 2, "1.76", "1.75"),  # the tie of issue 21, exact
    (Fraction(1261 * 81, 582 * 100), 2, "1.76", "1.75"),  # 12.61 × 0.81 / 5.82 as one quotient
    (Fraction(1754999999, 10 ** 9), 2, "1.75", "1.75"),
    (Fraction(2, 3), 2, "0.67", "0.66"),
    (Fraction(-1, 1000), 2, "-0.00", "-0.00"),  # as Decimal.quantize gives it
    (Fraction(5, 10), 0, "1", "0"),
    (Decimal("7.532"), 2, "7.53", "7.53"),  # docs/rules.md §6
    (Decimal("3.766"), 2, "3.77", "3.76"),
    (Decimal("9.91"), 0, "10", "9"),
    (5, 2, "5.00", "5.00"),
]


@pytest.mark.parametrize("value,places,half_up,cut", ROUNDINGS, ids=[f"{r[0]}@{r[1]}" for r in ROUNDINGS])
def test_round_half_up_and_truncate_are_exact(value, places, half_up, cut):
    assert str(round_half_up(value, places)) == half_up
    assert str(truncate(value, places)) == cut


@pytest.mark.parametrize("value", [Fraction(2, 3) * 100, Fraction(1, 7), Fraction(1255, 1000) - Fraction(1, 10 ** 40),
                                   Fraction(1255, 1000) + Fraction(1, 10 ** 40), Fraction(1255, 1000)],
                         ids=["two-thirds", "seventh", "just-below-tie", "just-above-tie", "tie"])
def test_to_decimal_rounds_again_as_the_exact_value(value):
    """A kept rate cut to 28 digits by rounding to odd rounds to 0.01 as its exact value does
    (the default half-even cut would make 1.255 − 10**-40 a tie and round it up)."""
    kept = to_decimal(value)
    assert round_half_up(kept, 2) == round_half_up(value, 2)
    assert abs(Fraction(kept) - value) <= abs(value) / 10 ** 27


def test_round_half_up_of_a_wide_decimal():
    assert round_half_up(Decimal(10) ** 30 + Decimal("0.005"), 2) == Decimal(10) ** 30 + Decimal("0.01")


def test_exact_refuses_what_is_not_a_number_already():
    for bad in (1.5, "1.5", True, None, Decimal("NaN")):
        with pytest.raises(NumberError):
            exact(bad)
    assert issubclass(NumberError, PerfscoreError) and issubclass(NumberError, ValueError)
