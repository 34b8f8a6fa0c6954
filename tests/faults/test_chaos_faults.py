"""Pod selectors and modes, repeated injections, and the faults the chaos formats need: PodFailure,
RequestFault, NodeTaint, CpuStress; NodeDrain leaves DaemonSet pods; node targets by the pods they run."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clustersim.config.errors import ConfigError
from clustersim.faults.pod_targets import PodTargetArgs
from clustersim.sim import build
from clustersim.traffic.clients import request_success
from tests.conftest import events_of, make_config, run_config

C = {"name": "c", "image": "img:1", "requests": {"cpu": "100m"}, "readiness_probe": {"period_s": 2}, "behavior": {"ready_after_s": 1}}
WEB = {"name": "web", "replicas": 4, "labels": {"app": "web", "tier": "front"}, "containers": [C]}
API = {"name": "api", "replicas": 3, "namespace": "shop", "labels": {"app": "api", "tier": "back"}, "containers": [C]}
SVC = [{"name": "web", "selector": {"app": "web"}, "traffic": {"rate_per_s": 200, "start_s": 20}}]


def _killed(res):  # noqa: ANN001, ANN202
    return res.pods[res.pods.deletion_s.notna()]


def test_selector_by_labels_and_namespaces_with_percent_modes() -> None:
    # fixed-percent rounds up as Chaos Mesh does: ceil(4 x 30 / 100) = 2; Litmus's rounding down: max(1, 4 x 30 // 100) = 1
    up = run_config(deployments=[WEB, API], duration_s=120, faults=[{"name": "PodKill", "args": {
        "at_s": 60, "labels": {"tier": "front"}, "mode": "fixed-percent", "value": 30}}])
    assert len(_killed(up)) == 2 and set(_killed(up).workload) == {"web"}
    down = run_config(deployments=[WEB, API], duration_s=120, faults=[{"name": "PodKill", "args": {
        "at_s": 60, "labels": {"tier": "front"}, "mode": "fixed-percent", "value": 30, "rounding": "down"}}])
    assert len(_killed(down)) == 1
    ns = run_config(deployments=[WEB, API], duration_s=120, faults=[{"name": "PodKill", "args": {
        "at_s": 60, "namespaces": ["shop"], "mode": "all"}}])
    assert len(_killed(ns)) == 3 and set(_killed(ns).workload) == {"api"}
    expr = run_config(deployments=[WEB, API], duration_s=120, faults=[{"name": "PodKill", "args": {
        "at_s": 60, "expressions": [{"key": "app", "operator": "In", "values": ["api"]}], "mode": "one"}}])
    assert len(_killed(expr)) == 1 and _killed(expr).workload.iloc[0] == "api"


def test_alphabetic_order_takes_the_first_pods_by_name_and_names_select() -> None:
    res = run_config(deployments=[WEB], duration_s=120, faults=[{"name": "PodKill", "args": {
        "at_s": 60, "deployment": "web", "count": 2, "order": "alphabetic"}}])
    first = sorted(res.pods[res.pods.created_s < 1].name)[:2]
    assert sorted(_killed(res).name) == first
    res2 = run_config(deployments=[WEB], duration_s=120, faults=[{"name": "PodKill", "args": {
        "at_s": 60, "name_pattern": "^web-", "mode": "all"}}])
    assert len(_killed(res2)) == 4


def test_times_s_repeat_the_kill_and_an_empty_selection_is_skipped() -> None:
    res = run_config(deployments=[WEB], duration_s=200, faults=[
        {"name": "PodKill", "args": {"times_s": [40, 80, 120], "deployment": "web"}},
        {"name": "PodKill", "args": {"at_s": 50, "labels": {"app": "nothing"}}}])
    assert sorted(_killed(res).deletion_s) == [40, 80, 120]
    assert len(events_of(res, "FaultSkipped")) == 1


@given(n=st.integers(0, 60), value=st.integers(1, 100))
def test_percent_counts_follow_the_tools(n: int, value: int) -> None:
    args = PodTargetArgs(labels={"a": "b"}, mode="fixed-percent", value=value)
    assert args.how_many(n, lambda k: 0) == min(n, math.ceil(n * value / 100))
    litmus = PodTargetArgs(labels={"a": "b"}, mode="fixed-percent", value=value, rounding="down")
    assert litmus.how_many(n, lambda k: 0) == (max(1, value * n // 100) if n else 0)
    rmp = PodTargetArgs(labels={"a": "b"}, mode="random-max-percent", value=value)
    assert 0 <= rmp.how_many(n, lambda k: k - 1) <= n and rmp.how_many(n, lambda k: 0) == 0


def test_pod_targets_need_a_selector_and_known_nodes() -> None:
    with pytest.raises(ConfigError, match="deployment: give deployment or a selector"):
        make_config(faults=[{"name": "PodKill", "args": {"at_s": 10}}])
    with pytest.raises(ConfigError, match="faults.0.args.nodes.0: unknown node"):
        make_config(faults=[{"name": "PodKill", "args": {"at_s": 10, "nodes": ["nope"]}}])
    with pytest.raises(ConfigError, match="times_s"):
        make_config(faults=[{"name": "PodKill", "args": {"times_s": [700], "deployment": "web"}}])


def test_pod_failure_makes_pods_unready_without_replacing_them() -> None:
    res = run_config(deployments=[WEB], services=SVC, duration_s=200, faults=[{"name": "PodFailure", "args": {
        "at_s": 60, "deployment": "web", "mode": "all", "duration_s": 30}}])
    web = res.pods[res.pods.workload == "web"]  # (CoreDNS runs too: the clients resolve the Service's name)
    assert len(web) == 4 and (web.restarts == 2).all()  # paused, then the real image again
    req = res.requests
    during = req[(req.t > 62) & (req.t <= 90)]
    assert during.failed.sum() == during.requests.sum() > 0  # every pod paused: nothing answers
    after = req[req.t > 100]
    assert after.failed.sum() == 0
    assert res.summary["deployments"]["default/web"]["min_serving_after_ready"] == 0


def test_request_fault_aborts_the_share_of_requests_its_pods_serve() -> None:
    res = run_config(deployments=[WEB], services=SVC, duration_s=160, seed=3, faults=[{"name": "RequestFault", "args": {
        "at_s": 60, "deployment": "web", "count": 2, "abort": 1.0, "duration_s": 60}}])
    req = res.requests
    during = req[(req.t > 60) & (req.t < 120)]
    share = during.failed.sum() / during.requests.sum()
    assert 0.45 < share < 0.55  # two of four endpoints fail every request
    assert req[req.t > 120].failed.sum() == 0 and req[req.t < 60].failed.sum() == 0
    # a delay fails requests only past the client's timeout
    slow = run_config(deployments=[WEB], duration_s=160, faults=[{"name": "RequestFault", "args": {
        "at_s": 60, "deployment": "web", "mode": "all", "delay_s": 2.0, "duration_s": 60}}],
        services=[{**SVC[0], "traffic": {**SVC[0]["traffic"], "timeout_s": 1.0}}])
    r = slow.requests
    assert r[(r.t > 60) & (r.t < 120)].failed.sum() == r[(r.t > 60) & (r.t < 120)].requests.sum()
    patient = run_config(deployments=[WEB], services=SVC, duration_s=160, faults=[{"name": "RequestFault", "args": {
        "at_s": 60, "deployment": "web", "mode": "all", "delay_s": 2.0, "duration_s": 60}}])
    assert patient.requests.failed.sum() == 0


def test_request_success_combines_faults() -> None:
    assert request_success([(0.5, 0, 0), (0.5, 0, 0)], None) == 0.25
    assert request_success([(0.0, 1.0, 0.0)], 2.0) == 1.0 and request_success([(0.0, 1.0, 0.0)], 0.5) == 0.0
    assert abs(request_success([(0.0, 1.0, 0.5)], 1.0) - 0.5) < 1e-12  # half the normal jitter is past the timeout


def test_node_taint_no_execute_evicts_and_no_schedule_does_not() -> None:
    taint = {"name": "NodeTaint", "args": {"at_s": 60, "nodes": ["n-0", "n-1", "n-2", "n-3", "n-4", "n-5"], "mode": "all",
                                           "duration_s": 100, "taint": {"key": "chaos", "value": "true", "effect": "NoExecute"}}}
    res = run_config(deployments=[WEB], duration_s=300, faults=[taint])
    evicted = events_of(res, "TaintManagerEviction")
    assert len(evicted[evicted.message.str.startswith("Marking")]) == 4
    assert res.summary["pods_pending_at_end"] == 0  # the replacements run once the taint is gone
    soft = run_config(deployments=[WEB], duration_s=300, faults=[
        {"name": "NodeTaint", "args": {**taint["args"], "taint": {"key": "chaos", "effect": "NoSchedule"}}}])
    assert len(soft.pods) == 4


def test_cpu_stress_shows_in_metrics_server() -> None:
    cfg = make_config(deployments=[{**WEB, "replicas": 2}], duration_s=200,
                      horizontal_pod_autoscalers=[{"name": "web", "target_name": "web", "max_replicas": 4}],
                      faults=[{"name": "CpuStress", "args": {"at_s": 30, "deployment": "web", "mode": "all", "cpu": "500m", "duration_s": 300}}])
    sim = build(cfg)
    sim.start()
    sim.env.run(until=100)
    usage = sorted(m.cpu_m for m in sim.state.pod_metrics.values())
    # the two stressed pods burn 500m of their 100m requests, so the HPA (80 % target) scales to its maximum;
    # the new pods are not stressed
    assert usage == [0, 0, 500, 500]


def test_drain_leaves_daemonset_pods_and_nodes_can_be_picked_by_their_pods() -> None:
    ds = {"name": "agent", "containers": [C]}
    res = run_config(deployments=[{**WEB, "replicas": 1}], daemon_sets=[ds], duration_s=200, faults=[{"name": "NodeDrain", "args": {
        "at_s": 60, "on_nodes_of": {"deployment": "web"}, "mode": "one"}}])
    node = res.faults.target.iloc[0]
    web0 = res.pods[(res.pods.workload == "web") & (res.pods.created_s < 1)]
    assert web0.node.iloc[0] == node  # the node running the application's pod
    evicted = events_of(res, "Evicted")
    assert list(evicted.name) == list(web0.name)  # the DaemonSet pod stays
    assert np.isnan(res.pods[(res.pods.workload == "agent") & (res.pods.node == node)].deletion_s).all()
