"""Format readers (.xls, .xlsb, .ods, .docx, .html, .pdf): each builds the grids the xlsx reader builds.

The committed fixtures (tests/fixtures/formats/, built by scripts/build_format_fixtures.py from the
shipped sample workbooks) must score exactly like their workbooks; the inline tests build their
inputs here (merges, encodings, error cells, refusals, hostile bytes).
"""

from __future__ import annotations

import io
import json
import random
import re
import shutil
import struct
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cli.main import main
from indicators.formats.books import _xlsb_errors
from indicators.formats.common import NO_TABLE_MESSAGE, Spanned, cell_value, grid_from_rows
from indicators.formats.html import decode_page, read_html
from indicators.load import SUPPORTED_SUFFIXES, Input, load, load_path, sniff, unsupported_message
from indicators.xlsx.cells import read_workbook

from .conftest import ROOT, SAMPLES
from .test_hostile import bounded
from .xlsx_build import MOF_MERGES, MOF_ROWS, write_book

FORMATS = ROOT / "tests" / "fixtures" / "formats"
WORKBOOKS = sorted(SAMPLES.glob("*.xlsx"))
KINDS = ("xls", "ods", "docx", "html", "pdf")
GRID_NAME = {"docx": r"表\d+", "html": r"表\d+", "pdf": r"第\d+(?:-\d+)?页(?:表\d+)?"}


def score_json(path: Path) -> tuple[int, dict]:
    result = CliRunner().invoke(main, ["score", "--format", "json", str(path)], catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout)


def _number(text):
    """A figure as a number: a printed PDF shows a budget of 10 as its format does (``10.00``)."""
    try:
        return Decimal(text).normalize() if text is not None else None
    except ArithmeticError:
        return text


def lines_of(report: dict) -> list:
    return [(e["title"], e["total"], e["max_total"], e["grade"], e["complete"],
             [(l["index"], l["kind"], l["name"], _number(l["target"]), _number(l["actual"]), l["weight"], l["score"],
               l["lost"], l["status"]) for l in e["lines"]]) for e in report["evaluations"]]


def _grids(path: Path) -> dict:
    if path.suffix == ".xlsx":
        return {grid.name: grid for grid in read_workbook(path)}
    from indicators.formats import _reader

    kind = path.suffix.lstrip(".")
    return {grid.name: grid for grid in _reader(kind)(path.read_bytes(), path.name, [])}


def _at(grids: dict, location: str) -> str:
    sheet, cell = location.rsplit("!", 1)
    match = re.fullmatch(r"([A-Z]+)(\d+)", cell)
    col = 0
    for letter in match.group(1):
        col = col * 26 + ord(letter) - 64
    value = grids[sheet].value(int(match.group(2)) - 1, col - 1)
    return "" if value is None else re.sub(r"\s+", "", f"{value:f}" if isinstance(value, Decimal) else value)


@pytest.mark.parametrize("kind", KINDS + ("lo-html", "lo-docx", "word-pdf"))
@pytest.mark.parametrize("workbook", WORKBOOKS, ids=[p.stem for p in WORKBOOKS])
def test_each_format_of_each_sample_scores_like_its_workbook(workbook, kind):
    """``lo-``: the same tables as LibreOffice writes them (a web page of the workbook; that page saved as Word);
    ``word-``: the Word document printed to PDF, its tables running over pages and rows broken at page ends."""
    writer, _, kind = kind.rpartition("-")
    converted = FORMATS / (f"{writer}-{workbook.stem}.{kind}" if writer else f"{workbook.stem}.{kind}")
    code, report = score_json(converted)
    expected_code, expected = score_json(workbook)
    assert code == expected_code
    assert report["problems"] == []
    assert lines_of(report) == lines_of(expected)
    # the samples use nothing a format cannot carry (docs/formats.md): the same findings
    assert [sorted(f["code"] for f in e["findings"]) for e in report["evaluations"]] == \
        [sorted(f["code"] for f in e["findings"]) for e in expected["evaluations"]]
    # every source names the converted file and a grid of its form, and its cell shows what the workbook's does
    mine, theirs = _grids(converted), _grids(workbook)
    for evaluation, twin in zip(report["evaluations"], expected["evaluations"]):
        for line, other in zip(evaluation["lines"], twin["lines"]):
            sheet = line["source"].rsplit("!", 1)[0]
            if kind in GRID_NAME:
                assert re.fullmatch(GRID_NAME[kind], sheet), line["source"]
            else:
                assert sheet == other["source"].rsplit("!", 1)[0]
            assert _at(mine, line["source"]) == _at(theirs, other["source"]) != "", (line["source"], other["source"])


def test_a_table_running_on_over_a_page_break_is_one_grid_scored_like_its_workbook():
    pdf, book = FORMATS / "long.pdf", FORMATS / "long.xlsx"
    grids = _grids(pdf)
    assert len(grids) == 1 and re.fullmatch(r"第1-\d+页", next(iter(grids)))
    code, report = score_json(pdf)
    assert report["problems"] == [] and lines_of(report) == lines_of(score_json(book)[1])
    assert len(report["evaluations"][0]["lines"]) > 60
    last = report["evaluations"][0]["lines"][-1]["source"]
    assert last.startswith(next(iter(grids)) + "!") and _at(grids, last) == _at(_grids(book), last.replace(
        last.rsplit("!", 1)[0], "长表"))


