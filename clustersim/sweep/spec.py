"""Experiment files: read one, check every design point's config, and hand the runs their configs.

The schema (axes, design, replications, precision, plots) is ``models.py``'s.

An experiment is validated as a whole when it is loaded: every design point's config is built and
checked like a config file, so a bad axis value fails before the first run, naming the axis.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from clustersim.config.errors import ConfigError, describe_validation_error
from clustersim.config.load import _apply, load_config, read_yaml
from clustersim.config.size import RunSize, run_size
from clustersim.sweep.design import design_points
from clustersim.sweep.models import Axis, Design, ExperimentSpec, PlotSpec, Precision
from clustersim.util.strict_yaml import YAMLInputError, load_yaml

__all__ = ["Axis", "Design", "ExperimentSpec", "PlotSpec", "Precision", "is_experiment", "load_experiment"]


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


EXPERIMENT_ONLY = ("axes", "design", "replications", "precision", "plots", "overrides")


def is_experiment(path: str | Path) -> bool:
    """True for a YAML mapping with a ``base`` key, or without ``cluster`` and with keys only experiments have."""
    try:
        data = load_yaml(path)
    except YAMLInputError:
        return False
    if not isinstance(data, dict):
        return False
    # an experiment that lost its base: is still one (told by its own keys; a config has none of them)
    return "base" in data or ("cluster" not in data and any(k in data for k in EXPERIMENT_ONLY))


def load_experiment(path: str | Path, overrides: dict[str, Any] | None = None) -> LoadedExperiment:
    """Read and validate an experiment file; every design point's config is checked too.

    Raises:
        ConfigError: naming the file and field (``axes.1.values``, ``metrics.0``, ...).
    """
    from clustersim.sweep.metrics import known_metrics

    source = str(path)
    data = read_yaml(path)
    if isinstance(data, dict) and "base" not in data and "cluster" in data:
        raise ConfigError(source, "", f"is a config file, not an experiment (it has no base:); run it with: clustersim run {source} --out DIR, "
                                      "or sweep an experiment file whose base: names it")
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
