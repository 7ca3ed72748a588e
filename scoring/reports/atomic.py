"""Writing an output file so that no reader ever sees half of it, and nothing is left behind.

Every report perfscore writes (text, JSON, workbooks) goes to a temporary file in the target
folder and is moved into place with ``os.replace`` — atomic on the same file system — so an
interrupted or failed run leaves either the old file or the complete new one. The temporary
file is removed when the write fails or the process is asked to stop (SIGTERM, Ctrl+C); one
left by a process that was killed outright (SIGKILL, a power cut) carries that process's id in
its name and is swept away by the next write into the same folder once that process is gone.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path
from typing import Callable

from indicators.problems import PerfscoreError

__all__ = ["write_atomically", "default_file_mode", "WriteError", "os_message", "sweep_stale", "TEMP_PREFIX"]

#: Every temporary file perfscore writes starts with this, then the writing process's id.
TEMP_PREFIX = ".perfscore-"
_OURS = re.compile(re.escape(TEMP_PREFIX) + r"(\d+)-")
#: A temporary file this old is swept even if a process with its id runs (the id was reused).
STALE_AFTER_SECONDS = 24 * 3600


class WriteError(PerfscoreError):
    """An output cannot be written; the message is Chinese and says why."""


def os_message(exc: OSError, path: str | Path) -> str:
    """Why ``path`` could not be written, in Chinese."""
    if isinstance(exc, FileNotFoundError):
        return f"无法写入“{path}”：所在文件夹不存在"
    if isinstance(exc, PermissionError):
        return f"无法写入“{path}”：没有写入权限（或文件正被 Excel/WPS 打开）"
    if isinstance(exc, IsADirectoryError):
        return f"无法写入“{path}”：这是一个文件夹"
    return f"无法写入“{path}”：{exc.strerror or exc}"


def default_file_mode() -> int:
    """The mode a new file gets under the user's umask (mkstemp's 0600 is not what they expect)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process: assume alive
    return True


def sweep_stale(folder: str | Path) -> list[Path]:
    """Remove perfscore's temporary files in ``folder`` whose writing process is gone; returns what was removed."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = _OURS.match(entry.name)
        if not match or not entry.is_file(follow_symlinks=False):
            continue
        try:
            old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER_SECONDS
            if old or not _alive(int(match.group(1))):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def write_atomically(path: str | Path, write: Callable[[str], None], suffix: str = ".tmp") -> None:
    """Call ``write(temporary_path)``, then move the finished file to ``path``.

    Raises:
        WriteError: the folder is missing or not writable (the temporary file is removed), with
            the reason in Chinese; whatever ``write`` raises, after removing the temporary file.
    """
    folder = os.path.dirname(os.path.abspath(str(path)))
    sweep_stale(folder)
    try:
        fd, temp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=suffix, dir=folder)
    except OSError as exc:
        raise WriteError(os_message(exc, path)) from None
    os.close(fd)
    try:
        write(temp)
        os.chmod(temp, default_file_mode())
        os.replace(temp, path)
    except BaseException as exc:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError) and not isinstance(exc, PerfscoreError):
            raise WriteError(os_message(exc, path)) from None
        raise
