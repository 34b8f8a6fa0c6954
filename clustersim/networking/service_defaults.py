"""``SetDefaults_Service`` (pkg/apis/core/v1/defaults.go) on a ``v1`` Service mapping.

The manifest loader defaults every Service it reads through this function, as the API server does
when the object is created, so ``sessionAffinity``, ``type``, ports, ``externalTrafficPolicy`` and
``internalTrafficPolicy`` are what the cluster would store.
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["DEFAULT_CLIENT_IP_AFFINITY_S", "externally_accessible", "set_defaults_service"]

DEFAULT_CLIENT_IP_AFFINITY_S = 10800  # v1.DefaultClientIPServiceAffinitySeconds (3 h)


def externally_accessible(spec: dict[str, Any]) -> bool:
    """``service.ExternallyAccessible`` (pkg/api/service/util.go): NodePort, LoadBalancer, or ClusterIP with externalIPs."""
    kind = spec.get("type") or "ClusterIP"
    return kind in ("LoadBalancer", "NodePort") or (kind == "ClusterIP" and bool(spec.get("externalIPs")))


def set_defaults_service(obj: dict[str, Any], lb_ip_mode: bool = True) -> dict[str, Any]:
    """A defaulted copy of ``{"spec": ..., "status": ...}`` (the input is not changed).

    ``lb_ip_mode`` is the LoadBalancerIPMode feature gate (GA in v1.32, on by default).
    """
    out = copy.deepcopy(obj)
    spec = out.setdefault("spec", {})
    if not spec.get("sessionAffinity"):
        spec["sessionAffinity"] = "None"
    if spec["sessionAffinity"] == "None":
        spec["sessionAffinityConfig"] = None
    elif spec["sessionAffinity"] == "ClientIP":
        conf = spec.get("sessionAffinityConfig") or {}
        if (conf.get("clientIP") or {}).get("timeoutSeconds") is None:
            spec["sessionAffinityConfig"] = {"clientIP": {"timeoutSeconds": DEFAULT_CLIENT_IP_AFFINITY_S}}
    if not spec.get("type"):
        spec["type"] = "ClusterIP"
    for port in spec.get("ports") or []:
        if not port.get("protocol"):
            port["protocol"] = "TCP"
        if port.get("targetPort") in (None, 0, ""):
            port["targetPort"] = port.get("port")
    if externally_accessible(spec) and not spec.get("externalTrafficPolicy"):
        spec["externalTrafficPolicy"] = "Cluster"
    if spec.get("internalTrafficPolicy") is None and spec["type"] in ("NodePort", "LoadBalancer", "ClusterIP"):
        spec["internalTrafficPolicy"] = "Cluster"
    if spec["type"] == "LoadBalancer":
        if spec.get("allocateLoadBalancerNodePorts") is None:
            spec["allocateLoadBalancerNodePorts"] = True
        ingress = ((out.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
        for ing in ingress if lb_ip_mode else ():
            if ing.get("ip") and ing.get("ipMode") is None:
                ing["ipMode"] = "VIP"
    return out
