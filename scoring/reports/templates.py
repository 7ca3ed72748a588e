"""What a template holds: a blank table in a form, or the targets of a 绩效目标表 with nothing filled in yet."""

from __future__ import annotations

from indicators.model import Evaluation, Goal, Indicator, Kind, OverallTarget

__all__ = ["SKELETON", "blank_evaluation", "from_targets"]

#: The indicator groups of 财预〔2020〕10号's 项目支出绩效自评表, one empty line each (成本 under 产出).
SKELETON: tuple[tuple[str, str], ...] = (
    ("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"), ("产出指标", "成本指标"),
    ("效益指标", "经济效益指标"), ("效益指标", "社会效益指标"), ("效益指标", "生态效益指标"),
    ("效益指标", "可持续影响指标"), ("满意度指标", "服务对象满意度指标"),
)


def blank_evaluation(form: str, kind: str | None = None) -> Evaluation:
    """An empty table for ``form``: the standard 一级/二级指标 rows with no 三级指标 yet.

    Args:
        form: ``mof``, ``hubei-project`` or ``hubei-department``.
        kind: ``project`` or ``department``; by default department for the department form.
    """
    kind_ = Kind(kind or ("department" if form == "hubei-department" else "project"))
    lines = tuple(Indicator(level1=level1, level2=level2, name="") for level1, level2 in SKELETON)
    title = "部门整体支出绩效自评表" if kind_ is Kind.DEPARTMENT else ""
    if form == "hubei-department":
        return Evaluation(kind=kind_, title=title, goals=(Goal(name="年度目标1", indicators=lines),))
    return Evaluation(kind=kind_, title=title, indicators=lines)


def _clear(line: Indicator) -> Indicator:
    return line.model_copy(update={"actual": None, "recorded": None, "judgment": None, "deductions": (),
                                   "deviation_reason": None, "places": {}})


def from_targets(evaluation: Evaluation) -> Evaluation:
    """The table to fill in from a 绩效目标表: names, targets and 分值 kept; actuals and scores emptied.

    Works as well from last year's self-evaluation: whatever was filled in is left out.
    """
    update: dict[str, object] = {"recorded_total": None, "deviation_analysis": None, "improvement": None}
    if evaluation.goals:
        update["goals"] = tuple(goal.model_copy(update={"recorded": None,
                                                        "indicators": tuple(_clear(x) for x in goal.indicators)})
                                for goal in evaluation.goals)
    else:
        update["indicators"] = tuple(_clear(x) for x in evaluation.indicators)
    if evaluation.overall_target is not None:
        update["overall_target"] = OverallTarget(expected=evaluation.overall_target.expected)
    return evaluation.model_copy(update=update)
