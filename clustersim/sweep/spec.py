"""Experiment files: a base config, overrides, axes, replications, metrics and plots.

An experiment is validated as a whole when it is loaded: every design point's config is built and
checked like a config file, so a bad axis value fails before the first run, naming the axis.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, ValidationError, model_validator

from clustersim.config.bounds import Bounded, at_most
from clustersim.config.errors import ConfigError, describe_validation_error
from clustersim.config.load import _apply, load_config, read_yaml
from clustersim.config.size import RunSize, run_size
from clustersim.util.strict_yaml import YAMLInputError, load_yaml

__all__ = ["Axis", "Design", "ExperimentSpec", "PlotSpec", "Precision", "is_experiment", "load_experiment"]


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


def _base_data(spec: ExperimentSpec, root: Path) -> dict[str, Any]:
    path = (root / spec.base).resolve()
    load_config(path)  # validates the base on its own, naming its file
    data: dict[str, Any] = read_yaml(path) or {}
    return data


class LoadedExperiment:
    """A validated experiment with its base config data and where it came from."""

    def __init__(self, spec: ExperimentSpec, source: str, base_data: dict[str, Any]) -> None:
        self.spec, self.source, self.base_data = spec, source, base_data
        self.n_points = 0
        self.base_path = source
        self.largest: RunSize | None = None  # the largest run of the design, per quantity

    def config_data(self, point: dict[str, Any]) -> dict[str, Any]:
        """The config mapping of one design point (base, overrides, then axis values)."""
        data = json.loads(json.dumps(self.base_data))
        for key, value in self.spec.overrides.items():
            _apply(data, key, value)
        for axis in self.spec.axes:
            if axis.name in point:
                for key in axis.params:
                    _apply(data, key, point[axis.name])
        return data

    def config_hash(self) -> str:
        """sha256 of the base config and the experiment, as run."""
        blob = json.dumps({"base": self.base_data, "spec": self.spec.model_dump(mode="json")}, sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()


def _larger(a: RunSize | None, b: RunSize) -> RunSize:
    if a is None:
        return b
    return RunSize(max(a.nodes, b.nodes), max(a.pods, b.pods), max(a.duration_s, b.duration_s))


def is_experiment(path: str | Path) -> bool:
    """True for a YAML mapping with a ``base`` key (an experiment rather than a config)."""
    try:
        data = load_yaml(path)
    except YAMLInputError:
        return False
    return isinstance(data, dict) and "base" in data


def load_experiment(path: str | Path, overrides: dict[str, Any] | None = None) -> LoadedExperiment:
    """Read and validate an experiment file; every design point's config is checked too.

    Raises:
        ConfigError: naming the file and field (``axes.1.values``, ``metrics.0``, ...).
    """
    from clustersim.sweep.design import design_points
    from clustersim.sweep.metrics import known_metrics

    source = str(path)
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise ConfigError(source, "", "top level must be a mapping")
    data.update(overrides or {})
    try:
        spec = ExperimentSpec.model_validate(data)
    except ValidationError as e:
        raise ConfigError(source, *describe_validation_error(e)) from None
    root = Path(path).parent
    if not (root / spec.base).is_file():
        raise ConfigError(source, "base", f"no such config {spec.base!r}")
    exp = LoadedExperiment(spec, source, _base_data(spec, root))
    exp.base_path = str((root / spec.base).resolve())  # relative paths inside the config resolve against it
    from clustersim.config.load import validate_dict

    points = design_points(spec)
    for key in spec.overrides:
        try:
            _apply(json.loads(json.dumps(exp.base_data)), key, spec.overrides[key])
        except ConfigError as e:
            raise ConfigError(source, f"overrides.{key}", e.message) from None
    first_cfg = None
    for point in points:
        try:
            cfg = validate_dict(exp.config_data(point), exp.base_path)
        except ConfigError as e:
            culprit = next((f"axes.{i}" for i, a in enumerate(spec.axes)
                            if any(e.field == k or e.field.startswith(k + ".") or k.startswith(e.field + ".") for k in a.params)), None)
            field = f"{culprit} ({e.field})" if culprit else e.field
            bad = {k: v for k, v in point.items()}
            where = source if e.source == exp.base_path else e.source
            raise ConfigError(where, field, f"{e.message} at point {bad}") from None
        first_cfg = first_cfg or cfg
        exp.largest = _larger(exp.largest, run_size(cfg))
    if first_cfg is None:
        first_cfg = validate_dict(exp.config_data({}), exp.base_path)
        exp.largest = run_size(first_cfg)
    exp.n_points = len(points)
    known = known_metrics(first_cfg)
    for i, m in enumerate(spec.metrics):
        if m not in known:
            raise ConfigError(source, f"metrics.{i}", f"unknown metric {m!r} (known: {', '.join(sorted(known))})")
    if spec.precision is not None and spec.precision.metric not in spec.metrics:
        raise ConfigError(source, "precision.metric", f"{spec.precision.metric!r} is not one of metrics")
    for i, p in enumerate(spec.plots):
        if p.kind in ("metric_vs_axis", "cdf") and p.metric is not None and p.metric not in spec.metrics:
            raise ConfigError(source, f"plots.{i}.metric", f"{p.metric!r} is not one of metrics")
    return exp
