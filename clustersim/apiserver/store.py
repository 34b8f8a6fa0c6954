"""ClusterState: the API server and its store, the only state components share.

Components never call each other: they write objects here and learn of other components' writes
through watches, delivered ``watch_latency_s`` after the write, in write order (a constant latency
keeps the order). Writes are visible to reads at once (as a quorum read from etcd); what lags is
the notification.

Simplified: there is no optimistic concurrency (writers never conflict in a single-threaded
simulation) and no informer cache staleness beyond the notification delay.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable
from typing import Any

import simpy

from clustersim.api.errors import StatusError
from clustersim.api.objects import Deployment, Lease, Node, Pod, ReplicaSet
from clustersim.api.rbac import RBAC_KINDS, Namespace, ServiceAccount
from clustersim.api.types import PodPhase
from clustersim.apiserver.admission import DefaultTolerationSeconds
from clustersim.apiserver.watch import Watchers
from clustersim.util.fastpaths import enabled

__all__ = ["ADDED", "DELETED", "MODIFIED", "ClusterState", "Handler"]

ADDED, MODIFIED, DELETED = "ADDED", "MODIFIED", "DELETED"
Obj = Any
Handler = Callable[[str, Obj], None]
KINDS = (Node.KIND, Lease.KIND, Pod.KIND, ReplicaSet.KIND, Deployment.KIND, "PodDisruptionBudget", "Service", "EndpointSlice",
         "StatefulSet", "PersistentVolumeClaim", "DaemonSet", "Job", "CronJob", "HorizontalPodAutoscaler",
         *RBAC_KINDS, Namespace.KIND, ServiceAccount.KIND, "Ingress", "IngressClass")


class ClusterState:
    """Versioned object store with watches, owner and node indexes, and pod admission."""

    def __init__(self, env: simpy.Environment, watch_latency_s: float, admission: DefaultTolerationSeconds) -> None:
        self.env = env
        self.watch_latency_s = watch_latency_s
        self.admission = admission
        self._objects: dict[str, dict[str, Obj]] = {k: {} for k in KINDS}
        self._by_owner: dict[str, dict[str, Obj]] = {}
        self._pods_by_node: dict[str, dict[str, Pod]] = {}
        self.watchers = Watchers(lambda kind: bool(self._objects[kind]), enabled("watch_selectors"))
        self._node_watchers: dict[str, list[Handler]] = {}
        self._rv = 0
        self._uid = 0
        self._batch: builtins.list[tuple[str, str, Obj]] | None = None
        self._batch_t = -1.0
        self._delivering = False
        self._deferred: builtins.list[Callable[[], None]] = []
        self.writes = 0
        self.handler_calls = 0  # watch handler invocations (a cost figure for the benchmarks)
        # metrics.k8s.io, served through the API server's aggregation layer: pod key -> latest PodMetrics
        self.pod_metrics: dict[str, Any] = {}

    # ---- reads
    def get(self, kind: str, key: str) -> Obj | None:
        """The object of ``kind`` with ``key`` (``ns/name`` or node name), or None."""
        return self._objects[kind].get(key)

    def list(self, kind: str) -> Iterable[Obj]:
        """All objects of ``kind`` (a live view; copy before writing while iterating)."""
        return self._objects[kind].values()

    def count(self, kind: str) -> int:
        """Number of objects of ``kind``."""
        return len(self._objects[kind])

    def owned_by(self, uid: str) -> builtins.list[Obj]:
        """Objects whose controller owner has ``uid``."""
        return list(self._by_owner.get(uid, {}).values())

    def pods_on_node(self, node: str) -> builtins.list[Pod]:
        """Pods bound to ``node``."""
        return list(self._pods_by_node.get(node, {}).values())

    def nodes_with_pods(self) -> builtins.list[str]:
        """Names of nodes that have pods bound to them (existing or not)."""
        return [name for name, pods in self._pods_by_node.items() if pods]

    # ---- watches
    def watch(self, kind: str, handler: Handler, etypes: tuple[str, ...] = (ADDED, MODIFIED, DELETED), *,
              gate: Any = None, owner_kind: str | None = None, while_any: str | None = None) -> None:
        """Call ``handler(event_type, obj)`` for every change of ``kind`` (of ``etypes``), after the watch latency.

        ``gate`` (a ``client.Gate``) holds the events while it is closed. Selectors spare the handler
        the changes it would ignore: ``owner_kind``, only objects whose controller owner is of that
        kind; ``while_any``, only while an object of that kind exists (see ``apiserver.watch``).
        """
        self.watchers.add(kind, handler, etypes, gate, owner_kind, while_any)

    def watch_node_pods(self, node: str, handler: Handler) -> None:
        """Like ``watch('Pod')`` with the field selector ``spec.nodeName=node`` (the kubelet's watch)."""
        self._node_watchers.setdefault(node, []).append(handler)

    def _notify(self, etype: str, kind: str, obj: Obj) -> None:
        self.writes += 1
        if self._batch is None or self._batch_t != self.env.now:
            batch: builtins.list[tuple[str, str, Obj]] = []
            self._batch, self._batch_t = batch, self.env.now
            ev = self.env.timeout(self.watch_latency_s)
            ev.callbacks.append(lambda _ev: self._deliver(batch))
        self._batch.append((etype, kind, obj))

    def _deliver(self, batch: builtins.list[tuple[str, str, Obj]]) -> None:
        if self._batch is batch:
            self._batch = None  # writes made while delivering start a new batch
        watchers, node_watchers = self.watchers, self._node_watchers
        routes = watchers.routes
        calls = 0
        self._delivering = True
        for etype, kind, obj in batch:
            owner = obj.meta.owner
            owner_kind = owner.kind if owner is not None else None
            try:
                route = routes[kind][etype][owner_kind]
            except KeyError:
                route = watchers.route(kind, etype, owner_kind)
            calls += len(route)
            for handler, gate in route:
                if gate is None or gate.open:
                    try:  # free unless raised (3.11 zero-cost exceptions)
                        handler(etype, obj)
                    except StatusError as err:  # a component's request refused: its gate retries, never a crash
                        if gate is None:
                            raise
                        gate.handler_failed(handler, etype, obj, err)
                else:
                    gate.hold_event(handler, etype, obj)
            if kind == "Pod" and obj.node_name:
                on_node = node_watchers.get(obj.node_name)
                if on_node:
                    calls += len(on_node)
                    for handler in on_node:
                        handler(etype, obj)
        self.handler_calls += calls
        self._delivering = False
        deferred, self._deferred = self._deferred, []
        for callback in deferred:
            callback()

    def defer(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` at the current time, after the watch batch being delivered (if any).

        Controllers drain their work queues this way: every key a batch enqueued is reconciled once,
        at the time of the batch, without an event per wake-up.
        """
        if self._delivering:
            self._deferred.append(callback)
        else:
            self.env.timeout(0).callbacks.append(lambda _e: callback())

    # ---- writes
    def authorize(self, verb: str, obj: Obj, subresource: str = "") -> None:
        """The store itself authorizes nothing (components reach it through a ``Client``, which does)."""

    def create(self, obj: Obj, subresource: str = "") -> Obj:
        """Store a new object (pods pass admission first); AlreadyExists is a ValueError."""
        kind = obj.KIND
        store = self._objects[kind]
        if obj.key in store:
            raise ValueError(f"{kind} {obj.key} already exists")
        meta = obj.meta
        self._uid += 1
        self._rv += 1
        meta.uid, meta.resource_version, meta.creation_s = f"uid-{self._uid}", self._rv, self.env.now
        if kind == "Pod":
            obj.spec = self.admission.admit(obj.spec)
            if obj.spec.node_name and not obj.node_name:
                obj.node_name = obj.spec.node_name
            if obj.node_name:
                self._pods_by_node.setdefault(obj.node_name, {})[obj.key] = obj
        store[obj.key] = obj
        if len(store) == 1 and kind in self.watchers.conditions:
            self.watchers.changed()
        if meta.owner is not None:
            self._by_owner.setdefault(meta.owner.uid, {})[obj.key] = obj
        self._notify(ADDED, kind, obj)
        return obj

    def update(self, obj: Obj, subresource: str = "") -> bool:
        """Record a change to a stored object (or to its ``subresource``) and notify watchers; False (a 404) if it was deleted."""
        if not self._stored(obj):
            return False
        self._rv += 1
        obj.meta.resource_version = self._rv
        self._notify(MODIFIED, obj.KIND, obj)
        return True

    def set_owner(self, obj: Obj, owner: Any) -> bool:
        """PATCH ``metadata.ownerReferences`` (a controller adopting or releasing ``obj``); False if it was deleted."""
        if not self._stored(obj):
            return False
        meta = obj.meta
        if meta.owner is not None:
            owned = self._by_owner.get(meta.owner.uid)
            if owned is not None:
                owned.pop(obj.key, None)
                if not owned:
                    del self._by_owner[meta.owner.uid]
        meta.owner = owner
        if owner is not None:
            self._by_owner.setdefault(owner.uid, {})[obj.key] = obj
        return self.update(obj)

    def patch(self, obj: Obj, subresource: str = "") -> bool:
        """PATCH: as ``update`` here (the simulator's objects change in place before the write)."""
        return self.update(obj)

    def _stored(self, obj: Obj) -> bool:
        return self._objects[obj.KIND].get(obj.key) is obj

    def bind(self, pod: Pod, node: str) -> None:
        """The ``pods/binding`` subresource: set ``spec.nodeName`` and PodScheduled."""
        pod.node_name = node
        pod.status.scheduled = True
        self._pods_by_node.setdefault(node, {})[pod.key] = pod
        self.update(pod)

    def delete(self, kind: str, key: str, grace_s: float | None = None) -> bool:
        """DELETE: graceful for pods running on a node, immediate otherwise.

        Pod strategy (``pkg/registry/core/pod/strategy.go`` CheckGracefulDeleteStrategy): a pod not
        bound to a node, or already Succeeded/Failed, is removed at once; otherwise it gets a deletion
        timestamp and the kubelet removes it when its containers have stopped. Returns False when the
        object does not exist.
        """
        obj = self._objects[kind].get(key)
        if obj is None:
            return False
        if kind == "Pod":
            pod: Pod = obj
            grace = pod.spec.termination_grace_period_s if grace_s is None else grace_s
            if grace > 0 and pod.node_name and pod.status.phase not in (PodPhase.SUCCEEDED, PodPhase.FAILED):
                if pod.meta.deletion_s is None or grace < (pod.meta.deletion_grace_s or 0):
                    pod.meta.deletion_s = self.env.now
                    pod.meta.deletion_grace_s = grace
                    self.update(pod)
                return True
        self._remove(obj)
        return True

    def _remove(self, obj: Obj) -> None:
        kind = obj.KIND
        store = self._objects[kind]
        del store[obj.key]
        if not store and kind in self.watchers.conditions:
            self.watchers.changed()
        if obj.meta.owner is not None:
            owned = self._by_owner.get(obj.meta.owner.uid)
            if owned is not None:
                owned.pop(obj.key, None)
                if not owned:
                    del self._by_owner[obj.meta.owner.uid]
        if kind == "Pod" and obj.node_name:
            on_node = self._pods_by_node.get(obj.node_name)
            if on_node is not None:
                on_node.pop(obj.key, None)
        if obj.meta.deletion_s is None:
            obj.meta.deletion_s = self.env.now
        self._rv += 1
        self._notify(DELETED, kind, obj)
