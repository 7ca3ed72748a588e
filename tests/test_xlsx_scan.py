"""The byte-level look at each sheet's XML finds what python-calamine drops, and nothing else.

calamine reads an error cell (``#DIV/0!``) and a formula with no cached value as an empty
cell, and says nothing of number formats; the reader finds them in the sheet's XML with byte
searches (indicators/xlsx/cells.py ``_scan_sheet``). Here that scan is compared with what an
XML parser finds in the same sheet, for sheets written every way the strategy knows.
"""

from __future__ import annotations

from defusedxml import ElementTree
from hypothesis import given, settings

from indicators.xlsx.cells import _scan_sheet
from tests.strategies import sheet_xml

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _parsed(xml: bytes, percent_styles: set[int]) -> tuple[dict[str, str], set[str]]:
    """What the scan should find, read with an XML parser."""
    errors: dict[str, str] = {}
    percent: set[str] = set()
    for cell in ElementTree.fromstring(xml).iter(f"{_NS}c"):
        ref = cell.get("r")
        value = cell.find(f"{_NS}v")
        if cell.get("s") is not None and int(cell.get("s")) in percent_styles:
            percent.add(ref)
        if cell.get("t") == "e":
            errors[ref] = value.text if value is not None and value.text else "#错误"
        elif cell.find(f"{_NS}f") is not None and (value is None or not value.text) and \
                cell.find(f"{_NS}is") is None:
            errors[ref] = "公式没有计算结果"
    return errors, percent


@settings(max_examples=300, deadline=None)
@given(sheet_xml())
def test_scan_finds_what_an_xml_parser_finds(case):
    xml, errors, percent = case
    found = _scan_sheet(xml, {9})
    assert (found.errors, found.percent_cells) == _parsed(xml, {9}) == (errors, percent)


def test_formulas_of_conditional_formatting_are_not_cells():
    xml = (b'<worksheet><sheetData><row r="1"><c r="A1" s="1"><v>2</v></c></row></sheetData>'
           b'<conditionalFormatting sqref="A1"><cfRule type="expression"><formula>A1&gt;0</formula></cfRule>'
           b'</conditionalFormatting></worksheet>')
    assert _scan_sheet(xml, set()).errors == {}


def test_no_percent_styles_means_no_percent_cells():
    xml = b'<worksheet><sheetData><row r="1"><c r="A1" s="9"><v>0.5</v></c></row></sheetData></worksheet>'
    assert _scan_sheet(xml, set()).percent_cells == set()
    assert _scan_sheet(xml, {9}).percent_cells == {"A1"}
