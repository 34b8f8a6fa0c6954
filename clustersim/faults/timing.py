"""When faults happen: distributions of times to failure and to repair, drawn from the run's seed.

Names and parameters follow numpy's Generator: ``exponential`` (mean), ``weibull`` (shape k, scale),
``lognormal`` (median, sigma of the log), ``empirical`` (a list of observed durations, drawn with
replacement), ``fixed`` (value). All in seconds.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from clustersim.actors import ActorArgs
from clustersim.config.bounds import MAX_SECONDS, Period

__all__ = ["Distribution"]


class Distribution(ActorArgs):
    """A distribution of durations in seconds."""

    dist: Literal["exponential", "weibull", "lognormal", "empirical", "fixed"] = "exponential"
    # durations at least MIN_PERIOD_S: a failure/repair cycle of 1e-300 s would never let a run end
    mean: Period | None = Field(None, description="exponential: the mean.")
    shape: float | None = Field(None, ge=0.1, le=100, description="weibull: shape k.")
    scale: Period | None = Field(None, description="weibull: scale (s).")
    median: Period | None = Field(None, description="lognormal: the median, exp(mu).")
    sigma: float | None = Field(None, gt=0, le=10, description="lognormal: sigma of log-duration.")
    values: tuple[Period, ...] = Field((), max_length=1_000_000, description="empirical: observed durations (s).")
    value: Period | None = Field(None, description="fixed: the duration.")

    @model_validator(mode="after")
    def _params(self) -> Distribution:
        need = {"exponential": ("mean",), "weibull": ("shape", "scale"), "lognormal": ("median", "sigma"), "fixed": ("value",)}
        for p in need.get(self.dist, ()):
            if getattr(self, p) is None:
                raise ValueError(f"{p}: required for a {self.dist} distribution")
        if self.dist == "empirical":
            if not self.values:
                raise ValueError("values: an empirical distribution needs at least one value")
            if any(v <= 0 for v in self.values):
                raise ValueError("values: durations must be positive")
        return self

    def draw(self, rng: np.random.Generator) -> float:
        """One duration; a heavy tail's draw beyond MAX_SECONDS (far after any run's end) is MAX_SECONDS."""
        return min(self._draw(rng), MAX_SECONDS)

    def _draw(self, rng: np.random.Generator) -> float:
        if self.dist == "exponential":
            assert self.mean is not None
            return float(rng.exponential(self.mean))
        if self.dist == "weibull":
            assert self.shape is not None and self.scale is not None
            return float(self.scale * rng.weibull(self.shape))
        if self.dist == "lognormal":
            assert self.median is not None and self.sigma is not None
            return float(rng.lognormal(math.log(self.median), self.sigma))
        if self.dist == "empirical":
            return float(self.values[int(rng.integers(len(self.values)))])
        assert self.value is not None
        return float(self.value)

    def expected(self) -> float:
        """The mean duration."""
        if self.dist == "exponential":
            return float(self.mean or 0)
        if self.dist == "weibull":
            return float((self.scale or 0) * math.gamma(1 + 1 / (self.shape or 1)))
        if self.dist == "lognormal":
            return float((self.median or 0) * math.exp((self.sigma or 0) ** 2 / 2))
        if self.dist == "empirical":
            return float(np.mean(self.values))
        return float(self.value or 0)
