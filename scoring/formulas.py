"""The formula sandbox: rule-set formulas as simpleeval expressions over exact fractions.

A formula is checked when its rule set loads — syntax, every name, every
construct — so a mistake is reported with its file:line before any table is
scored. Only numbers and the documented names reach a formula (never an object
with methods); attribute access, subscripts, strings, lambdas and imports are
refused by the check, and simpleeval (≥ 1.0.8) evaluates what is left.

Arithmetic is exact: every value and every number literal is a
:class:`~fractions.Fraction` (a literal from its decimal text, so ``0.1`` is one
tenth and ``5.82`` is 582/100), and ``分值 * actual / target`` is the exact quotient
that the engine rounds once. The one operation that cannot be exact — a power with
a non-integer exponent — is computed with Decimal to 28 digits. Limits keep a
hostile formula cheap: exponents up to 100, number literals up to 10**100, and no
intermediate value with more than ~3,000 digits.
"""

from __future__ import annotations

import ast
import operator
from dataclasses import dataclass, field
from decimal import Decimal, DecimalException, InvalidOperation
from fractions import Fraction
from typing import Any, Callable

from simpleeval import SimpleEval

from indicators.numbers import exact, round_half_up, truncate
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
_MAX_EXPONENT = 100
#: the largest power of ten a number literal may carry (``1e100``; ``1e400`` is refused)
_MAX_LITERAL_EXPONENT = 100
#: the most bits a numerator or denominator may reach (about 3,000 decimal digits)
_MAX_BITS = 10_000
#: places ``round_half_up``/``truncate`` accept inside a formula
_MAX_PLACES = 10
_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.Mod, ast.FloorDiv, ast.USub, ast.UAdd, ast.Not,
              ast.And, ast.Or, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Call, ast.Name, ast.Load,
          ast.Constant) + _OPERATORS


class FormulaError(PerfscoreError, ValueError):
    """A formula that cannot be accepted or evaluated; the message is Chinese and quotes the formula."""


@dataclass(frozen=True)
class Formula:
    """A checked formula: its text, the names it uses and its parsed tree (literals already exact)."""

    text: str
    names: frozenset[str]
    tree: ast.expr | None = field(default=None, compare=False, hash=False, repr=False)


def _number(value: Any) -> Fraction:
    """A value inside a formula as a Fraction (a comparison's True/False counts 1/0, as in Python)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, (int, Decimal)):  # bool is an int
        return exact(int(value) if isinstance(value, bool) else value)
    raise FormulaError("参与运算的不是数字")


def _sized(value: Any) -> Any:
    """Refuse a value too large to be a score's intermediate (keeps a hostile formula cheap)."""
    if isinstance(value, Fraction) and max(value.numerator.bit_length(), value.denominator.bit_length()) > _MAX_BITS:
        raise FormulaError("中间结果太大")
    return value


def _arith(op: Callable[[Fraction, Fraction], Any]) -> Callable[[Any, Any], Any]:
    return lambda a, b: _sized(op(_number(a), _number(b)))


def _divide(a: Any, b: Any) -> Fraction:
    a, b = _number(a), _number(b)
    if b == 0:
        raise FormulaError("除数为 0")
    return _sized(a / b)


def _floor_divide(a: Any, b: Any) -> Fraction:
    # Decimal's meaning, kept from earlier versions: the quotient cut toward zero (-7 // 2 = -3).
    a, b = _number(a), _number(b)
    if b == 0:
        raise FormulaError("除数为 0")
    return Fraction(int(a / b))


def _modulo(a: Any, b: Any) -> Fraction:
    # Decimal's meaning: the remainder takes the sign of the dividend (-7 % 2 = -1).
    a, b = _number(a), _number(b)
    if b == 0:
        raise FormulaError("除数为 0")
    return a - b * int(a / b)


def _power(base: Any, exponent: Any) -> Fraction:
    base, exponent = _number(base), _number(exponent)
    if abs(exponent) > _MAX_EXPONENT:
        raise FormulaError(f"乘方的指数 {_shown(exponent)} 太大（上限 {_MAX_EXPONENT}）")
    if exponent.denominator == 1:
        bits = max(base.numerator.bit_length(), base.denominator.bit_length())
        if bits * abs(exponent.numerator) > _MAX_BITS:
            raise FormulaError("乘方的结果太大")
        if base == 0 and exponent < 0:
            raise FormulaError("除数为 0")
        return base ** exponent.numerator
    # A non-integer exponent has no exact result: Decimal to 28 digits (never float).
    result = (Decimal(base.numerator) / Decimal(base.denominator)) ** (
        Decimal(exponent.numerator) / Decimal(exponent.denominator))
    return _sized(exact(result))


