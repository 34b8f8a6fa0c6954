"""Put a snapshot's cluster in place at t=0, through the normal paths: the nodes' conditions before their
kubelets register them; ReplicaSets and pods created in the API with their owners (resolved by kind and
name, as the objects' ownerReferences name them) and their status; the containers of Running pods on
Ready nodes already running in each host's container runtime, so the kubelet's first sync finds them
running and starts nothing (kuberuntime ``computePodActions``), and the controllers count them as theirs.

Simplified: a node that is not Ready in the snapshot starts with its kubelet down (the reason is not in the
snapshot), and its pods are not running; a pod that is Running but not Ready is taken to be starting:
it becomes Ready when its probes next pass.
"""

from __future__ import annotations

from dataclasses import replace

from clustersim.api.objects import ConditionStatus, Node, OwnerRef, Pod
from clustersim.api.types import PodPhase
from clustersim.apiserver import ClusterState
from clustersim.config.models import SimConfig
from clustersim.infra import Infrastructure
from clustersim.materialize import pod_from_config, replicaset_from_config
from clustersim.metrics.recorder import Recorder

__all__ = ["create_snapshot_objects", "set_node_conditions", "snapshot_images"]

REVISION_ANN = "deployment.kubernetes.io/revision"


def set_node_conditions(cfg: SimConfig, nodes: list[Node], infra: Infrastructure) -> None:
    """Conditions of the snapshot's nodes, set before their kubelets register them."""
    if cfg.snapshot is None:
        return
    for node in nodes:
        st = cfg.snapshot.nodes.get(node.meta.name)
        if st is None:
            continue
        node.ready = ConditionStatus(st.ready)
        node.ready_transition_s = st.ready_since_s or 0.0
        node.memory_pressure, node.disk_pressure = st.memory_pressure, st.disk_pressure
        if st.ready != "True":
            infra.hosts[node.meta.name].kubelet_running = False


def snapshot_images(cfg: SimConfig, node: str) -> list[str]:
    """Images of the snapshot's pods bound to ``node``: they are on its disk (their containers ran there)."""
    if cfg.snapshot is None:
        return []
    return sorted({c.image for p in cfg.snapshot.pods if p.node_name == node for c in p.containers if c.image})


def _owner(state: ClusterState, kind: str, namespace: str, name: str) -> OwnerRef | None:
    obj = state.get(kind, f"{namespace}/{name}")
    return OwnerRef(kind, name, obj.meta.uid) if obj is not None else None


def create_snapshot_objects(state: ClusterState, infra: Infrastructure, rec: Recorder, cfg: SimConfig) -> None:
    """Create the snapshot's ReplicaSets and pods (after the config's other objects, so owners exist)."""
    snap = cfg.snapshot
    if snap is None:
        return
    for r in snap.replica_sets:
        rs = replicaset_from_config(r, cfg.priority_classes)
        if r.owner is not None:
            rs.meta.owner = _owner(state, "Deployment", r.namespace, r.owner)
        if r.revision is not None:
            rs.meta.annotations[REVISION_ANN] = r.revision
        state.create(rs)
    for p in snap.pods:
        pod = pod_from_config(p, cfg.priority_classes)
        pod.meta.labels = dict(p.labels)
        pod.meta.annotations = dict(p.annotations)
        if p.owner is not None:
            pod.meta.owner = _owner(state, p.owner.kind, p.namespace, p.owner.name)
        pod.workload = p.workload or pod.workload
        st = pod.status
        st.phase = PodPhase(p.phase)
        st.restart_count = p.restart_count
        if p.node_name:
            pod.node_name, st.scheduled = p.node_name, True
            pod.spec = replace(pod.spec, node_name=p.node_name)
        if p.phase != "Pending" and p.node_name:
            st.start_s = p.started_s if p.started_s is not None else 0.0
        if p.ready:
            st.ready, st.ready_transition_s = True, p.ready_since_s if p.ready_since_s is not None else 0.0
        state.create(pod)
        rec.pod(pod.meta.uid, pod.meta.namespace, pod.meta.name, pod.workload)
        if pod.node_name:
            rec.pod_mark(pod.meta.uid, "node", pod.node_name)
        _running(infra, pod, p.ready, p.started_s)


def _running(infra: Infrastructure, pod: Pod, ready: bool, started_s: float | None) -> None:
    """A Running pod on a Ready node: its containers run in the host's runtime (since ``started_s``)."""
    host = infra.hosts.get(pod.node_name)
    if pod.status.phase is not PodPhase.RUNNING or host is None or not host.kubelet_running:
        return
    # a Ready pod has been up since it started; one not Ready is taken to be starting now
    host.running_at_start[pod.key] = (started_s if started_s is not None else 0.0) if ready else 0.0
