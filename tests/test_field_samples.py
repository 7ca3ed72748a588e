"""Published 自评表 from other regions (samples/field/), each scored to its hand-worked total.

The tables are transcriptions of real published self-evaluation tables (sources, printed totals and
the line-by-line working are in samples/field/SOURCES.md). The expected figures below were worked
out by hand from docs/rules.md — they are not the program's output. Where the printed score of a line
differs from what the rules give, the line is listed in ``LINES`` with the rule's score.

``layout`` names the quirks of issue 18 a table prints (signs in 指标性质, placeholder rows, weight-only
一级 cells, budget-header synonyms …): each of these tables was unreadable or misread before the reader
learnt its quirks, so each is the regression test of those quirks on a real table.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner

from cli.main import main

from .conftest import ROOT, SAMPLES

D = Decimal
FIELD = SAMPLES / "field"


@dataclass(frozen=True)
class Expect:
    total: Decimal
    grade: str
    complete: bool
    pending: Decimal
    layout: str | None = None  # the issue-18 quirks this table prints


# file → hand-worked total, grade, completeness, 分值 left pending (SOURCES.md shows the working)
EXPECTED = {
    # 安徽 天长: placeholder rows stay out; lines without target/actual take the table's score as judgment.
    "anhui-tianchang-2022-flood-control.xlsx": Expect(
        D("100.00"), "优", True, D(0),
        "issue 18: template placeholder rows (指标2:, ……, 指标1:/) are read as lines needing judgment; "
        "一级 cells print only their weight ((50分), (30分))"),
    # 山西 稷山: prints 94; the rules give 9.91 + 14.86 + 15 + 10 + 10 + 30 + 10.
    "shanxi-jishan-2020-poverty-insurance.xlsx": Expect(D("99.77"), "优", True, D(0)),
    # 四川 青神: published unfilled — no 完成值, no 得分; only the budget line can be scored.
    "sichuan-qingshen-2023-salaries.xlsx": Expect(
        D("10.00"), "待定", False, D("90.00"),
        "issue 18: operators in 指标性质 (=); budget-block header synonyms (年初预算, 调整后预算数, 预算执行数)"),
    # 四川 中江: indicator weights 70 + 20 + 10 = 100 plus the budget line's 10; prints 100 / 100.
    "sichuan-zhongjiang-2022-water-gauge.xlsx": Expect(D("110.00"), "优", True, D(0)),
    # 四川 普惠金融 (区域自评): weights as percentages, no budget score; every line met.
    "sichuan-2022-inclusive-finance.xlsx": Expect(
        D("100.00"), "优", True, D(0),
        "issue 18 (quirk not yet in its list): weights printed as percentages in a 权重 column (20%, 10%, 5%); "
        "funds amounts written with their unit (208万元) and no budget-execution score"),
    # 云南 保山: 湖北-style form, budget 20, weights only on the 一级 cells, empty rows between blocks.
    "yunnan-baoshan-2022-spring-visits.xlsx": Expect(D("100.00"), "优", True, D(0)),
    # 云南 永德: prints 96; the rules give full marks except 政策知晓率 ═ 100% → 98% (9.80).
    "yunnan-yongde-2022-nutrition.xlsx": Expect(
        D("99.80"), "优", True, D(0),
        "issue 18: operators in 指标性质 (≧, ═); two-row indicator header; the last row "
        "(其他需要说明事项 | 无 | 总分 | 100 | 96 | 优) is read as an indicator"),
}

# Lines whose score by the rules differs from the printed one: file → {line name: rule's score}.
LINES = {
    "shanxi-jishan-2020-poverty-insurance.xlsx": {
        "年度资金总额": D("9.91"),  # 10 × 65.07/65.66 = 9.910…; printed 9
        "全县参合人数": D("14.86"),  # 15 × 8676/8755 = 14.864…; printed 13
        "是否解决建档立卡人员看病难贵问题": D("30.00"),  # 95% → 95% met; printed 27, no reason
        "是否满意": D("10.00"),  # 95% → 95% met; printed 9, no reason
    },
    "yunnan-yongde-2022-nutrition.xlsx": {
        "资金到位及时率": D("10.00"),  # ≧ 100% → 100% met; printed 7, no reason
        "政策知晓率": D("9.80"),  # ═ 100% → 98%: 10 × 98/100; printed 9
    },
}


def _score(path):
    result = CliRunner().invoke(main, ["score", str(path), "--format", "json"], catch_exceptions=False)
    return json.loads(result.stdout)


def _case(name: str):
    return pytest.param(name, id=name.removesuffix(".xlsx"))


def test_every_field_table_has_an_expectation_and_a_source_entry():
    shipped = {path.name for path in FIELD.glob("*.xlsx")}
    assert shipped == set(EXPECTED)
    assert {path.name for path in FIELD.iterdir()} == shipped | {"SOURCES.md"}  # nothing else lies there
    sources = (FIELD / "SOURCES.md").read_text(encoding="utf-8")
    assert [name for name in sorted(shipped) if f"`{name}`" not in sources] == []
    assert set(LINES) <= set(EXPECTED)


@pytest.mark.parametrize("name", [_case(name) for name in sorted(EXPECTED)])
def test_field_table_scores_to_its_hand_worked_total(name):
    expect = EXPECTED[name]
    report = _score(FIELD / name)
    assert report["problems"] == []
    (evaluation,) = report["evaluations"]
    assert D(evaluation["total"]) == expect.total
    assert evaluation["grade"] == expect.grade
    assert evaluation["complete"] is expect.complete
    assert D(evaluation["pending_weight"]) == expect.pending
    scores = {line["name"]: line["score"] for line in evaluation["lines"]}
    for line, score in LINES.get(name, {}).items():
        assert D(scores[line]) == score, line


def test_the_workbooks_are_the_specs_as_built(tmp_path):
    """samples/field/*.xlsx are exactly what scripts/build_field_samples.py makes of the specs."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_field_samples as builder
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    specs = builder.specs()
    assert sorted(spec.FILE for spec in specs) == sorted(EXPECTED)
    for spec in specs:
        fresh = openpyxl.load_workbook(builder.build(spec, tmp_path))
        shipped = openpyxl.load_workbook(FIELD / spec.FILE)
        assert fresh.sheetnames == shipped.sheetnames == [spec.SHEET]
        a, b = fresh[spec.SHEET], shipped[spec.SHEET]
        assert [[c.value for c in row] for row in a.iter_rows()] == [[c.value for c in row] for row in b.iter_rows()]
        assert sorted(map(str, a.merged_cells.ranges)) == sorted(map(str, b.merged_cells.ranges)) == sorted(spec.MERGES)
