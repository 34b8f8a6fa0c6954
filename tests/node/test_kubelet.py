"""Kubelet and container runtime behaviour, asserted from the event log (SimPy-style trace tests)."""

from __future__ import annotations

import pytest

from clustersim.api.objects import Lease, ObjectMeta
from clustersim.api.types import Probe
from clustersim.node.prober import first_tick_at_or_after, liveness_kill_time, readiness_time
from tests.conftest import events_of, run_config

ONE_NODE = {"zones": ["z"], "node_pools": [{"name": "n", "count": 1, "capacity": {"cpu": "8", "memory": "16Gi"}}]}


def _dep(name: str, image: str = "img:1", replicas: int = 1, **behavior: object) -> dict:
    c = {"name": "c", "image": image, "requests": {"cpu": "100m"}}
    probe = behavior.pop("readiness_probe", None)
    liveness = behavior.pop("liveness_probe", None)
    if probe:
        c["readiness_probe"] = probe
    if liveness:
        c["liveness_probe"] = liveness
    if behavior:
        c["behavior"] = behavior
    return {"name": name, "replicas": replicas, "containers": [c]}


# a pull model with round numbers: 0.5 s floor, 100 MiB/s per connection, no cold penalty, instant unpack
PULL = {"floor_s": 0.5, "cold_first_byte_s": 0.0, "cold_layer_mib_s": 100.0, "warm_layer_mib_s": 100.0, "unpack_mib_s": 1e9}


def _pull_times(result) -> list[float]:
    pulled = events_of(result, "Pulled")
    fresh = pulled[pulled.message.str.startswith("Successfully")]
    return [float(m.split(" in ")[1].rstrip("s")) for m in fresh.message]


def test_pull_time_from_layers_pulled_in_parallel_then_cached() -> None:
    result = run_config(cluster=ONE_NODE, deployments=[_dep("a", replicas=2)], duration_s=60,
                        images={"layers_mib": {"img:1": [200]}}, kubelet={"image_pull": PULL})
    assert _pull_times(result) == [pytest.approx(2.5)]  # 0.5 s floor + 200 MiB at 100 MiB/s
    assert events_of(result, "Pulled").message.str.contains("already present").sum() == 1  # the second pod waited for it
    assert len(events_of(result, "Pulling")) == 1
    # the same 200 MiB in four layers over containerd's 3 connections: two rounds of 50 MiB
    layered = run_config(cluster=ONE_NODE, deployments=[_dep("a")], duration_s=60,
                         images={"layers_mib": {"img:1": [50, 50, 50, 50]}}, kubelet={"image_pull": PULL})
    assert _pull_times(layered) == [pytest.approx(0.5 + 1.0)]


def test_default_layering_by_size() -> None:
    from clustersim.config.timing import ImagePullTimingConfig
    from clustersim.node.images import layers_of, makespan, registry_of

    t = ImagePullTimingConfig()
    assert layers_of(100, t) == (100,) and layers_of(1000, t) == (125.0,) * 8 and len(layers_of(17000, t)) == t.max_layers
    assert makespan((3, 1, 1, 1), 2, 1.0) == 3 and makespan((2, 2, 2), 3, 2.0) == 1
    assert (registry_of("nginx:1.27"), registry_of("ghcr.io/org/app:1"), registry_of("localhost:5000/x")) == (
        "docker.io", "ghcr.io", "localhost:5000")


def test_a_cold_registry_is_slower_than_a_warm_one() -> None:
    pull = {**PULL, "cold_first_byte_s": 1.0, "cold_layer_mib_s": 50.0}
    two = {"zones": ["z"], "node_pools": [{"name": "n", "count": 2, "capacity": {"cpu": "8", "memory": "16Gi"}}]}
    later = {"name": "b", "replicas": 1, "node_selector": {"kubernetes.io/hostname": "n-1"},
             "containers": [{"name": "c", "image": "img:1", "requests": {"cpu": "100m"}}]}
    first = {**later, "name": "a", "node_selector": {"kubernetes.io/hostname": "n-0"}}
    res = run_config(cluster=two, deployments=[first, {**later, "replicas": 0}], duration_s=120,
                     images={"layers_mib": {"img:1": [100]}}, kubelet={"image_pull": pull},
                     workloads=[{"name": "DeploymentUpdate", "args": {"at_s": 30, "deployment": "b", "replicas": 1}}])
    # the first pull of the image is cold (first byte late, 50 MiB/s); the one at t=30 warm (100 MiB/s)
    assert _pull_times(res) == [pytest.approx(0.5 + 1.0 + 2.0), pytest.approx(0.5 + 1.0)]
    both = run_config(cluster=two, deployments=[first, later], duration_s=120,
                      images={"layers_mib": {"img:1": [100]}}, kubelet={"image_pull": pull})
    assert _pull_times(both) == [pytest.approx(3.5)] * 2  # both started before either finished: both cold


