"""Category F: Service defaulting and the EndpointSlice controller's per-pod rules.

Service cases go through ``set_defaults_service``, which the manifest loader applies to every Service;
EndpointSlice cases build simulator pods and run the controller's ``endpoints_for``.
"""

from __future__ import annotations

from typing import Any

from clustersim.api.objects import LABEL_ZONE, ObjectMeta, Pod, Service
from clustersim.api.types import PodPhase, PodSpec
from clustersim.conformance.registry import register, register_defaults
from clustersim.conformance.unordered import Unordered
from clustersim.controllers.endpointslice import endpoints_for
from clustersim.controllers.endpointslice_util import (
    endpoint_addresses,
    should_pod_be_in_endpoints,
    should_set_hostname,
    slice_lengths,
)
from clustersim.networking.service_defaults import set_defaults_service

_SPEC = PodSpec(())


def _field(obj: dict[str, Any], path: str) -> Any:
    """A defaulted field by the case's path syntax (``ports[*].x``, ``status.loadBalancer.ingress[*].ipMode``)."""
    if path.startswith("status."):
        node: Any = obj.get("status") or {}
        path = path.removeprefix("status.")
    else:
        node = obj["spec"]
    head, star, rest = path.partition("[*].")
    for part in head.split("."):
        node = (node or {}).get(part)
    if star:
        return [item.get(rest) for item in node or []]
    return node


def service_defaults(inp: dict[str, Any]) -> dict[str, Any]:
    """Every field a case may ask for; unset policies read as upstream's zero values."""
    gates = inp.get("feature_gates") or {}
    obj = set_defaults_service({"spec": inp["spec"], "status": inp.get("status") or {}}, gates.get("LoadBalancerIPMode", True))
    keys = ("sessionAffinity", "sessionAffinityConfig", "type", "internalTrafficPolicy", "allocateLoadBalancerNodePorts",
            "ports[*].targetPort", "ports[*].protocol", "status.loadBalancer.ingress[*].ipMode")
    out = {k: _field(obj, k) for k in keys}
    out["externalTrafficPolicy"] = obj["spec"].get("externalTrafficPolicy") or ""
    return out


def _pod(p: dict[str, Any]) -> Pod:
    pod = Pod(ObjectMeta(p.get("name", "pod"), p.get("namespace", "default")), _SPEC, p.get("node_name", ""))
    pod.status.ready = bool(p.get("ready", False))
    pod.status.phase = PodPhase(p.get("phase", "Running"))
    pod.status.start_s = 0.0 if p.get("pod_ips", ["x"]) else None  # a pod has an IP once its sandbox runs
    if p.get("terminating"):
        pod.meta.deletion_s = 0.0
    return pod


def _service(s: dict[str, Any]) -> Service:
    return Service(ObjectMeta(s.get("name", "svc"), s.get("namespace", "default")), "ClusterIP",
                   publish_not_ready_addresses=bool(s.get("publish_not_ready_addresses", False)))


def pod_to_endpoint(inp: dict[str, Any]) -> dict[str, Any]:
    """The endpoint the controller writes for one pod."""
    p, svc = inp["pod"], inp["service"]
    eps = endpoints_for(_service(svc), [_pod(p)])
    if not eps:
        return {"addresses": None}
    ep = eps[0]
    zone = ((inp.get("node") or {}).get("labels") or {}).get(LABEL_ZONE) or None
    hostname = p["hostname"] if should_set_hostname(p["namespace"], p.get("hostname", ""), p.get("subdomain", ""),
                                                     svc["namespace"], svc["name"]) else None
    return {"addresses": endpoint_addresses(p.get("pod_ips") or [], inp.get("address_type", "IPv4")),
            "conditions": {"ready": ep.ready, "serving": ep.serving, "terminating": ep.terminating},
            "node_name": ep.node or None, "zone": zone, "hostname": hostname,
            "target_ref": {"kind": "Pod", "namespace": p["namespace"], "name": p["name"]}}


def pod_in_endpoints(inp: dict[str, Any]) -> dict[str, Any]:
    """``ShouldPodBeInEndpoints``."""
    p = inp["pod"]
    return {"include": should_pod_be_in_endpoints(p["phase"], bool(p.get("pod_ips")), bool(p.get("terminating")),
                                                  bool(inp.get("include_terminating")))}


def set_hostname(inp: dict[str, Any]) -> dict[str, Any]:
    """``ShouldSetHostname``."""
    p, s = inp["pod"], inp["service"]
    return {"set_hostname": should_set_hostname(p["namespace"], p.get("hostname", ""), p.get("subdomain", ""), s["namespace"], s["name"])}


def slices(inp: dict[str, Any]) -> dict[str, Any]:
    """New slices for ``num_pods`` running pods (not Ready, so publishNotReadyAddresses shows)."""
    svc = _service({"publish_not_ready_addresses": inp.get("publish_not_ready_addresses", False)})
    pods = [_pod({"name": f"pod{i}", "node_name": "node-1"}) for i in range(inp["num_pods"])]
    eps = endpoints_for(svc, pods)
    lengths = slice_lengths(len(eps), inp.get("max_endpoints_per_slice", 100))
    return {"slice_lengths": Unordered(lengths), "creates": len(lengths), "all_ready": all(e.ready for e in eps)}


def _default(field: str, spec: dict[str, Any] | None = None) -> Any:
    return set_defaults_service({"spec": spec or {}})["spec"].get(field)


register({
    "service_defaults": service_defaults,
    "endpointslice_pod_to_endpoint": pod_to_endpoint,
    "endpointslice_should_pod_be_in_endpoints": pod_in_endpoints,
    "endpointslice_should_set_hostname": set_hostname,
    "endpointslice_slice_lengths": slices,
})

register_defaults({
    ("service", "sessionAffinityConfig.clientIP.timeoutSeconds"): (
        lambda: set_defaults_service({"spec": {"sessionAffinity": "ClientIP"}})["spec"]["sessionAffinityConfig"]["clientIP"]["timeoutSeconds"], "s"),
    ("service", "type"): (lambda: _default("type"), "type"),
    ("service", "sessionAffinity"): (lambda: _default("sessionAffinity"), "policy"),
    ("service", "externalTrafficPolicy"): (lambda: _default("externalTrafficPolicy", {"type": "NodePort"}), "policy"),
    ("service", "internalTrafficPolicy"): (lambda: _default("internalTrafficPolicy"), "policy"),
    ("service", "allocateLoadBalancerNodePorts"): (lambda: _default("allocateLoadBalancerNodePorts", {"type": "LoadBalancer"}), "bool"),
})
