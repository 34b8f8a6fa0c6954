"""Chaos Toolkit steady-state probes evaluated on the run's API store at a moment (before the method, after it),
as chaosk8s's probes read the API (chaosk8s/pod/probes.py, deployment/probes.py, service/probes.py), and
HTTP probes on a Service's requests.

- ``pods_in_phase`` / ``pods_not_in_phase``: every matching pod is (is not) in ``phase``; no pod matching
  fails pods_in_phase, as chaosk8s raises then.
- ``count_pods``: the number of matching pods (in ``phase`` if given) equals the tolerance, or lies in a
  ``[min, max]`` tolerance.
- ``deployment_available_and_healthy``, ``deployment_fully_available``, ``microservice_available_and_healthy``:
  the Deployment's available replicas reach its replicas; ``deployment_partially_available``: at least one;
  ``all_microservices_healthy``: every Deployment of the namespace.
- ``service_endpoint_is_initialized`` / ``service_is_initialized``: the Service exists and has a ready endpoint.
- ``http``: the URL's host names a Service (``web``, ``web.shop``, ``web.shop.svc.cluster.local``); the probe
  holds when that Service answered at least 99 % of the requests of the traffic step at that moment.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

from clustersim.chaos.model import Hypothesis
from clustersim.chaos.selectors import parse_label_selector

__all__ = ["HTTP_OK_RATIO", "check", "service_of_url"]

HTTP_OK_RATIO = 0.99


def service_of_url(url: str, services: list[tuple[str, str]]) -> tuple[str, str] | None:
    """(namespace, name) of the Service an http URL addresses, if any."""
    host = (urlparse(url if "//" in url else f"http://{url}").hostname or "").lower()
    parts = host.split(".")
    if not parts or not parts[0]:
        return None
    ns = parts[1] if len(parts) > 1 and parts[1] != "svc" else None
    for sns, name in services:
        if name == parts[0] and (ns is None or ns == sns):
            return sns, name
    return None


def _pods(state: Any, args: dict[str, Any]) -> list[Any]:
    ns = str(args.get("ns") or "default")
    sel = parse_label_selector(str(args.get("label_selector") or ""))
    labels = sel.get("labels", {})
    exprs = sel.get("expressions", [])
    from clustersim.api.types import NodeSelectorRequirement

    out = []
    for p in state.list("Pod"):
        if p.meta.namespace != ns or any(p.meta.labels.get(k) != v for k, v in labels.items()):
            continue
        if all(NodeSelectorRequirement(e["key"], e["operator"], tuple(e.get("values", ()))).matches(p.meta.labels) for e in exprs):
            out.append(p)
    return out


def _in_range(n: float, tolerance: Any) -> bool:
    if isinstance(tolerance, list) and len(tolerance) == 2:
        return float(tolerance[0]) <= n <= float(tolerance[1])
    if isinstance(tolerance, int | float) and not isinstance(tolerance, bool):
        return n == float(tolerance)
    return bool(n) == bool(tolerance)


def _deployment_ok(state: Any, ns: str, name: str, partial: bool = False) -> bool:
    d = state.get("Deployment", f"{ns}/{name}")
    if d is None:
        return False
    return d.status.available_replicas >= (1 if partial else d.spec.replicas)


def check(h: Hypothesis, state: Any, http_ratio: float | None) -> bool | None:
    """Does the probe hold now? None when it cannot be answered (an HTTP URL that names no Service)."""
    a = h.args
    ns = str(a.get("ns") or "default")
    expect = h.tolerance
    if h.kind in ("pods_in_phase", "pods_not_in_phase"):
        pods = [p for p in _pods(state, a) if not p.terminating]
        phase = str(a.get("phase") or "Running")
        if h.kind == "pods_in_phase":
            ok = bool(pods) and all(str(p.status.phase) == phase for p in pods)
        else:
            ok = all(str(p.status.phase) != phase for p in pods)
        return ok == bool(expect)
    if h.kind == "count_pods":
        want = a.get("phase")
        n = sum(1 for p in _pods(state, a) if want is None or str(p.status.phase) == str(want))
        return _in_range(n, expect)
    if h.kind in ("deployment_available_and_healthy", "deployment_fully_available", "microservice_available_and_healthy",
                  "deployment_partially_available"):
        ok = _deployment_ok(state, ns, str(a.get("name")), partial=h.kind == "deployment_partially_available")
        return ok == (bool(expect) if isinstance(expect, bool) else True)
    if h.kind == "all_microservices_healthy":
        return all(_deployment_ok(state, d.meta.namespace, d.meta.name) for d in state.list("Deployment") if d.meta.namespace == ns)
    if h.kind in ("service_endpoint_is_initialized", "service_is_initialized"):
        eps = state.get("EndpointSlice", f"{ns}/{a.get('name')}")
        return bool(eps is not None and any(e.ready for e in eps.endpoints))
    if h.kind == "http":
        if http_ratio is None:
            return None
        codes = expect if isinstance(expect, list) else [expect]
        if not any(re.fullmatch(r"2\d\d", str(c)) for c in codes):
            return None  # a tolerance on a non-2xx status: not expressible
        return http_ratio >= HTTP_OK_RATIO
    return None
