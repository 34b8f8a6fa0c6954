"""Requests the API server refuses (a narrowed or revoked role, an expired token): the cloud-controller-manager,
the Cluster Autoscaler and the termination handler retry as upstream does, and a run never crashes."""

from __future__ import annotations

from typing import Any

import pytest

from clustersim.api.objects import ConditionStatus
from clustersim.auth.rbac.helpers import rule
from clustersim.cloud.pools import TAINT_UNINITIALIZED
from clustersim.cloud.termination_handler import restart_delay
from clustersim.config.load import validate_dict
from clustersim.sim import Simulation, build
from tests.cloud.test_autoscaler import _scale_down_cluster
from tests.cloud.test_cloud_faults import _spot
from tests.cloud.test_cloud_layer import at, managed
from tests.conftest import events_of

CCM_ROLE = "system:cloud-controller-manager"
REVOKED_S, RESTORED_S = 5.0, 200.0


def _sim(cfg: dict[str, Any]) -> Simulation:
    return build(validate_dict(cfg, "test"))


def _read_only_ccm_between(sim: Simulation, start: float, end: float) -> None:
    """An operator narrows the CCM's ClusterRole to reads (list, watch, get) and later puts the original back."""
    saved: dict[str, Any] = {}

    def narrow() -> None:
        role = sim.state.get("ClusterRole", CCM_ROLE)
        saved["rules"] = role.rules
        role.rules = (rule("get", "list", "watch").groups("").resources("nodes", "services", "endpoints").build(),
                      rule("create", "patch", "update").groups("").resources("events").build())
        sim.admin.update(role)

    def restore() -> None:
        role = sim.state.get("ClusterRole", CCM_ROLE)
        role.rules = saved["rules"]
        sim.admin.update(role)

    at(sim, start, narrow)
    at(sim, end, restore)


def test_the_ccm_retries_what_a_read_only_role_refuses_and_catches_up_once_restored() -> None:
    svc = {"name": "web", "type": "LoadBalancer", "selector": {"app": "web"}}
    cfg = managed(duration_s=400.0, services=[svc], faults=[{"name": "InstanceTermination", "args": {"at_s": 60, "nodes": ["p-0"]}}])
    cfg["cloud"]["load_balancer"] = {"provision_s": 20.0}
    sim = _sim(cfg)
    _read_only_ccm_between(sim, REVOKED_S, RESTORED_S)
    at(sim, 10, lambda: sim.cloud.pools["p"].increase_size(1))
    res = sim.run()  # no StatusError escapes
    ccm = sim.ccm
    assert ccm is not None
    # the cloud node controller: p-3 registered at ~60 s, its initialization was refused and requeued rate-limited
    assert ccm.node.sync_errors >= 5
    node = sim.state.get("Node", "p-3")
    assert node is not None and node.provider_id and not any(t.key == TAINT_UNINITIALIZED for t in node.taints)
    # the lifecycle controller: p-0's VM is gone at 90 s; the delete is refused each pass and goes through after the restore
    assert ccm.node_lifecycle.sync_errors >= 10
    deleted = events_of(res, "DeletingNode", name="p-0")
    assert len(deleted) == 1 and RESTORED_S <= deleted.t.min() <= RESTORED_S + 10
    assert sim.state.get("Node", "p-0") is None
    # the service controller: the status patch was refused (SyncLoadBalancerFailed), retried on 5 s doubling
    failed = events_of(res, "SyncLoadBalancerFailed")
    assert len(failed) >= 3 and (failed.t < RESTORED_S).all()
    gaps = failed.t.diff().dropna().round(3).tolist()
    assert gaps[:3] == [5.0, 10.0, 20.0]
    ensured = events_of(res, "EnsuredLoadBalancer").t.min()
    assert ensured > RESTORED_S and sim.state.get("Service", "default/web").load_balancer_ingress


def test_without_the_refusal_the_same_run_deletes_and_initializes_at_once() -> None:
    cfg = managed(duration_s=300.0, faults=[{"name": "InstanceTermination", "args": {"at_s": 60, "nodes": ["p-0"]}}])
    sim = _sim(cfg)
    at(sim, 10, lambda: sim.cloud.pools["p"].increase_size(1))
    res = sim.run()
    assert sim.ccm is not None and sim.ccm.node.sync_errors == 0 and sim.ccm.node_lifecycle.sync_errors == 0
    assert events_of(res, "DeletingNode", name="p-0").t.min() < 60 + 70