def test_nodes_share_their_registry_s_bandwidth() -> None:
    ten = {"zones": ["z"], "node_pools": [{"name": "n", "count": 10, "capacity": {"cpu": "8", "memory": "16Gi"}}]}
    spread = [{"max_skew": 1, "topology_key": "kubernetes.io/hostname"}]
    dep = {**_dep("a", replicas=10), "topology_spread_constraints": spread}
    images = {"layers_mib": {"img:1": [100]}}
    free = run_config(cluster=ten, deployments=[dep], duration_s=60, images=images, kubelet={"image_pull": PULL})
    assert _pull_times(free) == [pytest.approx(1.5)] * 10  # 10 x 100 MiB/s fits in the default registry
    tight = run_config(cluster=ten, deployments=[dep], duration_s=60, images={**images, "registry_bandwidth_mib_s": 200},
                       kubelet={"image_pull": PULL})
    times = sorted(_pull_times(tight))
    # the registry serves 200 MiB/s in arrival order: the k-th pull's bytes are through after k/2 s
    assert times[0] == pytest.approx(1.5) and times[-1] == pytest.approx(5.0, abs=0.1)


@pytest.mark.parametrize(("kubelet", "starts"), [
    ({}, [0.0, 1.5, 3.0]),  # serializeImagePulls: one after another
    ({"serialize_image_pulls": False, "max_parallel_image_pulls": 2}, [0.0, 0.0, 1.5]),
    ({"serialize_image_pulls": False}, [0.0, 0.0, 0.0]),
])
def test_serialized_and_parallel_pulls(kubelet: dict, starts: list[float]) -> None:
    result = run_config(cluster=ONE_NODE, deployments=[_dep("a", "img:a"), _dep("b", "img:b"), _dep("c", "img:c")], duration_s=60,
                        images={"default_size_mib": 100}, kubelet={"image_pull": PULL, **kubelet})
    pulling = events_of(result, "Pulling").t.to_numpy()
    assert [round(float(t - pulling[0]), 6) for t in pulling] == starts


def test_max_parallel_pulls_need_serialize_off() -> None:
    from clustersim.config.errors import ConfigError
    from tests.conftest import make_config

    with pytest.raises(ConfigError, match="max_parallel_image_pulls"):
        make_config(kubelet={"max_parallel_image_pulls": 3})


def test_image_pull_backoff_doubles() -> None:
    result = run_config(cluster=ONE_NODE, deployments=[_dep("a", "bad:1")], duration_s=200, images={"failing": ["bad:1"]},
                        kubelet={"image_pull": PULL})
    failed = events_of(result, "Failed")
    attempts = failed[failed.message.str.startswith("Failed to pull")].t.to_numpy()
    # each failed attempt takes the 0.5 s floor (the manifest request fails), then waits 10, 20, 40, 80 s
    assert [round(b - a, 6) for a, b in zip(attempts, attempts[1:], strict=False)] == [10.5, 20.5, 40.5, 80.5]
    assert events_of(result, "BackOff").message.str.contains('Back-off pulling image "bad:1"').all()
    assert result.pods.started_s.isna().all()