def test_a_row_broken_at_a_page_end_is_read_as_one_row_with_a_notice():
    path = FORMATS / "word-w1-wuhan-2023-department.pdf"
    result = load_path(path)
    rejoined = [n for n in result.notices if "断开的一行" in n.message]
    assert rejoined and all(re.fullmatch(GRID_NAME["pdf"], n.source.sheet) for n in rejoined)
    names = [line.name for line in result.evaluations[0].indicators]
    assert names == [line.name for line in load_path(SAMPLES / "w1-wuhan-2023-department.xlsx").evaluations[0].indicators]


# --- inline tables: merges ------------------------------------------------------------------------

def _mof_spans() -> dict[tuple[int, int], tuple[int, int]]:
    from openpyxl.utils.cell import range_boundaries

    spans = {}
    for ref in MOF_MERGES:
        c0, r0, c1, r1 = range_boundaries(ref)
        spans[(r0 - 1, c0 - 1)] = (r1 - r0 + 1, c1 - c0 + 1)
    return spans


def _mof_covered() -> set[tuple[int, int]]:
    return {(r + dr, c + dc) for (r, c), (rows, cols) in _mof_spans().items() for dr in range(rows) for dc in range(cols)
            if (dr, dc) != (0, 0)}


def _shown(value) -> str:
    return "" if value is None else str(value)


def mof_html(encoding: str = "gbk", declared: str | None = "gb2312", title_above: bool = True) -> bytes:
    spans, covered = _mof_spans(), _mof_covered()
    head = f'<meta http-equiv="Content-Type" content="text/html; charset={declared}">' if declared else ""
    out = [f"<html><head>{head}<script>alert('不运行')</script></head><body>"]
    rows = MOF_ROWS
    if title_above:
        out.append(f"<p><b>{rows[0][0]}</b></p>")
        rows = rows[1:]
    out.append("<table border=1>")
    offset = 1 if title_above else 0
    for r, row in enumerate(rows, offset):
        out.append("<tr>")
        for c, value in enumerate(row):
            if (r, c) in covered:
                continue
            rs, cs = spans.get((r, c), (1, 1))
            out.append(f'<td rowspan="{rs}" colspan="{cs}">{_shown(value)}</td>')
        out.append("</tr>")
    out.append("</table></body></html>")
    return "".join(out).encode(encoding)


def mof_docx(path: Path) -> Path:
    from docx import Document

    document = Document()
    document.add_paragraph("说明：下表为示例。这一段是正文，比标题长得多，不应当被当作表格的标题来读取，" * 3)
    document.add_paragraph(str(MOF_ROWS[0][0]))
    rows = MOF_ROWS[1:]
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    covered = _mof_covered()
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row):
            if (r, c) not in covered and value is not None:
                table.cell(r - 1, c).text = _shown(value)
    for (r, c), (rs, cs) in _mof_spans().items():
        if r >= 1:
            table.cell(r - 1, c).merge(table.cell(r - 1 + rs - 1, c + cs - 1))
    document.save(path)
    return path


@pytest.fixture(scope="module")
def mof_workbook(tmp_path_factory) -> Path:
    return write_book(tmp_path_factory.mktemp("mof") / "mof.xlsx", {"表": MOF_ROWS}, {"表": MOF_MERGES})


def _same_grid(grid, expected) -> None:
    assert grid.values == expected.values
    assert {r: row for r, row in grid.covered.items() if row} == {r: row for r, row in expected.covered.items() if row}


def test_html_rowspan_colspan_and_a_title_above_give_the_workbook_grid(tmp_path, mof_workbook):
    page = tmp_path / "mof.htm"
    page.write_bytes(mof_html())
    grids = read_html(page.read_bytes(), page.name, [])
    assert [grid.name for grid in grids] == ["表1"]
    _same_grid(grids[0], read_workbook(mof_workbook)[0])
    code, report = score_json(page)
    assert lines_of(report) == lines_of(score_json(mof_workbook)[1])
    assert report["evaluations"][0]["location"].startswith("表1!")


def test_docx_gridspan_and_vmerge_give_the_workbook_grid(tmp_path, mof_workbook):
    path = mof_docx(tmp_path / "mof.docx")
    xml = zipfile.ZipFile(path).read("word/document.xml")
    assert b"w:gridSpan" in xml and b"w:vMerge" in xml  # the merges are Word's own
    grids = _grids(path)
    assert list(grids) == ["表1"]  # the long paragraph is body text, not a title row
    _same_grid(grids["表1"], read_workbook(mof_workbook)[0])
    assert lines_of(score_json(path)[1]) == lines_of(score_json(mof_workbook)[1])


