"""Build the format fixtures (tests/fixtures/formats/) from the shipped sample workbooks.

Each samples/*.xlsx becomes:

- ``.xls`` and ``.ods`` — LibreOffice headless converts the workbook (no maintained Python
  writer exists for .xls);
- ``.pdf`` — LibreOffice prints a copy whose every sheet is ruled (thin borders on the used area)
  and fitted to one page wide, landscape, so the tables have ruling lines as published ones do;
- ``.docx`` — python-docx writes one Word table per sheet, merged cells merged (``gridSpan`` and
  ``vMerge``), the sheet's full-width title rows at its top written as paragraphs above the table;
- ``.html`` — one page, encoded in GBK and declaring ``gb2312``, one ``<table>`` per sheet with
  ``rowspan``/``colspan``, the first full-width title row as a ``<p>`` above its table;
- ``lo-*.html`` and ``lo-*.docx`` — the same workbook as another writer writes it: LibreOffice's
  web page of the workbook, and that page opened in Writer and saved as Word;
- ``word-*.pdf`` — the ``.docx`` printed to PDF by LibreOffice Writer (portrait A4), as a published
  document is: its tables run over several pages and rows break at page ends.

The cells written are those perfscore reads from the workbook (indicators.xlsx.cells), so a
converted file carries the same values; tests/test_formats.py checks that each scores like its
workbook. Run from the repository root: ``python scripts/build_format_fixtures.py`` (needs
``soffice`` on PATH for .xls/.ods/.pdf; the others are written without it).
"""

from __future__ import annotations

import html
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indicators.xlsx.cells import SheetGrid, read_workbook  # noqa: E402
from indicators.xlsx.metadata import META_SHEET  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "formats"
SAMPLES = sorted((ROOT / "samples").glob("*.xlsx"))


def text(value: str | Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value:f}" if isinstance(value, Decimal) else value


def ranges(grid: SheetGrid) -> dict[tuple[int, int], tuple[int, int]]:
    """Holding cell → (last row, last column) of each merged range."""
    ends: dict[tuple[int, int], tuple[int, int]] = {}
    for r, row in grid.covered.items():
        for c, holder in row.items():
            last = ends.get(holder, holder)
            ends[holder] = (max(last[0], r), max(last[1], c))
    return ends


def title_rows(grid: SheetGrid, most: int) -> int:
    """How many rows at the top are one value across the whole width (a printed title)."""
    count = 0
    for r in range(min(most, grid.height)):
        row = grid.values[r]
        if row[0] is None or grid.width < 2 or any(grid.covered.get(r, {}).get(c) != (r, 0)
                                                   for c in range(1, grid.width)):
            break
        count += 1
    return count


def grids_of(path: Path) -> list[SheetGrid]:
    return [grid for grid in read_workbook(path) if grid.name != META_SHEET and grid.height]


def write_docx(path: Path, target: Path) -> None:
    from docx import Document

    document = Document()
    for n, grid in enumerate(grids_of(path)):
        if n:
            document.add_page_break()
        top = title_rows(grid, 3)
        for r in range(top):
            document.add_paragraph(text(grid.values[r][0]))
        ends = ranges(grid)
        table = document.add_table(rows=grid.height - top, cols=grid.width)
        table.style = "Table Grid"
        for r in range(top, grid.height):
            for c in range(grid.width):
                if grid.is_covered(r, c):
                    continue
                table.cell(r - top, c).text = text(grid.values[r][c])
        for (r0, c0), (r1, c1) in ends.items():
            if r0 >= top:
                table.cell(r0 - top, c0).merge(table.cell(r1 - top, c1))
    document.save(target)


def write_html(path: Path, target: Path) -> None:
    parts = ['<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
             f"<title>{html.escape(path.stem)}</title>",
             "<script>document.write('脚本不会执行');</script></head><body>"]
    for grid in grids_of(path):
        top = title_rows(grid, 1)
        if top:
            parts.append(f'<p align="center"><b>{html.escape(text(grid.values[0][0]))}</b></p>')
        ends = ranges(grid)
        parts.append('<table border="1" cellspacing="0">')
        for r in range(top, grid.height):
            parts.append("<tr>")
            for c in range(grid.width):
                if grid.is_covered(r, c):
                    continue
                span = ""
                if (r, c) in ends:
                    r1, c1 = ends[(r, c)]
                    span = (f' rowspan="{r1 - r + 1}"' if r1 > r else "") + (f' colspan="{c1 - c + 1}"' if c1 > c else "")
                shown = html.escape(text(grid.values[r][c])).replace("\n", "<br>")
                parts.append(f"<td{span}>{shown}</td>")
            parts.append("</tr>")
        parts.append("</table>")
    parts.append("</body></html>\n")
    target.write_bytes("\n".join(parts).encode("gbk", "xmlcharrefreplace"))


def ruled_copy(path: Path, target: Path) -> None:
    """A copy of the workbook for printing: every used cell bordered, one page wide, landscape."""
    import openpyxl
    from openpyxl.styles import Border, Side

    thin = Side(style="thin")
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            continue
        for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=sheet.max_column):
            for cell in row:
                cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    book.save(target)


def soffice(source: Path, kind: str, folder: Path) -> Path:
    subprocess.run(["soffice", "--headless", "--convert-to", kind, "--outdir", str(folder), str(source)],
                   check=True, capture_output=True, timeout=300)
    return folder / f"{source.stem}.{kind.split(':')[0]}"


