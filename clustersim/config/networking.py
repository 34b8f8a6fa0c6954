"""Cluster networking: the Service address ranges, the cluster's DNS domain and server, the nodes'
resolv.conf, and the pods' resolver (glibc) settings."""

from __future__ import annotations

import ipaddress

from pydantic import Field, field_validator, model_validator

from clustersim.config.base import Pos, Strict

__all__ = ["NetworkingConfig", "ResolverConfig"]


class ResolverConfig(Strict):
    """The pods' stub resolver (glibc), as resolv.conf options set it."""

    timeout_s: Pos = Field(5.0, description="options timeout: seconds before a query is retried (glibc RES_TIMEOUT, resolv.h).")
    attempts: int = Field(2, ge=1, le=5, description="options attempts: tries per query (glibc RES_DFLRETRY).")
    queries_per_name: int = Field(2, ge=1, le=2, description="Queries per candidate name: 2 for getaddrinfo's parallel A and AAAA, 1 for A only (simulator parameter).")


class NetworkingConfig(Strict):
    """Service addresses and cluster DNS (kube-apiserver and kubelet flags)."""

    service_cluster_ip_range: str = Field("10.0.0.0/24", description="--service-cluster-ip-range (kube-apiserver DefaultServiceIPCIDR when the flag is not given; kubeadm uses 10.96.0.0/12); Services get ClusterIPs from it.")
    service_node_port_range: str = Field("30000-32767", description="--service-node-port-range (kube-apiserver DefaultServiceNodePortRange).")
    cluster_domain: str = Field("cluster.local", description="kubelet --cluster-domain as kubeadm sets it (the kubelet's own default is empty).")
    cluster_dns: str | None = Field(None, description="kubelet --cluster-dns (default: the kube-dns ClusterIP, the 10th address of the range as kubeadm picks it; the node-local address with NodeLocal DNSCache).")
    host_resolv_conf: str = Field("nameserver 169.254.169.253\nsearch ec2.internal\n",
                                  description="The nodes' /etc/resolv.conf (kubelet --resolv-conf): its search domains follow the cluster's in a pod's search list; CoreDNS forwards to its nameserver.")
    resolver: ResolverConfig = Field(ResolverConfig(), description="The pods' resolver: timeout and attempts.")

    @field_validator("service_cluster_ip_range")
    @classmethod
    def _cidr(cls, v: str) -> str:
        try:
            net = ipaddress.ip_network(v, strict=True)
        except ValueError as e:
            raise ValueError(f"not a CIDR: {e}") from None
        if net.num_addresses < 16:
            raise ValueError("the range needs at least 16 addresses")
        return v

    @field_validator("service_node_port_range")
    @classmethod
    def _ports(cls, v: str) -> str:
        lo, sep, hi = v.partition("-")
        if not (sep and lo.isdigit() and hi.isdigit() and 1 <= int(lo) <= int(hi) <= 65535):
            raise ValueError(f"expected FIRST-LAST ports, got {v!r}")
        return v

    @model_validator(mode="after")
    def _host_resolv(self) -> NetworkingConfig:
        from clustersim.node.dns import ResolvConfError, parse_resolv_conf

        try:
            parse_resolv_conf(self.host_resolv_conf)
        except ResolvConfError as e:
            raise ValueError(f"host_resolv_conf: {e}") from None
        return self

    def service_ips(self) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
        """The Service CIDR."""
        return ipaddress.ip_network(self.service_cluster_ip_range)

    def dns_service_ip(self) -> str:
        """The kube-dns ClusterIP: the 10th address of the range (kubeadm's GetDNSIP)."""
        return str(self.service_ips()[10])

    def node_ports(self) -> tuple[int, int]:
        """First and last node port."""
        lo, _, hi = self.service_node_port_range.partition("-")
        return int(lo), int(hi)
