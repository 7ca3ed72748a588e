"""Hostile and broken input: bounded, isolated, a Chinese message with its place, never a crash, inputs untouched.

Each case runs perfscore in a subprocess under a 1 GiB address-space limit (a generous timeout only
guards against hangs; nothing here times anything) and checks the contract: exit 0 or 1, a Chinese
message naming the file and its line or cell, no traceback, the input's bytes unchanged, and — in a
batch — the other files still scored.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import resource
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from .conftest import ROOT, SAMPLES

U4 = SAMPLES / "u4-wuhai-2023-digital-reform.yaml"
ONE_GIB = 1024 ** 3


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ONE_GIB, ONE_GIB))


def bounded(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """``perfscore ARGS`` in a fresh process limited to 1 GiB of address space."""
    return subprocess.run([sys.executable, "-c", "from cli.main import main; main()", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300, preexec_fn=_limit,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_contract(done: subprocess.CompletedProcess, place: str) -> None:
    assert done.returncode in (0, 1), (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr and "内部错误" not in done.stderr, done.stderr[-2000:]
    assert place in done.stderr, done.stderr[-2000:]


def _u4_with(old: str, new: str) -> str:
    text = U4.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


YAML_CASES = {
    "weight-1e26": (_u4_with("  weight: 10\n", "  weight: 1" + "0" * 26 + "\n"), ":18: ", "数值过大"),
    "weight-1e308": (_u4_with("  weight: 10\n", "  weight: 1e308\n"), ":18: ", "应为数字"),
    "recorded-1e40": (_u4_with("    recorded: 10\n", "    recorded: 1e40\n"), ":55: ", "应为数字"),
    "budget-5e-324": (_u4_with("  budget: 25.00\n", "  budget: 5e-324\n"), ":20: ", "应为数字"),
    "lone-surrogate-title": (_u4_with("title: 医疗保障经办数字化改革及系统运行维护费",
                                      'title: "\\ud800"'), ":11: ", "无效的字符"),
}


@pytest.mark.parametrize("case", list(YAML_CASES), ids=list(YAML_CASES))
def test_bad_numbers_and_texts_are_a_message_at_their_line_and_the_batch_goes_on(tmp_path, case):
    text, place, words = YAML_CASES[case]
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    good = tmp_path / "good.yaml"
    shutil.copy(U4, good)
    before = digest(bad)
    scored = bounded("score", str(bad))
    assert scored.returncode == 1
    assert_contract(scored, f"{bad}{place}")
    assert words in scored.stderr
    batch = bounded("batch", str(tmp_path), "--format", "json", "-o", str(tmp_path / "summary.xlsx"))
    assert_contract(batch, f"{bad}{place}")
    document = json.loads(batch.stdout)
    assert [e["total"] for e in document["evaluations"]] == ["96.30"]  # the good file is scored
    assert (tmp_path / "summary.xlsx").exists()
    assert digest(bad) == before


# ---------------------------------------------------------------- workbooks: built byte by byte

U_XLSX = SAMPLES / "u-wuhai-2023.xlsx"
W2_XLSX = SAMPLES / "w2-wuhan-2023-project.xlsx"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def raw_book(path: Path, sheets: list[str], folder: str = "worksheets", tail: str = "") -> Path:
    """A workbook written by hand: each sheet's ``<sheetData>`` body as given (``tail`` after it)."""
    def part(kind: str, i: int) -> str:
        return (f'<Override PartName="/xl/{folder}/sheet{i}.xml" ContentType="application/'
                f'vnd.openxmlformats-officedocument.spreadsheetml.{kind}+xml"/>')

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml",
                         '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/content-types"><Default Extension="rels" ContentType="application/'
                         'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
                         'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
                         '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                         + "".join(part("worksheet", i) for i in range(1, len(sheets) + 1)) + "</Types>")
        archive.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELS}">'
                         f'<Relationship Id="rId1" Type="{_OFFICE}/officeDocument" Target="xl/workbook.xml"/>'
                         "</Relationships>")
        archive.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" '
                         f'xmlns:r="{_OFFICE}"><sheets>'
                         + "".join(f'<sheet name="S{i}" sheetId="{i}" r:id="rId{i}"/>'
                                   for i in range(1, len(sheets) + 1)) + "</sheets></workbook>")
        archive.writestr("xl/_rels/workbook.xml.rels",
                         f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELS}">'
                         + "".join(f'<Relationship Id="rId{i}" Type="{_OFFICE}/worksheet" Target="{folder}/sheet{i}.xml"/>'
                                   for i in range(1, len(sheets) + 1)) + "</Relationships>")
        for i, body in enumerate(sheets, 1):
            archive.writestr(f"xl/{folder}/sheet{i}.xml", f'<?xml version="1.0" encoding="UTF-8"?>'
                             f'<worksheet xmlns="{_MAIN}"><sheetData>{body}</sheetData>{tail}</worksheet>')
    return path


