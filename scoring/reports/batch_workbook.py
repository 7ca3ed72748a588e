"""The batch summary workbook: 汇总, 问题, 发现, 等级分布 (with a chart), 优先复核, 目标表.

Rows are added as file reports stream in (only small tuples are kept), and the
workbook is written to a temporary file in the target folder and moved into
place, so an interrupted batch leaves no half-written summary.
"""

from __future__ import annotations

import pickle
import tempfile
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

from .atomic import write_atomically
from .sheets import excel_number

__all__ = ["SummaryBook", "OUTLIER_RULES", "SUMMARY_HEADERS", "summary_row"]

#: The 汇总 columns (and batch --format csv's). Columns are only ever added at the end.
SUMMARY_HEADERS = ["文件", "工作表", "位置", "单位", "表名", "类型", "总分", "等级", "执行率(%)", "表上总分", "差额",
                   "扣分合计", "待判断行数", "错误", "警告", "提示", "年度", "主管部门", "已复核", "复核意见"]
#: Why a table goes on the 优先复核 sheet (the reviewer's first look).
OUTLIER_RULES = {
    "total_differs": "表上总分与计算总分不一致",
    "high_total_low_rate": "总分≥90但执行率<80%",
    "actuals_equal_targets": "实际完成值全部与年度指标值相同",
    "many_pending": "需要判断的行较多（≥3行或≥20%）",
}
_KIND = {"project": "项目支出", "department": "部门整体支出"}
_SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}


