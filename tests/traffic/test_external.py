"""ExternalName Services and external dependencies, Services without selector routed to manual
EndpointSlices, externalIPs, and the traffic policies and publishNotReadyAddresses."""

from __future__ import annotations

import pytest

from clustersim.config.load import ConfigError
from tests.conftest import make_config, run_config

CLUSTER = {"zones": ["a", "b", "c"], "node_pools": [{"name": "n", "count": 4, "capacity": {"cpu": "4", "memory": "16Gi"}}]}
EXT = [{"name": "api.pay.example.com", "dns_ttl_s": 60}, {"name": "db.example.com", "addresses": ["10.20.0.5", "10.20.0.6"]}]
CALLERS = {"rate_per_s": 50, "start_s": 30}
PAY = {"name": "payments", "type": "ExternalName", "external_name": "api.pay.example.com", "traffic": CALLERS}
DB = {"name": "db", "traffic": CALLERS}
DB_SLICE = {"name": "db-1", "service": "db", "endpoints": [{"addresses": ["10.20.0.5"]}, {"addresses": ["10.20.0.6"]}]}


def _window(res, service: str, lo: float, hi: float):  # type: ignore[no-untyped-def]
    r = res.requests
    return r[(r.service == service) & (r.t > lo) & (r.t < hi)]


def test_external_name_resolves_through_a_cname_and_fails_with_its_target() -> None:
    out = [{"name": "ExternalServiceOutage", "args": {"at_s": 100, "duration_s": 50, "service": "api.pay.example.com"}}]
    res = run_config(cluster=CLUSTER, deployments=[], services=[PAY], external_services=EXT, faults=out, duration_s=200)
    assert _window(res, "payments", 30, 100).failed.sum() == 0
    w = _window(res, "payments", 100, 150)
    assert w.failed_external.sum() == w.requests.sum() > 0 and w.failed_dns.sum() == 0
    assert _window(res, "payments", 151, 200).failed.sum() == 0


def test_a_name_that_stops_resolving_fails_after_the_cached_answer_expires() -> None:
    out = [{"name": "ExternalServiceOutage", "args": {"at_s": 100, "service": "api.pay.example.com", "what": "dns"}}]
    res = run_config(cluster=CLUSTER, deployments=[], services=[PAY], external_services=EXT, faults=out, duration_s=200)
    bad = res.requests[res.requests.failed_dns > 0]
    assert 100 < bad.t.min() <= 131  # CoreDNS keeps a forwarded answer up to cache_ttl_s (30 s)
    late = _window(res, "payments", 135, 200)
    assert late.failed_dns.sum() == late.requests.sum()


def test_clients_can_call_an_external_name_directly() -> None:
    ext = [{**EXT[0], "traffic": {**CALLERS, "client_namespace": "shop"}}]
    res = run_config(cluster=CLUSTER, deployments=[], external_services=ext, duration_s=100,
                     faults=[{"name": "UpstreamDNSOutage", "args": {"at_s": 60}}])
    r = res.requests
    assert set(r.service) == {"api.pay.example.com"} and set(r.namespace) == {"shop"}
    assert r[r.t < 60].failed.sum() == 0 and r[r.t > 95].failed_dns.sum() == r[r.t > 95].requests.sum()


def test_selector_less_service_routes_to_its_manual_endpoints() -> None:
    out = [{"name": "ExternalServiceOutage", "args": {"at_s": 100, "duration_s": 50, "service": "db.example.com"}}]
    res = run_config(cluster=CLUSTER, deployments=[], services=[DB], endpoint_slices=[DB_SLICE], external_services=EXT,
                     faults=out, duration_s=200)
    assert _window(res, "db", 30, 100).failed.sum() == 0
    w = _window(res, "db", 101, 150)
    assert w.failed_external.sum() == w.requests.sum() > 0


def test_manual_slices_are_merged_and_not_ready_endpoints_skipped() -> None:
    ext = [{"name": "db.example.com", "addresses": ["10.20.0.5"]}]
    other = {"name": "db-2", "service": "db", "endpoints": [{"addresses": ["10.9.9.9"]}, {"addresses": ["10.20.0.6"], "ready": False}]}
    out = [{"name": "ExternalServiceOutage", "args": {"at_s": 100, "service": "db.example.com"}}]
    res = run_config(cluster=CLUSTER, deployments=[], services=[DB], endpoint_slices=[DB_SLICE, other], external_services=ext,
                     faults=out, duration_s=200)
    w = _window(res, "db", 101, 200)
    # ready endpoints: 10.20.0.5 (down), 10.20.0.6 (no dependency claims it: up), 10.9.9.9 (up)
    assert w.failed.sum() / w.requests.sum() == pytest.approx(1 / 3, abs=0.03)


