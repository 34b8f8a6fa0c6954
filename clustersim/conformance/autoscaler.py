"""Category H (Cluster Autoscaler): the binpacking estimator, node utilization, the expanders,
scale-down eligibility and the flag defaults, each through the autoscaler's own code."""

from __future__ import annotations

from typing import Any

import numpy as np

from clustersim.api.objects import ConditionStatus, Node, ObjectMeta, OwnerRef, Pod
from clustersim.api.types import (
    Container,
    HostPort,
    LabelSelector,
    PodSpec,
    ResourceList,
    Taint,
    TaintEffect,
    Toleration,
    TopologySpreadConstraint,
)
from clustersim.cloud.autoscaler.estimator.binpacking import BinpackingEstimator, PodGroup
from clustersim.cloud.autoscaler.expander import EXPANDERS, ExpanderContext, Option, best_option
from clustersim.cloud.autoscaler.flags import FLAGS, flag_default
from clustersim.cloud.autoscaler.scaledown.eligibility import unremovable_reason
from clustersim.cloud.autoscaler.simulator.snapshot import ClusterSnapshot
from clustersim.cloud.autoscaler.simulator.utilization import UtilizationError, calculate
from clustersim.cloud.autoscaler.utils import GPU_RESOURCE, TO_BE_DELETED_TAINT
from clustersim.config.cloud import AutoscalerConfig
from clustersim.conformance.registry import register, register_defaults, register_tolerances

NOW = 10_000.0

register_defaults({("cluster-autoscaler", flag): (lambda f=flag: flag_default(f)[0], FLAGS[flag][2])  # type: ignore[index, misc]
                   for flag in FLAGS if FLAGS[flag][1] not in ("repeat",)})
register_tolerances({"ca_node_utilization": {"utilization": 0.01}})


def _node(d: dict[str, Any]) -> Node:
    scalar = ((GPU_RESOURCE, int(d["gpu"])),) if d.get("gpu") else ()
    res = ResourceList(d.get("cpu_m"), d.get("memory_bytes"), d.get("pods", 110), scalar)
    taints = tuple(Taint(t["key"], TaintEffect(t["effect"]), t.get("value", "")) for t in d.get("taints", []))
    labels = dict(d.get("labels") or {})
    labels.setdefault("kubernetes.io/hostname", d["name"])
    node = Node(ObjectMeta(d["name"], "", labels, dict(d.get("annotations") or {})), res, res, taints=taints)
    if d.get("ready") is False:
        node.ready = ConditionStatus.FALSE
    age = d.get("to_be_deleted_taint_age_s")
    if age is not None:
        node.taints = (*node.taints, Taint(TO_BE_DELETED_TAINT, TaintEffect.NO_SCHEDULE, str(int(NOW - age)), NOW - age))
    return node


def _spread(items: list[dict[str, Any]]) -> tuple[TopologySpreadConstraint, ...]:
    return tuple(TopologySpreadConstraint(c["max_skew"], c["topology_key"], c.get("when_unsatisfiable", "DoNotSchedule"),
                                          LabelSelector(tuple(sorted((c.get("label_selector") or {}).items()))))
                 for c in items)


def _pod(d: dict[str, Any], uid: str) -> Pod:
    scalar = ((GPU_RESOURCE, int(d["gpu"])),) if d.get("gpu") else ()
    ports = (HostPort(int(d["host_port"])),) if d.get("host_port") else ()
    main = Container("c", "img", ResourceList(d.get("cpu_m"), d.get("memory_bytes"), None, scalar), host_ports=ports)
    init = tuple(Container(f"i{k}", "img", ResourceList(c.get("cpu_m"), c.get("memory_bytes")), restart_policy=c.get("restart_policy"))
                 for k, c in enumerate(d.get("init_containers") or []))
    tolerations = tuple(Toleration(t.get("key", ""), t.get("operator", "Equal"), t.get("value", ""), t.get("effect", ""))
                        for t in d.get("tolerations") or [])
    spec = PodSpec((main,), init, tolerations=tolerations, topology_spread_constraints=_spread(d.get("topology_spread") or []))
    kind = d.get("owner_kind")
    meta = ObjectMeta(d.get("name", uid), d.get("namespace", "default"), dict(d.get("labels") or {}), dict(d.get("annotations") or {}),
                      OwnerRef(kind, "owner", f"owner-{kind}") if kind else None, uid=uid)
    pod = Pod(meta, spec, d.get("node", ""))
    ago = d.get("deleted_seconds_ago")
    if ago is not None:
        pod.meta.deletion_s = NOW - ago
    return pod


