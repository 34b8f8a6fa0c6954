"""The scheduling cycle: feasible-node search, FailedScheduling messages, spreading and retries."""

from __future__ import annotations

from collections import Counter

import pytest

from clustersim.scheduler.scheduler import failed_scheduling_message, num_feasible_nodes_to_find
from tests.conftest import events_of, run_config


@pytest.mark.parametrize(("n", "pct", "want"), [(10, 0, 10), (99, 0, 99), (100, 0, 100), (1000, 0, 420),
                                                (1000, 40, 400), (6000, 0, 300), (5000, 0, 500), (200, 10, 100)])
def test_num_feasible_nodes_to_find(n: int, pct: int, want: int) -> None:
    assert num_feasible_nodes_to_find(n, pct) == want


def test_failed_scheduling_message_sorted_as_upstream() -> None:
    msg = failed_scheduling_message(12, Counter({"node(s) had untolerated taint(s)": 9, "Insufficient cpu": 3}))
    assert msg == "0/12 nodes are available: 3 Insufficient cpu, 9 node(s) had untolerated taint(s)."


def test_unschedulable_pods_wait_in_the_pool_and_are_retried_after_five_minutes() -> None:
    # 6 nodes x 4 cpu; 10 pods x 3 cpu: 6 fit, 4 stay pending
    result = run_config(deployments=[{"name": "big", "replicas": 10,
                                      "containers": [{"name": "c", "image": "i", "requests": {"cpu": "3"}}]}],
                        duration_s=400)
    failed = events_of(result, "FailedScheduling")
    assert len(set(failed.name)) == 4
    assert failed.message.iloc[0] == ("0/6 nodes are available: 6 Insufficient cpu. "
                                      "preemption: 0/6 nodes are available: 6 No preemption victims found for incoming pod.")
    assert result.summary["pods_pending_at_end"] == 4
    # no cluster event could help, so each pod is retried only by the 5-minute flush (30 s ticks)
    for _, attempts in failed.groupby("name"):
        assert len(attempts) == 2
        assert 300 <= attempts.t.iloc[1] - attempts.t.iloc[0] <= 330


def test_replacement_without_room_reports_tainted_and_full_nodes() -> None:
    result = run_config(deployments=[{"name": "big", "replicas": 7,
                                      "containers": [{"name": "c", "image": "i", "requests": {"cpu": "3"}}]}],
                        faults=[{"name": "NodeCrash", "args": {"at_s": 30, "nodes": ["n-0"]}}],
                        duration_s=500)
    evicted = events_of(result, "TaintManagerEviction")
    assert len(evicted) == 1
    failed = events_of(result, "FailedScheduling")
    late = failed[failed.t > evicted.t.iloc[0]]
    # the replacement: the dead node is tainted, the five live ones are full
    assert ("0/6 nodes are available: 1 node(s) had untolerated taint(s), 5 Insufficient cpu. preemption: 0/6 nodes are available: "
            "1 Preemption is not helpful for scheduling, 5 No preemption victims found for incoming pod.") in set(late.message)
    assert result.summary["pods_pending_at_end"] == 2


def test_least_allocated_spreads_pods_across_nodes() -> None:
    result = run_config(deployments=[{"name": "w", "replicas": 6,
                                      "containers": [{"name": "c", "image": "i", "requests": {"cpu": "1"}}]}],
                        duration_s=60)
    assert result.pods.node.value_counts().max() == 1  # 6 pods on 6 nodes


def test_most_allocated_packs() -> None:
    result = run_config(deployments=[{"name": "w", "replicas": 6,
                                      "containers": [{"name": "c", "image": "i", "requests": {"cpu": "1"}}]}],
                        scheduler={"profiles": [{"scores": [{"name": "NodeResourcesFit", "args": {"scoringStrategy": {"type": "MostAllocated"}}}]}]},
                        duration_s=60)
    assert sorted(result.pods.node.value_counts().tolist()) == [2, 4]  # 4 cpu nodes: 4 pods fill one, 2 on the next


@pytest.mark.parametrize("default_spreading", [False, True])
def test_reused_per_shape_results_give_the_same_placements_as_the_full_path(monkeypatch: pytest.MonkeyPatch,
                                                                            default_spreading: bool) -> None:
    from clustersim.scheduler.shape_cache import ShapeCache

    over = dict(
        cluster={"zones": ["a", "b"], "node_pools": [{"name": "n", "count": 30, "capacity": {"cpu": "4", "memory": "8Gi", "pods": 12}}]},
        deployments=[{"name": f"d{i}", "replicas": 25,
                      "containers": [{"name": "c", "image": "i", "requests": {"cpu": ["100m", "250m", "400m"][i % 3],
                                                                             **({"memory": "300Mi"} if i % 2 else {})}}]}
                     for i in range(6)],
        workloads=[{"name": "PodChurn", "args": {"rate_per_s": 0.5}}],
        faults=[{"name": "NodeCrash", "args": {"at_s": 50, "count": 3, "recover_after_s": 200}}],
        duration_s=900,
        # without default spreading every active plugin is per-node static and results are reused whole;
        # with it (Deployment pods under the default profile) the feasibility and the static scores are
        # reused and the spreading score is computed over the window each cycle
        scheduler={} if default_spreading else
        {"profiles": [{"plugin_args": {"PodTopologySpread": {"defaultingType": "List", "defaultConstraints": []}}}]},
    )
    calls = {"reused": 0}
    real = ShapeCache.lookup

    def counting(self: ShapeCache, fw: object, pod: object) -> object:
        out = real(self, fw, pod)  # type: ignore[arg-type]
        calls["reused"] += out is not None
        return out

    monkeypatch.setattr(ShapeCache, "lookup", counting)
    fast = run_config(**over)
    assert calls["reused"] > 200
    monkeypatch.setattr(ShapeCache, "lookup", lambda self, fw, pod: None)
    full = run_config(**over)
    assert fast.pods[["name", "node", "scheduled_s"]].equals(full.pods[["name", "node", "scheduled_s"]])
    assert len(fast.pods) > 200


def test_cordoned_pool_gets_no_pods_and_carries_the_unschedulable_taint() -> None:
    result = run_config(cluster={"zones": ["a"], "node_pools": [
        {"name": "open", "count": 2, "capacity": {"cpu": "4", "memory": "8Gi"}},
        {"name": "cordoned", "count": 2, "capacity": {"cpu": "4", "memory": "8Gi"}, "unschedulable": True}]},
        duration_s=60)
    assert set(result.pods.node) <= {"open-0", "open-1"}
