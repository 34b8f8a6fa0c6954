"""Category G: Ingress host and path matching, routing and validation, through the simulator's
routing table (the ingress controller's) and the API validation the config applies."""

from __future__ import annotations

from typing import Any

from clustersim.api.ingress import HTTPIngressPath, Ingress, IngressBackend, IngressRule, IngressSpec, IngressTLS
from clustersim.api.objects import ObjectMeta
from clustersim.conformance.registry import register
from clustersim.networking.ingress_match import RoutingTable, best_path, host_matches
from clustersim.networking.ingress_validation import validate_ingress_spec, validate_rule_value

_ANY = IngressBackend("svc", 80)


def _backend(b: Any) -> IngressBackend | None:
    """A case backend: a Service name, ``{service, port}``, or ``{resource: {...}}``."""
    if b is None:
        return None
    if isinstance(b, str):
        return IngressBackend(b, 80)
    if "resource" in b:
        r = b["resource"] or {}
        return IngressBackend(resource_kind=r.get("kind", ""), resource_name=r.get("name", ""), resource_api_group=r.get("api_group"))
    port = b.get("port")
    return IngressBackend(b.get("service", ""), port if isinstance(port, int) else 0, port if isinstance(port, str) else "")


def _spec(d: dict[str, Any]) -> IngressSpec:
    rules = tuple(IngressRule(r.get("host") or "", None if r.get("paths") is None else tuple(
        HTTPIngressPath(p.get("path", ""), p.get("path_type"), _backend(p.get("backend")) or IngressBackend())
        for p in r["paths"])) for r in d.get("rules") or [])
    tls = tuple(IngressTLS(tuple(t.get("hosts") or ()), t.get("secret_name", "")) for t in d.get("tls") or [])
    return IngressSpec(rules, _backend(d.get("default_backend")), tls, d.get("ingress_class_name"))


def path_match(inp: dict[str, Any]) -> dict[str, Any]:
    """The best path of one rule for each request path."""
    paths = [HTTPIngressPath(p["path"], p["path_type"], _ANY) for p in inp["paths"]]
    matched = [best_path(paths, r) for r in inp["request_paths"]]
    return {"matches": [m is not None for m in matched],
            "matched": [None if m is None else {"path": m.path, "path_type": m.path_type} for m in matched]}


def route(inp: dict[str, Any]) -> dict[str, Any]:
    """One request through the routing table of one Ingress."""
    table = RoutingTable.build([Ingress(ObjectMeta("case", "default"), _spec(inp["ingress"]))])
    req = inp["request"]
    r = table.route(req.get("host", ""), req.get("path", "/"))
    return {"status": r.status, "backend": r.backend.service if r.backend is not None else None}


def validation(inp: dict[str, Any]) -> dict[str, Any]:
    """``ValidateIngressSpec`` on a whole Ingress, or ``validateIngressRuleValue`` on one path (field prefix ``testing``)."""
    if inp.get("rule_value_only"):
        rule = IngressRule("", (HTTPIngressPath(inp["path"], inp["path_type"], _ANY),))
        errs = validate_rule_value(rule, "testing")
        return {"valid": not errs, "errors": [{"field": e.field, "type": e.type, "value": e.value, "detail": e.detail} for e in errs]}
    errs = validate_ingress_spec(_spec(inp["spec"]))
    return {"valid": not errs, "error_fields": [e.field for e in errs]}


register({
    "ingress_path_match": path_match,
    "ingress_host_match": lambda i: {"matches": host_matches(i["rule_host"], i["host_header"])},
    "ingress_route": route,
    "ingress_validation": validation,
})
