"""The world outside the cluster: external services by DNS name (and the addresses manual
Endpoints point at), their availability, and outages of the services or of their names."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ExternalEndpoint", "ExternalWorld"]


@dataclass(slots=True)
class ExternalEndpoint:
    """One external dependency."""

    name: str
    addresses: tuple[str, ...]
    availability: float
    dns_ttl_s: float
    latency_s: float = 0.0
    down: bool = False  # requests to it fail (an outage of the service)
    dns_down: bool = False  # its name does not resolve (an outage of its DNS)


@dataclass
class ExternalWorld:
    """External dependencies by name and by address."""

    services: dict[str, ExternalEndpoint] = field(default_factory=dict)
    by_address: dict[str, str] = field(default_factory=dict)

    def add(self, ep: ExternalEndpoint) -> None:
        """Register a dependency and its addresses."""
        self.services[ep.name] = ep
        for a in ep.addresses:
            self.by_address[a] = ep.name

    def get(self, name: str) -> ExternalEndpoint | None:
        """The dependency called ``name`` (case-insensitive, without trailing dot)."""
        return self.services.get(name.rstrip(".").lower())

    def address_success(self, address: str) -> float:
        """Share of requests to ``address`` that succeed (an address no dependency claims always answers)."""
        name = self.by_address.get(address)
        return 1.0 if name is None else self.success(name)

    def success(self, name: str, timeout_s: float | None = None) -> float:
        """Share of requests to the dependency that succeed (1 for unknown names: the outside world answers);
        none when it answers slower than the client's ``timeout_s``."""
        ep = self.get(name)
        if ep is None:
            return 1.0
        if ep.down or (timeout_s is not None and ep.latency_s >= timeout_s):
            return 0.0
        return ep.availability