def _revoke(role: str, verbs: list[str], resources: list[str], at_s: float, restore_after_s: float) -> dict[str, Any]:
    return {"name": "PermissionRevoked", "args": {"at_s": at_s, "kind": "ClusterRole", "name": role, "action": "remove_rules",
                                                  "verbs": verbs, "resources": resources, "restore_after_s": restore_after_s}}


def test_a_refused_taint_fails_the_scale_down_and_it_goes_on_once_the_role_is_back() -> None:
    cfg = _scale_down_cluster(scale_down_delay_after_failure_s=30)
    cfg["duration_s"] = 800.0
    cfg["faults"] = [_revoke("cluster-autoscaler", ["update"], ["nodes"], 100.0, 300.0)]
    sim = _sim(cfg)
    res = sim.run()
    failed = events_of(res, "ScaleDownFailed", kind="Node")
    assert len(failed) >= 4 and (failed.t <= 401).all() and failed.message.str.contains("toBeDeleted").all()
    assert failed.t.diff().max() <= 30 + 10  # each failure cools scale-down for 30 s, then it is tried again
    removed = events_of(res, "ScaleDown", kind="Node", message="nodes removed by cluster autoscaler")
    assert len(removed) == 2 and removed.t.min() > 400  # only after the role came back (restored at 400)
    assert res.summary["cloud"]["pools"]["p"]["vms_at_end"] == 1


def test_a_refused_eviction_is_retried_until_max_pod_eviction_time_then_the_node_stays() -> None:
    cfg = _scale_down_cluster(max_pod_eviction_time_s=60)
    cfg["duration_s"] = 500.0
    cfg["deployments"][0]["replicas"] = 3  # one pod per node: every removal drains
    cfg["faults"] = [_revoke("cluster-autoscaler", ["create"], ["pods/eviction"], 50.0, 1000.0)]
    sim = _sim(cfg)
    res = sim.run()
    failed = events_of(res, "ScaleDownFailed", kind="Node")
    assert len(failed) >= 1 and failed.message.str.contains("could not be evicted").all()
    assert failed.message.str.contains("forbidden").all()
    assert len(events_of(res, "ScaleDown", kind="Pod")) == 0  # nothing was evicted
    assert len(events_of(res, "DeletingNode")) == 0
    nodes = [n for n in sim.state.list("Node") if n.ready is ConditionStatus.TRUE]
    assert len(nodes) == 3 and not any(n.unschedulable for n in nodes)  # the taints came off again


def test_a_termination_handler_refused_its_cordon_restarts_with_back_off_and_drains_once_allowed() -> None:
    cfg = _spot(True)
    cfg["faults"] = [*cfg["faults"], _revoke("aws-node-termination-handler", ["update", "patch"], ["nodes"], 30.0, 40.0)]
    sim = _sim(cfg)
    res = sim.run()
    errors = events_of(res, "CordonAndDrainError", name="spot-0")
    # notice at 60; refused until the role is back at 70 (+ the authorizer's watch latency)
    assert len(errors) >= 2 and errors.t.min() == pytest.approx(60.0)
    gaps = errors.t.diff().dropna().round(3).tolist()
    assert gaps == [restart_delay(n) for n in range(1, len(errors))]
    drained = events_of(res, "Evicted", node="spot-0")
    assert len(drained) > 0 and drained.t.min() > 70 and drained.t.max() < 60 + 120  # before the VM is reclaimed


def test_restart_delay_is_the_crash_loop_back_off_plus_one_imds_poll() -> None:
    assert [restart_delay(n) for n in range(1, 8)] == [2.0, 12.0, 22.0, 42.0, 82.0, 162.0, 302.0]


def test_an_expired_unrotated_token_never_crashes_a_managed_run() -> None:
    """The autoscaler's token runs out (no rotation) before its scale-down: every taint is 401, the run goes on."""
    cfg = _scale_down_cluster(scale_down_unneeded_time_s=400)
    cfg["duration_s"] = 900.0
    cfg["auth"] = {"service_account_token_validity_s": 300.0, "rotate_service_account_tokens": False}
    sim = _sim(cfg)
    res = sim.run()  # before: Unauthorized raised out of env.run from the autoscaler's loop
    failed = events_of(res, "ScaleDownFailed", kind="Node")
    assert len(failed) >= 2 and (failed.t > 300).all() and failed.message.str.contains("Unauthorized").all()
    assert len(events_of(res, "DeletingNode")) == 0 and sim.env.now == pytest.approx(900.0)