def test_docx_vmerge_continuing_under_a_gridspan_and_grid_before():
    # row 1: A spans two grid columns and restarts a vertical merge; row 2 continues it; row 2 starts
    # one grid column in (gridBefore) in the third table.
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

    def tc(text: str, span: int = 1, vmerge: str | None = None) -> str:
        props = (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "") + \
            ("" if vmerge is None else (f'<w:vMerge w:val="{vmerge}"/>' if vmerge else "<w:vMerge/>"))
        return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"

    body = (f"<w:tbl><w:tr>{tc('甲', 2, 'restart')}{tc('乙')}</w:tr>"
            f"<w:tr>{tc('', 2, '')}{tc('丙')}</w:tr>"
            f"<w:tr><w:trPr><w:gridBefore w:val=\"1\"/></w:trPr>{tc('丁')}{tc('戊')}</w:tr></w:tbl>")
    old_style = ('<w:tr><w:tc><w:tcPr><w:hMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>己</w:t></w:r></w:p></w:tc>'
                 '<w:tc><w:tcPr><w:hMerge/></w:tcPr><w:p/></w:tc>' + tc("庚") + "</w:tr>")
    body = body.replace("</w:tbl>", old_style + "</w:tbl>")
    data = _docx_bytes(f'<w:document {w}><w:body><w:p><w:r><w:t>标题</w:t></w:r></w:p>{body}</w:body></w:document>')
    grid = read_format_grids("docx", data)[0]
    assert grid.values == [["标题"] * 3, ["甲", "甲", "乙"], ["甲", "甲", "丙"], [None, "丁", "戊"], ["己", "己", "庚"]]
    assert grid.covered[2] == {0: (1, 0), 1: (1, 0)} and grid.covered[4] == {1: (4, 0)}


def _docx_bytes(document_xml: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document_xml)
    return buffer.getvalue()


def read_format_grids(kind: str, data: bytes):
    from indicators.formats import _reader

    return _reader(kind)(data, "测试", [])


@pytest.mark.parametrize("rows, values", [
    ([[Spanned("a", 2), Spanned("b")], [Spanned("c")]], [["a", "b"], ["a", "c"]]),
    ([[Spanned("a", 1, 3)], [Spanned("b"), Spanned("c", 1, 2)]], [["a"] * 3, ["b", "c", "c"]]),
    ([[Spanned("a", 99, 1)], [Spanned("b")]], [["a", None], ["a", "b"]]),  # a span past the table: clamped
    ([[Spanned("10"), Spanned(" 9.50 "), Spanned("95.32%"), Spanned("4,342.32"), Spanned("")]],
     [[Decimal("10"), Decimal("9.50"), "95.32%", "4,342.32", None]]),
])
def test_spans_are_placed_as_a_browser_places_them(rows, values):
    assert grid_from_rows("表1", rows).values == values


@pytest.mark.parametrize("first, kept", [
    ("项目支出绩效自评表", False),  # the table prints its own title: the text above is no title
    ("（2023年度）", True),  # a first row across the table that is no title: the text above is kept
    ("单位名称：某局", True),
])
def test_text_above_a_table_is_its_title_unless_the_table_prints_its_own(first, kept):
    grid = grid_from_rows("表1", [[Spanned(first, 1, 2)], [Spanned("项目名称"), Spanned("某项目")]],
                          ["Sheet 1: 自评表"])
    assert (grid.values[0][0] == "Sheet 1: 自评表") == kept
    assert grid.values[1 if kept else 0] == [first, first]


@pytest.mark.parametrize("text, value", [("", None), (" \u3000 ", None), ("-3", Decimal("-3")), (".5", Decimal(".5")),
                                         ("1e5", "1e5"), ("第 1  行\n 第2行 ", "第 1 行\n第2行"), ("#DIV/0!", "#DIV/0!")])
def test_cell_values_are_read_as_the_workbook_reader_reads_them(text, value):
    assert cell_value(text) == value


@st.composite
def spanned_tables(draw):
    """A small table: non-overlapping merged ranges, values as an officer writes them (text, numbers, empty)."""
    height, width = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    taken: set[tuple[int, int]] = set()
    cells: dict[tuple[int, int], tuple[int, int, str]] = {}
    texts = st.sampled_from(["", "得分", "10", "9.50", "95.32%", "≥20家", "年度\n指标值", "#N/A", "—"])
    for r in range(height):
        for c in range(width):
            if (r, c) in taken:
                continue
            rows = draw(st.integers(1, height - r))
            cols = 1
            while c + cols < width and (r, c + cols) not in taken and draw(st.booleans()):
                cols += 1
            rows = next((k for k in range(1, rows + 1) if any((r + k - 1, c + j) in taken for j in range(cols))),
                        rows + 1) - 1 or 1
            taken.update((r + i, c + j) for i in range(rows) for j in range(cols))
            cells[(r, c)] = (rows, cols, draw(texts))
    return height, width, cells


def _expected_grid(height, width, cells):
    values = [[None] * width for _ in range(height)]
    covered: dict[int, dict[int, tuple[int, int]]] = {}
    for (r, c), (rows, cols, text) in cells.items():
        value = cell_value(text)
        if value is None:
            continue
        for i in range(rows):
            for j in range(cols):
                values[r + i][c + j] = value
                if (i, j) != (0, 0):
                    covered.setdefault(r + i, {})[c + j] = (r, c)
    return values, covered


