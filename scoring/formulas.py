"""The formula sandbox: rule-set formulas as simpleeval expressions over Decimal.

A formula is checked when its rule set loads — syntax, every name, every
construct — so a mistake is reported with its file:line before any table is
scored. Only numbers and the documented names reach a formula (never an object
with methods); number literals become Decimal (``0.5`` is exactly one half);
attribute access, subscripts, strings, lambdas and imports are refused by the
check, and simpleeval (≥ 1.0.8) evaluates what is left with its own limits.
"""

from __future__ import annotations

import ast
import operator
from dataclasses import dataclass
from decimal import Decimal, DecimalException, InvalidOperation

from simpleeval import SimpleEval

from indicators.numbers import round_half_up, truncate
from indicators.problems import PerfscoreError, did_you_mean

__all__ = ["FormulaError", "Formula", "NAMES", "FUNCTIONS", "compile_formula", "evaluate"]

#: Names a formula may use, with the Chinese aliases officers write.
NAMES: dict[str, str] = {
    "weight": "分值", "分值": "分值",
    "target": "年度指标值", "目标": "年度指标值", "指标值": "年度指标值",
    "actual": "实际完成值", "实际": "实际完成值", "实际值": "实际完成值",
    "ratio": "实际完成值/年度指标值", "完成率": "实际完成值/年度指标值",
    "lower": "区间下限", "upper": "区间上限",
    "rate": "执行率（小数，如0.9532）", "执行率": "执行率（小数，如0.9532）",
    "budget": "预算数", "预算数": "预算数", "executed": "执行数", "执行数": "执行数",
    "late_days": "逾期天数", "late_months": "逾期月数",
}
#: The canonical name behind each alias, so values are passed once.
CANONICAL: dict[str, str] = {
    "分值": "weight", "目标": "target", "指标值": "target", "实际": "actual", "实际值": "actual",
    "完成率": "ratio", "执行率": "rate", "预算数": "budget", "执行数": "executed",
}
FUNCTIONS = {
    "min": min, "max": max, "abs": abs,
    "round_half_up": lambda x, places=0: round_half_up(Decimal(x), int(places)),
    "truncate": lambda x, places=0: truncate(Decimal(x), int(places)),
}
_MAX_EXPONENT = 100
_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.Mod, ast.FloorDiv, ast.USub, ast.UAdd, ast.Not,
              ast.And, ast.Or, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Call, ast.Name, ast.Load,
          ast.Constant) + _OPERATORS


class FormulaError(PerfscoreError, ValueError):
    """A formula that cannot be accepted or evaluated; the message is Chinese and quotes the formula."""


@dataclass(frozen=True)
class Formula:
    """A checked formula: its text and the names it uses."""

    text: str
    names: frozenset[str]


def _power(base: Decimal, exponent: Decimal) -> Decimal:
    if abs(exponent) > _MAX_EXPONENT:
        raise FormulaError(f"乘方的指数 {exponent} 太大（上限 {_MAX_EXPONENT}）")
    return base ** exponent


def _divide(a: Decimal, b: Decimal) -> Decimal:
    if b == 0:
        raise FormulaError("除数为 0")
    return a / b


class _DecimalEval(SimpleEval):
    """simpleeval with Decimal literals and Decimal-safe operators."""

    def __init__(self, names: dict[str, Decimal]) -> None:
        operators = {
            ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: _divide,
            ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: _power, ast.USub: operator.neg,
            ast.UAdd: operator.pos, ast.Not: operator.not_, ast.Eq: operator.eq, ast.NotEq: operator.ne,
            ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
        }
        super().__init__(operators=operators, functions=dict(FUNCTIONS), names=names)

    @staticmethod
    def _eval_constant(node: ast.Constant) -> Decimal:
        # repr gives the shortest text that reads back as the same float: what was typed.
        return Decimal(repr(node.value)) if not isinstance(node.value, Decimal) else node.value


