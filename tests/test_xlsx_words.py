"""How the reader tells header words, labels and marks from content, one distinct text at a time."""

from __future__ import annotations

import pytest

from indicators.xlsx.headers import WORDS, fold, label_head, normalize

# text → (normalized, indicator column, funds column, label, head label, content)
CASES = [
    ("三级指标", ("三级指标", "name", None, None, None, False)),
    (" 三级 指标\n", ("三级指标", "name", None, None, None, False)),
    ("年初目标 值 (A)", ("年初目标值", "target", None, None, None, False)),
    ("实际完成值（B）", ("实际完成值", "actual", None, None, None, False)),
    ("全年预算数(A)", ("全年预算数", None, "budget", None, None, False)),
    ("分值", ("分值", "weight", "weight", None, None, False)),
    ("单位名称", ("单位名称", None, None, "unit", "unit", False)),
    ("单位名称：乌海市医疗保障局", ("单位名称:乌海市医疗保障局", None, None, None, "unit", False)),
    ("项目名称：" + "很长的项目名称" * 8, (None, None, None, None, "title", False)),
    ("总分", ("总分", None, None, None, None, False)),
    ("年度目标1(30分)", ("年度目标1", None, None, None, None, False)),
    ("开展打击欺诈骗保专项治理", (None, None, None, None, None, True)),
    # 完 begins 完成值 but 完善 begins no word; 项目 begins 项目名称, so this one is looked at
    ("完善多层次医疗保障体系", (None, None, None, None, None, True)),
    ("项目资金按规范用途执行", ("项目资金按规范用途执行", None, None, None, None, False)),
    ("注：本表金额单位为万元", ("注:本表金额单位为万元", None, None, None, None, False)),
    ("≥95%", (None, None, None, None, None, True)),
    ("（万元）预算数", (None, None, None, None, None, True)),
    ("ａｂｃ", (None, None, None, None, None, True)),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_what_a_text_names(text, expected):
    said = WORDS[text]
    assert (said.normalized, said.column, said.funds, said.label, said.head_label, said.content) == expected


def test_a_full_width_first_character_is_folded_before_it_is_judged():
    # Ｆ (full-width) folds to F: content either way, but a full-width space before a header word does not hide it.
    assert WORDS["\u3000三级指标"].column == "name"
    assert WORDS["Ｆ12"].content


@pytest.mark.parametrize("text,folded,normalized", [
    ("年初目标 值 (A)", "年初目标值(A)", "年初目标值"),
    ("产出指标（50分）", "产出指标(50分)", "产出指标"),
    ("预算数(A)（万元）", "预算数(A)(万元)", "预算数"),
    ("偏差原因：", "偏差原因:", "偏差原因"),
    ("a\u3000b\u00a0c\td", "abcd", "abcd"),
    ("x(123456789)", "x(123456789)", "x(123456789)"),  # a note is at most 8 characters
])
def test_fold_and_normalize(text, folded, normalized):
    assert (fold(text), normalize(text)) == (folded, normalized)


@pytest.mark.parametrize("text,head", [("单位名称：某局", "单位名称"), ("单位名称:某局：甲", "单位名称"),
                                       ("a：b:c", "a"), ("无冒号", "无冒号")])
def test_label_head(text, head):
    assert label_head(text) == head


# --------------------------------------------------------------------------- rows told apart without a look

from hypothesis import given, settings  # noqa: E402

from indicators.xlsx.cells import SheetGrid  # noqa: E402
from indicators.xlsx.headers import match_label  # noqa: E402
from indicators.xlsx.locate import (BLANK, PLAIN, TOLD, _is_stop, _row_words, first_text, is_goal,  # noqa: E402
                                    lead_text, row_kinds)
from tests.strategies import sheet_rows  # noqa: E402


@settings(max_examples=400, deadline=None)
@given(sheet_rows())
def test_a_row_skipped_as_plain_holds_nothing_the_reader_looks_for(rows):
    """The locator and the head reader skip PLAIN rows without looking at their words: a row of that
    kind must say nothing a word-by-word look would have found, and a BLANK row must be empty."""
    kinds = row_kinds(SheetGrid(name="表", values=[list(row) for row in rows]))
    looked = SheetGrid(name="表", values=[list(row) for row in rows])
    looked.memo[-1] = [TOLD] * len(rows)  # every row looked at word by word
    for row, kind in enumerate(kinds):
        if kind == BLANK:
            assert all(value is None for value in rows[row])
        if kind != PLAIN:
            continue
        words = _row_words(looked, row)
        assert (words.columns, words.funds_header, words.head_label, words.title) == ({}, False, False, False)
        lead = lead_text(looked, row)
        assert first_text(looked, row) and not _is_stop(lead) and not is_goal(lead)
        assert not (lead and match_label(lead))
        for value in rows[row]:
            if isinstance(value, str):
                said = WORDS[value]
                assert not said.label and not said.head_label
                assert said.normalized not in ("预期目标", "实际完成情况")
