"""Builders of simulator objects from a case's plain input, shared by the category modules."""

from __future__ import annotations

from typing import Any

from clustersim.api.objects import Node, ObjectMeta, Pod
from clustersim.api.types import (
    Container,
    PodSpec,
    ResourceList,
    Taint,
    TaintEffect,
    Toleration,
)
from clustersim.scheduler.cache import NodeTable


# ---- building simulator objects from case input
def _resources(d: dict[str, Any]) -> ResourceList:
    scalar = tuple(sorted((k, int(v)) for k, v in d.items() if k not in ("cpu", "memory", "pods")))
    return ResourceList(d.get("cpu"), d.get("memory"), d.get("pods"), scalar)


def _pod(d: dict[str, Any], tolerations: tuple[Toleration, ...] = ()) -> Pod:
    containers = tuple(Container(f"c{i}", "img", _resources(c.get("requests", {}))) for i, c in enumerate(d.get("containers", [])))
    init = tuple(Container(f"i{i}", "img", _resources(c.get("requests", {}))) for i, c in enumerate(d.get("init_containers", [])))
    spec = PodSpec(containers, init, overhead=_resources(d.get("overhead", {})), tolerations=tolerations)
    return Pod(ObjectMeta("p", "default"), spec)


def _table(nodes: list[dict[str, Any]], existing: list[dict[str, Any]]) -> NodeTable:
    table = NodeTable()
    for n in nodes:
        alloc = dict(n.get("allocatable", {}))
        alloc.setdefault("pods", 110)
        taints = tuple(Taint(t["key"], TaintEffect(t["effect"]), t.get("value", "")) for t in n.get("taints", []))
        table.upsert_node(Node(ObjectMeta(n["name"]), _resources(alloc), _resources(alloc), taints=taints))
    for k, p in enumerate(existing):
        pod = _pod(p)
        pod.meta.uid = f"existing-{k}"
        table.add_pod(pod, p.get("node", nodes[0]["name"] if nodes else ""))
    return table


def _tolerations(items: list[dict[str, Any]]) -> tuple[Toleration, ...]:
    return tuple(Toleration(t.get("key", ""), t.get("operator", "Equal") or "Equal", t.get("value", ""), t.get("effect", ""),
                            t.get("toleration_seconds")) for t in items)


def _toleration_dict(t: Toleration) -> dict[str, Any]:
    """``v1.Toleration`` as the API serializes it: empty fields are omitted (``omitempty``)."""
    out: dict[str, Any] = {"operator": t.operator}
    if t.key:
        out["key"] = t.key
    if t.value:
        out["value"] = t.value
    if t.effect:
        out["effect"] = t.effect
    if t.toleration_seconds is not None:
        out["toleration_seconds"] = t.toleration_seconds
    return out


