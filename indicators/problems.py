"""Where a value came from, problems in the user's input, and the exception root.

Problems in input are *data*: they are collected over a whole run and printed
together (``path:location: message``), so one run shows every mistake. Exceptions
are kept for misuse of the API and broken invariants.
"""

from __future__ import annotations

from typing import Iterable

from pydantic import BaseModel, ConfigDict

__all__ = ["Source", "Problem", "PerfscoreError", "InputError", "format_problem", "did_you_mean"]


class Source(BaseModel):
    """A place in an input file: ``file`` plus a YAML ``line`` or an xlsx ``sheet``/``cell``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str
    line: int | None = None
    sheet: str | None = None
    cell: str | None = None

    @property
    def location(self) -> str:
        """The place inside the file: ``'U1!F12'`` for a workbook, ``'w1.yaml:23'`` for YAML.

        YAML locations keep the file name, because a line number alone means
        nothing; a sheet name already identifies the place inside a workbook.
        """
        if self.sheet is not None:
            return f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        if self.line is not None:
            return f"{self.file}:{self.line}"
        return self.file

    def __str__(self) -> str:
        if self.sheet is not None:
            return f"{self.file}!{self.location}"
        return self.location


class Problem(BaseModel):
    """A mistake in the user's input, with where it is and what was expected (in Chinese)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: Source
    message: str


def did_you_mean(name: str, options: Iterable[str], verb: str = "写") -> str:
    """``'，是否想写“weight”？'`` for the closest option to ``name``, or ``''`` when none is close."""
    import difflib  # only a mistake needs it; not worth its import on every start-up

    guess = difflib.get_close_matches(name, list(options), n=1)
    return f"，是否想{verb}“{guess[0]}”？" if guess else ""


def format_problem(problem: Problem) -> str:
    """``path:location: message`` — one line a user can jump to."""
    return f"{problem.source}: {problem.message}"


class PerfscoreError(Exception):
    """Root of every exception perfscore raises on purpose."""


class InputError(PerfscoreError, ValueError):
    """Raised inside validators to carry a Chinese message for a bad value."""
