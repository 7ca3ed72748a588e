"""Build the two draft 自评报告 templates perfscore ships (project and department-wide).

Each template is an ordinary Word document with docxtpl placeholders (``{{ total }}``,
``{%p for line in lost_lines %}`` …), laid out as a bureau prints a report: A4, margins of
党政机关公文格式 (GB/T 9704: top 3.7 cm, bottom 3.5 cm, left 2.8 cm, right 2.6 cm), the title in
黑体 二号, headings in 黑体/楷体 三号, body text in 仿宋 三号. An officer may open a template in
Word or WPS, change its wording or layout and pass it with ``perfscore report --template``; the
names it may use are listed in ``docs/report.md``. Run from the repository root::

    python scripts/build_report_templates.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "scoring" / "reports" / "report_templates"

BODY = "仿宋"
HEADING = "黑体"
SUB_HEADING = "楷体"


def _font(run_or_style, name: str, size: float, bold: bool = False) -> None:
    font = run_or_style.font
    font.name = name
    font.size = Pt(size)
    font.bold = bold
    element = run_or_style.element if hasattr(run_or_style, "element") else run_or_style._element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for key in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(key), name)


def _page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = document.styles["Normal"]
    _font(normal, BODY, 16)
    spacing = normal.paragraph_format
    spacing.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    spacing.line_spacing = Pt(28)
    spacing.space_before = spacing.space_after = Pt(0)


class _Writer:
    def __init__(self) -> None:
        self.document = Document()
        _page(self.document)

    def title(self, text: str) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.line_spacing = Pt(36)
        _font(paragraph.add_run(text), HEADING, 22)

    def heading(self, text: str, level: int = 1) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Cm(1.12)
        _font(paragraph.add_run(text), HEADING if level == 1 else SUB_HEADING, 16, bold=False)

    def text(self, text: str, indent: bool = True, size: float = 16) -> None:
        paragraph = self.document.add_paragraph()
        if indent:
            paragraph.paragraph_format.first_line_indent = Cm(1.12)
        _font(paragraph.add_run(text), BODY, size)

    def control(self, tag: str) -> None:
        """A paragraph holding only a docxtpl ``{%p … %}`` tag (removed when rendered)."""
        self.document.add_paragraph(tag)

    def table(self, headers: list[str], cells: list[str], widths: list[float]) -> None:
        """A scored-table appendix: a header row and one templated row repeated for every line."""
        table = self.document.add_table(rows=4, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        rows = [headers, ["{%tr for line in lines %}"] + [""] * (len(headers) - 1), cells,
                ["{%tr endfor %}"] + [""] * (len(headers) - 1)]
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                cell = table.cell(r, c)
                cell.width = Cm(widths[c])
                paragraph = cell.paragraphs[0]
                paragraph.paragraph_format.line_spacing = Pt(16)
                paragraph.paragraph_format.first_line_indent = Cm(0)
                _font(paragraph.add_run(value), HEADING if r == 0 else BODY, 10.5)

    def save(self, path: Path) -> None:
        self.document.core_properties.author = "perfscore"
        self.document.core_properties.title = "预算绩效自评报告（草稿模板）"
        self.document.save(path)


def _common_tail(w: _Writer, number: str) -> None:
    w.heading(f"{number}、自评得分和等级")
    w.text("按{{ rules }}规则集逐行评分，自评得分{{ total }}分（满分{{ max_total }}分），等级为“{{ grade }}”。"
           "{% if recorded_total %}表上所填总分{{ recorded_total }}分{% if recorded_differs %}，与按规则计算的总分"
           "相差{{ recorded_gap }}分，原因【请说明】{% endif %}。{% endif %}"
           "{% if not complete %}另有{{ pending_weight }}分需要评价人判断，尚未计入总分：【请补充判断】。{% endif %}")
    w.text("扣分情况：共扣{{ lost_total }}分。{% if not lost_lines %}各项指标均得满分。{% endif %}")
    w.control("{%p for line in lost_lines %}")
    w.text("{{ loop.index }}．{{ line.name }}：分值{{ line.weight }}分，得{{ line.score }}分，扣{{ line.lost }}分。"
           "{{ line.reason }}")
    w.control("{%p endfor %}")
    w.heading(f"{'四' if number == '三' else '五'}、偏差原因分析")
    w.control("{%p for line in deviations %}")
    w.text("{{ line.name }}：{{ line.reason }}")
    w.control("{%p endfor %}")
    w.text("{% if deviation_analysis %}{{ deviation_analysis }}{% else %}【请分析偏差原因】{% endif %}")
    w.heading(f"{'五' if number == '三' else '六'}、存在的问题和改进措施")
    w.text("{% if improvement %}{{ improvement }}{% else %}【请写明存在的问题和改进措施】{% endif %}")
    w.text("附件：{{ title }}绩效自评表（perfscore 评分）", indent=False)
    w.table(["序号", "指标", "年度指标值", "实际完成值", "分值", "得分", "说明"],
            ["{{ line.index }}", "{{ line.name }}", "{{ line.target }}", "{{ line.actual }}", "{{ line.weight }}",
             "{{ line.score }}", "{{ line.note }}"],
            [1.0, 3.6, 2.2, 2.8, 1.2, 1.2, 4.6])


def project() -> _Writer:
    w = _Writer()
    w.title("{{ year_text }}{{ title }}绩效自评报告")
    w.text("{{ department or '【主管部门】' }}　{{ unit or '【实施单位】' }}", indent=False)
    w.heading("一、基本情况")
    w.heading("（一）项目概况", level=2)
    w.text("{{ title }}由{{ unit or '【实施单位】' }}实施，主管部门为{{ department or '【主管部门】' }}。"
           "【请简述项目立项依据、主要内容和实施范围】")
    w.text("{% if overall_expected %}年度总体目标：{{ overall_expected }}{% else %}年度总体目标：【请填写】{% endif %}")
    w.heading("（二）资金投入和使用情况", level=2)
    w.text("{% if budget %}{{ year_text }}全年预算数{{ budget.budget }}万元，全年执行数{{ budget.executed }}万元，"
           "预算执行率{{ budget.rate }}%。{% for row in budget.breakdown %}其中{{ row.name }}预算{{ row.budget }}万元、"
           "执行{{ row.executed }}万元；{% endfor %}{% else %}表上没有预算执行情况：【请填写资金投入和使用情况】{% endif %}")
    w.heading("二、绩效目标及完成情况")
    w.heading("（一）年度总体目标完成情况", level=2)
    w.text("{% if overall_actual %}{{ overall_actual }}{% else %}【请写明年度总体目标的完成情况】{% endif %}")
    w.heading("（二）各项指标完成情况", level=2)
    w.control("{%p for group in groups %}")
    w.text("{{ group.name }}：{% for line in group.lines %}{{ line.name }}，年度指标值{{ line.target }}，"
           "实际完成{{ line.actual }}；{% endfor %}")
    w.control("{%p endfor %}")
    _common_tail(w, "三")
    return w


def department() -> _Writer:
    w = _Writer()
    w.title("{{ year_text }}{{ unit or department or title }}部门整体支出绩效自评报告")
    w.text("{{ department or '【主管部门】' }}", indent=False)
    w.heading("一、部门基本情况")
    w.heading("（一）部门职能和机构设置", level=2)
    w.text("【请简述部门主要职能、内设机构和人员情况】")
    w.heading("（二）部门整体支出情况", level=2)
    w.text("{% if budget %}{{ year_text }}部门预算数{{ budget.budget }}万元，执行数{{ budget.executed }}万元，"
           "预算执行率{{ budget.rate }}%。{% for row in budget.breakdown %}其中{{ row.name }}{{ row.budget }}万元；"
           "{% endfor %}{% else %}表上没有预算执行情况：【请填写部门整体支出情况】{% endif %}")
    w.heading("二、部门整体支出绩效目标及完成情况")
    w.control("{%p for group in groups %}")
    w.heading("{{ group.name }}{% if group.weight %}（{{ group.weight }}分）{% endif %}", level=2)
    w.text("{% if group.description %}{{ group.description }}{% else %}【请写明该目标的内容】{% endif %}")
    w.text("{% for line in group.lines %}{{ line.name }}：年度指标值{{ line.target }}，实际完成{{ line.actual }}；"
           "{% endfor %}")
    w.control("{%p endfor %}")
    w.heading("三、部门履职成效")
    w.text("{% if overall_actual %}{{ overall_actual }}{% else %}【请总结部门履职的主要成效】{% endif %}")
    _common_tail(w, "四")
    return w


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    project().save(OUT / "report-project.docx")
    department().save(OUT / "report-department.docx")
    print(f"已写出 {OUT}/report-project.docx、report-department.docx")
    return 0


if __name__ == "__main__":
    sys.exit(main())
