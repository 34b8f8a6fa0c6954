"""Clients of the traffic model: who sends requests, at what rate, and how they find their target."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from clustersim.config.base import NonNeg, Pos, Strict

__all__ = ["TrafficConfig"]


class TrafficConfig(Strict):
    """Clients sending requests to a Service: a Poisson stream, in-cluster or from outside."""

    rate_per_s: Pos = Field(description="Mean requests per second (Poisson).")
    source: Literal["in-cluster", "external"] = Field("in-cluster", description="In-cluster clients on `client_nodes`, or outside clients through the NodePort or LoadBalancer.")
    client_nodes: tuple[str, ...] = Field((), description="Nodes running the in-cluster clients (default: every node).")
    start_s: NonNeg = Field(0.0, description="Clients start sending at this time (e.g. after the Deployments are up).")
    resolve: Literal["dns", "cluster_ip"] = Field("dns", description="In-cluster clients look the name up through the cluster DNS (dns), or connect to the ClusterIP from the Service environment variables (cluster_ip: no lookup).")
    name: str | None = Field(None, description="The name in-cluster clients resolve (default: the Service's short name, completed by the search list; e.g. web.shop, or an FQDN ending in a dot).")
    client_namespace: str | None = Field(None, description="Namespace of the client pods: their search list starts <ns>.svc.<domain> (default: the Service's).")
    dns_policy: Literal["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"] = Field("ClusterFirst", description="The client pods' dnsPolicy (pkg/apis/core/v1/defaults.go: ClusterFirst).")
    dns_cache_s: NonNeg = Field(0.0, description="How long a client reuses a resolved address (0: every request looks the name up, as a glibc client without a cache; e.g. 30 for the JVM's networkaddress.cache.ttl).")
    timeout_s: Pos | None = Field(None, description="Client timeout: a request delayed longer than this fails (a RequestFault's delay, an external service's latency; None: clients wait).")
