"""Step functions sampled on a scrape grid: what Prometheus would have stored scraping the run."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

__all__ = ["Series", "sample"]


@dataclass
class Series:
    """One label set: its value changes (times ascending), and while it exists (``start`` to ``end``)."""

    labels: dict[str, str]
    times: np.ndarray
    values: np.ndarray
    start: float
    end: float


def sample(s: Series, grid: np.ndarray) -> Iterator[tuple[float, float]]:
    """(time, value) at each grid time while the series exists and has a value (the last change at or before it)."""
    inside = grid[(grid >= s.start) & (grid < s.end)]
    if not len(inside) or not len(s.times):
        return
    idx = np.searchsorted(s.times, inside, side="right") - 1
    for t, i in zip(inside, idx, strict=True):
        if i >= 0:
            yield float(t), float(s.values[i])
