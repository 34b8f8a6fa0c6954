"""Kubernetes' own validation of the manifest fields the simulator relies on.

Each rule is the API server's (``pkg/apis/apps/validation``, ``pkg/apis/core/validation``), with its
message; a manifest the API server would refuse is refused here, naming the manifest path. The shapes
(types) are checked first, by ``schema.py``.
"""

from __future__ import annotations

from typing import Any

from clustersim.manifests.paths import pod_spec_prefix

__all__ = ["API_VERSIONS", "check_rules", "selector_matches"]

# the versions an API server of the modelled release (1.32) serves for each kind the loader knows
API_VERSIONS: dict[str, tuple[str, ...]] = {
    "Deployment": ("apps/v1",), "ReplicaSet": ("apps/v1",), "StatefulSet": ("apps/v1",), "DaemonSet": ("apps/v1",),
    "Job": ("batch/v1",), "CronJob": ("batch/v1",),
    "Pod": ("v1",), "Service": ("v1",), "Node": ("v1",), "PersistentVolumeClaim": ("v1",), "PersistentVolume": ("v1",),
    "Namespace": ("v1",), "ServiceAccount": ("v1",), "ConfigMap": ("v1",), "Secret": ("v1",), "Endpoints": ("v1",),
    "PodDisruptionBudget": ("policy/v1", "policy/v1beta1"),
    "PriorityClass": ("scheduling.k8s.io/v1",),
    "HorizontalPodAutoscaler": ("autoscaling/v2", "autoscaling/v1"),
    "Role": ("rbac.authorization.k8s.io/v1",), "ClusterRole": ("rbac.authorization.k8s.io/v1",),
    "RoleBinding": ("rbac.authorization.k8s.io/v1",), "ClusterRoleBinding": ("rbac.authorization.k8s.io/v1",),
    "StorageClass": ("storage.k8s.io/v1",), "Ingress": ("networking.k8s.io/v1",), "IngressClass": ("networking.k8s.io/v1",),
    "EndpointSlice": ("discovery.k8s.io/v1",), "ReplicationController": ("v1",),
}
APPS_KINDS = ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet")
POD_KINDS = (*APPS_KINDS, "Job", "CronJob", "Pod")


def _expr_matches(e: dict[str, Any], labels: dict[str, Any]) -> bool:
    op, key, values = e.get("operator"), e.get("key"), [str(v) for v in e.get("values") or []]
    if op == "In":
        return key in labels and str(labels[key]) in values
    if op == "NotIn":
        return key not in labels or str(labels[key]) not in values
    if op == "Exists":
        return key in labels
    if op == "DoesNotExist":
        return key not in labels
    return False


def selector_matches(selector: dict[str, Any], labels: dict[str, Any]) -> bool:
    """A ``metav1.LabelSelector`` against a label set (apimachinery labels.Selector.Matches)."""
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    return all(_expr_matches(e, labels) for e in selector.get("matchExpressions") or [])


def _pod_spec(kind: str, doc: dict[str, Any]) -> dict[str, Any]:
    spec = doc.get("spec") or {}
    if kind == "Pod":
        return spec
    if kind == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    return (spec.get("template") or {}).get("spec") or {}


def _selector_rule(kind: str, doc: dict[str, Any]) -> tuple[str, str] | None:
    # ValidateDeploymentSpec / ValidateReplicaSetSpec / ValidateStatefulSetSpec / ValidateDaemonSetSpec
    spec = doc.get("spec") or {}
    sel = spec.get("selector")
    if not sel:
        return "spec.selector", "Required value"
    if not (sel.get("matchLabels") or sel.get("matchExpressions")):
        return "spec.selector", f"empty selector is invalid for {kind.lower()}"
    labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
    if not selector_matches(sel, labels):
        return "spec.template.metadata.labels", "`selector` does not match template `labels`"
    return None


def _containers_rule(kind: str, doc: dict[str, Any]) -> tuple[str, str] | None:
    # pkg/apis/core/validation validateContainers: name required and unique (init containers included), image required
    pod = _pod_spec(kind, doc)
    prefix = pod_spec_prefix(kind)
    containers = pod.get("containers") or []
    if not containers:
        return f"{prefix}.containers", "Required value"
    seen: set[str] = set()
    for field in ("initContainers", "containers"):
        for i, c in enumerate(pod.get(field) or []):
            at = f"{prefix}.{field}[{i}]"
            if not c.get("name"):
                return f"{at}.name", "Required value"
            if c["name"] in seen:
                return f"{at}.name", f'Duplicate value: "{c["name"]}"'
            seen.add(c["name"])
            if not c.get("image"):
                return f"{at}.image", "Required value"
    return None


def _hpa_rule(doc: dict[str, Any]) -> tuple[str, str] | None:
    for i, m in enumerate((doc.get("spec") or {}).get("metrics") or []):
        if m.get("type") != "Resource":
            continue
        if not m.get("resource"):
            return f"spec.metrics[{i}].resource", "Required value (type Resource)"
        target = m["resource"].get("target") or {}
        need = {"Utilization": "averageUtilization", "AverageValue": "averageValue"}.get(target.get("type", ""))
        if need is None:
            return f"spec.metrics[{i}].resource.target.type", f"Unsupported value: {target.get('type')!r} (Utilization, AverageValue)"
        if target.get(need) is None:
            return f"spec.metrics[{i}].resource.target.{need}", f"Required value (target type {target['type']})"
    return None


def check_rules(kind: str, doc: dict[str, Any]) -> tuple[str, str] | None:
    """(manifest path, message) of the first rule ``doc`` breaks, or None."""
    if kind in APPS_KINDS:
        problem = _selector_rule(kind, doc)
        if problem:
            return problem
    if kind in POD_KINDS:
        return _containers_rule(kind, doc)
    if kind == "HorizontalPodAutoscaler":
        return _hpa_rule(doc)
    return None