def _n(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


def summary_row(file: str, item: dict[str, Any]) -> list[Any]:
    """One table's row of the 汇总 sheet (:data:`SUMMARY_HEADERS`), from its contract item with the batch extras."""
    total, recorded = _n(item["total"]), _n(item["recorded_total"])
    rate = _n(item["budget"]["rate"]) if item["budget"] else None
    difference = recorded - total if recorded is not None else None
    counts = item["counts"]
    return [file, item["sheet"], item["location"], item["unit"], item["title"], _KIND.get(item["kind"], item["kind"]),
            total, item["grade"], rate, recorded, difference, _n(item["lost"]), item["needs_judgment"],
            counts["error"], counts["warning"], counts["info"], item.get("year"), item.get("department"),
            item.get("decided", 0), item.get("opinion")]


class _Spool:
    """Rows kept in an anonymous temporary file, not in memory, until the workbook is written.

    A batch of thousands of workbooks adds its rows as they stream in; holding them in lists
    grew the process by ~11 KB a workbook. Each row is pickled (Decimals stay exact).
    """

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="perfscore-rows-")
        self._count = 0

    def append(self, row: list[Any]) -> None:
        pickle.dump(row, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[list[Any]]:
        self._file.flush()
        self._file.seek(0)
        for _ in range(self._count):
            yield pickle.load(self._file)
        self._file.seek(0, 2)  # appending may go on after a read


class SummaryBook:
    """Collects rows from file reports (spooled to a temporary file), then writes the summary workbook."""

    def __init__(self) -> None:
        self.summary = _Spool()
        self.problems = _Spool()
        self.findings = _Spool()
        self.targets = _Spool()
        self.outliers = _Spool()
        self.grades: Counter[str] = Counter()

    def add_problem(self, file: str, source: str, message: str) -> None:
        """A problem of the run that no file report carries (a path that does not exist, a file not read)."""
        self.problems.append([file, source, message])

    def add(self, report: Any) -> None:
        """Take the rows of one FileReport (scoring.batch) and let it go."""
        for problem in report.problems:
            self.problems.append([report.file, problem["source"], problem["message"]])
        for target in report.targets:
            self.targets.append([report.file, target["source"], target["message"]])
        for item in report.evaluations:
            row = summary_row(report.file, item)
            total, rate, recorded, difference = row[6], row[8], row[9], row[10]
            self.grades[item["grade"]] += 1
            self.summary.append(row)
            for finding in item["findings"]:
                where = f"{report.file}!{finding['source']}" if finding["source"] and "!" in finding["source"] \
                    else (finding["source"] or report.file)
                decision = finding.get("decision")
                self.findings.append([report.file, item["title"], _SEVERITY.get(finding["severity"], finding["severity"]),
                                      finding["code"],
                                      finding["line"], where, finding["message"], item.get("year"),
                                      item.get("department"), _decision_text(decision),
                                      decision["reason"] if decision else None])
            reasons = []
            if difference:
                reasons.append(OUTLIER_RULES["total_differs"] + f"（{recorded} 对 {total}）")
            if total is not None and total >= 90 and rate is not None and rate < 80:
                reasons.append(OUTLIER_RULES["high_total_low_rate"] + f"（{total} 分，执行率 {rate}%）")
            if any(f["code"] == "actuals_equal_targets" for f in item["findings"]):
                reasons.append(OUTLIER_RULES["actuals_equal_targets"])
            pending = item["needs_judgment"]
            if pending >= 3 or (item["indicator_count"] and pending / item["indicator_count"] >= 0.2):
                reasons.append(OUTLIER_RULES["many_pending"] + f"（{pending} 行）")
            if reasons:
                self.outliers.append([report.file, item["location"], item["title"], total, item["grade"],
                                      "；".join(reasons)])

    def write(self, path: str | Path) -> None:
        """Write the workbook atomically (temporary file in the same folder, then moved into place).

        xlsxwriter, as for the scored workbooks: this runs serially after the workers, and
        openpyxl spent about 2 ms a table here (measured), the largest serial part of a batch.
        """
        write_atomically(path, self._render, suffix=".xlsx")

    def to_bytes(self) -> bytes:
        """The workbook as bytes, written in memory (the web page's download)."""
        import io

        buffer = io.BytesIO()
        self._render(buffer)
        return buffer.getvalue()

    def _render(self, target: Any) -> None:
        import xlsxwriter

        # constant_memory: each sheet's rows go to xlsxwriter's own temporary file as written, so the
        # spooled rows pass through without ever being held all at once.
        book = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
        head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "text_wrap": True, "valign": "vcenter"})
        score = book.add_format({"num_format": "0.00"})

        def sheet(title: str, headers: list[str], rows: Any, widths: list[int],
                  number_columns: tuple[int, ...] = ()) -> Any:
            ws = book.add_worksheet(title)
            for i, width in enumerate(widths):
                ws.set_column(i, i, width, score if i in number_columns else None)
            ws.write_row(0, 0, headers, head)
            for r, row in enumerate(rows, start=1):
                for c, value in enumerate(row):
                    if value is None:
                        continue
                    if isinstance(value, str):
                        ws.write_string(r, c, value)  # never a formula, whatever it starts with
                    else:
                        ws.write_number(r, c, _cell(value))
            ws.freeze_panes(1, 0)
            if rows:
                ws.autofilter(0, 0, len(rows), len(headers) - 1)
            # Printed as the scored workbooks are: A4 landscape, one page wide, the header row on every page.
            ws.set_paper(9)
            ws.set_landscape()
            ws.fit_to_pages(1, 0)
            ws.repeat_rows(0)
            ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
            return ws

        sheet("汇总", SUMMARY_HEADERS, self.summary, [28, 14, 14, 22, 30, 10, 8, 6, 9, 9, 7, 8, 8, 6, 6, 6, 6, 22, 7, 40],
              number_columns=(6, 8, 9, 10, 11))
        sheet("优先复核", ["文件", "位置", "表名", "总分", "等级", "原因"], self.outliers, [28, 14, 30, 8, 6, 60],
              number_columns=(3,))
        sheet("问题", ["文件", "位置", "说明"], self.problems, [28, 30, 70])
        sheet("发现", ["文件", "表名", "级别", "代码", "指标", "位置", "说明", "年度", "主管部门", "复核决定", "复核理由"],
              self.findings, [28, 30, 8, 22, 24, 36, 80, 6, 22, 10, 40])
        sheet("目标表", ["文件", "位置", "说明"], self.targets, [28, 30, 60])
        grade_rows = [[grade, count] for grade, count in sorted(self.grades.items(), key=_grade_order)]
        sheet("等级分布", ["等级", "表数"], grade_rows, [10, 10])
        if grade_rows:
            chart = book.add_chart({"type": "column"})
            last = len(grade_rows)
            chart.add_series({"name": "表数", "categories": ["等级分布", 1, 0, last, 0],
                              "values": ["等级分布", 1, 1, last, 1]})
            chart.set_title({"name": "等级分布"})
            chart.set_x_axis({"name": "等级"})
            chart.set_y_axis({"name": "表数"})
            chart.set_legend({"none": True})
            book.get_worksheet_by_name("等级分布").insert_chart("D2", chart)
        book.close()


def _decision_text(decision: dict[str, Any] | None) -> str | None:
    """已核实 / 不采纳 for a finding's decision; a lapsed one says so."""
    if not decision:
        return None
    return decision["verdict_text"] + ("（已失效）" if decision["lapsed"] else "")


def _grade_order(pair: tuple[str, int]) -> tuple[int, str]:
    order = {"优": 0, "良": 1, "中": 2, "差": 3, "A": 0, "B": 1, "C": 2, "D": 3, "待定": 9}
    return order.get(pair[0], 5), pair[0]


def _cell(value: Any) -> Any:
    """Decimals as numbers so the sheet sorts, converted exactly as the scored workbooks do."""
    return excel_number(value) if isinstance(value, Decimal) else value
