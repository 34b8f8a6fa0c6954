"""A kube-state-metrics-like observer: counts pods by phase and nodes by Ready, from watches."""

from __future__ import annotations

from typing import Any

from clustersim.api.objects import LABEL_ZONE, ConditionStatus, Node, Pod
from clustersim.api.types import PodPhase
from clustersim.apiserver import DELETED, ClusterState
from clustersim.metrics.recorder import Recorder

POOL_LABEL = "clustersim.io/node-pool"  # set on the nodes of cluster.node_pools and cloud.node_pools

__all__ = ["KubeStateMetrics"]


class KubeStateMetrics:
    """Levels ``pods_pending``, ``pods_running``, ``pods_terminating``, ``nodes_ready`` (per zone), and each
    pod's and node's status changes (what kube-state-metrics exports as ``kube_pod_status_*`` and
    ``kube_node_*``), seen one watch latency after the write, as a real exporter sees them."""

    def __init__(self, state: ClusterState, rec: Recorder) -> None:
        self.state, self.rec = state, rec
        self._pod: dict[str, str] = {}
        self._node: dict[str, tuple[str, bool]] = {}
        # (namespace, workload, path) -> node -> pods using the data there now (0: orphaned data)
        self._host_data: dict[tuple[str, str, str], dict[str, int]] = {}
        self._started: set[str] = set()
        self.data_loss = 0
        self._req: dict[str, tuple[int, int]] = {}  # pods on nodes: uid -> (cpu m, memory)
        self._alloc: dict[str, tuple[int, int]] = {}  # nodes: allocatable (cpu m, memory)
        self._sums = [0, 0, 0, 0]  # requested cpu, memory; allocatable cpu, memory
        self._pod_state: dict[str, tuple[PodPhase, bool, int, str]] = {}
        self._node_state: dict[str, tuple[Any, ...]] = {}

    def start(self) -> None:
        """Watch pods and nodes."""
        self.state.watch("Pod", self._on_pod)
        self.state.watch("Node", self._on_node)

    def _volumes(self, etype: str, pod: Pod) -> None:
        """Data-loss events: an emptyDir's data dies with its pod; a hostPath's data stays on its node,
        so a pod of the same workload starting elsewhere does not see it.

        A pod's data is given up when it is marked for deletion (a deletion cannot be undone), not
        when it is finally removed: the pods of a node that died for good stay Terminating forever,
        and their replacements start before they are finalized.
        """
        uid, vols = pod.meta.uid, pod.spec.volumes
        if etype == DELETED or pod.terminating:
            if uid in self._started:
                self._started.discard(uid)
                for v in vols:
                    if v.kind == "emptyDir":
                        self._loss(pod, f"emptyDir {v.name} of pod {pod.meta.name} deleted with the pod")
                    elif v.kind == "hostPath":
                        users = self._host_data[(pod.meta.namespace, pod.workload, v.path)]
                        users[pod.node_name] -= 1
            return
        if pod.status.start_s is None or uid in self._started or not pod.node_name:
            return
        self._started.add(uid)
        for v in vols:
            if v.kind != "hostPath":
                continue
            users = self._host_data.setdefault((pod.meta.namespace, pod.workload, v.path), {})
            if pod.node_name not in users:
                # a replacement starting where there is no data, while a gone pod's data sits on another node
                orphans = sorted(n for n, c in users.items() if c == 0)
                if orphans:
                    self._loss(pod, f"hostPath {v.path} data of a gone pod is on {orphans[0]}, not on {pod.node_name}")
                    del users[orphans[0]]  # counted once
            users[pod.node_name] = users.get(pod.node_name, 0) + 1

    def _loss(self, pod: Pod, message: str) -> None:
        self.data_loss += 1
        self.rec.add("data_loss_events", 1)
        self.rec.event("Pod", pod.meta.namespace, pod.meta.name, "DataLoss", message, pod.node_name, "Warning")

    def _allocation(self) -> None:
        rc, rm, ac, am = self._sums
        self.rec.level("cluster_cpu_allocation", round(rc / ac, 4) if ac else 0.0)
        self.rec.level("cluster_memory_allocation", round(rm / am, 4) if am else 0.0)

    def _track_requests(self, etype: str, pod: Pod) -> None:
        uid = pod.meta.uid
        placed = etype != DELETED and bool(pod.node_name) and not pod.terminal
        if placed:
            r = pod.spec.requests
            if self._req.get(uid) == (r.cpu_m, r.memory):
                return  # still placed, same requests: the sums and levels stand
        old = self._req.pop(uid, None)
        if old is not None:
            self._sums[0] -= old[0]
            self._sums[1] -= old[1]
        if placed:
            r = pod.spec.requests
            self._req[uid] = (r.cpu_m, r.memory)
            self._sums[0] += r.cpu_m
            self._sums[1] += r.memory
        if old is not None or placed:
            self._allocation()

    def _pod_status(self, etype: str, pod: Pod) -> None:
        uid = pod.meta.uid
        if etype == DELETED:
            self._pod_state.pop(uid, None)
            return
        st = pod.status
        new = (st.phase, st.ready, st.restart_count, st.reason)  # the enum, not its value: no property per event
        old = self._pod_state.get(uid)
        if old == new:
            return
        if old is None:
            r = pod.spec.requests
            self.rec.pod_mark(uid, "request_cpu_m", r.cpu_m or 0)
            self.rec.pod_mark(uid, "request_memory_bytes", r.memory or 0)
        self._pod_state[uid] = new
        self.rec.pod_state(uid, st.phase.value, st.ready, st.restart_count, st.reason)

    def _on_pod(self, etype: str, pod: Pod) -> None:
        self._pod_status(etype, pod)
        if pod.spec.volumes:
            self._volumes(etype, pod)
        if pod.node_name or pod.meta.uid in self._req:
            self._track_requests(etype, pod)
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
        old = self._alloc.pop(node.meta.name, None)
        if old is not None:
            self._sums[2] -= old[0]
            self._sums[3] -= old[1]
        if etype != DELETED:
            a = node.allocatable
            self._alloc[node.meta.name] = (a.cpu_m or 0, a.memory or 0)
            self._sums[2] += a.cpu_m or 0
            self._sums[3] += a.memory or 0
        if self._alloc.get(node.meta.name) != old:
            self._allocation()
        self._node_ready(etype, node)
        self._node_status(etype, node)

    def _node_status(self, etype: str, node: Node) -> None:
        name = node.meta.name
        if etype == DELETED:
            new: tuple[Any, ...] = (False, "", False, "", False, 0, 0, 0)
        else:
            a = node.allocatable
            taints = ",".join(f"{t.key}={t.value}:{t.effect.value}" if t.value else f"{t.key}:{t.effect.value}" for t in node.taints)
            new = (True, node.ready.value, node.unschedulable, taints, node.memory_pressure, a.cpu_m or 0, a.memory or 0, a.pods or 0)
        if self._node_state.get(name) == new:
            return
        self._node_state[name] = new
        self.rec.node_state(name, node.meta.labels.get(LABEL_ZONE, ""), new)

    def _node_ready(self, etype: str, node: Node) -> None:
        name = node.meta.name
        old = self._node.get(name)
        zone = node.meta.labels.get(LABEL_ZONE, "")  # the plain label, not the controller's region-zone key
        new = None if etype == DELETED else (zone, node.ready is ConditionStatus.TRUE)
        if old == new:
            return
        if old is not None:
            self.rec.add("nodes_ready" if old[1] else "nodes_not_ready", -1, zone=old[0])
        pool = node.meta.labels.get(POOL_LABEL, "")
        if pool and (old is None) != (new is None):  # Node objects per pool and zone
            self.rec.add("pool_nodes", 1 if old is None else -1, name=pool, zone=zone)
        if new is None:
            self._node.pop(name, None)
        else:
            self._node[name] = new
            self.rec.add("nodes_ready" if new[1] else "nodes_not_ready", 1, zone=new[0])
        self.rec.level("node_ready", 0.0 if new is None or not new[1] else 1.0, name=name, zone=zone)
