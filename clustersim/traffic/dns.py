"""Name resolution of in-cluster clients: the pod's resolver, NodeLocal DNSCache, CoreDNS.

A client resolves a name with its pod's resolv.conf (``node/dns.py``): a name with fewer dots than
``ndots`` (5) is tried with each search domain first (``<ns>.svc.<domain>``, ``svc.<domain>``,
``<domain>``, the host's), then as given; a name with enough dots, or ending in a dot, is tried as
given first. Each candidate is one query (``queries_per_name`` counts A and AAAA in CoreDNS's load).
NXDOMAIN and SERVFAIL move on to the next candidate; a timeout ends the lookup (glibc res_nsearch);
the lookup fails when no candidate resolves.

A query goes to the nameserver of the pod's resolv.conf:

- kube-dns (the ClusterIP): kube-proxy sends it to one of the kube-dns endpoints in the client
  node's rules. An endpoint that does not answer costs ``timeout_s`` per attempt and every attempt
  goes to the same endpoint (the UDP conntrack entry of the resolver's socket), so the query fails.
  No endpoint at all fails at once (the REJECT rule).
- NodeLocal DNSCache: the node's cache answers what it holds (positive answers up to
  ``success_ttl_s``, negative up to ``denial_ttl_s``, at least the cache's 5 s minimum); a miss is
  forwarded to kube-dns over TCP, a fresh connection (and endpoint) per attempt. If the node's
  cache pod is down, its pods' lookups fail (their resolv.conf points at it).

CoreDNS answers cluster names from its informer (``infra.dns.records``); other names it forwards to
the upstream resolver, where only the declared outside names exist (``external_services`` and the
targets of ExternalName Services; everything else is NXDOMAIN), and caches for ``cache_ttl_s`` per pod, so while the upstream is down a pod
still answers a name it looked up less than ``cache_ttl_s`` before. DNSChaos rules act in CoreDNS (as
Chaos Mesh's plugin does): error is SERVFAIL, random a wrong address, delay slows the answer (an
attempt fails when the delay reaches ``timeout_s``). Above ``max_qps_per_pod`` a CoreDNS pod drops
queries (the share dropped follows the previous step's load).

Simplified: in one traffic step, every live CoreDNS pod refreshes its cache of the names looked up
in that step; a lookup's latency is not recorded (only whether it resolves).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from clustersim.addons.workloads import KUBE_SYSTEM, NODE_LOCAL_DNS, coredns_enabled, node_local_enabled
from clustersim.apiserver import ClusterState
from clustersim.config.models import SimConfig
from clustersim.dataplane.dns import DNSRecord
from clustersim.infra import Host, Infrastructure
from clustersim.node.dns import CLUSTER, PodDNSConfigurer, pod_dns_type
from clustersim.traffic.routing import Router

__all__ = ["Lookup", "Resolver", "Target"]

NX, FOUND = "NXDOMAIN", "FOUND"


@dataclass(frozen=True, slots=True)
class Target:
    """What a name resolved to: a Service (``kind`` ClusterIP or Headless) or an outside name."""

    kind: str  # ClusterIP | Headless | External
    key: str  # Service key, or the external name
    endpoints: tuple[Any, ...] = ()  # headless: the addresses CoreDNS answered with


@dataclass(frozen=True, slots=True)
class Lookup:
    """A client's name and the candidates its resolver tries, in order (``expanded``: from the search list)."""

    name: str
    namespace: str
    candidates: tuple[tuple[str, bool], ...]
    cluster: bool  # the pod's nameserver is the cluster DNS (ClusterFirst)


@dataclass(slots=True)
class Outcome:
    """One lookup's chance to resolve now, and what the caches learn when it does."""

    p: float
    target: Target | None
    learned: dict[str, tuple[str, float, Target | None]] = field(default_factory=dict)  # candidate -> (answer, ttl, target)
    upstream: list[str] = field(default_factory=list)  # names CoreDNS forwarded
    queries: int = 0  # queries one lookup sends to CoreDNS


