"""Category A: scheduler plugins, through the plugins the scheduler runs."""

from __future__ import annotations

from typing import Any

import numpy as np

from clustersim.api.objects import Node, ObjectMeta, Pod
from clustersim.api.types import (
    Container,
    LabelSelector,
    NodeSelectorRequirement,
    NodeSelectorTerm,
    PodSpec,
    TopologySpreadConstraint,
)
from clustersim.api.types import NodeAffinity as NodeAffinitySpec
from clustersim.conformance.build import _pod, _resources, _table, _tolerations
from clustersim.conformance.registry import register
from clustersim.scheduler.cache import NodeTable
from clustersim.scheduler.framework import CycleState, default_normalize_score
from clustersim.scheduler.plugins.helper import broken_linear_function
from clustersim.scheduler.plugins.image_locality import ImageLocality
from clustersim.scheduler.plugins.node_affinity import NodeAffinity as NodeAffinityPlugin
from clustersim.scheduler.plugins.node_affinity import term_from_dict
from clustersim.scheduler.plugins.node_resources_balanced_allocation import NodeResourcesBalancedAllocation
from clustersim.scheduler.plugins.node_resources_fit import NodeResourcesFit
from clustersim.scheduler.plugins.pod_topology_spread import PodTopologySpread
from clustersim.scheduler.plugins.taint_toleration import TaintToleration


# ---- category A: scheduler plugins
def _fit_plugin(inp: dict[str, Any]) -> NodeResourcesFit:
    args: dict[str, Any] = {"scoringStrategy": {"type": inp.get("scoring_strategy", "LeastAllocated"),
                                                "resources": inp.get("resources", [])}}
    if inp.get("shape"):
        args["scoringStrategy"]["requestedToCapacityRatio"] = {"shape": inp["shape"]}
    if inp.get("ignored_resources"):
        args["ignoredResources"] = inp["ignored_resources"]
    return NodeResourcesFit.from_args(args)


def fit_score(inp: dict[str, Any]) -> dict[str, Any]:
    table = _table(inp["nodes"], inp.get("existing_pods", []))
    idx = table.candidates()
    scores = _fit_plugin(inp).score(CycleState(), _pod(inp["pod"]), table, idx)
    return {"scores": {table.names[i]: int(s) for i, s in zip(idx, scores, strict=True)}}


def fit_args(inp: dict[str, Any]) -> dict[str, Any]:
    try:
        _fit_plugin(inp)
    except ValueError as e:
        return {"valid": False, "error_field": str(e).split(": ", 1)[0], "error_type": "FieldValueInvalid"}
    return {"valid": True}


def fit_filter(inp: dict[str, Any]) -> dict[str, Any]:
    table = _table([{"name": "n", "allocatable": inp["node_allocatable"]}], [dict(p, node="n") for p in inp.get("existing_pods", [])])
    plugin, pod = _fit_plugin(inp), _pod(inp["pod"])
    ok = bool(plugin.filter(CycleState(), pod, table, np.array([0]))[0])
    if ok:
        return {"status": "Success", "insufficient": []}
    ins = plugin.insufficient(pod, table, 0)
    return {"status": "Unschedulable", "reasons": [x.reason for x in ins],
            "insufficient": [{"resource": x.resource, "requested": x.requested, "used": x.used, "capacity": x.capacity}
                             for x in ins if x.resource != "pods"]}


def normalize(inp: dict[str, Any]) -> dict[str, Any]:
    out = default_normalize_score(inp["max_priority"], inp["reverse"], np.array(inp["scores"], dtype=np.int64))
    return {"scores": [int(x) for x in out]}


def taint_filter(inp: dict[str, Any]) -> dict[str, Any]:
    table = _table([{"name": "n", "taints": inp.get("node_taints", [])}], [])
    plugin, pod = TaintToleration(), _pod({}, _tolerations(inp.get("pod_tolerations", [])))
    if plugin.filter(CycleState(), pod, table, np.array([0]))[0]:
        return {"status": "Success"}
    code, reasons = plugin.reasons(CycleState(), pod, table, 0)
    return {"status": code.value, "reason": reasons[0]}


def taint_score(inp: dict[str, Any]) -> dict[str, Any]:
    table = _table(inp["nodes"], [])
    idx = table.candidates()
    plugin, pod = TaintToleration(), _pod({}, _tolerations(inp.get("pod_tolerations", [])))
    scores = plugin.normalize(CycleState(), pod, plugin.score(CycleState(), pod, table, idx))
    return {"scores": {table.names[i]: int(s) for i, s in zip(idx, scores, strict=True)}}


