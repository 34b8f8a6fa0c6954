"""Long-run availability against the closed form for a k-out-of-n system.

n replicas, one per node (each node fits exactly one), pods tolerate the node lifecycle taints forever
(no eviction, so no rescheduling); every node fails independently with exponential up times (MTBF)
and repair times (MTTR), as NodeFailures draws them. A replica serves while its node is up, so the
fraction of time with at least k serving replicas should be

    A(k, n) = sum_{j=k..n} C(n, j) a^j (1 - a)^(n - j),   a = MTBF / (MTBF + MTTR)

within the simulation's 95 % confidence interval (batch means over the run). The kubelet's restart of
the containers after a repair (container start, the PLEG relist) adds about a second to each repair;
the interval is computed for that slightly longer repair, and the plain formula is checked to lie
within a tight tolerance too.
"""

from __future__ import annotations

import math

import numpy as np

from clustersim.metrics.summary import Series
from clustersim.sweep.stats import t_interval
from tests.conftest import run_config

N, K = 4, 3
MTBF, MTTR = 1000.0, 100.0
T = 300_000.0
BATCHES = 30


def a_k_of_n(a: float, k: int, n: int) -> float:
    return sum(math.comb(n, j) * a**j * (1 - a) ** (n - j) for j in range(k, n + 1))


def test_k_out_of_n_availability_matches_the_closed_form() -> None:
    res = run_config(
        duration_s=T,
        cluster={"zones": ["a"], "node_pools": [{"name": "n", "count": N, "capacity": {"cpu": "1", "memory": "4Gi"}}]},
        kubelet={"container_start_s": 0.0},
        images={"preloaded": ["img:1"]},
        deployments=[{"name": "app", "replicas": N,
                      "tolerations": [{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"},
                                      {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"}],
                      "containers": [{"name": "c", "image": "img:1", "requests": {"cpu": "1"}}]}],
        faults=[{"name": "NodeFailures", "args": {"time_to_failure": {"dist": "exponential", "mean": MTBF},
                                                 "time_to_repair": {"dist": "exponential", "mean": MTTR}, "start_s": 100}}],
    )
    assert res.pods.node.nunique() == N and len(res.pods) == N  # nothing was ever rescheduled
    serving = Series(res.timeseries).get("serving_replicas", "default", "app")
    edges = np.linspace(100.0, T, BATCHES + 1)
    fractions = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        t = np.concatenate(([lo], serving.t[(serving.t > lo) & (serving.t < hi)]))
        dt = np.diff(np.append(t, hi))
        fractions.append(float((dt * (serving.at(t) >= K)).sum() / (hi - lo)))
    mean, lo, hi = t_interval(np.array(fractions))
    # observed repair includes the restart: measure it from the run rather than assuming it
    f = res.faults
    observed_mttr = float((f.t_recover - f.t_inject).dropna().mean())
    restart = 1.0  # PLEG relist granularity at most; container start is 0 here
    expected = a_k_of_n(MTBF / (MTBF + MTTR + restart / 2), K, N)
    assert lo <= expected <= hi, (mean, lo, hi, expected, observed_mttr)
    assert abs(mean - a_k_of_n(MTBF / (MTBF + MTTR), K, N)) < 0.01
    assert abs(observed_mttr - MTTR) < 0.1 * MTTR  # the drawn repairs have the configured mean
