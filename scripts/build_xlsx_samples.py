"""Build the shipped sample tables as .xlsx workbooks laid out like the published forms.

Every cell value comes from the YAML samples in ``samples/*.yaml`` (read with
``indicators.yaml_io.load_yaml_file``); the layout of each workbook — which cells
are merged, which labels sit where, the form's own fixed wording — follows the
published form the sample was copied from, as it appears in the seed text under
the five seed documents (see samples/README.md):

* ``w1-wuhan-2023-department.xlsx``   湖北/武汉 部门整体支出绩效自评表 (seed 000, line 637)
* ``w2-wuhan-2023-project.xlsx``      湖北/武汉 项目自评表 (seed 000, line 675), as published
* ``w2-wuhan-2023-project-with-reason.xlsx``  the same form filled from the variant sample
* ``u-wuhai-2023.xlsx``               财政部 项目支出绩效自评表 with the 内蒙古/乌海 columns,
                                      U1–U5 one sheet each, after a 说明 sheet (seed 001, lines 299–446)
* ``q-qiaokou-2020.xlsx``             硚口 整体 / 项目 自评表, one sheet each (seed 002, lines 577–609)
* ``c-caidian-2022.xlsx``             the five 蔡甸 项目绩效评价 tables stacked in one sheet
                                      (seed 004, lines 173–660)

Nothing is computed: amounts, rates, weights and recorded scores are written as
printed (numbers as numbers with a number format that shows them as printed,
targets and actuals as text). Run from the repository root::

    python scripts/build_xlsx_samples.py

The output is deterministic apart from the timestamps openpyxl stores in docProps.
"""

from __future__ import annotations

import math
import sys
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indicators.model import Evaluation  # noqa: E402
from indicators.numbers import D  # noqa: E402
from indicators.yaml_io import load_yaml_file  # noqa: E402

SAMPLES = ROOT / "samples"

FONT_NAME = "宋体"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
NO_BOX = Border()

# Check boxes as they print on the 湖北 forms (☑ ticked, □ not).
TICKED, UNTICKED = "☑", "□"


# --------------------------------------------------------------------------- loading


def load(name: str) -> Evaluation:
    """The one evaluation in ``samples/<name>.yaml``; stop on any reading problem."""
    result = load_yaml_file(SAMPLES / f"{name}.yaml")
    if result.problems or len(result.evaluations) != 1:
        raise SystemExit(f"{name}.yaml: {[p.message for p in result.problems]}")
    return result.evaluations[0]


# --------------------------------------------------------------------------- values


def number(value: Decimal | str, *, grouped: bool = False) -> tuple[int | float, str]:
    """A printed amount/score as a cell number plus the number format that prints it the same way.

    ``Decimal('4.00')`` → ``(4.0, '0.00')``; ``'0'`` → ``(0, 'General')``; grouped → ``'#,##0.00'``.
    """
    d = value if isinstance(value, Decimal) else D(value)
    places = -d.as_tuple().exponent if d.as_tuple().exponent < 0 else 0
    if places:
        integer = "#,##0" if grouped else "0"
        return float(str(d)), integer + "." + "0" * places
    return int(d), "#,##0" if grouped else "General"


def percent(text: str) -> tuple[float | int, str]:
    """A printed rate such as ``'100.00%'`` as the number Excel stores (1) and its percent format."""
    body = text.strip()
    if not body.endswith("%"):
        raise ValueError(f"not a percentage: {text!r}")
    d = D(body[:-1])
    places = -d.as_tuple().exponent if d.as_tuple().exponent < 0 else 0
    stored = d / 100
    cell_value: int | float = int(stored) if stored == stored.to_integral_value() else float(str(stored))
    return cell_value, "0" + ("." + "0" * places if places else "") + "%"


def points(value: Decimal | None) -> str:
    """A weight as printed inside a label: ``Decimal('30')`` → ``'30'``."""
    return "" if value is None else str(value)


def options(choices: list[str], chosen: str | None, sep: str) -> str:
    """A 项目类别/属性/类型 line: ``1、部门预算项目 ☑ 2、市直专项 □ …`` with the sample's choice ticked."""
    if chosen is not None and chosen not in choices:
        raise ValueError(f"{chosen!r} is not one of {choices}")
    return " ".join(
        f"{i}{sep}{choice} {TICKED if choice == chosen else UNTICKED}" for i, choice in enumerate(choices, 1)
    )


