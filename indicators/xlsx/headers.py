"""Header words and their synonyms, in one table that is easy to extend.

Real forms word the same column many ways (年度指标值 / 指标值 / 目标值 /
年初目标值(A)) and carry typos (硚口's 预收执行情况 for 预算执行情况). Headers
are compared after :func:`normalize`: full-width folded, spaces and line breaks
removed, a trailing ``(A)``/``（万元）``-style note dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..numbers import normalize_text

__all__ = ["fold", "normalize", "INDICATOR_COLUMNS", "FUNDS_COLUMNS", "LABELS", "match_column", "match_label",
           "STOP_WORDS", "TOTAL_WORDS", "SUBTOTAL_WORDS", "GOAL_RE", "REVIEW_COLUMNS", "SUBMITTED", "Words",
           "WORDS", "label_head", "telling_in"]

_NOTE = re.compile(r"[(（][^()（）]{0,8}[)）]$")


def _fold(text: str) -> str:
    # str.split() splits on exactly the characters ``\s`` matches in a str pattern, without a regex.
    return "".join(normalize_text(text).split())


def _without_notes(folded: str) -> str:
    while folded.endswith((")", "）")):
        shorter = _NOTE.sub("", folded)
        if shorter == folded:
            break
        folded = shorter
    return folded.rstrip(":：")


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Full-width folded, spaces and line breaks removed — notes like ``(30分)`` kept."""
    return _fold(text)


@lru_cache(maxsize=8192)
def normalize(text: str) -> str:
    """Fold a header cell for comparison: ``'年初目标 值 (A)'`` → ``'年初目标值'``."""
    return _without_notes(_fold(text))


#: The header field of the officer's submitted score in an exported workbook (原填得分).
SUBMITTED = "submitted"

#: Indicator block columns: field → header words (normalized).
INDICATOR_COLUMNS: dict[str, tuple[str, ...]] = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "name": ("三级指标", "指标名称", "三级指标名称", "绩效指标名称", "具体指标"),
    "nature": ("指标性质", "指标属性"),
    "direction": ("指标方向",),
    "target": ("年度指标值", "指标值", "目标值", "年初目标值", "年度目标值", "预期指标值", "全年指标值",
               "计划指标值", "预期目标值", "预计当年实现", "当年指标值", "绩效目标值", "年度绩效目标值", "指标目标值",
               "全年目标值", "年度计划值", "计划值", "预期值", "年初设定目标值", "年初指标值"),
    "actual": ("实际完成值", "实际值", "完成值", "全年实际值", "实际完成", "实际完成指标值", "全年实际完成值",
               "全年完成值", "年度实际完成值", "实际达成值", "年末实际完成值", "实际完成数", "完成指标值"),
    "unit": ("计量单位", "单位", "度量单位"),
    "weight": ("分值", "目标分值", "权重", "指标分值", "标准分值", "权重分", "指标权重", "标准分"),
    "recorded": ("得分", "自评得分", "实际得分", "评分", "自评分", "自评分值", "评价得分"),
    "deviation_reason": ("偏差原因分析及改进措施", "偏差原因", "偏差原因分析", "未完成原因及改进措施",
                         "未完成原因分析及改进措施", "偏差原因及改进措施", "偏差原因分析和改进措施", "未完成原因",
                         "偏差原因分析与改进措施", "原因分析及改进措施", "未完成原因分析"),
    # Columns of a workbook perfscore exported (scoring/reports/workbook.py). 原填得分 is the officer's
    # submitted score: when it is present it is what ``recorded`` means, and the 得分 beside it is
    # perfscore's own computed score. 扣分 and 扣分说明 are perfscore's computed loss and reasons: they
    # are never stated deductions (a reason like “扣2.47分” would otherwise be taken off again).
    SUBMITTED: ("原填得分", "原表得分", "表上原填得分"),
    "lost": ("扣分",),
    "lost_reasons": ("扣分说明",),
}

#: Header fields that are read as column positions only and never become model fields:
#: perfscore's computed 得分 (when a 原填得分 column exists), 扣分 and 扣分说明.
REVIEW_COLUMNS = frozenset({"computed", "lost", "lost_reasons"})

#: Funds block columns.
FUNDS_COLUMNS: dict[str, tuple[str, ...]] = {
    "initial_budget": ("年初预算数", "年初预算", "年初批复数", "年初预算批复数"),
    "budget": ("全年预算数", "预算数", "调整后预算数", "全年预算", "预算批复数", "批复预算数", "全年预算批复数",
               "调整预算数", "调整后预算", "年度预算数", "当年预算数", "预算安排数", "全年预算安排数", "预算金额",
               "全年调整预算数", "批复数"),
    "executed": ("全年执行数", "执行数", "实际执行数", "全年执行", "实际支出数", "全年实际支出数", "支出数",
                 "全年支出数", "实际支出", "预算执行数", "全年实际执行数", "实际执行", "执行金额", "实际支出金额",
                 "实际支付数", "支付数", "资金执行数", "累计执行数", "全年预算执行数", "实际使用数"),
    "weight": ("分值", "权重"),
    "rate": ("执行率", "预算执行率"),
    "recorded": ("得分", "自评得分"),
    SUBMITTED: ("原填得分", "原表得分", "表上原填得分"),
}

