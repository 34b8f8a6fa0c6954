"""Upstream's other node-lifecycle modes as switches: the legacy (pre-taint) eviction path and the
NoExecute taint lag of kubernetes#120815 (before PR #120816)."""

from __future__ import annotations

import pytest

from tests.conftest import events_of, run_config

TOLERANT = {"name": "tolerant", "replicas": 1,
            "tolerations": [{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"}],
            "containers": [{"name": "c", "image": "img:1", "requests": {"cpu": "100m"}}]}
AGENT = [{"name": "agent", "containers": [{"name": "a", "image": "agent:1", "requests": {"cpu": "50m"}}]}]


def _crash(node: str) -> list[dict]:
    return [{"name": "NodeCrash", "args": {"at_s": 100, "nodes": [node]}}]


def _on(res, workload: str) -> str:
    return res.pods[(res.pods.workload == workload) & (res.pods.created_s < 50)].node.iloc[0]


def test_legacy_eviction_deletes_pods_pod_eviction_timeout_after_the_last_heartbeat() -> None:
    legacy = {"enable_taint_manager": False}
    probe = run_config(deployments=[TOLERANT], daemon_sets=AGENT, duration_s=50.0)
    node = _on(probe, "tolerant")
    res = run_config(deployments=[TOLERANT], daemon_sets=AGENT, duration_s=600.0, controller_manager=legacy, faults=_crash(node))
    ts = res.timeseries
    assert ts[(ts.metric == "node_noexecute_taint") & (ts.value == 1)].empty  # no taint-based eviction
    evicted = events_of(res, "NodeControllerEviction")
    # the heartbeat before the crash is at most one lease period (10 s) earlier; the check runs every 5 s
    assert len(evicted) == 1 and 100 - 10 + 300 <= evicted.t.iloc[0] <= 100 + 300 + 5
    assert evicted.message.iloc[0].startswith("Marking for deletion Pod ") and evicted.message.iloc[0].endswith(f"from Node {node}")
    # tolerations do not matter on this path; DaemonSet pods are left alone
    assert events_of(res, "TaintManagerEviction").empty
    agent = res.pods[(res.pods.workload == "agent") & (res.pods.node == node)]
    assert agent.deletion_s.isna().all()
    (fault,) = res.summary["faults"]
    assert fault["t_evicted"] == pytest.approx(evicted.t.iloc[0]) and fault["t_tainted"] is None
    assert fault["t_replacements_ready"] is not None and fault["t_replacements_ready"] > fault["t_evicted"]


def test_taint_lag_before_the_fix_adds_one_monitor_period() -> None:
    fixed = run_config(duration_s=250.0, faults=_crash("n-1")).summary
    lagged = run_config(duration_s=250.0, faults=_crash("n-1"), controller_manager={"noexecute_taint_lag": True}).summary
    a, b = fixed["faults"][0], lagged["faults"][0]
    assert a["t_not_ready"] == b["t_not_ready"]
    assert a["taint_s"] == pytest.approx(0.0) and b["taint_s"] == pytest.approx(5.0)