def binpacking(inp: dict[str, Any]) -> dict[str, Any]:
    snap = ClusterSnapshot()
    for n in inp["existing_nodes"]:
        snap.upsert_node(_node(n))
    groups = []
    for k, g in enumerate(inp["pod_groups"]):
        first = _pod(g["pod"], f"g{k}-0")  # the group's pods share one spec, as a controller's pods do
        groups.append(PodGroup([first] + [Pod(ObjectMeta(f"g{k}-{j}", first.meta.namespace, first.meta.labels, uid=f"g{k}-{j}"), first.spec)
                                          for j in range(1, g["count"])]))
    est = BinpackingEstimator(snap, inp.get("max_nodes", 0)).estimate(groups, _node(inp["node_template"]))
    placed = {p.meta.uid for p in est.pods}
    per_group = [sum(1 for p in g.pods if p.meta.uid in placed) for g in groups]
    return {"node_count": est.node_count, "pod_count": len(est.pods), "scheduled_per_group": per_group}


def utilization(inp: dict[str, Any]) -> dict[str, Any]:
    pods = [_pod(p, f"p{k}") for k, p in enumerate(inp["pods"])]
    try:
        info = calculate(_node(inp["node"]), pods, inp["skip_daemonset_pods"], inp["skip_mirror_pods"], NOW)
    except UtilizationError:
        return {"error": True}
    return {"error": False, "utilization": info.utilization, "cpu_util": info.cpu}


def _options(inp: dict[str, Any]) -> list[Option]:
    out = []
    for o in inp["options"]:
        name = o.get("node_group") or o.get("debug")
        pods = [_pod(p, f"{name}-{k}") for k, p in enumerate(o.get("pods", []))]
        pods += [_pod({}, f"{name}-n{k}") for k in range(o.get("num_pods", 0))]
        out.append(Option(name, o.get("node_count", 1), pods, o.get("debug", name)))
    return out


def _priorities(inp: dict[str, Any]) -> tuple[dict[int, tuple[str, ...]] | None, int, int]:
    """The priority ConfigMap now, and the good and bad updates after the first."""
    history = inp.get("priorities_history") or [inp.get("priorities")]
    ok = bad = 0
    for entry in history[1:]:
        if entry:
            ok += 1
        else:
            bad += 1
    current = history[-1]
    return ({int(k): tuple(v) for k, v in current.items()} if current else None), ok, bad


def expander(inp: dict[str, Any]) -> dict[str, Any]:
    options = _options(inp)
    events: list[str] = []
    prios, ok, bad = _priorities(inp)
    templates = {g: Node(ObjectMeta(g), ResourceList(t["cpu_m"], t["memory_bytes"], t.get("pods", 110)),
                         ResourceList(t["cpu_m"], t["memory_bytes"], t.get("pods", 110))) for g, t in (inp.get("node_templates") or {}).items()}
    ctx = ExpanderContext(templates, np.random.default_rng(0), priorities=prios,
                          event=lambda type_, reason, msg: events.append(f"{type_} {reason} {msg}"))
    name = {"least-waste": "least-waste", "most-pods": "most-pods", "least-nodes": "least-nodes", "random": "random",
            "priority": "priority", "price": "price"}[inp["expander"]]
    best = EXPANDERS.get(name)().best_options(options, ctx)
    chosen = best_option((name,), options, ctx)
    names = [o.group for o in best]
    return {"best": chosen.group if chosen is not None else None, "best_one_of": names, "best_options": names,
            "best_options_not_equal": names, "events": list(dict.fromkeys(events)), "ok_config_updates": ok, "bad_config_updates": bad}


def eligibility(inp: dict[str, Any]) -> dict[str, Any]:
    modes = [False, True] if inp.get("ignore_daemonsets_utilization") is None else [inp["ignore_daemonsets_utilization"]]
    results = []
    for ignore_ds in modes:
        cfg = AutoscalerConfig(scale_down_unready_enabled=inp["scale_down_unready_enabled"],
                               scale_down_utilization_threshold=inp["scale_down_utilization_threshold"], ignore_daemonsets_utilization=ignore_ds)
        pods = [_pod(p, f"p{k}") for k, p in enumerate(inp["pods"])]
        keep = []
        for n in inp["nodes"]:
            node = _node(n)
            mine = [p for p in pods if p.node_name == node.meta.name]
            reason, _ = unremovable_reason(node, lambda mine=mine: mine, cfg, NOW)  # type: ignore[misc]
            if reason is None:
                keep.append(node.meta.name)
        results.append(keep)
    if any(r != results[0] for r in results):
        return {"candidates": results}  # the row should hold for both settings
    return {"candidates": results[0]}


register({
    "ca_binpacking_estimate": binpacking,
    "ca_node_utilization": utilization,
    "ca_expander_choice": expander,
    "ca_scaledown_eligibility": eligibility,
})
