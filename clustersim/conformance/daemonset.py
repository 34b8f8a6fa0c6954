"""Category I: DaemonSet placement, through the controller's own ``node_should_run_daemon_pod`` and sync plan."""

from __future__ import annotations

from typing import Any

from clustersim.api.objects import LABEL_HOSTNAME, ConditionStatus, Node, ObjectMeta, OwnerRef, Pod
from clustersim.api.types import (
    Container,
    NodeAffinity,
    NodeSelectorRequirement,
    NodeSelectorTerm,
    PodPhase,
    PodSpec,
    Taint,
    TaintEffect,
)
from clustersim.conformance.build import _resources, _tolerations
from clustersim.conformance.registry import register
from clustersim.controllers.daemonset import (
    FAILED_POD_BACKOFF_INITIAL_S,
    FAILED_POD_BACKOFF_MAX_S,
    node_should_run_daemon_pod,
    plan_daemon_sync,
)
from clustersim.util.backoff import Backoff


def _node(d: dict[str, Any]) -> Node:
    alloc = _resources(dict(d.get("allocatable") or {"pods": 110}))
    taints = tuple(Taint(t["key"], TaintEffect(t["effect"]), str(t.get("value", ""))) for t in d.get("taints") or [])
    ready = next((ConditionStatus(c["status"]) for c in d.get("conditions") or [] if c.get("type") == "Ready"), ConditionStatus.TRUE)
    return Node(ObjectMeta(d["name"], "", dict(d.get("labels") or {})), alloc, alloc, bool(d.get("unschedulable", False)),
                taints, ready)


def _terms(raw: Any) -> tuple[NodeSelectorTerm, ...]:
    """Required node-affinity terms, in the case's snake_case or the API's own shape."""
    if isinstance(raw, dict):
        na = raw.get("node_affinity") or raw.get("nodeAffinity") or raw
        req = (na.get("required") or na.get("node_affinity_required") or na.get("requiredDuringSchedulingIgnoredDuringExecution") or [])
        raw = req.get("nodeSelectorTerms", []) if isinstance(req, dict) else req
    out = []
    for t in raw or []:
        exprs = t.get("match_expressions") or t.get("matchExpressions") or []
        out.append(NodeSelectorTerm(tuple(NodeSelectorRequirement(e["key"], e["operator"], tuple(str(v) for v in e.get("values") or []))
                                          for e in exprs)))
    return tuple(out)


def _template(d: dict[str, Any]) -> PodSpec:
    # requests and host ports do not enter NodeShouldRunDaemonPod (the scheduler checks them)
    containers = tuple(Container(f"c{i}", "img") for i, _ in enumerate(d.get("containers") or [{}]))
    terms = _terms(d.get("affinity") or d.get("node_affinity_required"))
    return PodSpec(containers, tolerations=_tolerations(d.get("tolerations") or []), node_name=d.get("node_name") or "",
                   node_selector=tuple(sorted((str(k), str(v)) for k, v in (d.get("node_selector") or {}).items())),
                   affinity=NodeAffinity(terms) if terms else None)


def should_run(inp: dict[str, Any]) -> dict[str, Any]:
    run, keep = node_should_run_daemon_pod(_node(inp["node"]), _template(inp["ds_pod_template"]))
    return {"should_run": run, "should_continue_running": keep}


_PHASES = {"": PodPhase.PENDING, "Pending": PodPhase.PENDING, "Running": PodPhase.RUNNING,
           "Succeeded": PodPhase.SUCCEEDED, "Failed": PodPhase.FAILED}


def sync(inp: dict[str, Any]) -> dict[str, Any]:
    ds = inp["daemonset"]
    spec = _template(ds)
    by_node: dict[str, list[Pod]] = {}
    for i, p in enumerate(inp.get("existing_pods") or []):
        if not p.get("owned_by_ds", True):
            continue  # not the set's: not claimed
        pod = Pod(ObjectMeta(f"{ds['name']}-{i}", ds.get("namespace", "default"), owner=OwnerRef("DaemonSet", ds["name"], "ds-uid"),
                             creation_s=float(i)),
                  PodSpec(spec.containers, node_selector=((LABEL_HOSTNAME, p["node"]),)))
        pod.node_name = p["node"]
        pod.status.phase = _PHASES[p.get("phase") or ""]
        if p.get("terminating"):
            pod.meta.deletion_s = 0.0
        by_node.setdefault(p["node"], []).append(pod)
    plan = plan_daemon_sync("ds-uid", spec, [_node(n) for n in inp["nodes"]], by_node,
                            Backoff(FAILED_POD_BACKOFF_INITIAL_S, FAILED_POD_BACKOFF_MAX_S), 0.0)
    return {"creates": len(plan.create), "deletes": len(plan.delete), "events": len(plan.events)}


register({"daemonset_node_should_run": should_run, "daemonset_sync": sync})