def text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def row(number: int, *cells: str) -> str:
    return f'<row r="{number}">{"".join(cells)}</row>'


def with_part(source: Path, target: Path, name: str, change) -> Path:
    """A copy of workbook ``source`` with part ``name`` changed by ``change(bytes) -> bytes``."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            new.writestr(info.filename, change(data) if info.filename == name else data)
    return target


def far_cell(xml: bytes) -> bytes:
    """A sheet's XML with one more value, alone in the last cell Excel has (XFD1048576)."""
    return xml.replace(b"</sheetData>", row(1048576, text_cell("XFD1048576", "远处的字")).encode() + b"</sheetData>")


def json_totals(done: subprocess.CompletedProcess) -> list[tuple[str, str]]:
    return [(e["title"], e["total"]) for e in json.loads(done.stdout)["evaluations"]]


def test_a_far_corner_cell_is_read_by_stored_cells_and_the_tables_score_as_before(tmp_path):
    """Issue 19 class 1: A1 and XFD1048576 made calamine allocate 549 GB (exit 134). The reach of a
    sheet is measured first; a sparse one is read cell by cell, and its tables score as without it."""
    corner = raw_book(tmp_path / "corner.xlsx", [row(1, text_cell("A1", "x")) + row(1048576, text_cell("XFD1048576", "y"))])
    before = digest(corner)
    done = bounded("score", str(corner))
    assert done.returncode == 1
    assert_contract(done, f"{corner}: 工作簿中找不到自评表")
    assert digest(corner) == before

    clean = tmp_path / "clean.xlsx"
    shutil.copy(U_XLSX, clean)
    stray = with_part(U_XLSX, tmp_path / "stray.xlsx", "xl/worksheets/sheet2.xml", far_cell)
    expected = bounded("score", "--format", "json", str(clean))
    scored = bounded("score", "--format", "json", str(stray))
    assert expected.returncode == scored.returncode == 0, scored.stderr[-2000:]
    assert json_totals(scored) == json_totals(expected) and len(json_totals(expected)) == 5


@pytest.mark.parametrize("cells", [
    [(1, "A1"), (8000, "XFD8000")],  # 4 GB before the refusal, in the issue
    [(1, "A1"), (1048576, "XFD1048576")],  # 549 GB in the issue
    [(3, "C3"), (500_000, "B500000"), (900_000, "XFA900000")],
])
def test_smaller_corners_are_read_without_allocating_their_area(tmp_path, cells):
    from indicators.xlsx.cells import read_workbook

    path = raw_book(tmp_path / "c.xlsx", ["".join(row(r, text_cell(ref, ref)) for r, ref in cells)])
    grid = read_workbook(path)[0]
    assert [grid.value(*_at(ref)) for _, ref in cells] == [ref for _, ref in cells]
    # the rows holding a value reach to it, every other row is empty
    assert sum(len(values) for values in grid.values) == sum(_at(ref)[1] + 1 for _, ref in cells)


def _at(ref: str) -> tuple[int, int]:
    from indicators.xlsx.cells import _split_coordinate
    return _split_coordinate(ref)


def test_two_hundred_sparse_sheets_in_60_kb_stay_bounded_and_the_batch_goes_on(tmp_path):
    """Issue 19 class 2: 200 sheets each reaching ZZ2000 took 3.2 GB."""
    folder = tmp_path / "in"
    folder.mkdir()
    sparse = raw_book(folder / "sparse.xlsx", [row(1, text_cell("A1", "x")) + row(2000, text_cell("ZZ2000", "y"))] * 200)
    assert sparse.stat().st_size < 70_000
    shutil.copy(W2_XLSX, folder / "good.xlsx")
    before = digest(sparse)
    done = bounded("batch", str(folder), "--format", "json")
    assert_contract(done, f"{sparse}: 工作簿中找不到自评表")
    assert json_totals(done) == [("医疗保障管理工作经费", "100.00")]
    assert digest(sparse) == before


