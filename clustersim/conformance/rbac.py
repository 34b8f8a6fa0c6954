"""Category E: RBAC (authorizer, rules, escalation check, aggregation, default policy) and the Node
authorizer, through the simulator's own authorizer code (``clustersim.auth``) and aggregation controller."""

from __future__ import annotations

from typing import Any

from clustersim.api.rbac import ClusterRole, ClusterRoleBinding, Subject
from clustersim.auth.attributes import Attributes
from clustersim.auth.authorizer import Decision
from clustersim.auth.bootstrappolicy import default_policy, node_rules
from clustersim.auth.chain import build_authorizer
from clustersim.auth.node import GraphPod, NodeAuthorizer, PodGraph
from clustersim.auth.rbac.authorizer import RBACAuthorizer
from clustersim.auth.rbac.comparator import covers, non_resource_url_covers
from clustersim.auth.rbac.evaluation import rule_allows
from clustersim.auth.rbac.objects import (
    binding_from_dict,
    cluster_role_from_dict,
    role_from_dict,
    rule_from_dict,
    rule_to_dict,
    subject_to_dict,
)
from clustersim.auth.rbac.policy import Policy
from clustersim.auth.rbac.resolver import RuleResolver, applies_to
from clustersim.auth.user import UserInfo
from clustersim.conformance.registry import register, register_unordered
from clustersim.controllers.clusterrole_aggregation import aggregate, aggregated_rules

__all__: list[str] = []


def _user(req: dict[str, Any]) -> UserInfo:
    return UserInfo(req.get("user", ""), tuple(req.get("groups") or ()))


def _attrs(req: dict[str, Any], user: UserInfo | None = None) -> Attributes:
    user = user if user is not None else _user(req)
    if req.get("resource_request", True):
        return Attributes(user, req["verb"], req.get("namespace") or "", req.get("api_group") or "", req.get("resource") or "",
                          req.get("subresource") or "", req.get("name") or "")
    return Attributes(user, req["verb"], resource_request=False, path=req.get("path") or "")


def _policy(inp: dict[str, Any]) -> Policy:
    objs: list[Any] = [role_from_dict(r) for r in inp.get("roles") or ()]
    objs += [cluster_role_from_dict(r) for r in inp.get("cluster_roles") or ()]
    objs += [binding_from_dict(b, i) for i, b in enumerate(inp.get("role_bindings") or ())]
    objs += [binding_from_dict({**b, "namespace": ""}, 1000 + i) for i, b in enumerate(inp.get("cluster_role_bindings") or ())]
    return Policy.of(objs)


def rbac_authorize(inp: dict[str, Any]) -> dict[str, Any]:
    r = RBACAuthorizer(_policy(inp)).authorize(_attrs(inp["request"]))
    return {"allowed": r.decision is Decision.ALLOW}


def rbac_rule_allows(inp: dict[str, Any]) -> dict[str, Any]:
    rule = rule_from_dict(inp["rule"])
    return {"allowed": [rule_allows(_attrs(req, UserInfo("")), rule) for req in inp["requests"]]}


def rbac_subject_applies(inp: dict[str, Any]) -> dict[str, Any]:
    subjects = tuple(Subject(s["kind"], s["name"], s.get("namespace") or "") for s in inp["subjects"])
    index, ok = applies_to(UserInfo(inp["user"], tuple(inp.get("groups") or ())), subjects, inp.get("namespace") or "")
    return {"applies": ok, "index": index}


def rbac_rules_for(inp: dict[str, Any]) -> dict[str, Any]:
    rules, _errors = RuleResolver(_policy(inp)).rules_for(UserInfo(inp["user"], tuple(inp.get("groups") or ())), inp.get("namespace") or "")
    return {"effective_rules": [rule_to_dict(r) for r in rules]}


def rbac_rules_cover(inp: dict[str, Any]) -> dict[str, Any]:
    ok, missing = covers([rule_from_dict(r) for r in inp["owner_rules"]], [rule_from_dict(r) for r in inp["servant_rules"]])
    return {"covered": ok, "uncovered_rules": [rule_to_dict(r) for r in missing]}


def rbac_url_covers(inp: dict[str, Any]) -> dict[str, Any]:
    return {"covers": non_resource_url_covers(inp["owner"], inp["requested"])}


def clusterrole_aggregation(inp: dict[str, Any]) -> dict[str, Any]:
    roles = [cluster_role_from_dict(r) for r in inp["cluster_roles"]]
    target = next(r for r in roles if r.meta.name == inp["cluster_role_to_sync"])
    rules, updated = aggregated_rules(roles, target)
    return {"rules": [rule_to_dict(r) for r in rules], "updated": updated}


def _defaults() -> tuple[list[ClusterRole], list[ClusterRoleBinding]]:
    roles, bindings = default_policy()
    return aggregate(roles), bindings


def rbac_bootstrap_aggregation(inp: dict[str, Any]) -> dict[str, Any]:
    roles, _ = default_policy()
    role = next(r for r in roles if r.meta.name == inp["cluster_role"])
    agg = role.aggregation_rule
    selectors = [dict(s) for s in agg.cluster_role_selectors] if agg is not None else []
    sources = sorted(r.meta.name for r in roles if r is not role and agg is not None and agg.selects(r.meta.labels))
    return {"aggregation_selectors": selectors, "labels": dict(role.meta.labels), "aggregates_from": sources}


def rbac_bootstrap_binding(inp: dict[str, Any]) -> dict[str, Any]:
    _, bindings = default_policy()
    b = next(b for b in bindings if b.meta.name == inp["cluster_role_binding"])
    return {"role_ref": {"kind": b.role_ref.kind, "name": b.role_ref.name}, "subjects": [subject_to_dict(s) for s in b.subjects]}


def rbac_bootstrap_authorize(inp: dict[str, Any]) -> dict[str, Any]:
    roles, bindings = _defaults()
    extra = [binding_from_dict(b, i) for i, b in enumerate(inp.get("role_bindings") or ())]
    r = build_authorizer(Policy.of([*roles, *bindings, *extra])).authorize(_attrs(inp["request"]))
    return {"allowed": r.decision is Decision.ALLOW}


def node_authorize(inp: dict[str, Any]) -> dict[str, Any]:
    pods = [GraphPod(p["namespace"], p["name"], p["node"], tuple(p.get("secret_volumes") or ())) for p in inp.get("pods") or ()]
    gate = inp.get("selector_authz")
    authz = NodeAuthorizer(PodGraph(pods), node_rules(), selectors=True if gate is None else bool(gate))
    r = authz.authorize(_attrs(inp["request"]))
    return {"decision": "Allow" if r.decision is Decision.ALLOW else "Deny" if r.decision is Decision.DENY else "NoOpinion"}


register({
    "rbac_authorize": rbac_authorize,
    "rbac_rule_allows": rbac_rule_allows,
    "rbac_subject_applies": rbac_subject_applies,
    "rbac_rules_for": rbac_rules_for,
    "rbac_rules_cover": rbac_rules_cover,
    "rbac_nonresource_url_covers": rbac_url_covers,
    "clusterrole_aggregation": clusterrole_aggregation,
    "rbac_bootstrap_aggregation": rbac_bootstrap_aggregation,
    "rbac_bootstrap_binding": rbac_bootstrap_binding,
    "rbac_bootstrap_authorize": rbac_bootstrap_authorize,
    "node_authorize": node_authorize,
})
register_unordered({
    "rbac_rules_for": {"effective_rules"},
    "rbac_rules_cover": {"uncovered_rules"},
    "rbac_bootstrap_binding": {"subjects"},
})
