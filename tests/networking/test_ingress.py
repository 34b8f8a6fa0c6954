"""Ingress matching (the API's Exact/Prefix semantics, ingress-nginx's ImplementationSpecific), the
routing table's server and location precedence, and Ingress validation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clustersim.api.ingress import HTTPIngressPath, Ingress, IngressBackend, IngressRule, IngressSpec, IngressTLS
from clustersim.api.objects import ObjectMeta
from clustersim.networking.ingress_match import RoutingTable, best_path, host_matches, path_matches
from clustersim.networking.ingress_validation import validate_ingress_spec


def _p(path: str, kind: str = "Prefix", svc: str = "s") -> HTTPIngressPath:
    return HTTPIngressPath(path, kind, IngressBackend(svc, 80))


@pytest.mark.parametrize(("path", "kind", "request_path", "want"), [
    ("/foo", "Exact", "/foo", True), ("/foo", "Exact", "/foo/", False), ("/foo", "Exact", "/FOO", False),
    ("/foo", "Prefix", "/foo/bar", True), ("/foo", "Prefix", "/foobar", False), ("/foo/", "Prefix", "/foo", True),
    ("/", "Prefix", "/anything", True), ("/foo", "Prefix", "/foo?x=1", True),
    ("/foo", "ImplementationSpecific", "/foobar", True),  # nginx prefix location
    ("", "ImplementationSpecific", "/x", True), ("/foo", "ImplementationSpecific", "/fo", False),
])
def test_path_types(path: str, kind: str, request_path: str, want: bool) -> None:
    assert path_matches(path, kind, request_path) is want


@pytest.mark.parametrize(("rule", "host", "want"), [
    ("*.foo.com", "bar.foo.com", True), ("*.foo.com", "foo.com", False), ("*.foo.com", "a.bar.foo.com", False),
    ("foo.bar.com", "FOO.bar.com:8080", True), ("", "anything", True), ("foo.bar.com", "bar.foo.com", False),
])
def test_hosts(rule: str, host: str, want: bool) -> None:
    assert host_matches(rule, host) is want


def test_longest_path_wins_and_exact_breaks_ties() -> None:
    paths = [_p("/", svc="root"), _p("/aaa", svc="a"), _p("/aaa/bbb/", svc="ab"), _p("/aaa/bbb", "Exact", svc="exact")]
    assert best_path(paths, "/aaa/bbb").backend.service == "exact"
    assert best_path(paths, "/aaa/bbb/c").backend.service == "ab"
    assert best_path(paths, "/aaax").backend.service == "root"


segment = st.text(alphabet="ab", min_size=1, max_size=3)


@given(st.lists(segment, max_size=4), st.lists(segment, max_size=5), st.booleans(), st.booleans())
def test_prefix_is_element_wise(rule: list[str], req: list[str], rule_slash: bool, req_slash: bool) -> None:
    path = "/" + "/".join(rule) + ("/" if rule_slash and rule else "")
    request = "/" + "/".join(req) + ("/" if req_slash and req else "")
    assert path_matches(path, "Prefix", request) is (req[: len(rule)] == rule)


@given(st.lists(st.tuples(st.lists(segment, max_size=3), st.sampled_from(["Exact", "Prefix"])), min_size=1, max_size=5),
       st.lists(segment, max_size=4))
def test_best_path_is_a_longest_match(rules: list[tuple[list[str], str]], req: list[str]) -> None:
    paths = [_p("/" + "/".join(segs), kind, svc=f"s{i}") for i, (segs, kind) in enumerate(rules)]
    request = "/" + "/".join(req)
    best = best_path(paths, request)
    matching = [p for p in paths if path_matches(p.path, p.path_type, request)]
    assert (best is None) == (not matching)
    if best is not None:
        assert best in matching
        assert all(len(p.path.rstrip("/")) <= len(best.path.rstrip("/")) for p in matching)  # nothing longer matches
        if any(p.path_type == "Exact" for p in matching):
            assert best.path_type == "Exact"  # an exact match is as long as the request: it always wins


def _ing(name: str, spec: IngressSpec, t: float = 0.0) -> Ingress:
    ing = Ingress(ObjectMeta(name, "default"), spec)
    ing.meta.creation_s = t
    return ing


def test_routing_table_merges_ingresses_and_picks_servers() -> None:
    a = _ing("a", IngressSpec((IngressRule("shop.example.com", (_p("/cart", svc="cart"),)),
                               IngressRule("*.example.com", (_p("/", svc="wild"),)))))
    b = _ing("b", IngressSpec((IngressRule("shop.example.com", (_p("/cart", svc="other"), _p("/", svc="web"))),
                               IngressRule("", (_p("/health", "Exact", svc="health"),)))))
    table = RoutingTable.build([a, b])
    assert table.route("shop.example.com", "/cart/1").backend.service == "cart"  # the older Ingress keeps the location
    assert table.route("shop.example.com", "/").backend.service == "web"
    assert table.route("api.example.com", "/x").backend.service == "wild"
    assert table.route("other.org", "/health").backend.service == "health"  # host-less rules: the catch-all server
    r = table.route("other.org", "/nope")
    assert (r.status, r.backend, r.rule) == (404, None, "(no rule)")
    assert table.route("shop.example.com", "/cart").rule == "shop.example.com/cart (Prefix)"


def test_default_backend_serves_what_no_rule_matches() -> None:
    spec = IngressSpec((IngressRule("a.com", (_p("/x", "Exact", svc="x"),)),), IngressBackend("fallback", 80))
    table = RoutingTable.build([_ing("a", spec)])
    assert table.route("a.com", "/y").backend.service == "fallback"
    assert table.route("b.com", "/").rule == "(default backend)"


@pytest.mark.parametrize(("spec", "fields"), [
    (IngressSpec(), ["spec"]),
    (IngressSpec((IngressRule("a.com", (HTTPIngressPath("/x", None, IngressBackend("s", 80)),)),)), ["spec.rules[0].http.paths[0].pathType"]),
    (IngressSpec((IngressRule("a.com", (HTTPIngressPath("/x/..", "Prefix", IngressBackend("s", 80)),)),)), ["spec.rules[0].http.paths[0].path"]),
    (IngressSpec((IngressRule("a.com", (_p("/x"),)),), IngressBackend("Bad_Name", 80)), ["spec.defaultBackend.service.name"]),
    (IngressSpec((IngressRule("a.com", (HTTPIngressPath("/x", "Prefix", IngressBackend("s")),)),)), ["spec.rules[0].http.paths[0].backend"]),
    (IngressSpec((IngressRule("a.com", (HTTPIngressPath("/x", "Prefix", IngressBackend("s", 80, "http")),)),)),
     ["spec.rules[0].http.paths[0].backend"]),
    (IngressSpec((IngressRule("a.b.*.com", (_p("/x"),)),)), ["spec.rules[0].host"]),
    (IngressSpec((IngressRule("a.com", (_p("/x"),)),), tls=(IngressTLS(("a.com",), "Bad_Secret"),)), ["spec.tls[0].secretName"]),
    (IngressSpec((IngressRule("a.com", (HTTPIngressPath("/x", "Regex", IngressBackend("s", 80)),)),)), ["spec.rules[0].http.paths[0].pathType"]),
    (IngressSpec(default_backend=IngressBackend(resource_kind="StorageBucket", resource_name="b")), []),
])
def test_validation_fields(spec: IngressSpec, fields: list[str]) -> None:
    assert [e.field for e in validate_ingress_spec(spec)] == fields
