"""CoreDNS's kubernetes plugin (coredns/coredns plugin/kubernetes): the records it serves.

Its informer watches Services and EndpointSlices; every Service ``<svc>.<ns>.svc.<domain>`` answers
with its ClusterIP, a headless Service with the addresses of its ready endpoints, an ExternalName
Service with a CNAME to its external name (CoreDNS then resolves the target through its upstream).
The answers carry the TTL of the Corefile's ``ttl`` option. One informer stands for every CoreDNS
pod: they see the same watch events at the same times; whether a pod is there to answer is the
traffic model's question (the kube-dns endpoints in kube-proxy's rules, and whether the pod runs).
During an API server outage the informer keeps its last view, and relists when it reconnects.
"""

from __future__ import annotations

from clustersim.api.objects import EndpointSlice, Service
from clustersim.apiserver import DELETED
from clustersim.client import Client
from clustersim.dataplane.dns import ClusterDNS, DNSRecord

__all__ = ["CoreDNS"]


class CoreDNS:
    """Keeps ``infra.dns.records`` equal to CoreDNS's informer view."""

    def __init__(self, client: Client, dns: ClusterDNS, cluster_ips: dict[str, str]) -> None:
        self.client, self.dns, self.cluster_ips = client, dns, cluster_ips

    def start(self) -> None:
        """Watch Services and EndpointSlices."""
        self.dns.enabled = True
        self.client.watch("Service", self._on_service)
        self.client.watch("EndpointSlice", self._on_slice)

    def fqdn(self, namespace: str, name: str) -> str:
        """``<name>.<namespace>.svc.<domain>``."""
        return f"{name}.{namespace}.svc.{self.dns.domain}"

    def _on_service(self, etype: str, svc: Service) -> None:
        name = self.fqdn(svc.meta.namespace, svc.meta.name)
        if etype == DELETED:
            self.dns.records.pop(name, None)
            return
        key = svc.key
        if svc.type == "ExternalName":
            self.dns.records[name] = DNSRecord("ExternalName", key, svc.external_name.rstrip(".").lower())
        elif svc.type == "Headless":
            old = self.dns.records.get(name)
            eps = self.client.get("EndpointSlice", key)
            self.dns.records[name] = DNSRecord("Headless", key, "", eps.endpoints if eps is not None else (old.endpoints if old else ()))
        else:
            self.dns.records[name] = DNSRecord("ClusterIP", key, self.cluster_ips.get(key, ""))

    def _on_slice(self, etype: str, eps: EndpointSlice) -> None:
        ns, _, name = eps.service.partition("/")
        rec = self.dns.records.get(self.fqdn(ns, name))
        if rec is not None and rec.kind == "Headless":
            rec.endpoints = () if etype == DELETED else eps.endpoints
