"""Every API request passes authentication and authorization: a default cluster is never refused;
refusals reach the components as upstream's do (controller back-off, FailedCreate, the scheduler's
retries, a kubelet whose certificate expires goes NotReady)."""

from __future__ import annotations

from typing import Any

from clustersim.sim import Simulation, build
from tests.conftest import events_of, make_config

BUSY: dict[str, Any] = {
    "duration_s": 400.0,
    "stateful_sets": [{"name": "db", "replicas": 2, "containers": [{"name": "c", "image": "db:1", "requests": {"cpu": "100m"}}]}],
    "daemon_sets": [{"name": "agent", "containers": [{"name": "c", "image": "agent:1", "requests": {"cpu": "50m"}}]}],
    "jobs": [{"name": "batch", "completions": 2, "run_s": 5.0, "containers": [{"name": "c", "image": "job:1"}]}],
    "cron_jobs": [{"name": "nightly", "schedule": "*/2 * * * *", "run_s": 5.0, "containers": [{"name": "c", "image": "job:1"}]}],
    "horizontal_pod_autoscalers": [{"name": "web", "target_kind": "Deployment", "target_name": "web", "min_replicas": 2, "max_replicas": 6,
                                    "metrics": [{"average_utilization": 50}]}],
    "services": [{"name": "web", "selector": {"app": "web"}}],
    "pod_disruption_budgets": [{"name": "web", "selector": {"match_labels": {"app": "web"}}, "min_available": 1}],
    "faults": [{"name": "NodeCrash", "args": {"at_s": 60.0, "recover_after_s": 200.0}}],
}


def _run(**over: Any) -> Simulation:
    sim = build(make_config(**over))
    sim.run()
    return sim


def test_a_default_cluster_is_never_refused_and_every_component_has_its_identity() -> None:
    sim = _run(**BUSY)
    assert sim.auth.filter.rows == []
    users = {u for u, *_ in sim.auth.filter.decided}
    expected = {"system:kube-scheduler", "kubernetes-admin", "system:kube-controller-manager", "system:node:n-0",
                "system:serviceaccount:kube-system:replicaset-controller", "system:serviceaccount:kube-system:deployment-controller",
                "system:serviceaccount:kube-system:node-controller", "system:serviceaccount:kube-system:endpointslice-controller",
                "system:serviceaccount:kube-system:statefulset-controller", "system:serviceaccount:kube-system:daemon-set-controller",
                "system:serviceaccount:kube-system:job-controller", "system:serviceaccount:kube-system:disruption-controller",
                "system:kube-proxy"}
    assert expected <= users, expected - users
    decided = sim.auth.filter.decided
    assert ("system:kube-scheduler", "create", "pods", "binding", True) in decided
    assert ("system:node:n-0", "patch", "pods", "status", True) in decided
    assert ("system:serviceaccount:kube-system:replicaset-controller", "update", "replicasets", "status", True) in decided
    assert all(allowed for *_, allowed in decided)


def _without(role: str, drop: tuple[str, str]) -> dict[str, Any]:
    """A config ClusterRole replacing a default one, without the rules on ``drop`` = (verb, resource)."""
    from clustersim.auth.bootstrappolicy import default_policy
    from clustersim.auth.rbac.objects import rule_to_dict

    base = next(r for r in default_policy()[0] if r.meta.name == role)
    rules = []
    for r in base.rules:
        d = rule_to_dict(r)
        if drop[1] in d.get("resources", []):
            d["verbs"] = [v for v in d["verbs"] if v != drop[0]]
        if d["verbs"]:
            rules.append(d)
    return {"name": role, "rules": rules}


def test_a_replicaset_controller_without_create_pods_fails_and_backs_off() -> None:
    sim = _run(duration_s=60.0, cluster_roles=[_without("system:controller:replicaset-controller", ("create", "pods"))])
    res = sim.result(0.0)
    failed = events_of(res, "FailedCreate")
    assert len(failed) >= 5
    assert failed["message"].iloc[0] == ('Error creating: pods is forbidden: User "system:serviceaccount:kube-system:replicaset-controller" '
                                         'cannot create resource "pods" in API group "" in the namespace "default"')
    gaps = failed["t"].diff().dropna().tolist()
    assert gaps == sorted(gaps) and gaps[-1] > 4 * gaps[0]  # exponential back-off between retries
    assert res.summary["pods_created"] == 0
    rows = sim.auth.filter.rows
    assert {(r[1], r[2], r[4], r[8]) for r in rows} == {("system:serviceaccount:kube-system:replicaset-controller", "create", "pods", 403)}
    assert len(events_of(res, "Forbidden")) == len(rows)


def test_a_scheduler_that_cannot_bind_retries_with_back_off() -> None:
    sim = _run(duration_s=40.0, cluster_roles=[_without("system:kube-scheduler", ("create", "pods/binding"))])
    res = sim.result(0.0)
    failed = events_of(res, "FailedScheduling")
    assert len(failed) > 4
    assert failed["message"].iloc[0].startswith('running Bind plugin "DefaultBinder": pods "web-')
    assert 'cannot create resource "pods/binding"' in failed["message"].iloc[0]
    one = failed[failed["name"] == failed["name"].iloc[0]]["t"].diff().dropna().tolist()
    assert one[0] >= 1.0 and one[-1] >= one[0]  # pod back-off: 1 s, 2 s, ... up to 10 s
    assert res.pods["scheduled_s"].isna().all()


def test_an_expired_kubelet_certificate_turns_the_node_notready() -> None:
    sim = _run(duration_s=300.0, auth={"kubelet_client_certificate_validity_s": 100.0, "rotate_kubelet_client_certificates": False})
    res = sim.result(0.0)
    not_ready = events_of(res, "NodeNotReady", kind="Node")
    assert len(not_ready) == 6 and (not_ready["t"] >= 100.0 + 40.0).all() and (not_ready["t"] <= 100.0 + 60.0).all()
    unauthorized = [r for r in sim.auth.filter.rows if r[8] == 401]
    assert unauthorized and {r[1] for r in unauthorized} == {f"system:node:n-{i}" for i in range(6)}
    assert all(r[10].startswith("Unable to authenticate the request: x509: certificate has expired") for r in unauthorized)


def test_a_rotating_kubelet_renews_before_expiry() -> None:
    sim = _run(duration_s=300.0, auth={"kubelet_client_certificate_validity_s": 100.0, "rotate_kubelet_client_certificates": True})
    res = sim.result(0.0)
    assert events_of(res, "NodeNotReady", kind="Node").empty and sim.auth.filter.rows == []
    cred = sim.kubelets[0].state.credential
    assert cred.not_after_s > 300.0 and cred.generation >= 3  # renewed at 70-90 % of each 100 s lifetime


def test_without_the_node_authorizer_kubelets_cannot_register() -> None:
    """``--authorization-mode=RBAC``: the system:node binding has no subjects, so kubelets are refused (upstream's default
    policy relies on the Node authorizer)."""
    sim = _run(duration_s=20.0, auth={"authorization_modes": ["RBAC"]})
    refused = {(r[1], r[2], r[4]) for r in sim.auth.filter.rows}
    assert ("system:node:n-0", "create", "nodes") in refused and sim.state.count("Node") == 0
    assert sim.result(0.0).summary["pods_pending_at_end"] == 4
