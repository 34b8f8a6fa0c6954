"""Build node tables and pods for plugin tests."""

from __future__ import annotations

from clustersim.api.objects import Node, ObjectMeta, Pod
from clustersim.api.types import Container, PodSpec, ResourceList, Taint, TaintEffect, Toleration
from clustersim.scheduler.cache import NodeTable

GI = 2**30


def pod(cpu: int | None = None, mem: int | None = None, *, tolerations: tuple[Toleration, ...] = (),
        node_name: str = "", selector: dict[str, str] | None = None, uid: str = "p", scalar: dict[str, int] | None = None,
        image: str = "img") -> Pod:
    """A one-container pod; None means the request key is absent."""
    req = ResourceList(cpu, mem, None, tuple(sorted((scalar or {}).items())))
    spec = PodSpec((Container("c", image, req),), tolerations=tolerations, node_name=node_name,
                   node_selector=tuple(sorted((selector or {}).items())))
    p = Pod(ObjectMeta(uid, "default"), spec)
    p.meta.uid = uid
    return p


def table(*nodes: tuple[str, int, int], pods: int = 110, taints: dict[str, tuple[Taint, ...]] | None = None,
          cordoned: set[str] | None = None, labels: dict[str, dict[str, str]] | None = None,
          scalar: dict[str, dict[str, int]] | None = None) -> NodeTable:
    """Nodes given as (name, cpu_m, mem_bytes)."""
    t = NodeTable(capacity=2)
    for name, cpu, mem in nodes:
        alloc = ResourceList(cpu, mem, pods, tuple(sorted((scalar or {}).get(name, {}).items())))
        node = Node(ObjectMeta(name, "", dict((labels or {}).get(name, {}))), alloc, alloc,
                    unschedulable=name in (cordoned or set()), taints=(taints or {}).get(name, ()))
        t.upsert_node(node)
    return t


def taint(key: str, effect: str, value: str = "") -> Taint:
    return Taint(key, TaintEffect(effect), value)
