"""The user's own folders for what perfscore keeps between runs (no administrator rights needed)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["user_cache_dir"]


def user_cache_dir() -> Path:
    """perfscore's cache folder: ``%LOCALAPPDATA%\\perfscore\\Cache`` on Windows, ``~/Library/Caches/perfscore``
    on macOS, ``$XDG_CACHE_HOME/perfscore`` (``~/.cache/perfscore``) elsewhere. Not created here."""
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "perfscore" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "perfscore"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "perfscore"
