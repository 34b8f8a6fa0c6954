"""Name resolution in the traffic model: search expansion, CoreDNS failures, NodeLocal DNSCache expiry
during a CoreDNS outage, DNSChaos, the upstream resolver, and the opt-outs."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import make_config, run_config

CLUSTER = {"zones": ["a", "b", "c"], "node_pools": [
    {"name": "app", "count": 3, "capacity": {"cpu": "4", "memory": "16Gi"}},
    {"name": "dns", "count": 2, "capacity": {"cpu": "4", "memory": "16Gi"}, "labels": {"role": "dns"}}]}
WEB = {"name": "web", "replicas": 3, "node_selector": {"clustersim.io/node-pool": "app"},
       "containers": [{"name": "c", "image": "img:1", "requests": {"cpu": "500m"}, "readiness_probe": {"period_s": 5},
                       "behavior": {"ready_after_s": 2, "shutdown_s": 5}}]}
CLIENTS = {"rate_per_s": 50, "start_s": 30, "client_nodes": ["app-0", "app-1", "app-2"]}
SVC = {"name": "web", "selector": {"app": "web"}, "traffic": CLIENTS}
ADDONS = {"coredns": {"node_selector": {"role": "dns"}}}
CRASH_DNS = [{"name": "NodeCrash", "args": {"at_s": 200, "nodes": ["dns-0", "dns-1"]}}]


def _fails(res, col: str = "failed_dns"):  # type: ignore[no-untyped-def]
    r = res.requests
    bad = r[r[col] > 0]
    return (None, None) if bad.empty else (float(bad.t.min()), float(bad.t.max()))


def test_search_expansion_follows_ndots() -> None:
    from clustersim.sim import build

    sim = build(make_config(cluster=CLUSTER, deployments=[WEB], services=[SVC]))
    res = sim.traffic.resolver
    short = res.lookup("web", "shop", "ClusterFirst")
    assert [c for c, _ in short.candidates] == ["web.shop.svc.cluster.local", "web.svc.cluster.local", "web.cluster.local",
                                                 "web.ec2.internal", "web"]
    ext = res.lookup("api.example.com", "shop", "ClusterFirst")  # 2 dots < ndots 5: the search list first
    assert ext.candidates[0][0] == "api.example.com.shop.svc.cluster.local" and ext.candidates[-1] == ("api.example.com", False)
    deep = res.lookup("a.b.c.d.e.f", "shop", "ClusterFirst")  # 5 dots: as given first
    assert deep.candidates[0] == ("a.b.c.d.e.f", False)
    assert [c for c, _ in res.lookup("web.shop.svc.cluster.local.", "x", "ClusterFirst").candidates] == ["web.shop.svc.cluster.local"]


def test_clients_resolve_through_coredns_and_fail_while_it_is_gone() -> None:
    res = run_config(cluster=CLUSTER, deployments=[WEB], services=[SVC], addons=ADDONS, duration_s=400, faults=CRASH_DNS)
    lo, hi = _fails(res)
    assert lo is not None and 200 <= lo <= 201  # the first lookup after the crash goes to a dead CoreDNS pod
    assert hi >= 390  # the replacements wait for the 300 s toleration, so DNS stays down to the end
    after = res.requests[res.requests.t > 210]
    assert after.failed_dns.sum() == after.failed.sum() > 0.95 * after.requests.sum()  # the pods are fine: only DNS fails
    assert res.summary["services"]["default/web"]["failed_by_hop"]["dns"] == res.requests.failed_dns.sum()


def test_node_local_dns_cache_serves_until_its_entries_expire() -> None:
    res = run_config(cluster=CLUSTER, deployments=[WEB], services=[SVC], duration_s=400, faults=CRASH_DNS,
                     addons={**ADDONS, "node_local_dns": {"enabled": True}})
    lo, _ = _fails(res)
    # cluster records carry TTL 30 (kubeadm's Corefile), cached 30 s by the node's cache: lookups keep
    # working until the entries refreshed just before the crash expire, then fail
    assert lo is not None and 200 < lo <= 231
    before = res.requests[(res.requests.t > 30) & (res.requests.t < 200)]
    assert before.failed.sum() == 0
    assert len(res.pods[res.pods.name.str.startswith("node-local-dns")]) == 5  # one per node


def test_node_local_cache_pod_down_fails_its_nodes_lookups() -> None:
    kill = [{"name": "PodKill", "args": {"at_s": 150, "namespace": "kube-system", "deployment": "node-local-dns", "count": 5,
                                         "grace_period_s": 0}}]
    res = run_config(cluster=CLUSTER, deployments=[WEB], services=[SVC], duration_s=300, faults=kill,
                     addons={**ADDONS, "node_local_dns": {"enabled": True}})
    lo, hi = _fails(res)
    assert lo is not None and 150 <= lo <= 151 and hi < 170  # until the DaemonSet's replacements run


@pytest.mark.parametrize(("action", "delay", "fails"), [("error", 0, True), ("random", 0, True), ("delay", 1.0, False), ("delay", 6.0, True)])
def test_dns_chaos(action: str, delay: float, fails: bool) -> None:
    chaos = [{"name": "DNSChaos", "args": {"at_s": 100, "duration_s": 50, "action": action, "delay_s": delay, "patterns": ["web.*"]}}]
    res = run_config(cluster=CLUSTER, deployments=[WEB], services=[SVC], addons=ADDONS, duration_s=250, faults=chaos)
    window = res.requests[(res.requests.t > 100) & (res.requests.t < 150)]
    outside = res.requests[(res.requests.t < 100) | (res.requests.t > 150)]
    assert outside.failed.sum() == 0
    assert (window.failed_dns.sum() == window.requests.sum()) if fails else window.failed.sum() == 0


def test_dns_chaos_can_hit_a_share_and_one_namespace() -> None:
    chaos = [{"name": "DNSChaos", "args": {"at_s": 100, "duration_s": 100, "patterns": ["web.default.svc.cluster.local"], "percent": 30}}]
    res = run_config(cluster=CLUSTER, deployments=[WEB], services=[SVC], addons=ADDONS, duration_s=250, faults=chaos)
    w = res.requests[(res.requests.t > 100) & (res.requests.t <= 200)]
    assert w.failed_dns.sum() / w.requests.sum() == pytest.approx(0.3, abs=0.03)
    other = [{"name": "DNSChaos", "args": {"at_s": 100, "namespaces": ["elsewhere"]}}]
    res = run_config(cluster=CLUSTER, deployments=[WEB], services=[SVC], addons=ADDONS, duration_s=250, faults=other)
    assert res.requests.failed.sum() == 0


def test_coredns_overload_hits_names_with_many_candidates_harder() -> None:
    tight = {"coredns": {"node_selector": {"role": "dns"}, "max_qps_per_pod": 100}}
    near = run_config(cluster=CLUSTER, deployments=[WEB], services=[SVC], addons=tight, duration_s=120)
    far = {**SVC, "traffic": {**CLIENTS, "name": "web.default.svc"}}  # 2 dots: 2 NXDOMAIN candidates before the hit
    amplified = run_config(cluster=CLUSTER, deployments=[WEB], services=[far], addons=tight, duration_s=120)
    assert near.requests.failed_dns.sum() == 0  # 50 lookups/s x 1 candidate x 2 queries = 50 qps per pod
    share = amplified.requests.failed_dns.sum() / amplified.requests.requests.sum()
    # 3 candidates x 2 queries x 50/s = 150 qps per pod: a third of the queries dropped, and a lookup needs all 3
    assert share == pytest.approx(1 - (100 / 150) ** 3, abs=0.05)


def test_upstream_outage_spares_cluster_names() -> None:
    res = run_config(cluster=CLUSTER, deployments=[WEB], services=[SVC], addons=ADDONS, duration_s=200,
                     faults=[{"name": "UpstreamDNSOutage", "args": {"at_s": 60}}])
    assert res.requests.failed.sum() == 0


def test_cluster_ip_clients_and_disabled_coredns_skip_dns() -> None:
    kw = dict(cluster=CLUSTER, deployments=[WEB], duration_s=300, faults=CRASH_DNS)
    by_ip = run_config(services=[{**SVC, "traffic": {**CLIENTS, "resolve": "cluster_ip"}}], **kw)
    off = run_config(services=[SVC], addons={"coredns": {"enabled": False}}, **kw)
    assert not by_ip.pods.namespace.eq("kube-system").any() and not off.pods.namespace.eq("kube-system").any()
    assert by_ip.requests.failed.sum() == off.requests.failed.sum() == 0
    assert np.array_equal(by_ip.requests.to_numpy(), off.requests.to_numpy())


def test_default_dns_policy_cannot_resolve_cluster_names() -> None:
    res = run_config(cluster=CLUSTER, deployments=[WEB], services=[{**SVC, "traffic": {**CLIENTS, "dns_policy": "Default"}}],
                     addons=ADDONS, duration_s=100)
    assert res.requests.failed_dns.sum() == res.requests.requests.sum() > 0


def test_client_dns_cache_rides_out_a_short_outage() -> None:
    kill = [{"name": "PodKill", "args": {"at_s": 150, "namespace": "kube-system", "deployment": "coredns", "count": 2}}]
    kw = dict(cluster=CLUSTER, deployments=[WEB], addons=ADDONS, duration_s=250, faults=kill)
    plain = run_config(services=[SVC], **kw)
    cached = run_config(services=[{**SVC, "traffic": {**CLIENTS, "dns_cache_s": 60}}], **kw)
    assert plain.requests.failed_dns.sum() > 100
    assert cached.requests.failed_dns.sum() < plain.requests.failed_dns.sum() / 10
