"""Outside clients of the ingress controller: requests with a mix of hosts and paths, hop by hop.

Every traffic step a stream's requests are drawn (Poisson) and split over its request mix
(multinomial by weight); each kind is routed by the controller's loaded configuration
(``infra.ingress``) to an Ingress rule. Then, per entry node of the controller's LoadBalancer Service:

1. load balancer: as for any LoadBalancer Service (its health checks; ``externalTrafficPolicy: Local``
   as ingress-nginx's deploy.yaml sets it: only nodes with a ready controller pod);
2. ingress: kube-proxy sends the connection to a controller pod (Local: one on that node) that must
   answer; no rule and no default backend is a 404 (counted here);
3. routing: the backend has no ready endpoint in the loaded upstreams (or its Service is gone): 503;
4. pod: ingress-nginx connects to an endpoint directly (not through the Service's ClusterIP), picked
   uniformly; it must answer over a path that is up (from the entry node; with Local that is the
   controller pod's node); an ExternalName backend succeeds as its outside dependency does.

Rows of the requests frame have source ``ingress``, the Ingress, the rule and the backend Service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from clustersim.config.ingress import IngressTrafficConfig
from clustersim.dataplane.ingress import LoadedConfig
from clustersim.networking.ingress_match import Route

if TYPE_CHECKING:
    from clustersim.infra import Host
    from clustersim.traffic.clients import Traffic

__all__ = ["IngressClients"]

DNS, LB, INGRESS, ROUTING, POD, EXTERNAL = range(6)


@dataclass
class _Stream:
    cfg: IngressTrafficConfig
    weights: np.ndarray
    routes: dict[tuple[int, int], Route] = field(default_factory=dict)  # (config version, request kind) -> route


class IngressClients:
    """The ingress streams of a run, stepped by ``Traffic``."""

    def __init__(self, traffic: Traffic, streams: tuple[IngressTrafficConfig, ...]) -> None:
        self.t = traffic
        self.streams = []
        for s in streams:
            w = np.array([r.weight for r in s.requests], dtype=float)
            self.streams.append(_Stream(s, w / w.sum()))

    def step(self) -> None:
        """One step of every stream."""
        for st in self.streams:
            self._step(st)

    def _route(self, st: _Stream, loaded: LoadedConfig, i: int) -> Route:
        key = (loaded.version, i)
        r = st.routes.get(key)
        if r is None:
            if len(st.routes) > 4096:
                st.routes.clear()
            req = st.cfg.requests[i]
            r = st.routes[key] = loaded.table.route(req.host, req.path)
        return r

    def _step(self, st: _Stream) -> None:
        t = self.t
        now = t.env.now
        if now < st.cfg.start_s:
            return
        n = int(t.rng.poisson(st.cfg.rate_per_s * t.tick))
        if n == 0:
            return
        loaded = t.infra.ingress.view(now)
        counts = t.rng.multinomial(n, st.weights) if len(st.weights) > 1 else np.array([n])
        rows: dict[tuple[str, str, str, str], list[int]] = {}
        for i, k in enumerate(counts):
            if not k:
                continue
            route = self._route(st, loaded, i) if loaded is not None else Route(404, None, "", "(controller not ready)")
            ns = route.namespace
            svc = route.backend.service if route.backend is not None and not route.backend.is_resource else ""
            hops = rows.setdefault((ns, svc, route.ingress, route.rule), [0, 0, 0, 0, 0, 0, 0])
            hops[6] += int(k)
            self._follow(st, loaded, route, int(k), hops)
        for (ns, svc, ing, rule), hops in rows.items():
            self.t.rows.append((now, "ingress", ns, svc, ing, rule, hops[6], sum(hops[:6]), *hops[:6]))

    def _entries(self) -> list[Host]:
        lb = self.t.lbs.get(self.t.infra.ingress.service)
        return lb.in_rotation() if lb is not None else []

    def _follow(self, st: _Stream, loaded: LoadedConfig | None, route: Route, k: int, hops: list[int]) -> None:
        t = self.t
        entries = self._entries()
        if not entries:
            hops[LB] += k
            return
        counts = t.rng.multinomial(k, np.full(len(entries), 1.0 / len(entries)))
        for host, m in zip(entries, counts, strict=True):
            if m:
                self._through(st, loaded, route, host, int(m), hops)

    def _through(self, st: _Stream, loaded: LoadedConfig | None, route: Route, host: Host, k: int, hops: list[int]) -> None:
        t = self.t
        if not host.powered or host.cut_from_clients:
            hops[LB] += k
            return
        plane = t.infra.ingress
        svc = t.lb_services.get(plane.service)
        local = host.name if svc is not None and svc.external_traffic_policy == "Local" else None
        n, share, _ = t.router.route(host, t.router.service_view(host, plane.service, t.env.now), local)
        ok = t.draw(k, share) if n else 0
        hops[INGRESS] += k - ok
        if ok == 0:
            return
        if loaded is None or route.status == 404 or route.backend is None or route.backend.is_resource:
            hops[INGRESS] += ok
            return
        up = loaded.upstreams.get(f"{route.namespace}/{route.backend.service}")
        if up is not None and up.external:
            good = t.draw(ok, t.infra.external.success(up.external, st.cfg.timeout_s))
            hops[EXTERNAL] += ok - good
            return
        if up is None or not up.endpoints:
            hops[ROUTING] += ok  # 503: no ready endpoint
            return
        good = t.draw(ok, t.router.share(host, list(up.endpoints), st.cfg.timeout_s))
        hops[POD] += ok - good
