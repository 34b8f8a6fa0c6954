"""Kubelet node-pressure eviction, image garbage collection, housekeeping, and ReplicaSet sync workers:
the kubelet and controller-manager defaults of the oracle's category C, exercised as behaviour."""

from __future__ import annotations

from typing import Any

import pytest

from clustersim.api.objects import TAINT_MEMORY_PRESSURE
from tests.conftest import SIMPLE_PULL, events_of, run_config

NODES = {"zones": ["za"], "node_pools": [{"name": "n", "count": 3, "capacity": {"cpu": "8", "memory": "8Gi", "ephemeral-storage": "10Gi"}}]}


def _web(replicas: int = 3, image: str = "img:1", priority: int | None = None, name: str = "web") -> dict:
    d: dict[str, Any] = {"name": name, "replicas": replicas,
                         "containers": [{"name": "c", "image": image, "requests": {"cpu": "100m", "memory": "1Gi"}}]}
    if priority is not None:
        d["priority"] = priority
    return d


def test_memory_pressure_evicts_the_pod_over_its_request_and_taints_the_node() -> None:
    stress = {"name": "MemoryStress", "args": {"at_s": 100, "duration_s": 100, "deployment": "web", "count": 1, "memory": "7680Mi"}}
    res = run_config(cluster=NODES, deployments=[_web()], duration_s=700, faults=[stress],
                     workloads=[{"name": "CpuLoad", "args": {"workload": "web", "points": [[0, 100]], "memory_per_pod": "512Mi"}}])
    injected = events_of(res, "FaultInjected")
    victim, node = injected.name.iloc[0], injected.node.iloc[0]
    evicted = events_of(res, "Evicted")
    # observed at the next 10 s monitoring pass; the stressed pod exceeds its request, so it goes first
    assert list(evicted.name) == [victim] and evicted.t.iloc[0] == pytest.approx(110)
    assert "low on resource: memory. Threshold quantity: 100Mi" in evicted.message.iloc[0]
    on = events_of(res, "NodeHasInsufficientMemory", name=node).t
    off = events_of(res, "NodeHasSufficientMemory", name=node).t
    # the condition holds evictionPressureTransitionPeriod (300 s) after the last crossing (110 s); each
    # change reaches the API at the kubelet's next status sync (nodeStatusUpdateFrequency, 10 s)
    assert len(on) == 1 and 110 <= on.iloc[0] < 120 and len(off) == 1 and 410 <= off.iloc[0] < 420
    assert (off.iloc[0] - on.iloc[0]) == pytest.approx(300)  # both on the node's status-sync grid
    pods = res.pods[res.pods.workload == "web"]
    replacement = pods[pods.created_s > 110]
    assert len(replacement) == 1 and replacement.node.iloc[0] != node  # memory-pressure:NoSchedule keeps it away
    assert res.summary["deployments"]["default/web"]["desired"] == 3


def test_the_taint_follows_the_condition() -> None:
    from clustersim.sim import Simulation
    from tests.conftest import make_config

    stress = {"name": "MemoryStress", "args": {"at_s": 50, "deployment": "web", "count": 1, "memory": "7680Mi"}}
    sim = Simulation(make_config(cluster=NODES, deployments=[_web()], duration_s=100, faults=[stress],
                                 workloads=[{"name": "CpuLoad", "args": {"workload": "web", "points": [[0, 100]], "memory_per_pod": "512Mi"}}]))
    sim.run()
    tainted = [n for n in sim.state.list("Node") if any(t.key == TAINT_MEMORY_PRESSURE for t in n.taints)]
    assert len(tainted) == 1 and tainted[0].memory_pressure


