"""PodGC (terminated threshold, orphans after the quarantine) and the ReplicaSet's deletion ranking."""

from __future__ import annotations

from clustersim.api.objects import Node, ObjectMeta, Pod
from clustersim.api.types import Container, PodPhase, PodSpec, ResourceList
from clustersim.apiserver import ClusterState
from clustersim.apiserver.admission import DefaultTolerationSeconds
from clustersim.config.models import ControllerManagerConfig
from clustersim.controllers.pod_util import deletion_rank
from clustersim.controllers.podgc import PodGCController
from clustersim.env import ClusterEnv
from clustersim.metrics.recorder import Recorder


def _setup(**cfg: object) -> tuple[ClusterEnv, ClusterState, PodGCController]:
    env = ClusterEnv(1)
    state = ClusterState(env, 0.0, DefaultTolerationSeconds())
    gc = PodGCController(env, state, Recorder(env), ControllerManagerConfig(**cfg))
    gc.start()
    return env, state, gc


def _pod(state: ClusterState, name: str, node: str, phase: PodPhase = PodPhase.RUNNING) -> Pod:
    pod = state.create(Pod(ObjectMeta(name, "ns"), PodSpec((Container("c", "i"),))))
    state.bind(pod, node)
    pod.status.phase = phase
    state.update(pod)
    return pod


def test_terminated_pods_above_threshold_are_deleted_oldest_first() -> None:
    env, state, _ = _setup(terminated_pod_gc_threshold=2)
    alloc = ResourceList(1000, 1000, 10)
    state.create(Node(ObjectMeta("n"), alloc, alloc))
    for i in range(5):
        env.run(until=i + 1)
        _pod(state, f"done-{i}", "n", PodPhase.SUCCEEDED)
    _pod(state, "running", "n")
    env.run(until=21)  # passes at t=0 and t=20
    left = sorted(p.meta.name for p in state.list("Pod"))
    assert left == ["done-3", "done-4", "running"]


def test_orphans_are_deleted_after_the_quarantine() -> None:
    env, state, _ = _setup(pod_gc_orphan_quarantine_s=40)
    _pod(state, "orphan", "gone-node")  # bound to a node that does not exist
    env.run(until=39)
    assert state.get("Pod", "ns/orphan") is not None  # first pass at t=0 (wait.Until runs at once), quarantine until 40
    env.run(until=41)
    assert state.get("Pod", "ns/orphan") is None


def _ranked(**status: object) -> Pod:
    pod = Pod(ObjectMeta(str(status), "ns"), PodSpec((Container("c", "i"),)))
    pod.node_name = str(status.pop("node", "n"))
    pod.meta.creation_s = float(status.pop("created", 0.0))  # type: ignore[arg-type]
    for key, value in status.items():
        setattr(pod.status, key, value)
    return pod


def test_deletion_ranking_follows_active_pods_less() -> None:
    unassigned = _ranked(node="", phase=PodPhase.PENDING)
    pending = _ranked(phase=PodPhase.PENDING)
    not_ready = _ranked(phase=PodPhase.RUNNING, ready=False)
    ready_recent = _ranked(phase=PodPhase.RUNNING, ready=True, ready_since_s=100.0)
    ready_old = _ranked(phase=PodPhase.RUNNING, ready=True, ready_since_s=10.0)
    ready_old_restarting = _ranked(phase=PodPhase.RUNNING, ready=True, ready_since_s=10.0, restart_count=3)
    ready_old_newer = _ranked(phase=PodPhase.RUNNING, ready=True, ready_since_s=10.0, created=5.0)
    pods = [ready_old, ready_old_newer, ready_recent, not_ready, pending, ready_old_restarting, unassigned]
    assert sorted(pods, key=deletion_rank) == [unassigned, pending, not_ready, ready_recent, ready_old_restarting,
                                               ready_old_newer, ready_old]
