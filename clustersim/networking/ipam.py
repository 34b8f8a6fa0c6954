"""ClusterIP allocation, as the API server's Service REST storage does it on create
(pkg/registry/core/service/ipallocator): addresses from --service-cluster-ip-range, here in order of
creation from the bottom of the range (upstream picks at random, keeping the lower band for static
choices); the kube-dns address is reserved for kube-dns."""

from __future__ import annotations

import ipaddress

__all__ = ["RangeFull", "ServiceAllocator"]


class RangeFull(ValueError):
    """No address left in the range."""


class ServiceAllocator:
    """Hands out ClusterIPs."""

    def __init__(self, cidr: str, reserved: tuple[str, ...] = ()) -> None:
        self.net = ipaddress.ip_network(cidr)
        self.reserved = set(reserved)
        self._next_ip = 1  # the network address is never allocated

    def cluster_ip(self, want: str | None = None) -> str:
        """``want`` if given (a reserved address), else the next free address (the broadcast address is skipped)."""
        if want is not None:
            return want
        while self._next_ip < self.net.num_addresses - 1:
            ip = str(self.net[self._next_ip])
            self._next_ip += 1
            if ip not in self.reserved:
                return ip
        raise RangeFull(f"service_cluster_ip_range {self.net} is full")