#: Header-block labels whose value is the next cell to the right: normalized label → field.
LABELS: dict[str, str] = {
    "项目名称": "title", "主管部门": "department", "实施单位": "unit", "项目实施单位": "unit",
    "单位名称": "unit", "部门名称": "unit", "预算单位": "unit",
    "偏差大或目标未完成原因分析": "deviation_analysis", "偏差原因分析": "deviation_analysis",
    "改进措施及结果应用方案": "improvement", "改进措施": "improvement",
    "项目主管部门": "department", "项目执行单位": "unit",
    "专项名称": "title", "专项资金名称": "title", "省级主管部门": "department", "主管单位": "department",
    "项目实施单位名称": "unit",
    "项目类别": "details", "项目属性": "details", "项目类型": "details", "填报人": "details", "联系电话": "details",
    "支出项目类别": "details",
    # 部门项目申报表(含绩效目标) (武汉 2024 绩效目标表, seed 003)
    "项目编码": "details", "项目总预算": "details", "项目当年预算": "details",
    "基本支出总额": "breakdown", "项目支出总额": "breakdown",
}

#: First cells that end an indicator block.
TOTAL_WORDS = ("总分", "总计", "合计得分", "综合得分", "得分合计", "总得分", "自评总分")
SUBTOTAL_WORDS = ("合计", "小计")
STOP_WORDS = TOTAL_WORDS + SUBTOTAL_WORDS + ("偏差大或目标未完成原因分析", "改进措施及结果应用方案", "注", "备注",
                                            "其他需要说明事项", "其他需要说明的事项",
                                            "说明")

#: Lines printed under a table that are not scoring data: the 评价结论 and 存在问题 text some provinces
#: add (四川), and the signature lines.
NOTE_WORDS = ("评价结论", "存在问题", "项目负责人", "财务负责人", "单位负责人", "填表人", "填报人", "联系人", "联系电话",
              "审核人", "填报日期", "填表日期")

#: A goal row: 年度目标1(30分) · 年度目标 1: (80分) · 年度绩效目标1（30分） · 年度目标一（40分） ·
#: 年度目标1：公共文化服务（50分） (the goal's words in the same cell, after a colon or 、: an indicator
#: named 年度目标100%完成 is not a goal row).
GOAL_RE = re.compile(r"^(?P<name>年度(?:绩效)?目标\s*(?P<number>\d+|[一二三四五六七八九十]+)?)\s*"
                     r"(?:[:：、.]\s*(?P<words>[^()（）:：]*?))?\s*"
                     r"(?:[(（]\s*(?P<points>\d+(?:\.\d+)?)\s*分\s*[)）])?\s*[:：]?$")


_LOOKUPS: dict[int, dict[str, str]] = {}


