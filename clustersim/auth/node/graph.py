"""The Node authorizer's graph: which objects are related to a node
(``plugin/pkg/auth/authorizer/node/graph.go`` and ``graph_populator.go``).

A pod bound to a node links that node to the pod, and the pod to the secrets, config maps,
persistent volume claims and ServiceAccount it references. A node may read an object only if a path
leads from the object to the node; a node no pod is bound to is unknown to the graph.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["GraphPod", "NodeGraph", "PodGraph", "StoreGraph"]

# vertexTypes of graph.go
POD, SECRET, CONFIGMAP, PVC, PV, SERVICE_ACCOUNT = "pod", "secret", "configmap", "pvc", "pv", "serviceAccount"


@dataclass(frozen=True, slots=True)
class GraphPod:
    """What the graph keeps of a pod: its node and the objects it references."""

    namespace: str
    name: str
    node: str
    secrets: tuple[str, ...] = ()
    configmaps: tuple[str, ...] = ()
    pvcs: tuple[str, ...] = ()
    service_account: str = ""

    def references(self, vertex_type: str, name: str) -> bool:
        """The pod references the object ``name`` of this vertex type."""
        if vertex_type == SECRET:
            return name in self.secrets
        if vertex_type == CONFIGMAP:
            return name in self.configmaps
        if vertex_type == PVC:
            return name in self.pvcs
        if vertex_type == SERVICE_ACCOUNT:
            return name == self.service_account
        return False


class NodeGraph(Protocol):
    """``hasPathFrom``: an error message when no path leads from the object to the node, else None."""

    def path_error(self, node: str, vertex_type: str, namespace: str, name: str) -> str | None:
        """None when a path exists."""
        ...


class PodGraph:
    """A graph of pods (the conformance cases' and the CLI's)."""

    def __init__(self, pods: Iterable[GraphPod]) -> None:
        self.by_node: dict[str, list[GraphPod]] = {}
        for p in pods:
            if p.node:
                self.by_node.setdefault(p.node, []).append(p)

    def pods_on(self, node: str) -> list[GraphPod] | None:
        """Pods bound to ``node`` (None: the node has no vertex)."""
        return self.by_node.get(node)

    def path_error(self, node: str, vertex_type: str, namespace: str, name: str) -> str | None:
        """``hasPathFrom`` with its error texts."""
        pods = self.pods_on(node)
        if pods is None:
            return f"unknown node '{node}' cannot get {vertex_type} {namespace}/{name}"
        if vertex_type == POD:
            found = any(p.namespace == namespace and p.name == name for p in pods)
        else:
            found = any(p.namespace == namespace and p.references(vertex_type, name) for p in pods)
        if not found:
            return (f"node '{node}' cannot get {vertex_type} {namespace}/{name}, "
                    "no relationship to this object was found in the node authorizer graph")
        return None


class StoreGraph(PodGraph):
    """The graph of a running simulation, read from the pods bound to each node in the store."""

    def __init__(self, store: Any) -> None:
        super().__init__(())
        self.store = store

    def pods_on(self, node: str) -> list[GraphPod] | None:
        """The store's pods on ``node`` with the claims they mount."""
        pods = self.store.pods_on_node(node)
        if not pods:
            return None
        return [GraphPod(p.meta.namespace, p.meta.name, node,
                         pvcs=tuple(v.claim for v in p.spec.volumes if v.kind == "persistentVolumeClaim")) for p in pods]
