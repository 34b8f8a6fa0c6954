"""DaemonSet controller: the pod of a node that goes NotReady stays (NodeShouldRunDaemonPod)."""

from __future__ import annotations

from tests.conftest import events_of, run_config

DS = [{"name": "agent", "containers": [{"name": "a", "image": "agent:1", "requests": {"cpu": "50m", "memory": "32Mi"}}]}]


def test_daemon_pod_kept_while_node_unreachable_and_not_recreated_on_return() -> None:
    # upstream: an untolerated NoSchedule taint (unreachable:NoSchedule) makes shouldRun false, but the
    # daemon tolerates the NoExecute taints, so shouldContinueRunning stays true and the pod is kept
    r = run_config(deployments=[], daemon_sets=DS, duration_s=500.0,
                   faults=[{"name": "NetworkPartition", "args": {"at_s": 60, "duration_s": 200, "nodes": ["n-2"]}}])
    pods = r.pods[r.pods.workload == "agent"]
    assert len(pods) == 6  # one per node, none recreated
    assert events_of(r, "SuccessfulCreate", kind="DaemonSet").shape[0] == 6
    on_n2 = pods[pods.node == "n-2"]
    assert len(on_n2) == 1 and on_n2.deletion_s.isna().all()
    assert len(events_of(r, "NodeNotReady", kind="Node", name="n-2")) == 1