def _lookup(columns: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Normalized header word → field (the first field naming a word wins)."""
    lookup = _LOOKUPS.get(id(columns))
    if lookup is None:
        lookup = _LOOKUPS[id(columns)] = {word: field for field, words in reversed(columns.items()) for word in words}
    return lookup


def match_column(text: str, columns: dict[str, tuple[str, ...]]) -> str | None:
    """The field a header cell names, or None. Exact match on the normalized words."""
    return _lookup(columns).get(normalize(text))


def match_label(text: str) -> str | None:
    """The header-block field a label cell names (``'基本支出总额（万元）'`` → ``'breakdown'``), or None."""
    return LABELS.get(normalize(text))


def label_head(text: str) -> str:
    """The part of ``'单位名称：乌海市医疗保障局'`` before its first colon (the whole text without one)."""
    colons = [i for i in (text.find(":"), text.find("：")) if i >= 0]
    return text[:min(colons)] if colons else text


@dataclass(frozen=True, slots=True)
class Words:
    """What a cell text names as a header word or label, worked out once per distinct text."""

    #: :func:`normalize` and :func:`fold` of the text, for texts of at most 40 characters (headers,
    #: labels, 总分 and goal rows are short; a longer text is content)
    normalized: str | None = None
    folded: str | None = None
    #: the indicator-block column it heads (:data:`INDICATOR_COLUMNS`), for texts under 30 characters
    column: str | None = None
    #: the funds-block column it heads (:data:`FUNDS_COLUMNS`), for texts under 30 characters
    funds: str | None = None
    #: the header-block field the whole text labels (:data:`LABELS`)
    label: str | None = None
    #: the header-block field its text before a colon labels: ``单位名称：xxx`` → ``'unit'``
    head_label: str | None = None
    #: plain content: the text cannot be, or start with, any word a form's structure is told by
    #: (its first character begins none of them), so nothing above was worked out
    content: bool = False
    #: a row holding it may head, label or end something: it names an indicator or funds column, is
    #: a header-block label (项目名称, 主管部门, 单位名称：xxx …) or an overall-target head (预期目标),
    #: starts like a stop, total or goal row, or is blank once normalized
    telling: bool = False


_CONTENT = Words(content=True)
#: Overall-target heads (年度总体目标 | 预期目标 | 实际完成情况) and the start of a goal row (年度目标1).
STRUCTURE_WORDS = ("年度总体目标", "预期目标", "实际完成情况", "年度")


def _structure_words() -> list[str]:
    """Every word the reader looks for, normalized: headers, labels, stop, total and goal words."""
    words = [*STOP_WORDS, *STRUCTURE_WORDS, *LABELS]
    for table in (INDICATOR_COLUMNS, FUNDS_COLUMNS):
        words.extend(word for names in table.values() for word in names)
    return [normalize(word) for word in words]


_LOOKED_FOR = _structure_words()
#: The first characters of every word the reader looks for; a text starting otherwise is content.
_FIRST_CHARACTERS = frozenset(word[:1] for word in _LOOKED_FOR)
#: Their first two characters, and the one-character words (注): a text starting with two CJK
#: ideographs that begin no word (完善…, 联合…) is content too, though its first character begins one.
_FIRST_PAIRS = frozenset(word[:2] for word in _LOOKED_FOR)
_SHORT_WORDS = frozenset(word for word in _LOOKED_FOR if len(word) == 1)


def _first_character(text: str) -> str:
    """The first character ``normalize`` would keep of ``text`` (enough of it is folded to compose)."""
    stripped = text.lstrip()
    return "".join(normalize_text(stripped[:8]).split())[:1]
#: Distinct texts remembered at most; the memory is cleared when full (sheets repeat their header words).
_WORDS_LIMIT = 50_000


class _WordsMemo(dict):  # type: ignore[type-arg]
    """Text → :class:`Words`, worked out on the first look (``__missing__``) and remembered."""

    def __missing__(self, text: str) -> Words:
        if len(self) >= _WORDS_LIMIT:
            self.clear()
        lead = text[0]
        # A CJK ideograph is its own first character after NFKC (the usual case, known without
        # normalizing); anything else (spaces, full-width or compatibility forms) is folded first.
        ideograph = "\u4e00" <= lead <= "\u9fff"
        first = lead if ideograph else _first_character(text)
        if first and first not in _FIRST_CHARACTERS or ideograph and "\u4e00" <= text[1:2] <= "\u9fff" and \
                text[:2] not in _FIRST_PAIRS and lead not in _SHORT_WORDS:
            # Most texts of a table (names, targets, actuals) are content: told apart on their first
            # character, without folding the whole text.
            self[text] = _CONTENT
            return _CONTENT
        head = label_head(text)
        if len(text) <= 40:
            folded = _fold(text)
            normalized = _without_notes(folded)
            short = len(text) < 30
            label = LABELS.get(normalized)
            head_label = label if head is text else match_label(head)
            column = _lookup(INDICATOR_COLUMNS).get(normalized) if short else None
            funds = _lookup(FUNDS_COLUMNS).get(normalized) if short else None
            found = Words(normalized=normalized, folded=folded, column=column, funds=funds, label=label,
                          head_label=head_label,
                          telling=bool(column or funds or head_label or normalized in _OVERALL_HEADS or
                                       not normalized or _marks(folded)))
        else:
            lead = _fold(text[:40])
            head_label = match_label(head) if len(head) <= 40 else None  # 单位名称：followed by a long name
            found = Words(head_label=head_label, telling=bool(head_label or not _without_notes(lead) or _marks(lead)))
        self[text] = found
        return found


_OVERALL_HEADS = frozenset({"预期目标", "实际完成情况"})


def _marks(folded: str) -> bool:
    """The text starts like a stop, total or goal row (合计, 总分, 年度目标1, 注 …)."""
    return folded.startswith(STOP_WORDS) or GOAL_RE.match(folded) is not None


#: What a cell text names as a header word or label: ``WORDS[text]``. Reading a table asks this
#: of every text of every row, so each distinct text is worked out once (a plain dict lookup after).
WORDS = _WordsMemo()


#: Cell texts already classed as :attr:`Words.telling`.
TELLING: set[str] = set()
#: Values already classed as not telling (content, other words, numbers).
_QUIET: set[object] = set()


def telling_in(present: set[object]) -> set[str]:
    """The :attr:`Words.telling` texts among ``present`` (a sheet's distinct values).

    Set operations instead of a look per cell: a sheet is mostly indicator lines, whose values
    are looked at in C unless they are new (a new text is classed once, through :data:`WORDS`).
    """
    if len(_QUIET) >= _WORDS_LIMIT or len(TELLING) >= _WORDS_LIMIT:
        _QUIET.clear()
        TELLING.clear()
    new = present - _QUIET
    if new:
        new -= TELLING
        for value in new:
            if type(value) is str and WORDS[value].telling:
                TELLING.add(value)
            else:
                _QUIET.add(value)
    return present & TELLING  # type: ignore[return-value]
