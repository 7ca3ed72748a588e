"""Uploads: the posted form read within its limits, its files read through the pipeline into a workspace."""

from __future__ import annotations

from typing import Any

from indicators.load import Input
from indicators.problems import PerfscoreError, format_problem
from scoring.pipeline import load_files

from .decisions_upload import take_decisions
from .settings import DRAIN_LIMIT, FORM_OVERHEAD, Settings, size_text
from .workspaces import Store, Workspace, display_name, read_rules_file, rule_options

__all__ = ["UploadRefused", "read_form", "read_small_form", "take_upload", "read_rules_file", "SMALL_FORM_LIMIT"]

#: A form without files (a judgment) is a few hundred bytes; anything much larger is refused unread.
SMALL_FORM_LIMIT = 64 * 1024


class UploadRefused(PerfscoreError):
    """An upload refused before reading: over the size limit (413) or not a form upload (400); Chinese message."""

    def __init__(self, message: str, status: int = 413) -> None:
        super().__init__(message)
        self.status = status


async def read_form(request: Any, settings: Settings) -> Any:
    """The posted multipart form, its files in memory; over the limit raises :class:`UploadRefused`.

    The body is counted as it arrives, so a lying or missing Content-Length cannot carry more.
    """
    from starlette.formparsers import MultiPartException, MultiPartParser

    cap = settings.max_upload_bytes + FORM_OVERHEAD
    limit_text = f"超过上限 {settings.max_upload_text}：请分几次上传，或启动时用 --max-upload-mb 调大上限"
    declared = request.headers.get("content-length")
    too_big = declared is not None and declared.isdigit() and int(declared) > cap
    body = bytearray()
    seen = 0
    async for chunk in request.stream():
        seen += len(chunk)
        if seen > cap:
            too_big = True
        if too_big:
            if seen > DRAIN_LIMIT:
                break
            continue
        body += chunk
    if too_big:
        size = int(declared) if declared and declared.isdigit() else seen
        raise UploadRefused(f"本次上传约 {size_text(size)}，{limit_text}")
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise UploadRefused("请用页面上的表单上传文件（multipart/form-data）", 400)

    class InMemoryParser(MultiPartParser):
        # Files stay in memory (the body was already limited), never in a spooled file on disk.
        spool_max_size = cap

    async def replay():
        yield bytes(body)

    try:
        form = await InMemoryParser(request.headers, replay(), max_files=500, max_fields=50).parse()
    except MultiPartException:
        raise UploadRefused("上传的内容不完整或格式不对，请重新选择文件上传", 400) from None
    from starlette.datastructures import UploadFile

    total = sum(item.size or 0 for _, item in form.multi_items() if isinstance(item, UploadFile))
    if total > settings.max_upload_bytes:
        await form.close()
        raise UploadRefused(f"上传的文件共 {size_text(total)}，{limit_text}")
    return form


async def read_small_form(request: Any, limit: int = SMALL_FORM_LIMIT) -> dict[str, str]:
    """A posted form without files (``application/x-www-form-urlencoded``), read within ``limit`` bytes.

    The body is counted as it arrives and never spooled to disk; over the limit, or another
    kind of body, raises :class:`UploadRefused`.
    """
    from urllib.parse import parse_qsl

    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise UploadRefused(f"提交的内容超过 {size_text(limit)}，已拒绝", 413)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise UploadRefused(f"提交的内容超过 {size_text(limit)}，已拒绝", 413)
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        raise UploadRefused("请用页面上的表单提交（application/x-www-form-urlencoded）", 400)
    try:
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20))
    except (UnicodeDecodeError, ValueError):
        raise UploadRefused("提交的内容格式不对，请刷新页面后再试", 400) from None


async def take_upload(store: Store, workspace: Workspace, form: Any, settings: Settings) -> str:
    """Read the files, the rule file and the decisions file of a posted form into ``workspace``.

    Returns the page's anchor to show next: the first new table, the problems, or nothing.
    """
    from starlette.concurrency import run_in_threadpool
    from starlette.datastructures import UploadFile

    files: list[tuple[str, bytes]] = []
    for item in form.getlist("files"):
        if isinstance(item, UploadFile) and item.filename:
            files.append((item.filename, await item.read()))
    rules_item = form.get("rules_file")
    rules_upload = None
    if isinstance(rules_item, UploadFile) and rules_item.filename:
        rules_upload = (rules_item.filename, await rules_item.read())
    decisions_item = form.get("decisions_file")
    decisions_upload = None
    if isinstance(decisions_item, UploadFile) and decisions_item.filename:
        decisions_upload = (display_name(decisions_item.filename, set()), await decisions_item.read())
    chosen = form.get("rules")
    await form.close()

    def work() -> str:
        with store.lock:
            taken = workspace.taken_names()
            inputs = []
            for filename, data in files:
                name = display_name(filename, taken)
                taken.add(name)
                inputs.append(Input.from_bytes(name, data))
        read = load_files(inputs, limits=settings.limits)
        loaded = read_rules_file(*rules_upload) if rules_upload else None
        anchor = ""
        with store.lock:
            first = len(workspace.files)
            workspace.files.extend(read)
            store.saved_files(workspace, first, [(given.name, given.data or b"") for given in inputs])
            found = next((k for k, file in enumerate(read, first) if file.evaluations), None)
            if first == 0:
                pass  # a new workspace opens at the top, where the totals are
            elif found is not None:
                anchor = f"#table-{found}-0"
            elif any(file.problems or file.target_tables for file in read):
                anchor = "#problems"
            if isinstance(chosen, str) and chosen in {o["value"] for o in rule_options(workspace, settings)}:
                workspace.rules_choice = chosen
            if loaded is not None:
                ruleset, problems = loaded
                if ruleset is not None:
                    workspace.uploaded_rules, workspace.uploaded_rules_name = ruleset, rules_upload[0]
                    workspace.rules_choice = "@upload"
                    store.saved_rules(workspace, *rules_upload)
                else:
                    workspace.messages.append(f"规则集文件“{rules_upload[0]}”有错误，未采用：")
                    workspace.messages.extend(format_problem(p) for p in problems)
            if loaded is None or loaded[0] is None:
                store.saved_rules(workspace)  # the choice of a built-in may have changed
            workspace.changed()
            if decisions_upload is not None:  # after the tables and the rule set it decides on
                take_decisions(store, workspace, *decisions_upload, settings)
                anchor = anchor or "#messages"
        return anchor

    return await run_in_threadpool(work)
