"""The text reports at any width: every reason in full, no box drawing, colour only where wanted, files named."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from cli.main import main
from cli.render import display_width, render_text, use_color, wrap
from scoring.pipeline import run

from .conftest import SAMPLES

ANSI = re.compile(r"\x1b\[[0-9;]*m")
BOX_DRAWING = re.compile(r"[\u2500-\u257f]")
SAMPLE_FILES = sorted(SAMPLES.glob("*.yaml")) + sorted(SAMPLES.glob("*.xlsx"))


def results():
    return [result for file in run([str(p) for p in SAMPLE_FILES], review=False) for result in file.results]


def joined(text: str) -> str:
    """The report with its wrapping undone: line breaks and indentation removed, colour codes dropped."""
    return "".join(line.strip() for line in ANSI.sub("", text).splitlines())


@pytest.mark.parametrize("width", [100, 80, 60])
@pytest.mark.parametrize("color", [True, False], ids=["terminal", "plain"])
def test_every_reason_is_shown_whole_at_any_width(width, color):
    scored = results()
    text = render_text(scored, width=width, color=color)
    assert all(display_width(ANSI.sub("", line)) <= width for line in text.splitlines())
    flat = joined(text)
    reasons = [reason for result in scored for line in result.lines for reason in line.reasons
               if line.lost or line.status.value != "scored"]
    assert reasons
    missing = [reason for reason in reasons if reason.replace(" ", "") not in flat.replace(" ", "")]
    assert missing == []
    messages = [finding.message for result in scored for finding in result.findings]
    assert all(message.replace(" ", "") in flat.replace(" ", "") for message in messages)


def test_piped_output_is_plain_lines():
    result = CliRunner().invoke(main, ["score", *map(str, SAMPLE_FILES)])
    assert result.exit_code == 0
    assert not BOX_DRAWING.search(result.stdout)
    assert not ANSI.search(result.stdout)


def test_no_color_means_no_escape_codes(monkeypatch):
    assert use_color(True)
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color(True)
    assert not use_color(False)


@pytest.mark.parametrize("command", ["score", "check"])
def test_with_two_workbooks_every_place_names_its_file(command):
    workbooks = [SAMPLES / "w2-wuhan-2023-project.xlsx", SAMPLES / "w2-wuhan-2023-project-with-reason.xlsx"]
    result = CliRunner().invoke(main, [command, *map(str, workbooks), "--min-severity", "info"]
                                if command == "check" else [command, *map(str, workbooks)])
    findings = [line for line in result.stdout.splitlines() if re.match(r"\s*\[(错误|警告|提示)\]", line)]
    assert findings
    for line in findings:
        place = line.split("] ", 1)[1]
        if not place.startswith("“"):  # a finding of the whole table without a cell says so in words
            assert any(place.startswith(str(path)) for path in workbooks), line
    headers = [line for line in result.stdout.splitlines() if "来源：" in line or "（项目支出）　" in line]
    assert headers and all(any(str(path) in line for path in workbooks) for line in headers)


@given(st.text(alphabet=st.sampled_from("预算执行率（）%，。abc 123.5万元≥"), max_size=300),
       st.integers(min_value=10, max_value=120), st.sampled_from(["", "   ", "     "]))
def test_wrapping_drops_nothing_and_keeps_the_width(text, width, indent):
    lines = wrap(text, width, indent)
    assert all(display_width(line) <= max(width, display_width(indent) + 8) for line in lines)
    rebuilt = "".join(line[len(indent):] for line in lines)
    assert rebuilt.replace(" ", "") == text.replace(" ", "")


@pytest.mark.parametrize("second, said", [
    # a line whose 分值 cannot be known adds nothing to the pending points: counted as a line instead
    ("{name: 乙, target: '1', actual: '1'}", "另有 1 项指标分值不明、需补填，未计入总分"),
    # a line waiting for a judgment is counted by its points
    ("{name: 乙, target: 提升, actual: 有所提升, weight: 50}", "另有 50 分待评价人判断，未计入总分"),
])
def test_the_summary_says_what_is_left_out_of_the_total(second, said):
    from cli.render import summary_line
    from scoring.engine import score

    from .conftest import load_doc

    result = score(load_doc(f"""
        kind: project
        title: 测试
        indicators:
          - {{name: 甲, target: "1", actual: "1", weight: 50}}
          - {second}
        """))
    assert not result.complete
    line = summary_line(result)
    assert said in line and "另有 0.00 分" not in line