def test_selector_less_service_without_slices_has_no_route() -> None:
    res = run_config(cluster=CLUSTER, deployments=[], services=[DB], duration_s=60)
    assert res.requests.failed_routing.sum() == res.requests.requests.sum() > 0


WEB = {"name": "web", "replicas": 1, "containers": [{"name": "c", "image": "img:1", "requests": {"cpu": "500m"},
                                                     "readiness_probe": {"period_s": 5}, "behavior": {"ready_after_s": 2}}]}


def test_external_ips_route_outside_clients_through_their_nodes() -> None:
    svc = {"name": "web", "selector": {"app": "web"}, "external_ips": ["203.0.113.7"], "external_ip_nodes": ["n-0"],
           "traffic": {"rate_per_s": 50, "source": "external", "start_s": 30}}
    res = run_config(cluster=CLUSTER, deployments=[WEB], services=[svc], duration_s=200,
                     faults=[{"name": "NodeCrash", "args": {"at_s": 100, "nodes": ["n-0"]}}])
    r = res.requests
    assert r[r.t < 100].failed.sum() == 0
    late = r[r.t > 101]
    assert late.failed_load_balancer.sum() == late.requests.sum()  # the address routes to a dead node: no health checks


def test_internal_traffic_policy_local_needs_an_endpoint_on_the_clients_node() -> None:
    svc = {"name": "web", "selector": {"app": "web"}, "internal_traffic_policy": "Local", "traffic": {**CALLERS, "resolve": "cluster_ip"}}
    res = run_config(cluster=CLUSTER, deployments=[WEB], services=[svc], duration_s=100)
    node = res.pods[res.pods.name.str.startswith("web")].node.iloc[0]
    share = res.requests.failed_routing.sum() / res.requests.requests.sum()
    assert share == pytest.approx(3 / 4, abs=0.03) and node.startswith("n-")  # 3 of 4 client nodes have no local web pod


def test_publish_not_ready_addresses_routes_to_unready_pods() -> None:
    slow = {**WEB, "containers": [{**WEB["containers"][0], "behavior": {"ready_after_s": 1000}}]}
    svc = {"name": "web", "selector": {"app": "web"}, "traffic": {**CALLERS, "resolve": "cluster_ip"}}
    plain = run_config(cluster=CLUSTER, deployments=[slow], services=[svc], duration_s=100)
    publish = run_config(cluster=CLUSTER, deployments=[slow], services=[{**svc, "publish_not_ready_addresses": True}], duration_s=100)
    assert plain.requests.failed_routing.sum() == plain.requests.requests.sum()
    assert publish.requests.failed_routing.sum() == 0


def test_client_timeout_fails_slow_dependencies() -> None:
    ext = [{**EXT[0], "latency_s": 2.0}]
    ok = run_config(cluster=CLUSTER, deployments=[], services=[PAY], external_services=ext, duration_s=60)
    slow = run_config(cluster=CLUSTER, deployments=[], services=[{**PAY, "traffic": {**CALLERS, "timeout_s": 1.0}}], external_services=ext,
                      duration_s=60)
    assert ok.requests.failed.sum() == 0 and slow.requests.failed_external.sum() == slow.requests.requests.sum()


@pytest.mark.parametrize(("over", "field"), [
    ({"endpoint_slices": [{"name": "x", "service": "a"}, {"name": "x", "service": "b"}]}, "endpoint_slices.1.name"),
    ({"external_services": [EXT[0], EXT[0]]}, "external_services.1.name"),
    ({"external_services": [{"name": "a.example.com", "addresses": ["not-an-ip"]}]}, "external_services.0.addresses"),
    ({"external_services": [{"name": "a.example.com", "traffic": {"rate_per_s": 1, "source": "external"}}]}, "external_services.0.traffic.source"),
    ({"services": [{"name": "x", "external_ip_nodes": ["n-0"]}]}, "services.0.external_ip_nodes"),
    ({"faults": [{"name": "ExternalServiceOutage", "args": {"at_s": 1, "service": "who.example.com"}}]}, "faults.0.args.service"),
    ({"networking": {"service_cluster_ip_range": "10.0.0.0/33"}}, "networking.service_cluster_ip_range"),
])
def test_bad_external_config_names_the_field(over: dict, field: str) -> None:
    with pytest.raises(ConfigError) as e:
        make_config(cluster=CLUSTER, **over)
    assert e.value.field == field, str(e.value)