def balanced(inp: dict[str, Any]) -> dict[str, Any]:
    table = _table(inp["nodes"], inp.get("existing_pods", []))
    plugin = NodeResourcesBalancedAllocation.from_args({"resources": inp.get("resources", [])})
    pod = _pod(inp["pod"])
    if plugin.skip_score(pod, table):
        return {"prescore_status": "Skip"}
    idx = table.candidates()
    return {"scores": {table.names[i]: int(x) for i, x in zip(idx, plugin.score(CycleState(), pod, table, idx), strict=True)}}


def image_locality(inp: dict[str, Any]) -> dict[str, Any]:
    nodes = [Node(ObjectMeta(n["name"]), _resources({"pods": 110}), _resources({"pods": 110}),
                  images=tuple((tuple(img["names"]), int(img["size_bytes"])) for img in n.get("images", [])))
             for n in inp["nodes"]]
    table = NodeTable()
    for node in nodes:
        table.upsert_node(node)
    p = inp["pod"]
    spec = PodSpec(tuple(Container(f"c{i}", img) for i, img in enumerate(p["container_images"])),
                   tuple(Container(f"i{i}", img) for i, img in enumerate(p.get("init_container_images", []))))
    idx = table.candidates()
    scores = ImageLocality().score(CycleState(), Pod(ObjectMeta("p", "default"), spec), table, idx)
    return {"scores": {table.names[i]: int(x) for i, x in zip(idx, scores, strict=True)}}


def _terms(items: list[dict[str, Any]]) -> tuple[tuple[int, NodeSelectorTerm], ...]:
    return tuple((int(t["weight"]), term_from_dict(t)) for t in items)


def affinity_score(inp: dict[str, Any]) -> dict[str, Any]:
    table = NodeTable()
    for n in inp["nodes"]:
        alloc = _resources({"pods": 110})
        table.upsert_node(Node(ObjectMeta(n["name"], "", dict(n.get("labels", {}))), alloc, alloc))
    plugin = NodeAffinityPlugin(added_preferred=_terms(inp.get("added_affinity_preferred_terms", [])))
    spec = PodSpec((Container("c", "i"),), affinity=NodeAffinitySpec(preferred=_terms(inp.get("pod_preferred_terms", []))))
    pod = Pod(ObjectMeta("p", "default"), spec)
    idx = table.candidates()
    scores = plugin.normalize(CycleState(), pod, plugin.score(CycleState(), pod, table, idx))
    return {"scores": {table.names[i]: int(x) for i, x in zip(idx, scores, strict=True)}}


def _selector(d: dict[str, Any]) -> LabelSelector:
    exprs = tuple(NodeSelectorRequirement(k, "Exists") for k in d.get("exists", []))
    return LabelSelector(tuple(sorted(d.get("match_labels", {}).items())), exprs)


def topology_spread(inp: dict[str, Any]) -> dict[str, Any]:
    table = NodeTable()
    for n in inp["nodes"]:
        alloc = _resources({"pods": 110})
        table.upsert_node(Node(ObjectMeta(n["name"], "", dict(n.get("labels", {}))), alloc, alloc))
    for k, e in enumerate(inp.get("existing_pods", [])):
        p = Pod(ObjectMeta(e["name"], e.get("namespace", "default"), dict(e.get("labels", {}))), PodSpec((Container("c", "i"),)))
        p.meta.uid = f"e{k}"
        if e.get("terminating"):
            p.meta.deletion_s = 0.0
        table.add_pod(p, e["node"])
    spec_in = inp["pod"]
    constraints = tuple(TopologySpreadConstraint(c["max_skew"], c["topology_key"], c["when_unsatisfiable"], _selector(c["label_selector"]),
                                                 c.get("min_domains")) for c in spec_in["constraints"])
    pod = Pod(ObjectMeta("incoming", spec_in.get("namespace", "default"), dict(spec_in.get("labels", {}))),
              PodSpec((Container("c", "i"),), topology_spread_constraints=constraints))
    plugin, state = PodTopologySpread(), CycleState()
    out = {}
    for i in table.candidates():
        code, _ = plugin.reasons(state, pod, table, int(i))
        out[table.names[i]] = code.value
    return {"status": out}



register({
    "noderesources_fit_score": fit_score,
    "noderesources_args_validation": fit_args,
    "noderesources_fit_filter": fit_filter,
    "default_normalize_score": normalize,
    "broken_linear_function": lambda i: {"y": [broken_linear_function([(p["utilization"], p["score"]) for p in i["points"]])(x) for x in i["x"]]},
    "tainttoleration_filter": taint_filter,
    "tainttoleration_score": taint_score,
    "noderesources_balanced_allocation_score": balanced,
    "imagelocality_score": image_locality,
    "nodeaffinity_score": affinity_score,
    "podtopologyspread_filter": topology_spread,
})
