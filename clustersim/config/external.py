"""Dependencies outside the cluster (``external_services``) and EndpointSlices written by hand
(``endpoint_slices``, the endpoints of Services without a selector)."""

from __future__ import annotations

import ipaddress
from typing import Literal

from pydantic import Field, field_validator

from clustersim.config.base import NonNeg, Strict
from clustersim.config.traffic import TrafficConfig

__all__ = ["EndpointSliceConfig", "ExternalServiceConfig", "ManualEndpointConfig"]

DNS_NAME = r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?\.?$"


class ExternalServiceConfig(Strict):
    """A dependency outside the cluster, known by its DNS name (a database, a payment API).

    In-cluster clients reach it by name (``traffic``, or an ExternalName Service whose CNAME points at
    it) through CoreDNS and the upstream resolver, or by address (a manual EndpointSlice of a Service
    without selector). Outages: ``ExternalServiceOutage`` (the service, or its name, stops answering).
    """

    name: str = Field(pattern=DNS_NAME, description="Its DNS name (e.g. db.example.com); the only outside names that resolve.")
    addresses: tuple[str, ...] = Field((), description="Its IP addresses: manual endpoints pointing at them fail with it.")
    availability: float = Field(1.0, ge=0, le=1, description="Share of requests it answers when up.")
    latency_s: NonNeg = Field(0.0, description="Its response time: a request fails when it reaches the client's traffic.timeout_s.")
    dns_ttl_s: float = Field(300.0, gt=0, description="TTL of its DNS answer (CoreDNS caches it up to its cache_ttl_s).")
    traffic: TrafficConfig | None = Field(None, description="In-cluster clients calling it by name (source must be in-cluster).")

    @field_validator("addresses")
    @classmethod
    def _ips(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for a in v:
            try:
                ipaddress.ip_address(a)
            except ValueError:
                raise ValueError(f"not an IP address: {a!r}") from None
        return v


class ManualEndpointConfig(Strict):
    """``discovery/v1`` Endpoint written by hand: addresses outside the Service's pods."""

    addresses: tuple[str, ...] = Field(min_length=1, description="IP addresses (a dependency in external_services may own them).")
    ready: bool = Field(True, description="conditions.ready (unset means ready).")
    serving: bool | None = Field(None, description="conditions.serving (default: as ready).")
    terminating: bool = Field(False, description="conditions.terminating.")
    node_name: str | None = Field(None, description="nodeName (informational for addresses outside the cluster).")


class EndpointSliceConfig(Strict):
    """A ``discovery.k8s.io/v1`` EndpointSlice written by hand (or mirrored from a v1 Endpoints), for a
    Service without selector: kube-proxy routes the Service to the union of its slices."""

    name: str = Field(pattern=r"^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$")
    namespace: str = "default"
    service: str = Field(description="The kubernetes.io/service-name label: the Service it belongs to.")
    address_type: Literal["IPv4", "IPv6", "FQDN"] = "IPv4"
    endpoints: tuple[ManualEndpointConfig, ...] = ()