def test_crash_loop_backoff_first_restart_at_once_then_10_20_40() -> None:
    # kuberuntime doBackOff: no back-off entry at the first exit, so the kubelet restarts at once (and
    # records 10 s); from the second exit on it waits the entry's delay counted from the exit
    result = run_config(cluster=ONE_NODE, deployments=[_dep("a", crash_after_s=5)], duration_s=200,
                        kubelet={"container_start_s": 0.5, "pleg_relist_period_s": 1.0})
    backoff = events_of(result, "BackOff")
    assert backoff.message.str.extract(r"Back-off (\d+)s")[0].astype(int).tolist()[:3] == [10, 20, 40]
    started = events_of(result, "Started").t.to_numpy()
    gaps = [round(b - a, 6) for a, b in zip(started, started[1:], strict=False)]
    # crash 5 s after start, noticed at the next whole-second relist, 0.5 s to start again
    assert 5 + 0.5 < gaps[0] <= 5 + 1.0 + 0.5
    assert gaps[1:4] == [5 + 10 + 0.5, 5 + 20 + 0.5, 5 + 40 + 0.5]
    assert backoff.t.iloc[0] > started[1]  # no BackOff before the first restart
    assert result.pods.restarts.iloc[0] == len(started) - 1


def test_liveness_failure_kills_and_restarts() -> None:
    result = run_config(cluster=ONE_NODE, duration_s=120,
                        deployments=[_dep("a", hang_after_s=20, liveness_probe={"period_s": 10, "failure_threshold": 3},
                                          readiness_probe={"period_s": 10, "failure_threshold": 1})])
    killing = events_of(result, "Killing")
    assert killing.message.str.contains("failed liveness probe").any()
    started = events_of(result, "Started").t.iloc[0]
    first_kill = killing.t.iloc[0]
    # hang at start+20; probes tick every 10 s from pod admission; 3 failures -> killed at the third failing tick
    assert 20 + 20 <= first_kill - started <= 20 + 20 + 10
    assert events_of(result, "Unhealthy").message.str.startswith("Readiness").any()


def test_readiness_waits_for_the_probe_tick() -> None:
    result = run_config(cluster=ONE_NODE, duration_s=60, images={"preloaded": ["img:1"]},
                        deployments=[_dep("a", ready_after_s=8, readiness_probe={"period_s": 10, "initial_delay_s": 5})])
    pod = result.pods.iloc[0]
    admitted = pod.scheduled_s + 0.05  # the kubelet sees the binding one watch latency later
    assert pod.ready_s == pytest.approx(first_tick_at_or_after(pod.started_s + 8, admitted, 10))


def test_graceful_termination_honours_shutdown_and_grace() -> None:
    dep = _dep("a", replicas=2, shutdown_s=12)
    dep["termination_grace_period_s"] = 5
    result = run_config(cluster=ONE_NODE, deployments=[dep], duration_s=100,
                        workloads=[{"name": "DeploymentUpdate", "args": {"at_s": 30, "deployment": "a", "replicas": 1}}])
    gone = result.pods[result.pods.deletion_s.notna()]
    assert len(gone) == 1
    # grace 5 s caps the app's 12 s shutdown; the kubelet sees the deletion one watch latency later
    assert gone.deleted_s.iloc[0] - gone.deletion_s.iloc[0] == pytest.approx(5 + 0.05, abs=1e-6)
    assert events_of(result, "Killing").message.str.startswith("Stopping container").sum() == 1


def test_probe_formulas() -> None:
    p = Probe(period_s=10, failure_threshold=3, success_threshold=2, initial_delay_s=15)
    assert first_tick_at_or_after(3.0, 0.0, 10) == 10 and first_tick_at_or_after(-1, 0.0, 10) == 0
    assert readiness_time(None, 4.0, 100.0, 0.0) == 4.0  # no probe: Ready when running
    assert readiness_time(p, 2.0, 0.0, 0.0) == 20 + 10  # first tick >= 17, then a second success
    assert liveness_kill_time(p, 0.0, 31.0, 0.0) == 40 + 20


def test_lease_renew_time_is_exact_without_events() -> None:
    lease = Lease(ObjectMeta("n", "kube-node-lease"), 40, 10, first_renew_s=3.0)
    assert lease.renew_time(2.9) is None and lease.renew_time(3.0) == 3.0 and lease.renew_time(47.5) == 43.0
    lease.stopped_s = 50.0
    assert lease.renew_time(1000) == 43.0
    lease.restart(100.0)
    assert lease.renew_time(99) == 43.0 and lease.renew_time(125) == 120.0
