"""What reading one input gives, whatever its format."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from .model import Evaluation
from .problems import Problem

__all__ = ["LoadResult", "TARGET_TABLE_MESSAGE"]

#: Said of a 绩效目标表 met where a self-evaluation table was expected.
TARGET_TABLE_MESSAGE = "这是绩效目标表（只有指标值，没有实际完成值），还不能评分"


class LoadResult(BaseModel):
    """Evaluations read from one input, and every problem met while reading it."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    evaluations: tuple[Evaluation, ...] = ()
    problems: tuple[Problem, ...] = ()
    #: Things worth a look that do not stop scoring (a value read from a hidden column).
    notices: tuple[Problem, ...] = ()
    #: 绩效目标表 found (targets, no actuals): they cannot be scored yet.
    target_tables: tuple[Problem, ...] = ()
