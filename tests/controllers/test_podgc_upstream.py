"""PodGC's upstream rules (pkg/controller/podgc/gc_controller.go) in a running store."""

from __future__ import annotations

from clustersim.api.objects import TAINT_OUT_OF_SERVICE, ConditionStatus, Node, ObjectMeta, Pod
from clustersim.api.types import Container, PodPhase, PodSpec, ResourceList, Taint, TaintEffect
from clustersim.apiserver import ClusterState
from clustersim.apiserver.admission import DefaultTolerationSeconds
from clustersim.config.models import ControllerManagerConfig
from clustersim.controllers.podgc import PodGCController
from clustersim.env import ClusterEnv
from clustersim.metrics.recorder import Recorder

ALLOC = ResourceList(1000, 1 << 30, 10)


def _setup(**cfg: object) -> tuple[ClusterEnv, ClusterState, Recorder]:
    env = ClusterEnv(1)
    state = ClusterState(env, 0.05, DefaultTolerationSeconds())
    rec = Recorder(env)
    PodGCController(env, state, rec, ControllerManagerConfig(**cfg)).start()
    return env, state, rec


def _pod(state: ClusterState, name: str, node: str, phase: PodPhase = PodPhase.RUNNING, reason: str = "") -> Pod:
    pod = state.create(Pod(ObjectMeta(name, "ns"), PodSpec((Container("c", "i"),)), node_name=node))
    pod.status.phase, pod.status.reason = phase, reason
    state.update(pod)
    return pod


def test_evicted_pods_go_first_above_the_threshold() -> None:
    env, state, _ = _setup(terminated_pod_gc_threshold=1)
    state.create(Node(ObjectMeta("n"), ALLOC, ALLOC))
    _pod(state, "old-succeeded", "n", PodPhase.SUCCEEDED)
    env.run(until=1)
    _pod(state, "new-evicted", "n", PodPhase.FAILED, "Evicted")
    env.run(until=21)
    assert [p.meta.name for p in state.list("Pod")] == ["old-succeeded"]


def test_orphans_are_marked_failed_with_a_disruption_target_before_deletion() -> None:
    env, state, _ = _setup()
    pod = _pod(state, "orphan", "gone")
    seen = []
    state.watch("Pod", lambda e, p: seen.append((e, p.status.phase, p.status.disruption_target)))
    env.run(until=41)
    assert state.get("Pod", "ns/orphan") is None
    assert ("MODIFIED", PodPhase.FAILED, "DeletionByPodGC") in seen and seen[-1][0] == "DELETED"
    assert pod.status.phase is PodPhase.FAILED


def test_a_node_that_returns_within_the_quarantine_keeps_its_pods() -> None:
    env, state, _ = _setup()
    _pod(state, "p", "late-node")
    env.run(until=30)
    state.create(Node(ObjectMeta("late-node"), ALLOC, ALLOC))  # registered before the quarantine ends
    env.run(until=100)
    assert state.get("Pod", "ns/p") is not None


def test_terminating_pods_on_an_out_of_service_node_are_force_deleted() -> None:
    env, state, _ = _setup()
    node = state.create(Node(ObjectMeta("dead"), ALLOC, ALLOC))
    node.ready = ConditionStatus.FALSE
    state.update(node)
    pod = _pod(state, "stuck", "dead")
    state.delete("Pod", pod.key)  # graceful: stays terminating, the kubelet is gone
    env.run(until=30)
    assert state.get("Pod", "ns/stuck") is pod  # not without the taint
    node.taints = (Taint(TAINT_OUT_OF_SERVICE, TaintEffect.NO_EXECUTE, "nodeshutdown"),)
    state.update(node)
    env.run(until=50)
    assert state.get("Pod", "ns/stuck") is None