def test_cells_scattered_too_far_apart_are_refused_with_the_sheet_and_the_farthest_cell(tmp_path):
    # one value per row at the last column: each row would need 16,384 slots
    scattered = raw_book(tmp_path / "diagonal.xlsx",
                         ["".join(row(r, text_cell(f"XFD{r}", "z")) for r in range(1, 3001))])
    done = bounded("score", str(scattered))
    assert done.returncode == 1
    assert_contract(done, f"{scattered}: 工作表“S1”的单元格分布太散（最远到 XFD")
    assert "超过上限" in done.stderr


def test_a_million_overlapping_merged_ranges_are_refused_before_filling_them(tmp_path):
    merges = "<mergeCells>" + '<mergeCell ref="A1:ZZ2000"/>' * 50_000 + "</mergeCells>"
    path = raw_book(tmp_path / "merges.xlsx", [row(1, text_cell("A1", "x")) + row(2000, text_cell("ZZ2000", "y"))],
                    tail=merges)
    done = bounded("score", str(path))
    assert done.returncode == 1
    assert_contract(done, f"{path}: 工作表“S1”的合并单元格太多或太大（如 A1:ZZ2000）")


def test_a_reference_beyond_the_last_excel_cell_is_refused(tmp_path):
    path = raw_book(tmp_path / "beyond.xlsx", [row(1, text_cell("A1", "x")) + row(2, text_cell("XFE2", "y"))])
    done = bounded("score", str(path))
    assert done.returncode == 1
    assert_contract(done, f"{path}: 工作表“S1”有单元格位于第 2 行、第 16,385 列，超出 Excel 的范围")


# ---------------------------------------------------------------- zips that lie about their sizes


def understated(source: Path, target: Path, name: str, gib: float = 2.1) -> Path:
    """A copy of ``source`` whose part ``name`` really unpacks to ``gib`` GiB (its text, then spaces),
    while the zip directory and the local header still give its old size and CRC.

    The stream is built from one full-flushed block of a MiB of spaces repeated, so nothing of that
    size is ever made here.
    """
    with zipfile.ZipFile(source) as old:
        original = old.read(name)
        info = old.getinfo(name)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = deflate.compress(original) + deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(b" " * (1 << 20)) + deflate.flush(zlib.Z_FULL_FLUSH)
    assert deflate.compress(b" " * (1 << 20)) + deflate.flush(zlib.Z_FULL_FLUSH) == block
    stream = head + block * int(gib * 1024) + deflate.flush()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for entry in old.infolist():
            if entry.filename == name:
                new.writestr(entry.filename, b"PLACEHOLDER")
            else:
                new.writestr(entry.filename, old.read(entry))
    # replace the placeholder member's data and sizes by hand (local header and central directory)
    data = bytearray(target.read_bytes())
    with zipfile.ZipFile(target) as made:
        placed = made.getinfo(name)
    local = placed.header_offset
    name_length, extra_length = struct.unpack("<HH", data[local + 26:local + 30])
    start = local + 30 + name_length + extra_length
    end = start + placed.compress_size
    data[start:end] = stream
    grown = len(stream) - placed.compress_size
    struct.pack_into("<III", data, local + 14, info.CRC, len(stream), info.file_size)
    central = data.index(b"PK\x01\x02" + data[data.index(b"PK\x01\x02") + 4:data.index(b"PK\x01\x02") + 4])
    position = data.find(b"PK\x01\x02", central)
    while position >= 0:
        length = struct.unpack("<H", data[position + 28:position + 30])[0]
        entry_name = bytes(data[position + 46:position + 46 + length]).decode()
        offset = struct.unpack("<I", data[position + 42:position + 46])[0]
        if entry_name == name:
            struct.pack_into("<III", data, position + 16, info.CRC, len(stream), info.file_size)
        elif offset > local:
            struct.pack_into("<I", data, position + 42, offset + grown)
        position = data.find(b"PK\x01\x02", position + 4)
    record = data.rindex(b"PK\x05\x06")
    directory = struct.unpack("<I", data[record + 16:record + 20])[0]
    struct.pack_into("<I", data, record + 16, directory + grown)
    target.write_bytes(bytes(data))
    return target


