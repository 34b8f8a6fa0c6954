"""The client traffic model: Poisson request streams, each request followed hop by hop.

Every ``kube_proxy.traffic_tick_s`` the requests of that step are drawn (Poisson with mean
rate x step) and spread over their entry nodes: the client's own node for in-cluster clients; for
outside clients, a node picked by the cloud load balancer among the nodes its health checks pass
(LoadBalancer), any node (NodePort) or the nodes the external IPs route to. Then, per entry node:

1. load balancer: the entry node must be up and reachable from outside (outside clients);
2. DNS: an in-cluster client resolves the name (``traffic/dns.py``); a failed lookup fails the request;
3. Service routing: kube-proxy's rules on the entry node must hold an endpoint (``traffic/routing.py``);
4. pod: the chosen endpoint's container must run and answer over a path that is up;
5. external: a request that leaves the cluster (an ExternalName, an external service, a manual
   endpoint's address) succeeds as that dependency does.

A hop whose share of success is strictly between 0 and 1 draws Binomial(requests, share); the
requests frame records, per step and stream, how many failed at each hop.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from clustersim.addons.workloads import addon_workloads
from clustersim.apiserver import ClusterState
from clustersim.config.models import ServiceConfig, SimConfig, TrafficConfig
from clustersim.env import ClusterEnv
from clustersim.infra import Host, Infrastructure
from clustersim.metrics.recorder import Recorder
from clustersim.traffic.dns import Lookup, Resolver, Target
from clustersim.traffic.ingress import IngressClients
from clustersim.traffic.load_balancer import LoadBalancer
from clustersim.traffic.routing import Router, request_success

__all__ = ["HOPS", "Stream", "Traffic", "request_success"]

HOPS = ("dns", "load_balancer", "ingress", "routing", "pod", "external")
DNS, LB, INGRESS, ROUTING, POD, EXTERNAL = range(6)


@dataclass
class Stream:
    """One client population: who sends, to what, and its per-node DNS state."""

    source: str  # in-cluster | external
    namespace: str
    service: str  # the Service's name, or the external name
    traffic: TrafficConfig
    target: Target  # where requests go without a lookup
    svc: ServiceConfig | None = None
    lookup: Lookup | None = None
    resolved_until: dict[str, float] = field(default_factory=dict)  # host -> client's address cache expiry
    resolved: dict[str, Target | None] = field(default_factory=dict)


class Traffic:
    """All clients."""

    def __init__(self, env: ClusterEnv, state: ClusterState, infra: Infrastructure, rec: Recorder, cfg: SimConfig) -> None:
        self.env, self.state, self.infra, self.rec, self.cfg = env, state, infra, rec, cfg
        self.rng = env.rng("traffic")
        self.tick = cfg.kube_proxy.traffic_tick_s
        self.router = Router(infra)
        self.resolver = Resolver(state, infra, cfg, self.router)
        services = [*addon_workloads(cfg).services, *cfg.services]  # the ingress controller's LoadBalancer Service too
        self.lb_services = {f"{s.namespace}/{s.name}": s for s in services if s.type == "LoadBalancer"}
        self.lbs = {key: LoadBalancer(env, infra, s) for key, s in self.lb_services.items()}
        self.ingress = IngressClients(self, cfg.ingress_traffic)
        self.streams = [self._service_stream(s) for s in cfg.services if s.traffic is not None]
        self.streams += [self._external_stream(e.name, e.traffic) for e in cfg.external_services if e.traffic is not None]
        # t, source, namespace, service, ingress, rule, requests, failed, then failures per hop
        self.rows: list[tuple[Any, ...]] = []

    def _service_stream(self, svc: ServiceConfig) -> Stream:
        t = svc.traffic
        assert t is not None
        kind = "External" if svc.type == "ExternalName" else "Headless" if svc.type == "Headless" else "ClusterIP"
        key = (svc.external_name or "").rstrip(".").lower() if kind == "External" else f"{svc.namespace}/{svc.name}"
        st = Stream(t.source, svc.namespace, svc.name, t, Target(kind, key), svc)
        if t.source == "in-cluster" and (t.resolve == "dns" or kind == "External") and self.resolver.enabled:
            st.lookup = self.resolver.lookup(t.name or svc.name, t.client_namespace or svc.namespace, t.dns_policy)
        return st

    def _external_stream(self, name: str, t: TrafficConfig) -> Stream:
        """In-cluster clients calling an outside dependency by its name."""
        key = name.rstrip(".").lower()
        ns = t.client_namespace or "default"
        st = Stream("in-cluster", ns, key, t, Target("External", key))
        if self.resolver.enabled:
            st.lookup = self.resolver.lookup(t.name or name, ns, t.dns_policy)
        return st

    def start(self) -> None:
        """Start the load balancers' health checks and the request loop."""
        for lb in self.lbs.values():
            lb.start()
        if self.streams or self.ingress.streams:
            self.env.process(self.loop())

    def loop(self) -> Generator[Any, Any, None]:
        """One step of requests every tick."""
        while True:
            yield self.env.timeout(self.tick)
            self.router.begin_step()
            if self.resolver.enabled:
                self.resolver.begin_step(self.env.now, self.tick)
            for st in self.streams:
                self.step(st)
            self.ingress.step()

    def _entries(self, st: Stream) -> list[Host]:
        t = st.traffic
        if t.source == "in-cluster":
            names = t.client_nodes or None
            return [h for h in self.infra.hosts.values() if (names is None or h.name in names) and h.powered]  # clients die with their node
        key = f"{st.namespace}/{st.service}"
        if key in self.lbs:
            return self.lbs[key].in_rotation()
        only = st.svc.external_ip_nodes if st.svc is not None and st.svc.type == "ClusterIP" else ()
        # NodePort: clients pick a node address; external IPs: the network routes them to their nodes
        return [h for h in self.infra.hosts.values() if not h.cut_from_clients and not h.retired and (not only or h.name in only)]

    def step(self, st: Stream) -> None:
        """Draw, route and score one step's requests of a stream."""
        if self.env.now < st.traffic.start_s:
            return
        n = int(self.rng.poisson(st.traffic.rate_per_s * self.tick))
        if n == 0:
            return
        hops = [0] * len(HOPS)
        entries = self._entries(st)
        if not entries:
            hops[LB if st.source == "external" else ROUTING] = n
        else:
            counts = self.rng.multinomial(n, np.full(len(entries), 1.0 / len(entries)))
            for host, k in zip(entries, counts, strict=True):
                if k:
                    self.follow(st, host, int(k), hops)
        self.rows.append((self.env.now, st.source, st.namespace, st.service, "", "", n, sum(hops), *hops))

    def draw(self, k: int, p: float) -> int:
        """Requests out of ``k`` that pass a hop with success share ``p``."""
        if p >= 1:
            return k
        if p <= 0:
            return 0
        return int(self.rng.binomial(k, p))

    def follow(self, st: Stream, host: Host, k: int, hops: list[int]) -> None:
        """``k`` requests entering at ``host``: count where they fail."""
        external = st.source == "external"
        if not host.powered or (external and host.cut_from_clients):
            hops[LB] += k
            return
        target = st.target
        if st.lookup is not None:
            k, resolved = self._resolve(st, host, k, hops)
            if k == 0 or resolved is None:
                return
            target = resolved
        self.deliver(st, host, k, target, hops)

    def deliver(self, st: Stream, host: Host, k: int, target: Target, hops: list[int]) -> None:
        """From the entry node to the target: external dependency, headless endpoints, or the Service's rules."""
        if target.kind == "External":
            ok = self.draw(k, self.infra.external.success(target.key, st.traffic.timeout_s))
            hops[EXTERNAL] += k - ok
            return
        if target.kind == "Headless":
            if st.lookup is None:
                eps = self.state.get("EndpointSlice", target.key)
                view: tuple[Any, ...] = eps.endpoints if eps is not None else ()
            else:
                view = target.endpoints
        else:
            view = self.router.service_view(host, target.key, self.env.now)
        svc = st.svc
        local = None
        if svc is not None and ((st.source == "external" and svc.external_traffic_policy == "Local")
                                or (st.source == "in-cluster" and svc.internal_traffic_policy == "Local")):
            local = host.name
        n, share, outside = self.router.route(host, view, local, st.traffic.timeout_s)
        if not n:
            hops[ROUTING] += k
            return
        ok = self.draw(k, share)
        hops[EXTERNAL if outside else POD] += k - ok

    def _resolve(self, st: Stream, host: Host, k: int, hops: list[int]) -> tuple[int, Target | None]:
        """Requests whose lookup succeeds, and what the name resolved to."""
        now, t = self.env.now, st.traffic
        if st.resolved_until.get(host.name, -1.0) > now:
            return k, st.resolved[host.name]
        assert st.lookup is not None
        res = self.resolver
        out = res.resolve(st.lookup, host)
        sequential = t.dns_cache_s > 0 or res.node_local  # after one success the answer is held (client or node cache)
        if out.p >= 1:
            fails = 0
        elif out.p <= 0:
            fails = k
        elif sequential:
            fails = min(k, int(self.rng.geometric(out.p)) - 1)
        else:
            fails = k - int(self.rng.binomial(k, out.p))
        sent = fails + (fails < k) if sequential else k
        res.queries += sent * out.queries
        if fails < k:
            res.learn(host, out)
            if t.dns_cache_s > 0:
                st.resolved_until[host.name], st.resolved[host.name] = now + t.dns_cache_s, out.target
        hops[DNS] += fails
        return k - fails, out.target

