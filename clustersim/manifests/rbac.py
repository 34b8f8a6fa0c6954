"""Manifest converters for RBAC objects (rbac.authorization.k8s.io/v1), Namespaces and ServiceAccounts.

They become the config's ``roles``, ``cluster_roles``, ``role_bindings``, ``cluster_role_bindings``,
``namespaces`` and ``service_accounts``, created at start and enforced by the authorizer. An
aggregation rule's ``matchExpressions`` are not read (listed as an ignored field).
"""

from __future__ import annotations

from typing import Any

__all__ = ["RBAC_CONVERTERS"]

Converted = tuple[str, dict[str, Any], tuple[str, ...]]
_RULE = (("verbs", "verbs"), ("apiGroups", "api_groups"), ("resources", "resources"), ("resourceNames", "resource_names"),
         ("nonResourceURLs", "non_resource_urls"))


def _rules(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [{dst: [str(v) for v in r.get(src) or []] for src, dst in _RULE} for r in doc.get("rules") or []]


def _labels(meta: dict[str, Any]) -> dict[str, str]:
    return {str(k): str(v) for k, v in (meta.get("labels") or {}).items()}


def _binding(doc: dict[str, Any]) -> dict[str, Any]:
    ref = doc["roleRef"]
    subjects = [{"kind": s["kind"], "name": s["name"], **({"namespace": s["namespace"]} if s.get("namespace") else {})}
                for s in doc.get("subjects") or []]
    return {"name": doc["metadata"]["name"], "role_ref": {"kind": ref["kind"], "name": ref["name"]}, "subjects": subjects}


_BINDING_USED = ("roleRef.kind", "roleRef.name", "roleRef.apiGroup", "subjects[].kind", "subjects[].name", "subjects[].namespace",
                 "subjects[].apiGroup")
_RULES_USED = tuple(f"rules[].{src}" for src, _ in _RULE) + ("metadata.labels",)


def role(doc: dict[str, Any]) -> Converted:
    """rbac/v1 Role."""
    meta = doc["metadata"]
    return "roles", {"name": meta["name"], "namespace": meta.get("namespace", "default"), "labels": _labels(meta),
                     "rules": _rules(doc)}, _RULES_USED


def cluster_role(doc: dict[str, Any]) -> Converted:
    """rbac/v1 ClusterRole (with its aggregationRule's matchLabels)."""
    meta = doc["metadata"]
    out: dict[str, Any] = {"name": meta["name"], "labels": _labels(meta), "rules": _rules(doc)}
    agg = doc.get("aggregationRule")
    if agg is not None:
        out["aggregation_rule"] = {"cluster_role_selectors": [{"match_labels": {str(k): str(v) for k, v in (s.get("matchLabels") or {}).items()}}
                                                              for s in agg.get("clusterRoleSelectors") or []]}
    return "cluster_roles", out, (*_RULES_USED, "aggregationRule.clusterRoleSelectors[].matchLabels")


def role_binding(doc: dict[str, Any]) -> Converted:
    """rbac/v1 RoleBinding."""
    return "role_bindings", {**_binding(doc), "namespace": doc["metadata"].get("namespace", "default")}, _BINDING_USED


def cluster_role_binding(doc: dict[str, Any]) -> Converted:
    """rbac/v1 ClusterRoleBinding."""
    return "cluster_role_bindings", _binding(doc), _BINDING_USED


def namespace(doc: dict[str, Any]) -> Converted:
    """v1 Namespace."""
    meta = doc["metadata"]
    return "namespaces", {"name": meta["name"], "labels": _labels(meta)}, ("metadata.labels",)


def service_account(doc: dict[str, Any]) -> Converted:
    """v1 ServiceAccount."""
    meta = doc["metadata"]
    return "service_accounts", {"name": meta["name"], "namespace": meta.get("namespace", "default")}, ()


RBAC_CONVERTERS = {"Role": role, "ClusterRole": cluster_role, "RoleBinding": role_binding, "ClusterRoleBinding": cluster_role_binding,
                   "Namespace": namespace, "ServiceAccount": service_account}
