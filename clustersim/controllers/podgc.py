"""Pod garbage collector: ``pkg/controller/podgc/gc_controller.go``.

Every 20 s (``gcCheckPeriod``): deletes the oldest terminated pods beyond
``--terminated-pod-gc-threshold``; force-deletes pods bound to nodes that have been missing for the
40 s quarantine; force-deletes terminating pods on NotReady nodes carrying the
``node.kubernetes.io/out-of-service`` taint. Terminated pods are tracked from the pod watch, so a
pass costs nothing per healthy pod.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from clustersim.api.objects import TAINT_OUT_OF_SERVICE, ConditionStatus, Pod
from clustersim.apiserver import DELETED
from clustersim.controllers.base import CONTROLLERS, Controller

__all__ = ["PodGCController"]


@CONTROLLERS.register("PodGC")
class PodGCController(Controller):
    """Deletes pods nobody else will."""

    name = "PodGC"

    def setup(self) -> None:
        """Track terminated pods; start the periodic pass."""
        self.terminated: dict[str, Pod] = {}
        self.missing_since: dict[str, float] = {}
        self.state.watch("Pod", self._on_pod)
        self.env.process(self.gc_loop())

    def start(self) -> None:
        """Periodic, no work queue."""
        self.setup()

    def _on_pod(self, etype: str, pod: Pod) -> None:
        if etype != DELETED and pod.terminal:
            self.terminated[pod.key] = pod
        else:
            self.terminated.pop(pod.key, None)

    def gc_loop(self) -> Generator[Any, Any, None]:
        """One pass every ``pod_gc_period_s``."""
        while True:
            yield self.env.timeout(self.cfg.pod_gc_period_s)
            if self.connected:
                self.gc()

    def gc(self) -> None:
        """gcTerminated, gcTerminating, gcOrphaned."""
        threshold = self.cfg.terminated_pod_gc_threshold
        if threshold > 0 and len(self.terminated) > threshold:
            excess = sorted(self.terminated.values(), key=lambda p: p.meta.creation_s)[: len(self.terminated) - threshold]
            for pod in excess:
                self._force_delete(pod, "PodGC: terminated pods above threshold")
        for node in list(self.state.list("Node")):
            if node.ready is not ConditionStatus.TRUE and any(t.key == TAINT_OUT_OF_SERVICE for t in node.taints):
                for pod in self.state.pods_on_node(node.meta.name):
                    if pod.terminating:
                        self._force_delete(pod, "PodGC: node is out of service")
        now = self.env.now
        bound_nodes: set[str] = set(self.state.nodes_with_pods())
        for name in sorted(bound_nodes):
            if self.state.get("Node", name) is not None:
                self.missing_since.pop(name, None)
                continue
            since = self.missing_since.setdefault(name, now)
            if now - since >= self.cfg.pod_gc_orphan_quarantine_s:
                for pod in self.state.pods_on_node(name):
                    self._force_delete(pod, "PodGC: node no longer exists")

    def _force_delete(self, pod: Pod, why: str) -> None:
        self.rec.event("Pod", pod.meta.namespace, pod.meta.name, "PodGCDeleted", why, pod.node_name)
        self.state.delete("Pod", pod.key, grace_s=0)
