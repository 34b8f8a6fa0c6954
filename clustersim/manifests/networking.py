"""Manifest converters of the networking kinds: Service (defaulted as the API server does), Endpoints
(mirrored into an EndpointSlice, as the EndpointSliceMirroring controller does for Services without
selector), EndpointSlice, Ingress, IngressClass, ReplicationController, and the kinds that load with
no effect."""

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


def _ingress_backend(b: dict[str, Any] | None) -> dict[str, Any] | None:
    if b is None:
        return None
    if b.get("resource") is not None:
        r = b["resource"]
        return {"resource": {"api_group": r.get("apiGroup"), "kind": r.get("kind", ""), "name": r.get("name", "")}}
    svc = b.get("service") or {}
    port = svc.get("port") or {}
    return {"service": svc.get("name"), "port": port.get("number", port.get("name"))}


def ingress(doc: dict[str, Any]) -> Converted:
    """networking.k8s.io/v1 Ingress: rules, paths, backends, defaultBackend, TLS hosts, the class (annotation included)."""
    meta, spec = doc["metadata"], doc.get("spec") or {}
    rules = []
    for r in spec.get("rules") or []:
        http = r.get("http")
        paths = None if http is None else [{"path": p.get("path", ""), "path_type": p.get("pathType"),
                                            "backend": _ingress_backend(p.get("backend"))} for p in http.get("paths") or []]
        rules.append({"host": r.get("host", ""), "paths": paths})
    out: dict[str, Any] = {"name": meta["name"], "namespace": meta.get("namespace", "default"), "rules": rules,
                           "tls": [{"hosts": list(t.get("hosts") or []), "secret_name": t.get("secretName", "")} for t in spec.get("tls") or []]}
    if spec.get("ingressClassName") is not None:
        out["ingress_class_name"] = spec["ingressClassName"]
    ann = (meta.get("annotations") or {}).get("kubernetes.io/ingress.class")
    if ann is not None:
        out["annotations"] = {"kubernetes.io/ingress.class": str(ann)}
    if spec.get("defaultBackend") is not None:
        out["default_backend"] = _ingress_backend(spec["defaultBackend"])
    used = ("spec.ingressClassName", "spec.rules[].host", "spec.rules[].http.paths[].path", "spec.rules[].http.paths[].pathType",
            "spec.rules[].http.paths[].backend", "spec.defaultBackend", "spec.tls[].hosts", "spec.tls[].secretName")
    return "ingresses", out, used


def ingress_class(doc: dict[str, Any]) -> Converted:
    """networking.k8s.io/v1 IngressClass: its controller and the default-class annotation."""
    meta, spec = doc["metadata"], doc.get("spec") or {}
    default = str((meta.get("annotations") or {}).get("ingressclass.kubernetes.io/is-default-class", "")).lower() == "true"
    out = {"name": meta["name"], "controller": spec.get("controller", ""), "is_default": default}
    return "ingress_classes", out, ("spec.controller",)


NETWORKING_CONVERTERS = {"Ingress": ingress, "IngressClass": ingress_class, "Service": service, "Endpoints": endpoints,
                         "EndpointSlice": endpointslice, "ReplicationController": replication_controller}
