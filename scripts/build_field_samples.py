"""Build samples/field/: real published 自评表 from other regions, transcribed as printed.

Each table is a spec module in ``scripts/field_specs/`` (one per table): its source address,
province, unit and year, and the table itself as printed — rows of cells (``None`` for an empty
cell) with the merged ranges. Nothing is computed here: every value is the printed text. A cell
whose printed text is a plain decimal number (``10``, ``387664.62``) is written as a number with a
number format that prints it the same way, as the offices' own Excel exports store them; anything
else (``100%``, ``≥95%``, ``20万元``, ``—``) is written as text. ``Text("10")`` forces text.

The specs are kept out of ``samples/`` on purpose: ``perfscore batch samples/`` must find only
tables there. Run from the repository root::

    python scripts/build_field_samples.py

The output is deterministic apart from the timestamps openpyxl stores in docProps.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries

ROOT = Path(__file__).resolve().parent.parent
FIELD = ROOT / "samples" / "field"
SPECS = Path(__file__).resolve().parent / "field_specs"
sys.path.insert(0, str(SPECS.parent))

from field_specs import Text  # noqa: E402

FONT_NAME = "宋体"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
NUMBER = re.compile(r"^-?\d+(?:\.(\d+))?$")


def cell_value(value: object) -> tuple[object, str | None]:
    """The value to store and its number format (``None``: General / text)."""
    if isinstance(value, Text):
        return value.value, "@"
    if isinstance(value, str):
        match = NUMBER.match(value)
        if match:
            places = len(match.group(1) or "")
            if places:
                return float(value), "0." + "0" * places
            return int(value), None
    return value, None


def build(spec, out: Path = FIELD) -> Path:
    """Write one spec's table to ``<out>/<spec.FILE>`` (``samples/field/`` by default)."""
    wb = Workbook()
    wb.properties.creator = "perfscore scripts/build_field_samples.py"
    ws = wb.active
    ws.title = spec.SHEET
    framed_from = getattr(spec, "FRAME_FROM", 1)  # rows above this (titles) print without borders
    width = max(len(row) for row in spec.ROWS)
    for r, row in enumerate(spec.ROWS, 1):
        for c in range(1, width + 1):
            raw = row[c - 1] if c <= len(row) else None
            cell = ws.cell(row=r, column=c)
            if raw is not None:
                value, fmt = cell_value(raw)
                cell.value = value
                if fmt:
                    cell.number_format = fmt
            cell.font = Font(name=FONT_NAME, size=11)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            if r >= framed_from:
                cell.border = BOX
    for ref in spec.MERGES:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        if max_col > width or max_row > len(spec.ROWS):
            raise SystemExit(f"{spec.__name__}: merge {ref} lies outside the table")
        for r in range(min_row, max_row + 1):
            for c in range(min_col, max_col + 1):
                if (r, c) != (min_row, min_col) and ws.cell(row=r, column=c).value is not None:
                    raise SystemExit(f"{spec.__name__}: merge {ref} would hide {ws.cell(row=r, column=c).coordinate}")
        ws.merge_cells(ref)
    for c, w in enumerate(getattr(spec, "WIDTHS", []), 1):
        ws.column_dimensions[get_column_letter(c)].width = w
    out.mkdir(parents=True, exist_ok=True)
    path = out / spec.FILE
    wb.save(path)
    return path


def specs() -> list:
    """Every spec module in scripts/field_specs/, in file-name order."""
    names = sorted(m.name for m in pkgutil.iter_modules([str(SPECS)]) if not m.name.startswith("_"))
    return [importlib.import_module(f"field_specs.{name}") for name in names]


def main() -> None:
    seen: set[str] = set()
    for spec in specs():
        if spec.FILE in seen:
            raise SystemExit(f"two specs write {spec.FILE}")
        seen.add(spec.FILE)
        print(build(spec).relative_to(ROOT))


if __name__ == "__main__":
    main()