@pytest.mark.parametrize("part", ["xl/styles.xml", "xl/worksheets/sheet1.xml"])
def test_a_zip_directory_that_understates_a_part_is_refused_while_inflating(tmp_path, part):
    """Issue 19 class 2: a part declared at its old size but unpacking to 2.1 GB took 2.1 GB despite the
    200 MB limit. The bytes are counted while inflating and the part is named."""
    folder = tmp_path / "in"
    folder.mkdir()
    bomb = understated(W2_XLSX, folder / "bomb.xlsx", part)
    assert bomb.stat().st_size < 5_000_000
    with zipfile.ZipFile(bomb) as archive:  # the directory still looks honest
        assert sum(info.file_size for info in archive.infolist()) < 100_000
    shutil.copy(U4, folder / "good.yaml")
    before = digest(bomb)
    done = bounded("score", str(bomb))
    assert done.returncode == 1
    assert_contract(done, f"{bomb}: 工作簿中的“{part}”解压后比压缩目录所记的大小更大")
    batch = bounded("batch", str(folder), "--format", "json")
    assert_contract(batch, f"{bomb}: 工作簿中的“{part}”")
    assert [total for _, total in json_totals(batch)] == ["96.30"]
    assert digest(bomb) == before


# ---------------------------------------------------------------- the cell limit, counted one way


def _styled_cells(n: int, per_row: int = 1000) -> str:
    """``n`` stored cells holding no value (a border, a colour): stored, counted, cheap to read."""
    rows = []
    for start in range(0, n, per_row):
        r = start // per_row + 1
        rows.append(f'<row r="{r}">' + "".join(f'<c r="{_letters(c)}{r}" s="0"/>'
                                               for c in range(min(per_row, n - start))) + "</row>")
    return "".join(rows)


def _letters(col: int) -> str:
    from indicators.xlsx.cells import column_letter
    return column_letter(col)


def test_exactly_max_cells_are_read_and_one_more_is_refused_counted_like_the_web(tmp_path):
    """Issue 19 class 8: the limit was off by one row and column; now stored cells of the whole
    workbook, exactly MAX_CELLS accepted, one more refused — and --max-cells counts the same."""
    from indicators.xlsx.cells import MAX_CELLS, WorkbookError, read_workbook
    from indicators.xlsx.count import count_stored_cells

    # two sheets, the second stored outside xl/worksheets/: both count
    exact = raw_book(tmp_path / "exact.xlsx", [_styled_cells(MAX_CELLS - 1), row(1, text_cell("A1", "x"))], folder="other")
    over = raw_book(tmp_path / "over.xlsx", [_styled_cells(MAX_CELLS), row(1, text_cell("A1", "x"))], folder="other")
    assert count_stored_cells(exact.read_bytes(), MAX_CELLS) == MAX_CELLS
    assert count_stored_cells(over.read_bytes(), MAX_CELLS) == MAX_CELLS + 1
    assert [grid.name for grid in read_workbook(exact)] == ["S1", "S2"]
    with pytest.raises(WorkbookError, match=f"工作簿存有的单元格超过 {MAX_CELLS:,} 个（到工作表“S2”已有 {MAX_CELLS + 1:,} 个）"):
        read_workbook(over)


def test_the_web_limit_counts_sheets_stored_outside_xl_worksheets(tmp_path):
    """Issue 19 class 2: a sheet stored outside xl/worksheets/ was not counted by --max-cells."""
    from indicators.load import Limits, load

    path = raw_book(tmp_path / "elsewhere.xlsx", [_styled_cells(150) + row(200, text_cell("A200", "x"))], folder="hidden")
    limits = Limits(max_cells=150, owner="网页版的上限", advice="，或启动时用 --max-cells 调大上限")
    result = load(path, limits=limits)
    assert [p.message for p in result.problems] == [
        "工作簿的单元格超过 150 个（网页版的上限），为防止耗尽内存拒绝读取：请只保留自评表所在的工作表后再试，"
        "或启动时用 --max-cells 调大上限"]
    assert "超过" not in " ".join(p.message for p in load(path, limits=Limits(max_cells=151)).problems)


