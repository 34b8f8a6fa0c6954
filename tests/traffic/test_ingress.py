"""Ingress through ingress-nginx: per-rule routing with 404 and 503, the controller's rate-limited syncs
and reloads, its pods and its LoadBalancer, the reload stall, IngressClass selection, the shipped manifests."""

from __future__ import annotations

import pytest

from clustersim.config.load import ConfigError
from tests.conftest import make_config, run_config, shared_path

CLUSTER = {"zones": ["a", "b", "c"], "node_pools": [{"name": "n", "count": 4, "capacity": {"cpu": "8", "memory": "32Gi"}}]}
C = {"name": "c", "image": "img:1", "requests": {"cpu": "100m"}, "readiness_probe": {"period_s": 5}, "behavior": {"ready_after_s": 2, "shutdown_s": 5}}
DEPS = [{"name": "web", "replicas": 2, "containers": [C]}, {"name": "api", "replicas": 2, "containers": [C]},
        {"name": "admin", "replicas": 0, "containers": [C]}]
SVCS = [{"name": n, "selector": {"app": n}} for n in ("web", "api", "admin")]
ING = {"name": "shop", "rules": [{"host": "shop.example.com", "paths": [
    {"path": "/", "path_type": "Prefix", "backend": {"service": "web", "port": 80}},
    {"path": "/api", "path_type": "Prefix", "backend": {"service": "api", "port": 80}},
    {"path": "/admin", "path_type": "Exact", "backend": {"service": "admin", "port": 80}}]}]}
MIX = {"rate_per_s": 100, "start_s": 60, "requests": [
    {"host": "shop.example.com", "path": "/cart", "weight": 2}, {"host": "shop.example.com", "path": "/api/v1"},
    {"host": "shop.example.com", "path": "/admin"}, {"host": "nowhere.example.com", "path": "/"}]}


def _run(**over):  # type: ignore[no-untyped-def]
    kw = dict(cluster=CLUSTER, deployments=DEPS, services=SVCS, ingresses=[ING], ingress_traffic=[MIX], duration_s=150)
    return run_config(**{**kw, **over})


def test_rules_route_and_missing_backends_give_503_and_unknown_hosts_404() -> None:
    res = _run()
    rules = res.summary["ingress_rules"]
    assert set(rules) == {"default/shop shop.example.com/ (Prefix)", "default/shop shop.example.com/api (Prefix)",
                          "default/shop shop.example.com/admin (Exact)", "(no rule)"}
    assert rules["default/shop shop.example.com/ (Prefix)"]["backend"] == "web"
    assert rules["default/shop shop.example.com/ (Prefix)"]["failed_requests"] == 0
    assert rules["default/shop shop.example.com/api (Prefix)"]["failed_requests"] == 0
    admin = rules["default/shop shop.example.com/admin (Exact)"]
    assert admin["failed_by_hop"]["routing"] == admin["requests"] > 0  # 503: no ready endpoint
    nowhere = rules["(no rule)"]
    assert nowhere["failed_by_hop"]["ingress"] == nowhere["requests"] > 0  # 404
    shares = {k: r["requests"] for k, r in rules.items()}
    assert shares["default/shop shop.example.com/ (Prefix)"] == pytest.approx(2 * shares["(no rule)"], rel=0.1)
    assert {"ingress-nginx/ingress-nginx-controller"} <= set(res.summary["addons"])
    web, admin_svc = res.summary["services"]["default/web"], res.summary["services"]["default/admin"]
    assert web["requests"] == 0 and web["via_ingress"]["requests"] == rules["default/shop shop.example.com/ (Prefix)"]["requests"]
    assert admin_svc["via_ingress"]["success_ratio"] == 0.0


def test_the_controller_syncs_at_its_rate_limit_and_reloads_only_for_new_rules() -> None:
    from clustersim.api.ingress import HTTPIngressPath, Ingress, IngressBackend, IngressRule, IngressSpec
    from clustersim.api.objects import ObjectMeta
    from clustersim.sim import build

    sim = build(make_config(cluster=CLUSTER, deployments=DEPS, services=SVCS, ingresses=[ING], duration_s=200))
    sim.start()
    sim.env.run(until=60)
    plane, ctrl = sim.infra.ingress, sim.addons.ingress
    assert ctrl is not None and ctrl.reloads == 1  # the initial sync; endpoint changes since were dynamic
    assert plane.view(60).upstreams["default/web"].endpoints  # the Lua balancer knows web's pods
    before = len(plane.times)
    spec = IngressSpec((IngressRule("new.example.com", (HTTPIngressPath("/", "Prefix", IngressBackend("api", 80)),)),),
                       ingress_class_name="nginx")
    sim.state.create(Ingress(ObjectMeta("late", "default"), spec))
    sim.env.run(until=61)
    sim.state.create(Ingress(ObjectMeta("later", "default"), IngressSpec(spec.rules, ingress_class_name="other")))
    sim.env.run(until=80)
    assert ctrl.reloads == 2
    t_new = plane.times[before]
    assert 61.0 <= t_new <= 62.5  # watch latency, then the reload (1 s)
    assert plane.view(t_new).table.route("new.example.com", "/x").backend.service == "api"
    assert plane.view(79).table.route("new.example.com", "/x").status == 200
    gaps = [b - a for a, b in zip(plane.times, plane.times[1:], strict=False)]
    assert all(g >= 1 / 0.3 - 1.0 for g in gaps[1:])  # at most one sync per 3.3 s (a reload's 1 s may shorten a gap)


