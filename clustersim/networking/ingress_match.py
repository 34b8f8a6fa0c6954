"""Ingress host and path matching, and the routing table a controller builds from Ingresses.

Upstream semantics (the Ingress API reference and concepts page, kubernetes/website ingress.md; the
SIG-Network conformance features):

- Host: a precise host equals the request's Host (case-insensitive, without port); ``*.foo.com``
  matches exactly one more label (``bar.foo.com``, not ``foo.com`` nor ``a.bar.foo.com``); a rule
  without host matches every host.
- Path: Exact equals the URL path (case-sensitive). Prefix compares elements split on ``/`` (empty
  elements ignored, so a trailing slash does not matter; ``/aaa/bbb`` does not match ``/aaa/bbbxyz``).
  ImplementationSpecific is the controller's: ingress-nginx writes it as an nginx prefix location, a
  plain string prefix (``/foo`` matches ``/foobar``), an empty path being ``/``.
- Precedence: the longest matching path wins; on a tie Exact beats Prefix.

The table follows ingress-nginx's shape (internal/ingress/controller/controller.go createServers):
one server per host with the locations of every rule for it (the first Ingress by creation wins a
duplicate location), servers for wildcard hosts, and the catch-all server ``_`` for host-less rules;
a request picks the exact server, else a wildcard one, else the catch-all, then its best location.
Without a match the Ingress's defaultBackend serves it (the spec's rule; ingress-nginx applies it only
to that Ingress's own hosts, or to every host when the Ingress has no rules), else 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from clustersim.api.ingress import HTTPIngressPath, Ingress, IngressBackend, IngressSpec

__all__ = ["Location", "Route", "RoutingTable", "best_path", "host_matches", "normalize_host", "path_matches"]

CATCH_ALL = "_"  # ingress-nginx defServerName


def normalize_host(host: str) -> str:
    """The Host header as matched: lowercase, without port and trailing dot."""
    h = host.strip().lower()
    if h.startswith("["):  # [v6]:port
        h = h.split("]", 1)[0] + "]"
    elif h.count(":") == 1:
        h = h.split(":", 1)[0]
    return h.rstrip(".")


def host_matches(rule_host: str, host: str) -> bool:
    """Does a rule's host match the request's Host?"""
    if not rule_host:
        return True
    h, r = normalize_host(host), rule_host.lower()
    if r.startswith("*."):
        suffix = r[1:]  # ".foo.com"
        label = h[: -len(suffix)] if h.endswith(suffix) else ""
        return bool(label) and "." not in label
    return h == r


def _elements(path: str) -> list[str]:
    return [e for e in path.split("/") if e]


def path_matches(path: str, path_type: str | None, request_path: str) -> bool:
    """Does ``request_path`` match a path of this type?"""
    req = request_path.split("?", 1)[0] or "/"
    if path_type == "Exact":
        return req == path
    if path_type == "Prefix":
        want = _elements(path)
        return _elements(req)[: len(want)] == want
    return req.startswith(path or "/")  # ImplementationSpecific: ingress-nginx's nginx prefix location


def _rank(path: str, path_type: str | None) -> tuple[int, int]:
    """Longest first, then Exact before the others (a Prefix's trailing slash does not lengthen it)."""
    if path_type == "Exact":
        return len(path), 1
    if path_type == "Prefix":
        return len(path.rstrip("/")), 0
    return len(path or "/"), 0


def best_path(paths: Iterable[HTTPIngressPath], request_path: str) -> HTTPIngressPath | None:
    """The path that serves ``request_path`` (the first of equals), or None."""
    best, key = None, (-1, -1)
    for p in paths:
        if path_matches(p.path, p.path_type, request_path):
            k = _rank(p.path, p.path_type)
            if k > key:
                best, key = p, k
    return best


@dataclass(frozen=True, slots=True)
class Location:
    """A path of a server and where it came from (for per-rule outcomes)."""

    path: HTTPIngressPath
    ingress: str
    rule: str  # "host/path (Type)" as reported


@dataclass(frozen=True, slots=True)
class Route:
    """Where a request goes: 200 with a backend, or 404; ``rule`` names the matched rule."""

    status: int
    backend: IngressBackend | None
    ingress: str
    rule: str
    namespace: str = ""


@dataclass
class _Server:
    host: str
    locations: list[Location] = field(default_factory=list)


@dataclass
class RoutingTable:
    """Servers and locations built from Ingresses (oldest first), and the default backend."""

    servers: dict[str, _Server] = field(default_factory=dict)
    wildcards: list[_Server] = field(default_factory=list)
    default: tuple[IngressBackend, str, str] | None = None  # backend, ingress key, namespace
    namespaces: dict[str, str] = field(default_factory=dict)  # ingress key -> namespace

    @classmethod
    def build(cls, ingresses: Iterable[Ingress]) -> RoutingTable:
        """The table of ``ingresses`` in the order given (pass them oldest first)."""
        table = cls()
        for ing in ingresses:
            table.add(ing.meta.key, ing.meta.namespace, ing.spec)
        return table

    def add(self, key: str, namespace: str, spec: IngressSpec) -> None:
        """Merge one Ingress's rules; an existing location (same path and type) is kept."""
        self.namespaces[key] = namespace
        if spec.default_backend is not None and self.default is None:
            self.default = (spec.default_backend, key, namespace)
        for rule in spec.rules:
            host = rule.host.lower() or CATCH_ALL
            server = self.servers.get(host)
            if server is None:
                server = self.servers[host] = _Server(host)
                if host.startswith("*."):
                    self.wildcards.append(server)
            seen = {(loc.path.path, loc.path.path_type) for loc in server.locations}
            for p in rule.paths or ():
                if (p.path, p.path_type) not in seen:
                    seen.add((p.path, p.path_type))
                    label = f"{rule.host or '*'}{p.path or '/'} ({p.path_type})"
                    server.locations.append(Location(p, key, label))

    def signature(self) -> tuple[object, ...]:
        """What nginx's configuration is made of (servers, locations, backends, default): equal tables need no reload."""
        servers = tuple((h, tuple((loc.path, loc.ingress) for loc in s.locations)) for h, s in sorted(self.servers.items()))
        return servers, self.default

    def _server(self, host: str) -> _Server | None:
        h = normalize_host(host)
        if h in self.servers and h != CATCH_ALL:
            return self.servers[h]
        for s in sorted(self.wildcards, key=lambda s: -len(s.host)):
            if host_matches(s.host, h):
                return s
        return self.servers.get(CATCH_ALL)

    def route(self, host: str, path: str) -> Route:
        """The server for ``host``, its best location for ``path``, else the default backend, else 404."""
        server = self._server(host)
        if server is not None:
            best = best_path((loc.path for loc in server.locations), path)
            if best is not None:
                loc = next(loc for loc in server.locations if loc.path is best)
                return Route(200, best.backend, loc.ingress, loc.rule, self.namespaces[loc.ingress])
        if self.default is not None:
            backend, key, ns = self.default
            return Route(200, backend, key, "(default backend)", ns)
        return Route(404, None, "", "(no rule)")