def test_lower_priority_pods_go_first_when_none_exceeds_its_request() -> None:
    # no stress: two workloads whose per-pod use is within their 1Gi requests, on one 4Gi node
    one = {"zones": ["za"], "node_pools": [{"name": "n", "count": 1, "capacity": {"cpu": "8", "memory": "4Gi"}}]}
    loads = [{"name": "CpuLoad", "args": {"workload": w, "points": [[0, 10]], "memory_per_pod": "1000Mi"}} for w in ("low", "high")]
    res = run_config(cluster=one, deployments=[_web(2, name="low", priority=1), _web(2, name="high", priority=100)],
                     duration_s=60, workloads=loads)
    evicted = events_of(res, "Evicted")
    assert len(evicted) >= 1 and evicted.name.str.startswith("low-").all()


def test_image_gc_frees_unused_images_down_to_the_low_threshold() -> None:
    # 10Gi image filesystem; a 4.5Gi image used once, then a 4.5Gi image in use: 90 % >= 85 %
    disk = {"zones": ["za"], "node_pools": [{"name": "n", "count": 1, "capacity": {"cpu": "8", "memory": "16Gi", "ephemeral-storage": "10Gi"}}]}
    job = {"name": "once", "run_s": 10, "containers": [{"name": "c", "image": "big:old", "requests": {"cpu": "100m"}}]}
    from clustersim.sim import Simulation
    from tests.conftest import make_config

    sim = Simulation(make_config(cluster=disk, deployments=[_web(1, image="big:new")], jobs=[job], duration_s=700,
                                 images={"sizes_mib": {"big:old": 4608, "big:new": 4608}},
                                 kubelet={"eviction_hard": {"memory.available": "100Mi"}}))  # no imagefs eviction: GC alone
    sim.start()
    sim.env.run(until=299)
    assert set(sim.kubelets[0].images.present) == {"big:old", "big:new"}  # 90 % full, but GC runs every 5 minutes
    sim.env.run(until=700)
    res = sim.result(0.0)
    kubelet = sim.kubelets[0]
    assert set(kubelet.images.present) == {"big:new"}  # the old image (unused, older than 2 minutes) went at 300 s
    assert kubelet.image_gc.deleted == 1
    assert events_of(res, "Evicted").empty


def test_imagefs_pressure_reclaims_images_before_evicting() -> None:
    disk = {"zones": ["za"], "node_pools": [{"name": "n", "count": 1, "capacity": {"cpu": "8", "memory": "16Gi", "ephemeral-storage": "10Gi"}}]}
    job = {"name": "once", "run_s": 5, "containers": [{"name": "c", "image": "big:old", "requests": {"cpu": "100m"}}]}
    res = run_config(cluster=disk, deployments=[_web(1, image="big:new")], jobs=[job], duration_s=200,
                     images={"sizes_mib": {"big:old": 4608, "big:new": 4608}}, kubelet={"image_pull": SIMPLE_PULL})
    met = events_of(res, "EvictionThresholdMet")
    assert len(met) >= 1 and "ephemeral-storage" in met.message.iloc[0]
    assert events_of(res, "Evicted").empty  # deleting the unused image was enough
    assert len(events_of(res, "NodeHasDiskPressure")) == 1


def test_restarted_kubelet_kills_orphans_at_its_first_housekeeping() -> None:
    from clustersim.sim import Simulation
    from tests.conftest import make_config

    # a pod force-deleted while n-0's kubelet is stopped leaves its container running there (an orphan)
    sim = Simulation(make_config(deployments=[{**_web(6), "node_selector": {"kubernetes.io/hostname": "n-0"}}], duration_s=700,
                                 faults=[{"name": "KubeletStop", "args": {"at_s": 60, "nodes": ["n-0"], "duration_s": 600}},
                                         {"name": "PodKill", "args": {"at_s": 100, "deployment": "web", "count": 2, "grace_period_s": 0}}]))
    sim.start()
    kubelet = next(k for k in sim.kubelets if k.name == "n-0")

    def orphans() -> int:
        return sum(1 for w in kubelet.workers.values() if w.running and sim.state.get("Pod", w.pod.key) is not w.pod)

    sim.env.run(until=659)
    assert orphans() == 2
    sim.env.run(until=661)  # back at 660, but HandlePodCleanups runs every housekeepingPeriod (2 s)
    assert orphans() == 2
    sim.env.run(until=662.5)
    assert orphans() == 0