def runs(keys: list[object]) -> list[tuple[int, int]]:
    """Index ranges ``(first, last)`` of consecutive equal keys (the vertically merged cells)."""
    result: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            result.append((start, i - 1))
            start = i
    return result


# --------------------------------------------------------------------------- sheet writer


class Sheet:
    """Writes boxes (single or merged cells) onto a worksheet and sizes rows to their text."""

    def __init__(self, ws, widths: list[float]) -> None:
        self.ws = ws
        self.widths = widths
        for i, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        self.texts: list[tuple[int, int, int, int, int, str, float]] = []
        self.row = 1

    def box(
        self,
        r1: int,
        c1: int,
        value: object = None,
        *,
        r2: int | None = None,
        c2: int | None = None,
        fmt: str | None = None,
        bold: bool = False,
        size: float = 11,
        align: str = "center",
        border: bool = True,
    ) -> None:
        """Write ``value`` into the box r1..r2 × c1..c2 (merged when larger than one cell)."""
        r2 = r1 if r2 is None else r2
        c2 = c1 if c2 is None else c2
        ws = self.ws
        top = ws.cell(row=r1, column=c1)
        if value is not None:
            top.value = value
        if fmt:
            top.number_format = fmt
        top.font = Font(name=FONT_NAME, size=size, bold=bold)
        top.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
        if r2 > r1 or c2 > c1:
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                ws.cell(row=r, column=c).border = BOX if border else NO_BOX
        if value is not None:
            shown = value if isinstance(value, str) else str(value)
            self.texts.append((r1, r2, c1, c2, len(shown), shown, size))

    def fit_rows(self, min_height: float = 20.0) -> None:
        """Give each row the height its longest wrapped text needs (Excel does not do it for merges)."""
        need: dict[int, float] = {}
        for r1, r2, c1, c2, _, text, size in self.texts:
            width = sum(self.widths[c - 1] for c in range(c1, c2 + 1))
            units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text) * size / 11
            lines = max(1, math.ceil(units / max(width - 1.5, 1)))
            height = lines * size * 1.45 + 6
            per_row = height / (r2 - r1 + 1)
            for r in range(r1, r2 + 1):
                need[r] = max(need.get(r, min_height), per_row)
        for r, height in sorted(need.items()):
            self.ws.row_dimensions[r].height = round(max(height, min_height), 1)

    def landscape(self) -> None:
        ws = self.ws
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True


def new_workbook() -> Workbook:
    wb = Workbook()
    wb.properties.creator = "perfscore scripts/build_xlsx_samples.py"
    wb.properties.title = None
    return wb


def save(wb: Workbook, name: str) -> Path:
    path = SAMPLES / name
    wb.save(path)
    return path


def merge_levels(
    sh: Sheet,
    first_row: int,
    level1: list[str],
    level2: list[str],
    col1: int,
    col2: int,
    *,
    merge2: bool = True,
    span_same: bool = False,
) -> None:
    """The 一级 / 二级 columns: each run of equal names one vertically merged cell.

    ``span_same``: where 一级 and 二级 are the same word (成本指标 on the 乌海 forms),
    one cell spans both columns.
    """
    spanned: set[int] = set()
    if span_same:
        for a, b in runs([(l1, l2) for l1, l2 in zip(level1, level2)]):
            if level1[a] == level2[a]:
                sh.box(first_row + a, col1, level1[a], r2=first_row + b, c2=col2, bold=False)
                spanned.update(range(a, b + 1))
    for a, b in runs(level1):
        rows = [i for i in range(a, b + 1) if i not in spanned]
        if rows:
            sh.box(first_row + rows[0], col1, level1[rows[0]], r2=first_row + rows[-1])
    keys = list(zip(level1, level2)) if merge2 else list(range(len(level2)))
    for a, b in runs(keys):
        rows = [i for i in range(a, b + 1) if i not in spanned]
        if rows:
            sh.box(first_row + rows[0], col2, level2[rows[0]], r2=first_row + rows[-1])


# --------------------------------------------------------------------------- W1: 湖北 部门整体


