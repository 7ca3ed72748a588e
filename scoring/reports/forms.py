"""The published forms a table is written back in, with perfscore's review columns.

Three forms, as the samples show them (scripts/build_xlsx_samples.py):

* ``mof`` — 财政部 项目支出绩效自评表 (财预〔2020〕10号) with the 内蒙古/乌海 columns
  指标性质 · 指标方向 · 计量单位 (U1–U5): 项目资金 block with 年初预算数, 年度总体目标,
  绩效指标 with 偏差原因分析及改进措施.
* ``hubei-project`` — 湖北/武汉 项目自评表 (W2): 项目类别/属性/类型, 预算执行情况 (20分),
  年度绩效目标 with 年初目标值(A) · 实际完成值(B) · 目标分值 · 得分.
* ``hubei-department`` — 湖北/武汉 部门整体支出绩效自评表 (W1): 基本/项目支出总额, and one
  block per 年度目标1(30分) closed by its 合计 row.

In a scored workbook (:attr:`Mode.SCORED`) 得分 holds perfscore's score, 原填得分 the score the
table itself gave, and 扣分 · 扣分说明 the points lost and the Chinese reasons. Every value of the
model is also recorded, with the cells that show it, in the hidden metadata sheet
(:data:`indicators.xlsx.metadata.META_SHEET`): what the printed form has no column for
(指标性质 on a 湖北 form, 人工扣分, 评价判断, the document, sources) is kept there, and what it
shows is put back exactly (``4.00`` stays ``'4.00'``) unless an officer changed the cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from indicators.model import Evaluation, Goal, Indicator
from indicators.numbers import D, NumberError, ZERO, fmt_points, round_half_up
from indicators.xlsx.cells import column_letter
from indicators.xlsx.metadata import text_as_read
from indicators.xlsx.read import HEADING_KEY

from .. import messages as M
from ..results import EvaluationResult, Finding, LineResult, Status
from .sheets import FILL_DIFFERS, FILL_JUDGMENT, MONEY, RATE, SCORE, Layout, excel_number, number_format

__all__ = ["FORMS", "Mode", "MetaObject", "SheetMeta", "choose_form", "build_sheet", "model_values"]

#: Form name → what it is, in Chinese (for help texts and messages).
FORMS: dict[str, str] = {
    "mof": "财政部项目支出绩效自评表（含内蒙古/乌海的指标性质、指标方向、计量单位列）",
    "hubei-project": "湖北/武汉项目支出绩效自评表",
    "hubei-department": "湖北/武汉部门整体支出绩效自评表（按年度目标分块）",
}

_STATUS_WORDS = {Status.JUDGED: "评价判断", Status.NEEDS_JUDGMENT: "待判断", Status.NOT_APPLICABLE: "不适用"}


class Mode(StrEnum):
    """What a written sheet holds besides the table."""

    #: ``export``: 得分 = perfscore's score; 原填得分, 扣分, 扣分说明; findings highlighted.
    SCORED = "scored"
    #: ``convert``: the table as filled in, 得分 = the table's own score, no perfscore numbers.
    FILLED = "filled"
    #: ``template``: names, targets and weights; actuals, scores and 执行数 left blank to fill in.
    TEMPLATE = "template"


def choose_form(evaluation: Evaluation) -> str:
    """The form that can hold everything ``evaluation`` has.

    Goals → ``hubei-department`` (its blocks are per goal); 指标性质, 指标方向, 计量单位 or
    年初预算数 → ``mof`` (the only form with those columns); otherwise ``hubei-project``.
    """
    if evaluation.goals:
        return "hubei-department"
    lines = [line for _, line in evaluation.lines()]
    if any(line.nature or line.direction or line.unit for line in lines) or (
            evaluation.funds is not None and evaluation.funds.initial_budget is not None):
        return "mof"
    return "hubei-project"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float


def _columns(form: str, mode: Mode) -> list[Column]:
    scored = mode is Mode.SCORED
    score_cols = ([Column("score", "得分", 8), Column("recorded", "原填得分", 8.5)] if scored
                  else [Column("recorded", "得分", 8)])
    review = [Column("lost", "扣分", 7), Column("reasons", "扣分说明", 34)] if scored else []
    if form == "mof":
        return [Column("label", "绩效指标", 6.5), Column("level1", "一级指标", 10), Column("level2", "二级指标", 11),
                Column("name", "三级指标", 22), Column("nature", "指标性质", 6.5), Column("direction", "指标方向", 8),
                Column("target", "年度指标值", 10), Column("actual", "实际完成值", 22), Column("unit", "计量单位", 6.5),
                Column("weight", "分值", 7), *score_cols, *review,
                Column("deviation_reason", "偏差原因分析及改进措施", 22)]
    label = "年度绩效目标" if form == "hubei-project" else "年度绩效指标"
    return [Column("label", label, 8), Column("level1", "一级指标", 11), Column("level2", "二级指标", 12),
            Column("name", "三级指标", 24), Column("target", "年初目标值(A)", 12),
            Column("actual", "实际完成值(B)", 26), Column("weight", "目标分值", 8), *score_cols, *review]


def _strip_sources(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_sources(v) for k, v in value.items() if k not in ("source", "places")}
    if isinstance(value, list):
        return [_strip_sources(v) for v in value]
    return value


def model_values(model: Any, exclude: set[str] = frozenset()) -> dict[str, Any]:  # type: ignore[assignment]
    """Every field of ``model`` as JSON-ready data (Decimals as their exact text), sources left out."""
    data = model.model_dump(mode="json", exclude=set(exclude) | {"source", "places"})
    return _strip_sources(data)


def _origin(model: Any) -> dict[str, str]:
    """Where the written values came from (kept for the record; a read-back workbook has its own)."""
    found: dict[str, str] = {}
    source = getattr(model, "source", None)
    if source is not None:
        found[""] = str(source)
    for key, where in (getattr(model, "sources", None) or {}).items():
        found[key] = str(where)
    return found


@dataclass
class MetaObject:
    """One metadata row: an object's every value, and the cells that show each."""

    kind: str
    index: int
    name: str
    anchor: str
    values: dict[str, Any]
    guards: dict[str, list[list[str]]] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)


