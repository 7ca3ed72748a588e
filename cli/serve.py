"""``perfscore serve``: a local web page for officers who work in Excel/WPS and a browser, not a shell.

One page, server-rendered (Starlette + Jinja2, a little plain JavaScript for drag-and-drop): upload
self-evaluation tables, see each one scored line by line with the Chinese reasons, enter the judgments
the engine asks for, and download the scored workbook, the findings workbook or the JSON contract.

The page is a face over the library like the other commands (:mod:`cli.web`): uploads are read,
scored and reviewed by :mod:`scoring.pipeline`, exactly as ``check`` and ``batch`` read files.
State: each upload starts a *workspace* kept in this process's memory under a random id (in the
URL): the tables as read (never the bytes), the judgments entered and the chosen rule set. The
server binds 127.0.0.1 only and serves one local user.
"""

from __future__ import annotations

import socket
import sys
from decimal import Decimal
from pathlib import Path

import click

from .common import resolve_rules
from .web.settings import DEFAULT_MAX_CELLS, DEFAULT_MAX_UPLOAD_MB, Settings

__all__ = ["serve_command"]


def _open(address: str) -> None:
    """Open the page in the default browser; where there is none (a server, a container), say so and go on."""
    import webbrowser

    try:
        opened = webbrowser.open(address)
    except Exception:  # webbrowser raises several kinds where no browser can run
        opened = False
    if not opened:
        click.echo("提示：没有找到可用的浏览器，请手动打开上面的地址。", err=True)


@click.command("serve")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="端口（只在本机 127.0.0.1 上监听；0 表示任选一个空闲端口）。")
@click.option("--rules", "rules_name", default="standard", show_default=True,
              help="默认规则集：内置名称或规则集文件（网页上还可以另选或上传）。")
@click.option("--max-upload-mb", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_MAX_UPLOAD_MB,
              show_default=True, help="一次上传的文件合计大小上限（MB）。")
@click.option("--max-cells", type=click.IntRange(min=1), default=DEFAULT_MAX_CELLS, show_default=True,
              help="一个工作簿最多的单元格数（所有工作表合计），超过的拒绝读取。")
@click.option("--open", "open_browser", is_flag=True, default=False, help="启动后用默认浏览器打开网页。")
@click.option("--state", "state", type=click.Path(dir_okay=False), default=None, metavar="文件",
              help="保存工作区（上传的文件、评价判断、复核决定）的 SQLite 文件，重启后仍在；默认放在本用户的数据文件夹。")
@click.option("--memory", is_flag=True, default=False, help="只在内存中保留工作区，不写入磁盘（停止后全部丢弃）。")
def serve_command(port: int, rules_name: str, max_upload_mb: float, max_cells: int, open_browser: bool,
                  state: str | None, memory: bool) -> None:
    """在本机启动网页：上传自评表（工作簿、Word 文档、网页、PDF 或 YAML），逐行查看得分和扣分理由，填写评价判断，下载评分工作簿。

    只在 127.0.0.1 上监听，不会把文件传到别处。工作区（上传的文件、评价判断、复核决定）保存在本机的数据文件里，
    服务重启后打开原来的网址仍可继续；加 --memory 则只留在内存中。加 --open 会自动打开浏览器。按 Ctrl+C 停止。
    """
    import uvicorn

    from .web.app import create_app

    from .web.state import default_state_path

    ruleset = resolve_rules(rules_name)
    state_path = None if memory else Path(state) if state else default_state_path()
    settings = Settings(ruleset=ruleset, rules_label=rules_name,
                        max_upload_bytes=int(Decimal(str(max_upload_mb)) * 1024 * 1024), max_cells=max_cells,
                        state_path=state_path)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
        sock.listen(128)  # listening before the address is printed: a browser opened at once is queued, not refused
    except OSError as exc:
        sock.close()
        click.echo(f"错误：无法在 127.0.0.1:{port} 上启动（{exc.strerror}）；端口可能已被占用，请用 --port 换一个", err=True)
        sys.exit(1)
    address = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    click.echo(f"perfscore 网页已启动：{address}")
    click.echo("在浏览器中打开上面的地址；按 Ctrl+C 停止。")
    click.echo(f"工作区保存在：{state_path}" if state_path else "工作区只保存在内存中（--memory），停止后丢弃。")
    sys.stdout.flush()
    if open_browser:
        _open(address)
    config = uvicorn.Config(create_app(settings), log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])