# ---------------------------------------------------------------- passwords


def test_an_encrypted_zip_member_asks_to_remove_the_password(tmp_path):
    source = W2_XLSX.read_bytes()
    data = bytearray(source)
    with zipfile.ZipFile(W2_XLSX) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    data[info.header_offset + 6] |= 0x1  # the local header's "encrypted" flag
    position = data.find(b"PK\x01\x02")
    while position >= 0:  # and the central directory's
        length = struct.unpack("<H", data[position + 28:position + 30])[0]
        if bytes(data[position + 46:position + 46 + length]) == b"xl/worksheets/sheet1.xml":
            data[position + 8] |= 0x1
        position = data.find(b"PK\x01\x02", position + 4)
    path = tmp_path / "locked.xlsx"
    path.write_bytes(bytes(data))
    done = bounded("score", str(path))
    assert done.returncode == 1
    assert_contract(done, f"{path}: 工作簿有密码保护（压缩包中有加密的部分），无法读取：请在 Excel/WPS 中取消密码")


def test_an_ole_encrypted_workbook_asks_to_remove_the_password(tmp_path):
    """What Excel writes for a workbook with an opening password: a CFB container, not a zip."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    path = tmp_path / "password.xlsx"
    path.write_bytes(header + "EncryptionInfo".encode("utf-16-le") + b"\0" * 64
                     + "EncryptedPackage".encode("utf-16-le") + b"\0" * 4096)
    done = bounded("score", str(path))
    assert done.returncode == 1
    assert_contract(done, f"{path}: 工作簿有密码保护，无法读取：请在 Excel/WPS 中取消密码后另存为 .xlsx 再试")


# ---------------------------------------------------------------- perfscore's own hidden metadata sheet

FAILING = "开展相关工作所需成本支出"  # U4: 3.77 of 5 points, a visible 扣分说明


def _exported(tmp_path: Path, *extra: str, source: Path = U4) -> Path:
    out = tmp_path / "scored.xlsx"
    done = bounded("export", str(source), "-o", str(out), *extra)
    assert done.returncode == 0, done.stderr[-2000:]
    return out


def _edit_metadata(path: Path, name: str, change) -> None:
    """Change the 取值 JSON of the metadata row of line ``name``, as a crafted file would."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book["perfscore元数据"]
    header = [cell.value for cell in sheet[2]]
    for cells in sheet.iter_rows(min_row=3):
        if cells[header.index("对象")].value == "指标" and cells[header.index("名称")].value == name:
            values = json.loads(cells[header.index("取值")].value)
            change(values)
            cells[header.index("取值")].value = json.dumps(values, ensure_ascii=False)
    book.save(path)


def _line(document: dict, name: str) -> dict:
    return next(line for line in document["evaluations"][0]["lines"] if line["name"] == name)


def test_a_crafted_not_applicable_in_the_metadata_does_not_hide_a_visibly_failing_line(tmp_path):
    """Issue 19 class 6: "not_applicable": true in the hidden sheet turned a failing line into 不适用."""
    path = _exported(tmp_path)
    _edit_metadata(path, FAILING, lambda values: values.update(not_applicable=True))
    done = bounded("score", "--format", "json", str(path))
    assert done.returncode == 0, done.stderr[-2000:]
    document = json.loads(done.stdout)
    assert document["evaluations"][0]["total"] == "96.30"
    line = _line(document, FAILING)
    assert (line["status"], line["score"]) == ("scored", "3.77")
    assert f"{path}!医疗保障经办数字化改革及系统运行维护费!D" in done.stderr
    assert f"perfscore 元数据把指标“{FAILING}”记为“不适用”，但表上的扣分说明不是这样写的" in done.stderr
    assert "以表上为准，未采用" in done.stderr


