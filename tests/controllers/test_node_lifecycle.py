"""Node lifecycle: detection from the lease, per-zone rate limits, disruption modes, recovery."""

from __future__ import annotations

import pytest

from clustersim.controllers.node_lifecycle import FULL, NORMAL, PARTIAL, compute_zone_state
from tests.conftest import events_of, run_config

ONE_ZONE = {"zones": ["z"], "node_pools": [{"name": "n", "count": 12, "capacity": {"cpu": "4", "memory": "8Gi"}}]}
DEP = [{"name": "web", "replicas": 12, "containers": [{"name": "c", "image": "i", "requests": {"cpu": "1"}}]}]


@pytest.mark.parametrize(("ready", "not_ready", "state"), [
    (10, 0, NORMAL), (0, 3, FULL), (0, 1, FULL), (1, 2, NORMAL), (2, 3, PARTIAL), (4, 6, PARTIAL), (5, 6, NORMAL), (6, 5, NORMAL),
])
def test_compute_zone_state(ready: int, not_ready: int, state: str) -> None:
    assert compute_zone_state(ready, not_ready, 0.55) == state


def _taint_times(result) -> list[float]:
    ts = result.timeseries
    rows = ts[(ts.metric == "node_noexecute_taint") & (ts.value == 1.0)]
    return sorted(rows.t.tolist())


def test_healthy_zone_taints_one_node_per_ten_seconds() -> None:
    result = run_config(cluster=ONE_ZONE, deployments=DEP, duration_s=500,
                        faults=[{"name": "NodeCrash", "args": {"at_s": 100, "nodes": ["n-1", "n-2", "n-3"]}}])
    times = _taint_times(result)
    assert len(times) == 3  # 3/12 not ready: the zone stays Normal, 0.1 nodes/s
    assert [round(b - a, 6) for a, b in zip(times, times[1:], strict=False)] == [10.0, 10.0]
    evictions = events_of(result, "TaintManagerEviction")
    assert len(evictions) == 3  # one pod per node, each 300 s after its own taint
    assert evictions.t.diff().dropna().round(6).tolist() == [10.0, 10.0]


def test_partially_disrupted_small_zone_stops_evicting() -> None:
    cluster = {"zones": ["a", "b"], "node_pools": [{"name": "n", "count": 12, "capacity": {"cpu": "4", "memory": "8Gi"}}]}
    # zone a holds n-0, n-2, ..., n-10 (6 nodes); 4 of them down: >= 55 % and more than 2 -> PartialDisruption;
    # the zone has <= 50 nodes, so its eviction rate drops to 0
    result = run_config(cluster=cluster, deployments=DEP, duration_s=600,
                        faults=[{"name": "NodeCrash", "args": {"at_s": 100, "nodes": ["n-0", "n-2", "n-4", "n-6"]}}])
    not_ready = events_of(result, "NodeNotReady", kind="Node")
    assert len(not_ready) == 4
    # nodes detected while the zone was still Normal may be tainted; none after it became partially disrupted
    taints = _taint_times(result)
    assert len(taints) < 4 and all(t < not_ready.t.max() for t in taints)
    evicted = events_of(result, "TaintManagerEviction")
    assert len(evicted[evicted.message.str.startswith("Marking")]) == len(taints)


def test_all_zones_down_stops_all_evictions() -> None:
    cluster = {"zones": ["z"], "node_pools": [{"name": "n", "count": 3, "capacity": {"cpu": "4", "memory": "8Gi"}}]}
    result = run_config(cluster=cluster, deployments=[{**DEP[0], "replicas": 3}], duration_s=600,
                        faults=[{"name": "NodeCrash", "args": {"at_s": 100, "count": 3}}])
    assert len(events_of(result, "NodeNotReady", kind="Node")) == 3
    evictions = events_of(result, "TaintManagerEviction")
    assert not evictions.message.str.startswith("Marking").any()
    # a node tainted before the last one went down has its taint removed and its eviction cancelled
    ts = result.timeseries
    assert (ts[ts.metric == "node_noexecute_taint"].groupby("name").value.last() == 0).all()


def test_node_back_before_eviction_keeps_its_pods() -> None:
    result = run_config(deployments=[{**DEP[0], "replicas": 6}], duration_s=600,
                        faults=[{"name": "NodeCrash", "args": {"at_s": 100, "nodes": ["n-2"], "recover_after_s": 120}}])
    assert len(events_of(result, "NodeNotReady", kind="Node")) == 1
    assert events_of(result, "TaintManagerEviction", node="n-2").message.str.startswith("Marking").sum() == 0
    cancelled = events_of(result, "TaintManagerEviction", node="n-2")
    assert cancelled.message.str.startswith("Cancelling").all() and len(cancelled) == 1
    ts = result.timeseries
    assert ts[(ts.metric == "node_noexecute_taint") & (ts.name == "n-2")].value.iloc[-1] == 0
    pods = result.pods[result.pods.node == "n-2"]
    assert len(pods) == 1 and pods.restarts.iloc[0] == 1  # restarted in place after the reboot
    assert len(result.pods) == 6  # no replacement was created
    ready = ts[(ts.metric == "nodes_ready")]
    assert ready.groupby("zone").value.last().sum() == 6  # per-zone levels


def test_detection_depends_on_grace_period_only_after_the_lease_stops() -> None:
    base = run_config(faults=[{"name": "NodeCrash", "args": {"at_s": 100, "nodes": ["n-1"]}}], duration_s=300)
    slow = run_config(faults=[{"name": "NodeCrash", "args": {"at_s": 100, "nodes": ["n-1"]}}], duration_s=300,
                      controller_manager={"node_monitor_grace_period_s": 90})
    t0 = events_of(base, "NodeNotReady", kind="Node").t.iloc[0]
    t1 = events_of(slow, "NodeNotReady", kind="Node").t.iloc[0]
    assert t1 - t0 == pytest.approx(40.0)
    assert 140 <= t0 <= 155
