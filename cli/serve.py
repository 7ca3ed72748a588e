"""``perfscore serve``: a local web page for officers who work in Excel/WPS and a browser, not a shell.

One page, server-rendered (Starlette + Jinja2, a little plain JavaScript for drag-and-drop): upload
self-evaluation tables, see each one scored line by line with the Chinese reasons, enter the judgments
the engine asks for, and download the scored workbook, the findings workbook or the JSON contract.

This module is a thin face over the library, like the other commands: files are read by
:func:`indicators.load.load_path`, scored and reviewed by :func:`scoring.checks.check_evaluations`,
written by :func:`scoring.reports.workbook.workbook_bytes` (``export``),
:class:`scoring.reports.batch_workbook.SummaryBook` (``batch -o``) and
:func:`scoring.reports.json_report.report_to_dict` (``--format json``). Nothing here computes a score.

State: each upload starts a *workspace* kept in this process's memory under a random id (in the
URL). It holds the tables as read (frozen models, not the files), the judgments entered, and the
chosen rule set; every page view rescores from those. Uploaded bytes exist only in memory while the
request is parsed and in a temporary folder while the readers (which take paths) run; the folder is
removed before the response is sent. The server binds 127.0.0.1 only and serves one local user.
"""

from __future__ import annotations

import io
import re
import secrets
import socket
import sys
import tempfile
import threading
import zipfile
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, Callable, Iterable
from urllib.parse import quote, urlsplit

import click
from pydantic import BaseModel, ValidationError

from indicators.load import load_path
from indicators.model import Evaluation, Indicator, Judgment
from indicators.numbers import fmt2, fmt_points
from indicators.problems import Problem, Source, format_problem
from scoring.checks import check_evaluations, count_by_severity, table_view
from scoring.results import EvaluationResult, Finding, LineResult, Severity, Status
from scoring.ruleset import RuleSet, RuleSetError, builtin_names, get_ruleset, load_ruleset

from .common import resolve_rules
from .render import STATUS_TEXT

__all__ = ["serve_command", "create_app", "Settings", "Workspace", "DEFAULT_MAX_UPLOAD_MB", "DEFAULT_MAX_CELLS"]

WEB = Path(__file__).resolve().parent / "web"

#: Default limit of one upload (all files sent at once), in MB.
DEFAULT_MAX_UPLOAD_MB = 20
#: Default limit of cells in one uploaded workbook (all sheets), counted before the workbook is read.
DEFAULT_MAX_CELLS = 1_000_000
#: Room for the form's own fields and multipart framing on top of the files.
FORM_OVERHEAD = 256 * 1024
#: Workspaces kept in memory; the least recently used goes first.
MAX_WORKSPACES = 16
#: An oversized body is read and thrown away up to this many bytes so the browser sees the answer
#: (closing the connection mid-upload shows the officer a network error instead of the message).
DRAIN_LIMIT = 256 * 1024 * 1024

KIND_TEXT = {"project": "项目支出", "department": "部门整体支出"}


# --- settings and state --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Settings:
    """What ``perfscore serve`` was started with."""

    ruleset: RuleSet
    #: How the start-up rule set was named on the command line (a built-in name or a file path).
    rules_label: str = "standard"
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_MB * 1024 * 1024
    max_cells: int = DEFAULT_MAX_CELLS
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost")

    @property
    def max_upload_text(self) -> str:
        """The upload limit as people say it: ``20 MB``."""
        return size_text(self.max_upload_bytes)


@dataclass
class Upload:
    """One uploaded file after reading: its tables, or the problems that kept them from being read."""

    name: str
    evaluations: list[Evaluation]
    #: What kept tables from being read, as ``perfscore score`` lists them (a 绩效目标表 included).
    problems: list[Problem]
    notices: list[Problem] = field(default_factory=list)
    #: The 绩效目标表 among ``problems`` (the findings workbook lists them on their own sheet, as ``batch`` does).
    targets: list[Problem] = field(default_factory=list)