def test_killing_every_controller_pod_fails_requests_at_the_ingress() -> None:
    kill = [{"name": "PodKill", "args": {"at_s": 100, "namespace": "ingress-nginx", "deployment": "ingress-nginx-controller",
                                         "count": 2, "grace_period_s": 0}}]
    res = _run(addons={"ingress_nginx": {"replicas": 2}}, faults=kill, duration_s=200)
    r = res.requests[res.requests.rule == "shop.example.com/ (Prefix)"]
    assert r[r.t < 100].failed.sum() == 0
    down = r[(r.t > 101) & (r.t < 110)]
    assert down.failed.sum() == down.requests.sum() > 0
    assert down.failed_ingress.sum() + down.failed_load_balancer.sum() == down.failed.sum()
    assert r[r.t > 190].failed.sum() == 0  # replacements Ready (10 s initial delay) and back in the LB's rotation


def test_a_reload_stall_keeps_stale_endpoints() -> None:
    roll = [{"name": "DeploymentUpdate", "args": {"at_s": 100, "deployment": "web", "image": "img:2"}}]
    stall = [{"name": "IngressReloadStall", "args": {"at_s": 95, "duration_s": 60}}]
    plain = _run(workloads=roll, duration_s=220)
    stuck = _run(workloads=roll, faults=stall, duration_s=220)
    rule = "shop.example.com/ (Prefix)"
    assert plain.requests[plain.requests.rule == rule].failed.sum() == 0
    s = stuck.requests[stuck.requests.rule == rule]
    bad = s[s.failed_pod > 0]
    assert 100 < bad.t.min() < 125 and 150 < bad.t.max() <= 157  # old pods gone, new ones unknown until the stall ends


def test_ingress_classes_decide_who_serves() -> None:
    other = {**ING, "name": "theirs", "ingress_class_name": "traefik",
             "rules": [{"host": "theirs.example.com", "paths": [{"path": "/", "path_type": "Prefix", "backend": {"service": "web", "port": 80}}]}]}
    mix = {**MIX, "requests": [{"host": "theirs.example.com", "path": "/"}, {"host": "shop.example.com", "path": "/"}]}
    res = _run(ingresses=[ING, other], ingress_traffic=[mix],
               ingress_classes=[{"name": "traefik", "controller": "traefik.io/ingress-controller"}])
    rules = res.summary["ingress_rules"]
    assert rules["(no rule)"]["requests"] > 0  # ingress-nginx does not serve the traefik class: 404
    assert rules["default/shop shop.example.com/ (Prefix)"]["failed_requests"] == 0  # the classless one got the default class
    no_default = _run(addons={"ingress_nginx": {"default_class": False}})
    assert set(no_default.summary["ingress_rules"]) == {"(no rule)"}  # without a default class nothing claims it


def test_external_name_backends_succeed_as_their_dependency() -> None:
    ext = {"name": "legacy", "type": "ExternalName", "external_name": "legacy.example.com"}
    ing = {"name": "legacy", "rules": [{"host": "old.example.com", "paths": [
        {"path": "/", "path_type": "Prefix", "backend": {"service": "legacy", "port": 80}}]}]}
    out = [{"name": "ExternalServiceOutage", "args": {"at_s": 100, "service": "legacy.example.com"}}]
    res = _run(services=[*SVCS, ext], ingresses=[ing], external_services=[{"name": "legacy.example.com"}], faults=out,
               ingress_traffic=[{**MIX, "requests": [{"host": "old.example.com", "path": "/"}]}])
    r = res.requests
    assert r[r.t < 100].failed.sum() == 0 and r[r.t > 101].failed_external.sum() == r[r.t > 101].requests.sum()


def test_deploy_yaml_and_the_multi_tls_example_run() -> None:
    deploy = shared_path("platform-manifests", "kubernetes-ingress-nginx", "deploy", "static", "provider", "cloud", "deploy.yaml")
    example = shared_path("platform-manifests", "kubernetes-ingress-nginx", "docs", "examples", "multi-tls", "multi-tls.yaml")
    res = run_config(cluster=CLUSTER, deployments=[], manifests=[str(deploy), str(example)], duration_s=150,
                     ingress_traffic=[{"rate_per_s": 50, "start_s": 90, "requests": [{"host": "foo.bar.com"}, {"host": "bar.baz.com"}]}])
    rules = res.summary["ingress_rules"]
    assert {r["backend"] for r in rules.values()} == {"http-svc", "nginx"}
    assert all(r["failed_requests"] == 0 and r["requests"] > 0 for r in rules.values())
    assert "ingress-nginx/ingress-nginx-controller" in res.summary["deployments"]  # adopted from the manifest


