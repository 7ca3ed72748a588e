"""The glossary: English field names ↔ the Chinese terms printed on the forms.

Used for messages (``weight（分值）``), for Chinese keys accepted in YAML, and for
the README's glossary (a test keeps the two in step).
"""

from __future__ import annotations

#: English field name → the form's term.
FIELD_TERMS: dict[str, str] = {
    "kind": "类型（项目支出/部门整体支出）",
    "title": "表名",
    "document": "所属公开文件",
    "year": "年度",
    "department": "主管部门",
    "unit": "实施单位/计量单位",
    "details": "表头其他栏目",
    "funds": "预算执行情况",
    "label": "资金行名称",
    "initial_budget": "年初预算数",
    "budget": "全年预算数/预算数(A)",
    "executed": "全年执行数/执行数(B)",
    "rate": "执行率",
    "breakdown": "其中（资金来源分项）",
    "overall_target": "年度总体目标",
    "expected": "预期目标",
    "deviation_analysis": "偏差大或目标未完成原因分析",
    "improvement": "改进措施及结果应用方案",
    "recorded_total": "总分（表上所填）",
    "goals": "年度目标",
    "description": "目标内容",
    "indicators": "绩效指标",
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "三级指标/名称",
    "nature": "指标性质",
    "nature_sign": "指标性质（印成比较符）",
    "direction": "指标方向",
    "target": "年度指标值",
    "actual": "实际完成值/实际完成情况",
    "weight": "分值",
    "recorded": "得分（表上所填）",
    "deviation_reason": "偏差原因分析及改进措施",
    "deductions": "人工扣分",
    "points": "扣分分数",
    "reason": "原因",
    "judgment": "评价判断",
    "tier": "评价档次",
    "fraction": "得分比例",
    "score": "判断得分",
    "not_applicable": "不适用",
}

#: Chinese keys accepted in YAML, mapped to the English field.
KEY_ALIASES: dict[str, str] = {
    "类型": "kind", "表名": "title", "所属文件": "document", "项目名称": "title", "年度": "year", "主管部门": "department",
    "实施单位": "unit", "项目实施单位": "unit", "单位名称": "unit", "表头": "details",
    "预算执行情况": "funds", "项目资金": "funds", "年初预算数": "initial_budget", "全年预算数": "budget",
    "预算数": "budget", "全年执行数": "executed", "执行数": "executed", "执行率": "rate", "其中": "breakdown",
    "年度总体目标": "overall_target", "预期目标": "expected", "实际完成情况": "actual",
    "偏差大或目标未完成原因分析": "deviation_analysis", "改进措施及结果应用方案": "improvement",
    "改进措施": "improvement", "总分": "recorded_total", "年度目标": "goals", "目标内容": "description",
    "绩效指标": "indicators", "一级指标": "level1", "二级指标": "level2", "三级指标": "name", "名称": "name",
    "指标性质": "nature", "指标方向": "direction", "年度指标值": "target", "指标值": "target",
    "实际完成值": "actual", "计量单位": "unit", "分值": "weight", "得分": "recorded",
    "偏差原因": "deviation_reason", "偏差原因分析及改进措施": "deviation_reason", "人工扣分": "deductions",
    "扣分": "deductions", "分数": "points", "原因": "reason", "评价判断": "judgment", "档次": "tier",
    "比例": "fraction", "不适用": "not_applicable",
}


def term(field: str) -> str:
    """``'weight'`` → ``'weight（分值）'``; unknown names come back unchanged."""
    chinese = FIELD_TERMS.get(field)
    return f"{field}（{chinese}）" if chinese else field
