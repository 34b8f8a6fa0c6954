"""RBAC objects from plain mappings (the config's and the conformance cases' snake_case form) and back.

A rule is ``{verbs, api_groups, resources, resource_names, non_resource_urls}`` (a missing key is an
empty list; lists are kept as written); a binding is ``{name, namespace, role_ref: {kind, name},
subjects: [{kind, name, namespace}]}``; an aggregated ClusterRole has ``aggregation_rule:
{cluster_role_selectors: [{match_labels: {...}}]}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from clustersim.api.objects import ObjectMeta
from clustersim.api.rbac import AggregationRule, ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, RoleRef, Subject

__all__ = ["binding_from_dict", "cluster_role_from_dict", "role_from_dict", "rule_from_dict", "rule_to_dict", "subject_to_dict"]

_RULE_FIELDS = ("verbs", "api_groups", "resources", "resource_names", "non_resource_urls")


def rule_from_dict(d: Mapping[str, Any]) -> PolicyRule:
    """A PolicyRule; missing lists are empty."""
    return PolicyRule(*(tuple(d.get(f) or ()) for f in _RULE_FIELDS))


def rule_to_dict(r: PolicyRule) -> dict[str, list[str]]:
    """The non-empty lists of a rule."""
    return {f: list(getattr(r, f)) for f in _RULE_FIELDS if getattr(r, f)}


def subject_to_dict(s: Subject) -> dict[str, str]:
    """``{kind, name[, namespace]}``."""
    out = {"kind": s.kind, "name": s.name}
    if s.namespace:
        out["namespace"] = s.namespace
    return out


def _meta(d: Mapping[str, Any], default_name: str = "", namespaced: bool = True) -> ObjectMeta:
    return ObjectMeta(d.get("name") or default_name, (d.get("namespace") or "") if namespaced else "",
                      labels=dict(d.get("labels") or {}), annotations=dict(d.get("annotations") or {}))


def role_from_dict(d: Mapping[str, Any]) -> Role:
    """A namespaced Role."""
    return Role(_meta(d), tuple(rule_from_dict(r) for r in d.get("rules") or ()))


def cluster_role_from_dict(d: Mapping[str, Any]) -> ClusterRole:
    """A ClusterRole, aggregated when it has ``aggregation_rule``."""
    agg = d.get("aggregation_rule")
    rule = None
    if agg is not None:
        rule = AggregationRule(tuple(tuple(sorted((s.get("match_labels") or {}).items())) for s in agg.get("cluster_role_selectors") or ()))
    return ClusterRole(_meta(d, namespaced=False), tuple(rule_from_dict(r) for r in d.get("rules") or ()), rule)


def binding_from_dict(d: Mapping[str, Any], index: int = 0) -> RoleBinding | ClusterRoleBinding:
    """A RoleBinding when ``namespace`` is set, else a ClusterRoleBinding (unnamed ones get ``binding-<index>``)."""
    ref = d["role_ref"]
    role_ref = RoleRef(ref["kind"], ref["name"], ref.get("api_group") or "rbac.authorization.k8s.io")
    subjects = tuple(Subject(s["kind"], s["name"], s.get("namespace") or "") for s in d.get("subjects") or ())
    meta = _meta(d, f"binding-{index}")
    if meta.namespace:
        return RoleBinding(meta, role_ref, subjects)
    return ClusterRoleBinding(meta, role_ref, subjects)