def build_w1() -> Path:
    """W1: 2023年度武汉市医疗保障局（局本级）绩效自评表 (seed 000 line 637)."""
    ev = load("w1-wuhan-2023-department")
    funds = ev.funds
    assert funds is not None
    wb = new_workbook()
    ws = wb.active
    ws.title = "整体绩效自评表"
    # A 年度绩效指标 | B 一级 | C 二级 | D 三级 | E 年初目标值 | F 实际完成值 | G 目标分值 | H 得分
    sh = Sheet(ws, [14, 15, 16, 30, 13, 32, 10, 10])
    last = 8
    sh.box(1, 1, ev.title, c2=last, bold=True, size=16, border=False)
    sh.box(2, 1, f"单位名称：{ev.unit}", c2=last, align="left", border=False)

    sh.box(3, 1, "单位名称", c2=2, bold=True)
    sh.box(3, 3, ev.unit, c2=last)

    basic, project = funds.breakdown  # 基本支出总额, 项目支出总额
    sh.box(4, 1, f"{basic.name}（万元）", c2=2, bold=True)
    # Real workbooks often hold an amount as text with its thousands separator: this one does.
    sh.box(4, 3, basic.budget, c2=5, align="right")
    sh.box(4, 6, f"{project.name}（万元）", c2=7, bold=True)
    value, fmt = number(project.budget, grouped=True)
    sh.box(4, 8, value, fmt=fmt, align="right")

    sh.box(5, 1, f"预算执行情况(万元) ({points(funds.weight)}分)", r2=6, bold=True)
    sh.box(5, 2, funds.label, r2=6, bold=True)
    for col, head in zip((3, 4, 5), ("预算数(A)", "执行数(B)", "执行率(B/A)")):
        sh.box(5, col, head, bold=True)
    sh.box(5, 6, "得分", c2=last, bold=True)
    value, fmt = number(funds.budget, grouped=True)
    sh.box(6, 3, value, fmt=fmt, align="right")
    value, fmt = number(funds.executed, grouped=True)
    sh.box(6, 4, value, fmt=fmt, align="right")
    value, fmt = percent(funds.rate)
    sh.box(6, 5, value, fmt=fmt)
    sh.box(6, 6, f"({points(funds.weight)}分*执行率) {funds.recorded}", c2=last)

    row = 7
    for goal in ev.goals:
        sh.box(row, 1, f"{goal.name}({points(goal.weight)}分)", c2=2, bold=True)
        sh.box(row, 3, goal.description, c2=last, align="left")
        row += 1
        lines = goal.indicators
        header = row
        sh.box(header, 1, "年度绩效指标", r2=header + len(lines), bold=True)
        for col, head in enumerate(
            ("一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)", "目标分值", "得分"), 2
        ):
            sh.box(header, col, head, bold=True)
        first = header + 1
        merge_levels(sh, first, [i.level1 for i in lines], [i.level2 for i in lines], 2, 3)
        for k, ind in enumerate(lines):
            r = first + k
            sh.box(r, 4, ind.name, align="left")
            sh.box(r, 5, ind.target)
            sh.box(r, 6, ind.actual, align="left" if len(ind.actual or "") > 12 else "center")
            for col, amount in ((7, ind.weight), (8, ind.recorded)):
                if amount is None:
                    sh.box(r, col)
                else:
                    value, fmt = number(amount)
                    sh.box(r, col, value, fmt=fmt)
        row = first + len(lines)
        sh.box(row, 1, "合计", bold=True)
        value, fmt = number(goal.recorded)
        sh.box(row, 2, value, fmt=fmt, c2=last)
        row += 1

    sh.box(row, 1, "总分", bold=True)
    value, fmt = number(ev.recorded_total)
    sh.box(row, 2, value, fmt=fmt, c2=last)
    row += 1
    sh.box(row, 1, "偏差大或目标未完成原因分析", c2=2, bold=True)
    sh.box(row, 3, ev.deviation_analysis, c2=last, align="left")
    row += 1
    sh.box(row, 1, "改进措施及结果应用方案", c2=2, bold=True)
    sh.box(row, 3, ev.improvement, c2=last, align="left")
    sh.fit_rows()
    sh.landscape()
    return save(wb, "w1-wuhan-2023-department.xlsx")


# --------------------------------------------------------------------------- W2: 湖北 项目


W2_FORM_TITLE = "2023 年度医疗保障管理工作经费项目自评表"  # seed 000 line 675
W2_OPTIONS = {  # seed 000 lines 681–683: the form's fixed choices
    "项目类别": ["部门预算项目", "市直专项", "市对下转移支付项目"],
    "项目属性": ["持续性项目", "新增性项目"],
    "项目类型": ["常年性项目", "延续性项目", "一次性项目"],
}


