"""The experiment file's schema: axes, design, replications, precision, plots (pydantic, frozen, strict).

Validated as a whole: besides each field's range, an experiment may not contradict itself (two axes
setting one parameter, an axis and an override on one key, repeated axis values or labels, a time
window that ends before it starts, a precision cap below the replications), and may not be larger
than a sweep can finish. Loading an experiment file and checking its design points against the base
config is ``spec.py``'s.
"""

from __future__ import annotations

import json
import math
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, model_validator

from clustersim.config.bounds import Bounded, at_most

__all__ = ["MAX_POINTS", "MAX_REPLICATIONS", "MAX_RUNS", "RESERVED_COLUMNS", "Axis", "Design", "ExperimentSpec", "PlotSpec", "Precision"]


RESERVED_COLUMNS = ("run_id", "point", "replication", "seed", "error")


# a sweep of more runs than these cannot finish (at a run per second, a million runs take 12 days on one core)
MAX_REPLICATIONS = 10_000
MAX_POINTS = 100_000
MAX_RUNS = 1_000_000


class _Strict(Bounded):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Axis(_Strict):
    """One swept parameter: explicit ``values`` (grid, or sampled from), or a ``low``/``high`` range."""

    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", description="Column name of the parameter in results.")
    param: str | tuple[str, ...] = Field(description="Dotted config key(s) the value is written to (several keys get the same value).")
    values: tuple[Any, ...] | None = Field(None, min_length=1, description="Explicit values (any YAML value).")
    labels: tuple[str, ...] | None = Field(None, description="Display labels for `values` (for structured values such as lists).")
    low: float | None = Field(None, description="Range lower bound (random and lhs designs).")
    high: float | None = Field(None, description="Range upper bound.")
    log: bool = Field(False, description="Sample the range log-uniformly.")
    integer: bool = Field(False, description="Round sampled range values to integers.")

    @model_validator(mode="after")
    def _values_or_range(self) -> Axis:
        has_range = self.low is not None or self.high is not None
        if (self.values is None) == (not has_range):
            raise ValueError("values: give either values or low/high")
        if has_range:
            if self.low is None or self.high is None:
                raise ValueError("high: a range needs both low and high")
            if not self.low < self.high:
                raise ValueError(f"high: must be greater than low ({self.low})")
            if self.log and self.low <= 0:
                raise ValueError("low: a log range must be positive")
        if self.labels is not None and (self.values is None or len(self.labels) != len(self.values)):
            raise ValueError("labels: needs exactly one label per value")
        return self

    @model_validator(mode="after")
    def _distinct(self) -> Axis:
        """Each value (and label, and key) once: a repeated value would run the same point twice under two ids."""
        if len(set(self.params)) != len(self.params):
            raise ValueError(f"param: {next(p for p in self.params if self.params.count(p) > 1)} is given twice")
        seen: dict[str, int] = {}
        for i, v in enumerate(self.values or ()):
            key = json.dumps(v, sort_keys=True, default=str)
            if key in seen:
                raise ValueError(f"values: {v!r} appears twice (values.{seen[key]} and values.{i})")
            seen[key] = i
        for i, lab in enumerate(self.labels or ()):
            if (self.labels or ()).index(lab) != i:
                raise ValueError(f"labels: {lab!r} appears twice")
        return self

    @property
    def params(self) -> tuple[str, ...]:
        """The dotted keys this axis sets."""
        return (self.param,) if isinstance(self.param, str) else self.param

    def label(self, value: Any) -> Any:
        """A scalar to show for ``value`` (its label, or the value itself when it is a scalar)."""
        if self.labels is not None and self.values is not None:
            for v, lab in zip(self.values, self.labels, strict=True):
                if v == value:
                    return lab
        if isinstance(value, list | tuple | dict):
            return json.dumps(value, sort_keys=True)
        return value


class Design(_Strict):
    """How axis values combine into design points."""

    type: Literal["grid", "random", "lhs"] = Field("grid", description="grid: every combination of `values`; random or lhs (Latin hypercube): `samples` points.")
    samples: Annotated[int, Field(ge=1), at_most(MAX_POINTS, "design points")] | None = Field(None, description="Number of points for random and lhs designs.")
    seed: int = Field(0, ge=0, description="Seed of the sampled design (not of the runs).")

    @model_validator(mode="after")
    def _samples(self) -> Design:
        if self.type != "grid" and self.samples is None:
            raise ValueError(f"samples: required for a {self.type} design")
        if self.type == "grid" and self.samples is not None:
            raise ValueError("samples: only for random and lhs designs")
        return self


class Precision(_Strict):
    """Add replications until the 95% CI half-width of ``metric`` is at most ``half_width`` at every point."""

    metric: str
    half_width: float = Field(gt=0, le=1e15)
    max_replications: Annotated[int, Field(ge=2), at_most(MAX_REPLICATIONS, "replications")] = 50
    batch: Annotated[int, Field(ge=1), at_most(MAX_REPLICATIONS, "replications")] = Field(5, description="Replications added per round to points that are not precise enough.")


