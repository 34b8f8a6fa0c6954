"""Invariants over random small clusters, workloads and fault times (hypothesis)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clustersim.api.quantity import cpu_millis, to_int_value
from clustersim.config.load import validate_dict
from clustersim.sim import run


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    nodes = draw(st.integers(1, 5))
    cpu = draw(st.sampled_from(["1", "2", "4"]))
    deployments = [{
        "name": f"d{i}",
        "replicas": draw(st.integers(0, 8)),
        "strategy": draw(st.sampled_from(["RollingUpdate", "Recreate"])),
        "containers": [{"name": "c", "image": f"i{i}",
                        "requests": {"cpu": draw(st.sampled_from(["100m", "300m", "700m", "1500m"])),
                                     "memory": draw(st.sampled_from(["64Mi", "512Mi", "1Gi"]))},
                        "behavior": {"ready_after_s": draw(st.floats(0, 20)),
                                     "crash_after_s": draw(st.one_of(st.none(), st.floats(5, 60)))}}],
    } for i in range(draw(st.integers(1, 3)))]
    faults = [{"name": "NodeCrash", "args": {"at_s": draw(st.floats(0, 500)), "nodes": [f"n-{draw(st.integers(0, nodes - 1))}"],
                                             "recover_after_s": draw(st.one_of(st.none(), st.floats(1, 400)))}}
              for _ in range(draw(st.integers(0, 2)))]
    workloads = []
    if draw(st.booleans()):
        workloads.append({"name": "PodChurn", "args": {"rate_per_s": draw(st.floats(0.01, 0.2))}})
    return {
        "seed": draw(st.integers(0, 2**16)),
        "duration_s": 700.0,
        "cluster": {"zones": ["a", "b"],
                    "node_pools": [{"name": "n", "count": nodes, "capacity": {"cpu": cpu, "memory": "2Gi", "pods": draw(st.integers(1, 6))}}]},
        "deployments": deployments, "faults": faults, "workloads": workloads,
    }


def _check_allocation(data: dict[str, Any], pods: pd.DataFrame) -> None:
    alloc_cpu = cpu_millis(data["cluster"]["node_pools"][0]["capacity"]["cpu"])
    alloc_mem = to_int_value("2Gi")
    alloc_pods = data["cluster"]["node_pools"][0]["capacity"]["pods"]
    req = {d["name"]: (cpu_millis(d["containers"][0]["requests"]["cpu"]), to_int_value(d["containers"][0]["requests"]["memory"]))
           for d in data["deployments"]}
    bound = pods[pods.scheduled_s.notna()]
    for node, on in bound.groupby("node"):
        end = on.deleted_s.fillna(np.inf).to_numpy()  # the scheduler counts a pod until it is deleted
        start = on.scheduled_s.to_numpy()
        cpu = np.array([req[w][0] for w in on.workload])
        mem = np.array([req[w][1] for w in on.workload])
        for t in np.unique(start):
            live = (start <= t) & (end > t)
            assert cpu[live].sum() <= alloc_cpu, (node, t)
            assert mem[live].sum() <= alloc_mem, (node, t)
            assert live.sum() <= alloc_pods, (node, t)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_no_node_over_allocatable_and_no_pod_bound_twice(data: dict[str, Any]) -> None:
    result = run(validate_dict(data, "hypothesis"))
    pods, ev = result.pods, result.events
    _check_allocation(data, pods)
    scheduled = ev[ev.reason == "Scheduled"]
    assert not scheduled.name.duplicated().any()  # a pod is bound at most once
    assert pods.uid.is_unique and pods.name.is_unique
    # every Scheduled event names the node the pod record holds
    merged = scheduled.merge(pods, on="name")
    assert (merged.node_x == merged.node_y).all()
    # a replica count never goes negative and serving never exceeds the pods that exist
    ts = result.timeseries
    assert (ts[ts.metric.isin(["serving_replicas", "pods_pending", "pods_running"])].value >= 0).all()


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_same_seed_same_frames(data: dict[str, Any]) -> None:
    cfg = validate_dict(data, "hypothesis")
    a, b = run(cfg), run(cfg)
    for name in ("timeseries", "events", "pods", "faults"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert {k: v for k, v in a.summary.items()} == {k: v for k, v in b.summary.items()}


def test_different_seed_changes_the_draws() -> None:
    data = {"seed": 1, "duration_s": 300, "cluster": {"zones": ["a"], "node_pools": [{"name": "n", "count": 8}]},
            "deployments": [{"name": "w", "replicas": 8, "containers": [{"name": "c", "image": "i", "requests": {"cpu": "100m"}}]}],
            "faults": [{"name": "NodeCrash", "args": {"at_s": 10, "count": 2}}]}
    a = run(validate_dict(data, "t"))
    b = run(validate_dict({**data, "seed": 2}, "t"))
    assert a.faults.target.tolist() != b.faults.target.tolist() or a.pods.name.tolist() != b.pods.name.tolist()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**16), lo=st.integers(1, 4), span=st.integers(0, 8), start=st.integers(1, 12),
       points=st.lists(st.tuples(st.floats(0, 900), st.floats(0, 20000)), min_size=1, max_size=5),
       memory_pods=st.sampled_from(["0", "3Gi"]))
def test_hpa_stays_within_bounds_and_pods_without_memory_use_are_never_evicted(
        seed: int, lo: int, span: int, start: int, points: list[tuple[float, float]], memory_pods: str) -> None:
    """The HPA never sets replicas outside [min, max]; without memory use there is no pressure eviction."""
    cfg = validate_dict({
        "seed": seed, "duration_s": 1000.0,
        "cluster": {"zones": ["a"], "node_pools": [{"name": "n", "count": 3, "capacity": {"cpu": "16", "memory": "16Gi"}}]},
        "deployments": [{"name": "web", "replicas": start,
                         "containers": [{"name": "c", "image": "i", "requests": {"cpu": "500m", "memory": "256Mi"}}]}],
        "horizontal_pod_autoscalers": [{"name": "web", "target_name": "web", "min_replicas": lo, "max_replicas": lo + span}],
        "workloads": [{"name": "CpuLoad", "args": {"workload": "web", "points": sorted(points), "memory_per_pod": memory_pods}}],
    }, "property")
    res = run(cfg)
    hpa = res.timeseries[res.timeseries.metric == "hpa_desired_replicas"]
    assert ((hpa.value >= lo) & (hpa.value <= lo + span)).all()
    assert lo <= res.summary["deployments"]["default/web"]["desired"] <= lo + span
    evicted = res.events[res.events.reason == "Evicted"]
    if memory_pods == "0":
        assert evicted.empty  # nothing uses memory: no pressure, no eviction