def compile_formula(text: str, allowed: frozenset[str] | None = None) -> Formula:
    """Check a formula before any table is scored.

    Args:
        text: the expression, e.g. ``分值 * target / actual``.
        allowed: the names this case provides (all of :data:`NAMES` by default).

    Raises:
        FormulaError: a syntax error, an unknown name (with a suggestion), or a
            construct that is not allowed (attribute access, strings, lambdas …).
    """
    allowed = allowed if allowed is not None else frozenset(NAMES)
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("公式为空")
    if len(text) > 500:
        raise FormulaError("公式太长（上限 500 个字符）")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        where = f"（第 {exc.offset} 个字符附近）" if exc.offset else ""
        raise FormulaError(f"公式“{text}”语法错误{where}") from None
    names: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, _NODES):
            kind = type(node).__name__
            hint = {"Attribute": "属性访问（.xxx）", "Subscript": "下标（[...]）", "Lambda": "lambda",
                    "ListComp": "列表推导", "GeneratorExp": "生成器", "List": "列表", "Tuple": "元组",
                    "Dict": "字典", "Set": "集合", "JoinedStr": "格式化文字", "NamedExpr": "赋值"}.get(kind, kind)
            raise FormulaError(f"公式“{text}”中不允许使用{hint}：只能用数字、规定的名称、+ - * / ** 运算、"
                               f"比较、条件表达式和 min/max/abs/round_half_up/truncate")
        if isinstance(node, ast.Constant) and (isinstance(node.value, bool) or
                                               not isinstance(node.value, (int, float))):
            raise FormulaError(f"公式“{text}”中不允许出现文字或其他常量（{node.value!r}）：只能用数字")
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                name = node.func.id if isinstance(node.func, ast.Name) else "?"
                raise FormulaError(f"公式“{text}”调用了不允许的函数“{name}”；可用：{'、'.join(FUNCTIONS)}")
            if node.keywords:
                raise FormulaError(f"公式“{text}”中的函数不接受关键字参数")
        elif isinstance(node, ast.Name):
            parent_is_call = any(isinstance(p, ast.Call) and p.func is node for p in ast.walk(tree))
            if parent_is_call:
                continue
            if node.id not in allowed:
                raise FormulaError(f"公式“{text}”中有未知名称“{node.id}”{did_you_mean(node.id, sorted(allowed))}"
                                   f"（可用：{'、'.join(sorted(allowed))}）")
            names.add(node.id)
    return Formula(text=text.strip(), names=frozenset(names))


def evaluate(formula: Formula, values: dict[str, Decimal]) -> Decimal:
    """Evaluate a checked formula on Decimal values (keyed by canonical or Chinese name).

    Raises:
        FormulaError: the formula failed on these values (division by zero, a power
            too large, a result that is not a number).
    """
    names = {name: values[CANONICAL.get(name, name)] for name in formula.names if CANONICAL.get(name, name) in values}
    missing = [name for name in formula.names if name not in names]
    if missing:
        raise FormulaError(f"公式“{formula.text}”用到的“{'、'.join(missing)}”在这一行没有值")
    try:
        result = _DecimalEval(names).eval(formula.text)
    except FormulaError as exc:
        raise FormulaError(f"公式“{formula.text}”计算失败：{exc}") from None
    except (DecimalException, InvalidOperation, ArithmeticError, TypeError, ValueError) as exc:
        raise FormulaError(f"公式“{formula.text}”计算失败（{type(exc).__name__}）") from None
    except Exception as exc:  # simpleeval's own limits (NumberTooHigh, IterableTooLong, FeatureNotAvailable …)
        raise FormulaError(f"公式“{formula.text}”被拒绝（{type(exc).__name__}）") from None
    if isinstance(result, bool) or not isinstance(result, (Decimal, int)):
        raise FormulaError(f"公式“{formula.text}”的结果不是数字")
    result = Decimal(result)
    if not result.is_finite():
        raise FormulaError(f"公式“{formula.text}”的结果不是有限的数字")
    return result