def _html_of(height, width, cells) -> bytes:
    out = ["<meta charset=gbk><table>"]
    for r in range(height):
        out.append("<tr>")
        for c in range(width):
            if (r, c) in cells:
                rows, cols, text = cells[(r, c)]
                out.append(f'<td rowspan={rows} colspan="{cols}">{text.replace(chr(10), "<br/>")}</td>')
        out.append("</tr>")
    return "".join(out + ["</table>"]).encode("gbk")


def _docx_of(height, width, cells) -> bytes:
    """document.xml written by hand: gridSpan for columns, vMerge restart/continue for rows."""
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    holder = {(r + i, c): (r, c) for (r, c), (rows, _, _) in cells.items() for i in range(rows)}
    out = [f"<w:document {w}><w:body><w:tbl>"]
    for r in range(height):
        out.append("<w:tr>")
        c = 0
        while c < width:
            top = holder[(r, c)]
            rows, cols, text = cells[top]
            merge = "" if rows == 1 else ('<w:vMerge w:val="restart"/>' if top[0] == r else "<w:vMerge/>")
            span = f'<w:gridSpan w:val="{cols}"/>' if cols > 1 else ""
            shown = text if top[0] == r else ""
            runs = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in shown.split("\n"))
            out.append(f"<w:tc><w:tcPr>{span}{merge}</w:tcPr>{runs or '<w:p/>'}</w:tc>")
            c += cols
        out.append("</w:tr>")
    return _docx_bytes("".join(out + ["</w:tbl></w:body></w:document>"]))


@settings(max_examples=60)
@given(spanned_tables())
def test_any_merged_table_reads_the_same_from_html_and_from_word(table):
    values, covered = _expected_grid(*table)
    for grid in (read_html(_html_of(*table), "页", [])[0], read_format_grids("docx", _docx_of(*table))[0]):
        assert grid.values == values
        assert {r: row for r, row in grid.covered.items() if row} == covered
        assert set(grid.errors) == {f"{chr(65 + c)}{r + 1}" for (r, c), (_, _, text) in table[2].items() if text == "#N/A"}


def mof_spreadsheetml() -> bytes:
    """The 财政部-form table as Excel 2003 XML: ss:Index skips, MergeAcross/MergeDown, an error, a percent."""
    spans, covered = _mof_spans(), _mof_covered()
    out = ['<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Styles><Style ss:ID="p">'
           '<NumberFormat ss:Format="0.00%"/></Style></Styles><Worksheet ss:Name="表"><Table>']
    for r, row in enumerate(MOF_ROWS):
        out.append(f'<Row ss:Index="{r + 1}">')
        skipped = False
        for c, value in enumerate(row):
            if (r, c) in covered or value is None and (r, c) not in spans:
                skipped = True
                continue
            rows, cols = spans.get((r, c), (1, 1))
            merge = (f' ss:MergeAcross="{cols - 1}"' if cols > 1 else "") + (f' ss:MergeDown="{rows - 1}"' if rows > 1 else "")
            index = f' ss:Index="{c + 1}"' if skipped else ""
            skipped = False
            if (r, c) == (8, 10):
                data = '<Data ss:Type="Error">#DIV/0!</Data>'
            elif (r, c) == (5, 6):
                out.append(f'<Cell{index}{merge} ss:StyleID="p"><Data ss:Type="Number">0.7532</Data></Cell>')
                continue
            elif isinstance(value, (int, float)):
                data = f'<Data ss:Type="Number">{value}</Data>'
            else:
                data = f'<Data ss:Type="String">{_shown(value)}</Data>'
            out.append(f"<Cell{index}{merge}>{data}</Cell>")
        out.append("</Row>")
    out.append("</Table></Worksheet></Workbook>")
    return "".join(out).encode("utf-8")


def test_an_excel_2003_xml_spreadsheet_named_xls_is_read(tmp_path, mof_workbook):
    path = tmp_path / "系统导出.xls"
    path.write_bytes(mof_spreadsheetml())
    assert sniff(path.read_bytes()) == "spreadsheetml"
    grid = read_format_grids("spreadsheetml", path.read_bytes())[0]
    expected = read_workbook(mof_workbook)[0]
    assert grid.errors == {"K9": "#DIV/0!"} and grid.value(5, 6) == "75.32%"
    grid.values[5][6], grid.values[8][10] = expected.values[5][6], expected.values[8][10]
    _same_grid(grid, expected)
    result = load_path(path)
    assert [(str(p.source), p.message) for p in result.problems] == [(f"{path}!表!K9", ERROR_SCORE_CELL)]


#: What the reader says of an error value (#DIV/0!) in a line's 得分 cell (K9 of the 财政部 form here).
ERROR_SCORE_CELL = ("“完成年度医保信息化建设项目”的得分单元格是错误值 #DIV/0!：表上所填得分读不出，不作比对，"
                    "也不作为定性指标的评价判断（该行按规则计分，定性指标待判断）；请在 Excel/WPS 中改正后保存")


# --- encodings --------------------------------------------------------------------------------------

