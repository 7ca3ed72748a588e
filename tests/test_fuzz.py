"""Hypothesis fuzz of the readers with hostile and broken input (issue 19).

The workbook samples' XML parts and the YAML samples' bytes are mutated (tests/strategies.py: cut,
repeated, flipped, hostile snippets put in). Whatever comes out, reading it keeps the contract: the
loader returns evaluations or problems, every problem is a Chinese message naming the file, and no
reader fails inside (the loader turns an unexpected exception into “内部错误”, which must never
appear). The example count is bounded so the suite stays fast; memory is bounded by the readers'
own limits (tests/test_hostile.py runs the worst cases under a 1 GiB address-space limit).
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from indicators.load import Input, load

from .conftest import SAMPLES
from .strategies import metadata_edits, mutated_workbooks, mutated_yaml, restructured_yaml

_CJK = re.compile(r"[\u4e00-\u9fff]")
WORKBOOKS = [SAMPLES / "w2-wuhan-2023-project.xlsx", SAMPLES / "u-wuhai-2023.xlsx"]
YAMLS = [SAMPLES / "u4-wuhai-2023-digital-reform.yaml", SAMPLES / "w1-wuhan-2023-department.yaml"]
#: Examples per test: 40 in the suite; PERFSCORE_FUZZ_EXAMPLES=5000 for a long run before a release.
FUZZ = settings(max_examples=int(os.environ.get("PERFSCORE_FUZZ_EXAMPLES", "40")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


PARTS = {path.name: _parts(path) for path in WORKBOOKS}


def assert_contract(result, name: str) -> None:
    assert result.evaluations or result.problems or result.target_tables
    for problem in (*result.problems, *result.notices):
        assert problem.source.file == name, problem
        assert _CJK.search(problem.message), problem.message
        assert "内部错误" not in problem.message, problem.message


@pytest.mark.parametrize("sample", list(PARTS))
@FUZZ
@given(data=st.data())
def test_a_mutated_workbook_is_read_or_refused_with_a_chinese_message(sample, data):
    part, parts = data.draw(mutated_workbooks(PARTS[sample]), label="mutated part")
    with tempfile.TemporaryDirectory(prefix="perfscore-fuzz-") as folder:
        path = Path(folder) / sample
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in parts.items():
                archive.writestr(name, content)
        before = path.read_bytes()
        assert_contract(load(path), str(path))
        assert path.read_bytes() == before


@pytest.mark.parametrize("sample", YAMLS, ids=[path.name for path in YAMLS])
@FUZZ
@given(data=st.data())
def test_a_mutated_yaml_file_is_read_or_refused_with_a_chinese_message(sample, data):
    text = data.draw(mutated_yaml(sample.read_bytes()), label="mutated yaml")
    name = f"fuzz-{sample.name}"
    assert_contract(load(Input.from_bytes(name, text)), name)


@pytest.mark.parametrize("sample", YAMLS[:1], ids=[path.name for path in YAMLS[:1]])
@FUZZ
@given(data=st.data())
def test_a_yaml_file_with_values_of_the_wrong_kind_is_read_or_refused_with_a_chinese_message(sample, data):
    text = data.draw(restructured_yaml(sample.read_bytes()), label="restructured yaml")
    name = f"fuzz-{sample.name}"
    assert_contract(load(Input.from_bytes(name, text)), name)


def _exported() -> bytes:
    from scoring.engine import score
    from scoring.reports.workbook import workbook_bytes

    (evaluation,) = load(SAMPLES / "u4-wuhai-2023-digital-reform.yaml").evaluations
    return workbook_bytes([evaluation], [score(evaluation)])


EXPORTED = _exported()


@FUZZ
@given(data=st.data())
def test_a_crafted_metadata_sheet_is_read_or_refused_with_a_chinese_message(data):
    """perfscore's own hidden sheet, edited by hand or by an attacker: never a failure inside."""
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(EXPORTED))
    sheet = book["perfscore元数据"]
    header = [cell.value for cell in sheet[2]]
    row, column, text = data.draw(metadata_edits(sheet.max_row - 2), label="edit")
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    sheet.cell(row + 3, header.index(column) + 1).value = ILLEGAL_CHARACTERS_RE.sub("", text)  # what a cell holds
    with tempfile.TemporaryDirectory(prefix="perfscore-fuzz-") as folder:
        path = Path(folder) / "exported.xlsx"
        book.save(path)
        assert_contract(load(path), str(path))