def build_w2(sample: str, out: str) -> Path:
    """W2: 2023 年度医疗保障管理工作经费项目自评表 (seed 000 line 675)."""
    ev = load(sample)
    funds = ev.funds
    assert funds is not None
    wb = new_workbook()
    ws = wb.active
    ws.title = "项目自评表"
    # A 年度绩效目标 | B 一级 | C 二级 | D:E 三级 | F 年初目标值 | G 实际完成值 | H 目标分值 | I 得分
    sh = Sheet(ws, [13, 15, 18, 24, 10, 13, 32, 10, 10])
    last = 9
    sh.box(1, 1, W2_FORM_TITLE, c2=last, bold=True, size=16, border=False)
    sh.box(2, 1, f"单位名称： {ev.unit}", c2=last, align="left", border=False)

    sh.box(3, 1, "项目名称", c2=2, bold=True)
    sh.box(3, 3, ev.title, c2=last)
    sh.box(4, 1, "主管部门", c2=2, bold=True)
    sh.box(4, 3, ev.department, c2=5)
    sh.box(4, 6, "项目实施单位", c2=7, bold=True)
    sh.box(4, 8, ev.unit, c2=last)
    row = 5
    for label, choices in W2_OPTIONS.items():
        sh.box(row, 1, label, c2=2, bold=True)
        sh.box(row, 3, options(choices, ev.details.get(label), "、"), c2=last, align="left")
        row += 1

    sh.box(row, 1, f"预算执行情况(万元) ({points(funds.weight)}分)", r2=row + 1, c2=2, bold=True)
    sh.box(row, 3, funds.label, r2=row + 1, bold=True)
    for col, head in zip((4, 5, 6), ("预算数(A)", "执行数(B)", "执行率(B/A)")):
        sh.box(row, col, head, bold=True)
    sh.box(row, 7, "得分", c2=last, bold=True)
    value, fmt = number(funds.budget)
    sh.box(row + 1, 4, value, fmt=fmt, align="right")
    value, fmt = number(funds.executed)
    sh.box(row + 1, 5, value, fmt=fmt, align="right")
    value, fmt = percent(funds.rate)
    sh.box(row + 1, 6, value, fmt=fmt)
    sh.box(row + 1, 7, f"({points(funds.weight)}分*执行率) {funds.recorded}", c2=last)
    row += 2

    lines = [ind for _, ind in ev.lines()]
    header = row
    total_row = header + len(lines) + 1
    # On the printed form the 年度绩效目标 cell runs down beside the lines and the 总分 row.
    sh.box(header, 1, "年度绩效目标", r2=total_row, bold=True)
    sh.box(header, 2, "一级指标", bold=True)
    sh.box(header, 3, "二级指标", bold=True)
    sh.box(header, 4, "三级指标", c2=5, bold=True)
    for col, head in zip((6, 7, 8, 9), ("年初目标值(A)", "实际完成值(B)", "目标分值", "得分")):
        sh.box(header, col, head, bold=True)
    first = header + 1
    merge_levels(sh, first, [i.level1 for i in lines], [i.level2 for i in lines], 2, 3)
    for k, ind in enumerate(lines):
        r = first + k
        sh.box(r, 4, ind.name, c2=5, align="left")
        sh.box(r, 6, ind.target)
        sh.box(r, 7, ind.actual, align="left" if len(ind.actual or "") > 12 else "center")
        for col, amount in ((8, ind.weight), (9, ind.recorded)):
            value, fmt = number(amount)
            sh.box(r, col, value, fmt=fmt)
    sh.box(total_row, 2, "总分", bold=True)
    value, fmt = number(ev.recorded_total)
    sh.box(total_row, 3, value, fmt=fmt, c2=last)
    row = total_row + 1
    sh.box(row, 1, "偏差大或目标未完成原因分析", c2=2, bold=True)
    sh.box(row, 3, ev.deviation_analysis, c2=last, align="left")
    row += 1
    sh.box(row, 1, "改进措施及结果应用方案", c2=2, bold=True)
    sh.box(row, 3, ev.improvement, c2=last, align="left")
    sh.fit_rows()
    sh.landscape()
    return save(wb, out)


# --------------------------------------------------------------------------- U: 财政部 form, 乌海 columns

# Per table: sample, the dash printed in the 分值/得分 cells of the fund sub-rows, and the
# 分值 printed on the 总分 row (seed 001 lines 299–446).
U_TABLES = [
    ("u1-wuhai-2023-anti-fraud", "—", 100),
    ("u2-wuhai-2023-work-funds", "—", 100),
    ("u3-wuhai-2023-service-counter", "——", 100),
    ("u4-wuhai-2023-digital-reform", "——", 100),
    ("u5-wuhai-2023-hired-staff", "——", 100),
]

