"""Writing an output file so that no reader ever sees half of it.

Every report perfscore writes (text, JSON, workbooks) goes to a temporary file in
the target folder and is moved into place with ``os.replace`` — atomic on the
same file system — so an interrupted or failed run leaves either the old file or
the complete new one, and no temporary file behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

__all__ = ["write_atomically", "default_file_mode"]


def default_file_mode() -> int:
    """The mode a new file gets under the user's umask (mkstemp's 0600 is not what they expect)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomically(path: str | Path, write: Callable[[str], None], suffix: str = ".tmp") -> None:
    """Call ``write(temporary_path)``, then move the finished file to ``path``.

    Raises:
        OSError: the folder is missing or not writable (the temporary file is removed);
            whatever ``write`` raises, after removing the temporary file.
    """
    folder = os.path.dirname(os.path.abspath(str(path)))
    fd, temp = tempfile.mkstemp(prefix=".perfscore-", suffix=suffix, dir=folder)
    os.close(fd)
    try:
        write(temp)
        os.chmod(temp, default_file_mode())
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise
