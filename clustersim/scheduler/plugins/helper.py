"""Shared scoring helpers: ``pkg/scheduler/framework/plugins/helper/shape_score.go``."""

from __future__ import annotations

from collections.abc import Callable, Sequence

__all__ = ["broken_linear_function", "go_div"]


def go_div(a: int, b: int) -> int:
    """Go's integer division (truncates toward zero, unlike Python's ``//``)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def broken_linear_function(shape: Sequence[tuple[int, int]]) -> Callable[[int], int]:
    """``BuildBrokenLinearFunction``: piecewise-linear over (utilization, score), clamped at both ends."""

    def f(p: int) -> int:
        for i, (u, s) in enumerate(shape):
            if p <= u:
                if i == 0:
                    return shape[0][1]
                u0, s0 = shape[i - 1]
                return s0 + go_div((s - s0) * (p - u0), u - u0)
        return shape[-1][1]

    return f
