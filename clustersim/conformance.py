"""Run Kubernetes' own test cases (``../shared/oracle/k8s_cases.json``) against the simulator's code.

Each adapter feeds a case's input to the function or plugin the simulation itself uses and returns
a dict comparable with the case's ``expected`` (compared on the expected keys). A kind with no
adapter, or a default the simulator does not model, counts as failed.

    python -m clustersim.conformance CASES.json [--kind PREFIX]...
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from clustersim.admission import DefaultTolerationSeconds
from clustersim.api.objects import Node, ObjectMeta, Pod
from clustersim.api.types import (
    Container,
    LabelSelector,
    NodeSelectorRequirement,
    NodeSelectorTerm,
    PodSpec,
    ResourceList,
    Taint,
    TaintEffect,
    Toleration,
    TopologySpreadConstraint,
)
from clustersim.api.types import NodeAffinity as NodeAffinitySpec
from clustersim.backoff import Backoff
from clustersim.config import models as m
from clustersim.controllers.deployment import util
from clustersim.controllers.podautoscaler import replica_calculator as rc
from clustersim.node.kubelet import LEASE_RENEW_FRACTION
from clustersim.scheduler.cache import NodeTable
from clustersim.scheduler.framework import CycleState, default_normalize_score
from clustersim.scheduler.plugins.default_preemption import DefaultPreemption
from clustersim.scheduler.plugins.helper import broken_linear_function
from clustersim.scheduler.plugins.image_locality import ImageLocality
from clustersim.scheduler.plugins.node_affinity import NodeAffinity as NodeAffinityPlugin
from clustersim.scheduler.plugins.node_affinity import term_from_dict
from clustersim.scheduler.plugins.node_resources_balanced_allocation import NodeResourcesBalancedAllocation
from clustersim.scheduler.plugins.node_resources_fit import NodeResourcesFit
from clustersim.scheduler.plugins.pod_topology_spread import PodTopologySpread
from clustersim.scheduler.plugins.taint_toleration import TaintToleration
from clustersim.scheduler.profile import DEFAULT_MULTIPOINT, default_profile
from clustersim.scheduler.queue import backoff_duration
from clustersim.scheduler.scheduler import num_feasible_nodes_to_find

__all__ = ["ADAPTERS", "DEFAULTS", "NOT_MODELLED", "check_case", "main"]

Adapter = Callable[[dict[str, Any]], dict[str, Any]]


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
    out: dict[str, Any] = {"operator": t.operator, "key": t.key}
    if t.value:
        out["value"] = t.value
    if t.effect:
        out["effect"] = t.effect
    if t.toleration_seconds is not None:
        out["toleration_seconds"] = t.toleration_seconds
    return out


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


# ---- category B: Deployment rollout math
def _fence(inp: dict[str, Any]) -> dict[str, Any]:
    try:
        s, u = util.resolve_fenceposts(inp["max_surge"], inp["max_unavailable"], inp["desired_replicas"])
    except ValueError:
        return {"error": True}
    return {"error": False, "surge": s, "unavailable": u}


def _t(s: str) -> float:
    return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def _reconcile_new(inp: dict[str, Any]) -> dict[str, Any]:
    new = util.RSView("new", inp["new_rs_replicas"])
    target = util.reconcile_new_replica_set(inp["deployment_replicas"], inp["max_surge"], new,
                                            [inp["old_rs_replicas"], inp["new_rs_replicas"]])
    return {"scaled": False} if target is None else {"scaled": True, "new_rs_replicas": target}


def _reconcile_old(inp: dict[str, Any]) -> dict[str, Any]:
    old = util.RSView("old", inp["old_rs_replicas"], inp["old_rs_available"])
    new = util.RSView("new", inp["new_rs_replicas"], inp["new_rs_available"], created_s=1)
    cleaned, scaled = util.reconcile_old_replica_sets(inp["deployment_replicas"], inp["max_surge"], inp["max_unavailable"], new, [old])
    return {"scaled": cleaned + scaled > 0, "old_rs_replicas_after": old.replicas}


def _cleanup(inp: dict[str, Any]) -> dict[str, Any]:
    old = util.RSView("old", inp["old_rs_replicas"], inp["old_rs_available"])
    return {"cleanup_count": util.cleanup_unhealthy_replicas([old], inp["max_cleanup_count"])}


def _scale_down_old(inp: dict[str, Any]) -> dict[str, Any]:
    old = util.RSView("old", inp["old_rs_replicas"], inp["old_rs_available"])
    min_avail = inp["deployment_replicas"] - util.max_unavailable(util.ROLLING, inp["deployment_replicas"], inp["max_surge"], inp["max_unavailable"])
    n = util.scale_down_old_replica_sets(old.available, [old], min_avail)
    return {"scaled": n > 0, "old_rs_replicas_after": old.replicas}


# ---- category C: defaults and formulas
_K, _CM, _S, _A = m.KubeletConfig(), m.ControllerManagerConfig(), m.SchedulerConfig(), m.ApiServerConfig()
_P, _D = m.ProbeConfig(), m.DeploymentConfig(name="x", containers=[m.ContainerConfig(name="c", image="i")])

# (component, parameter) -> (the simulator default, its unit)
DEFAULTS: dict[tuple[str, str], tuple[Callable[[], Any], str]] = {
    ("kubelet", "nodeStatusUpdateFrequency"): (lambda: _K.node_status_update_frequency_s, "s"),
    ("kubelet", "nodeLeaseDurationSeconds"): (lambda: _K.node_lease_duration_s, "s"),
    ("kubelet", "nodeLeaseRenewInterval"): (lambda: _K.node_lease_duration_s * LEASE_RENEW_FRACTION, "s"),
    ("kubelet", "containerRestartBackoffInitial"): (lambda: _K.container_backoff_initial_s, "s"),
    ("kubelet", "containerRestartBackoffMax"): (lambda: _K.container_backoff_max_s, "s"),
    ("kubelet", "imagePullBackoffInitial"): (lambda: _K.image_backoff_initial_s, "s"),
    ("kubelet", "imagePullBackoffMax"): (lambda: _K.image_backoff_max_s, "s"),
    ("kubelet", "genericPlegRelistPeriod"): (lambda: _K.pleg_relist_period_s, "s"),
    ("kubelet", "serializeImagePulls"): (lambda: _K.serialize_image_pulls, "bool"),
    ("kubelet", "maxPods"): (lambda: _K.max_pods, "pods"),
    ("kubelet", "housekeepingPeriod"): (lambda: _K.housekeeping_period_s, "s"),
    ("kubelet", "evictionHard"): (lambda: dict(_K.eviction_hard), "threshold"),
    ("kubelet", "evictionPressureTransitionPeriod"): (lambda: _K.eviction_pressure_transition_period_s, "s"),
    ("kubelet", "evictionMonitoringPeriod"): (lambda: _K.eviction_monitoring_period_s, "s"),
    ("kubelet", "imageGCHighThresholdPercent"): (lambda: _K.image_gc_high_threshold_percent, "percent"),
    ("kubelet", "imageGCLowThresholdPercent"): (lambda: _K.image_gc_low_threshold_percent, "percent"),
    ("kubelet", "imageMinimumGCAge"): (lambda: _K.image_minimum_gc_age_s, "s"),
    ("pod", "probe.periodSeconds"): (lambda: _P.period_s, "s"),
    ("pod", "probe.timeoutSeconds"): (lambda: _P.timeout_s, "s"),
    ("pod", "probe.successThreshold"): (lambda: _P.success_threshold, "count"),
    ("pod", "probe.failureThreshold"): (lambda: _P.failure_threshold, "count"),
    ("pod", "probe.initialDelaySeconds"): (lambda: _P.initial_delay_s, "s"),
    ("pod", "terminationGracePeriodSeconds"): (lambda: _D.termination_grace_period_s, "s"),
    ("kube-apiserver", "default-not-ready-toleration-seconds"): (lambda: _A.default_not_ready_toleration_seconds, "s"),
    ("kube-apiserver", "default-unreachable-toleration-seconds"): (lambda: _A.default_unreachable_toleration_seconds, "s"),
    ("kube-controller-manager", "node-monitor-period"): (lambda: _CM.node_monitor_period_s, "s"),
    ("kube-controller-manager", "node-monitor-grace-period"): (lambda: _CM.node_monitor_grace_period_s, "s"),
    ("kube-controller-manager", "node-startup-grace-period"): (lambda: _CM.node_startup_grace_period_s, "s"),
    ("kube-controller-manager", "node-eviction-rate"): (lambda: _CM.node_eviction_rate, "nodes/s"),
    ("kube-controller-manager", "secondary-node-eviction-rate"): (lambda: _CM.secondary_node_eviction_rate, "nodes/s"),
    ("kube-controller-manager", "large-cluster-size-threshold"): (lambda: _CM.large_cluster_size_threshold, "nodes"),
    ("kube-controller-manager", "unhealthy-zone-threshold"): (lambda: _CM.unhealthy_zone_threshold, "fraction"),
    ("kube-controller-manager", "endpointslice.max-endpoints-per-slice"): (lambda: _CM.endpointslice_max_endpoints_per_slice, "endpoints"),
    ("kube-controller-manager", "endpointslice-updates-batch-period"): (lambda: _CM.endpointslice_updates_batch_period_s, "s"),
    ("kube-controller-manager", "concurrent-replicaset-syncs"): (lambda: _CM.concurrent_replicaset_syncs, "workers"),
    ("kube-controller-manager", "horizontal-pod-autoscaler-sync-period"): (lambda: _CM.hpa_sync_period_s, "s"),
    ("kube-controller-manager", "horizontal-pod-autoscaler-tolerance"): (lambda: _CM.hpa_tolerance, "ratio"),
    ("kube-controller-manager", "horizontal-pod-autoscaler-downscale-stabilization"): (lambda: _CM.hpa_downscale_stabilization_s, "s"),
    ("kube-controller-manager", "horizontal-pod-autoscaler-cpu-initialization-period"): (lambda: _CM.hpa_cpu_initialization_period_s, "s"),
    ("kube-controller-manager", "horizontal-pod-autoscaler-initial-readiness-delay"): (lambda: _CM.hpa_initial_readiness_delay_s, "s"),
    ("kube-controller-manager", "terminated-pod-gc-threshold"): (lambda: _CM.terminated_pod_gc_threshold, "pods"),
    ("apps/v1", "Deployment.spec.strategy.rollingUpdate.maxUnavailable"): (lambda: _D.max_unavailable, "intOrPercent"),
    ("apps/v1", "Deployment.spec.strategy.rollingUpdate.maxSurge"): (lambda: _D.max_surge, "intOrPercent"),
    ("apps/v1", "Deployment.spec.revisionHistoryLimit"): (lambda: _D.revision_history_limit, "count"),
    ("apps/v1", "Deployment.spec.progressDeadlineSeconds"): (lambda: _D.progress_deadline_s, "s"),
    ("apps/v1", "Deployment.spec.replicas"): (lambda: _D.replicas, "count"),
    ("kube-scheduler", "podInitialBackoffSeconds"): (lambda: _S.pod_initial_backoff_s, "s"),
    ("kube-scheduler", "podMaxBackoffSeconds"): (lambda: _S.pod_max_backoff_s, "s"),
    ("kube-scheduler", "percentageOfNodesToScore"): (lambda: _S.percentage_of_nodes_to_score, "percent (0 = adaptive)"),
    ("kube-scheduler", "parallelism"): (lambda: _S.parallelism, "goroutines"),
    ("kube-scheduler", "DefaultPreemptionArgs"): (lambda: {
        "minCandidateNodesPercentage": DefaultPreemption().min_candidate_nodes_percentage,
        "minCandidateNodesAbsolute": DefaultPreemption().min_candidate_nodes_absolute}, "args"),
}

# Defaults of components the simulator does not model (yet): these cases fail, honestly.
NOT_MODELLED = {
    "kubelet": {"syncFrequency", "nodeStatusReportFrequency", "podSyncErrorBackoff", "genericPlegRelistThreshold"},
    "kube-controller-manager": {"pod-eviction-timeout"},
}


def _hpa_pods(inp: dict[str, Any]) -> list[rc.PodObservation]:
    k = inp.get("containers_per_pod", 1)
    out = []
    for p in inp["pods"]:
        usage = p.get("usage_per_container_m")
        out.append(rc.PodObservation(p["name"], p.get("phase", "Running"), bool(p.get("ready", True)), bool(p.get("deleting", False)),
                                     bool(p.get("cpu_initializing", False)), int(p.get("request_per_container_m", 0)) * k,
                                     None if usage is None else int(usage) * k))
    return out


def hpa_resource(inp: dict[str, Any]) -> dict[str, Any]:
    replicas, util, raw = rc.resource_replicas(inp["current_replicas"], inp["target_utilization_percent"], _hpa_pods(inp),
                                               inp.get("tolerance", 0.1), inp.get("resource", "cpu") == "cpu")
    return {"replicas": replicas, "utilization_percent": util, "raw_avg_usage_per_pod_m": raw}


def hpa_metric(inp: dict[str, Any]) -> dict[str, Any]:
    pods = [rc.PodObservation(p["name"], p.get("phase", "Running"), bool(p.get("ready", True))) for p in inp["pods"]]
    levels, tol, cur = inp["metric_levels_milli"], inp.get("tolerance", 0.1), inp["current_replicas"]
    kind = inp["metric_type"]
    if kind == "pods":
        replicas, usage = rc.metric_replicas(cur, inp["target_milli"], pods, {f"test-pod-{i}": v for i, v in enumerate(levels)}, tol)
    elif kind == "object":
        replicas, usage = rc.object_metric_replicas(cur, inp["target_milli"], levels[0], pods, tol)
    elif kind == "external":
        replicas, usage = rc.external_metric_replicas(cur, inp["target_milli"], levels, pods, tol)
    elif kind == "object_per_pod":
        replicas, usage = rc.object_per_pod_replicas(cur, inp["per_pod_target_milli"], levels[0], tol)
    else:
        replicas, usage = rc.external_per_pod_replicas(cur, inp["per_pod_target_milli"], levels, tol)
    return {"replicas": replicas, "utilization_milli": usage}


def default_profile_plugins(inp: dict[str, Any]) -> dict[str, Any]:
    """The default profile as the simulator builds it: multiPoint order and score weights."""
    if inp.get("feature_gates", {}).get("DynamicResourceAllocation"):
        raise NotImplementedError("DynamicResourceAllocation is not modelled")
    prof = default_profile(inp.get("profile", "default-scheduler"))
    return {"score_plugin_weights": dict(prof.scores), "multipoint_enabled_order": list(DEFAULT_MULTIPOINT)}


def default_value(inp: dict[str, Any]) -> dict[str, Any]:
    entry = DEFAULTS.get((inp["component"], inp["parameter"]))
    if entry is None:
        raise NotImplementedError(f"default {inp['component']}/{inp['parameter']} is not modelled")
    return {"value": entry[0](), "unit": entry[1]}


def restart_backoff(inp: dict[str, Any]) -> dict[str, Any]:
    b, t, delays = Backoff(inp["initial_s"], inp["max_s"]), 0.0, []
    for _ in inp["restarts"]:
        delay = b.next("c", t)  # the container crashes right after each restart
        delays.append(int(delay) if float(delay).is_integer() else delay)
        t += delay
    return {"delay_s": delays, "reset_after_stable_s": int(b.reset_after_s)}


def admission(inp: dict[str, Any]) -> dict[str, Any]:
    plugin = DefaultTolerationSeconds()
    return {"pod_tolerations": [_toleration_dict(t) for t in plugin.tolerations(_tolerations(inp["pod_tolerations"]))]}


ADAPTERS: dict[str, Adapter] = {
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
    "deployment_resolve_fenceposts": _fence,
    "deployment_new_rs_new_replicas": lambda i: {"new_rs_replicas": util.new_rs_new_replicas(
        i["strategy"], i["deployment_replicas"], i["max_surge"], i["new_rs_replicas"], [*i["all_rs_replicas"], i["new_rs_replicas"]]
        if i["strategy"] == "Recreate" else i["all_rs_replicas"])},
    "deployment_max_unavailable": lambda i: {"max_unavailable": util.max_unavailable(i["strategy"], i["replicas"], i["max_surge"], i["max_unavailable"])},
    "deployment_min_available": lambda i: {"min_available": util.min_available(i["strategy"], i["replicas"], i["max_surge"], i["max_unavailable"])},
    "deployment_replicaset_fraction": lambda i: {"fraction": util.replicaset_fraction(
        i["deployment_replicas"], i["deployment_status_replicas"], i["max_surge"], i["max_unavailable"], i["rs_replicas"], i["rs_max_replicas_annotation"])},
    "deployment_complete": lambda i: {"complete": util.deployment_complete(i["desired"], i["status_replicas"], i["updated_replicas"], i["available_replicas"])},
    "deployment_progressing": lambda i: {"progressing": util.deployment_progressing(i["old_status"], i["new_status"])},
    "deployment_timed_out": lambda i: {"timed_out": util.deployment_timed_out(
        i["progress_deadline_seconds"], i["progressing_condition"].get("reason", ""), _t(i["progressing_condition"]["last_update_time"]), _t(i["now"]))},
    "deployment_replica_counts": lambda i: {"spec_total": sum(r["spec_replicas"] for r in i["replica_sets"]),
                                            "status_total": sum(r["status_replicas"] for r in i["replica_sets"])},
    "rolling_reconcile_new_rs": _reconcile_new,
    "rolling_reconcile_old_rs": _reconcile_old,
    "rolling_cleanup_unhealthy": _cleanup,
    "rolling_scale_down_old_rs": _scale_down_old,
    "default_value": default_value,
    "default_profile_plugins": default_profile_plugins,
    "hpa_resource_replicas": hpa_resource,
    "hpa_metric_replicas": hpa_metric,
    "num_feasible_nodes_to_find": lambda i: {"num_nodes": num_feasible_nodes_to_find(
        i["num_all_nodes"], i["profile_percentage"] if i["profile_percentage"] is not None else i["global_percentage"])},
    "scheduler_pod_backoff": lambda i: {"backoff_s": [int(backoff_duration(a, i["pod_initial_backoff_s"], i["pod_max_backoff_s"])) for a in i["attempts"]]},
    "container_restart_backoff": restart_backoff,
    "default_toleration_seconds_admission": admission,
}

def check_case(case: dict[str, Any]) -> str | None:
    """None when the case passes, else a one-line reason."""
    adapter = ADAPTERS.get(case["kind"])
    if adapter is None:
        return f"kind {case['kind']!r} is not supported"
    try:
        got = adapter(case["input"])
    except NotImplementedError as e:
        return str(e)
    except Exception as e:  # an adapter bug is a failure of this case, not of the runner
        return f"{type(e).__name__}: {e}"
    expected = case["expected"]
    got_cmp = {k: got.get(k) for k in expected}
    if got_cmp != expected:
        return f"expected {json.dumps(expected)}, got {json.dumps(got_cmp, default=str)}"
    return None


def run_cases(cases: list[dict[str, Any]], kinds: list[str] | None = None) -> tuple[int, list[tuple[str, str]]]:
    """(passed, [(case id, reason)]) over the cases whose kind starts with one of ``kinds``."""
    passed, failed = 0, []
    for case in cases:
        if kinds and not any(case["kind"].startswith(k) for k in kinds):
            continue
        why = check_case(case)
        if why is None:
            passed += 1
        else:
            failed.append((case["id"], why))
    return passed, failed


def main(argv: list[str] | None = None) -> int:
    """CLI entry: prints failing cases and ``N passed, M failed``; exit 1 on any failure, 2 on bad input."""
    ap = argparse.ArgumentParser(prog="python -m clustersim.conformance", description=__doc__.split("\n")[0])
    ap.add_argument("cases", type=Path)
    ap.add_argument("--kind", action="append", help="only kinds starting with this prefix (repeatable)")
    args = ap.parse_args(argv)
    try:
        cases = json.loads(args.cases.read_text())["cases"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"error: {args.cases}: cannot read cases: {e}", file=sys.stderr)
        return 2
    passed, failed = run_cases(cases, args.kind)
    for case_id, why in failed:
        print(f"FAIL {case_id}: {why}")
    print(f"{passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
