"""The optimisations that claim to be exact give the same runs as the plain paths they replace.

Each fast path of ``clustersim.util.fastpaths`` is switched off in turn and random small clusters
(Deployments with probes, churn, node crashes, and sometimes a Service, a PodDisruptionBudget, a
StatefulSet, a DaemonSet, a Job) are run both ways: every frame must be equal, so the placements,
the event times and the levels are the same.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clustersim.config.load import validate_dict
from clustersim.sim import RunResult, run
from clustersim.util.fastpaths import FAST_PATHS, plain

FRAMES = ("timeseries", "events", "pods", "faults", "requests")


@st.composite
def clusters(draw: st.DrawFn) -> dict[str, Any]:
    """A small cluster with a mix of workloads, faults and churn."""
    nodes = draw(st.integers(2, 6))
    deployments = [{
        "name": f"d{i}", "replicas": draw(st.integers(1, 6)),
        "containers": [{"name": "c", "image": f"img{i}",
                        "requests": {"cpu": draw(st.sampled_from(["100m", "500m", "1"])),
                                     "memory": draw(st.sampled_from(["64Mi", "512Mi"]))},
                        "readiness_probe": {"period_s": draw(st.sampled_from([1, 5, 10]))},
                        "behavior": {"ready_after_s": draw(st.floats(0, 10)),
                                     "crash_after_s": draw(st.one_of(st.none(), st.floats(20, 200)))}}],
    } for i in range(draw(st.integers(1, 3)))]
    data: dict[str, Any] = {
        "seed": draw(st.integers(0, 2**16)),
        "duration_s": 600.0,
        "cluster": {"zones": ["a", "b"], "node_pools": [{"name": "n", "count": nodes,
                                                         "capacity": {"cpu": "4", "memory": "8Gi", "pods": 20}}]},
        "deployments": deployments,
        "faults": [{"name": "NodeCrash", "args": {"at_s": draw(st.floats(10, 400)),
                                                  "recover_after_s": draw(st.one_of(st.none(), st.floats(30, 300)))}}
                   for _ in range(draw(st.integers(0, 2)))],
        "workloads": [{"name": "PodChurn", "args": {"rate_per_s": draw(st.floats(0.01, 0.2))}}] if draw(st.booleans()) else [],
    }
    if draw(st.booleans()):
        data["services"] = [{"name": "svc", "selector": {"app": "d0"}}]
    if draw(st.booleans()):
        data["pod_disruption_budgets"] = [{"name": "pdb", "selector": {"match_labels": {"app": "d0"}}, "min_available": 1}]
    if draw(st.booleans()):
        data["stateful_sets"] = [{"name": "st", "replicas": 2, "containers": [{"name": "c", "image": "db"}]}]
    if draw(st.booleans()):
        data["daemon_sets"] = [{"name": "ds", "containers": [{"name": "c", "image": "agent", "requests": {"cpu": "50m"}}]}]
    if draw(st.booleans()):
        data["jobs"] = [{"name": "job", "completions": 2, "run_s": 40.0, "containers": [{"name": "c", "image": "batch"}]}]
    return data


def _same(a: RunResult, b: RunResult) -> None:
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)
    assert a.summary == b.summary or str(a.summary) == str(b.summary)  # NaN != NaN in dicts


@pytest.mark.parametrize("fast_path", sorted(FAST_PATHS))
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=clusters())
def test_fast_path_gives_the_plain_run(fast_path: str, data: dict[str, Any]) -> None:
    cfg = validate_dict(data, "hypothesis")
    fast = run(cfg)
    with plain(fast_path):
        slow = run(cfg)
    assert len(fast.events) > 0
    _same(fast, slow)


def test_plain_names_only_known_fast_paths() -> None:
    with pytest.raises(KeyError, match="unknown fast path"), plain("no-such-path"):
        pass
