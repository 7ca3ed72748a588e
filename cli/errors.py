"""Errors turned into what an officer reads: one place for the commands and the web page.

Problems in the input are records (``indicators.problems.Problem``) and are listed by each
command. What is raised instead — a workbook that cannot be written, an upload refused, an
unknown rule set — derives from :class:`~indicators.problems.PerfscoreError` and carries its
Chinese message; anything else is perfscore's own failure and is said to be one.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any, NoReturn

import click


__all__ = ["error_message", "fail", "PerfscoreGroup", "DEBUG_VARIABLE"]

#: Set this environment variable to see the Python traceback of an internal error.
DEBUG_VARIABLE = "PERFSCORE_DEBUG"


def _ours(error: BaseException) -> bool:
    # Imported here: the group (and so ``perfscore --help``) starts without pydantic.
    from indicators.problems import PerfscoreError

    return isinstance(error, PerfscoreError)


def error_message(error: BaseException) -> str:
    """The Chinese sentence for ``error``: a :class:`PerfscoreError`'s own message, else an internal error's."""
    if _ours(error):
        return str(error)
    return f"perfscore 发生内部错误（{type(error).__name__}），请报告此问题"


def fail(message: str) -> NoReturn:
    """Print ``错误：message`` to stderr and exit 1."""
    click.echo(f"错误：{message}", err=True)
    sys.exit(1)


def _stop_cleanly_on_sigterm() -> None:
    """Make SIGTERM (``kill``, a service manager, a closing terminal) stop like Ctrl+C: as an exception,
    so every half-written temporary file is removed on the way out. SIGKILL cannot be caught: the
    next write into that folder sweeps what it left (``scoring.reports.atomic.sweep_stale``)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)


def _safe_on_any_console() -> None:
    """Output never stops on a character the console's encoding lacks (GBK on Chinese Windows, when
    redirected): such a character is written as ``\\uXXXX``. perfscore's own sentences use only
    characters GBK has (``tests/test_chinese.py`` checks), so this touches only unusual input text."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding not in ("utf8", "utf8sig", "") and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass


class PerfscoreGroup(click.Group):
    """The command group: an error that escapes a command becomes one Chinese line and exit 1, never a traceback.

    (PerfscoreError and the rest are told apart by :func:`error_message`.)"""

    def invoke(self, ctx: click.Context) -> Any:
        _stop_cleanly_on_sigterm()
        _safe_on_any_console()
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            # The reader went away (``perfscore … | head``): nothing is wrong; stop quietly. stdout now
            # points at devnull so that the interpreter's last flush does not raise again.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(1)
        except Exception as exc:
            click.echo(f"错误：{error_message(exc)}", err=True)
            if os.environ.get(DEBUG_VARIABLE):
                traceback.print_exc()
            elif not _ours(exc):
                click.echo(f"（设置环境变量 {DEBUG_VARIABLE}=1 可看到出错的详细位置）", err=True)
            sys.exit(1)