def test_a_crafted_weight_in_the_metadata_loses_to_the_visible_cell(tmp_path):
    path = _exported(tmp_path)
    _edit_metadata(path, FAILING, lambda values: values.update(weight="50"))
    done = bounded("score", "--format", "json", str(path))
    assert done.returncode == 0, done.stderr[-2000:]
    assert _line(json.loads(done.stdout), FAILING)["weight"] == "5.00"
    assert json.loads(done.stdout)["evaluations"][0]["total"] == "96.30"
    assert f"perfscore 元数据中指标“{FAILING}”的“分值”为“50”，与表上所填“5”不一致，以表上为准" in done.stderr
    assert re.search(rf"{re.escape(str(path))}!医疗保障经办数字化改革及系统运行维护费!J\d+", done.stderr), done.stderr


def test_not_applicable_from_the_metadata_of_a_form_without_a_status_column_is_said(tmp_path):
    """A converted workbook (no 扣分说明 column) has no visible cell for 不适用: it is applied, and said."""
    out = tmp_path / "filled.xlsx"
    assert bounded("convert", str(U4), "-o", str(out)).returncode == 0
    _edit_metadata(out, FAILING, lambda values: values.update(not_applicable=True))
    done = bounded("score", "--format", "json", str(out))
    assert done.returncode == 0, done.stderr[-2000:]
    assert _line(json.loads(done.stdout), FAILING)["status"] == "not_applicable"
    assert f"指标“{FAILING}”按 perfscore 元数据记为“不适用”（表上没有这一栏），请核对" in done.stderr


def test_honest_exports_read_back_without_a_metadata_notice(tmp_path):
    for source in (U4, SAMPLES / "w1-wuhan-2023-department.xlsx", W2_XLSX):
        for form in ("mof", "hubei-project", "hubei-department"):
            out = tmp_path / f"{source.stem}-{form}.xlsx"
            assert bounded("export", str(source), "--form", form, "-o", str(out)).returncode == 0
            from indicators.load import load_path
            assert [n.message for n in load_path(out).notices if "元数据" in n.message] == []


def test_exported_workbooks_carry_no_folder_of_the_machine_that_wrote_them(tmp_path):
    """Issue 19 class 6: the metadata's 原出处 held absolute paths; a finding cites its file too."""
    folder = tmp_path / "机密的文件夹"
    folder.mkdir()
    source = folder / "u.xlsx"
    shutil.copy(U_XLSX, source)  # its tables cite their own file in a finding (主管部门 differs)
    out = _exported(tmp_path, source=source)
    with zipfile.ZipFile(out) as archive:
        texts = {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
    assert not [name for name, text in texts.items() if str(folder) in text or "机密的文件夹" in text]
    assert '"":"u.xlsx!' in texts["xl/sharedStrings.xml"]  # 原出处 keeps the file name


def test_an_export_without_the_hidden_sheet_holds_only_what_it_shows():
    import openpyxl
    from indicators.load import load_path
    from scoring.engine import score
    from scoring.reports.workbook import workbook_bytes

    (evaluation,) = load_path(U4).evaluations
    plain = openpyxl.load_workbook(io.BytesIO(workbook_bytes([evaluation], [score(evaluation)], metadata=False)))
    assert plain.sheetnames == ["汇总", "医疗保障经办数字化改革及系统运行维护费"]


# ---------------------------------------------------------------- the web page


def test_hostile_workbooks_uploaded_to_the_web_page_are_refused_and_the_others_scored(tmp_path):
    """Issue 19 class 1: uploaded, the A1 + XFD1048576 workbook killed the server."""
    pytest.importorskip("starlette")
    pytest.importorskip("httpx")
    from .test_web import C1, make_client, part, roles, upload, visible

    corner = raw_book(tmp_path / "corner.xlsx", [row(1, text_cell("A1", "x")) + row(1048576, text_cell("XFD1048576", "y"))])
    scattered = raw_book(tmp_path / "diagonal.xlsx", ["".join(row(r, text_cell(f"XFD{r}", "z")) for r in range(1, 3001))])
    # 3,000 cells: at the limit, read; 3,001 in a sheet outside xl/worksheets/: refused
    elsewhere = raw_book(tmp_path / "elsewhere.xlsx", [_styled_cells(3000) + row(9000, text_cell("A9000", "x"))],
                         folder="o")
    client = make_client(max_cells=3000)
    page, _ = upload(client, part(corner), part(scattered), part(elsewhere), part(C1))
    text = visible(page)
    assert "corner.xlsx: 工作簿中找不到自评表" in text
    assert "diagonal.xlsx: 工作表“S1”的单元格分布太散（最远到 XFD" in text
    assert "elsewhere.xlsx: 工作簿的单元格超过 3,000 个（网页版的上限）" in text
    assert roles(page, "total") == ["70.00"]


def test_a_shared_string_table_longer_than_the_cell_limit_is_refused(tmp_path):
    """Millions of tiny shared strings (2 MB zipped) cost python-calamine an allocation each."""
    from indicators.xlsx.cells import MAX_CELLS

    path = tmp_path / "strings.xlsx"
    shutil.copy(W2_XLSX, path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}">'
                         + "<si><t>a</t></si>" * (MAX_CELLS + 1) + "</sst>")
    done = bounded("score", str(path))
    assert done.returncode == 1
    assert_contract(done, f"{path}: 工作簿的共享字符串表（xl/sharedStrings.xml）有 {MAX_CELLS + 1:,} 项，超过 {MAX_CELLS:,} 项的上限")