def write_error_book(target: Path) -> None:
    """A 财政部-form table (tests/xlsx_build.MOF_ROWS) whose first line's 得分 is ``=1/0`` (#DIV/0!) and
    whose 执行率 is a percent-formatted fraction: what .xls and .ods must keep (an error, a percent)."""
    import xlsxwriter
    from openpyxl.utils.cell import range_boundaries

    from tests.xlsx_build import MOF_MERGES, MOF_ROWS

    book = xlsxwriter.Workbook(str(target))
    sheet = book.add_worksheet("自评表")
    percent = book.add_format({"num_format": "0.00%"})
    merged = {}
    for ref in MOF_MERGES:
        c0, r0, c1, r1 = range_boundaries(ref)
        merged[(r0 - 1, c0 - 1)] = (r1 - 1, c1 - 1)
    inside = {(r, c) for (r0, c0), (r1, c1) in merged.items() for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    for r, row in enumerate(MOF_ROWS):
        for c, value in enumerate(row):
            if (r, c) in merged:
                r1, c1 = merged[(r, c)]
                sheet.merge_range(r, c, r1, c1, value)
            elif (r, c) in inside:
                continue
            elif (r, c) == (8, 10):
                sheet.write_formula(r, c, "=1/0", None, "#DIV/0!")
            elif (r, c) == (5, 6):
                sheet.write_number(r, c, 0.7532, percent)
            elif value is not None:
                sheet.write(r, c, value)
    book.close()


def long_rows() -> list[list]:
    """A 财政部-form table of 60 indicator lines: printed, it runs on over several pages."""
    from tests.xlsx_build import MOF_ROWS

    rows = [list(row) for row in MOF_ROWS[:8]]
    for i in range(1, 61):
        level1, level2 = ("产出指标", "数量指标") if i <= 40 else ("效益指标", "社会效益")
        rows.append([None, level1, level2, f"完成第{i}项工作", "正向", "大于等于", i, i + (i % 3 == 0), "项",
                     Decimal("1.5"), Decimal("1.5"), None])
    rows.append(["总分", None, None, None, None, None, None, None, None, 100, 100, None])
    return rows


def write_long_book(target: Path) -> None:
    import openpyxl
    from openpyxl.styles import Alignment, Border, Side

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "长表"
    for letter, width in zip("ABCDEFGHIJKL", (10, 14, 40, 26, 10, 10, 12, 12, 22, 8, 8, 20)):
        sheet.column_dimensions[letter].width = width
    thin = Side(style="thin")
    rows = long_rows()
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            cell = sheet.cell(row=r, column=c, value=float(value) if isinstance(value, Decimal) else value)
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    for ref in ("A1:L1", "A2:L2", "A3:B3", "C3:L3", "A4:B4", "A5:B5", "A6:A7", f"A8:A{len(rows) - 1}",
                f"A{len(rows)}:I{len(rows)}"):
        sheet.merge_cells(ref)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    book.save(target)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    office = shutil.which("soffice")
    if office is not None:
        with tempfile.TemporaryDirectory() as folder:
            write_long_book(OUT / "long.xlsx")
            shutil.move(soffice(OUT / "long.xlsx", "pdf", Path(folder)), OUT / "long.pdf")
            book = Path(folder) / "errors.xlsx"
            write_error_book(book)
            for kind in ("xls", "ods"):
                shutil.move(soffice(book, kind, Path(folder)), OUT / f"errors.{kind}")
            # a PDF that needs a password to open
            shutil.move(soffice(book, 'pdf:calc_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
                                      '"DocumentOpenPassword":{"type":"string","value":"perfscore"}}', Path(folder)),
                        OUT / "encrypted.pdf")
    for sample in SAMPLES:
        write_docx(sample, OUT / f"{sample.stem}.docx")
        write_html(sample, OUT / f"{sample.stem}.html")
        if office is None:
            print("soffice not found: .xls/.ods/.pdf not rebuilt", file=sys.stderr)
            continue
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            for kind in ("xls", "ods"):
                shutil.move(soffice(sample, kind, work), OUT / f"{sample.stem}.{kind}")
            printed = work / "print" / sample.name
            printed.parent.mkdir()
            ruled_copy(sample, printed)
            shutil.move(soffice(printed, "pdf", work), OUT / f"{sample.stem}.pdf")
            # the same tables as another writer writes them: LibreOffice's web page, opened in Writer and
            # saved as Word (its own gridSpan/vMerge, its own paragraphs above the tables)
            page = soffice(sample, "html", work)
            subprocess.run(["soffice", "--headless", "--infilter=HTML (StarWriter)", "--convert-to",
                            "docx:MS Word 2007 XML", "--outdir", str(work), str(page)],
                           check=True, capture_output=True, timeout=300)
            shutil.move(page, OUT / f"lo-{sample.stem}.html")
            shutil.move(work / f"{sample.stem}.docx", OUT / f"lo-{sample.stem}.docx")
            # the Word document printed to PDF (portrait A4: its tables run over pages, rows break at page ends)
            document = work / "word" / f"{sample.stem}.docx"
            document.parent.mkdir()
            shutil.copy(OUT / f"{sample.stem}.docx", document)
            shutil.move(soffice(document, "pdf", work), OUT / f"word-{sample.stem}.pdf")
        print(f"built {sample.stem}")


if __name__ == "__main__":
    main()
