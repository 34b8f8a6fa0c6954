"""Chaos Mesh's DNSChaos example (../shared/chaos) compiles to the traffic model's DNSChaos fault and
hits exactly the lookups it selects: names matching its patterns, from clients in its namespaces."""

from __future__ import annotations

from clustersim.chaos import load_chaos
from clustersim.chaos.compile import compile_experiments
from tests.conftest import make_config, run_config, shared_path

CLUSTER = {"zones": ["a", "b"], "node_pools": [{"name": "n", "count": 3, "capacity": {"cpu": "4", "memory": "16Gi"}}]}


def _clients(ns: str, name: str) -> dict:
    return {"rate_per_s": 20, "start_s": 30, "client_namespace": ns, "name": name, "client_nodes": ["n-0", "n-1"]}


def test_the_dns_chaos_example_fails_matching_lookups_of_its_namespace_only() -> None:
    example = shared_path("chaos", "chaos-mesh-chaos-mesh", "examples", "dns-chaos-example.yaml")
    outside = [{"name": "google.com"}, {"name": "example.org"}]
    svcs = [{"name": "google", "namespace": "busybox", "type": "ExternalName", "external_name": "google.com",
             "traffic": _clients("busybox", "google.com")},
            {"name": "other", "namespace": "busybox", "type": "ExternalName", "external_name": "example.org",
             "traffic": _clients("busybox", "example.org")},
            {"name": "google", "namespace": "default", "type": "ExternalName", "external_name": "google.com",
             "traffic": _clients("default", "google.com")}]
    base = dict(cluster=CLUSTER, services=svcs, external_services=outside, duration_s=200)
    compiled = compile_experiments(load_chaos([example]).experiments, make_config(**base), 100.0, 200.0)
    assert [f["name"] for f in compiled.faults] == ["DNSChaos"]
    args = compiled.faults[0]["args"]
    assert (args["action"], args["namespaces"], args["at_s"], args["duration_s"]) == ("random", ["busybox"], 100.0, 50.0)
    res = run_config(**base, faults=compiled.faults)
    r = res.requests
    hit = r[(r.namespace == "busybox") & (r.service == "google")]
    win = hit[(hit.t > 100) & (hit.t < 150)]  # the 50 s of the experiment, starting at 100 s
    assert win.failed_dns.sum() == win.requests.sum() > 0  # google.com matches: a wrong address, every request fails
    assert hit[(hit.t < 100) | (hit.t > 150)].failed.sum() == 0
    assert r[(r.namespace == "busybox") & (r.service == "other")].failed.sum() == 0  # example.org matches no pattern
    assert r[r.namespace == "default"].failed.sum() == 0  # clients of another namespace are not selected