U_NOTES = [
    "说明",
    "1. 本工作簿为2023年度乌海市医疗保障局（部门）决算公开中的项目支出绩效自评表，共5张，每张表一个工作表。",
    "2. 金额单位：万元；执行率(%)按全年执行数/全年预算数计算。",
    "3. 各表数据以公开文本为准，报送时请勿改动表格格式。",
    "4. 联系人：财务科",
]


def sheet_name(title: str) -> str:
    bad = set('[]:*?/\\')
    name = "".join("_" if ch in bad else ch for ch in title)[:31]
    return name


def build_u_sheet(ws, ev: Evaluation, dash: str, weight_total: int) -> None:
    funds = ev.funds
    assert funds is not None
    # A 绩效指标 | B 一级 | C 二级 | D 三级 | E 性质 | F 方向 | G 年度指标值 | H 实际完成值 | I 计量单位 | J 分值 | K 得分 | L 偏差原因
    sh = Sheet(ws, [9, 13, 14, 28, 9, 10, 11, 32, 9, 8, 8, 34])
    last = 12
    sh.box(1, 1, "项目支出绩效自评表", c2=last, bold=True, size=16, border=False)
    sh.box(2, 1, f"({ev.year}年度)", c2=last, border=False)
    sh.box(3, 1, "项目名称", c2=2, bold=True)
    sh.box(3, 3, ev.title, c2=last)
    sh.box(4, 1, "主管部门", c2=2, bold=True)
    sh.box(4, 3, ev.department, c2=6)
    sh.box(4, 7, "实施单位", c2=8, bold=True)
    sh.box(4, 9, ev.unit, c2=last)

    # 项目资金（万元）: B label | C 年初预算数 | D:F 全年预算数 | G 全年执行数 | H 分值 | I 执行率(%) | J:L 得分
    sh.box(5, 1, "项目资金（万元）", r2=9, bold=True)
    sh.box(5, 2)
    sh.box(5, 3, "年初预算数", bold=True)
    sh.box(5, 4, "全年预算数", c2=6, bold=True)
    sh.box(5, 7, "全年执行数", bold=True)
    sh.box(5, 8, "分值", bold=True)
    sh.box(5, 9, "执行率(%)", bold=True)
    sh.box(5, 10, "得分", c2=last, bold=True)

    def amount(r: int, c: int, text: Decimal | str | None, c2: int | None = None) -> None:
        if text is None:
            sh.box(r, c, c2=c2)
        else:
            value, fmt = number(text)
            sh.box(r, c, value, fmt=fmt, c2=c2, align="right")

    sh.box(6, 2, funds.label, align="left")
    amount(6, 3, funds.initial_budget)
    amount(6, 4, funds.budget, c2=6)
    amount(6, 7, funds.executed)
    amount(6, 8, funds.weight)
    amount(6, 9, funds.rate)
    amount(6, 10, funds.recorded, c2=last)
    for r, part in enumerate(funds.breakdown, 7):
        sh.box(r, 2, part.name, align="left")
        amount(r, 3, part.initial_budget)
        amount(r, 4, part.budget, c2=6)
        amount(r, 7, part.executed)
        sh.box(r, 8, dash)
        amount(r, 9, part.rate)
        sh.box(r, 10, dash, c2=last)

    target = ev.overall_target
    sh.box(10, 1, "年度总体目标", r2=11, bold=True)
    sh.box(10, 2, "预期目标", c2=6, bold=True)
    sh.box(10, 7, "实际完成情况", c2=last, bold=True)
    sh.box(11, 2, target.expected if target else None, c2=6, align="left")
    sh.box(11, 7, target.actual if target else None, c2=last, align="left")

    lines = [ind for _, ind in ev.lines()]
    header = 12
    heads = ("一级指标", "二级指标", "三级指标", "指标性质", "指标方向", "年度指标值", "实际完成值",
             "计量单位", "分值", "得分", "偏差原因分析及改进措施")
    sh.box(header, 1, "绩效指标", r2=header + len(lines), bold=True)
    for col, head in enumerate(heads, 2):
        sh.box(header, col, head, bold=True)
    first = header + 1
    merge_levels(sh, first, [i.level1 for i in lines], [i.level2 for i in lines], 2, 3, span_same=True)
    for k, ind in enumerate(lines):
        r = first + k
        sh.box(r, 4, ind.name, align="left")
        sh.box(r, 5, ind.nature.value if ind.nature else None)
        sh.box(r, 6, ind.direction)
        sh.box(r, 7, ind.target)
        sh.box(r, 8, ind.actual, align="left" if len(ind.actual or "") > 12 else "center")
        sh.box(r, 9, ind.unit)
        for col, value_ in ((10, ind.weight), (11, ind.recorded)):
            if value_ is None:
                sh.box(r, col)
            else:
                value, fmt = number(value_)
                sh.box(r, col, value, fmt=fmt)
        sh.box(r, 12, ind.deviation_reason, align="left")
    total = first + len(lines)
    sh.box(total, 1, "总分", c2=9, bold=True)
    sh.box(total, 10, weight_total)
    value, fmt = number(ev.recorded_total)
    sh.box(total, 11, value, fmt=fmt)
    sh.box(total, 12)
    sh.fit_rows()
    sh.landscape()


