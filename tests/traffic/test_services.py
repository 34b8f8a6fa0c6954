"""Services, EndpointSlices, kube-proxy and client traffic: requests fail only when routed to pods that
do not answer, which shows the failure window after a crash and none after a graceful drain."""

from __future__ import annotations

import numpy as np
import pytest

from clustersim.config.load import ConfigError
from tests.conftest import make_config, run_config

CLUSTER = {"zones": ["a", "b", "c"], "node_pools": [{"name": "n", "count": 6, "capacity": {"cpu": "4", "memory": "16Gi"}}]}
WEB = {"name": "web", "replicas": 6, "containers": [{"name": "c", "image": "img:1", "requests": {"cpu": "500m"},
                                                      "readiness_probe": {"period_s": 5}, "behavior": {"ready_after_s": 2, "shutdown_s": 5}}]}
SVC = {"name": "web", "selector": {"app": "web"}, "traffic": {"rate_per_s": 200, "start_s": 30}}


def _failed_window(res):  # type: ignore[no-untyped-def]
    r = res.requests
    bad = r[r.failed > 0]
    return (None, None) if bad.empty else (bad.t.min(), bad.t.max())


def test_node_crash_fails_requests_until_the_endpoints_are_removed() -> None:
    res = run_config(cluster=CLUSTER, deployments=[WEB], services=[SVC], duration_s=600,
                     faults=[{"name": "NodeCrash", "args": {"at_s": 120, "nodes": ["n-1"]}}])
    lo, hi = _failed_window(res)
    not_ready = res.events[(res.events.reason == "NodeNotReady") & (res.events.kind == "Node")].t.min()
    assert 120 <= lo <= 121 and not_ready <= hi <= not_ready + 3  # the grace period, then endpoint and proxy updates
    r = res.requests
    window = r[(r.t > 121) & (r.t < not_ready)]
    share = window.failed.sum() / window.requests.sum()
    on_node = (res.pods[res.pods.created_s < 1].node == "n-1").sum()
    assert share == pytest.approx(on_node / 6, abs=0.03)  # requests to the dead pod's share of the endpoints
    svc = res.summary["services"]["default/web"]
    assert svc["any_endpoint"] == 1.0 and svc["all_desired"] < 1.0
    assert svc["failed_requests"] == r.failed.sum() and 0.9 < svc["success_ratio"] < 1.0


def test_graceful_drain_with_enough_replicas_fails_no_request() -> None:
    res = run_config(cluster=CLUSTER, deployments=[WEB], services=[SVC], duration_s=400,
                     pod_disruption_budgets=[{"name": "web", "selector": {"match_labels": {"app": "web"}}, "max_unavailable": 1}],
                     faults=[{"name": "NodeDrain", "args": {"at_s": 120, "nodes": ["n-1"]}}])
    assert (res.events.reason == "Evicted").sum() >= 1
    assert res.requests.failed.sum() == 0 and res.requests.requests.sum() > 50_000


def test_kubelet_stop_keeps_old_pods_answering() -> None:
    res = run_config(cluster=CLUSTER, deployments=[WEB], services=[SVC], duration_s=600,
                     faults=[{"name": "KubeletStop", "args": {"at_s": 120, "nodes": ["n-1"], "duration_s": 400}}])
    assert res.requests.failed.sum() == 0  # containers never stopped; endpoints were only withdrawn


def test_partition_from_other_nodes_fails_requests_until_endpoints_update() -> None:
    res = run_config(cluster=CLUSTER, deployments=[WEB], services=[SVC], duration_s=600,
                     faults=[{"name": "NetworkPartition", "args": {"at_s": 120, "nodes": ["n-1"], "from_nodes": True, "duration_s": 300}}])
    lo, hi = _failed_window(res)
    assert lo is not None and 120 <= lo <= 121
    # the partitioned node's own clients keep its stale rules and reach only local pods until the heal
    assert hi >= 170


def test_load_balancer_takes_dead_nodes_out_after_its_health_checks() -> None:
    lb = {**SVC, "type": "LoadBalancer", "traffic": {"rate_per_s": 200, "source": "external", "start_s": 30}}
    res = run_config(cluster=CLUSTER, deployments=[WEB], services=[lb], duration_s=600,
                     faults=[{"name": "NodeCrash", "args": {"at_s": 121, "nodes": ["n-1"]}}])
    r = res.requests
    first = r[(r.t > 122) & (r.t < 150)]
    # about a sixth of the requests enter through the dead node until 3 failed checks (10 s apart) remove it
    assert first.failed.sum() / first.requests.sum() > 0.15
    lo, hi = _failed_window(res)
    assert hi <= 175


def test_local_traffic_policy_only_uses_nodes_with_ready_local_endpoints() -> None:
    dep = {**WEB, "replicas": 2}
    lb = {**SVC, "type": "LoadBalancer", "external_traffic_policy": "Local",
          "traffic": {"rate_per_s": 100, "source": "external", "start_s": 60}}
    res = run_config(cluster=CLUSTER, deployments=[dep], services=[lb], duration_s=300)
    assert res.requests.failed.sum() == 0  # nodes without a local endpoint fail the health check and get no traffic


def test_same_seed_same_requests() -> None:
    kw = dict(cluster=CLUSTER, deployments=[WEB], services=[SVC], duration_s=300,
              faults=[{"name": "NodeCrash", "args": {"at_s": 120, "nodes": ["n-1"]}}])
    a, b = run_config(**kw), run_config(**kw)
    assert np.array_equal(a.requests.to_numpy(), b.requests.to_numpy())


@pytest.mark.parametrize(("svc", "field"), [
    ({"name": "x", "type": "ExternalName", "external_name": "db.example.com", "traffic": {"rate_per_s": 1, "resolve": "cluster_ip"}},
     "services.0.traffic"),
    ({"name": "x", "type": "ExternalName", "external_name": "db.example.com", "selector": {"app": "x"}}, "services.0.selector"),
    ({"name": "x", "selector": {"app": "web"}, "traffic": {"rate_per_s": 1, "source": "external"}}, "services.0.traffic.source"),
    ({"name": "x", "type": "ExternalName"}, "services.0.external_name"),
    ({"name": "x", "selector": {"app": "web"}, "traffic": {"rate_per_s": -1}}, "services.0.traffic.rate_per_s"),
    ({"name": "x", "selector": {"app": "web"}, "traffic": {"rate_per_s": 1, "client_nodes": ["nope"]}}, "services.0.traffic.client_nodes.0"),
    ({"name": "x", "selector": {"app": "web"}, "colour": "red"}, "services.0.colour"),
])
def test_bad_service_definitions_name_the_field(svc: dict, field: str) -> None:
    with pytest.raises(ConfigError) as e:
        make_config(cluster=CLUSTER, services=[svc])
    assert e.value.field == field, str(e.value)
