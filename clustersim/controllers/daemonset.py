"""The DaemonSet controller (pkg/controller/daemon): one pod on every eligible node.

A node is eligible when it matches the pod's nodeSelector and required node affinity and its
NoSchedule/NoExecute taints are tolerated, counting the tolerations the controller adds to every
daemon pod (``util.AddOrUpdateDaemonPodTolerations``): node.kubernetes.io/not-ready and /unreachable
(NoExecute, no time limit), /disk-pressure, /memory-pressure, /pid-pressure and /unschedulable
(NoSchedule). Each pod is pinned to its node by node affinity on the node's name (here its hostname
label) and placed by the default scheduler, as since Kubernetes 1.12. A missing or failed pod is
recreated; a pod on a node that is gone or no longer eligible is deleted.
"""

from __future__ import annotations

from dataclasses import replace

from clustersim.api.objects import LABEL_HOSTNAME, DaemonSet, Node, ObjectMeta, OwnerRef, Pod
from clustersim.api.types import TaintEffect, Toleration, find_untolerated
from clustersim.controllers.base import CONTROLLERS, Controller, Result

__all__ = ["DAEMON_TOLERATIONS", "DaemonSetController"]

DAEMON_TOLERATIONS = (
    Toleration("node.kubernetes.io/not-ready", "Exists", "", "NoExecute"),
    Toleration("node.kubernetes.io/unreachable", "Exists", "", "NoExecute"),
    Toleration("node.kubernetes.io/disk-pressure", "Exists", "", "NoSchedule"),
    Toleration("node.kubernetes.io/memory-pressure", "Exists", "", "NoSchedule"),
    Toleration("node.kubernetes.io/pid-pressure", "Exists", "", "NoSchedule"),
    Toleration("node.kubernetes.io/unschedulable", "Exists", "", "NoSchedule"),
)
_HARD = (TaintEffect.NO_SCHEDULE, TaintEffect.NO_EXECUTE)


@CONTROLLERS.register("DaemonSet")
class DaemonSetController(Controller):
    """Keeps one daemon pod per eligible node."""

    name = "DaemonSet"

    def setup(self) -> None:
        """Reconcile every DaemonSet on node changes, and its own on pod changes."""
        self.state.watch("DaemonSet", lambda _e, ds: self.enqueue(ds.key))
        self.state.watch("Node", self._on_node)
        self.state.watch("Pod", self._on_pod)

    def _on_node(self, _etype: str, _node: Node) -> None:
        for ds in self.state.list("DaemonSet"):
            self.enqueue(ds.key)

    def _on_pod(self, _etype: str, pod: Pod) -> None:
        owner = pod.meta.owner
        if owner is not None and owner.kind == "DaemonSet":
            self.enqueue(f"{pod.meta.namespace}/{owner.name}")

    def _eligible(self, ds: DaemonSet, node: Node) -> bool:
        spec = ds.template.spec
        labels = node.meta.labels
        if not all(labels.get(k) == v for k, v in spec.node_selector):
            return False
        aff = spec.affinity
        if aff is not None and aff.required and not any(t.matches(labels) for t in aff.required):
            return False
        return find_untolerated(node.taints, spec.tolerations + DAEMON_TOLERATIONS, _HARD) is None

    def reconcile(self, key: str) -> Result | None:
        """Create the missing daemon pods, delete the ones that should not be there."""
        ds = self.state.get("DaemonSet", key)
        if ds is None:
            return None
        ns = ds.meta.namespace
        nodes = {n.meta.name: n for n in self.state.list("Node") if self._eligible(ds, n)}
        have: dict[str, list[Pod]] = {}
        for p in self.state.list("Pod"):
            owner = p.meta.owner
            if p.meta.namespace == ns and owner is not None and owner.kind == "DaemonSet" and owner.name == ds.meta.name:
                target = dict(p.spec.node_selector).get(LABEL_HOSTNAME, p.node_name)
                have.setdefault(target, []).append(p)
        for node, pods in have.items():
            for p in pods:
                if (node not in nodes or p.terminal) and not p.terminating:
                    self.state.delete("Pod", p.key)
        for node in sorted(nodes):
            live = [p for p in have.get(node, []) if not p.terminal and not p.terminating]
            if not live:
                self._create(ds, node)
        if ds.desired != len(nodes):
            ds.desired = len(nodes)
            self.state.update(ds)
        self.rec.level("desired_replicas", len(nodes), ns, ds.meta.name)
        return None

    def _create(self, ds: DaemonSet, node: str) -> None:
        ns = ds.meta.namespace
        spec = ds.template.spec
        spec = replace(spec, node_selector=tuple(sorted({**dict(spec.node_selector), LABEL_HOSTNAME: node}.items())),
                       tolerations=spec.tolerations + DAEMON_TOLERATIONS)
        name = f"{ds.meta.name}-{node}"[:63].rstrip("-.")
        existing = self.state.get("Pod", f"{ns}/{name}")
        if existing is not None:
            return  # the old one is still being removed
        pod = Pod(ObjectMeta(name, ns, dict(ds.template.labels), owner=OwnerRef("DaemonSet", ds.meta.name, ds.meta.uid)), spec,
                  workload=ds.meta.name)
        self.state.create(pod)
        self.rec.pod(pod.meta.uid, ns, name, ds.meta.name)
        self.rec.event("DaemonSet", ns, ds.meta.name, "SuccessfulCreate", f"Created pod: {name}")