def build_u() -> Path:
    """U1–U5: 乌海市医疗保障局 2023 项目支出绩效自评表, one sheet each after a 说明 sheet."""
    wb = new_workbook()
    notes = wb.active
    notes.title = "说明"
    notes.column_dimensions["A"].width = 100
    for r, text in enumerate(U_NOTES, 1):
        cell = notes.cell(row=r, column=1, value=text)
        cell.font = Font(name=FONT_NAME, size=11, bold=(r == 1))
    for sample, dash, weight_total in U_TABLES:
        ev = load(sample)
        ws = wb.create_sheet(sheet_name(ev.title))
        build_u_sheet(ws, ev, dash, weight_total)
    return save(wb, "u-wuhai-2023.xlsx")


# --------------------------------------------------------------------------- Q: 硚口


Q_OPTIONS = {  # seed 002 lines 595–597
    "项目类别": ["部门预算项目", "财政专项资金"],
    "项目属性": ["持续性项目", "新增性项目"],
    "项目类型": ["常年性项目", "延续性项目", "一次性项目"],
}
Q2_FORM_TITLE = "项目支出绩效自评表"  # seed 002 line 591
Q2_GOAL_LABEL = "年度绩效目标 1: (80分)"  # seed 002 line 602 (the sample names it 年度绩效目标1, 80分)
Q2_NOTE = "注: 该项目由财政社保专户核算。"  # seed 002 line 609, under the table


def q_budget(sh: Sheet, row: int, ev: Evaluation, header: str) -> None:
    """The 预算执行情况 two rows: header and the values row, 执行率 stored as a percent number."""
    funds = ev.funds
    assert funds is not None
    sh.box(row, 1, header, r2=row + 1, bold=True)
    sh.box(row, 2)
    for col, head in zip((3, 4, 5), ("预算数 (A)", "执行数 (B)", "执行率 (B/A)")):
        sh.box(row, col, head, bold=True)
    sh.box(row, 6, f"得分 ({points(funds.weight)}分*执行率)", c2=7, bold=True)
    sh.box(row + 1, 2, funds.label, bold=True)
    value, fmt = number(funds.budget)
    sh.box(row + 1, 3, value, fmt=fmt, align="right")
    value, fmt = number(funds.executed)
    sh.box(row + 1, 4, value, fmt=fmt, align="right")
    value, fmt = percent(funds.rate)
    sh.box(row + 1, 5, value, fmt=fmt)
    value, fmt = number(funds.recorded)
    sh.box(row + 1, 6, value, fmt=fmt, c2=7)


def q_lines(sh: Sheet, header: int, label: str, heads: tuple[str, ...], ev: Evaluation, merge2: bool) -> int:
    """Header row (its first cell running down beside the lines) and the lines; returns the next row."""
    lines = [ind for _, ind in ev.lines()]
    sh.box(header, 1, label, r2=header + len(lines), bold=True)
    for col, head in enumerate(heads, 2):
        sh.box(header, col, head, bold=True)
    first = header + 1
    merge_levels(sh, first, [i.level1 for i in lines], [i.level2 for i in lines], 2, 3, merge2=merge2)
    for k, ind in enumerate(lines):
        r = first + k
        sh.box(r, 4, ind.name, align="left")
        sh.box(r, 5, ind.target)
        sh.box(r, 6, ind.actual)
        value, fmt = number(ind.recorded)
        sh.box(r, 7, value, fmt=fmt)
    return first + len(lines)