def _shown(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else str(Decimal(value.numerator) / value.denominator)


def _places(places: Any) -> int:
    places = _number(places)
    if places.denominator != 1 or abs(places) > _MAX_PLACES:
        raise FormulaError(f"保留位数应是 -{_MAX_PLACES} 到 {_MAX_PLACES} 之间的整数")
    return int(places)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "min": min, "max": max, "abs": abs,
    # Exact: the rounding sees the exact value (1.755 → 1.76), and the result stays exact.
    "round_half_up": lambda x, places=0: exact(round_half_up(_number(x), _places(places))),
    "truncate": lambda x, places=0: exact(truncate(_number(x), _places(places))),
}


class _ExactEval(SimpleEval):
    """simpleeval over Fractions: exact operators, literals made exact when the formula was checked."""

    def __init__(self, names: dict[str, Fraction]) -> None:
        operators = {
            ast.Add: _arith(operator.add), ast.Sub: _arith(operator.sub), ast.Mult: _arith(operator.mul),
            ast.Div: _divide, ast.FloorDiv: _floor_divide, ast.Mod: _modulo, ast.Pow: _power,
            ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_, ast.Eq: operator.eq,
            ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
            ast.GtE: operator.ge,
        }
        super().__init__(operators=operators, functions=dict(FUNCTIONS), names=names)

    @staticmethod
    def _eval_constant(node: ast.Constant) -> Fraction:
        if isinstance(node.value, Fraction):
            return node.value
        return _number(node.value)  # pragma: no cover - compile_formula made every literal a Fraction


def _literal(text: str, node: ast.Constant) -> Fraction:
    """A number literal exactly as written: ``0.1`` is 1/10, not the float nearest to it."""
    value = node.value
    if isinstance(value, int):
        return Fraction(value)
    written = ast.get_source_segment(text, node) or repr(value)
    try:
        number = Decimal(written)
    except (InvalidOperation, ValueError):  # pragma: no cover - Python's float syntax is Decimal's
        number = Decimal(repr(value))
    if not number.is_finite() or (number != 0 and abs(number.adjusted()) > _MAX_LITERAL_EXPONENT):
        raise FormulaError(f"公式“{text}”中的数字“{written}”太大或太小")
    return Fraction(number)


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
    stripped = text.strip()
    try:
        tree = ast.parse(stripped, mode="eval")
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
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant):
            node.value = _literal(stripped, node)
    return Formula(text=stripped, names=frozenset(names), tree=tree.body)


def evaluate(formula: Formula, values: dict[str, Decimal | Fraction]) -> Fraction:
    """Evaluate a checked formula exactly on the line's values (keyed by canonical or Chinese name).

    Returns:
        The exact result; the engine rounds it once, as the rule set says.

    Raises:
        FormulaError: the formula failed on these values (division by zero, a power
            too large, a result that is not a number).
    """
    names = {name: exact(values[CANONICAL.get(name, name)]) for name in formula.names
             if CANONICAL.get(name, name) in values}
    missing = [name for name in formula.names if name not in names]
    if missing:
        raise FormulaError(f"公式“{formula.text}”用到的“{'、'.join(missing)}”在这一行没有值")
    tree = formula.tree if formula.tree is not None else compile_formula(formula.text).tree
    try:
        result = _ExactEval(names).eval(formula.text, previously_parsed=tree)
    except FormulaError as exc:
        raise FormulaError(f"公式“{formula.text}”计算失败：{exc}") from None
    except (DecimalException, InvalidOperation, ArithmeticError, TypeError, ValueError) as exc:
        raise FormulaError(f"公式“{formula.text}”计算失败（{type(exc).__name__}）") from None
    except Exception as exc:  # simpleeval's own limits (NumberTooHigh, IterableTooLong, FeatureNotAvailable …)
        raise FormulaError(f"公式“{formula.text}”被拒绝（{type(exc).__name__}）") from None
    if isinstance(result, bool) or not isinstance(result, (Fraction, int)):
        raise FormulaError(f"公式“{formula.text}”的结果不是数字")
    return Fraction(result)
