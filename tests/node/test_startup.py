"""Pod startup: a lognormal draw whose median and p99 grow with the node's pods; seeded per node."""

from __future__ import annotations

import numpy as np
import pytest

from clustersim.config.timing import PodStartupConfig
from clustersim.node.startup import StartupModel
from tests.conftest import run_config


@pytest.mark.parametrize("pods", [0, 3, 30])
def test_draws_have_the_configured_median_and_p99(pods: int) -> None:
    cfg = PodStartupConfig()
    model = StartupModel(cfg, np.random.default_rng(5))
    draws = np.array([model.draw(pods) for _ in range(40_000)])
    median, p99 = model.quantiles(pods)
    assert np.median(draws) == pytest.approx(median, rel=0.02)
    assert np.quantile(draws, 0.99) == pytest.approx(p99, rel=0.05)


def test_a_full_node_starts_pods_slower_and_runs_repeat_per_seed() -> None:
    one = {"zones": ["z"], "node_pools": [{"name": "n", "count": 1, "capacity": {"cpu": "64", "memory": "64Gi"}}]}

    def starts(replicas: int, seed: int = 7) -> np.ndarray:
        dep = {"name": "a", "replicas": replicas, "containers": [{"name": "c", "image": "i", "requests": {"cpu": "10m"}}]}
        pods = run_config(cluster=one, deployments=[dep], duration_s=120, seed=seed, images={"preloaded": ["i"]}).pods
        return (pods.started_s - pods.scheduled_s).to_numpy()

    few, many = starts(3), starts(40)
    assert np.median(many) > np.median(few) + 0.3
    assert np.array_equal(starts(40), many) and not np.array_equal(starts(40, seed=8), many)
