"""Manifest converters of the networking kinds: Service (defaulted as the API server does), Endpoints
(mirrored into an EndpointSlice, as the EndpointSliceMirroring controller does for Services without
selector), EndpointSlice, ReplicationController, and the kinds that load with no effect."""

from __future__ import annotations

from typing import Any

from clustersim.networking.service_defaults import set_defaults_service

__all__ = ["NETWORKING_CONVERTERS", "NETWORKING_IGNORED_KINDS", "Converted"]

Converted = tuple[str | None, dict[str, Any], tuple[str, ...]]
SERVICE_NAME_LABEL = "kubernetes.io/service-name"  # discovery.LabelServiceName
# admission webhooks and objects the simulator has no use for (the ingress-nginx deploy.yaml has them)
NETWORKING_IGNORED_KINDS = {"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "NetworkPolicy"}


def service(doc: dict[str, Any]) -> Converted:
    """v1 Service, after ``SetDefaults_Service``."""
    meta = doc["metadata"]
    spec = set_defaults_service({"spec": doc.get("spec") or {}})["spec"]
    kind = spec["type"]
    if kind == "ClusterIP" and spec.get("clusterIP") == "None":
        kind = "Headless"
    out: dict[str, Any] = {"name": meta["name"], "namespace": meta.get("namespace", "default"), "type": kind,
                           "selector": {str(k): str(v) for k, v in (spec.get("selector") or {}).items()}}
    if kind == "ExternalName":
        out["external_name"] = spec.get("externalName")
    if spec.get("externalTrafficPolicy"):
        out["external_traffic_policy"] = spec["externalTrafficPolicy"]
    if spec.get("internalTrafficPolicy") and kind != "ExternalName":
        out["internal_traffic_policy"] = spec["internalTrafficPolicy"]
    if spec.get("publishNotReadyAddresses"):
        out["publish_not_ready_addresses"] = True
    if spec.get("externalIPs"):
        out["external_ips"] = [str(ip) for ip in spec["externalIPs"]]
    used = ("spec.type", "spec.clusterIP", "spec.selector", "spec.externalName", "spec.externalTrafficPolicy",
            "spec.internalTrafficPolicy", "spec.publishNotReadyAddresses", "spec.externalIPs")
    return "services", out, used


def endpoints(doc: dict[str, Any]) -> Converted:
    """v1 Endpoints: mirrored into an EndpointSlice of the Service with the same name."""
    meta = doc["metadata"]
    eps = []
    for subset in doc.get("subsets") or []:
        for ready, key in ((True, "addresses"), (False, "notReadyAddresses")):
            for a in subset.get(key) or []:
                eps.append({"addresses": [str(a["ip"])], "ready": ready, **({"node_name": a["nodeName"]} if a.get("nodeName") else {})})
    out = {"name": f"{meta['name']}-mirrored", "namespace": meta.get("namespace", "default"), "service": meta["name"], "endpoints": eps}
    return "endpoint_slices", out, ("subsets[].addresses[].ip", "subsets[].addresses[].nodeName", "subsets[].notReadyAddresses[].ip",
                                    "subsets[].notReadyAddresses[].nodeName")


def endpointslice(doc: dict[str, Any]) -> Converted:
    """discovery.k8s.io/v1 EndpointSlice; without its kubernetes.io/service-name label it belongs to no Service."""
    meta = doc["metadata"]
    svc = (meta.get("labels") or {}).get(SERVICE_NAME_LABEL)
    if not svc:
        return None, {}, ()
    eps = []
    for e in doc.get("endpoints") or []:
        cond = e.get("conditions") or {}
        ep: dict[str, Any] = {"addresses": [str(a) for a in e.get("addresses") or []], "ready": cond.get("ready") is not False,
                              "terminating": bool(cond.get("terminating", False))}
        if cond.get("serving") is not None:
            ep["serving"] = bool(cond["serving"])
        if e.get("nodeName"):
            ep["node_name"] = e["nodeName"]
        eps.append(ep)
    out = {"name": meta["name"], "namespace": meta.get("namespace", "default"), "service": str(svc),
           "address_type": doc.get("addressType", "IPv4"), "endpoints": eps}
    return "endpoint_slices", out, ("addressType", "endpoints[].addresses", "endpoints[].conditions", "endpoints[].nodeName")


def replication_controller(doc: dict[str, Any]) -> Converted:
    """v1 ReplicationController: a ReplicaSet with an equality selector."""
    from clustersim.manifests.convert import USED_POD_SPEC, _workload

    out = _workload(doc)
    if not out["labels"]:
        out["labels"] = {str(k): str(v) for k, v in ((doc.get("spec") or {}).get("selector") or {}).items()}
    used = ("spec.replicas", "spec.selector", "spec.template.metadata.labels", "spec.minReadySeconds",
            *(f"spec.template.spec.{p}" for p in USED_POD_SPEC))
    return "replica_sets", out, used


NETWORKING_CONVERTERS = {"Service": service, "Endpoints": endpoints, "EndpointSlice": endpointslice,
                         "ReplicationController": replication_controller}