@pytest.mark.parametrize("workers", [1, 5])
def test_replicaset_sync_workers_bound_the_creation_rate(workers: int) -> None:
    deps = [_web(1, name=f"w{i}") for i in range(10)]
    res = run_config(deployments=deps, duration_s=60, controller_manager={"concurrent_replicaset_syncs": workers, "replicaset_sync_s": 1.0})
    created = events_of(res, "SuccessfulCreate", kind="ReplicaSet").sort_values("t")
    assert len(created) == 10
    # ten ReplicaSets, one second per sync: ten rounds with one worker, two with five
    rounds = created.t.round(0).nunique()
    assert rounds == (10 if workers == 1 else 2)


def test_conditions_reach_the_api_at_the_kubelet_s_status_sync() -> None:
    # nodeStatusUpdateFrequency: the kubelet computes its status on its own period and posts changes then
    stress = {"name": "MemoryStress", "args": {"at_s": 100, "duration_s": 100, "deployment": "web", "count": 1, "memory": "7680Mi"}}
    load = [{"name": "CpuLoad", "args": {"workload": "web", "points": [[0, 100]], "memory_per_pod": "512Mi"}}]
    for period in (1.0, 60.0):
        res = run_config(cluster=NODES, deployments=[_web()], duration_s=300, faults=[stress], workloads=load,
                         kubelet={"node_status_update_frequency_s": period})
        evicted_at = events_of(res, "Evicted").t.iloc[0]
        on = events_of(res, "NodeHasInsufficientMemory").t.iloc[0]
        assert evicted_at == pytest.approx(110) and 0 < on - evicted_at < period


def _scratch(**volume: Any) -> dict:
    d = _web(1, name="scratch")
    d["volumes"] = [{"name": "tmp", "type": "emptyDir", **volume}]
    return d


def test_a_memory_backed_emptydir_counts_against_the_pod_s_memory() -> None:
    # 8100 MiB written to a tmpfs emptyDir on an 8 GiB node: memory.available < 100Mi, the pod is evicted
    res = run_config(cluster=NODES, deployments=[_scratch(medium="Memory", usage="8100Mi", usage_after_s=30)], duration_s=200)
    evicted = events_of(res, "Evicted")
    assert len(evicted) >= 1 and "low on resource: memory" in evicted.message.iloc[0]  # (and each replacement after it)
    started = res.pods.started_s.iloc[0]
    assert started + 30 <= evicted.t.iloc[0] <= started + 30 + 10  # the next 10 s monitoring pass
    on_disk = run_config(cluster=NODES, deployments=[_scratch(usage="8100Mi", usage_after_s=30)], duration_s=200)
    assert events_of(on_disk, "Evicted").empty  # the same data on disk uses no memory


def test_an_emptydir_over_its_size_limit_evicts_the_pod() -> None:
    res = run_config(cluster=NODES, deployments=[_scratch(size_limit="1Gi", usage="2Gi", usage_after_s=30)], duration_s=200)
    evicted = events_of(res, "Evicted")
    assert len(evicted) >= 1 and evicted.message.iloc[0] == 'Usage of EmptyDir volume "tmp" exceeds the limit "1Gi". '
    started = res.pods.started_s.iloc[0]
    assert started + 30 <= evicted.t.iloc[0] <= started + 30 + 10
    first = res.pods.iloc[0]
    assert len(res.pods) >= 2 and res.pods.created_s.iloc[1] >= evicted.t.iloc[0]  # Failed/Evicted, replaced
    assert first["name"] != res.pods.name.iloc[1]
    within = run_config(cluster=NODES, deployments=[_scratch(size_limit="1Gi", usage="512Mi")], duration_s=100)
    assert events_of(within, "Evicted").empty
