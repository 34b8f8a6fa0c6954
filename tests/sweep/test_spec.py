"""Experiment files: bad keys, axes, metrics and references are one-line errors naming the field."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from clustersim.config.load import ConfigError
from clustersim.sweep.design import design_points, replication_seed
from clustersim.sweep.spec import load_experiment
from tests.sweep.conftest import ROOT, write_experiment


@pytest.mark.parametrize(("over", "field"), [
    ({"colour": 1}, "colour"),
    ({"replications": 0}, "replications"),
    ({"axes": [{"name": "g", "param": "controller_manager.node_monitor_grace_period_s"}]}, "axes.0.values"),
    ({"axes": [{"name": "g", "param": "controller_manager.node_monitor_grace_period_s", "values": [-5]}]}, "axes.0"),
    ({"axes": [{"name": "g", "param": "controller_manager.no_such_knob", "values": [1]}]}, "axes.0"),
    ({"axes": [{"name": "seed", "param": "duration_s", "values": [100]}]}, "axes.0.name"),
    ({"metrics": ["availability_max"]}, "metrics.0"),
    ({"base": "missing.yaml"}, "base"),
    ({"design": {"type": "lhs"}}, "design.samples"),
    ({"axes": [{"name": "g", "param": "duration_s", "low": 5, "high": 1}], "design": {"type": "random", "samples": 3}}, "axes.0.high"),
    ({"plots": [{"kind": "cdf", "by": "nope"}]}, "plots.0.by"),
    ({"precision": {"metric": "pods_created", "half_width": 1}}, "precision.metric"),
])
def test_bad_experiment_names_the_field(tmp_path: Path, over: dict, field: str) -> None:
    path = write_experiment(tmp_path, **over)
    with pytest.raises(ConfigError) as e:
        load_experiment(path)
    assert e.value.field.startswith(field), str(e.value)
    assert str(e.value).startswith(str(path)) and "\n" not in str(e.value)


def test_cli_bad_experiment_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    path = write_experiment(tmp_path, axes=[{"name": "g", "param": "scheduler.percentage_of_nodes_to_score", "values": [50, 400]}])
    out = tmp_path / "out"
    p = subprocess.run([sys.executable, "-m", "clustersim", "sweep", str(path), "--out", str(out)],
                       capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 2
    assert p.stderr.count("\n") == 1 and "axes.0" in p.stderr and "Traceback" not in p.stderr
    assert not out.exists()


def test_grid_is_the_product_in_order(tiny: Path) -> None:
    exp = load_experiment(tiny, {"axes": [{"name": "a", "param": "duration_s", "values": [200, 300]},
                                          {"name": "b", "param": "seed", "values": [1, 2, 3]}]})
    pts = design_points(exp.spec)
    assert pts == [{"a": x, "b": y} for x in (200, 300) for y in (1, 2, 3)]


def test_latin_hypercube_puts_one_sample_in_each_stratum(tiny: Path) -> None:
    exp = load_experiment(tiny, {"axes": [{"name": "a", "param": "duration_s", "low": 200, "high": 600},
                                          {"name": "b", "param": "controller_manager.node_monitor_grace_period_s", "low": 10, "high": 60}],
                                 "design": {"type": "lhs", "samples": 8, "seed": 3}})
    pts = design_points(exp.spec)
    for name, lo, hi in (("a", 200, 600), ("b", 10, 60)):
        strata = sorted(int((p[name] - lo) / (hi - lo) * 8) for p in pts)
        assert strata == list(range(8))
    assert pts == design_points(exp.spec)  # the design is seeded


def test_random_design_respects_log_and_integer(tiny: Path) -> None:
    exp = load_experiment(tiny, {"axes": [{"name": "a", "param": "duration_s", "low": 200, "high": 20000, "log": True, "integer": True}],
                                 "design": {"type": "random", "samples": 50}})
    vals = np.array([p["a"] for p in design_points(exp.spec)])
    assert all(isinstance(v, int) for v in vals.tolist()) and vals.min() >= 200 and vals.max() <= 20000
    assert (vals < 2000).sum() > 10  # log-uniform: about half below the geometric midpoint


def test_replication_seeds_are_common_across_points_and_distinct_across_replications() -> None:
    seeds = [replication_seed(5, r) for r in range(20)]
    assert len(set(seeds)) == 20
    assert seeds == [replication_seed(5, r) for r in range(20)]
    assert replication_seed(6, 0) != seeds[0]
