"""Objects as ``kubectl get -o yaml`` prints them, for snapshot tests (uids, owner references, status)."""

from __future__ import annotations

from typing import Any

T0 = "2026-11-30T10:00:00Z"
NOW = "2026-12-01T10:00:00Z"


def node(name: str, zone: str, cpu: str = "4", memory: str = "16Gi", ready: str = "True", **extra: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "uid": f"uid-node-{name}", "creationTimestamp": T0,
                         "labels": {"kubernetes.io/hostname": name, "topology.kubernetes.io/zone": zone}},
            "spec": {"providerID": f"aws:///{zone}/i-{name}", **extra},
            "status": {"capacity": {"cpu": cpu, "memory": memory, "pods": "110"},
                       "allocatable": {"cpu": cpu, "memory": memory, "pods": "110"},
                       "conditions": [{"type": "MemoryPressure", "status": "False", "lastHeartbeatTime": NOW},
                                      {"type": "Ready", "status": ready, "lastHeartbeatTime": NOW, "lastTransitionTime": T0}]}}


def _template(app: str, extra_labels: dict[str, str] | None = None) -> dict[str, Any]:
    return {"metadata": {"labels": {"app": app, **(extra_labels or {})}},
            "spec": {"containers": [{"name": app, "image": f"shop/{app}:1.0",
                                     "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}},
                                     "readinessProbe": {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 5}}],
                     "terminationGracePeriodSeconds": 30}}


def deployment(app: str, replicas: int, ns: str = "shop") -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": app, "namespace": ns, "uid": f"uid-dep-{app}", "generation": 1, "creationTimestamp": T0},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": app}}, "template": _template(app)},
            "status": {"replicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas}}


def replicaset(app: str, replicas: int, ns: str = "shop", h: str = "7d4b9c8f5d") -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": f"{app}-{h}", "namespace": ns, "uid": f"uid-rs-{app}", "creationTimestamp": T0,
                         "labels": {"app": app, "pod-template-hash": h},
                         "annotations": {"deployment.kubernetes.io/revision": "1"},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": app, "uid": f"uid-dep-{app}",
                                              "controller": True, "blockOwnerDeletion": True}]},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": app, "pod-template-hash": h}},
                     "template": _template(app, {"pod-template-hash": h})},
            "status": {"replicas": replicas, "readyReplicas": replicas}}


def pod(app: str, suffix: str, node_name: str | None, phase: str = "Running", ready: bool = True, ns: str = "shop",
        h: str = "7d4b9c8f5d", owner: bool = True) -> dict[str, Any]:
    tmpl = _template(app, {"pod-template-hash": h})
    meta: dict[str, Any] = {"name": f"{app}-{h}-{suffix}", "namespace": ns, "uid": f"uid-pod-{app}-{suffix}",
                            "creationTimestamp": T0, "labels": tmpl["metadata"]["labels"]}
    if owner:
        meta["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": f"{app}-{h}", "uid": f"uid-rs-{app}",
                                    "controller": True, "blockOwnerDeletion": True}]
    spec = {**tmpl["spec"], "tolerations": [
        {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
        {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}],
        "schedulerName": "default-scheduler", "priority": 0}
    status: dict[str, Any] = {"phase": phase, "conditions": [{"type": "PodScheduled", "status": "True" if node_name else "False"}]}
    if node_name:
        spec["nodeName"] = node_name
        status["startTime"] = T0
        status["conditions"].append({"type": "Ready", "status": "True" if ready else "False", "lastTransitionTime": T0})
        status["containerStatuses"] = [{"name": app, "ready": ready, "restartCount": 1, "state": {"running": {"startedAt": T0}}}]
    else:
        status["conditions"][0].update(reason="Unschedulable", message="0/4 nodes are available")
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status}


def service(app: str, ns: str = "shop") -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": app, "namespace": ns, "uid": f"uid-svc-{app}"},
            "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.10", "selector": {"app": app}, "ports": [{"port": 80}]}}


def listing(*items: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "List", "items": list(items), "metadata": {"resourceVersion": ""}}