def test_website_ingress_examples_validate() -> None:
    base = shared_path("platform-manifests", "kubernetes-website", "content", "en", "examples", "service", "networking")
    cfg = make_config(cluster=CLUSTER, deployments=[], manifests=[str(base)])
    assert len(cfg.ingresses) == 6 and {c.name for c in cfg.ingress_classes} == {"example-class", "external-lb"}
    assert any(c.is_default for c in cfg.ingress_classes)


@pytest.mark.parametrize(("ing", "field"), [
    ({**ING, "rules": [{"host": "127.0.0.1", "paths": ING["rules"][0]["paths"]}]}, "ingresses.0.rules.0.host"),
    ({**ING, "rules": [{"host": "a.com", "paths": [{"path": "/x//y", "path_type": "Prefix", "backend": {"service": "web", "port": 80}}]}]},
     "ingresses.0.rules.0.paths.0.path"),
    ({**ING, "rules": [{"host": "a.com", "paths": [{"path": "/x", "backend": {"service": "web", "port": 80}}]}]},
     "ingresses.0.rules.0.paths.0.path_type"),
    ({"name": "empty"}, "ingresses.0.rules"),
])
def test_invalid_ingresses_name_the_field(ing: dict, field: str) -> None:
    with pytest.raises(ConfigError) as e:
        make_config(cluster=CLUSTER, ingresses=[ing])
    assert e.value.field == field, str(e.value)


def test_the_viewer_draws_one_request_panel_line_per_ingress_rule(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from clustersim.dashboard.data import request_success
    from clustersim.output import write_outputs
    from clustersim.rundir import read_run

    res = _run(duration_s=90)
    write_outputs(res, tmp_path, plot=False)
    df = request_success(read_run(tmp_path))
    totals = df.groupby("key")[["requests", "failed"]].sum()
    rules = res.summary["ingress_rules"]
    assert set(totals.index) == {f"ingress {k}" for k in rules}
    for k, r in rules.items():
        assert (totals.loc[f"ingress {k}", "requests"], totals.loc[f"ingress {k}", "failed"]) == (r["requests"], r["failed_requests"])


def test_the_controller_acts_as_its_service_account() -> None:
    from clustersim.sim import build

    svcs = [{**SVCS[0], "traffic": {"rate_per_s": 10}}, *SVCS[1:]]  # in-cluster clients: CoreDNS runs too
    sim = build(make_config(cluster=CLUSTER, deployments=DEPS, services=svcs, ingresses=[ING], duration_s=60))
    sim.start()
    ctrl, dns = sim.addons.ingress, sim.addons.coredns
    assert ctrl is not None and ctrl.client.credential is not None
    assert ctrl.client.credential.identity.key == "ingress-nginx/ingress-nginx"
    assert sim.state.get("ClusterRoleBinding", "ingress-nginx") is not None
    assert sim.state.get("ServiceAccount", "ingress-nginx/ingress-nginx") is not None
    assert dns is not None and dns.client.credential is not None and dns.client.credential.identity.key == "kube-system/coredns"
    assert sim.state.get("ClusterRoleBinding", "system:coredns") is not None


def test_without_its_role_binding_the_controller_keeps_stale_endpoints() -> None:
    roll = [{"name": "DeploymentUpdate", "args": {"at_s": 100, "deployment": "web", "image": "img:2"}}]
    revoke = [{"name": "PermissionRevoked", "args": {"at_s": 90, "kind": "ClusterRoleBinding", "name": "ingress-nginx",
                                                     "restore_after_s": 60}}]
    res = _run(workloads=roll, faults=revoke, duration_s=220)
    s = res.requests[res.requests.rule == "shop.example.com/ (Prefix)"]
    bad = s[s.failed_pod > 0]
    assert len(bad) and bad.t.min() > 100 and bad.t.max() < 170  # its watches refused: old pods' addresses until it is restored
    assert s[s.t > 175].failed.sum() == 0


def test_on_a_cloud_the_controller_waits_for_its_load_balancer() -> None:
    from tests.cloud.test_cloud_layer import managed

    cfg = managed(duration_s=200.0, deployments=DEPS[:1], services=SVCS[:1], ingresses=[{**ING, "rules": [{
        "host": "shop.example.com", "paths": ING["rules"][0]["paths"][:1]}]}],
        ingress_traffic=[{"rate_per_s": 20, "requests": [{"host": "shop.example.com", "path": "/"}]}])
    cfg["cloud"]["load_balancer"] = {"provision_s": 90.0}
    res = run_config(**cfg)
    ev = res.events[(res.events.reason == "EnsuredLoadBalancer") & (res.events.name == "ingress-nginx-controller")]
    assert len(ev) == 1 and ev.t.min() == pytest.approx(90.0, abs=0.2)
    r = res.requests
    before, after = r[r.t < 90], r[r.t > 140]
    assert before.failed_load_balancer.sum() == before.requests.sum() > 0  # no load balancer yet
    assert after.failed.sum() == 0 and after.requests.sum() > 0
