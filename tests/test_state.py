"""ClusterState: versions, watch latency and order, graceful pod deletion, indexes."""

from __future__ import annotations

from clustersim.api.objects import ObjectMeta, OwnerRef, Pod
from clustersim.api.types import Container, PodPhase, PodSpec
from clustersim.apiserver import ClusterState
from clustersim.apiserver.admission import DefaultTolerationSeconds
from clustersim.env import ClusterEnv


def _state(latency: float = 0.5) -> tuple[ClusterEnv, ClusterState, list]:
    env = ClusterEnv(1)
    state = ClusterState(env, latency, DefaultTolerationSeconds())
    log: list = []
    state.watch("Pod", lambda etype, pod: log.append((env.now, etype, pod.meta.name, pod.meta.resource_version)))
    return env, state, log


def _pod(name: str, owner: str | None = None) -> Pod:
    meta = ObjectMeta(name, "ns", owner=OwnerRef("ReplicaSet", owner, f"uid-{owner}") if owner else None)
    return Pod(meta, PodSpec((Container("c", "i"),), termination_grace_period_s=30))


def test_watch_events_arrive_after_latency_in_write_order() -> None:
    env, state, log = _state(0.5)
    a = state.create(_pod("a"))
    env.timeout(1.0).callbacks.append(lambda _e: state.update(a))
    state.create(_pod("b"))
    env.run(until=3)
    assert [(t, e, n) for t, e, n, _ in log] == [(0.5, "ADDED", "a"), (0.5, "ADDED", "b"), (1.5, "MODIFIED", "a")]
    assert log[0][3] < log[1][3] < log[2][3]  # resource versions increase


def test_pod_deletion_is_graceful_only_when_bound_and_running() -> None:
    env, state, log = _state(0.0)
    unbound = state.create(_pod("u"))
    assert state.delete("Pod", unbound.key)
    assert state.get("Pod", unbound.key) is None  # not on a node: removed at once
    bound = state.create(_pod("b"))
    state.bind(bound, "node-1")
    state.delete("Pod", bound.key)
    assert state.get("Pod", bound.key) is bound and bound.terminating and bound.meta.deletion_grace_s == 30
    done = state.create(_pod("d"))
    state.bind(done, "node-1")
    done.status.phase = PodPhase.SUCCEEDED
    state.delete("Pod", done.key)
    assert state.get("Pod", done.key) is None
    assert [p.meta.name for p in state.pods_on_node("node-1")] == ["b"]


def test_admission_and_owner_index() -> None:
    env, state, _ = _state()
    pod = state.create(_pod("x", owner="rs"))
    assert {t.key for t in pod.spec.tolerations} == {"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"}
    assert state.owned_by("uid-rs") == [pod]
    state.delete("Pod", pod.key)
    assert state.owned_by("uid-rs") == []


def test_writes_to_a_deleted_object_fail_and_notify_nobody() -> None:
    env, state, log = _state(0.0)
    pod = state.create(_pod("gone"))
    state.delete("Pod", pod.key)
    assert state.update(pod) is False
    env.run(until=1)
    assert [e for _, e, _, _ in log] == ["ADDED", "DELETED"]
