"""The 汇总 sheet of a scored workbook: one row per table, then every finding with a link to its cell."""

from __future__ import annotations

from decimal import Decimal

from indicators.model import Evaluation
from indicators.numbers import round_half_up

from ..results import EvaluationResult, Status
from .sheets import FILL_DIFFERS, FILL_JUDGMENT, RATE, SCORE, Layout

__all__ = ["SUMMARY_SHEET", "build_summary"]

SUMMARY_SHEET = "汇总"

_HEADS = [("序号", 5), ("表名", 34), ("类型", 11), ("单位", 24), ("总分", 8), ("满分", 8), ("等级", 6),
          ("执行率", 9), ("扣分", 8), ("待判断", 7), ("发现问题", 8), ("表上总分", 9), ("年度", 7),
          ("主管部门", 22), ("工作表", 18)]


def build_summary(items: list[tuple[Evaluation, EvaluationResult, str]], score_cells: dict[int, dict[int, str]],
                  rules: str, version: str) -> Layout:
    """Lay out the 汇总 sheet.

    Args:
        items: each table with its result and the name of its sheet.
        score_cells: per table (position in ``items``), line index → its 得分 cell (``'表'!K14``).
        rules: the rule set's name.
        version: perfscore's version, printed under the title.
    """
    layout = Layout(SUMMARY_SHEET, [w for _, w in _HEADS])
    n = len(_HEADS)
    layout.box(1, 1, "预算绩效自评表评分汇总", c2=n, style="title")
    layout.box(2, 1, f"规则集：{rules}　　共 {len(items)} 张表　　perfscore {version}　　"
                     f"得分为 perfscore 按规则计算的分数，原填得分为表上所填", c2=n, style="note")
    for c, (head, _) in enumerate(_HEADS, 1):
        layout.box(3, c, head, style="head")
    row = 4
    for k, (evaluation, result, sheet) in enumerate(items, 1):
        pending = sum(1 for line in result.lines if line.status is Status.NEEDS_JUDGMENT)
        rate = result.budget.rate if result.budget is not None else None
        values = [
            (Decimal(k), "center", None), (evaluation.title, "text", None),
            (evaluation.kind.chinese, "center", None), (evaluation.unit or evaluation.department, "text", None),
            (result.total, "number", SCORE), (result.max_total, "number", SCORE), (result.grade, "center", None),
            (None if rate is None else round_half_up(rate / 100, 6), "number", RATE),
            (result.lost, "number", SCORE), (Decimal(pending), "center", None),
            (Decimal(len(result.findings)), "center", None),
            (result.recorded_total, "number", SCORE),
            (None if evaluation.year is None else str(evaluation.year), "center", None),
            (evaluation.department, "text", None), (sheet, "text", None),
        ]
        for c, (value, style, fmt) in enumerate(values, 1):
            from .sheets import excel_number

            shown = excel_number(value) if isinstance(value, Decimal) else value
            fill = FILL_JUDGMENT if c == 10 and pending else None
            layout.box(row, c, shown, style=style, fmt=fmt, fill=fill,
                       link=f"'{sheet}'!A1" if c == n else None)
        row += 1
    row += 1
    layout.box(row, 1, "说明", c2=2, style="head")
    layout.box(row, 3, "黄色底纹：表上原填得分与 perfscore 得分不同", c2=7, style="text", fill=FILL_DIFFERS)
    layout.box(row, 8, "橙色底纹：需要评价人判断，未计入总分", c2=n, style="text", fill=FILL_JUDGMENT)
    row += 2
    findings = [(k, evaluation, sheet, finding) for k, (evaluation, result, sheet) in enumerate(items)
                for finding in result.findings]
    layout.box(row, 1, f"复核发现（{len(findings)} 条）", c2=n, style="title", size=13)
    row += 1
    for c1, c2, head in ((1, 1, "序号"), (2, 2, "表名"), (3, 3, "级别"), (4, 4, "指标"), (5, 6, "位置"),
                         (7, n, "说明")):
        layout.box(row, c1, head, c2=c2, style="head")
    row += 1
    for i, (k, evaluation, sheet, finding) in enumerate(findings, 1):
        cell = score_cells.get(k, {}).get(finding.index) if finding.index is not None else None
        layout.box(row, 1, i, style="center")
        layout.box(row, 2, evaluation.title, style="text")
        layout.box(row, 3, finding.severity.chinese, style="center")
        layout.box(row, 4, finding.line, style="text")
        layout.box(row, 5, (cell or f"'{sheet}'!A1").replace("'", ""), c2=6, style="center",
                   link=cell or f"'{sheet}'!A1")
        layout.box(row, 7, finding.message, c2=n, style="text")
        row += 1
    layout.freeze_row = 4
    layout.print_rows = (1, 3)
    return layout
