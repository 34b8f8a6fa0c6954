"""PermissionRevoked and CredentialExpiry: what a revoked permission or an expired credential does."""

from __future__ import annotations

from typing import Any

from clustersim.sim import build
from tests.conftest import events_of, make_config

REVOKE_RS: dict[str, Any] = {"name": "PermissionRevoked", "args": {
    "at_s": 10.0, "kind": "ClusterRole", "name": "system:controller:replicaset-controller", "action": "remove_rules",
    "verbs": ["create"], "resources": ["pods"]}}
CRASH = {"name": "NodeCrash", "args": {"at_s": 30.0, "nodes": ["n-0"], "recover_after_s": 1000.0}}


def _run(duration: float, *faults: dict[str, Any], **over: Any) -> Any:
    sim = build(make_config(duration_s=duration, faults=list(faults), **over))
    return sim, sim.run()


def test_revoked_create_pods_stops_replacements_until_restored() -> None:
    _, res = _run(500.0, REVOKE_RS, CRASH)
    assert len(events_of(res, "FailedCreate")) >= 5
    assert res.summary["faults"][1]["t_replacements_ready"] is None  # never replaced: the permission never came back
    restore = {**REVOKE_RS, "args": {**REVOKE_RS["args"], "restore_after_s": 350.0}}
    _, res2 = _run(700.0, restore, CRASH)
    created = events_of(res2, "SuccessfulCreate", kind="ReplicaSet")
    assert (created["t"] > 360.0).any()  # replaced after the restore, at the controller's next retry
    assert events_of(res2, "FaultRecovered", kind="ClusterRole")["t"].tolist() == [360.0]


def test_deleting_a_binding_and_a_service_account() -> None:
    unbind = {"name": "PermissionRevoked", "args": {"at_s": 10.0, "kind": "ClusterRoleBinding",
                                                    "name": "system:controller:replicaset-controller"}}
    sim, res = _run(400.0, unbind, CRASH)
    assert any(r[1].endswith(":replicaset-controller") and r[8] == 403 for r in sim.auth.filter.rows)
    no_sa = {"name": "PermissionRevoked", "args": {"at_s": 10.0, "kind": "ServiceAccount", "namespace": "kube-system",
                                                   "name": "replicaset-controller", "restore_after_s": 400.0}}
    sim, res = _run(600.0, no_sa, CRASH)
    rows = [r for r in sim.auth.filter.rows if r[1].endswith(":replicaset-controller")]
    assert rows and {r[8] for r in rows} == {401}
    assert "service account token has been invalidated" in rows[0][10]
    assert (events_of(res, "SuccessfulCreate", kind="ReplicaSet")["t"] > 410.0).any()  # tokens work again once it is back


def test_a_user_without_rights_cannot_revoke() -> None:
    fault = {**REVOKE_RS, "args": {**REVOKE_RS["args"], "as_user": "intern"}}
    sim, res = _run(60.0, fault, users=[{"name": "intern", "groups": ["interns"]}])
    failed = events_of(res, "FaultFailed")
    assert len(failed) == 1 and "cannot update resource \"clusterroles\"" in failed["message"].iloc[0]
    role = sim.state.get("ClusterRole", "system:controller:replicaset-controller")
    assert any("create" in r.verbs and "pods" in r.resources for r in role.rules)  # unchanged


def test_an_expired_token_stops_a_controller_and_rotation_prevents_it() -> None:
    expire = {"name": "CredentialExpiry", "args": {"at_s": 20.0, "credential": "service_account",
                                                   "service_account": "kube-system/replicaset-controller", "renew_after_s": 300.0}}
    sim, res = _run(500.0, expire, CRASH)
    rows = [r for r in sim.auth.filter.rows if r[8] == 401]
    assert rows and all("service account token has expired" in r[10] for r in rows)
    assert (events_of(res, "SuccessfulCreate", kind="ReplicaSet")["t"] > 320.0).any()
    rotating = {**expire, "args": {**expire["args"], "rotation": True, "renew_after_s": None}}
    sim, res = _run(500.0, rotating, CRASH)
    assert sim.auth.filter.rows == []


def test_an_expired_kubelet_certificate_evicts_the_nodes_pods() -> None:
    expire = {"name": "CredentialExpiry", "args": {"at_s": 20.0, "credential": "kubelet", "mode": "one",
                                                   "on_nodes_of": {"deployment": "web"}}}
    _, res = _run(500.0, expire)
    (row,) = res.summary["faults"]
    assert 60.0 <= row["t_not_ready"] <= 80.0 and row["t_tainted"] is not None
    assert row["evicted_pods"] >= 1 and row["t_evicted"] >= row["t_tainted"] + 300.0
    assert row["t_replacements_ready"] is not None
