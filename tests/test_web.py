"""``perfscore serve``: every route through Starlette's test client (no browser, no network).

The page must say what the CLI says: the same totals, the same Chinese reasons, and input problems
in the very words ``perfscore score`` prints, with sheet and cell. These tests compare with the CLI
wherever they can rather than pinning copies of its sentences.
"""

from __future__ import annotations

import html
import io
import json
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import warnings
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

pytest.importorskip("starlette")
pytest.importorskip("httpx")

with warnings.catch_warnings():  # Starlette ≥ 1.0 prefers another client for its test client; httpx still works
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient  # noqa: E402

from cli.main import main  # noqa: E402
from cli.web.app import create_app  # noqa: E402
from cli.web.settings import Settings  # noqa: E402
from cli.web.workspaces import display_name  # noqa: E402
from indicators.xlsx.count import count_stored_cells as count_cells  # noqa: E402
from indicators.load import load_path  # noqa: E402
from scoring.ruleset import builtin_names, get_ruleset  # noqa: E402

from .conftest import ROOT, SAMPLES  # noqa: E402

W1_XLSX = SAMPLES / "w1-wuhan-2023-department.xlsx"
W1_YAML = SAMPLES / "w1-wuhan-2023-department.yaml"
C1 = SAMPLES / "c1-caidian-2022-audit.yaml"
U5 = SAMPLES / "u5-wuhai-2023-hired-staff.yaml"
W2 = SAMPLES / "w2-wuhan-2023-project.yaml"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- helpers -----------------------------------------------------------------------------------------------

def make_client(**settings) -> TestClient:
    settings.setdefault("ruleset", get_ruleset("standard"))
    return TestClient(create_app(Settings(**settings)), base_url="http://127.0.0.1")


@pytest.fixture
def client() -> TestClient:
    return make_client()


def part(path: Path, name: str | None = None) -> tuple[str, tuple[str, bytes]]:
    return ("files", (name or path.name, path.read_bytes()))


def text_part(name: str, text: str) -> tuple[str, tuple[str, bytes]]:
    return ("files", (name, text.encode("utf-8")))


