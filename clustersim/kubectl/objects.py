"""Objects at a time as Kubernetes would serve them (``-o yaml``/``-o json``): the fields the run knows.

Timestamps are the config's ``clock_start`` plus simulated seconds. Fields the simulator does not
model (IP addresses, ports, resource versions) are left out rather than made up.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from clustersim.config.models import DeploymentConfig, SimConfig
from clustersim.kubectl.format import cpu, memory, rfc3339
from clustersim.kubectl.snapshot import Template

__all__ = ["deployment_object", "as_list", "node_object", "pod_object", "service_object", "pod_labels", "DEFAULT_TOLERATIONS"]

# DefaultTolerationSeconds admission (plugin/pkg/admission/defaulttolerationseconds): 300 s each
DEFAULT_TOLERATIONS = ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")


def as_list(items: list[dict[str, Any]]) -> dict[str, Any]:
    """``kubectl get -o yaml`` of several objects: a ``v1`` List."""
    return {"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}}


def pod_labels(spec: DeploymentConfig | None) -> dict[str, str]:
    """A template's pod labels (default ``app=<name>``, as the config documents)."""
    if spec is None:
        return {}
    return dict(spec.labels) or {"app": spec.name}


def _requests(req: dict[str, Any]) -> dict[str, str]:
    out = {}
    for k, v in req.items():
        out[k] = str(v)
    return out


def _containers(tpl: Template | None, image_default: str, req_cpu: int, req_mem: int) -> list[dict[str, Any]]:
    if tpl is not None and tpl.spec is not None:
        return [{"name": c.name, "image": c.image, **({"resources": {"requests": _requests(dict(c.requests))}} if c.requests else {})}
                for c in tpl.spec.containers]
    res = {"requests": {"cpu": cpu(req_cpu), "memory": memory(req_mem)}} if req_cpu or req_mem else {}
    return [{"name": "task", "image": (tpl.image if tpl is not None else "") or image_default, **({"resources": res} if res else {})}]


def pod_object(cfg: SimConfig, row: pd.Series, tpl: Template | None) -> dict[str, Any]:
    """A ``v1`` Pod as the API would have returned it at the snapshot's time."""
    cs = cfg.clock_start
    meta: dict[str, Any] = {"name": row["name"], "namespace": row["namespace"], "uid": row["uid"],
                            "creationTimestamp": rfc3339(cs, row["created_s"])}
    labels = pod_labels(tpl.spec if tpl is not None else None)
    if labels:
        meta["labels"] = labels
    if tpl is not None and tpl.owner_kind:
        meta["ownerReferences"] = [{"apiVersion": "batch/v1" if tpl.owner_kind == "Job" else "apps/v1", "kind": tpl.owner_kind,
                                    "name": row["workload"], "controller": True}]
    if bool(row["terminating"]):
        meta["deletionTimestamp"] = rfc3339(cs, row["deletion_s"])
    containers = _containers(tpl, "", int(row["request_cpu_m"]), int(row["request_memory_bytes"]))
    spec: dict[str, Any] = {"containers": containers}
    if row["node"]:
        spec["nodeName"] = row["node"]
    ready = bool(row["ready"]) and row["phase"] == "Running"
    conditions = []
    if row["node"]:
        conditions.append({"type": "PodScheduled", "status": "True", "lastTransitionTime": rfc3339(cs, row["scheduled_s"])})
    elif row["phase"] == "Pending":
        conditions.append({"type": "PodScheduled", "status": "False", "reason": "Unschedulable"})
    if row["node"]:
        conditions.append({"type": "Ready", "status": "True" if ready else "False"})
    status: dict[str, Any] = {"phase": row["phase"], "conditions": conditions}
    if row["reason"] and row["reason"] in ("Evicted",):
        status["reason"] = row["reason"]
    if not pd.isna(row["started_s"]) and row["started_s"] <= row["snapshot_s"]:
        status["startTime"] = rfc3339(cs, row["started_s"])
    status["containerStatuses"] = [{"name": c["name"], "image": c["image"], "ready": ready, "restartCount": int(row["restarts"]),
                                    "state": _state(row)} for c in containers]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status}


def _state(row: pd.Series) -> dict[str, Any]:
    if row["phase"] == "Running" and not row["reason"]:
        return {"running": {}}
    if row["phase"] in ("Succeeded", "Failed"):
        return {"terminated": {"reason": "Completed" if row["phase"] == "Succeeded" else row["reason"] or "Error"}}
    return {"waiting": {"reason": row["reason"] or "ContainerCreating"}} if row["node"] else {}


def node_object(cfg: SimConfig, row: pd.Series, labels: dict[str, str], capacity: dict[str, str]) -> dict[str, Any]:
    """A ``v1`` Node: labels, cordon and taints, Ready and MemoryPressure, capacity and allocatable."""
    cs = cfg.clock_start
    spec: dict[str, Any] = {}
    if bool(row["unschedulable"]):
        spec["unschedulable"] = True
    if row["taints"]:
        spec["taints"] = [_taint(t) for t in str(row["taints"]).split(",")]
    alloc = {"cpu": cpu(row["allocatable_cpu_m"]), "memory": memory(row["allocatable_memory_bytes"]), "pods": str(int(row["allocatable_pods"]))}
    conditions = [{"type": "MemoryPressure", "status": "True" if bool(row["memory_pressure"]) else "False"},
                  {"type": "Ready", "status": str(row["ready"]), "lastTransitionTime": rfc3339(cs, row["t"])}]
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": row["node"], "labels": labels, "creationTimestamp": rfc3339(cs, row["created_s"])},
            "spec": spec, "status": {"capacity": capacity or alloc, "allocatable": alloc, "conditions": conditions}}


def _taint(text: str) -> dict[str, str]:
    kv, _, effect = text.rpartition(":")
    key, _, value = kv.partition("=")
    return {"key": key, **({"value": value} if value else {}), "effect": effect}


def deployment_object(cfg: SimConfig, d: dict[str, Any]) -> dict[str, Any]:
    """An ``apps/v1`` Deployment with its status counts."""
    spec: DeploymentConfig = d["spec"]
    labels = pod_labels(spec)
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": d["name"], "namespace": d["namespace"], "creationTimestamp": rfc3339(cfg.clock_start, d["created_s"])},
            "spec": {"replicas": d["replicas"], "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"containers": [{"name": c.name, "image": c.image} for c in spec.containers]}}},
            "status": {"replicas": d["replicas"], "updatedReplicas": d["updated_replicas"], "readyReplicas": d["ready_replicas"],
                       "availableReplicas": d["available_replicas"]}}


def service_object(cfg: SimConfig, s: dict[str, Any]) -> dict[str, Any]:
    """A ``v1`` Service (type and selector; addresses and ports are not modelled)."""
    sv = s["spec"]
    spec: dict[str, Any] = {"type": "ClusterIP" if sv.type == "Headless" else sv.type}
    if sv.type == "Headless":
        spec["clusterIP"] = "None"
    if sv.selector:
        spec["selector"] = dict(sv.selector)
    if sv.external_name:
        spec["externalName"] = sv.external_name
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": s["name"], "namespace": s["namespace"], "creationTimestamp": rfc3339(cfg.clock_start, s["created_s"])},
            "spec": spec}
