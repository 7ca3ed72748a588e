"""The one way a number enters perfscore, and the two ways it is rounded.

Money, rates and scores are ``Decimal`` throughout: a float cannot hold 0.1
exactly, and self-evaluation totals are checked to the cent by reviewers.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "D",
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


class NumberError(ValueError):
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


def round_half_up(x: Decimal, places: int = 2) -> Decimal:
    """Round ``x`` to ``places`` decimals, halves away from zero (四舍五入)."""
    return x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def truncate(x: Decimal, places: int = 2) -> Decimal:
    """Cut ``x`` to ``places`` decimals toward zero (去尾)."""
    return x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)


def fmt2(x: Decimal) -> str:
    """Exactly two decimals, as the JSON contract and the forms print scores: ``'99.50'``."""
    return f"{round_half_up(x, 2):f}"


def fmt_points(x: Decimal) -> str:
    """Points as a sentence says them: ``10``, ``0.5``, ``3.77`` (no trailing zeros)."""
    text = fmt2(x)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def fmt_amount(x: Decimal) -> str:
    """A money amount with thousands separators, as written on the forms: ``4,342.32``."""
    return f"{x:,f}"