@pytest.mark.parametrize("data, codec, notice", [
    ("<meta charset=gb2312><td>预算执行率</td>".encode("gbk"), "gb18030", False),
    ('<meta http-equiv="Content-Type" content="text/html; charset=GBK"><td>预算执行率</td>'.encode("gb18030"), "gb18030", False),
    ("<meta charset=gbk><td>预算执行率</td>".encode("utf-8"), "utf-8", True),  # declared wrongly: a notice
    ("<td>预算执行率</td>".encode("gb18030"), "gb18030", True),  # not declared, not UTF-8
    ("<td>预算执行率</td>".encode("utf-8"), "utf-8", False),
    (b"\xef\xbb\xbf" + "<td>预算执行率</td>".encode("utf-8"), "utf-8", False),
    ("\ufeff<td>预算执行率</td>".encode("utf-16-le"), "utf-16-le", False),
    ('<?xml version="1.0" encoding="gb2312"?><td>预算执行率</td>'.encode("gbk"), "gb18030", False),
])
def test_a_page_is_read_in_its_declared_encoding_with_a_fallback(data, codec, notice):
    text, used, said = decode_page(data)
    assert "预算执行率" in text and used == codec and (said is not None) == notice


def test_a_gbk_page_with_a_wrong_declaration_is_still_read_and_the_notice_names_the_file(tmp_path, mof_workbook):
    page = tmp_path / "页面.html"
    page.write_bytes(mof_html(encoding="gb18030", declared="utf-8"))
    result = load_path(page)
    assert len(result.evaluations) == 1 and not result.problems
    assert any("编码" in n.message and n.source.file == str(page) for n in result.notices)


def test_scripts_never_run_and_their_text_is_not_read():
    grids = read_html(b"<table><tr><td><script>document.write('x')</script>\xe5\xbe\x97\xe5\x88\x86</td></tr></table>",
                      "p", [])
    assert grids[0].values == [["得分"]]


def test_several_tables_nested_tables_and_captions():
    page = ("<h2>第一张</h2><table><caption>表题</caption><tr><td>外<table><tr><td>内</td></tr></table></td></tr></table>"
            "<p>第二张</p><table><tr><td>二</td></tr></table>").encode()
    grids = read_html(page, "p", [])
    assert [(g.name, g.values) for g in grids] == [("表1", [["第一张"], ["表题"], ["外"]]), ("表2", [["内"]]),
                                                   ("表3", [["第二张"], ["二"]])]


# --- error cells -------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_an_error_cell_is_reported_at_its_cell_never_read_as_empty(kind):
    path = FORMATS / f"errors.{kind}"
    grid = _grids(path)["自评表"]
    assert grid.errors == {"K9": "#DIV/0!"}
    assert grid.value(5, 6) == "75.32%"  # a percent format is kept as the officer sees it
    result = load_path(path)
    # the line with the error in its 得分 is scored by rule; the cell is reported and the run exits 1
    assert len(result.evaluations) == 1
    assert [(str(p.source), p.message) for p in result.problems] == [(f"{path}!自评表!K9", ERROR_SCORE_CELL)]
    code, report = score_json(path)
    assert code == 1


def test_an_error_value_shown_on_a_page_is_an_error_cell():
    rows = [[Spanned(_shown(v)) for v in row] for row in MOF_ROWS]
    rows[8][10] = Spanned("#DIV/0!")
    assert grid_from_rows("表1", rows).errors == {"K9": "#DIV/0!"}


def _record(kind: int, body: bytes = b"") -> bytes:
    head = bytes([kind]) if kind < 0x80 else bytes([(kind & 0x7F) | 0x80, kind >> 7])
    size, out = len(body), bytearray()
    while True:
        out.append((size & 0x7F) | (0x80 if size > 0x7F else 0))
        size >>= 7
        if not size:
            break
    return head + bytes(out) + body


def _wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def write_xlsb(path: Path, rows, merges, errors: dict, percent: set) -> Path:
    """A minimal .xlsb (MS-XLSB records): inline strings, numbers, error cells, a percent style, merges."""
    from openpyxl.utils.cell import range_boundaries

    sheet = bytearray(_record(0x81) + _record(0x94, struct.pack("<IIII", 0, len(rows) - 1, 0, len(rows[0]) - 1))
                      + _record(0x91))
    for r, row in enumerate(rows):
        sheet += _record(0x00, struct.pack("<I", r) + b"\0" * 13)
        for c, value in enumerate(row):
            prefix = struct.pack("<I", c) + bytes([1 if (r, c) in percent else 0, 0, 0, 0])
            if (r, c) in errors:
                sheet += _record(0x03, prefix + bytes([errors[(r, c)]]))
            elif isinstance(value, str):
                sheet += _record(0x06, prefix + _wide(value))
            elif value is not None:
                sheet += _record(0x05, prefix + struct.pack("<d", float(value)))
    sheet += _record(0x92) + _record(0xB1, struct.pack("<I", len(merges)))
    for ref in merges:
        c0, r0, c1, r1 = range_boundaries(ref)
        sheet += _record(0xB0, struct.pack("<IIII", r0 - 1, r1 - 1, c0 - 1, c1 - 1))
    sheet += _record(0xB2) + _record(0x82)
    xf = struct.pack("<HH", 0, 0) + b"\0" * 12
    styles = _record(0x269, struct.pack("<I", 2)) + _record(0x2F, xf) + \
        _record(0x2F, struct.pack("<HH", 0, 10) + b"\0" * 12) + _record(0x26A)
    book = _record(0x83) + _record(0x8F) + _record(0x9C, struct.pack("<II", 0, 1) + _wide("rId1") + _wide("自评表")) + \
        _record(0x90) + _record(0x84)
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.bin"/></Relationships>')
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                         '<Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
                         '</Types>')
        archive.writestr("xl/workbook.bin", book)
        archive.writestr("xl/_rels/workbook.bin.rels", rels)
        archive.writestr("xl/styles.bin", styles)
        archive.writestr("xl/worksheets/sheet1.bin", bytes(sheet))
    return path