@pytest.mark.parametrize("extra", [0, 1])
def test_a_zip_of_more_parts_than_the_limit_is_refused_before_its_directory_is_read(tmp_path, extra):
    """400,000 empty parts in 36 MB made zipfile build 400 MB of directory entries."""
    from indicators.xlsx.cells import MAX_PARTS

    path = tmp_path / "parts.xlsx"
    shutil.copy(W2_XLSX, path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as archive:
        for i in range(MAX_PARTS - len(archive.namelist()) + extra):
            archive.writestr(f"padding/{i}", b"")
    done = bounded("score", str(path))
    if extra:
        assert done.returncode == 1
        assert_contract(done, f"{path}: 文件里有 {MAX_PARTS + 1:,} 个部分，超过 {MAX_PARTS:,} 个的上限")
    else:
        assert done.returncode == 0, done.stderr[-2000:]


def _with_styles(path: Path, formats: int) -> Path:
    """A workbook with ``formats`` cell formats, all showing a percentage."""
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/styles.xml", f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{_MAIN}">'
                         f'<cellXfs count="{formats}">' + '<xf numFmtId="10"/>' * formats + "</cellXfs></styleSheet>")
    return path


@pytest.mark.parametrize("formats", [5, 40])
def test_a_percent_format_is_read_however_many_formats_a_workbook_has(tmp_path, formats):
    """Forty percent formats are looked for cell by cell instead of in one pattern: the same result."""
    from indicators.xlsx.cells import read_workbook

    path = _with_styles(raw_book(tmp_path / "p.xlsx", [row(2, f'<c r="B2" s="{formats - 1}"><v>0.9532</v></c>')]),
                        formats)
    assert read_workbook(path)[0].value(1, 1) == "95.32%"


def test_more_cell_formats_than_excel_allows_are_refused(tmp_path):
    from indicators.xlsx.cells import MAX_CELL_FORMATS

    path = _with_styles(raw_book(tmp_path / "many.xlsx", [row(1, text_cell("A1", "x"))]), MAX_CELL_FORMATS + 1)
    done = bounded("score", str(path))
    assert done.returncode == 1
    assert_contract(done, f"{path}: 样式表（xl/styles.xml）有 {MAX_CELL_FORMATS + 1:,} 种单元格格式，超过 Excel 的上限 "
                          f"{MAX_CELL_FORMATS:,} 种")


def test_formula_tags_after_many_column_tags_are_looked_at_in_linear_time(tmp_path):
    """Each <f> walked back over every <col …> before it: 100,000 of each was hours of work."""
    path = raw_book(tmp_path / "cols.xlsx", [row(1, text_cell("A1", "x"))],
                    tail="<cols>" + '<col min="1" max="1"/>' * 100_000 + "</cols>" + "<f>1</f>" * 100_000)
    done = bounded("score", str(path))
    assert done.returncode == 1
    assert_contract(done, f"{path}")


