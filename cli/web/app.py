"""The Starlette application of ``perfscore serve``: routes only, over the workspaces and the library.

Routes: ``GET /`` the empty page; ``POST /upload`` a new workspace from uploaded files;
``GET /s/{id}`` the workspace; ``POST /s/{id}/upload`` add files and/or choose or upload a rule set;
``POST /s/{id}/judge`` enter or withdraw a judgment; ``POST /s/{id}/decide`` a reviewer's decision on a
finding (已核实 / 不采纳, with a reason) and ``POST /s/{id}/opinion`` a table's 复核意见, or their
withdrawal; ``GET /s/{id}/export.xlsx``, ``/findings.xlsx``, ``/score.json``, ``/decisions.yaml`` (the
decisions as ``check --decisions`` reads them) and ``/report/{table}.docx`` (a table's draft 自评报告)
the downloads; ``/static`` the page's CSS and JavaScript.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import urlsplit

from pydantic import ValidationError

from indicators.load import SUPPORTED_SUFFIXES
from indicators.model import Judgment
from indicators.numbers import fmt2, fmt_points
from indicators.problems import format_problem
from scoring.results import Severity, Status
from scoring.ruleset import get_ruleset

from ..errors import error_message
from ..render import STATUS_TEXT
from .settings import Settings
from .uploads import UploadRefused, read_form, read_small_form, take_upload
from .views import BadUpload, judgment_message, page_tables
from .downloads import decisions_download, export_download, findings_download, json_download
from .reviews import record_decision, record_opinion, report_download, text_response
from .workspaces import Store, Workspace, rule_options, startup_choice, workspace_rules

__all__ = ["create_app", "WEB"]

WEB = Path(__file__).resolve().parent
#: The answer to a form posted from another web site.
FOREIGN_REFUSED = "拒绝来自其他网站的请求"


def create_app(settings: Settings | None = None) -> Any:
    """The application (also what the tests drive); see the module for its routes."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, RedirectResponse, Response
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles
    from starlette.templating import Jinja2Templates

    settings = settings or Settings(ruleset=get_ruleset("standard"))
    from .state import StateFile

    store = Store(settings, StateFile(settings.state_path) if settings.state_path else None)
    templates = Jinja2Templates(directory=str(WEB / "templates"))
    templates.env.filters["n"] = lambda value: "—" if value is None else fmt2(value)
    templates.env.filters["p"] = fmt_points
    templates.env.filters["problem"] = format_problem
    templates.env.globals.update(STATUS_TEXT=STATUS_TEXT, Status=Status, Severity=Severity,
                                 ACCEPTED=",".join(SUPPORTED_SUFFIXES))

    def page(request: Request, workspace: Workspace | None, status_code: int = 200,
             errors: Iterable[str] = ()) -> Response:
        ruleset = workspace_rules(workspace, settings)
        messages = list(errors)
        files: list = []
        tables: list = []
        state = (workspace.version, id(ruleset), workspace.rules_choice) if workspace is not None else None
        if workspace is not None and not messages and not workspace.messages and not workspace.line_notes \
                and workspace.page_cache is not None and workspace.page_cache[0] == state:
            # Nothing changed and nothing is shown only once: the page as last rendered (no re-scoring,
            # no re-rendering of a large workspace on every view).
            return HTMLResponse(workspace.page_cache[1], headers={"Cache-Control": "no-store"})
        if workspace is not None:
            try:
                files = workspace.scored(ruleset)
            except Exception as exc:  # never a bare 500: the page says what went wrong
                messages.append(error_message(exc))
                status_code = 500
            with store.lock:  # messages and the notes beside lines are shown once
                tables = page_tables(workspace, files)
                messages = workspace.messages + messages
                workspace.messages = []
                workspace.line_notes = {}
        context = {
            "workspace": workspace, "tables": tables, "ruleset": ruleset, "messages": messages,
            "rule_options": rule_options(workspace, settings),
            "choice": workspace.rules_choice if workspace else startup_choice(settings),
            "settings": settings, "tiers": ruleset.tiers,
            "bad_uploads": [BadUpload(file.name, file.evaluations, file.problems + file.target_tables)
                            for file in files if file.problems or file.target_tables],
            "notices": [notice for file in files for notice in file.notices],
            "decision_notes": list(workspace.decision_notes) if workspace is not None else [],
        }
        response = templates.TemplateResponse(request, "page.html", context, status_code=status_code)
        response.headers["Cache-Control"] = "no-store"
        shown_once = messages or any(row.note for table in tables for row in table.rows)
        if workspace is not None and status_code == 200 and not shown_once:
            workspace.page_cache = (state, response.body)
        return response

    def missing(request: Request) -> Response:
        return templates.TemplateResponse(request, "missing.html", {"settings": settings}, status_code=404)

    def foreign(request: Request) -> bool:
        """A form posted from another web site (the Origin names another host): refused."""
        origin = request.headers.get("origin")
        if not origin:
            return False  # not sent by a browser's cross-site form (curl, scripts, old browsers)
        # "null" is what sandboxed frames, data: and file: pages send: never this page's own form.
        return origin == "null" or (urlsplit(origin).hostname or "") not in settings.allowed_hosts

    def posted_to(request: Request) -> tuple[Any, Response | None]:
        """The workspace a form is posted to, or the response that refuses the post: an unknown
        workspace (404) or a form from another web site (403)."""
        workspace = store.get(request.path_params["id"])
        if workspace is None:
            return None, missing(request)
        if foreign(request):
            return None, Response(FOREIGN_REFUSED, status_code=403)
        return workspace, None

    async def index(request: Request) -> Response:
        return page(request, None)

    async def upload_new(request: Request) -> Response:
        if foreign(request):
            return Response(FOREIGN_REFUSED, status_code=403)
        try:
            form = await read_form(request, settings)
        except UploadRefused as exc:
            return page(request, None, status_code=exc.status, errors=[error_message(exc)])
        workspace = store.new(startup_choice(settings))
        anchor = await take_upload(store, workspace, form, settings)
        return RedirectResponse(f"/s/{workspace.id}{anchor}", status_code=303)

    def in_workspace(sync: Callable[[Request, Any], Response]) -> Callable[[Request], Any]:
        """A route that finds the workspace named in the URL and runs ``sync`` off the event loop."""

        async def route(request: Request) -> Response:
            workspace = store.get(request.path_params["id"])
            if workspace is None:
                return missing(request)
            return await run_in_threadpool(sync, request, workspace)

        return route

    async def upload_more(request: Request) -> Response:
        workspace, refused = posted_to(request)
        if refused is not None:
            return refused
        try:
            form = await read_form(request, settings)
        except UploadRefused as exc:
            return await run_in_threadpool(page, request, workspace, exc.status, [error_message(exc)])
        anchor = await take_upload(store, workspace, form, settings)
        return RedirectResponse(f"/s/{workspace.id}{anchor}", status_code=303)

    async def posted_small_form(request: Request) -> tuple[Any, dict[str, str], Response | None]:
        """The workspace and the small form (a judgment, a decision) a post names, or the answer refusing it."""
        workspace, refused = posted_to(request)
        if refused is not None:
            return None, {}, refused
        try:
            return workspace, await read_small_form(request), None
        except UploadRefused as exc:
            return None, {}, text_response(error_message(exc), exc.status)

    async def judge(request: Request) -> Response:
        workspace, form, refused = await posted_small_form(request)
        if refused is not None:
            return refused
        table, line = form.get("table", ""), form.get("line", "")
        try:
            u, t = (int(part) for part in table.split("-"))
            position = int(line)
            if min(u, t, position) < 0:
                raise IndexError
            workspace.files[u].evaluations[t].lines()[position]
        except (ValueError, IndexError):
            return Response("没有这一行：请刷新页面后再试", status_code=400, media_type="text/plain; charset=utf-8")
        key = (u, t, position)
        tier, score_text, reason = (form.get(name, "").strip() for name in ("tier", "score", "reason"))
        with store.lock:
            if form.get("action") == "clear":
                workspace.judgments.pop(key, None)
                store.saved_judgment(workspace, key, None)
                workspace.changed()
            elif not tier and not score_text:
                workspace.line_notes[key] = "请选择评价档次，或填写得分"
            elif not reason:
                workspace.line_notes[key] = "请填写判断理由（会写入导出的工作簿）"
            else:
                try:
                    workspace.judgments[key] = Judgment(tier=tier or None, score=score_text or None, reason=reason)
                    store.saved_judgment(workspace, key, workspace.judgments[key])
                    workspace.changed()
                except ValidationError as exc:
                    workspace.line_notes[key] = "；".join(judgment_message(error) for error in exc.errors())
        return RedirectResponse(f"/s/{workspace.id}#line-{table}-{position}", status_code=303)

    def table_of(workspace: Workspace, key: str) -> tuple[Any, Any] | None:
        """The (evaluation, result) of the table ``u-t`` as the page shows it (scored, decisions applied)."""
        try:
            u, t = (int(part) for part in key.split("-"))
            if min(u, t) < 0:
                raise IndexError
            return workspace.scored(workspace_rules(workspace, settings))[u].tables[t]
        except (ValueError, IndexError):
            return None

    def small_post(record: Callable[..., Response]) -> Callable[[Request], Any]:
        """A route for a small reviewer's form (a decision, a 复核意见): checked, read, then recorded under the lock."""
        async def route(request: Request) -> Response:
            workspace, form, refused = await posted_small_form(request)
            if refused is not None:
                return refused

            def recorded() -> Response:
                with store.lock:
                    return record(store, workspace, table_of(workspace, form.get("table", "")), form)
            return await run_in_threadpool(recorded)
        return route

    def decisions_sync(request: Request, workspace: Workspace) -> Response:
        return decisions_download(workspace)

    def report_sync(request: Request, workspace: Workspace) -> Response:
        pair = table_of(workspace, request.path_params["table"])
        if pair is None:
            return missing(request)
        answer = report_download(*pair)
        if isinstance(answer, str):
            return page(request, workspace, 500, [answer])
        return answer

    def export_sync(request: Request, workspace: Workspace) -> Response:
        files = workspace.scored(workspace_rules(workspace, settings))
        answer = export_download(workspace, files, workspace_rules(workspace, settings).name)
        return page(request, workspace, *answer) if isinstance(answer, tuple) else answer

    def findings_sync(request: Request, workspace: Workspace) -> Response:
        return findings_download(workspace, workspace.scored(workspace_rules(workspace, settings)))

    def json_sync(request: Request, workspace: Workspace) -> Response:
        return json_download(workspace, workspace.scored(workspace_rules(workspace, settings)))

    routes = [
        Route("/", index, methods=["GET"]),
        Route("/upload", upload_new, methods=["POST"]),
        Route("/s/{id}", in_workspace(page), methods=["GET"]),
        Route("/s/{id}/upload", upload_more, methods=["POST"]),
        Route("/s/{id}/judge", judge, methods=["POST"]),
        Route("/s/{id}/decide", small_post(record_decision), methods=["POST"]),
        Route("/s/{id}/opinion", small_post(record_opinion), methods=["POST"]),
        Route("/s/{id}/decisions.yaml", in_workspace(decisions_sync), methods=["GET"]),
        Route("/s/{id}/report/{table}.docx", in_workspace(report_sync), methods=["GET"]),
        Route("/s/{id}/export.xlsx", in_workspace(export_sync), methods=["GET"]),
        Route("/s/{id}/findings.xlsx", in_workspace(findings_sync), methods=["GET"]),
        Route("/s/{id}/score.json", in_workspace(json_sync), methods=["GET"]),
        Mount("/static", StaticFiles(directory=str(WEB / "static")), name="static"),
    ]
    # The Host check keeps another web site from reaching this server through DNS rebinding.
    app = Starlette(routes=routes, middleware=[Middleware(TrustedHostMiddleware,
                                                          allowed_hosts=list(settings.allowed_hosts))])
    app.state.store = store
    app.state.settings = settings
    return app
