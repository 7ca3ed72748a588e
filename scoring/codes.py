"""The registry of finding codes: every code perfscore emits, its default severity and meaning.

A :class:`~scoring.results.Finding` is made with :func:`finding`, which takes the
severity from here, so a code that is not registered cannot be emitted (and a severity
the code is not declared with cannot either). ``docs/findings.md`` is generated from
this registry (:func:`catalogue`) and checked by a test.

Layers: ``engine`` codes are met while scoring a table (scoring/engine.py, weights.py);
``check`` codes come from the review checks (scoring/checks.py); ``pipeline`` codes are
emitted by the layer that runs readers, the engine and the checks over files and keeps a
failure inside one table.
"""

from __future__ import annotations

from dataclasses import dataclass

from indicators.problems import PerfscoreError, Source, did_you_mean

from .results import Finding, Severity

__all__ = ["Code", "CODES", "UnknownCode", "finding", "codes_of", "catalogue"]

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


class UnknownCode(PerfscoreError, KeyError):
    """A finding code that is not in :data:`CODES`, or a severity the code is not declared with."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Code:
    """One finding code: its default severity, the others it may take, its layer and its meaning (Chinese)."""

    code: str
    severity: Severity
    layer: str
    meaning: str
    also: tuple[Severity, ...] = ()

    @property
    def severities(self) -> tuple[Severity, ...]:
        return (self.severity,) + self.also


_LIST = [
    # --- engine ----------------------------------------------------------------------------------
    Code("unexplained_deduction", WARNING, "engine", "表上得分低于规则得分，且该行没有写偏差原因（无说明扣分）"),
    Code("recorded_below_rule", INFO, "engine", "表上得分低于规则得分，偏差原因里有说明，请核对"),
    Code("score_above_rule", WARNING, "engine", "按规则计分的行，表上得分高于规则得分（多给分）"),
    Code("nature_direction_conflict", WARNING, "engine", "指标性质与指标方向矛盾（如“正向”配“小于等于”），按指标性质计分"),
    Code("needs_judgment", WARNING, "engine", "该行需要评价人判断（定性指标没有判断、实际值无法读数等），未计入总分"),
    Code("weight_missing", ERROR, "engine", "某行没有分值，也无法由年度目标或一级、二级指标分配"),
    Code("weights_assigned", INFO, "engine", "表上没有分值，已按财预〔2020〕10号默认方案分配"),
    Code("deduction_not_applied", INFO, "engine", "单元格里写有“扣X分”，但视为对已计失分的说明，未重复扣除"),
    Code("deduction_unattached", INFO, "engine", "表级原因分析里写有“扣X分”，但无法确定对应哪一项指标"),
    Code("formula_failed", ERROR, "engine", "规则集的公式在这一行算不出来（如除以 0），该行需要评价人判断"),
    Code("formula_out_of_range", WARNING, "engine", "规则集的公式得分超出 0 到分值的范围，按边界计"),
    Code("rescaled", INFO, "engine", "不适用的指标剔除后，总分按百分制折算（规则集 not_applicable: rescale）"),
    Code("total_capped", INFO, "engine", "按规则集的执行率封顶，总分被降到封顶分数"),
    Code("rule_failed", ERROR, "engine", "计分规则在某一行发生内部错误（perfscore 的问题），该行需要评价人判断，表待定"),
    # --- review checks -----------------------------------------------------------------------------
    Code("judgment_out_of_range", ERROR, "check", "作为评价判断的得分（定性指标或无法读数的行上表上所填得分，或 YAML 中写明的判断得分）"
                                                 "不在 0 到分值之间"),
    Code("total_not_sum", WARNING, "check", "表上总分不等于表上各行得分之和（含预算执行率一行的得分）"),
    Code("total_differs", WARNING, "check", "表上总分与按规则计算的总分不同：差额全部来自已逐行列出的得分差异（或未完成的表上待判断的"
                                           "分值之内）时为提示，否则为警告", also=(INFO,)),
    Code("goal_total_not_sum", WARNING, "check", "年度目标的“合计”不等于其下各行表上得分之和"),
    Code("subtotal_mismatch", WARNING, "check", "声明的小计（`社会效益指标(30分)`、`产出指标（50分）`、`年度目标1(30分)` 或年度目标的 "
                                               "`weight`）不等于其下各行分值之和"),
    Code("weights_not_100", WARNING, "check", "全表分值（含预算执行率，不含不适用的行）合计不是 100 分"),
    Code("amount_not_money", WARNING, "check", "资金明细里该填金额的一栏印的不是金额（如 Q1 项目支出总额印作 `0%`）"),
    Code("breakdown_not_sum", WARNING, "check", "资金明细各行加起来不等于资金总额：资金来源的预算数、执行数（和年初预算数）须分别相等；"
                                               "支出类别（基本支出、项目支出）只需等于预算数或执行数之一"),
    Code("rate_mismatch", WARNING, "check", "表上印的执行率（资金总额行或明细行）与 执行数÷预算数 相差超过印出位数的四舍五入范围"),
    Code("over_executed", INFO, "check", "执行数高于预算数：预算执行率按满分计、不多给分，请核对"),
    Code("target_without_number", WARNING, "check", "指标性质为正向、反向或定量的行，年度指标值却没有数字"),
    Code("loss_unexplained", INFO, "check", "按规则（或评价判断）失分，但该行没有偏差原因、扣分说明或判断理由，表级原因分析中也没有提到"
                                           "该指标"),
    Code("actual_far_above_target", INFO, "check", "越高越好的指标，实际完成值比年度指标值高出 30% 以上（指标偏离），年度指标值可能"
                                                  "定得过低"),
    Code("actuals_equal_targets", INFO, "check", "全表（至少两行）可读数的实际完成值全部与年度指标值相同，可能是照抄，值得核对"),
    Code("header_mismatch", WARNING, "check", "同一文件的各表表头不一致（主管部门；项目支出表的实施单位），标出少数的一方"),
    Code("check_failed", ERROR, "check", "某项复核检查发生内部错误（perfscore 的问题），这张表的复核不完整，表待定"),
    # --- against the approved 绩效目标表 (perfscore compare, --targets on check and batch) ---------
    Code("plan_target_eased", ERROR, "compare", "自评表的年度指标值比绩效目标表批复的更容易达到（降低了目标）"),
    Code("plan_indicator_missing", WARNING, "compare", "绩效目标表批复的指标在自评表中找不到"),
    Code("plan_indicator_added", WARNING, "compare", "自评表中有绩效目标表没有批复的指标"),
    Code("plan_target_changed", WARNING, "compare", "自评表的年度指标值与绩效目标表不同（看不出是放宽还是收紧）"),
    Code("plan_weight_changed", WARNING, "compare", "自评表的分值与绩效目标表不同"),
    Code("plan_direction_changed", WARNING, "compare", "自评表的指标性质或方向与绩效目标表不同"),
    Code("plan_budget_changed", WARNING, "compare", "自评表的预算数与绩效目标表的资金总额不同"),
    Code("plan_not_found", WARNING, "compare", "找不到与这张自评表同名（同年度）的绩效目标表"),
    Code("plan_ambiguous", WARNING, "compare", "有不止一张绩效目标表与这张自评表同名，无法确定对照哪一张"),
    # --- the pipeline (emitted by the layer that runs readers, engine and checks) ------------------
    Code("table_failed", ERROR, "pipeline", "为这张表评分时发生内部错误（perfscore 的问题），这张表没有评分"),
]

#: code → its registration, in the catalogue's order.
CODES: dict[str, Code] = {code.code: code for code in _LIST}
assert len(CODES) == len(_LIST), "a finding code is registered twice"

_LAYERS = {"engine": "评分时发现（scoring/engine.py）", "check": "复核检查（scoring/checks.py）",
           "compare": "对照绩效目标表（perfscore compare、--targets）",
           "pipeline": "运行流程（一张表、一条规则或一项检查出错时）"}


def codes_of(layer: str) -> dict[str, Severity]:
    """The codes of one layer (``engine``, ``check``, ``compare``, ``pipeline``) with their default severity."""
    return {code.code: code.severity for code in _LIST if code.layer == layer}


def finding(code: str, message: str, *, severity: Severity | None = None, line: str | None = None,
            index: int | None = None, source: Source | None = None) -> Finding:
    """A finding with the registered default severity (or one of the others the code declares).

    Raises:
        UnknownCode: ``code`` is not registered, or ``severity`` is not one it is declared with.
    """
    entry = CODES.get(code)
    if entry is None:
        raise UnknownCode(f"未登记的发现代码“{code}”{did_you_mean(code, CODES, '用')}（见 scoring/codes.py）")
    chosen = entry.severity if severity is None else severity
    if chosen not in entry.severities:
        raise UnknownCode(f"发现代码“{code}”没有“{chosen.chinese}”级别（登记的是 "
                          f"{' / '.join(s.chinese for s in entry.severities)}）")
    return Finding(code=code, severity=chosen, message=message, line=line, index=index, source=source)


def catalogue() -> str:
    """docs/findings.md: every finding code with its severity and meaning, by layer (checked by a test)."""
    rows = ["# 发现（finding）代码", "",
            "`perfscore score` 和 `perfscore check` 报告的每一条发现都有一个代码。下表按来源列出全部代码、默认级别和含义。",
            "", "本文件由 `scoring/codes.py` 生成（`pytest --update-golden`），请勿手改。", ""]
    for layer, title in _LAYERS.items():
        rows += [f"## {title}", "", "| 代码 | 级别 | 含义 |", "|---|---|---|"]
        for code in _LIST:
            if code.layer == layer:
                levels = " / ".join(s.chinese for s in sorted(code.severities, key=lambda s: -s.rank))
                rows.append(f"| `{code.code}` | {levels} | {code.meaning} |")
        rows.append("")
    return "\n".join(rows)