def q_tail(sh: Sheet, row: int, ev: Evaluation) -> int:
    sh.box(row, 1, "总分", bold=True)
    value, fmt = number(ev.recorded_total)
    sh.box(row, 2, value, fmt=fmt, c2=7)
    sh.box(row + 1, 1, "偏差大或目标未完成原因分析", bold=True)
    sh.box(row + 1, 2, ev.deviation_analysis, c2=7, align="left")
    sh.box(row + 2, 1, "改进措施及结果应用方案", bold=True)
    sh.box(row + 2, 2, ev.improvement, c2=7, align="left")
    return row + 3


def build_q() -> Path:
    """Q1 and Q2: 武汉市硚口区医疗保障局 2020 (seed 002 lines 577–609), one sheet each."""
    wb = new_workbook()
    widths = [16, 12, 14, 22, 13, 13, 14]

    # Q1 — 整体支出
    q1 = load("q1-qiaokou-2020-department")
    ws = wb.active
    ws.title = "整体绩效自评表"
    sh = Sheet(ws, widths)
    sh.box(1, 1, q1.title, c2=7, bold=True, size=16, border=False)
    sh.box(2, 1, "部门名称", bold=True)
    sh.box(2, 2, q1.department, c2=7)
    basic, project = q1.funds.breakdown  # 基本支出总额 182.18, 项目支出总额 "0%" (as printed)
    sh.box(3, 1, basic.name, bold=True)
    value, fmt = number(basic.budget)
    sh.box(3, 2, value, fmt=fmt, c2=4, align="right")
    sh.box(3, 5, project.name, bold=True)
    sh.box(3, 6, project.budget, c2=7, align="right")
    q_budget(sh, 4, q1, f"预收执行情况 (万元) ({points(q1.funds.weight)}分)")  # the typo is on the form
    goal = q1.goals[0]
    sh.box(6, 1, f"{goal.name}: ({points(goal.weight)}分)", bold=True)
    sh.box(6, 2, goal.description, c2=7, align="left")
    heads = ("一级指标", "二级指标", "三级指标", "年初目标值 (A)", "实际完成值 (B)", "得分")
    # Q1 prints 社会效益指标 on both lines (二级 not merged); the 一级 cell is merged.
    row = q_lines(sh, 7, "年度绩效指标", heads, q1, merge2=False)
    q_tail(sh, row, q1)
    sh.fit_rows()

    # Q2 — 项目支出
    q2 = load("q2-qiaokou-2020-critical-illness")
    ws = wb.create_sheet("项目支出绩效自评表")
    sh = Sheet(ws, widths)
    sh.box(1, 1, Q2_FORM_TITLE, c2=7, bold=True, size=16, border=False)
    sh.box(2, 1, "项目名称", bold=True)
    sh.box(2, 2, q2.title, c2=7)
    sh.box(3, 1, "主管部门", bold=True)
    sh.box(3, 2, q2.department)
    sh.box(3, 3, "实施单位", bold=True)
    sh.box(3, 4, q2.unit, c2=7)
    row = 4
    for label, choices in Q_OPTIONS.items():
        sh.box(row, 1, label, bold=True)
        sh.box(row, 2, options(choices, q2.details.get(label), ". "), c2=7, align="left")
        row += 1
    q_budget(sh, row, q2, f"预算执行情况 (万元) ({points(q2.funds.weight)}分)")
    row += 2
    sh.box(row, 1, "年度总体目标", r2=row + 1, bold=True)
    sh.box(row, 2, "预期目标", c2=4, bold=True)
    sh.box(row, 5, "实际完成情况", c2=7, bold=True)
    sh.box(row + 1, 2, q2.overall_target.expected, c2=4, align="left")
    sh.box(row + 1, 5, q2.overall_target.actual, c2=7, align="left")
    row += 2
    heads = ("一级指标", "二级指标", "三级指标", "年度目标值 (A)", "实际完成值 (B)", "得分")
    row = q_lines(sh, row, Q2_GOAL_LABEL, heads, q2, merge2=True)
    row = q_tail(sh, row, q2)
    sh.box(row + 1, 1, Q2_NOTE, c2=7, align="left", border=False)
    sh.fit_rows()
    return save(wb, "q-qiaokou-2020.xlsx")


# --------------------------------------------------------------------------- C: 蔡甸