@dataclass
class SheetMeta:
    """What one written sheet adds to the metadata sheet, and where its lines' scores are."""

    sheet: str
    objects: list[MetaObject] = field(default_factory=list)
    #: line index (LineResult.index) → ``'sheet'!K14``: the 得分 cell, for the 汇总's findings list
    score_cells: dict[int, str] = field(default_factory=dict)


def _amount(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return D(text)
    except NumberError:
        return None


class _Sheet:
    """Lays out one evaluation in one form."""

    def __init__(self, evaluation: Evaluation, result: EvaluationResult | None, form: str, mode: Mode,
                 name: str) -> None:
        self.ev, self.result, self.form, self.mode = evaluation, result, form, mode
        self.scored = mode is Mode.SCORED and result is not None
        self.columns = _columns(form, mode)
        self.n = len(self.columns)
        self.col = {c.key: i + 1 for i, c in enumerate(self.columns)}
        self.layout = Layout(name, [c.width for c in self.columns])
        self.meta = SheetMeta(name)
        self.table = MetaObject("表", 0, evaluation.title, "",
                                model_values(evaluation, {"funds", "goals", "indicators"}), origin=_origin(evaluation))
        self.meta.objects.append(self.table)
        self.funds_obj: MetaObject | None = None
        if evaluation.funds is not None and mode is not Mode.TEMPLATE:
            self.funds_obj = MetaObject("资金", 0, evaluation.funds.label or "", "", model_values(evaluation.funds),
                                        origin=_origin(evaluation.funds))
            self.meta.objects.append(self.funds_obj)
        self.results: dict[int, LineResult] = {line.index: line for line in result.lines} if result else {}
        self.findings: dict[int, list[Finding]] = {}
        for finding in (result.findings if result else ()):
            if finding.index is not None:
                self.findings.setdefault(finding.index, []).append(finding)
        self.line_objs: list[MetaObject] = []
        self.row = 1

    # ------------------------------------------------------------------ cells

    def put(self, r: int, c: int, value: Any = None, *, c2: int | None = None, r2: int | None = None,
            style: str = "center", fmt: str | None = None, fill: str | None = None, comment: str | None = None,
            obj: MetaObject | None = None, fields: tuple[str, ...] = (), relative: bool = False,
            percent: bool = False) -> None:
        """Place a value; with ``obj``, record for each of ``fields`` the text this cell shows."""
        if isinstance(value, Decimal):
            value = excel_number(value)
            if isinstance(value, str):  # too many digits for a float: kept as text, right-aligned
                style = "number"
        elif isinstance(value, str) and value == "":
            value = None
        self.layout.box(r, c, value, r2=r2, c2=c2, style=style, fmt=fmt, fill=fill, comment=comment)
        if obj is not None:
            shown = "" if value is None else text_as_read(value, percent)
            ref = column_letter(c - 1) if relative else f"{column_letter(c - 1)}{r}"
            for name in fields:
                obj.guards.setdefault(name, []).append([ref, shown])

    def head(self, r: int, c: int, text: str, **kw: Any) -> None:
        self.put(r, c, text, style="head", **kw)

    # ------------------------------------------------------------------ whole sheet

    def build(self) -> tuple[Layout, SheetMeta]:
        ev = self.ev
        if self.form == "mof":
            self.mof_head()
        else:
            self.hubei_head()
        first_header = self.row
        if ev.goals:
            for g, goal in enumerate(ev.goals):
                self.goal_block(g, goal)
        else:
            self.block([(None, line) for line in ev.indicators], self.line_results(0, len(ev.indicators)))
        self.total_row()
        self.analysis_rows()
        layout = self.layout
        layout.print_rows = (1, 2)
        heights = layout.heights()
        above = sum(heights.get(r, layout.min_height) for r in range(1, first_header + 1))
        # Freeze the rows down to the first indicator header when they fit on a screen; a long
        # 年度总体目标 would otherwise freeze most of the window, so then only the title is frozen.
        layout.freeze_row = first_header + 1 if above <= 300 else 3
        return layout, self.meta

    def line_results(self, start: int, count: int) -> list[LineResult | None]:
        if not self.results:
            return [None] * count
        offset = 2 if self.ev.funds is not None else 1
        return [self.results.get(offset + start + k) for k in range(count)]

    # ------------------------------------------------------------------ heads

    def title_text(self) -> str:
        ev = self.ev
        if self.form == "mof":
            return ev.title if ev.kind.value == "department" else "项目支出绩效自评表"
        if self.form == "hubei-department":
            return ev.title
        if HEADING_KEY in ev.details:
            return ev.details[HEADING_KEY]
        if ev.title.endswith("表"):
            return ev.title
        return f"{ev.year}年度{ev.title}项目自评表" if ev.year else f"{ev.title}项目自评表"

    def detail_rows(self, row: int) -> int:
        """The table's other header fields (项目类别 …), one row each from ``row``; returns the next row."""
        for key, value in self.ev.details.items():
            if key == HEADING_KEY:
                continue
            self.head(row, 1, key, c2=2, obj=self.table, fields=("details",))
            self.put(row, 3, value, c2=self.n, style="text", obj=self.table, fields=("details",))
            row += 1
        return row

    def mof_head(self) -> None:
        ev, t, n = self.ev, self.table, self.n
        self.put(1, 1, self.title_text(), c2=n, style="title", obj=t, fields=("title", "details"))
        self.put(2, 1, f"（{ev.year}年度）" if ev.year else "（　　年度）", c2=n, style="subtitle")
        row = 3
        if ev.kind.value == "project":
            self.head(row, 1, "项目名称", c2=2)
            self.put(row, 3, ev.title, c2=n, style="text", obj=t, fields=("title",))
            row += 1
        self.head(row, 1, "主管部门", c2=2)
        self.put(row, 3, ev.department, c2=6, style="text", obj=t, fields=("department",))
        self.head(row, 7, "实施单位", c2=8)
        self.put(row, 9, ev.unit, c2=n, style="text", obj=t, fields=("unit",))
        row += 1
        row = self.detail_rows(row)
        funds = ev.funds
        if funds is not None or self.mode is Mode.TEMPLATE:
            row = self.mof_funds(row)
        target = ev.overall_target
        self.head(row, 1, "年度总体目标", r2=row + 1)
        self.head(row, 2, "预期目标", c2=6)
        self.head(row, 7, "实际完成情况", c2=n)
        self.put(row + 1, 2, target.expected if target else None, c2=6, style="text", obj=t,
                 fields=("overall_target",))
        self.put(row + 1, 7, target.actual if target else None, c2=n, style="text", obj=t, fields=("overall_target",))
        self.row = row + 2

    def mof_funds(self, row: int) -> int:
        ev, n, f = self.ev, self.n, self.funds_obj
        funds = ev.funds
        breakdown = funds.breakdown if funds else ()
        scored = self.scored
        # 项目资金（万元）: B label | C 年初预算数 | D 全年预算数 | E:F 全年执行数 | G 分值 | H 执行率 | 得分 …
        heads = [(3, 3, "年初预算数"), (4, 4, "全年预算数"), (5, 6, "全年执行数"), (7, 7, "分值"), (8, 8, "执行率")]
        heads += ([(9, 10, "得分"), (11, 12, "原填得分"), (13, 13, "扣分"), (14, n, "扣分说明")] if scored
                  else [(9, n, "得分")])
        self.head(row, 1, "项目资金（万元）", r2=row + 1 + len(breakdown))
        self.put(row, 2, None, style="head")
        for c1, c2, text in heads:
            self.head(row, c1, text, c2=c2)
        r = row + 1
        budget_line = self.results.get(1) if funds is not None else None
        fill, comment = self.line_marks(budget_line)
        self.put(r, 2, funds.label if funds and funds.label else "年度资金总额", style="text", obj=f, fields=("label",),
                 fill=fill)
        self.money(r, 3, funds.initial_budget if funds else None, f, "initial_budget", fill=fill)
        budget = funds.budget if funds else _amount(ev.details.get("项目当年预算"))
        self.money(r, 4, budget, f, "budget", fill=fill)
        template = self.mode is Mode.TEMPLATE
        self.money(r, 5, None if template or not funds else funds.executed, f, "executed", c2=6, fill=fill)
        weight = budget_line.weight if budget_line is not None else (funds.weight if funds else self.default_weight())
        self.put(r, 7, weight, fmt=number_format(SCORE, weight), style="center", obj=f, fields=("weight",), fill=fill)
        self.rate(r, 8, None if template or not funds else funds.budget, None if template or not funds else
                  funds.executed, f, fill=fill)
        if scored:
            score = budget_line.score if budget_line else None
            self.put(r, 9, score, c2=10, fmt=SCORE, style="center", fill=fill, comment=comment)
            self.put(r, 11, funds.recorded if funds else None, c2=12, fmt=number_format(SCORE, funds.recorded),
                     style="center", obj=f, fields=("recorded",), fill=fill)
            self.review(r, 13, 14, n, budget_line, fill)
        else:
            recorded = None if template or not funds else funds.recorded
            self.put(r, 9, recorded, c2=n, fmt=number_format(SCORE, recorded), style="center", obj=f,
                     fields=("recorded",))
        for k, part in enumerate(breakdown, 1):
            r = row + 1 + k
            self.put(r, 2, part.name, style="text", obj=f, fields=("breakdown",))
            self.money(r, 3, part.initial_budget, f, "breakdown")
            self.money(r, 4, part.budget, f, "breakdown")
            self.money(r, 5, None if template else part.executed, f, "breakdown", c2=6)
            self.put(r, 7, "—")
            self.rate(r, 8, part.budget, None if template else part.executed, f, "breakdown", fallback=part.rate)
            if scored:
                self.put(r, 9, "—", c2=10)
                self.put(r, 11, "—", c2=12)
                self.put(r, 13, None)
                self.put(r, 14, None, c2=n)
            else:
                self.put(r, 9, "—", c2=n)
        return row + 2 + len(breakdown)

    def default_weight(self) -> Decimal | None:
        """A blank template's budget-line 分值: 10 on the 财政部 form, 20 on the 湖北 forms (docs/rules.md §1)."""
        if self.mode is not Mode.TEMPLATE:
            return None
        return Decimal(10) if self.form == "mof" else Decimal(20)

    def money(self, r: int, c: int, value: Decimal | str | None, obj: MetaObject | None, name: str,
              c2: int | None = None, fill: str | None = None) -> None:
        """An amount as a number with thousands separators; a text that is not a number stays text."""
        amount = value if isinstance(value, Decimal) else _amount(value)
        if amount is None:
            self.put(r, c, value, c2=c2, style="number", obj=obj, fields=(name,), fill=fill)
        else:
            self.put(r, c, amount, c2=c2, fmt=number_format(MONEY, amount), style="number", obj=obj, fields=(name,),
                     fill=fill)

    def rate(self, r: int, c: int, budget: Decimal | str | None, executed: Decimal | str | None,
             obj: MetaObject | None, name: str = "rate", c2: int | None = None, fallback: str | None = None,
             fill: str | None = None) -> None:
        """执行率 = 执行数 / 预算数 as a percentage; the rate the table printed is kept in the metadata."""
        b = budget if isinstance(budget, Decimal) else _amount(budget)
        e = executed if isinstance(executed, Decimal) else _amount(executed)
        if b and e is not None:
            # rounded to 0.0001% so the stored number has few digits; the cell shows 0.00%
            self.put(r, c, round_half_up(e / b, 6), c2=c2, fmt=RATE, style="number", obj=obj, fields=(name,),
                     percent=True, fill=fill)
        else:
            self.put(r, c, fallback, c2=c2, style="number", obj=obj, fields=(name,), fill=fill)

    def hubei_head(self) -> None:
        ev, t, n = self.ev, self.table, self.n
        department = self.form == "hubei-department"
        self.put(1, 1, self.title_text(), c2=n, style="title", obj=t, fields=("title", "details"))
        self.put(2, 1, f"单位名称：{ev.unit or ''}", c2=n, style="note", obj=t, fields=("unit",))
        row = 3
        if department:
            self.head(row, 1, "单位名称", c2=2)
            self.put(row, 3, ev.unit, c2=n, style="text", obj=t, fields=("unit",))
            row += 1
        else:
            self.head(row, 1, "项目名称", c2=2)
            self.put(row, 3, ev.title, c2=n, style="text", obj=t, fields=("title",))
            self.head(row + 1, 1, "主管部门", c2=2)
            self.put(row + 1, 3, ev.department, c2=4, style="text", obj=t, fields=("department",))
            self.head(row + 1, 5, "项目实施单位")
            self.put(row + 1, 6, ev.unit, c2=n, style="text", obj=t, fields=("unit",))
            row += 2
        row = self.detail_rows(row)
        funds = ev.funds
        f = self.funds_obj
        # 基本支出总额 / 项目支出总额 (W1) — or whatever the breakdown rows are — two to a row.
        parts = list(funds.breakdown) if funds else []
        for k in range(0, len(parts), 2):
            for part, (c1, c2, c3, c4) in zip(parts[k:k + 2], ((1, 2, 3, 4), (5, 6, 7, n))):
                self.head(row, c1, f"{part.name}（万元）", c2=c2, obj=f, fields=("breakdown",))
                self.money(row, c3, part.budget, f, "breakdown", c2=c4)
            if len(parts[k:k + 2]) == 1:
                self.put(row, 5, None, c2=n)
            row += 1
        if funds is not None or self.mode is Mode.TEMPLATE:
            row = self.hubei_funds(row)
        target = ev.overall_target
        if target is not None or self.mode is Mode.TEMPLATE and self.form == "hubei-project":
            self.head(row, 1, "年度总体目标", c2=2, r2=row + 1)
            self.head(row, 3, "预期目标", c2=5)
            self.head(row, 6, "实际完成情况", c2=n)
            self.put(row + 1, 3, target.expected if target else None, c2=5, style="text", obj=t,
                     fields=("overall_target",))
            self.put(row + 1, 6, None if self.mode is Mode.TEMPLATE or not target else target.actual, c2=n,
                     style="text", obj=t, fields=("overall_target",))
            row += 2
        self.row = row

    def hubei_funds(self, row: int) -> int:
        ev, n, f = self.ev, self.n, self.funds_obj
        funds = ev.funds
        department = self.form == "hubei-department"
        budget_line = self.results.get(1) if funds is not None else None
        weight = budget_line.weight if budget_line is not None else (funds.weight if funds else self.default_weight())
        # The form prints the budget line's 分值 in its label: 预算执行情况(万元) (20分).
        points = None if weight is None else (fmt_points(weight) if weight == round_half_up(weight) else f"{weight:f}")
        label = "预算执行情况(万元)" + (f" ({points}分)" if points is not None else "")
        first = 2 if department else 3  # the fund label's column
        if department:
            self.head(row, 1, label, r2=row + 1, obj=f, fields=("weight",))
        else:
            self.head(row, 1, label, c2=2, r2=row + 1, obj=f, fields=("weight",))
        fill, comment = self.line_marks(budget_line)
        default = "部门整体支出总额" if self.ev.kind.value == "department" else "年度财政资金总额"
        self.put(row, first, funds.label if funds and funds.label else default, r2=row + 1, style="head", obj=f,
                 fields=("label",))
        c = first + 1
        for text in ("预算数(A)", "执行数(B)", "执行率(B/A)"):
            self.head(row, c, text)
            c += 1
        template = self.mode is Mode.TEMPLATE
        budget = funds.budget if funds else _amount(ev.details.get("项目当年预算"))
        r = row + 1
        self.money(r, first + 1, budget, f, "budget", fill=fill)
        self.money(r, first + 2, None if template or not funds else funds.executed, f, "executed", fill=fill)
        self.rate(r, first + 3, None if template or not funds else funds.budget,
                  None if template or not funds else funds.executed, f, fill=fill)
        c = first + 4
        if self.scored:
            self.head(row, c, "得分")
            self.head(row, c + 1, "原填得分")
            self.head(row, c + 2, "扣分")
            self.head(row, c + 3, "扣分说明", c2=n)
            self.put(r, c, budget_line.score if budget_line else None, fmt=SCORE, style="center", fill=fill,
                     comment=comment)
            self.put(r, c + 1, funds.recorded if funds else None, fmt=number_format(SCORE, funds.recorded if funds
                                                                                     else None),
                     style="center", obj=f, fields=("recorded",), fill=fill)
            self.review(r, c + 2, c + 3, n, budget_line, fill)
        else:
            self.head(row, c, "得分", c2=n)
            recorded = None if template or not funds else funds.recorded
            self.put(r, c, recorded, c2=n, fmt=number_format(SCORE, recorded), style="center", obj=f,
                     fields=("recorded",))
        return row + 2

    # ------------------------------------------------------------------ indicator blocks

    def goal_block(self, g: int, goal: Goal) -> None:
        ev, n = self.ev, self.n
        obj = MetaObject("目标", g, goal.name, "", model_values(goal, {"indicators"}), origin=_origin(goal))
        self.meta.objects.append(obj)
        row = self.row
        label = self.goal_label(g, goal)
        self.head(row, 1, label, c2=2, obj=obj, fields=("name", "weight"), relative=True)
        obj.anchor = f"A{row}"
        self.put(row, 3, goal.description, c2=n, style="text", obj=obj, fields=("description",), relative=True)
        self.row = row + 1
        start = sum(len(x.indicators) for x in ev.goals[:g])
        results = self.line_results(start, len(goal.indicators))
        self.block([(goal, line) for line in goal.indicators], results)
        # 合计 row: the goal's points, perfscore's sum, the table's own 合计
        r = self.row
        w = self.col["weight"]
        self.head(r, 1, "合计", c2=w - 1)
        weights = [x.weight for x in results if x is not None and x.weight is not None and
                   x.status is not Status.NOT_APPLICABLE] if self.scored else \
            [line.weight for line in goal.indicators if line.weight is not None]
        total_weight = goal.weight if goal.weight is not None else (sum(weights, ZERO) if weights else None)
        self.put(r, w, total_weight, fmt=number_format(SCORE, total_weight), style="center")
        recorded = None if self.mode is Mode.TEMPLATE else goal.recorded
        if self.scored:
            scores = [x.score for x in results if x is not None and x.score is not None]
            lost = sum((x.lost for x in results if x is not None and x.lost), ZERO)
            self.put(r, self.col["score"], sum(scores, ZERO) if scores else None, fmt=SCORE, style="center")
            self.put(r, self.col["recorded"], recorded, fmt=number_format(SCORE, recorded), style="center", obj=obj,
                     fields=("recorded",), relative=False)
            self.put(r, self.col["lost"], lost or None, fmt=SCORE, style="center")
            self.put(r, self.col["reasons"], None, c2=n)
        else:
            self.put(r, self.col["recorded"], recorded, fmt=number_format(SCORE, recorded), style="center", obj=obj,
                     fields=("recorded",), relative=False)
            for c in range(self.col["recorded"] + 1, n + 1):
                self.put(r, c, None)
        self.row = r + 1

    def goal_label(self, g: int, goal: Goal) -> str:
        """年度目标1(30分): a label the reader knows as a goal row, with the 分值 printed as the form does.

        A goal whose name the reader would not know as one (``积极推动…``) is printed as
        年度目标N; its real name is kept in the metadata.
        """
        from indicators.xlsx.headers import fold
        from indicators.xlsx.locate import is_goal

        def with_weight(name: str) -> str:
            if goal.weight is None:
                return name
            points = fmt_points(goal.weight) if goal.weight == round_half_up(goal.weight) else f"{goal.weight:f}"
            return f"{name}({points}分)"

        label = with_weight(goal.name.strip())
        return label if is_goal(fold(label)) else with_weight(f"年度目标{g + 1}")

    def block(self, lines: list[tuple[Goal | None, Indicator]], results: list[LineResult | None]) -> None:
        columns = self.columns
        header = self.row
        first = header + 1
        last = header + len(lines)
        self.head(header, 1, columns[0].header, r2=last)
        for i, column in enumerate(columns[1:], 2):
            self.head(header, i, column.header)
        objs = [self.line_obj(line) for _, line in lines]
        self.merged_levels(first, [line for _, line in lines], results, objs)
        for k, ((_, line), result) in enumerate(zip(lines, results)):
            self.line_row(first + k, line, result, objs[k])
        self.row = last + 1

    def merged_levels(self, first: int, lines: list[Indicator], results: list[LineResult | None],
                      objs: list[MetaObject]) -> None:
        """一级 and 二级指标: each run of equal names one vertically merged cell, as on the forms."""
        for key, names in (("level1", [(line.level1,) for line in lines]),
                           ("level2", [(line.level1, line.level2) for line in lines])):
            c = self.col[key]
            start = 0
            for i in range(1, len(names) + 1):
                if i == len(names) or names[i] != names[start] or names[start][-1] == "":
                    value = names[start][-1]
                    fill = self.line_marks(results[start])[0] if start == i - 1 else None
                    self.put(first + start, c, value, r2=first + i - 1, style="center", fill=fill)
                    start = i
        for line, obj in zip(lines, objs):
            for key in ("level1", "level2"):
                value = getattr(line, key)
                shown = "" if not value else text_as_read(value)
                obj.guards.setdefault(key, []).append([column_letter(self.col[key] - 1), shown])

    def line_obj(self, line: Indicator) -> MetaObject:
        """A new metadata row for ``line``; lines are matched by name when read back, so ``name`` is as shown."""
        obj = MetaObject("指标", len(self.line_objs), (line.name or "").strip(), "", model_values(line),
                         origin=_origin(line))
        self.line_objs.append(obj)
        self.meta.objects.append(obj)
        return obj

    def line_marks(self, result: LineResult | None) -> tuple[str | None, str | None]:
        """The fill and comment of a line: differs from the table's score, or needs judgment."""
        if result is None or not self.scored:
            return None, None
        fill = None
        if result.status is Status.NEEDS_JUDGMENT:
            fill = FILL_JUDGMENT
        elif result.recorded is not None and result.score is not None and result.recorded != result.score:
            fill = FILL_DIFFERS
        messages = [f"{f.severity.chinese}：{f.message}" for f in self.findings.get(result.index, ())]
        if fill == FILL_DIFFERS and not any("表上得分" in m for m in messages):
            messages.insert(0, f"表上原填得分{result.recorded:f}与 perfscore 得分{result.score:f}不同")
        if fill == FILL_JUDGMENT and not messages:
            messages.append("需要评价人判断，未计入总分")
        return fill, "\n".join(messages) or None

    def review(self, r: int, c_lost: int, c_reasons: int, c_end: int, result: LineResult | None,
               fill: str | None) -> None:
        """扣分 and 扣分说明: the points lost and the Chinese reasons (with the status when not 按规则)."""
        lost = result.lost if result is not None and result.lost else None
        self.put(r, c_lost, lost, fmt=SCORE, style="center", fill=fill)
        text = None
        if result is not None and (lost or result.status is not Status.SCORED):
            word = _STATUS_WORDS.get(result.status)
            text = ("【" + word + "】" if word else "") + "；".join(result.reasons)
        self.put(r, c_reasons, text, c2=c_end, style="text", fill=fill)

    def line_row(self, r: int, line: Indicator, result: LineResult | None, obj: MetaObject) -> None:
        obj.anchor = f"{column_letter(self.col['name'] - 1)}{r}"
        fill, comment = self.line_marks(result)
        template = self.mode is Mode.TEMPLATE
        for column in self.columns[1:]:
            key, c = column.key, self.col[column.key]
            if key in ("level1", "level2"):
                continue
            if key in ("name", "target", "actual", "direction", "unit", "deviation_reason"):
                value = getattr(line, key)
                if template and key in ("actual", "deviation_reason"):
                    value = None
                style = "text" if key in ("name", "deviation_reason") or key == "actual" and len(value or "") > 12 \
                    else "center"
                self.put(r, c, value, style=style, fill=fill, obj=obj, fields=(key,), relative=True)
            elif key == "nature":
                # A sign printed as 指标性质 (≧, ＞) goes back as printed: 正向 would lose a strict ＞.
                shown = line.nature_sign or (line.nature.value if line.nature else None)
                self.put(r, c, shown, fill=fill, obj=obj, fields=(key,), relative=True)
            elif key == "weight":
                weight = result.weight if self.scored and result is not None else line.weight
                self.put(r, c, weight, fmt=number_format(SCORE, weight), style="center", fill=fill, obj=obj,
                         fields=("weight",), relative=True)
            elif key == "score":
                self.put(r, c, result.score if result else None, fmt=SCORE, style="center", fill=fill,
                         comment=comment)
                if result is not None:
                    self.meta.score_cells[result.index] = f"'{self.layout.title}'!{column_letter(c - 1)}{r}"
            elif key == "recorded":
                recorded = None if template else line.recorded
                self.put(r, c, recorded, fmt=number_format(SCORE, recorded), style="center", fill=fill, obj=obj,
                         fields=("recorded",), relative=True)
            elif key == "lost":
                self.review(r, c, self.col["reasons"], self.col["reasons"], result, fill)

    # ------------------------------------------------------------------ bottom

    def total_row(self) -> None:
        ev, r, n = self.ev, self.row, self.n
        w = self.col["weight"]
        self.head(r, 1, "总分", c2=w - 1)
        result = self.result
        if self.scored and result is not None:
            self.put(r, w, result.max_total, fmt=SCORE, style="center")
            self.put(r, self.col["score"], result.total, fmt=SCORE, style="center",
                     comment=None if result.complete else
                     f"{M.left_out(result.pending_weight, result.unweighted_pending)}，未计入总分，等级为“{result.grade}”")
            self.put(r, self.col["recorded"], ev.recorded_total, fmt=number_format(SCORE, ev.recorded_total),
                     style="center", obj=self.table, fields=("recorded_total",))
            self.put(r, self.col["lost"], result.lost or None, fmt=SCORE, style="center")
            grade = f"等级：{result.grade}" + ("" if result.complete else "（有待判断的行）")
            self.put(r, self.col["reasons"], grade, c2=self.col["reasons"], style="text")
            for c in range(self.col["reasons"] + 1, n + 1):
                self.put(r, c, None)
        else:
            lines = [line for _, line in ev.lines()]
            weights = [line.weight for line in lines]
            total_weight = None
            if all(x is not None for x in weights) and (ev.funds is None or ev.funds.weight is not None):
                total_weight = sum(weights, ZERO) + (ev.funds.weight if ev.funds and ev.funds.weight else ZERO)
            self.put(r, w, total_weight, fmt=number_format(SCORE, total_weight), style="center")
            recorded = None if self.mode is Mode.TEMPLATE else ev.recorded_total
            self.put(r, self.col["recorded"], recorded, fmt=number_format(SCORE, recorded), style="center",
                     obj=self.table, fields=("recorded_total",))
            for c in range(self.col["recorded"] + 1, n + 1):
                self.put(r, c, None)
        self.row = r + 1

    def analysis_rows(self) -> None:
        ev, n, t = self.ev, self.n, self.table
        template = self.mode is Mode.TEMPLATE
        for label, key in (("偏差大或目标未完成原因分析", "deviation_analysis"), ("改进措施及结果应用方案", "improvement")):
            value = None if template else getattr(ev, key)
            if value is None and not template and self.form == "mof":
                continue  # the 财政部 form has no such rows; print them only when there is something to say
            self.head(self.row, 1, label, c2=2 if self.form != "mof" else 3)
            self.put(self.row, 3 if self.form != "mof" else 4, value, c2=n, style="text", obj=t, fields=(key,))
            self.row += 1


def build_sheet(evaluation: Evaluation, result: EvaluationResult | None, form: str, mode: Mode,
                name: str) -> tuple[Layout, SheetMeta]:
    """Lay out one evaluation as a sheet named ``name`` in ``form``.

    Args:
        evaluation: the table as read.
        result: its score (required for :attr:`Mode.SCORED`, ignored otherwise).
        form: one of :data:`FORMS`.
        mode: what the sheet holds besides the table.
        name: the sheet name (unique in the workbook, ≤ 31 characters).

    Returns:
        The layout and the metadata rows for this sheet.
    """
    if form not in FORMS:
        raise ValueError(f"unknown form {form!r}")
    if mode is Mode.SCORED and result is None:
        raise ValueError("a scored sheet needs the evaluation's result")
    return _Sheet(evaluation, result, form, mode, name).build()