def test_an_xlsb_keeps_its_merges_percent_formats_and_error_cells(tmp_path, mof_workbook):
    rows = [list(row) for row in MOF_ROWS]
    rows[5][6] = 0.7532  # 执行率 as a fraction shown as a percentage
    path = write_xlsb(tmp_path / "自评.xlsb", rows, MOF_MERGES, {}, {(5, 6)})
    grid = _grids(path)["自评表"]
    expected = read_workbook(mof_workbook)[0]
    assert grid.value(5, 6) == "75.32%"
    grid.values[5][6] = expected.values[5][6]
    _same_grid(grid, expected)
    rows[5][6] = 75.32
    plain = write_xlsb(tmp_path / "同.xlsb", rows, MOF_MERGES, {}, set())
    assert lines_of(score_json(plain)[1]) == lines_of(score_json(mof_workbook)[1])
    broken = write_xlsb(tmp_path / "错.xlsb", rows, MOF_MERGES, {(8, 10): 0x07}, set())
    result = load_path(broken)
    assert [(str(p.source), p.message) for p in result.problems] == [(f"{broken}!自评表!K9", ERROR_SCORE_CELL)]


def test_xlsb_error_records_are_found():
    def record(kind: int, body: bytes) -> bytes:
        return bytes([kind, len(body)]) + body

    part = record(0x00, struct.pack("<I", 4) + b"\0" * 8) + record(0x03, struct.pack("<II", 2, 0) + b"\x07") + \
        record(0x0B, struct.pack("<II", 5, 0) + b"\x2a" + b"\0" * 6)
    assert _xlsb_errors(part) == {"C5": "#DIV/0!", "F5": "#N/A"}


# --- refusals ------------------------------------------------------------------------------------------

CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504


@pytest.mark.parametrize("name, data, said", [
    ("旧文档.doc", CFB + "WordDocument".encode("utf-16-le"), "另存为” .docx"),
    ("文字.wps", CFB + "WordDocument".encode("utf-16-le"), "另存为” .docx"),
    ("改名.xlsx", CFB + "WordDocument".encode("utf-16-le"), "另存为” .docx"),  # content wins over the name
    ("旧文档.doc", b"{\\rtf1\\ansi ...}", "RTF"),
    ("加密.docx", CFB + "EncryptedPackage".encode("utf-16-le"), "密码"),
    # a Word document with a workbook inside (an embedded table) is still a Word document
    ("内嵌.doc", CFB + "WordDocument".encode("utf-16-le") + "Workbook".encode("utf-16-le"), "另存为” .docx"),
    ("文档.odt", b"PK\x03\x04" + b"\0" * 26 + b"mimetypeapplication/vnd.oasis.opendocument.text", ".docx"),
    ("说明.txt", b"hello", "不支持的文件类型“.txt”"),
])
def test_kinds_not_read_are_refused_saying_what_to_save_as(name, data, said):
    result = load(Input.from_bytes(name, data))
    assert len(result.problems) == 1 and said in result.problems[0].message
    assert result.problems[0].source.file == name