class Resolver:
    """Resolution state: NodeLocal caches per node, CoreDNS's upstream caches per pod, the load."""

    def __init__(self, state: ClusterState, infra: Infrastructure, cfg: SimConfig, router: Router) -> None:
        self.state, self.infra, self.router, self.cfg = state, infra, router, cfg
        self.dns, self.res = infra.dns, cfg.networking.resolver
        self.enabled = coredns_enabled(cfg)
        self.node_local = node_local_enabled(cfg)
        self.cd, self.nl = cfg.addons.coredns, cfg.addons.node_local_dns
        self.conf = PodDNSConfigurer(("cluster-dns",), cfg.networking.cluster_domain, cfg.networking.host_resolv_conf)
        self.node_cache: dict[str, dict[str, tuple[str, float, Target | None]]] = {}  # host -> candidate -> (answer, expiry, target)
        self.node_cache_pod: dict[str, str] = {}
        self.pod_cache: dict[str, dict[str, float]] = {}  # CoreDNS pod -> upstream name -> expiry
        self.queries = 0
        self.load_factor = 1.0
        self._now = -1.0
        self._q: dict[str, float] = {}
        self._live: list[str] = []
        self._nl_pod: dict[str, str | None] = {}
        self._memo: dict[tuple[int, str, float], Outcome] = {}
        self._plain: dict[int, tuple[Lookup, Outcome]] = {}
        # names that exist outside the cluster: the external services, and the targets of ExternalName Services
        self.known_external = {e.name.rstrip(".").lower() for e in getattr(cfg, "external_services", ())}
        self.known_external |= {(s.external_name or "").rstrip(".").lower() for s in cfg.services if s.type == "ExternalName"}

    # ---- names
    def lookup(self, name: str, namespace: str, dns_policy: str) -> Lookup:
        """The candidates the client's resolver tries for ``name``."""
        try:
            kind = pod_dns_type(dns_policy, False)
        except ValueError:
            kind = CLUSTER
        pod = self.conf.get_pod_dns(namespace, dns_policy)
        ndots = pod.option("ndots", 1)
        if name.endswith("."):
            cands = [(name.rstrip("."), False)]
        else:
            expanded = [(f"{name}.{s}", True) for s in pod.searches if s != "."]
            cands = [(name, False), *expanded] if name.count(".") >= ndots else [*expanded, (name, False)]
        return Lookup(name, namespace, tuple((c.lower(), e) for c, e in cands), kind == CLUSTER and self.enabled)

    # ---- per step
    def begin_step(self, now: float, tick_s: float) -> None:
        """A new traffic step: the load of the last one sets the share CoreDNS drops now."""
        if self.cd.max_qps_per_pod is not None and self._now >= 0:
            live = max(1, len(self._live))
            rate = self.queries / tick_s / live
            self.load_factor = min(1.0, self.cd.max_qps_per_pod / rate) if rate > 0 else 1.0
        self.queries, self._now, self._q, self._nl_pod, self._memo, self._plain = 0, now, {}, {}, {}, {}
        self._live = self._live_pods(now)

    def _live_pods(self, now: float) -> list[str]:
        """CoreDNS pods behind kube-dns that answer (as the rules of nodes following the API have them)."""
        out = []
        for e in self.infra.proxy.view(self.dns.service, now):
            host = self.infra.hosts.get(e.node)
            if e.pod and host is not None and host.answers(e.pod):
                out.append(e.pod)
        return out

    def _delivery(self, host: Host) -> float:
        """Share of queries from ``host`` to kube-dns that reach a CoreDNS pod that answers."""
        q = self._q.get(host.name)
        if q is None:
            view = self.router.service_view(host, self.dns.service, self._now)
            q = self._q[host.name] = self.router.route(host, view)[1] * self.load_factor
        return q

    # ---- answers
    def _record_target(self, rec: DNSRecord) -> Target:
        if rec.kind == "Headless":
            return Target("Headless", rec.service, tuple(e for e in rec.endpoints if e.ready))
        return Target("ClusterIP", rec.service)

    def _upstream_fresh(self, name: str) -> float:
        """Share of live CoreDNS pods that can answer the upstream name now."""
        ext = self.infra.external.get(name)
        if self.dns.upstream_down_since is None and not (ext is not None and ext.dns_down):
            return 1.0
        if not self._live:
            return 0.0
        now = self._now
        return sum(1 for p in self._live if self.pod_cache.get(p, {}).get(name, -1.0) > now) / len(self._live)

    def _answer(self, cand: str, expanded: bool) -> tuple[str, Target | None, str]:
        """(NXDOMAIN or FOUND, the target, the upstream name it needs or '')."""
        if self.dns.in_cluster_domain(cand):
            rec = self.dns.records.get(cand)
            if rec is None:
                return NX, None, ""
            if rec.kind == "ExternalName":
                return FOUND, Target("External", rec.target), rec.target
            return FOUND, self._record_target(rec), ""
        if expanded or cand not in self.known_external:
            return NX, None, ""  # outside the cluster domain only the declared outside names exist
        return FOUND, Target("External", cand), cand

    def _cluster_dns(self, lk: Lookup, host: Host, forward: bool) -> Outcome:
        """Resolution through CoreDNS (``forward``: NodeLocal's TCP forwards, a fresh endpoint per attempt)."""
        q = self._delivery(host)
        if forward:
            q = 1.0 - (1.0 - q) ** self.res.attempts
        key = (id(lk), lk.candidates[0][0], q)
        memo = self._memo.get(key)  # within a step the answers depend only on the delivery share
        if memo is None:
            memo = self._memo[key] = self._through_coredns(lk, q)
        return memo

    def _through_coredns(self, lk: Lookup, q: float) -> Outcome:
        p, out, now = 1.0, Outcome(0.0, None), self._now
        for cand, expanded in lk.candidates:
            out.queries += self.res.queries_per_name
            kind, target, upstream = self._answer(cand, expanded)
            p *= q
            hit = self.dns.chaos_for(cand, lk.namespace, now) if self.dns.chaos else None
            if hit is not None and self._chaos_fails(hit.action, hit.delay_s, kind):
                p *= 1.0 - hit.fraction
            if kind == FOUND:
                if upstream:
                    p *= self._upstream_fresh(upstream)
                    out.upstream.append(upstream)
                    out.learned[cand] = (FOUND, self._upstream_ttl(upstream), target)
                else:
                    out.learned[cand] = (FOUND, self.cd.record_ttl_s, target)
                out.p, out.target = p, target
                return out
            out.learned[cand] = (NX, self.cd.record_ttl_s, None)
        return out

    def _chaos_fails(self, action: str, delay_s: float, kind: str) -> bool:
        """Does a DNSChaos action on this candidate fail the lookup? A wrong address always does; SERVFAIL
        only on the answer that mattered (else the resolver moves on); a delay once it reaches the timeout."""
        if action == "delay":
            return delay_s >= self.res.timeout_s
        return action == "random" or kind == FOUND

    def _upstream_ttl(self, name: str) -> float:
        ext = self.infra.external.get(name)
        ttl = ext.dns_ttl_s if ext is not None else 300.0
        return min(max(ttl, self.cd.cache_min_ttl_s), self.cd.cache_ttl_s)

    def _host_dns(self, lk: Lookup) -> Outcome:
        """A pod resolving through the node's resolver (dnsPolicy Default): only outside names resolve."""
        for cand, expanded in lk.candidates:
            if self.dns.in_cluster_domain(cand) or expanded or cand not in self.known_external:
                continue
            ext = self.infra.external.get(cand)
            ok = self.dns.upstream_down_since is None and not (ext is not None and ext.dns_down)
            return Outcome(1.0 if ok else 0.0, Target("External", cand))
        return Outcome(0.0, None)

    def resolve(self, lk: Lookup, host: Host) -> Outcome:
        """The chance a lookup from ``host`` resolves now, and its target."""
        if not lk.cluster:
            return self._host_dns(lk)
        if not self.node_local:
            if not self.router.plain(host):
                return self._cluster_dns(lk, host, forward=False)
            out = self._plain.get(id(lk))  # every plain node gets the same answer in a step
            if out is None or out[0] is not lk:
                out = self._plain[id(lk)] = (lk, self._cluster_dns(lk, host, forward=False))
            return out[1]
        return self._via_node_cache(lk, host)

    # ---- NodeLocal DNSCache
    def _node_cache(self, host: Host) -> dict[str, tuple[str, float, Target | None]] | None:
        """The cache of the node's node-local-dns pod, or None while it does not answer."""
        if host.name not in self._nl_pod:
            self._nl_pod[host.name] = next((p.key for p in self.state.pods_on_node(host.name)
                                            if p.workload == NODE_LOCAL_DNS and p.meta.namespace == KUBE_SYSTEM and not p.terminal), None)
        pod = self._nl_pod[host.name]
        if pod is None or not host.answers(pod):
            self.node_cache.pop(host.name, None)  # the process is gone, and its cache with it
            return None
        if self.node_cache_pod.get(host.name) != pod:
            self.node_cache_pod[host.name], self.node_cache[host.name] = pod, {}
        return self.node_cache.setdefault(host.name, {})

    def _via_node_cache(self, lk: Lookup, host: Host) -> Outcome:
        cache = self._node_cache(host)
        if cache is None:
            return Outcome(0.0, None)
        now = self._now
        for i, (cand, _expanded) in enumerate(lk.candidates):
            hit = cache.get(cand)
            if hit is None or hit[1] <= now:
                return self._cluster_dns(Lookup(lk.name, lk.namespace, lk.candidates[i:], True), host, forward=True)
            if hit[0] == FOUND:
                return Outcome(1.0, hit[2])
        return Outcome(0.0, None)

    def learn(self, host: Host, out: Outcome) -> None:
        """A lookup of this step resolved: CoreDNS's pods cache what they forwarded, the node's cache the answers."""
        now = self._now
        if self.dns.upstream_down_since is None:
            for name in out.upstream:
                ext = self.infra.external.get(name)
                if ext is None or not ext.dns_down:
                    expiry = now + self._upstream_ttl(name)
                    for pod in self._live:
                        self.pod_cache.setdefault(pod, {})[name] = expiry
        cache = self.node_cache.get(host.name) if self.node_local else None
        if cache is not None:
            for cand, (answer, ttl, target) in out.learned.items():
                keep = min(max(ttl, 5.0), self.nl.success_ttl_s if answer == FOUND else self.nl.denial_ttl_s)
                cache[cand] = (answer, now + keep, target)
