"""The one way a number enters perfscore, and the two ways it is rounded.

Money, rates and scores are ``Decimal`` throughout: a float cannot hold 0.1
exactly, and self-evaluation totals are checked to the cent by reviewers.

A score that comes out of a division (分值 × 实际/目标, 分值 × 执行率 …) is kept as an
exact :class:`~fractions.Fraction` until it is rounded, once, by :func:`round_half_up`
or :func:`truncate`: a Decimal quotient is cut at 28 digits, and multiplying the cut
ratio afterwards can move a score that is exactly x.xx5 below the tie (12.61 × 0.81 / 5.82
is exactly 1.755 → 1.76, but 12.61 × (0.81 / 5.82) gives 1.7549… → 1.75). :func:`exact`
turns a number already inside perfscore into a Fraction; text still enters through
:func:`D`.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import (ROUND_05UP, ROUND_DOWN, ROUND_HALF_UP, Context, Decimal, DivisionByZero, InvalidOperation, Overflow,
                     localcontext)
from fractions import Fraction

from .problems import PerfscoreError

__all__ = [
    "D",
    "Exact",
    "exact",
    "to_decimal",
    "NumberError",
    "ZERO",
    "HUNDRED",
    "CENT",
    "round_half_up",
    "truncate",
    "fmt2",
    "fmt_points",
    "fmt_amount",
]

ZERO = Decimal("0")
HUNDRED = Decimal("100")
CENT = Decimal("0.01")

# Digits grouped by thousands: "4,342.32", "1,716.51" (a full-width comma
# becomes "," under NFKC normalisation).
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


#: A number kept exact while a score is computed (a Decimal converts into it without loss).
Exact = Fraction


class NumberError(PerfscoreError, ValueError):
    """A text that should be a number is not one."""


def normalize_text(text: str) -> str:
    """Fold full-width digits, signs and spaces (NFKC) and trim the ends."""
    return unicodedata.normalize("NFKC", text).strip()


def D(value: object) -> Decimal:
    """Turn ``value`` into a ``Decimal`` without ever passing through float arithmetic.

    Accepts Decimal, int, str (full-width digits, thousands separators and
    surrounding spaces allowed) and float (converted through ``repr`` so that
    a cell value 3.0 becomes ``Decimal('3.0')``, not a binary expansion).

    Raises:
        NumberError: the value is not a finite number (``'十分'``, ``'abc'``,
            ``True``, ``None``, ``nan``).
    """
    if isinstance(value, bool) or value is None:
        raise NumberError(f"不是数字：{value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        text = normalize_text(value).replace(" ", "")
        if _GROUPED.match(text):
            text = text.replace(",", "")
        if not _PLAIN.match(text):
            raise NumberError(f"不是数字：{value!r}")
        try:
            result = Decimal(text)
        except InvalidOperation as exc:  # pragma: no cover - regex guards this
            raise NumberError(f"不是数字：{value!r}") from exc
    else:
        raise NumberError(f"不是数字：{value!r}")
    if not result.is_finite():
        raise NumberError(f"不是有限的数字：{value!r}")
    return result


def exact(value: Decimal | Fraction | int) -> Fraction:
    """``value`` as an exact Fraction, for arithmetic whose result is rounded later.

    Only numbers already inside perfscore are accepted (Decimal, int, Fraction): text
    and floats enter through :func:`D`, which refuses float arithmetic.

    Raises:
        NumberError: ``value`` is not a finite Decimal, an int or a Fraction.
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise NumberError(f"不是数字：{value!r}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise NumberError(f"不是有限的数字：{value!r}")
    return Fraction(value)


#: Contexts for rounding a Decimal, built once: ``quantize(context=…)`` is several times faster than
#: entering a ``localcontext`` per call, and rounding runs ~10 times for every scored line.
_TRAPS = [InvalidOperation, DivisionByZero, Overflow]  # the default context's
_CONTEXTS = {mode: Context(prec=28, rounding=mode, traps=_TRAPS) for mode in (ROUND_HALF_UP, ROUND_DOWN)}
_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(7)}


def _rounded(x: Decimal | Fraction | int, places: int, half_up: bool) -> Decimal:
    """``x`` at ``10**-places``: half away from zero (``half_up``) or toward zero; one rounding, exact."""
    if isinstance(x, bool):
        raise NumberError(f"不是数字：{x!r}")
    if isinstance(x, int):
        x = Decimal(x)
    if isinstance(x, Decimal):
        # A Decimal holds its value exactly, so quantize rounds it exactly — given the digits for it
        # (the default 28 would refuse 10**30 at 0.01).
        mode = ROUND_HALF_UP if half_up else ROUND_DOWN
        quantum = _QUANTA.get(places) or Decimal(1).scaleb(-places)
        digits = x.adjusted() + places + 2
        if digits <= 28:
            return x.quantize(quantum, context=_CONTEXTS[mode])
        return x.quantize(quantum, context=Context(prec=digits, rounding=mode, traps=_TRAPS))
    if not isinstance(x, Fraction):
        raise NumberError(f"不是数字：{x!r}")
    scaled = abs(x) * Fraction(10) ** places
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if half_up and 2 * rest >= scaled.denominator:
        whole += 1
    # Text to Decimal is exact whatever the context, and keeps the sign of a zero as quantize
    # would give it (-0.001 → Decimal('-0.00')).
    return Decimal(f"{'-' if x < 0 else ''}{whole}E-{places}")


def round_half_up(x: Decimal | Fraction | int, places: int = 2) -> Decimal:
    """Round ``x`` to ``places`` decimals, halves away from zero (四舍五入).

    A Fraction is rounded exactly (1.755 → 1.76 however it was computed); this is
    the one rounding a computed score goes through.
    """
    return _rounded(x, places, half_up=True)


def truncate(x: Decimal | Fraction | int, places: int = 2) -> Decimal:
    """Cut ``x`` to ``places`` decimals toward zero (去尾), exactly for a Fraction too."""
    return _rounded(x, places, half_up=False)


def to_decimal(x: Decimal | Fraction | int, digits: int = 28) -> Decimal:
    """An exact value as a Decimal to keep or show: exact when it fits in ``digits`` digits.

    Otherwise it is cut with ``ROUND_05UP`` (round to odd): an inexact result never ends in
    0 or 5, so rounding it again later to fewer places (``fmt2``, a cell's format) gives
    the same answer as rounding the exact value — no double-rounding error.
    """
    if isinstance(x, Decimal):
        return x
    value = exact(x)
    with localcontext() as context:
        context.prec, context.rounding = digits, ROUND_05UP
        return Decimal(value.numerator) / Decimal(value.denominator)


def fmt2(x: Decimal | Fraction) -> str:
    """Exactly two decimals, as the JSON contract and the forms print scores: ``'99.50'``."""
    return f"{round_half_up(x, 2):f}"


def fmt_points(x: Decimal | Fraction) -> str:
    """Points as a sentence says them: ``10``, ``0.5``, ``3.77`` (no trailing zeros)."""
    text = fmt2(x)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def fmt_amount(x: Decimal) -> str:
    """A money amount with thousands separators, as written on the forms: ``4,342.32``."""
    return f"{x:,f}"
