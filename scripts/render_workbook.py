"""Render one sheet of a workbook to PNG, as a person would see it printed (run by hand, not a test).

LibreOffice (headless) prints the sheet to PDF with the workbook's own page setup (A4
landscape, fit to width, title rows repeated), and pdftoppm turns each page into a PNG::

    python scripts/render_workbook.py out.xlsx --sheet 2 -o /tmp/render
    python scripts/render_workbook.py out.xlsx --sheet 汇总

Needs ``soffice`` and ``pdftoppm`` (Debian/Ubuntu: ``apt-get install -y libreoffice-calc
poppler-utils fonts-noto-cjk``; without a CJK font the Chinese prints as boxes). The input
workbook is never changed: the chosen sheet is copied into a temporary workbook first.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def _one_sheet_copy(source: Path, sheet: str, folder: Path) -> tuple[Path, str]:
    import openpyxl

    book = openpyxl.load_workbook(source)
    names = book.sheetnames
    chosen = names[int(sheet) - 1] if sheet.isdigit() else sheet
    if chosen not in names:
        raise SystemExit(f"没有工作表“{sheet}”；可选：{'、'.join(names)}")
    for name in names:
        if name != chosen:
            del book[name]
    book[chosen].sheet_state = "visible"
    book.active = 0
    target = folder / "sheet.xlsx"
    book.save(target)
    return target, chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="把工作簿的一个工作表渲染成 PNG（LibreOffice → PDF → pdftoppm）")
    parser.add_argument("workbook", type=Path)
    parser.add_argument("--sheet", default="1", help="工作表名称或序号（从 1 开始），默认第 1 个")
    parser.add_argument("-o", "--out", type=Path, default=Path("render"), help="PNG 输出文件夹（默认 ./render）")
    parser.add_argument("--dpi", type=int, default=110)
    args = parser.parse_args(argv)
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            print(f"找不到 {tool}：请先安装 libreoffice-calc 和 poppler-utils", file=sys.stderr)
            return 1
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        copy, chosen = _one_sheet_copy(args.workbook, args.sheet, folder)
        # A private profile: a running LibreOffice (or a first-start dialog) must not get in the way.
        profile = (folder / "profile").as_uri()
        subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(folder), str(copy)], check=True, capture_output=True, timeout=180)
        stem = args.out / f"{args.workbook.stem}-{args.sheet}"
        subprocess.run(["pdftoppm", "-png", "-r", str(args.dpi), str(folder / "sheet.pdf"), str(stem)], check=True)
    pages = sorted(args.out.glob(f"{stem.name}*.png"))
    print(f"{chosen}：{len(pages)} 页")
    for page in pages:
        print(page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
