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


def test_pull_time_from_size_and_bandwidth_then_cached() -> None:
    result = run_config(cluster=ONE_NODE, deployments=[_dep("a", replicas=2)], duration_s=60,
                        images={"sizes_mib": {"img:1": 200}}, kubelet={"image_pull_bandwidth_mib_s": 100})
    pulled = events_of(result, "Pulled")
    fresh = pulled[pulled.message.str.startswith("Successfully")]
    assert len(fresh) == 1 and "in 2.500s" in fresh.message.iloc[0]  # 0.5 s overhead + 200 MiB / 100 MiB/s
    assert pulled.message.str.contains("already present").sum() == 1  # the second pod waited for the same pull
    pulling = events_of(result, "Pulling")
    assert len(pulling) == 1


def test_serialized_pulls_queue_on_a_node() -> None:
    result = run_config(cluster=ONE_NODE, deployments=[_dep("a", "img:a"), _dep("b", "img:b")], duration_s=60,
                        images={"default_size_mib": 100}, kubelet={"image_pull_bandwidth_mib_s": 100})
    pulling = events_of(result, "Pulling").t.tolist()
    assert len(pulling) == 2 and pulling[1] - pulling[0] == pytest.approx(1.5)  # the second starts when the first ends
    parallel = run_config(cluster=ONE_NODE, deployments=[_dep("a", "img:a"), _dep("b", "img:b")], duration_s=60,
                          images={"default_size_mib": 100}, kubelet={"image_pull_bandwidth_mib_s": 100, "serialize_image_pulls": False})
    assert events_of(parallel, "Pulling").t.nunique() == 1


def test_image_pull_backoff_doubles() -> None:
    result = run_config(cluster=ONE_NODE, deployments=[_dep("a", "bad:1")], duration_s=200, images={"failing": ["bad:1"]})
    failed = events_of(result, "Failed")
    attempts = failed[failed.message.str.startswith("Failed to pull")].t.to_numpy()
    # each failed attempt takes the 0.5 s overhead, then waits 10, 20, 40, 80 s
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
