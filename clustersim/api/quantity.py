"""Kubernetes resource quantities, parsed the way ``resource.Quantity`` parses them.

Upstream: ``staging/src/k8s.io/apimachinery/pkg/api/resource/quantity.go`` (``ParseQuantity``).
A quantity is ``<signed number><suffix>``, the suffix being a binary SI unit (``Ki`` .. ``Ei``), a
decimal SI unit (``n u m "" k M G T P E``) or a decimal exponent (``e3``, ``E-2``). ``MilliValue`` and
``Value`` round up to the next integer, so ``0.1m`` CPU is 1 millicore and ``1.5`` bytes is 2.
"""

from __future__ import annotations

import functools
import math
import re
from fractions import Fraction

__all__ = ["QuantityError", "cpu_millis", "parse_quantity", "to_int_value"]

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {
    "n": Fraction(1, 10**9),
    "u": Fraction(1, 10**6),
    "m": Fraction(1, 10**3),
    "": Fraction(1),
    "k": Fraction(10**3),
    "M": Fraction(10**6),
    "G": Fraction(10**9),
    "T": Fraction(10**12),
    "P": Fraction(10**15),
    "E": Fraction(10**18),
}
_RE = re.compile(
    r"^(?P<sign>[+-]?)(?P<num>\d+(?:\.\d*)?|\.\d+)"
    r"(?:(?P<exp>[eE][+-]?\d+)|(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$"
)


_MAX_LEN = 64  # resource.Quantity keeps at most 18 significant digits; longer text is not a real quantity
_MAX_EXP = 30


class QuantityError(ValueError):
    """A string that is not a valid Kubernetes quantity."""


def parse_quantity(value: str | int | float) -> Fraction:
    """Parse a quantity exactly (no float rounding) into a Fraction of base units.

    Args:
        value: ``"250m"``, ``"1.5"``, ``"2Gi"``, ``"1e3"``, or a plain YAML number.

    Raises:
        QuantityError: malformed text, or a non-finite number.
    """
    if isinstance(value, bool):
        raise QuantityError(f"quantity must be a number or string, not {value!r}")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise QuantityError(f"quantity {value!r} is not finite")
        return Fraction(str(value))
    return _parse_text(str(value))


@functools.lru_cache(maxsize=8192)
def _parse_text(text: str) -> Fraction:
    """``parse_quantity`` of a string (kept: a config spells the same few quantities thousands of times;
    a Fraction is immutable, so sharing it is safe)."""
    value, text = text, text.strip()
    m = _RE.match(text) if len(text) <= _MAX_LEN else None
    if m is None:
        shown = repr(value) if len(text) <= _MAX_LEN else f"{text[:20]!r}... ({len(text)} characters)"
        raise QuantityError(f"not a quantity: {shown} (a number with an optional suffix: m, k, M, G, T, Ki, Mi, Gi, Ti, or an exponent like e3)")
    number = Fraction(m.group("num"))
    if m.group("exp"):
        exp = int(m.group("exp")[1:])
        if abs(exp) > _MAX_EXP:  # 10**1e9 would never finish
            raise QuantityError(f"quantity {value!r}: exponent out of range (at most e{_MAX_EXP})")
        number *= Fraction(10) ** exp
    else:
        suffix = m.group("suffix") or ""
        number *= _BINARY[suffix] if suffix in _BINARY else _DECIMAL[suffix]
    return -number if m.group("sign") == "-" else number


def _ceil(q: Fraction) -> int:
    return -((-q.numerator) // q.denominator)


def cpu_millis(value: str | int | float) -> int:
    """CPU quantity to millicores, rounding up as ``Quantity.MilliValue`` does."""
    return _ceil(parse_quantity(value) * 1000)


def to_int_value(value: str | int | float) -> int:
    """Quantity to whole base units (bytes, counts), rounding up as ``Quantity.Value`` does."""
    return _ceil(parse_quantity(value))
