"""A kube-state-metrics-like observer: counts pods by phase and nodes by Ready, from watches."""

from __future__ import annotations

from clustersim.api.objects import LABEL_ZONE, ConditionStatus, Node, Pod
from clustersim.api.types import PodPhase
from clustersim.metrics.recorder import Recorder
from clustersim.state import DELETED, ClusterState

__all__ = ["KubeStateMetrics"]


class KubeStateMetrics:
    """Levels ``pods_pending``, ``pods_running``, ``pods_terminating``, ``nodes_ready`` (per zone)."""

    def __init__(self, state: ClusterState, rec: Recorder) -> None:
        self.state, self.rec = state, rec
        self._pod: dict[str, str] = {}
        self._node: dict[str, tuple[str, bool]] = {}

    def start(self) -> None:
        """Watch pods and nodes."""
        self.state.watch("Pod", self._on_pod)
        self.state.watch("Node", self._on_node)

    def _on_pod(self, etype: str, pod: Pod) -> None:
        uid = pod.meta.uid
        if etype == DELETED:
            new = None
        elif pod.terminating:
            new = "pods_terminating"
        elif pod.status.phase is PodPhase.PENDING:
            new = "pods_pending"
        elif pod.status.phase is PodPhase.RUNNING:
            new = "pods_running"
        else:
            new = "pods_completed"
        old = self._pod.get(uid)
        if old == new:
            return
        if old is not None:
            self.rec.add(old, -1)
        if new is None:
            self._pod.pop(uid, None)
            if pod.meta.uid:
                self.rec.pod_mark(uid, "deleted_s")
        else:
            self._pod[uid] = new
            self.rec.add(new, 1)
            if new == "pods_terminating":
                self.rec.pod_mark(uid, "deletion_s", pod.meta.deletion_s)

    def _on_node(self, etype: str, node: Node) -> None:
        name = node.meta.name
        old = self._node.get(name)
        zone = node.meta.labels.get(LABEL_ZONE, "")  # the plain label, not the controller's region-zone key
        new = None if etype == DELETED else (zone, node.ready is ConditionStatus.TRUE)
        if old == new:
            return
        if old is not None:
            self.rec.add("nodes_ready" if old[1] else "nodes_not_ready", -1, zone=old[0])
        if new is None:
            self._node.pop(name, None)
        else:
            self._node[name] = new
            self.rec.add("nodes_ready" if new[1] else "nodes_not_ready", 1, zone=new[0])
        self.rec.level("node_ready", 0.0 if new is None or not new[1] else 1.0, name=name, zone=zone)