def upload(client: TestClient, *files, url: str = "/upload", **data):
    """POST files; returns (response after the redirect, workspace URL)."""
    response = client.post(url, files=list(files), data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    page = client.get(location.split("#")[0])
    assert page.status_code == 200
    return page, location.split("#")[0]


def visible(response) -> str:
    """The page's text as a person reads it (tags dropped, entities decoded, spaces collapsed)."""
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", response.text, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return re.sub(r"\s+", " ", text)


def roles(response, role: str) -> list[str]:
    return [html.unescape(value).strip() for value in re.findall(rf'data-role="{role}">([^<]*)<', response.text)]


def line_row(response, table: str, position: int) -> str:
    match = re.search(rf'<tr id="line-{table}-{position}".*?</tr>', response.text, flags=re.S)
    assert match, f"no row line-{table}-{position}"
    return html.unescape(match.group(0))


def cli_errors(tmp_path: Path, monkeypatch, files: dict[str, bytes]) -> list[str]:
    """What ``perfscore score`` prints on stderr for these files (written under their names), minus the count."""
    folder = tmp_path / "cli"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(main, ["score", *files], catch_exceptions=False)
    return [line for line in result.stderr.splitlines() if line.startswith("错误：")]


def broken_w1(cell_value: str = "十分") -> bytes:
    """W1's workbook with the 分值 of its first indicator replaced by text."""
    book = openpyxl.load_workbook(W1_XLSX)
    sheet = book.worksheets[0]
    target = None
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == "目标分值":
                target = (cell.row, cell.column)
                break
        if target:
            break
    assert target, "W1 has a 目标分值 header"
    sheet.cell(row=target[0] + 1, column=target[1]).value = cell_value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- the empty page and static files -----------------------------------------------------------------------

def test_home_page_offers_upload_and_every_rule_set(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    text = visible(response)
    assert "选择自评表" in text and "一次最多 20 MB" in text
    options = re.findall(r'<option value="([^"]+)"', response.text)
    assert options[: len(builtin_names())] == builtin_names()
    assert 'value="standard" selected' in response.text
    assert 'action="/upload"' in response.text and 'enctype="multipart/form-data"' in response.text


@pytest.mark.parametrize("path, kind", [("/static/web.css", "text/css"), ("/static/web.js", "javascript")])
def test_static_files(client, path, kind):
    response = client.get(path)
    assert response.status_code == 200 and kind in response.headers["content-type"]


# --- good uploads ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("sample", [W1_XLSX, W1_YAML], ids=["xlsx", "yaml"])
def test_w1_shows_total_grade_and_the_deduction_reason(client, sample):
    page, _ = upload(client, part(sample))
    assert roles(page, "total") == ["99.50"]
    assert roles(page, "grade") == ["优"]
    text = visible(page)
    assert "人工扣分0.5分：" in text
    assert "表上总分 99.50（一致）" in text
    assert "预算数 4342.32 万元" in text
    # the line that lost the half point: 分值, 得分, 原填, 扣分 and its reasons on one row
    row = next(m for m in re.findall(r'<tr id="line-0-0-\d+".*?</tr>', page.text, flags=re.S) if "人工扣分" in m)
    cells = [c.strip() for c in re.findall(r'<td class="num[^"]*"[^>]*>([^<]*)</td>', row)]
    assert cells[1:5] == ["10.00", "9.50", "9.50", "0.50"]


def test_every_line_of_the_table_is_listed_with_its_status(client):
    page, _ = upload(client, part(C1))
    ids = re.findall(r'<tr id="line-0-0-(\w+)"', page.text)
    assert ids == ["budget", "0", "1", "2", "3", "4"]
    assert "待判断" in line_row(page, "0-0", 3)
    assert 'class="line status-needs_judgment' in line_row(page, "0-0", 3)


def test_several_files_at_once_and_a_table_overview(client):
    page, _ = upload(client, part(W1_XLSX), part(C1), part(U5))
    assert roles(page, "total") == ["99.50", "70.00", "90.00"]
    assert roles(page, "grade") == ["优", "待定", "优"]
    assert 'class="overview"' in page.text


def test_more_files_join_the_same_page_and_names_stay_unique(client):
    _, url = upload(client, part(C1))
    response = client.post(url + "/upload", files=[part(C1)], follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == url + "#table-1-0"
    page = client.get(url)
    assert roles(page, "total") == ["70.00", "70.00"]
    assert "c1-caidian-2022-audit(2).yaml" in visible(page)


def test_display_names_drop_folders_and_stay_unique():
    assert display_name("C:\\Users\\me\\表.xlsx", set()) == "表.xlsx"
    assert display_name("../../etc/passwd", set()) == "passwd"
    assert display_name("表.xlsx", {"表.xlsx", "表(2).xlsx"}) == "表(3).xlsx"
    assert display_name("", set()) == "未命名文件"


# --- bad uploads: the CLI's messages, one bad file does not stop the others ---------------------------------

def test_bad_files_show_the_cli_messages_and_the_good_file_is_still_scored(client, tmp_path, monkeypatch):
    bad = {
        "bad.yaml": "kind: project\ntitle: 坏表\nindicators:\n  - name: 甲\n    weight: 十分\n".encode(),
        "broken.xlsx": b"this is not a workbook",
        "notes.txt": "随便写的".encode(),
        "old.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
        "cells.xlsx": broken_w1(),
    }
    expected = cli_errors(tmp_path, monkeypatch, bad)
    assert len(expected) == 5
    assert any("cells.xlsx!" in line for line in expected)  # sheet and cell, as the CLI prints them
    page, _ = upload(client, *[("files", (name, data)) for name, data in bad.items()], part(W1_YAML))
    text = visible(page)
    for line in expected:
        assert line in text
    assert roles(page, "total") == ["99.50"]
    assert "以下文件有问题（其他文件照常评分）" in text


def test_a_reader_failure_on_one_file_does_not_stop_the_others(client, monkeypatch):
    import indicators.xlsx

    def fragile(*args, **kwargs):
        raise RuntimeError("reader bug")

    monkeypatch.setattr(indicators.xlsx, "load_xlsx_file", fragile)
    page, _ = upload(client, part(W1_XLSX), part(C1))
    assert "w1-wuhan-2023-department.xlsx: 读取时发生内部错误（RuntimeError），请报告此问题" in visible(page)
    assert roles(page, "total") == ["70.00"]


def test_only_bad_files_still_make_a_page(client):
    page, url = upload(client, text_part("empty.yaml", ""))
    assert "empty.yaml:1: 文件中没有自评表（内容为空）" in visible(page)
    assert "download-export" not in page.text  # nothing to download yet
    response = client.get(url + "/export.xlsx")
    assert response.status_code == 409
    assert "没有读到任何自评表，无法导出评分工作簿" in visible(response)


def test_a_new_upload_with_only_bad_files_jumps_to_the_problems(client):
    _, url = upload(client, part(C1))
    response = client.post(url + "/upload", files=[text_part("x.yaml", "a: [")], follow_redirects=False)
    assert response.headers["location"] == url + "#problems"


def test_a_post_that_is_not_a_file_form_is_refused(client):
    response = client.post("/upload", content=b"files=x", headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400
    assert "请用页面上的表单上传文件" in visible(response)


# --- limits -----------------------------------------------------------------------------------------------

def test_upload_over_the_declared_size_limit_is_refused_before_reading():
    client = make_client(max_upload_bytes=10 * 1024)
    big = "# 填充\n" * 60_000  # about 600 KB: over the limit and the form's allowance, refused from Content-Length
    response = client.post("/upload", files=[text_part("big.yaml", big)])
    assert response.status_code == 413
    text = visible(response)
    assert "超过上限 10 KB" in text and "--max-upload-mb" in text
    assert len(client.app.state.store._items) == 0  # no workspace was made


def test_files_over_the_size_limit_are_refused_even_within_the_form_allowance():
    client = make_client(max_upload_bytes=10 * 1024)
    response = client.post("/upload", files=[text_part("a.yaml", "#" * 12 * 1024), part(C1)])
    assert response.status_code == 413
    total = round((12 * 1024 + C1.stat().st_size) / 1024)
    assert f"上传的文件共 {total} KB，超过上限 10 KB" in visible(response)


def test_an_oversized_upload_to_a_page_keeps_what_was_there():
    client = make_client(max_upload_bytes=20 * 1024)
    _, url = upload(client, part(C1))
    response = client.post(url + "/upload", files=[text_part("a.yaml", "#" * 30 * 1024)])
    assert response.status_code == 413
    assert "超过上限 20 KB" in visible(response)
    assert roles(response, "total") == ["70.00"]


def test_the_default_limit_is_20_mb_and_the_command_can_change_it():
    assert Settings(ruleset=get_ruleset("standard")).max_upload_text == "20 MB"
    help_text = CliRunner().invoke(main, ["serve", "--help"]).stdout
    assert "--max-upload-mb" in help_text and "--max-cells" in help_text and "127.0.0.1" in help_text


def test_workbooks_with_too_many_cells_are_refused_and_others_still_scored():
    client = make_client(max_cells=100)
    page, _ = upload(client, part(W1_XLSX), part(C1))
    text = visible(page)
    assert "w1-wuhan-2023-department.xlsx: 工作簿的单元格超过 100 个（网页版的上限）" in text
    assert "--max-cells" in text
    assert roles(page, "total") == ["70.00"]


def test_cell_count_is_the_cells_stored_in_the_sheets():
    data = W1_XLSX.read_bytes()
    book = openpyxl.load_workbook(io.BytesIO(data))
    stored = sum(len(sheet._cells) for sheet in book.worksheets)
    assert count_cells(data, 10**9) == stored
    assert count_cells(data, 10) > 10  # stops early once over the limit
    assert count_cells(b"not a zip", 10) is None


# --- judgments --------------------------------------------------------------------------------------------

def judge(client, url, table="0-0", line=3, **fields):
    response = client.post(url + "/judge", data={"table": table, "line": str(line), **fields}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"{url}#line-{table}-{line}"
    return client.get(url)


def test_pending_line_offers_the_rule_sets_tiers(client):
    page, _ = upload(client, part(C1))
    assert roles(page, "grade") == ["待定"]
    assert "另有 30.00 分、1 行待评价人判断，未计入总分" in visible(page)
    form = re.search(r'<tr class="judge-row open" id="judge-0-0-3">.*?</tr>', page.text, flags=re.S).group(0)
    assert re.findall(r'<option value="([^"]+)"', form) == [tier.name for tier in get_ruleset("standard").tiers]
    assert 'name="reason" required' in form


def test_a_tier_judgment_updates_total_and_grade(client):
    _, url = upload(client, part(C1))
    page = judge(client, url, tier="达成预期指标", reason="项目带动了定点机构规范经营")
    assert roles(page, "total") == ["100.00"] and roles(page, "grade") == ["优"]
    row = line_row(page, "0-0", 3)
    assert "评价判断" in row and "30.00" in row and "（理由：项目带动了定点机构规范经营）" in row
    assert "已在本页判断" in page.text


def test_a_score_judgment_and_withdrawing_it(client):
    _, url = upload(client, part(C1))
    page = judge(client, url, score="24", reason="部分效果尚未显现")
    assert roles(page, "total") == ["94.00"] and roles(page, "grade") == ["优"]
    assert "扣6分" in line_row(page, "0-0", 3)
    page = judge(client, url, action="clear")
    assert roles(page, "total") == ["70.00"] and roles(page, "grade") == ["待定"]


@pytest.mark.parametrize("fields, note", [
    ({"reason": "x"}, "请选择评价档次，或填写得分"),
    ({"tier": "达成预期指标"}, "请填写判断理由"),
    ({"score": "十分", "reason": "x"}, "得分应为数字，实际为“十分”"),
    ({"score": "-1", "reason": "x"}, "判断得分不能为负数"),
], ids=["nothing", "no-reason", "not-a-number", "negative"])
def test_bad_judgments_are_explained_beside_the_line_once(client, fields, note):
    _, url = upload(client, part(C1))
    page = judge(client, url, **fields)
    assert note in visible(page)
    assert roles(page, "grade") == ["待定"]
    assert note not in visible(client.get(url))  # shown once


@pytest.mark.parametrize("fields, reason", [
    ({"score": "31", "reason": "x"}, "判断得分31分不在0到分值30分之间，不能采用"),
    ({"tier": "达成预期指标", "score": "10", "reason": "x"}, "不在“达成预期指标”档（24–30分）内"),
], ids=["above-weight", "outside-tier"])
def test_judgments_the_engine_cannot_take_keep_the_line_pending_with_its_reason(client, fields, reason):
    _, url = upload(client, part(C1))
    page = judge(client, url, **fields)
    assert reason in line_row(page, "0-0", 3)
    assert roles(page, "grade") == ["待定"]


@pytest.mark.parametrize("table, line", [("9-0", 3), ("0-9", 3), ("0-0", 99), ("x", 1), ("0-0", -1)])
def test_judging_a_line_that_does_not_exist(client, table, line):
    _, url = upload(client, part(C1))
    response = client.post(url + "/judge", data={"table": table, "line": str(line), "score": "1", "reason": "x"})
    assert response.status_code == 400


def test_judged_lines_can_be_revised(client):
    page, url = upload(client, part(W1_YAML))
    judged = [m for m in re.findall(r'<tr class="judge-row" id="judge-0-0-(\d+)"', page.text)]
    assert judged  # W1's 媒体宣传 is judged from the table's own score
    page = judge(client, url, line=int(judged[0]), score="2", reason="宣传次数不足")
    assert roles(page, "total") == ["98.50"]


def test_judgments_go_into_the_exported_workbook(client, tmp_path):
    _, url = upload(client, part(W1_XLSX), part(C1))
    judge(client, url, table="1-0", tier="部分达成并具有一定效果", score="20", reason="效果初步显现")
    response = client.get(url + "/export.xlsx")
    assert response.status_code == 200 and response.headers["content-type"] == XLSX_TYPE
    assert "attachment" in response.headers["content-disposition"]
    path = tmp_path / "scored.xlsx"
    path.write_bytes(response.content)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "汇总"
    texts = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert any("理由：效果初步显现" in text for text in texts)
    # read back by perfscore itself: the judgment is on the line it was entered on
    loaded = load_path(path)
    assert not loaded.problems
    caidian = next(e for e in loaded.evaluations if "审核经费" in e.title)
    judged = [ind.judgment for _, ind in caidian.lines() if ind.judgment is not None]
    assert [(j.tier, str(j.score), j.reason) for j in judged] == [("部分达成并具有一定效果", "20", "效果初步显现")]


# --- rule sets --------------------------------------------------------------------------------------------

def test_choosing_a_built_in_rule_set_rescores(client):
    page, url = upload(client, part(U5))
    assert roles(page, "total") == ["90.00"]
    response = client.post(url + "/upload", files=[("rules_file", ("", b""))], data={"rules": "lower-proportional"},
                           follow_redirects=False)
    assert response.status_code == 303
    page = client.get(url)
    assert roles(page, "total") == ["98.33"]
    assert 'value="lower-proportional" selected' in page.text


def test_an_unknown_rule_set_name_is_ignored(client):
    _, url = upload(client, part(U5))
    client.post(url + "/upload", data={"rules": "no-such"}, files=[("files", ("", b""))])
    assert roles(client.get(url), "total") == ["90.00"]


def test_an_uploaded_rule_file_is_offered_and_used(client):
    rules = "name: 本地规则\nformulas:\n  lower_exceeded: 分值 * target / actual\n"
    response = client.post("/upload", files=[part(U5), ("rules_file", ("本地.yaml", rules.encode()))],
                           follow_redirects=False)
    url = response.headers["location"]
    page = client.get(url)
    assert roles(page, "total") == ["98.33"]
    assert 'value="@upload" selected' in page.text and "上传的规则集文件（本地.yaml）：本地规则" in visible(page)
    # back to a built-in and again to the uploaded file, without uploading it again
    client.post(url + "/upload", data={"rules": "standard"}, files=[("files", ("", b""))])
    assert roles(client.get(url), "total") == ["90.00"]
    client.post(url + "/upload", data={"rules": "@upload"}, files=[("files", ("", b""))])
    assert roles(client.get(url), "total") == ["98.33"]


@pytest.mark.parametrize("name, text, message", [
    ("坏.yaml", "name: 坏\nformulas:\n  lower_exceeded: 分值 * nosuch\n", "坏.yaml:3: formulas.lower_exceeded："),
    ("坏.yaml", "name: 坏\ngradez: []\n", "坏.yaml:2: 未知的规则集字段“gradez”，是否想写“grades”？"),
    ("rules.txt", "name: x\n", "rules.txt: 规则集文件应为 .yaml 或 .yml 文件"),
], ids=["formula", "unknown-key", "not-yaml"])
def test_a_bad_rule_file_is_explained_with_file_and_line(client, name, text, message):
    page, _ = upload(client, part(U5), ("rules_file", (name, text.encode())))
    shown = visible(page)
    assert f"规则集文件“{name}”有错误，未采用" in shown and message in shown
    assert roles(page, "total") == ["90.00"]


def test_the_rule_set_given_at_start_up_is_the_default():
    client = make_client(ruleset=get_ruleset("lower-proportional"), rules_label="lower-proportional")
    assert 'value="lower-proportional" selected' in client.get("/").text
    page, _ = upload(client, part(U5))
    assert roles(page, "total") == ["98.33"]


def test_a_rule_file_given_at_start_up_is_offered_first(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("name: 我的规则\nextends: lower-proportional\n", encoding="utf-8")
    client = make_client(ruleset=get_ruleset(str(path)), rules_label=str(path))
    home = client.get("/")
    assert re.findall(r'<option value="([^"]+)"', home.text)[0] == "@startup"
    assert 'value="@startup" selected' in home.text and "我的规则" in visible(home)
    page, _ = upload(client, part(U5))
    assert roles(page, "total") == ["98.33"]


# --- downloads --------------------------------------------------------------------------------------------

def test_json_download_is_the_score_contract_as_check_gives_it(client, monkeypatch):
    _, url = upload(client, part(W2), text_part("bad.yaml", "kind: 项目\n"))
    response = client.get(url + "/score.json")
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    web = response.json()
    monkeypatch.chdir(SAMPLES)  # the CLI quotes paths as given: the same names the page uses
    cli = json.loads(CliRunner().invoke(main, ["check", W2.name, "--format", "json", "--min-severity", "info"]).stdout)
    for item in cli["evaluations"]:
        item.pop("counts")
    assert web["evaluations"] == cli["evaluations"]
    assert [p["source"] for p in web["problems"]] == ["bad.yaml:1"]


def test_findings_workbook_lists_findings_and_problems(client, tmp_path):
    _, url = upload(client, part(W2), part(C1), text_part("bad.yaml", "a: ["))
    response = client.get(url + "/findings.xlsx")
    assert response.status_code == 200 and response.headers["content-type"] == XLSX_TYPE
    path = tmp_path / "findings.xlsx"
    path.write_bytes(response.content)
    book = openpyxl.load_workbook(path)
    assert {"汇总", "发现", "问题", "优先复核"} <= set(book.sheetnames)
    summary = list(book["汇总"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in summary] == ["w2-wuhan-2023-project.yaml", "c1-caidian-2022-audit.yaml"]
    assert [row[7] for row in summary] == ["优", "待定"]
    problems = list(book["问题"].iter_rows(min_row=2, values_only=True))
    assert problems and problems[0][0] == "bad.yaml" and "YAML 语法错误" in problems[0][2]
    codes = {row[3] for row in book["发现"].iter_rows(min_row=2, values_only=True)}
    assert {"unexplained_deduction", "subtotal_mismatch", "needs_judgment"} <= codes


def test_findings_follow_the_judgments(client, tmp_path):
    _, url = upload(client, part(C1))
    judge(client, url, tier="达成预期指标", reason="好")
    path = tmp_path / "findings.xlsx"
    path.write_bytes(client.get(url + "/findings.xlsx").content)
    book = openpyxl.load_workbook(path)
    codes = {row[3] for row in book["发现"].iter_rows(min_row=2, values_only=True)}
    assert "needs_judgment" not in codes
    assert list(book["汇总"].iter_rows(min_row=2, values_only=True))[0][7] == "优"


def test_download_names_follow_a_single_upload(client):
    _, url = upload(client, part(C1))
    disposition = client.get(url + "/export.xlsx").headers["content-disposition"]
    assert "filename*=UTF-8''c1-caidian-2022-audit-%E8%AF%84%E5%88%86.xlsx" in disposition


# --- safety -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("method, path", [
    ("get", "/s/nope"), ("get", "/s/nope/export.xlsx"), ("get", "/s/nope/findings.xlsx"), ("get", "/s/nope/score.json"),
    ("post", "/s/nope/upload"), ("post", "/s/nope/judge"),
])
def test_unknown_workspaces_are_not_found(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 404
    assert "找不到这次上传的结果" in visible(response)


@pytest.mark.parametrize("origin", ["http://evil.example", "null"], ids=["another-site", "null-origin"])
def test_forms_posted_from_another_site_are_refused(client, origin):
    # "null" is sent by sandboxed frames and file: pages; sixteen such posts once evicted a user's workspace.
    response = client.post("/upload", files=[part(C1)], headers={"origin": origin})
    assert response.status_code == 403
    _, url = upload(client, part(C1))
    response = client.post(url + "/judge", data={"table": "0-0", "line": "3", "score": "1", "reason": "x"},
                           headers={"origin": origin})
    assert response.status_code == 403
    response = client.post(url + "/upload", files=[part(C1)], headers={"origin": origin})
    assert response.status_code == 403
    assert client.post("/upload", files=[part(C1)], headers={"origin": "http://localhost:8000"},
                       follow_redirects=False).status_code == 303


@pytest.mark.parametrize("declared", [True, False], ids=["with-content-length", "streamed"])
def test_a_judgment_post_is_bounded(declared):
    client = make_client(max_upload_bytes=5 * 1024 * 1024)
    _, url = upload(client, part(C1))
    body = b"table=0-0&line=3&score=1&reason=" + b"x" * (2 * 1024 * 1024)

    def chunks():
        for k in range(0, len(body), 65536):
            yield body[k:k + 65536]

    headers = {"content-type": "application/x-www-form-urlencoded"}
    response = client.post(url + "/judge", content=body if declared else chunks(), headers=headers)
    assert response.status_code == 413
    assert "提交的内容超过 64 KB" in response.text
    page = client.get(url)
    assert "status-judged" not in line_row(page, "0-0", 3)  # nothing was taken


def test_requests_for_another_host_name_are_refused():
    client = TestClient(create_app(Settings(ruleset=get_ruleset("standard"))), base_url="http://rebound.example")
    assert client.get("/").status_code == 400


def test_nothing_is_written_outside_a_temporary_folder_that_is_removed(tmp_path, monkeypatch):
    temp = tmp_path / "temp"
    work = tmp_path / "work"
    temp.mkdir()
    work.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.chdir(work)
    client = make_client()
    _, url = upload(client, part(W1_XLSX), part(C1), ("rules_file", ("r.yaml", b"name: r\n")))
    judge(client, url, table="1-0", tier="达成预期指标", reason="好")
    for suffix in ("/export.xlsx", "/findings.xlsx", "/score.json"):
        assert client.get(url + suffix).status_code == 200
    assert list(temp.iterdir()) == [] and list(work.iterdir()) == []


def test_old_workspaces_are_dropped_beyond_the_limit(client):
    from cli.web.settings import MAX_WORKSPACES

    _, first = upload(client, part(C1))
    for _ in range(MAX_WORKSPACES):
        upload(client, part(C1))
    assert client.get(first).status_code == 404


# --- the command ------------------------------------------------------------------------------------------

def test_serve_with_an_unknown_rule_set_is_a_usage_error():
    result = CliRunner().invoke(main, ["serve", "--rules", "no-such"])
    assert result.exit_code == 2 and "没有名为“no-such”的规则集" in result.stderr


def test_serve_on_a_busy_port_says_so():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port), "--memory"])
    assert result.exit_code == 1 and f"无法在 127.0.0.1:{port} 上启动" in result.stderr


def test_serve_starts_on_127_0_0_1_and_prints_its_address():
    process = subprocess.Popen([sys.executable, "-m", "cli", "serve", "--port", "0", "--memory"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", first)
        assert match, first + process.stderr.read()
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(match.group(0), timeout=5) as response:
                    body = response.read().decode("utf-8")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        assert "选择自评表" in body
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_open_opens_the_page_in_the_browser(tmp_path):
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.py"
    browser.write_text(f"import sys, pathlib\npathlib.Path({str(opened)!r}).write_text(sys.argv[1])\n")
    env = {**__import__("os").environ, "BROWSER": f"{sys.executable} {browser} %s"}
    process = subprocess.Popen([sys.executable, "-m", "cli", "serve", "--port", "0", "--open", "--memory"],
                               cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        address = re.search(r"http://127\.0\.0\.1:\d+/", process.stdout.readline()).group(0)
        deadline = time.monotonic() + 20
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert opened.read_text() == address
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_uploads_and_judgments_survive_a_restart_of_the_server(tmp_path):
    state = tmp_path / "state.sqlite"
    first = make_client(state_path=state)
    _, url = upload(first, part(C1))
    judged = judge(first, url, tier="达成预期指标", reason="项目带动了定点机构规范经营")
    total = roles(judged, "total")
    assert "status-judged" in line_row(judged, "0-0", 3)
    restarted = make_client(state_path=state)  # a new server process on the same state file
    page = restarted.get(url)
    assert page.status_code == 200
    assert roles(page, "total") == total
    assert "status-judged" in line_row(page, "0-0", 3)
    assert "项目带动了定点机构规范经营" in visible(page)
    withdrawn = judge(restarted, url, action="clear")
    assert "status-needs_judgment" in line_row(withdrawn, "0-0", 3)
    again = make_client(state_path=state).get(url)
    assert "status-needs_judgment" in line_row(again, "0-0", 3)


def test_without_a_state_file_nothing_outlives_the_server(tmp_path):
    client = make_client()
    _, url = upload(client, part(C1))
    assert make_client().get(url).status_code == 404


def test_serve_keeps_workspaces_in_the_users_data_folder_by_default(tmp_path, monkeypatch):
    from cli.web.state import default_state_path

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path))
    assert str(default_state_path()).startswith(str(tmp_path))
    assert default_state_path().name == "web-workspaces.sqlite"


# --- a reviewer's decisions, the 复核意见 and the draft report -----------------------------------------------

def finding_item(response, table: str, number: int) -> str:
    match = re.search(rf'<li class="[^"]*" id="finding-{table}-{number}".*?</li>', response.text, flags=re.S)
    assert match, f"no finding-{table}-{number}"
    return html.unescape(match.group(0))


def finding_number(response, table: str, code: str) -> int:
    numbers = re.findall(rf'id="finding-{table}-(\d+)" data-code="{code}"', response.text)
    assert numbers, f"no {code} finding on table {table}"
    return int(numbers[0])


def decide(client, url, number, code, table="0-0", **fields):
    response = client.post(url + "/decide", data={"table": table, "finding": str(number), "code": code, **fields},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"{url}#finding-{table}-{number}"
    return client.get(url)


def test_decisions_and_the_opinion_survive_a_restart_and_download_as_the_cli_reads_them(tmp_path):
    state = tmp_path / "state.sqlite"
    first = make_client(state_path=state)
    page, url = upload(first, part(W2))
    number = finding_number(page, "0-0", "subtotal_mismatch")
    assert "不采纳" not in roles(page, "verdict")
    page = decide(first, url, number, "subtotal_mismatch", verdict="不采纳", reason="表样印错，已与单位核实", action="set")
    assert roles(page, "verdict") == ["不采纳"]
    assert "复核：不采纳，表样印错，已与单位核实" in finding_item(page, "0-0", number)
    response = first.post(url + "/opinion", data={"table": "0-0", "opinion": "同意自评结果", "action": "set"},
                          follow_redirects=False)
    assert response.status_code == 303

    restarted = make_client(state_path=state)  # a new server on the same state file
    page = restarted.get(url)
    assert roles(page, "verdict") == ["不采纳"]
    assert "同意自评结果" in page.text
    download = restarted.get(url + "/decisions.yaml")
    assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]

    # the download is a decisions file the CLI reads: the same finding is dismissed there too
    decisions = tmp_path / "decisions.yaml"
    decisions.write_bytes(download.content)
    checked = json.loads(CliRunner().invoke(main, ["check", str(W2), "--decisions", str(decisions), "--format",
                                                   "json"], catch_exceptions=False).stdout)
    evaluation = checked["evaluations"][0]
    assert evaluation["opinion"] == "同意自评结果"
    decided = [f for f in evaluation["findings"] if "decision" in f]
    assert [(f["code"], f["decision"]["verdict"], f["decision"]["reason"]) for f in decided] == \
        [("subtotal_mismatch", "dismissed", "表样印错，已与单位核实")]

    # withdrawn, and still withdrawn after another restart
    decide(restarted, url, number, "subtotal_mismatch", action="clear")
    again = make_client(state_path=state).get(url)
    assert roles(again, "verdict") == []


def test_a_decision_needs_a_verdict_and_a_reason_and_a_stale_form_is_refused(client):
    page, url = upload(client, part(W2))
    number = finding_number(page, "0-0", "subtotal_mismatch")
    assert "请写明不采纳的理由" in visible(decide(client, url, number, "subtotal_mismatch", verdict="不采纳", reason=" "))
    assert "请选择 已核实 或 不采纳" in visible(decide(client, url, number, "subtotal_mismatch", verdict="x", reason="y"))
    stale = client.post(url + "/decide", data={"table": "0-0", "finding": str(number), "code": "weights_not_100",
                                               "verdict": "不采纳", "reason": "y"}, follow_redirects=False)
    assert stale.status_code == 400 and "请刷新页面" in stale.text
    foreign = client.post(url + "/decide", data={"table": "0-0", "finding": str(number), "code": "subtotal_mismatch"},
                          headers={"origin": "http://evil.example"}, follow_redirects=False)
    assert foreign.status_code == 403


def test_a_decision_whose_finding_a_judgment_settled_is_said_and_kept(client):
    page, url = upload(client, part(C1))
    number = finding_number(page, "0-0", "needs_judgment")
    decide(client, url, number, "needs_judgment", verdict="已核实", reason="待评价组判断")
    page = judge(client, url, tier="达成预期指标", reason="项目带动了定点机构规范经营")
    # judged: the needs_judgment finding is gone; the decision waits in the state and the download
    assert "needs_judgment" not in re.findall(r'data-code="([^"]+)"', page.text)
    assert "复核决定：表“" in visible(page) and "找不到这条发现（needs_judgment" in visible(page)
    assert "待评价组判断" in client.get(url + "/decisions.yaml").text


def decisions_part(name: str, text: str) -> tuple[str, tuple[str, bytes]]:
    return ("decisions_file", (name, text.encode("utf-8")))


def messages(response) -> list[str]:
    box = re.search(r'<div class="messages" role="alert" id="messages">(.*?)</div>', response.text, flags=re.S)
    return [html.unescape(p) for p in re.findall(r"<p>(.*?)</p>", box.group(1), flags=re.S)] if box else []


def decided_workspace(client, reason: str = "表样印错，已与单位核实", opinion: str = "同意自评结果") -> str:
    """A workspace of W2 with its subtotal finding dismissed and a 复核意见, entered with the page's buttons."""
    page, url = upload(client, part(W2))
    number = finding_number(page, "0-0", "subtotal_mismatch")
    decide(client, url, number, "subtotal_mismatch", verdict="不采纳", reason=reason, action="set")
    client.post(url + "/opinion", data={"table": "0-0", "opinion": opinion, "action": "set"}, follow_redirects=False)
    return url


def test_the_page_offers_a_decisions_file_upload(client):
    page, _ = upload(client, part(W2))
    assert 'name="decisions_file"' in page.text and "上传复核决定文件" in visible(page)


def test_an_uploaded_decisions_file_decides_as_the_buttons_did_and_survives_a_restart(tmp_path):
    first = make_client()
    source = decided_workspace(first, reason="上传的理由", opinion="上传的意见")
    downloaded = first.get(source + "/decisions.yaml").text
    before = first.get(source)

    state = tmp_path / "state.sqlite"
    other = make_client(state_path=state)
    page, url = upload(other, part(W2))
    assert roles(page, "verdict") == []
    page, url = upload(other, decisions_part("复核决定.yaml", downloaded), url=url + "/upload")
    assert "复核决定文件“复核决定.yaml”：采用了 1 条复核决定、1 条复核意见" in messages(page)
    assert roles(page, "verdict") == roles(before, "verdict") == ["不采纳"]
    number = finding_number(page, "0-0", "subtotal_mismatch")
    assert finding_item(page, "0-0", number).replace(url, "URL") == finding_item(before, "0-0", number).replace(
        source, "URL")
    assert "上传的意见" in page.text
    assert roles(page, "total") == roles(before, "total")
    assert other.get(url + "/decisions.yaml").text == downloaded

    restarted = make_client(state_path=state)  # a new server on the same state file
    page = restarted.get(url)
    assert roles(page, "verdict") == ["不采纳"]
    assert "复核：不采纳，上传的理由" in finding_item(page, "0-0", number)
    assert "上传的意见" in page.text
    assert restarted.get(url + "/decisions.yaml").text == downloaded
    # and the buttons still withdraw what the file decided
    decide(restarted, url, number, "subtotal_mismatch", action="clear")
    assert roles(make_client(state_path=state).get(url), "verdict") == []


def test_tables_and_their_decisions_file_in_one_upload(client):
    downloaded = client.get(decided_workspace(client) + "/decisions.yaml").text
    page, url = upload(client, part(W2), decisions_part("d.yaml", downloaded))
    assert roles(page, "verdict") == ["不采纳"]
    assert client.get(url + "/decisions.yaml").text == downloaded


@pytest.mark.parametrize("text, line, message", [
    ("tables:\n  - title: 医疗保障管理工作经费\n    findings:\n      - code: subtotal_mismatch\n"
     "        verdict: 不采纳\n", 4, "不采纳须写明理由"),
    ("tables:\n  - title: 医疗保障管理工作经费\n    findings:\n      - code: subtotal_mismatch\n"
     "        verdict: 不采纳\n        reason: 理由\n      - code: no_such_code\n        verdict: 已核实\n"
     "        reason: 理由\n", 7, "不认识的发现代码“no_such_code”"),
    ("tables: [\n  - title: x\n", 2, "YAML 语法错误"),
    ("tables:\n  - title: 医疗保障管理工作经费\n    opinon: 同意\n", 3, "不认识的字段“opinon”"),
])
def test_a_bad_decisions_file_is_explained_with_its_line_and_nothing_is_kept(tmp_path, text, line, message):
    state = tmp_path / "state.sqlite"
    client = make_client(state_path=state)
    _, url = upload(client, part(W2))
    empty = client.get(url + "/decisions.yaml").text
    page, _ = upload(client, decisions_part("坏.yaml", text), url=url + "/upload")
    shown = messages(page)
    assert shown[0] == "复核决定文件“坏.yaml”有错误，未采用（请改正后重新上传）："
    assert any(m.startswith(f"坏.yaml:{line}: ") and message in m for m in shown[1:]), shown
    assert roles(page, "verdict") == []
    assert "采用了" not in visible(page)
    assert client.get(url + "/decisions.yaml").text == empty
    assert make_client(state_path=state).get(url + "/decisions.yaml").text == empty
    assert messages(client.get(url)) == []  # said once


def test_a_decisions_file_that_is_not_text_is_refused(client):
    _, url = upload(client, part(W2))
    response = client.post(url + "/upload", files=[("decisions_file", ("d.yaml", b"\xff\xfe\x00\xd8garbage\x81"))],
                           follow_redirects=False)
    page = client.get(url)
    assert response.status_code == 303 and messages(page)[0] == "复核决定文件“d.yaml”无法读取，未采用："
    assert messages(page)[1].startswith("d.yaml")
    assert roles(page, "verdict") == []


def test_decisions_the_tables_do_not_hold_are_listed_and_the_rest_is_kept(client):
    import yaml

    data = yaml.safe_load(client.get(decided_workspace(client) + "/decisions.yaml").text)
    block = data["tables"][0]
    lapsed = dict(block["findings"][0], values=["社会效益指标(30分)", "26", "10", "16", "4"])
    unknown = {"code": "weights_not_100", "line": "不存在的指标", "verdict": "已核实", "reason": "已核"}
    other_table = {"title": "另一个项目", "opinion": "不在本页", "findings": []}
    text = yaml.safe_dump({"tables": [{**block, "findings": block["findings"] + [unknown]},
                                      {**block, "opinion": None, "findings": [lapsed]}, other_table]},
                          allow_unicode=True, sort_keys=False)
    page, url = upload(client, part(W2))
    page, _ = upload(client, decisions_part("d.yaml", text), url=url + "/upload")
    shown = messages(page)
    assert shown[0] == "复核决定文件“d.yaml”：采用了 1 条复核决定、1 条复核意见"
    said = "\n".join(shown[1:])
    assert "找不到这条发现（weights_not_100，不存在的指标）" in said
    assert "重复的决定" in said or "已失效" in said  # the second decision on the same finding is not lost
    assert "“另一个项目”不在本次检查的文件中" in said
    assert all(m.startswith("d.yaml:") for m in shown[1:]), shown
    assert len(shown) == 4
    assert roles(page, "verdict") == ["不采纳"]


def test_a_lapsed_decision_in_the_file_is_said_and_not_kept(client):
    import yaml

    data = yaml.safe_load(client.get(decided_workspace(client) + "/decisions.yaml").text)
    data["tables"][0]["findings"][0]["values"] = ["社会效益指标(30分)", "26", "10", "16", "4"]
    page, url = upload(client, part(W2))
    page, _ = upload(client, decisions_part("d.yaml", yaml.safe_dump(data, allow_unicode=True)), url=url + "/upload")
    shown = messages(page)
    assert shown[0] == "复核决定文件“d.yaml”：采用了 0 条复核决定、1 条复核意见"
    assert len(shown) == 2 and shown[1].startswith("d.yaml:") and "已失效" in shown[1] and "原为" in shown[1]
    assert roles(page, "verdict") == []
    assert "不采纳" not in client.get(url + "/decisions.yaml").text


def test_the_report_of_each_table_downloads_with_the_scored_numbers(client):
    docx = pytest.importorskip("docx")
    page, url = upload(client, part(W1_YAML))
    assert f'href="{url}/report/0-0.docx"' in page.text
    response = client.get(url + "/report/0-0.docx")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs) + "".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells)
    scored = json.loads(client.get(url + "/score.json").content)["evaluations"][0]
    assert scored["total"] in text and scored["grade"] in text
    assert client.get(url + "/report/0-9.docx").status_code == 404
    assert client.get(url + "/report/x.docx").status_code == 404


def _serve(state: Path) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "cli", "serve", "--port", "0", "--state", str(state)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    match = re.search(r"http://127\.0\.0\.1:\d+", process.stdout.readline())
    assert match, process.stderr.read()
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(match.group(0) + "/", timeout=5).close()
            return process, match.group(0)
        except OSError:
            if time.monotonic() > deadline:
                process.terminate()
                raise
            time.sleep(0.1)


def test_a_decision_survives_a_real_restart_of_the_server(tmp_path):
    import httpx

    state = tmp_path / "state.sqlite"
    process, base = _serve(state)
    try:
        with httpx.Client(base_url=base, follow_redirects=False) as http:
            posted = http.post("/upload", files=[part(W2)])
            assert posted.status_code == 303
            url = posted.headers["location"].split("#")[0]
            page = http.get(url)
            number = finding_number(page, "0-0", "subtotal_mismatch")
            decided = http.post(url + "/decide", data={"table": "0-0", "finding": str(number),
                                                       "code": "subtotal_mismatch", "verdict": "不采纳",
                                                       "reason": "表样印错", "action": "set"})
            assert decided.status_code == 303
    finally:
        process.terminate()
        process.wait(timeout=10)
    process, base = _serve(state)  # the same state file, a new process
    try:
        with httpx.Client(base_url=base) as http:
            page = http.get(url)
            assert page.status_code == 200
            assert roles(page, "verdict") == ["不采纳"]
            assert "复核：不采纳，表样印错" in finding_item(page, "0-0", number)
    finally:
        process.terminate()
        process.wait(timeout=10)
