"""The client traffic model: a Poisson stream of requests per Service, routed as the data plane would.

Every ``kube_proxy.traffic_tick_s`` the requests of that step are drawn (Poisson with mean
rate x step) and spread over their entry nodes: the client's own node for in-cluster clients; for
outside clients, a node picked by the cloud load balancer among the nodes its health checks pass
(LoadBalancer) or any node (NodePort). On the entry node, the request goes to an endpoint of that
node's kube-proxy rules, uniformly (iptables' random choice): ready endpoints, else serving
terminating ones; with ``externalTrafficPolicy: Local`` only endpoints on the entry node.
Headless Services are resolved by DNS to the ready endpoints of the EndpointSlice. A request
succeeds only if the endpoint's container really runs and answers and the network path is up
(``infra.can_reach``): this is what makes stale endpoints after a crash visible. Successes are drawn
per entry node as Binomial(requests, share of good endpoints).
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any

import numpy as np

from clustersim.apiserver import ClusterState
from clustersim.config.models import ServiceConfig, SimConfig
from clustersim.env import ClusterEnv
from clustersim.infra import Host, Infrastructure
from clustersim.metrics.recorder import Recorder
from clustersim.traffic.load_balancer import LoadBalancer

__all__ = ["Traffic", "request_success"]


class Traffic:
    """All Services' clients."""

    def __init__(self, env: ClusterEnv, state: ClusterState, infra: Infrastructure, rec: Recorder, cfg: SimConfig) -> None:
        self.env, self.state, self.infra, self.rec, self.cfg = env, state, infra, rec, cfg
        self.services = [s for s in cfg.services if s.traffic is not None]
        self.rng = env.rng("traffic")
        self.tick = cfg.kube_proxy.traffic_tick_s
        self.hosts = list(infra.hosts.values())
        self.lbs = {f"{s.namespace}/{s.name}": LoadBalancer(env, infra, s) for s in cfg.services if s.type == "LoadBalancer"}
        self.rows: list[tuple[float, str, str, int, int]] = []  # t, namespace, service, requests, failed
        self.totals: dict[str, list[int]] = {f"{s.namespace}/{s.name}": [0, 0] for s in self.services}

    def start(self) -> None:
        """Start the load balancers' health checks and the request loop."""
        for lb in self.lbs.values():
            lb.start()
        if self.services:
            self.env.process(self.loop())

    def loop(self) -> Generator[Any, Any, None]:
        """One step of requests every tick."""
        while True:
            yield self.env.timeout(self.tick)
            for svc in self.services:
                self.step(svc)

    def _entries(self, svc: ServiceConfig, key: str) -> list[Host]:
        t = svc.traffic
        assert t is not None
        if t.source == "in-cluster":
            names = t.client_nodes or None
            hosts = [h for h in self.infra.hosts.values() if (names is None or h.name in names) and h.powered]  # clients die with their node
            return hosts
        if svc.type == "LoadBalancer":
            return self.lbs[key].in_rotation()
        return [h for h in self.infra.hosts.values() if not h.cut_from_clients and not h.retired]  # NodePort: clients pick a node address

    def step(self, svc: ServiceConfig) -> None:
        """Draw, route and score one step's requests of ``svc``."""
        t = svc.traffic
        assert t is not None
        if self.env.now < t.start_s:
            return
        key = f"{svc.namespace}/{svc.name}"
        n = int(self.rng.poisson(t.rate_per_s * self.tick))
        if n == 0:
            return
        entries = self._entries(svc, key)
        failed = n
        if entries:
            counts = self.rng.multinomial(n, np.full(len(entries), 1.0 / len(entries)))
            ok = 0
            for host, k in zip(entries, counts, strict=True):
                if k:
                    p = self.success_share(svc, key, host, external=t.source == "external")
                    ok += int(self.rng.binomial(int(k), p)) if 0 < p < 1 else (int(k) if p >= 1 else 0)
            failed = n - ok
        tot = self.totals[key]
        tot[0] += n
        tot[1] += failed
        self.rows.append((self.env.now, svc.namespace, svc.name, n, failed))

    def success_share(self, svc: ServiceConfig, key: str, entry: Host, external: bool) -> float:
        """Share of requests entering at ``entry`` that reach a pod that answers."""
        if not entry.powered or (external and entry.cut_from_clients):
            return 0.0
        if svc.type == "Headless":
            eps = self.state.get("EndpointSlice", key)
            view = eps.endpoints if eps is not None else ()
        else:
            view = self.infra.proxy_view(entry, key, self.env.now)
        cands = [e for e in view if e.ready] or [e for e in view if e.serving and e.terminating]
        if external and svc.external_traffic_policy == "Local":
            cands = [e for e in cands if e.node == entry.name]
        if not cands:
            return 0.0
        good = 0.0
        faults = self.infra.request_faults
        for e in cands:
            dst = self.infra.hosts.get(e.node)
            if dst is not None and self.infra.can_reach(entry, dst) and dst.answers(e.pod):
                good += request_success(faults[e.pod], svc.traffic.timeout_s if svc.traffic else None) if e.pod in faults else 1.0
        return good / len(cands)


def request_success(faults: list[tuple[float, float, float]], timeout_s: float | None) -> float:
    """Probability that a request to a pod with these request faults (abort, delay, jitter) succeeds."""
    ok, delay, var = 1.0, 0.0, 0.0
    for abort, d, jitter in faults:
        ok *= 1.0 - abort
        delay += d
        var += jitter * jitter
    if timeout_s is not None and delay > 0:
        if var == 0:
            return 0.0 if delay >= timeout_s else ok
        ok *= 0.5 * (1.0 + math.erf((timeout_s - delay) / math.sqrt(2.0 * var)))  # P(delay < timeout), normal
    return ok
