"""The cluster DNS as CoreDNS serves it: the records of its kubernetes plugin (its informer's view of
Services and EndpointSlices), the upstream resolver it forwards other names to, and injected DNS faults.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ClusterDNS", "DNSChaosRule", "DNSRecord", "compile_patterns"]


@dataclass(slots=True)
class DNSRecord:
    """What ``<svc>.<ns>.svc.<domain>`` answers: a ClusterIP (A), the ready endpoints of a headless
    Service (A records), or a CNAME to an ExternalName."""

    kind: str  # ClusterIP | Headless | ExternalName
    service: str  # namespace/name
    target: str = ""  # the ClusterIP, or the CNAME target
    endpoints: tuple[Any, ...] = ()  # headless: the EndpointSlice's endpoints as CoreDNS last saw them


def compile_patterns(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """Chaos Mesh DNSChaos patterns (exact names, ``*`` and ``?`` wildcards) as one regex; None matches every name."""
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{fnmatch.translate(p.rstrip('.').lower())})" for p in patterns))


@dataclass(slots=True)
class DNSChaosRule:
    """A DNSChaos action active from ``start_s`` to ``end_s`` for matching names and client namespaces."""

    action: str  # error | random | delay
    pattern: re.Pattern[str] | None
    namespaces: frozenset[str]
    start_s: float
    end_s: float
    delay_s: float = 0.0
    fraction: float = 1.0

    def applies(self, name: str, client_ns: str, now: float) -> bool:
        """Does the rule hit this query now?"""
        if not self.start_s <= now < self.end_s:
            return False
        if self.namespaces and client_ns not in self.namespaces:
            return False
        return self.pattern is None or self.pattern.match(name) is not None


@dataclass
class ClusterDNS:
    """CoreDNS's data: records by FQDN (no trailing dot), the Service its pods sit behind, the upstream."""

    domain: str = "cluster.local"
    service: str = "kube-system/kube-dns"  # clients' queries go through kube-proxy's rules for it
    enabled: bool = False
    records: dict[str, DNSRecord] = field(default_factory=dict)
    upstream_down_since: float | None = None  # the nodes' resolver CoreDNS forwards to is down (UpstreamDNSOutage)
    chaos: list[DNSChaosRule] = field(default_factory=list)

    def in_cluster_domain(self, name: str) -> bool:
        """Is the name answered by the kubernetes plugin (authoritative for the cluster domain)?"""
        return name == self.domain or name.endswith("." + self.domain)

    def chaos_for(self, name: str, client_ns: str, now: float) -> DNSChaosRule | None:
        """The first active DNSChaos rule for this query."""
        for rule in self.chaos:
            if rule.applies(name, client_ns, now):
                return rule
        return None
