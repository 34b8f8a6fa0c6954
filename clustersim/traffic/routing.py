"""Where a connection to a Service lands, as kube-proxy's rules send it, and whether it is answered.

From an entry node, a connection goes to an endpoint of that node's rules, uniformly (iptables'
random choice): the ready endpoints, else the serving terminating ones (ProxyTerminatingEndpoints);
``externalTrafficPolicy: Local`` (outside clients) and ``internalTrafficPolicy: Local`` (in-cluster
clients) keep only endpoints on the entry node. An endpoint answers if its container really runs and
answers and the network path is up (``infra.can_reach``); an endpoint without a pod (a manual
EndpointSlice address) answers as the outside dependency at that address does.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from clustersim.infra import Host, Infrastructure

__all__ = ["Router", "request_success"]


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


class Router:
    """Routing decisions over the shared rule table, with per-step memos.

    Within one traffic step an endpoint either answers or not, and every node that follows the API
    and is not cut off from the others sees the same rules and reaches the same endpoints: the share
    of answered connections is computed once per rule set for all of them.
    """

    def __init__(self, infra: Infrastructure) -> None:
        self.infra = infra
        self._answers: dict[str, bool] = {}
        self._shares: dict[tuple[int, str | None, float | None], tuple[tuple[Any, ...], int, float, bool]] = {}
        self._any_cut = False
        self._views: dict[str, tuple[Any, ...]] = {}  # per step: the rules of the nodes that follow the API

    def begin_step(self) -> None:
        """A new traffic step: forget what was answered in the last one."""
        self._answers, self._shares, self._views = {}, {}, {}
        self._any_cut = any(h.cut_from_nodes for h in self.infra.hosts.values())

    def candidates(self, view: Iterable[Any], local_to: str | None = None) -> list[Any]:
        """The endpoints a connection may go to (ready, else serving terminating), optionally on one node."""
        view = tuple(view)
        cands = [e for e in view if e.ready] or [e for e in view if e.serving and e.terminating]
        if local_to is not None:
            cands = [e for e in cands if e.node == local_to]
        return cands

    def _pod_answers(self, dst: Host, pod: str) -> bool:
        ok = self._answers.get(pod)
        if ok is None:
            ok = self._answers[pod] = dst.answers(pod)
        return ok

    def endpoint_answers(self, src: Host | None, e: Any, timeout_s: float | None = None) -> float:
        """Share of requests from ``src`` (a node, or None for outside) to endpoint ``e`` that are answered:
        the pod must run, answer and be reachable; request faults on it (RequestFault) abort or delay some."""
        if not e.pod:
            return self.infra.external.address_success(e.address)
        dst = self.infra.hosts.get(e.node)
        if dst is None or not self.infra.can_reach(src, dst) or not self._pod_answers(dst, e.pod):
            return 0.0
        faults = self.infra.request_faults.get(e.pod)
        return request_success(faults, timeout_s) if faults else 1.0

    def share(self, src: Host | None, cands: list[Any], timeout_s: float | None = None) -> float:
        """Share of requests over ``cands`` (uniform) that are answered."""
        if not cands:
            return 0.0
        return sum(self.endpoint_answers(src, e, timeout_s) for e in cands) / len(cands)

    def route(self, src: Host, view: tuple[Any, ...], local_to: str | None = None,
              timeout_s: float | None = None) -> tuple[int, float, bool]:
        """(number of candidate endpoints, share answered, all of them outside addresses) from ``src`` over ``view``."""
        plain = src.powered and not self._any_cut
        key = (id(view), local_to, timeout_s)
        if plain:
            hit = self._shares.get(key)
            if hit is not None and hit[0] is view:
                return hit[1], hit[2], hit[3]
        cands = self.candidates(view, local_to)
        n, sh, outside = len(cands), self.share(src, cands, timeout_s), all(not e.pod for e in cands)
        if plain:  # nobody cut off: a powered node reaches exactly the powered nodes, itself included
            self._shares[key] = (view, n, sh, outside)
        return n, sh, outside

    def plain(self, host: Host) -> bool:
        """Does ``host`` route like every node that follows the API (powered, rules current, nobody cut off)?"""
        return host.powered and host.proxy_cut_since is None and not self._any_cut

    def service_view(self, entry: Host, key: str, now: float) -> tuple[Any, ...]:
        """The endpoints ``entry``'s kube-proxy routes Service ``key`` to now."""
        if entry.proxy_cut_since is not None:
            return self.infra.proxy_view(entry, key, now)
        view = self._views.get(key)
        if view is None:
            view = self._views[key] = self.infra.proxy.view(key, now)
        return view
