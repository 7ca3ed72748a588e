"""``perfscore serve`` driven in a real headless Chromium, as an officer would use it.

Starts the server itself (``python -m cli serve --port 0``, a free port on 127.0.0.1), uploads W1 and
reads its total and the deduction reason, drops the 蔡甸 C1 table onto the page, enters the judgment
its pending line needs, downloads the scored workbook and finds the judgment in it, and saves a
screenshot of the page (to ``docs/web-screenshot.png`` with ``--update-golden``).

Needs Debian's ``chromium`` (``/usr/bin/chromium``) and Playwright's Python package; without either
the tests are skipped with the reason. Playwright's own browser download (``playwright install``) is
never used: it cannot run here.
"""

from __future__ import annotations

import re
import select
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from .conftest import ROOT, SAMPLES

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT = ROOT / "docs" / "web-screenshot.png"

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="浏览器测试需要 Playwright 的 Python 包：pip install playwright（不要运行 playwright install）")
if not CHROMIUM.exists():
    pytest.skip("浏览器测试需要 Debian 的 chromium（/usr/bin/chromium）：apt-get install -y chromium",
                allow_module_level=True)


class Server:
    """``perfscore serve`` in a child process; ``url`` is the address it printed."""

    def __init__(self, *options: str) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "cli", "serve", "--port", "0", "--memory", *options],
                                        cwd=ROOT,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ready, _, _ = select.select([self.process.stdout], [], [], 30)
        first = self.process.stdout.readline() if ready else ""
        match = re.search(r"http://127\.0\.0\.1:\d+/", first)
        if not match:
            self.stop()
            raise AssertionError(f"perfscore serve did not print its address: {first!r}")
        self.url = match.group(0)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - a hung server
            self.process.kill()
            self.process.wait()


@pytest.fixture
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def server():
    running = Server()
    try:
        yield running
    finally:
        running.stop()


def drop_file(page, path: Path) -> None:
    """Drop ``path`` on the page the way a file dragged from the desktop arrives (a DataTransfer with a File)."""
    page.evaluate(
        """([name, text]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([text], name, {type: "application/x-yaml"}));
            const drop = new DragEvent("drop", {dataTransfer: transfer, bubbles: true});
            document.getElementById("drop").dispatchEvent(drop);
        }""",
        [path.name, path.read_text(encoding="utf-8")],
    )


def test_an_officer_scores_judges_and_downloads(browser, server, tmp_path, update_golden):
    page = browser.new_page(viewport={"width": 1360, "height": 900}, accept_downloads=True)
    page.goto(server.url)
    assert page.title() == "perfscore 自评表评分"

    # W1: choosing the file uploads it at once; its total and the reason for the lost half point are on the page
    with page.expect_navigation():
        page.set_input_files("#files", str(SAMPLES / "w1-wuhan-2023-department.yaml"))
    w1 = page.locator("#table-0-0")
    assert w1.locator("[data-role=total]").inner_text() == "99.50"
    assert w1.locator("[data-role=grade]").inner_text() == "优"
    deducted = w1.locator("tr.line", has_text="人工扣分0.5分：")
    assert deducted.count() == 1 and deducted.is_visible()
    assert "0.50" in deducted.locator("td.lost").inner_text()

    # C1, dropped onto the page: grade 待定 and its pending line, highlighted, with a judgment form
    with page.expect_navigation():
        drop_file(page, SAMPLES / "c1-caidian-2022-audit.yaml")
    page.wait_for_selector("#table-1-0")
    c1 = page.locator("#table-1-0")
    assert c1.locator("[data-role=grade]").inner_text() == "待定"
    assert c1.locator("[data-role=total]").inner_text() == "70.00"
    pending = c1.locator("tr.status-needs_judgment")
    assert pending.count() == 1
    assert "项目实施对社会发展所带来的直接或间接影响" in pending.inner_text() and "待判断" in pending.inner_text()
    assert pending.evaluate("row => getComputedStyle(row.cells[1]).backgroundColor") != "rgba(0, 0, 0, 0)"

    # the judgment: a tier of the rule set and a reason; the total and grade appear
    form = c1.locator("tr.judge-row form").first
    form.locator("select[name=tier]").select_option("达成预期指标")
    form.locator("input[name=reason]").fill("审核工作规范了定点机构管理，社会效益明显")
    # the picture for the README: both tables, W1's lost half point, C1 pending with its judgment being entered.
    # docs/ is rewritten only with --update-golden (then look at it and review the diff); otherwise a temp file.
    shot = SCREENSHOT if update_golden else tmp_path / "web-screenshot.png"
    shot.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    with page.expect_navigation():
        form.locator("button[value=set]").click()
    c1 = page.locator("#table-1-0")
    assert c1.locator("[data-role=total]").inner_text() == "100.00"
    assert c1.locator("[data-role=grade]").inner_text() == "优"
    assert c1.locator("tr.status-needs_judgment").count() == 0
    judged = c1.locator("tr.status-judged", has_text="项目实施对社会发展")
    assert "理由：审核工作规范了定点机构管理，社会效益明显" in judged.inner_text()

    # the scored workbook carries the judgment
    with page.expect_download() as download:
        page.click("#download-export")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".xlsx"
    book = openpyxl.load_workbook(saved)
    sheet = next(ws for ws in book.worksheets if ws.title.startswith("审核经费"))
    cells = [cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    reason = next(cell for cell in cells if "理由：审核工作规范了定点机构管理，社会效益明显" in cell.value)
    row_values = [cell.value for cell in sheet[reason.row]]
    assert 30 in row_values or "30" in row_values or 30.0 in row_values  # the judged 得分, upper end of the tier
    assert "达成预期指标" in reason.value

    # the other downloads answer in the browser too
    for button in ("#download-findings", "#download-json"):
        with page.expect_download() as other:
            page.click(button)
        assert other.value.failure() is None



def test_the_page_refuses_files_over_the_limit_before_sending(browser):
    server = Server("--max-upload-mb", "0.001")
    try:
        page = browser.new_page()
        page.goto(server.url)
        page.set_input_files("#files", str(SAMPLES / "w1-wuhan-2023-department.xlsx"))
        message = page.locator("#client-message")
        message.wait_for(state="visible")
        assert "超过上限 1 KB" in message.inner_text()
        time.sleep(0.3)
        assert page.url == server.url  # nothing was sent
    finally:
        server.stop()
