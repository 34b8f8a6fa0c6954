"""Pod garbage collector: ``pkg/controller/podgc/gc_controller.go``.

Every 20 s (``gcCheckPeriod``), starting at once, one pass runs, in upstream's order:
- gcTerminated: above ``--terminated-pod-gc-threshold`` (0 disables) the excess terminated pods are
  deleted, Evicted ones first, then oldest first, then by name (byEvictionAndCreationTimestamp);
- gcTerminating: terminating pods on a NotReady node carrying ``node.kubernetes.io/out-of-service``
  (any value, any effect) are force-deleted;
- gcOrphaned: a node that pods are bound to but the node informer does not know is queued for the
  40 s quarantine (a delaying queue: ``AddAfter`` keeps the earlier time); once its time has come it is
  looked up in the informer and with a live GET, and only if both miss it are its pods force-deleted,
  each first marked with a DisruptionTarget condition (DeletionByPodGC, "PodGC: node no longer exists");
- gcUnscheduledTerminating: terminating pods bound to no node are force-deleted.
A pod not yet Succeeded or Failed is patched to Failed before it is deleted (markFailedAndDeletePod).
Terminated and terminating pods are tracked from the pod watch, so a pass costs nothing per healthy pod.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable
from typing import Any

from clustersim.api.errors import StatusError
from clustersim.api.objects import TAINT_OUT_OF_SERVICE, ConditionStatus, Node, Pod
from clustersim.api.types import PodPhase
from clustersim.apiserver import DELETED
from clustersim.controllers.base import CONTROLLERS, Controller

__all__ = ["DelayingQueue", "ORPHAN_CONDITION", "PodGCController", "by_eviction_and_creation", "terminating_out_of_service"]

ORPHAN_CONDITION = ("DeletionByPodGC", "PodGC: node no longer exists")


def by_eviction_and_creation(pod: Pod) -> tuple[bool, float, str]:
    """Sort key of byEvictionAndCreationTimestamp: Evicted first, then creation time, then name."""
    evicted = pod.status.phase is PodPhase.FAILED and pod.status.reason == "Evicted"
    return (not evicted, pod.meta.creation_s, pod.meta.name)


def terminating_out_of_service(pods: Iterable[Pod], node: Callable[[str], Node | None]) -> list[Pod]:
    """Terminating pods whose node exists, is not Ready, and has the out-of-service taint."""
    out = []
    for pod in pods:
        if pod.meta.deletion_s is None:
            continue
        n = node(pod.node_name)
        if n is not None and n.ready is not ConditionStatus.TRUE and any(t.key == TAINT_OUT_OF_SERVICE for t in n.taints):
            out.append(pod)
    return sorted(out, key=by_eviction_and_creation)


class DelayingQueue:
    """client-go's delaying work queue, for node names: ``add_after`` keeps the earlier ready time; an
    item whose time has come is ready (once, however often it was added)."""

    def __init__(self) -> None:
        self.waiting: dict[str, float] = {}
        self.ready: dict[str, None] = {}

    def add_after(self, item: str, delay_s: float, now: float) -> None:
        """AddAfter."""
        at = now + delay_s
        if item not in self.waiting or at < self.waiting[item]:
            self.waiting[item] = at

    def promote(self, now: float) -> None:
        """Move items whose time has come to the ready queue (the waiting loop)."""
        for item, at in sorted(self.waiting.items(), key=lambda kv: (kv[1], kv[0])):
            if at <= now:
                del self.waiting[item]
                self.ready[item] = None

    def pop_ready(self, now: float) -> list[str]:
        """Get every ready item (and mark it done)."""
        self.promote(now)
        items, self.ready = list(self.ready), {}
        return items


@CONTROLLERS.register("PodGC")
class PodGCController(Controller):
    """Deletes pods nobody else will."""

    name = "PodGC"

    def setup(self) -> None:
        """Track terminated and terminating pods and the nodes the informer knows; start the passes."""
        self.init_caches()
        self.state.watch("Pod", self.on_pod)
        self.state.watch("Node", self.on_node)
        self.env.process(self.gc_loop())

    def start(self) -> None:
        """Periodic, no work queue."""
        self.setup()

    def init_caches(self) -> None:
        """Empty informer caches and quarantine queue."""
        self.terminated: dict[str, Pod] = {}
        self.terminating: dict[str, Pod] = {}
        self.informer_nodes: set[str] = set()
        self.queue = DelayingQueue()

    def on_pod(self, etype: str, pod: Pod) -> None:
        """The pod informer."""
        gone = etype == DELETED
        if not gone and pod.terminal:
            self.terminated[pod.key] = pod
        else:
            self.terminated.pop(pod.key, None)
        if not gone and pod.meta.deletion_s is not None:
            self.terminating[pod.key] = pod
        else:
            self.terminating.pop(pod.key, None)

    def on_node(self, etype: str, node: Node) -> None:
        """The node informer."""
        if etype == DELETED:
            self.informer_nodes.discard(node.meta.name)
        else:
            self.informer_nodes.add(node.meta.name)

    def gc_loop(self) -> Generator[Any, Any, None]:
        """``wait.UntilWithContext(gc, gcCheckPeriod)``: a pass now, then every period."""
        while True:
            if self.connected:
                self.gc()
            yield self.env.timeout(self.cfg.pod_gc_period_s)

    def gc(self) -> tuple[list[Pod], list[Pod]]:
        """One pass; returns (deleted, patched) pods."""
        deleted: list[Pod] = []
        patched: list[Pod] = []
        threshold = self.cfg.terminated_pod_gc_threshold
        if threshold > 0 and len(self.terminated) > threshold:
            excess = sorted(self.terminated.values(), key=by_eviction_and_creation)[: len(self.terminated) - threshold]
            for pod in excess:
                self._delete(pod, None, "PodGC: terminated pods above threshold", deleted, patched)
        for pod in terminating_out_of_service(list(self.terminating.values()), self._informer_node):
            self._delete(pod, None, "PodGC: node is out of service", deleted, patched)
        self.gc_orphaned(deleted, patched)
        for pod in sorted(self.terminating.values(), key=by_eviction_and_creation):
            if not pod.node_name:
                self._delete(pod, None, "PodGC: unscheduled pod is terminating", deleted, patched)
        return deleted, patched

    def _informer_node(self, name: str) -> Node | None:
        return self.state.get("Node", name) if name in self.informer_nodes else None

    def gc_orphaned(self, deleted: list[Pod], patched: list[Pod]) -> None:
        """Quarantine nodes missing from the informer; delete the pods of those still missing after it."""
        now = self.env.now
        for name in sorted(self.state.nodes_with_pods()):
            if name not in self.informer_nodes:
                self.queue.add_after(name, self.cfg.pod_gc_orphan_quarantine_s, now)
        gone = [n for n in self.queue.pop_ready(now) if n not in self.informer_nodes and self.state.get("Node", n) is None]
        for name in gone:
            for pod in sorted(self.state.pods_on_node(name), key=lambda p: p.key):
                self._delete(pod, ORPHAN_CONDITION, "PodGC: node no longer exists", deleted, patched)

    def _delete(self, pod: Pod, condition: tuple[str, str] | None, why: str, deleted: list[Pod], patched: list[Pod]) -> None:
        """markFailedAndDeletePodWithCondition: non-terminal pods become Failed first; then delete, grace 0."""
        if self.state.get("Pod", pod.key) is not pod:
            return
        try:
            if not pod.terminal:
                self.state.authorize("patch", pod, "status")
                pod.status.phase = PodPhase.FAILED
                if condition is not None:
                    pod.status.disruption_target = condition[0]
                self.state.patch(pod, "status")  # ApplyStatus: a patch of pods/status
                patched.append(pod)
            self.state.delete("Pod", pod.key, grace_s=0)
        except StatusError:
            return  # refused: logged upstream, tried again at the next pass
        self.rec.event("Pod", pod.meta.namespace, pod.meta.name, "PodGCDeleted", why, pod.node_name)
        deleted.append(pod)