@pytest.mark.parametrize("case", ["open tags", "unclosed cells", "long attribute"])
def test_crafted_xml_is_scanned_in_linear_time(tmp_path, case):
    """Patterns that scanned past a tag's end or gave back what they took were cubic on these."""
    body = {"open tags": '<c r="A1" t="e" s="1" ' * 100_000,
            "unclosed cells": '<c r="A1" t="e"><v>#N/A</v>' * 100_000,
            "long attribute": text_cell("A1", "x")}[case]
    path = raw_book(tmp_path / "crafted.xlsx", [row(1, body)])
    if case == "long attribute":
        path = with_part(path, tmp_path / "long.xlsx", "xl/workbook.xml",
                         lambda xml: xml.replace(b"<sheet ", b"<sheet " + b"a" * 1_000_000 + b" ", 1))
    before = digest(path)
    done = bounded("score", str(path))
    assert done.returncode == 1
    assert_contract(done, f"{path}: ")
    assert digest(path) == before


@pytest.mark.parametrize("edit, said", [
    (lambda values: values.update(indicators=[]), "有不该有的“indicators”，已忽略"),  # would erase the lines
    (lambda values: values.update(places="B7"), "有不该有的“places”，已忽略"),  # would break the sources
])
def test_structure_in_a_metadata_entry_is_ignored_with_a_notice(tmp_path, edit, said):
    path = _exported(tmp_path)
    _edit_metadata(path, FAILING, edit)
    done = bounded("score", "--format", "json", str(path))
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)["evaluations"][0]["total"] == "96.30"
    assert said in done.stderr


def test_metadata_json_nested_too_deep_is_an_unreadable_row_not_a_failure(tmp_path):
    """Found by tests/test_fuzz.py: json.loads raised RecursionError, reported as an internal error."""
    import openpyxl

    path = _exported(tmp_path)
    book = openpyxl.load_workbook(path)
    book["perfscore元数据"]["G4"].value = "[" * 5000
    book.save(path)
    done = bounded("score", str(path))
    assert done.returncode == 0, done.stderr[-2000:]
    assert_contract(done, f"{path}!perfscore元数据!A4: 元数据这一行无法读取（可能被改动过），已忽略")


@pytest.mark.parametrize("value", [False, [1, 2], "甲"])
def test_a_metadata_value_of_the_wrong_shape_is_ignored_with_a_notice(tmp_path, value):
    """Found by tests/test_fuzz.py: {"breakdown": false} on the funds entry was an internal error."""
    import openpyxl

    path = _exported(tmp_path)
    book = openpyxl.load_workbook(path)
    sheet = book["perfscore元数据"]
    header = [cell.value for cell in sheet[2]]
    for cells in sheet.iter_rows(min_row=3):
        if cells[header.index("对象")].value == "资金":
            values = json.loads(cells[header.index("取值")].value)
            values["breakdown"] = value
            cells[header.index("取值")].value = json.dumps(values, ensure_ascii=False)
    book.save(path)
    done = bounded("score", "--format", "json", str(path))
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)["evaluations"][0]["total"] == "96.30"
    assert "perfscore 元数据中资金的“资金分项”不是应有的形式，已忽略" in done.stderr


@pytest.mark.parametrize("extra", [0, 1])
def test_more_sheets_than_the_limit_are_refused_before_anything_is_built_for_them(tmp_path, extra):
    from indicators.xlsx.cells import MAX_SHEETS

    path = raw_book(tmp_path / "sheets.xlsx", [row(1, text_cell("A1", "x"))] * (MAX_SHEETS + extra))
    done = bounded("score", str(path))
    assert done.returncode == 1
    said = f"{path}: 工作簿有 {MAX_SHEETS + 1:,} 个工作表，超过 {MAX_SHEETS:,} 个的上限" if extra else \
        f"{path}: 工作簿中找不到自评表"
    assert_contract(done, said)


def test_more_merged_ranges_than_the_limit_are_refused_before_calamine_lists_them(tmp_path):
    from indicators.xlsx.cells import MAX_MERGED_RANGES

    merges = "<mergeCells>" + '<mergeCell ref="A1:A1"/>' * (MAX_MERGED_RANGES + 1) + "</mergeCells>"
    path = raw_book(tmp_path / "merges.xlsx", [row(1, text_cell("A1", "x"))], tail=merges)
    done = bounded("score", str(path))
    assert done.returncode == 1
    assert_contract(done, f"{path}: 工作簿的合并区域超过 {MAX_MERGED_RANGES:,} 个（到工作表“S1”已有 {MAX_MERGED_RANGES + 1:,} 个）")
