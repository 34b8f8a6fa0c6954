"""Networking manifests take effect: Services without selector with Endpoints or EndpointSlices,
ExternalName Services, CoreDNS's own deployment manifest, ReplicationControllers."""

from __future__ import annotations

from clustersim.manifests import load_manifests
from tests.conftest import make_config, run_config, shared_path

CLUSTER = {"zones": ["a", "b"], "node_pools": [{"name": "n", "count": 3, "capacity": {"cpu": "4", "memory": "16Gi"}}]}


def test_endpoints_manifest_is_mirrored_into_a_slice_of_the_selector_less_service() -> None:
    base = shared_path("platform-manifests", "kubernetes-examples", "_archived", "volumes", "glusterfs")
    ms = load_manifests([base])
    (svc,) = ms.entries["services"]
    (es,) = ms.entries["endpoint_slices"]
    assert svc["selector"] == {} and es["service"] == svc["name"] == "glusterfs-cluster"
    assert [e["addresses"] for e in es["endpoints"]] == [["10.240.106.152"], ["10.240.79.157"]]


def test_selector_less_service_and_its_slice_route_requests() -> None:
    base = shared_path("platform-manifests", "kubernetes-website", "content", "en", "docs", "concepts", "services-networking")
    cfg = make_config(cluster=CLUSTER, deployments=[], manifests=[str(base)],
                      external_services=[{"name": "legacy.example.com", "addresses": ["10.4.5.6"]}])
    assert {s.name for s in cfg.services} == {"my-service"}  # the ExternalName example is in namespace prod, same name
    assert cfg.endpoint_slices[0].service == "my-service"
    from clustersim.sim import build

    sim = build(cfg)
    sim.start()
    sim.env.run(until=5)
    rules = sim.infra.proxy.view("default/my-service", 5)
    assert sorted(e.address for e in rules) == ["10.1.2.3", "10.4.5.6"] and all(e.ready for e in rules)


def test_coredns_manifest_is_adopted_as_the_cluster_dns() -> None:
    path = shared_path("platform-manifests", "coredns-deployment", "kubernetes", "coredns.yaml.sed")
    web = {"name": "web", "replicas": 2, "containers": [{"name": "c", "image": "img:1", "requests": {"cpu": "100m"},
                                                         "readiness_probe": {"period_s": 5}}]}
    res = run_config(cluster=CLUSTER, deployments=[web], manifests=[str(path)], duration_s=120,
                     services=[{"name": "web", "selector": {"app": "web"}, "traffic": {"rate_per_s": 20, "start_s": 60}}])
    coredns = res.pods[res.pods.name.str.startswith("coredns")]
    assert len(coredns) == 1  # the manifest's Deployment (replicas unset: 1), not a second one from the add-on
    assert coredns.ready_s.notna().all() and res.requests.failed.sum() == 0
    assert "kube-system/coredns" in res.summary["addons"] or "kube-system/coredns" in res.summary["deployments"]


def test_replication_controller_becomes_a_replica_set() -> None:
    path = shared_path("platform-manifests", "kubernetes-ingress-nginx", "docs", "examples", "multi-tls", "multi-tls.yaml")
    ms = load_manifests([path])
    assert [r["name"] for r in ms.entries["replica_sets"]] == ["nginx", "http-svc"]
    assert ms.entries["replica_sets"][0]["labels"]["app.kubernetes.io/name"] == "ingress-nginx"
