"""Shared fixtures: a small-cluster config builder, the run helper, and the path to ../shared."""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from clustersim.config.load import validate_dict
from clustersim.config.models import SimConfig
from clustersim.sim import RunResult, run

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A file under ../shared: missing fails under CI=true (the data must be there), else skips."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"reference data missing: {path}")
        pytest.skip(f"reference data missing: {path}")
    return path


@pytest.fixture(scope="session")
def trace_data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A dataset cache filled from ../shared/traces (``clustersim data fetch --from``), for the trace configs."""
    from clustersim.data import DATASETS, fetch

    traces = shared_path("traces")
    cache = tmp_path_factory.mktemp("data-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CLUSTERSIM_DATA_DIR", str(cache))
        for name in DATASETS:
            fetch(name, from_dir=traces)
        yield cache


BASE: dict[str, Any] = {
    "seed": 7,
    "duration_s": 600.0,
    "cluster": {
        "zones": ["za", "zb", "zc"],
        "node_pools": [{"name": "n", "count": 6, "capacity": {"cpu": "4", "memory": "8Gi", "pods": 110}}],
    },
    "deployments": [{
        "name": "web", "replicas": 4,
        "containers": [{"name": "c", "image": "img:1", "requests": {"cpu": "500m", "memory": "256Mi"},
                        "readiness_probe": {"period_s": 5}, "behavior": {"ready_after_s": 1}}],
    }],
}


# the pull model reduced to 0.5 s + size / 50 MiB/s (one layer, no cold penalty), for tests about other timings
SIMPLE_PULL: dict[str, Any] = {"floor_s": 0.5, "cold_first_byte_s": 0.0, "cold_layer_mib_s": 50.0, "warm_layer_mib_s": 50.0,
                               "unpack_mib_s": 1e9, "max_layers": 1}


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge ``over`` into a copy of ``base`` (lists are replaced)."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def make_config(**over: Any) -> SimConfig:
    """The base test cluster with top-level keys replaced or merged."""
    return validate_dict(merge(BASE, over), "test")


def run_config(**over: Any) -> RunResult:
    """Build and run the base test cluster with overrides."""
    return run(make_config(**over))


def cli(*args: str) -> Any:
    """Run ``clustersim ARGS`` in this process (click's runner: exit code, stdout and stderr apart); fast where a
    subprocess would pay the imports again."""
    from click.testing import CliRunner

    from clustersim.cli import cli as main

    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click < 8.2
    except TypeError:
        runner = CliRunner()
    return runner.invoke(main, list(args), catch_exceptions=False)


def events_of(result: RunResult, reason: str, **match: str) -> Any:
    """Rows of the events frame with this reason (and column matches)."""
    ev = result.events
    rows = ev[ev["reason"] == reason]
    for col, value in match.items():
        rows = rows[rows[col] == value]
    return rows