def _pdf(pages: list[tuple[str | None, bool]]) -> bytes:
    """A PDF of one page per (text, image): each draws a rectangle, writes ``text`` when given and paints a
    1×1 image when asked (a scanned page is an image and no text)."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", None, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               "<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 "
               "/Length 1 >>\nstream\n\x80\nendstream"]
    kids = []
    for text, image in pages:
        content = "0 0 0 RG 50 50 200 100 re S" + (f" BT /F1 12 Tf 60 120 Td ({text}) Tj ET" if text else "") + \
            (" q 100 0 0 100 10 10 cm /Im1 Do Q" if image else "")
        objects.append(f"<< /Length {len(content)} >>\nstream\n{content}\nendstream")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents {len(objects)} 0 R "
                       "/Resources << /Font << /F1 3 0 R >> /XObject << /Im1 4 0 R >> >> >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = b"%PDF-1.4\n"
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def _blank_pdf(text: str | None = None) -> bytes:
    return _pdf([(text, text is None)])


def test_a_scanned_pdf_is_refused_saying_it_needs_ocr():
    result = load(Input.from_bytes("扫描件.pdf", _blank_pdf()))
    assert len(result.problems) == 1 and "OCR" in result.problems[0].message and "文字层" in result.problems[0].message


def test_scanned_pages_of_a_text_pdf_and_pages_past_the_limit_are_said(monkeypatch):
    from indicators.formats import pdf

    monkeypatch.setattr(pdf, "MAX_PAGES", 3)
    result = load(Input.from_bytes("决算.pdf", _pdf([("text", False), (None, True), ("more", False), (None, True)])))
    said = [n.message for n in result.notices] + [p.message for p in result.problems]
    assert any("只读取了前 3 页" in m for m in said), said
    assert any("第 2 页没有文字层" in m and "OCR" in m for m in said), said


def test_a_pdf_with_text_but_no_table_says_so():
    result = load(Input.from_bytes("说明.pdf", _blank_pdf("no table here")))
    assert len(result.problems) == 1
    assert result.problems[0].message in (NO_TABLE_MESSAGE,) or "找不到表格" in result.problems[0].message


@pytest.mark.parametrize("name, data, said", [
    ("坏.docx", b"PK\x03\x04" + b"broken" * 10, "Word 文档"),
    ("空.docx", _docx_bytes("<w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'>"
                            "<w:body><w:p/></w:body></w:document>"), "没有表格"),
    ("实体.docx", _docx_bytes('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;</d>'), "实体"),
    ("无表.html", b"<html><body><p>\xe6\xb2\xa1\xe6\x9c\x89\xe8\xa1\xa8</p></body></html>", "没有表格"),
    ("空.htm", b"   ", "空"),
    ("坏.pdf", b"%PDF-1.4\n garbage", "PDF"),
    ("坏.xls", CFB + "Workbook".encode("utf-16-le") + b"\0" * 100, ".xls"),
    ("坏.et", CFB + "Workbook".encode("utf-16-le") + b"\0" * 100, "WPS 表格中“另存为” .xlsx"),
    ("坏.ods", b"PK\x03\x04" + b"\0" * 26 + b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet", ".ods"),
    ("表.html", "<table><tr><td>只是一张表</td></tr></table>".encode(), NO_TABLE_MESSAGE),
])
def test_bad_input_of_each_format_is_one_chinese_message_naming_the_file(name, data, said):
    result = load(Input.from_bytes(name, data))
    assert len(result.problems) == 1, result.problems
    problem = result.problems[0]
    assert said in problem.message and "内部错误" not in problem.message and problem.source.file == name


def test_an_encrypted_pdf_is_refused_saying_it_has_a_password():
    result = load_path(FORMATS / "encrypted.pdf")
    assert [p.message for p in result.problems] == ["PDF 有密码保护，无法读取：请取消密码（或另存一份不加密的 PDF）后再试"]


def test_bad_input_exits_1_without_a_traceback(tmp_path):
    bad = tmp_path / "坏.docx"
    bad.write_bytes(b"PK\x03\x04 not a document")
    result = CliRunner().invoke(main, ["score", str(bad)])
    assert result.exit_code == 1 and "Traceback" not in result.output and str(bad) in result.stderr


# --- sniffing ------------------------------------------------------------------------------------------

def test_content_decides_over_the_name(tmp_path, mof_workbook):
    page = tmp_path / "下载.xls"  # a bureau's "xls" that is a web page
    page.write_bytes(mof_html())
    book = tmp_path / "改名.xls"  # an .xlsx named .xls
    shutil.copy(mof_workbook, book)
    et = tmp_path / "wps表格.et"
    shutil.copy(FORMATS / "w2-wuhan-2023-project.xls", et)
    for path in (page, book, et):
        result = load_path(path)
        assert len(result.evaluations) == 1 and not result.problems, path


@pytest.mark.parametrize("name", ["w2-wuhan-2023-project.xls", "w2-wuhan-2023-project.ods",
                                  "w2-wuhan-2023-project.docx", "w2-wuhan-2023-project.html",
                                  "w2-wuhan-2023-project.pdf"])
def test_sniff_knows_each_fixture(name):
    kind = name.rsplit(".", 1)[1]
    data = (FORMATS / name).read_bytes()
    assert sniff(data[:65536]) == kind == sniff(data)  # a head only, and the whole file


def test_every_format_is_a_supported_suffix_and_the_message_lists_them():
    for suffix in (".xls", ".xlsb", ".ods", ".docx", ".html", ".htm", ".pdf", ".et"):
        assert suffix in SUPPORTED_SUFFIXES
    for suffix in (".doc", ".wps"):
        assert suffix not in SUPPORTED_SUFFIXES and ".docx" in unsupported_message(f"a{suffix}")


def test_an_upload_reads_like_the_file(mof_workbook):
    data = (FORMATS / "w2-wuhan-2023-project.docx").read_bytes()
    from_bytes = load(Input.from_bytes("上传.docx", data))
    from_path = load_path(FORMATS / "w2-wuhan-2023-project.docx")
    assert [e.title for e in from_bytes.evaluations] == [e.title for e in from_path.evaluations]
    assert from_bytes.evaluations[0].source.file == "上传.docx"


# --- batch ---------------------------------------------------------------------------------------------

def test_batch_over_a_mixed_folder_scores_the_readable_and_lists_every_other(tmp_path):
    folder = tmp_path / "局"
    folder.mkdir()
    for kind in KINDS:
        shutil.copy(FORMATS / f"w2-wuhan-2023-project.{kind}", folder / f"表.{kind}")
    (folder / "旧.doc").write_bytes(CFB + "WordDocument".encode("utf-16-le"))
    (folder / "扫描.pdf").write_bytes(_blank_pdf())
    (folder / "说明.txt").write_text("说明")
    result = CliRunner().invoke(main, ["batch", str(folder), "--format", "json", "-o", str(tmp_path / "汇总.xlsx")])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("错误：")]
    for bad, said in (("旧.doc", ".docx"), ("扫描.pdf", "OCR"), ("说明.txt", "不支持的文件类型")):
        assert any(str(folder / bad) in line and said in line for line in errors), (bad, errors)
    assert len(errors) == 3
    scored = json.loads(result.stdout)
    assert sorted(Path(e["source"]).name for e in scored["evaluations"]) == sorted(f"表.{kind}" for kind in KINDS)
    assert {e["total"] for e in scored["evaluations"]} == {"100.00"}


# --- hostile input ------------------------------------------------------------------------------------

def _mutations(data: bytes, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    out = [data[: len(data) * k // 5] for k in range(1, 5)]
    for _ in range(6):
        flipped = bytearray(data)
        for _ in range(20):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        out.append(bytes(flipped))
    return out


@pytest.mark.parametrize("kind", ["xls", "ods", "docx", "html", "pdf"])
def test_damaged_files_of_each_format_never_raise_nor_hit_an_internal_error(kind):
    data = (FORMATS / f"w2-wuhan-2023-project.{kind}").read_bytes()
    # crc32, not hash(): a string's hash changes with PYTHONHASHSEED, so every run would try other files.
    for n, mutated in enumerate(_mutations(data, zlib.crc32(kind.encode()))):
        result = load(Input.from_bytes(f"损坏{n}.{kind}", mutated))
        for problem in result.problems:
            assert "内部错误" not in problem.message, (n, problem.message)
            assert re.search(r"[\u4e00-\u9fff]", problem.message)


@pytest.mark.parametrize("kind", ["xlsx", "ods", "docx"])
def test_a_zip_asking_for_an_unknown_zip_version_is_a_damaged_file(kind):
    """Found by the mutations above (ods, seed 55): zipfile raises NotImplementedError for it."""
    source = ROOT / "samples" / "w2-wuhan-2023-project.xlsx" if kind == "xlsx" else FORMATS / f"w2-wuhan-2023-project.{kind}"
    data = bytearray(source.read_bytes())
    central = data.find(b"PK\x01\x02")
    data[central + 6:central + 8] = (165).to_bytes(2, "little")  # version needed to extract: 16.5
    result = load(Input.from_bytes(f"损坏.{kind}", bytes(data)))
    assert not result.evaluations and result.problems
    for problem in result.problems:
        assert "内部错误" not in problem.message and problem.source.file == f"损坏.{kind}"
        assert re.search(r"[\u4e00-\u9fff]", problem.message)


def _hostile_files(folder: Path) -> list[Path]:
    huge_span = b"<table>" + b'<tr><td rowspan="65534" colspan="100000">x</td></tr>' * 3 + \
        b"<tr>" + b"<td>y</td>" * 20000 + b"</tr></table>"
    (folder / "跨度.html").write_bytes(huge_span)
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    row = '<w:tr><w:tc><w:tcPr><w:gridSpan w:val="2000000000"/></w:tcPr><w:p/></w:tc></w:tr>'
    (folder / "跨度.docx").write_bytes(_docx_bytes(f"<w:document {w}><w:body><w:tbl>{row * 50}</w:tbl></w:body></w:document>"))
    ods = io.BytesIO()
    with zipfile.ZipFile(ods, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        cells = '<table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/>'
        archive.writestr("content.xml", '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                         'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:spreadsheet>'
                         f'<table:table table:name="炸弹"><table:table-row table:number-rows-repeated="1048576">{cells}'
                         '</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>')
    (folder / "重复.ods").write_bytes(ods.getvalue())
    ss = '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
    (folder / "合并.xls").write_text(ss + '<Worksheet ss:Name="a"><Table><Row><Cell ss:MergeDown="1999990"><Data ss:Type="String">x'
                                   '</Data></Cell><Cell ss:Index="1999990"><Data ss:Type="String">y</Data></Cell></Row>'
                                   '</Table></Worksheet></Workbook>')
    return sorted(folder.iterdir())


def test_hostile_files_are_refused_within_bounded_memory(tmp_path):
    files = _hostile_files(tmp_path)
    done = bounded("batch", str(tmp_path), "--format", "json", "-o", str(tmp_path / "汇总.xlsx"))
    assert done.returncode == 1, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and "内部错误" not in done.stderr, done.stderr[-2000:]
    for path in files:
        assert str(path) in done.stderr, (path, done.stderr[-2000:])
