"""Category D: the HPA replica calculator."""

from __future__ import annotations

from typing import Any

from clustersim.conformance.registry import register
from clustersim.controllers.podautoscaler import replica_calculator as rc


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



register({
    "hpa_resource_replicas": hpa_resource,
    "hpa_metric_replicas": hpa_metric,
})