# Per table: sample, and the heading printed above it (seed 004, without the 一、二、… numbering).
C_TABLES = [
    ("c1-caidian-2022-audit", "2022年度医保审核经费（医保中心）项目绩效评价报告"),
    ("c2-caidian-2022-special-groups", "2022 年度特殊人群管理服务费（医保中心）项目绩效评价报告"),
    ("c3-caidian-2022-archives", "2022 年度医保补偿资料档案管理经费（医保中心）项目绩效评价报告"),
    ("c4-caidian-2022-network", "2022 年度医保网络信息建设维护经费（医保中心）项目绩效评价报告"),
    ("c5-caidian-2022-publicity", "2022 年度医保政策宣传经费（医保中心）项目绩效评价报告"),
]


def build_c() -> Path:
    """The five 蔡甸 2022 tables (seed 004 from line 173), stacked in one sheet, two blank rows apart."""
    wb = new_workbook()
    ws = wb.active
    ws.title = "项目绩效评价表"
    # A label | B 一级 | C 二级 | D (hidden, empty spacer) | E 三级 | F 年初目标值 | G 实际完成值 | H 未完成原因及改进措施
    sh = Sheet(ws, [16, 15, 16, 3, 34, 16, 16, 20])
    ws.column_dimensions["D"].hidden = True
    last = 8
    row = 1
    document = None
    for sample, heading in C_TABLES:
        ev = load(sample)
        funds = ev.funds
        assert funds is not None
        document = ev.document
        sh.box(row, 1, heading, c2=last, bold=True, size=14, border=False)
        row += 1
        sh.box(row, 1, "项目名称", bold=True)
        sh.box(row, 2, ev.title, c2=last, align="left")
        row += 1
        sh.box(row, 1, "主管部门", bold=True)
        sh.box(row, 2, ev.department, c2=4, align="left")
        sh.box(row, 5, "项目实施单位", bold=True)
        sh.box(row, 6, ev.unit, c2=last, align="left")
        row += 1

        # 预算执行情况（万元）: B 资金来源 | C:D 预算数（A） | E 执行数（B） | F:H 执行率（B/A）
        parts = [(p.name, p.budget, p.executed, p.rate) for p in funds.breakdown]
        parts.append((funds.label, funds.budget, funds.executed, funds.rate))
        sh.box(row, 1, "预算执行情况（万元）", r2=row + len(parts), bold=True)
        sh.box(row, 2, "资金来源", bold=True)
        sh.box(row, 3, "预算数（A）", c2=4, bold=True)
        sh.box(row, 5, "执行数（B）", bold=True)
        sh.box(row, 6, "执行率（B/A）", c2=last, bold=True)
        for k, (name, budget, executed, rate) in enumerate(parts, 1):
            value, fmt = number(budget)
            sh.box(row + k, 2, name)
            sh.box(row + k, 3, value, fmt=fmt, c2=4)
            value, fmt = number(executed)
            sh.box(row + k, 5, value, fmt=fmt)
            sh.box(row + k, 6, rate, c2=last)  # printed 100% kept as text here
        row += len(parts) + 1

        lines = [ind for _, ind in ev.lines()]
        sh.box(row, 1, "年度绩效目标完成情况", r2=row + len(lines), bold=True)
        for col, head in zip((2, 3, 5, 6, 7, 8),
                             ("一级指标", "二级指标", "三级指标", "年初目标值", "实际完成值", "未完成原因及改进措施")):
            sh.box(row, col, head, bold=True)
        first = row + 1
        merge_levels(sh, first, [i.level1 for i in lines], [i.level2 for i in lines], 2, 3)
        for k, ind in enumerate(lines):
            r = first + k
            sh.box(r, 5, ind.name, align="left")
            sh.box(r, 6, ind.target)
            sh.box(r, 7, ind.actual)
            sh.box(r, 8, ind.deviation_reason, align="left")
        row = first + len(lines)
        row += 2  # two blank rows between tables
    note_row = row - 2  # the row directly under the last table
    sh.box(note_row, 1, f"注：本表数据来源于{document}", c2=last, align="left", border=False)
    sh.fit_rows()
    return save(wb, "c-caidian-2022.xlsx")


# --------------------------------------------------------------------------- main


def main() -> None:
    built = [
        build_w1(),
        build_w2("w2-wuhan-2023-project", "w2-wuhan-2023-project.xlsx"),
        build_w2("w2-wuhan-2023-project-with-reason", "w2-wuhan-2023-project-with-reason.xlsx"),
        build_u(),
        build_q(),
        build_c(),
    ]
    for path in built:
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
