"""The ingress-nginx controller (kubernetes/ingress-nginx internal/ingress/controller): what it loads, when.

It watches Ingresses, IngressClasses, Services and EndpointSlices. Every change queues a sync
(``syncIngress``); syncs run one at a time and at most ``sync_rate_limit`` per second (a token
bucket of burst 1: ``--sync-rate-limit`` 0.3, one sync per 3.3 s). A sync builds the servers and
locations of the Ingresses of its class (``networking/ingress_match.py``) and the upstreams: the ready
endpoints of each backend Service's EndpointSlices (``getEndpointsFromSlices`` keeps ready or unset
conditions), or the name of an ExternalName Service. If servers or locations changed, nginx is
reloaded (``OnUpdate``; the new configuration is in force ``reload_s`` later; the first sync also
waits 1 s before the endpoints go in); if only endpoints changed, they are posted to the Lua
balancer, whose workers read them at their next ``BACKENDS_SYNC_INTERVAL`` (1 s) tick, without a
reload. A reload stall (``IngressReloadStall``) makes a reload hang: the sync worker waits, and no
change, endpoints included, goes in until it ends.

Ingresses it serves: ``spec.ingressClassName`` naming an IngressClass whose controller is
``controller`` (k8s.io/ingress-nginx), or the ``kubernetes.io/ingress.class`` annotation equal to
``class_name``; without either only if ``watch_ingress_without_class`` (off, as upstream).
Simplified: one configuration for all controller pods (they watch the same events); a new pod serves
once Ready.
"""

from __future__ import annotations

import math
from typing import Any

from clustersim.api.ingress import ANNOTATION_INGRESS_CLASS, Ingress, IngressClass
from clustersim.client import Client
from clustersim.config.addons import IngressNginxConfig
from clustersim.dataplane.ingress import IngressPlane, LoadedConfig, Upstream
from clustersim.env import ClusterEnv
from clustersim.metrics.recorder import Recorder
from clustersim.networking.ingress_match import RoutingTable

__all__ = ["IngressNginx"]


class IngressNginx:
    """The controller's sync loop over the store, writing what nginx has loaded into ``infra.ingress``."""

    def __init__(self, env: ClusterEnv, client: Client, plane: IngressPlane, cfg: IngressNginxConfig, rec: Recorder) -> None:
        self.env, self.client, self.plane, self.cfg, self.rec = env, client, plane, cfg, rec
        self.version = 0
        self.running: tuple[Any, ...] | None = None  # the servers/locations nginx runs (None: not started)
        self.last_sync = -math.inf
        self.busy_until = -math.inf
        self.timer_at = math.inf
        self.force_reload = False
        self.reloads = 0

    def start(self) -> None:
        """Watch the objects a sync reads."""
        self.plane.enabled = True
        for kind in ("Ingress", "IngressClass", "Service", "EndpointSlice"):
            self.client.watch(kind, self._changed)
        self.plane.subscribe_stall(self._stall)

    def _changed(self, _etype: str, _obj: object) -> None:
        self._arm()

    def _stall(self) -> None:
        """A reload is triggered and hangs (the fault's reload: a configuration or certificate change)."""
        self.force_reload = True
        self._arm()

    def _arm(self) -> None:
        """Queue a sync: as soon as the rate limiter and the running sync allow."""
        now = self.env.now
        at = max(now, self.last_sync + 1.0 / self.cfg.sync_rate_limit, self.busy_until)
        if at < self.timer_at:
            self.timer_at = at
            self.env.timeout(at - now).callbacks.append(lambda _e, t=at: self._sync(t))  # type: ignore[misc]

    def serves(self, ing: Ingress, classes: dict[str, IngressClass]) -> bool:
        """Is this Ingress of the controller's class?"""
        name = ing.spec.ingress_class_name
        if name is not None:
            cls = classes.get(name)
            return cls is not None and cls.controller == self.cfg.controller
        ann = ing.meta.annotations.get(ANNOTATION_INGRESS_CLASS)
        if ann is not None:
            return ann == self.cfg.class_name
        return self.cfg.watch_ingress_without_class

    def desired(self) -> tuple[RoutingTable, dict[str, Upstream]]:
        """The servers, locations and upstreams of the Ingresses it serves, from the store now."""
        classes = {c.meta.name: c for c in self.client.list("IngressClass")}
        ingresses = sorted((i for i in self.client.list("Ingress") if self.serves(i, classes)),
                           key=lambda i: (i.meta.creation_s, i.meta.key))  # the oldest Ingress wins a location
        table = RoutingTable.build(ingresses)
        wanted = {f"{ing.meta.namespace}/{b.service}" for ing in ingresses for b in _backends(ing) if b.service and not b.is_resource}
        slices: dict[str, list[Any]] = {}
        for eps in self.client.list("EndpointSlice"):
            if eps.service in wanted:
                slices.setdefault(eps.service, []).append(eps)
        upstreams = {key: self._upstream(key, slices.get(key, [])) for key in sorted(wanted)}
        return table, upstreams

    def _upstream(self, key: str, slices: list[Any]) -> Upstream:
        svc = self.client.get("Service", key)
        if svc is None:
            return Upstream(exists=False)
        if svc.type == "ExternalName":
            return Upstream(external=svc.external_name.rstrip(".").lower())
        eps = tuple(e for s in sorted(slices, key=lambda s: s.key) for e in s.endpoints if e.ready)
        return Upstream(eps)

    def _sync(self, tick: float) -> None:
        """``syncIngress``: reload when servers or locations changed, else update the endpoints in place."""
        if tick != self.timer_at:
            return
        self.timer_at = math.inf
        now = self.env.now
        table, upstreams = self.desired()
        sig = table.signature()
        self.version += 1
        first = self.running is None
        if first or sig != self.running or self.force_reload:
            start = max(now, self.plane.stall_until)  # a stalled reload finishes when the stall ends
            done = start + self.cfg.reload_s + (self.cfg.initial_sync_s if first else 0.0)
            self.busy_until, self.running, self.force_reload = done, sig, False
            self.reloads += 1
            self.rec.event("Pod", self.cfg.namespace, self.cfg.name, "RELOAD", "NGINX reload triggered due to a change in configuration")
        else:
            tick_s = self.cfg.backends_sync_s
            done = (math.floor(now / tick_s) + 1) * tick_s  # the Lua workers' next backend sync
            self.busy_until = now
        self.last_sync = now
        self.plane.load(done, LoadedConfig(table, upstreams, self.version))


def _backends(ing: Ingress) -> list[Any]:
    out = [p.backend for r in ing.spec.rules for p in r.paths or ()]
    if ing.spec.default_backend is not None:
        out.append(ing.spec.default_backend)
    return out