@dataclass
class Workspace:
    """One officer's uploads, the judgments entered on them and the chosen rule set."""

    id: str
    #: ``standard`` and the other built-ins by name; ``@startup`` (a ``--rules FILE``) or ``@upload``.
    rules_choice: str
    uploads: list[Upload] = field(default_factory=list)
    uploaded_rules: RuleSet | None = None
    uploaded_rules_name: str | None = None
    #: (upload, table in the upload, position of the indicator in the table) → the judgment entered.
    judgments: dict[tuple[int, int, int], Judgment] = field(default_factory=dict)
    #: Shown once on the next page view: problems of an uploaded rule file, refused uploads …
    messages: list[str] = field(default_factory=list)
    #: A judgment that could not be taken, shown once beside its line.
    line_notes: dict[tuple[int, int, int], str] = field(default_factory=dict)

    def taken_names(self) -> set[str]:
        return {upload.name for upload in self.uploads}


class Store:
    """The workspaces of this server, newest last; old ones are dropped beyond :data:`MAX_WORKSPACES`."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, Workspace] = OrderedDict()
        self.lock = threading.RLock()

    def new(self, rules_choice: str) -> Workspace:
        with self.lock:
            workspace = Workspace(id=secrets.token_urlsafe(16), rules_choice=rules_choice)
            self._items[workspace.id] = workspace
            while len(self._items) > MAX_WORKSPACES:
                self._items.popitem(last=False)
            return workspace

    def get(self, workspace_id: str) -> Workspace | None:
        with self.lock:
            workspace = self._items.get(workspace_id)
            if workspace is not None:
                self._items.move_to_end(workspace_id)
            return workspace


# --- reading uploads -------------------------------------------------------------------------------------

class UploadRefused(Exception):
    """An upload refused before reading: over the size limit (413) or not a form upload (400); Chinese message."""

    def __init__(self, message: str, status: int = 413) -> None:
        super().__init__(message)
        self.status = status


#: The answer to a form posted from another web site.
_FOREIGN_REFUSED = "拒绝来自其他网站的请求"


def size_text(size: int) -> str:
    """A size as people say it: ``20 MB``, ``1.5 MB``, ``300 KB``."""
    if size >= 1024 * 1024 // 10:
        text = f"{Decimal(size) / Decimal(1024 * 1024):.1f}"
        return (text[:-2] if text.endswith(".0") else text) + " MB"
    return f"{max(1, round(Decimal(size) / 1024))} KB"


def display_name(filename: str, taken: set[str]) -> str:
    """The file name the officer chose (no folders), made unique within a workspace: ``表.xlsx (2)``."""
    base = PureWindowsPath(PurePosixPath(filename or "").name).name
    base = "".join(ch for ch in base if ch.isprintable()).strip() or "未命名文件"
    stem, suffix = (base[: -len(Path(base).suffix)], Path(base).suffix) if Path(base).suffix else (base, "")
    name, k = base, 2
    while name in taken:
        name, k = f"{stem}({k}){suffix}", k + 1
    return name


# A cell element of SpreadsheetML (<c r="A1" …>, <c/>, or with a namespace prefix <x:c …>); not <col>, <cfRule>.
_CELL_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")


def count_cells(data: bytes, limit: int) -> int | None:
    """Count the cells stored in a workbook's sheets, stopping as soon as ``limit`` is passed.

    Reads the sheets' XML as a stream (never the whole sheet at once), so a huge or hostile workbook
    is refused before the reader builds anything from it. Returns None when the bytes are no zip
    workbook (the reader then says what is wrong) or unpack to more than the reader accepts.
    """
    from indicators.xlsx.cells import MAX_UNCOMPRESSED_BYTES  # the reader's own limit; imported on demand

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    with archive:
        infos = archive.infolist()
        if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
            return None  # the reader refuses it with its own message
        count = 0
        for info in infos:
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            try:
                with archive.open(info) as part:
                    carry = b""
                    while chunk := part.read(1024 * 1024):
                        text = carry + chunk
                        cut = text.rfind(b"<")
                        if cut < 0 or len(text) - cut > 64:
                            cut = len(text)
                        count += len(_CELL_START.findall(text, 0, cut))
                        carry = text[cut:]
                        if count > limit:
                            return count
                    count += len(_CELL_START.findall(carry))
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
                return None  # a damaged or encrypted part: the reader reports it
            if count > limit:
                return count
        return count


def _renamed(value: Any, old: str, new: str) -> Any:
    """``value`` with every :class:`Source` in ``old`` pointing to ``new`` instead (models are frozen: copies)."""
    if isinstance(value, Source):
        return value.model_copy(update={"file": new}) if value.file == old else value
    if isinstance(value, BaseModel):
        changes = {}
        for name in type(value).model_fields:
            item = getattr(value, name)
            fixed = _renamed(item, old, new)
            if fixed is not item:
                changes[name] = fixed
        return value.model_copy(update=changes) if changes else value
    if isinstance(value, tuple):
        items = tuple(_renamed(item, old, new) for item in value)
        return items if any(a is not b for a, b in zip(items, value)) else value
    if isinstance(value, dict):
        fixed_dict = {key: _renamed(item, old, new) for key, item in value.items()}
        return fixed_dict if any(fixed_dict[k] is not value[k] for k in value) else value
    return value


def _problem_as(problem: Problem, old: str, new: str) -> Problem:
    renamed = _renamed(problem, old, new)
    if old in renamed.message:
        renamed = renamed.model_copy(update={"message": renamed.message.replace(old, new)})
    return renamed


def read_upload(folder: Path, number: int, name: str, data: bytes, max_cells: int) -> Upload:
    """Read one uploaded file with the library's reader; every source names the file as the officer knows it.

    The bytes are written to ``folder`` (a temporary folder of the request) because the readers take
    paths; the problems are exactly those ``perfscore score`` prints, with sheet and cell.
    """
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        cells = count_cells(data, max_cells)
        if cells is not None and cells > max_cells:
            message = (f"工作簿的单元格超过 {max_cells:,} 个（网页版的上限），为防止耗尽内存拒绝读取："
                       f"请只保留自评表所在的工作表后再上传，或启动时用 --max-cells 调大上限")
            return Upload(name, [], [Problem(source=Source(file=name), message=message)])
    path = folder / f"upload-{number}{suffix}"
    path.write_bytes(data)
    try:
        result = load_path(path)
    except Exception as exc:  # a reader bug must not take the other files down (as in ``batch``)
        message = f"读取时发生内部错误（{type(exc).__name__}），请报告此问题"
        return Upload(name, [], [Problem(source=Source(file=name), message=message)])
    old = str(path)
    evaluations = [_renamed(evaluation, old, name) for evaluation in result.evaluations]
    targets = [_problem_as(p, old, name) for p in result.target_tables]
    problems = [_problem_as(p, old, name) for p in result.problems] + targets
    notices = [_problem_as(p, old, name) for p in result.notices]
    return Upload(name, evaluations, problems, notices, targets)


def read_rules_file(folder: Path, name: str, data: bytes) -> tuple[RuleSet | None, list[Problem]]:
    """Load an uploaded rule-set file (``extends`` may name a built-in); problems point into the file."""
    if Path(name).suffix.lower() not in (".yaml", ".yml"):
        return None, [Problem(source=Source(file=name), message="规则集文件应为 .yaml 或 .yml 文件")]
    path = folder / f"rules{Path(name).suffix.lower()}"
    path.write_bytes(data)
    try:
        return load_ruleset(path), []
    except RuleSetError as exc:
        return None, [_problem_as(p, str(path), name) for p in exc.problems]


# --- scoring a workspace (the library does it; this only arranges the results for the page) ------------

@dataclass
class Row:
    """One line of a table on the page."""

    result: LineResult
    #: Position among the table's indicators (the judgment key), None for the budget line.
    position: int | None
    findings: list[Finding]
    judgeable: bool
    entered: Judgment | None
    note: str | None

    @property
    def status_text(self) -> str:
        return STATUS_TEXT[self.result.status]

    @property
    def reasons(self) -> tuple[str, ...]:
        """Every reason when points were lost or the line is not scored by rule; else the rule's own sentence.

        The same choice as the terminal table (``cli/render.py``): a full-marks line needs one sentence.
        """
        line = self.result
        if line.lost or line.status is not Status.SCORED:
            return line.reasons
        return line.reasons[-1:]

    @property
    def worst(self) -> Severity | None:
        """The most severe finding on the line, if any."""
        return min((finding.severity for finding in self.findings), key=lambda s: s.rank, default=None)


@dataclass
class Table:
    """One scored table on the page."""

    key: str
    upload: int
    number: int
    file: str
    evaluation: Evaluation
    result: EvaluationResult
    rows: list[Row]

    @property
    def kind_text(self) -> str:
        return KIND_TEXT.get(self.result.kind, self.result.kind)

    @property
    def counts(self) -> dict[Severity, int]:
        return count_by_severity(self.result.findings)

    @property
    def pending(self) -> int:
        return sum(1 for row in self.rows if row.result.status is Status.NEEDS_JUDGMENT)

    @property
    def difference(self) -> Decimal | None:
        if self.result.recorded_total is None:
            return None
        return self.result.recorded_total - self.result.total


def with_judgment(evaluation: Evaluation, position: int, judgment: Judgment | None) -> Evaluation:
    """``evaluation`` with the judgment of its ``position``-th indicator set (or removed)."""
    target = evaluation.lines()[position][1]

    def swap(indicators: tuple[Indicator, ...]) -> tuple[Indicator, ...]:
        return tuple(ind.model_copy(update={"judgment": judgment}) if ind is target else ind for ind in indicators)

    if evaluation.goals:
        goals = tuple(goal.model_copy(update={"indicators": swap(goal.indicators)})
                      if any(ind is target for ind in goal.indicators) else goal for goal in evaluation.goals)
        return evaluation.model_copy(update={"goals": goals})
    return evaluation.model_copy(update={"indicators": swap(evaluation.indicators)})


def workspace_rules(workspace: Workspace, settings: Settings) -> RuleSet:
    """The rule set chosen in the workspace."""
    if workspace.rules_choice == "@upload" and workspace.uploaded_rules is not None:
        return workspace.uploaded_rules
    if workspace.rules_choice == "@startup":
        return settings.ruleset
    if workspace.rules_choice in builtin_names():
        return get_ruleset(workspace.rules_choice)
    return settings.ruleset


def score_workspace(workspace: Workspace, ruleset: RuleSet) -> list[Table]:
    """Every table of the workspace, judgments applied, scored and reviewed by the library."""
    keyed: list[tuple[int, int, Evaluation]] = []
    for u, upload in enumerate(workspace.uploads):
        for t, evaluation in enumerate(upload.evaluations):
            for (ju, jt, position), judgment in workspace.judgments.items():
                if (ju, jt) == (u, t):
                    evaluation = with_judgment(evaluation, position, judgment)
            keyed.append((u, t, evaluation))
    results = check_evaluations([evaluation for _, _, evaluation in keyed], ruleset)
    tables: list[Table] = []
    for (u, t, evaluation), result in zip(keyed, results):
        by_index: dict[int | None, list[Finding]] = {}
        for finding in result.findings:
            by_index.setdefault(finding.index, []).append(finding)
        positions = {id(view.result): k for k, view in enumerate(table_view(evaluation, result).lines)}
        rows = []
        for line in result.lines:
            position = positions.get(id(line))
            key = (u, t, position)
            entered = workspace.judgments.get(key) if position is not None else None
            judgeable = (position is not None and line.weight is not None
                         and (line.status in (Status.NEEDS_JUDGMENT, Status.JUDGED) or entered is not None))
            rows.append(Row(line, position, by_index.get(line.index, []), judgeable, entered,
                            workspace.line_notes.get(key) if position is not None else None))
        tables.append(Table(f"{u}-{t}", u, t, workspace.uploads[u].name, evaluation, result, rows))
    return tables


def _file_report(upload: Upload, tables: list[Table]) -> Any:
    """One uploaded file as a ``scoring.batch.FileReport``, the rows the findings workbook is built from.

    The same rows ``scoring.batch.score_file`` makes, but from the tables as judged on the page
    (``score_file`` reads a path and could not carry the judgments).
    """
    from scoring.batch import FileReport, summary_extras  # the figures ``batch`` adds beside the contract fields
    from scoring.reports.json_report import evaluation_to_dict

    report = FileReport(file=upload.name)
    for problem in upload.problems:
        entry = {"source": str(problem.source), "message": problem.message}
        (report.targets if problem in upload.targets else report.problems).append(entry)
    for table in tables:
        item = evaluation_to_dict(table.result)
        item.update(summary_extras(table.result))
        item["unit"] = table.evaluation.unit or table.evaluation.department
        report.evaluations.append(item)
    return report


# --- the web application ---------------------------------------------------------------------------------

def create_app(settings: Settings | None = None) -> Any:
    """The Starlette application of ``perfscore serve`` (also what the tests drive).

    Routes: ``GET /`` the empty page; ``POST /upload`` a new workspace from uploaded files;
    ``GET /s/{id}`` the workspace; ``POST /s/{id}/upload`` add files and/or choose or upload a rule set;
    ``POST /s/{id}/judge`` enter or withdraw a judgment; ``GET /s/{id}/export.xlsx``,
    ``/findings.xlsx`` and ``/score.json`` the downloads; ``/static`` the page's CSS and JavaScript.
    """
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.datastructures import FormData, UploadFile
    from starlette.formparsers import MultiPartException, MultiPartParser
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.requests import Request
    from starlette.responses import JSONResponse, RedirectResponse, Response
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles
    from starlette.templating import Jinja2Templates

    settings = settings or Settings(ruleset=get_ruleset("standard"))
    store = Store()
    templates = Jinja2Templates(directory=str(WEB / "templates"))
    templates.env.filters["n"] = lambda value: "—" if value is None else fmt2(value)
    templates.env.filters["p"] = fmt_points
    templates.env.filters["problem"] = format_problem
    templates.env.globals.update(STATUS_TEXT=STATUS_TEXT, Status=Status, Severity=Severity)
    startup_choice = settings.rules_label if settings.rules_label in builtin_names() else "@startup"

    class InMemoryParser(MultiPartParser):
        # Files stay in memory (the body was already limited), never in a spooled file on disk.
        spool_max_size = settings.max_upload_bytes + FORM_OVERHEAD

    builtins = [{"value": name, "label": f"{name}：{get_ruleset(name).description}"} for name in builtin_names()]

    def rule_options(workspace: Workspace | None) -> list[dict[str, str]]:
        options = list(builtins)
        if startup_choice == "@startup":
            options.insert(0, {"value": "@startup",
                               "label": f"启动时指定的规则集文件（{settings.rules_label}）：{settings.ruleset.name}"})
        if workspace is not None and workspace.uploaded_rules is not None:
            options.append({"value": "@upload", "label": f"上传的规则集文件（{workspace.uploaded_rules_name}）："
                                                          f"{workspace.uploaded_rules.name}"})
        return options

    def page(request: Request, workspace: Workspace | None, status_code: int = 200,
             errors: Iterable[str] = ()) -> Response:
        ruleset = workspace_rules(workspace, settings) if workspace else settings.ruleset
        tables = score_workspace(workspace, ruleset) if workspace else []
        messages = list(errors)
        if workspace is not None:
            with store.lock:  # shown once
                messages = workspace.messages + messages
                workspace.messages = []
                workspace.line_notes = {}
        context = {
            "workspace": workspace, "tables": tables, "ruleset": ruleset, "messages": messages,
            "rule_options": rule_options(workspace),
            "choice": workspace.rules_choice if workspace else startup_choice,
            "settings": settings, "tiers": ruleset.tiers,
            "bad_uploads": [upload for upload in (workspace.uploads if workspace else []) if upload.problems],
            "notices": [n for upload in (workspace.uploads if workspace else []) for n in upload.notices],
        }
        response = templates.TemplateResponse(request, "page.html", context, status_code=status_code)
        response.headers["Cache-Control"] = "no-store"
        return response

    def missing(request: Request) -> Response:
        response = templates.TemplateResponse(request, "missing.html", {"settings": settings}, status_code=404)
        return response

    def foreign(request: Request) -> bool:
        """A form posted from another web site (the Origin names another host): refused."""
        origin = request.headers.get("origin")
        if not origin or origin == "null":
            return False
        return (urlsplit(origin).hostname or "") not in settings.allowed_hosts

    def posted_to(request: Request) -> tuple[Any, Response | None]:
        """The workspace a form is posted to, or the response that refuses the post: an unknown
        workspace (404) or a form from another web site (403)."""
        workspace = store.get(request.path_params["id"])
        if workspace is None:
            return None, missing(request)
        if foreign(request):
            return None, Response(_FOREIGN_REFUSED, status_code=403)
        return workspace, None

    async def read_form(request: Request) -> FormData:
        """The posted form, with files in memory; over the limit raises :class:`UploadRefused`."""
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

        async def replay():
            yield bytes(body)

        try:
            form = await InMemoryParser(request.headers, replay(), max_files=500, max_fields=50).parse()
        except MultiPartException:
            raise UploadRefused("上传的内容不完整或格式不对，请重新选择文件上传", 400) from None
        total = sum(item.size or 0 for _, item in form.multi_items() if isinstance(item, UploadFile))
        if total > settings.max_upload_bytes:
            await form.close()
            raise UploadRefused(f"上传的文件共 {size_text(total)}，{limit_text}")
        return form

    async def take_upload(workspace: Workspace, form: FormData) -> str:
        """Read the files and the rule file of a posted form into ``workspace``.

        Returns the page's anchor to show next: the first new table, the problems, or nothing.
        """
        files: list[tuple[str, bytes]] = []
        for item in form.getlist("files"):
            if isinstance(item, UploadFile) and item.filename:
                files.append((item.filename, await item.read()))
        rules_item = form.get("rules_file")
        rules_upload = None
        if isinstance(rules_item, UploadFile) and rules_item.filename:
            rules_upload = (rules_item.filename, await rules_item.read())
        chosen = form.get("rules")
        await form.close()

        def work() -> None:
            with tempfile.TemporaryDirectory(prefix="perfscore-web-") as folder:
                with store.lock:
                    taken = workspace.taken_names()
                    named = []
                    for filename, data in files:
                        name = display_name(filename, taken)
                        taken.add(name)
                        named.append((name, data))
                uploads = [read_upload(Path(folder), k, name, data, settings.max_cells)
                           for k, (name, data) in enumerate(named)]
                loaded = read_rules_file(Path(folder), *rules_upload) if rules_upload else None
            with store.lock:
                first = len(workspace.uploads)
                workspace.uploads.extend(uploads)
                found = next((k for k, upload in enumerate(uploads, first) if upload.evaluations), None)
                if first == 0:
                    pass  # a new workspace opens at the top, where the totals are
                elif found is not None:
                    anchor.append(f"#table-{found}-0")
                elif any(upload.problems for upload in uploads):
                    anchor.append("#problems")
                if isinstance(chosen, str) and chosen in {o["value"] for o in rule_options(workspace)}:
                    workspace.rules_choice = chosen
                if loaded is not None:
                    ruleset, problems = loaded
                    if ruleset is not None:
                        workspace.uploaded_rules, workspace.uploaded_rules_name = ruleset, rules_upload[0]
                        workspace.rules_choice = "@upload"
                    else:
                        workspace.messages.append(f"规则集文件“{rules_upload[0]}”有错误，未采用：")
                        workspace.messages.extend(format_problem(p) for p in problems)

        anchor: list[str] = []
        await run_in_threadpool(work)
        return anchor[0] if anchor else ""

    async def index(request: Request) -> Response:
        return page(request, None)

    async def upload_new(request: Request) -> Response:
        if foreign(request):
            return Response(_FOREIGN_REFUSED, status_code=403)
        try:
            form = await read_form(request)
        except UploadRefused as exc:
            return page(request, None, status_code=exc.status, errors=[str(exc)])
        workspace = store.new(startup_choice)
        anchor = await take_upload(workspace, form)
        return RedirectResponse(f"/s/{workspace.id}{anchor}", status_code=303)

    def in_workspace(sync: Callable[[Request, Any], Response]) -> Callable[[Request], Any]:
        """A route that finds the workspace named in the URL and runs ``sync`` off the event loop."""

        async def route(request: Request) -> Response:
            workspace = store.get(request.path_params["id"])
            if workspace is None:
                return missing(request)
            return await run_in_threadpool(sync, request, workspace)

        return route

    show = in_workspace(page)

    async def upload_more(request: Request) -> Response:
        workspace, refused = posted_to(request)
        if refused is not None:
            return refused
        try:
            form = await read_form(request)
        except UploadRefused as exc:
            return await run_in_threadpool(page, request, workspace, exc.status, [str(exc)])
        anchor = await take_upload(workspace, form)
        return RedirectResponse(f"/s/{workspace.id}{anchor}", status_code=303)

    async def judge(request: Request) -> Response:
        workspace, refused = posted_to(request)
        if refused is not None:
            return refused
        form = await request.form()
        table, line = str(form.get("table", "")), str(form.get("line", ""))
        try:
            u, t = (int(part) for part in table.split("-"))
            position = int(line)
            evaluation = workspace.uploads[u].evaluations[t]
            evaluation.lines()[position]
            if min(u, t, position) < 0:
                raise IndexError
        except (ValueError, IndexError):
            return Response("没有这一行：请刷新页面后再试", status_code=400, media_type="text/plain; charset=utf-8")
        key = (u, t, position)
        tier, score_text, reason = (str(form.get(name, "")).strip() for name in ("tier", "score", "reason"))
        with store.lock:
            if form.get("action") == "clear":
                workspace.judgments.pop(key, None)
            elif not tier and not score_text:
                workspace.line_notes[key] = "请选择评价档次，或填写得分"
            elif not reason:
                workspace.line_notes[key] = "请填写判断理由（会写入导出的工作簿）"
            else:
                try:
                    workspace.judgments[key] = Judgment(tier=tier or None, score=score_text or None, reason=reason)
                except ValidationError as exc:
                    workspace.line_notes[key] = "；".join(_judgment_message(error) for error in exc.errors())
        return RedirectResponse(f"/s/{workspace.id}#line-{table}-{position}", status_code=303)

    def download(workspace: Workspace, data: bytes, stem: str, suffix: str, media_type: str) -> Response:
        names = [upload.name for upload in workspace.uploads if upload.evaluations]
        base = f"{Path(names[0]).stem}-{stem}" if len(names) == 1 else f"perfscore-{stem}"
        header = f"attachment; filename=\"perfscore{suffix}\"; filename*=UTF-8''{quote(base + suffix)}"
        return Response(data, media_type=media_type, headers={"Content-Disposition": header,
                                                              "Cache-Control": "no-store"})

    def nothing_to(request: Request, workspace: Workspace, what: str) -> Response:
        return page(request, workspace, 409, [f"没有读到任何自评表，无法{what}：请先上传能读取的 .xlsx 或 .yaml 文件"])

    def export_sync(request: Request, workspace: Workspace) -> Response:
        from scoring.reports.workbook import Mode, WriteError, workbook_bytes

        ruleset = workspace_rules(workspace, settings)
        tables = score_workspace(workspace, ruleset)
        if not tables:
            return nothing_to(request, workspace, "导出评分工作簿")
        try:
            data = workbook_bytes([t.evaluation for t in tables], [t.result for t in tables],
                                  mode=Mode.SCORED, rules=ruleset.name)
        except WriteError as exc:
            return page(request, workspace, 500, [f"无法导出评分工作簿：{exc}"])
        return download(workspace, data, "评分", ".xlsx",
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    def findings_sync(request: Request, workspace: Workspace) -> Response:
        from scoring.reports.batch_workbook import SummaryBook

        tables = score_workspace(workspace, workspace_rules(workspace, settings))
        book = SummaryBook()
        for u, upload in enumerate(workspace.uploads):
            book.add(_file_report(upload, [t for t in tables if t.upload == u]))
        with tempfile.TemporaryDirectory(prefix="perfscore-web-") as folder:
            path = Path(folder) / "findings.xlsx"
            book.write(path)
            data = path.read_bytes()
        return download(workspace, data, "发现", ".xlsx",
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    def json_sync(workspace: Workspace) -> Response:
        from scoring.reports.json_report import report_to_dict

        tables = score_workspace(workspace, workspace_rules(workspace, settings))
        problems = [p for upload in workspace.uploads for p in upload.problems]
        response = JSONResponse(report_to_dict([t.result for t in tables], problems))
        names = [upload.name for upload in workspace.uploads if upload.evaluations]
        base = f"{Path(names[0]).stem}-评分" if len(names) == 1 else "perfscore-评分"
        response.headers["Content-Disposition"] = (f"attachment; filename=\"perfscore.json\"; "
                                                   f"filename*=UTF-8''{quote(base + '.json')}")
        return response

    export = in_workspace(export_sync)
    findings = in_workspace(findings_sync)
    score_json = in_workspace(lambda _request, workspace: json_sync(workspace))

    routes = [
        Route("/", index, methods=["GET"]),
        Route("/upload", upload_new, methods=["POST"]),
        Route("/s/{id}", show, methods=["GET"]),
        Route("/s/{id}/upload", upload_more, methods=["POST"]),
        Route("/s/{id}/judge", judge, methods=["POST"]),
        Route("/s/{id}/export.xlsx", export, methods=["GET"]),
        Route("/s/{id}/findings.xlsx", findings, methods=["GET"]),
        Route("/s/{id}/score.json", score_json, methods=["GET"]),
        Mount("/static", StaticFiles(directory=str(WEB / "static")), name="static"),
    ]
    # The Host check keeps another web site from reaching this server through DNS rebinding.
    app = Starlette(routes=routes, middleware=[Middleware(TrustedHostMiddleware,
                                                          allowed_hosts=list(settings.allowed_hosts))])
    app.state.store = store
    app.state.settings = settings
    return app


def _judgment_message(error: dict[str, Any]) -> str:
    """A Judgment validation error in the words the YAML reader uses (``得分应为数字，实际为“十分”``)."""
    cause = error.get("ctx", {}).get("error")
    text = str(cause) if cause is not None else error.get("msg", "")
    field_name = {"score": "得分", "tier": "档次", "reason": "理由"}.get(str(error["loc"][0]) if error["loc"] else "", "")
    return f"{field_name}{text}" if field_name and not text.startswith(field_name) else text


# --- the command ------------------------------------------------------------------------------------------

@click.command("serve")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="端口（只在本机 127.0.0.1 上监听；0 表示任选一个空闲端口）。")
@click.option("--rules", "rules_name", default="standard", show_default=True,
              help="默认规则集：内置名称或规则集文件（网页上还可以另选或上传）。")
@click.option("--max-upload-mb", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_MAX_UPLOAD_MB,
              show_default=True, help="一次上传的文件合计大小上限（MB）。")
@click.option("--max-cells", type=click.IntRange(min=1), default=DEFAULT_MAX_CELLS, show_default=True,
              help="一个工作簿最多的单元格数（所有工作表合计），超过的拒绝读取。")
def serve_command(port: int, rules_name: str, max_upload_mb: float, max_cells: int) -> None:
    """在本机启动网页：上传自评表（.xlsx / .yaml），逐行查看得分和扣分理由，填写评价判断，下载评分工作簿。

    只在 127.0.0.1 上监听，不会打开浏览器，也不会把文件传到别处；上传的文件只在内存和请求期间的临时文件夹中，
    处理完即删除。按 Ctrl+C 停止。
    """
    import uvicorn

    ruleset = resolve_rules(rules_name)
    settings = Settings(ruleset=ruleset, rules_label=rules_name,
                        max_upload_bytes=int(Decimal(str(max_upload_mb)) * 1024 * 1024), max_cells=max_cells)
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
    sys.stdout.flush()
    config = uvicorn.Config(create_app(settings), log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])