class PlotSpec(_Strict):
    """A figure of the report."""

    kind: Literal["metric_vs_axis", "cdf", "timeseries", "timeline"]
    metric: str | None = Field(None, description="Run metric (metric_vs_axis, cdf) or time-series metric (timeseries, default serving_ratio).")
    axis: str | None = Field(None, description="x axis (metric_vs_axis).")
    by: str | None = Field(None, description="One line or bar per value of this axis.")
    window_s: tuple[float, float] = Field((-60.0, 600.0), description="timeseries: seconds around the first fault.")

    @model_validator(mode="after")
    def _window(self) -> PlotSpec:
        if not self.window_s[0] < self.window_s[1]:
            raise ValueError(f"window_s: its start ({self.window_s[0]:g}) must be before its end ({self.window_s[1]:g})")
        return self


class ExperimentSpec(_Strict):
    """A sweep: ``base`` config plus ``overrides``, an ``axes`` design, ``replications`` seeds per point."""

    name: str = Field(pattern=r"^[a-z0-9][-a-z0-9_]*$", description="Folder name under results/.")
    description: str = ""
    base: str = Field(description="Base config, relative to the experiment file.")
    overrides: dict[str, Any] = Field(default_factory=dict, description="Dotted keys set on the base config for every run.")
    axes: tuple[Axis, ...] = Field((), description="Swept parameters.")
    design: Design = Design()
    replications: Annotated[int, Field(ge=1), at_most(MAX_REPLICATIONS, "replications")] = Field(5, description="Seeds per design point.")
    seed: int = Field(0, ge=0, description="Root seed; replication r uses the same seed at every point (common random numbers).")
    metrics: tuple[str, ...] = Field(("convergence_s", "availability_min"), min_length=1, description="Run metrics to aggregate.")
    precision: Precision | None = Field(None, description="Optional: add replications until intervals are narrow enough.")
    plots: tuple[PlotSpec, ...] = Field((), description="Report figures (default: each metric against each axis, CDF, time series, timeline).")

    @model_validator(mode="after")
    def _names(self) -> ExperimentSpec:
        seen: set[str] = set()
        from clustersim.sweep.metrics import AGGREGATE_METRICS

        for i, a in enumerate(self.axes):
            if a.name in RESERVED_COLUMNS or a.name in AGGREGATE_METRICS:
                raise ValueError(f"axes.{i}.name: {a.name!r} is reserved (a run column or metric name)")
            if a.name in seen:
                raise ValueError(f"axes.{i}.name: duplicate axis {a.name!r}")
            seen.add(a.name)
            if self.design.type == "grid" and a.values is None:
                raise ValueError(f"axes.{i}.values: a grid design needs values")
        for i, p in enumerate(self.plots):
            for field in ("axis", "by"):
                v = getattr(p, field)
                if v is not None and v not in seen:
                    raise ValueError(f"plots.{i}.{field}: unknown axis {v!r}")
            if p.kind == "metric_vs_axis" and p.axis is None:
                raise ValueError(f"plots.{i}.axis: metric_vs_axis needs an axis")
        return self


    @model_validator(mode="after")
    def _one_writer_per_key(self) -> ExperimentSpec:
        """No two axes write one config key (or a key inside another's); an axis may replace an override."""
        writers: list[tuple[str, str]] = []
        for i, a in enumerate(self.axes):
            for key in a.params:
                for other, who in writers:
                    if key == other:
                        raise ValueError(f"axes.{i}.param: {key} is also set by {who}")
                    if key.startswith(other + "."):
                        raise ValueError(f"axes.{i}.param: {key} is inside {other}, set by {who}")
                    if other.startswith(key + "."):
                        raise ValueError(f"axes.{i}.param: {key} contains {other}, set by {who}")
            writers += [(key, f"axes.{i}") for key in a.params]
        if self.precision is not None and self.precision.max_replications < self.replications:
            raise ValueError(f"precision.max_replications: {self.precision.max_replications} is below replications ({self.replications})")
        return self

    @model_validator(mode="after")
    def _size(self) -> ExperimentSpec:
        points = self.n_points()
        if points > MAX_POINTS:
            raise ValueError(f"axes: {points:,} design points, more than the limit of {MAX_POINTS:,}")
        reps = max(self.replications, self.precision.max_replications if self.precision else 0)
        if points * reps > MAX_RUNS:
            raise ValueError(f"replications: {points:,} points x {reps:,} replications = {points * reps:,} runs, "
                             f"more than the limit of {MAX_RUNS:,}")
        return self

    def n_points(self) -> int:
        """Design points (the grid's size is computed, not enumerated)."""
        if not self.axes:
            return 1
        if self.design.type != "grid":
            return self.design.samples or 0
        return math.prod(len(a.values or ()) for a in self.axes)
