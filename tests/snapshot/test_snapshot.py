"""Runs that start from a snapshot: bound pods keep running on their nodes without being rescheduled, Pending
pods are scheduled, owner references tie pods to their ReplicaSets (and orphans are adopted), a Deployment
adopts its ReplicaSet, nodes keep their conditions; bad input is one line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from clustersim.config.load import ConfigError, validate_dict
from clustersim.sim import run
from tests.conftest import events_of
from tests.snapshot import builders as b

NODES = [b.node("n-a1", "za"), b.node("n-a2", "za"), b.node("n-b1", "zb"), b.node("n-b2", "zb")]
WEB_PODS = [b.pod("web", s, n) for s, n in (("aaaaa", "n-a1"), ("bbbbb", "n-a2"), ("ccccc", "n-b1"), ("ddddd", "n-b2"))]
SHOP = [*NODES, b.deployment("web", 4), b.replicaset("web", 4), *WEB_PODS, b.service("web")]


def _run(tmp_path: Path, objects: list[dict[str, Any]], **over: Any):  # noqa: ANN202
    (tmp_path / "snap.yaml").write_text(yaml.safe_dump(b.listing(*objects)))
    data = {"duration_s": 200, "snapshot": {"path": "snap.yaml", "traffic": {"rate_per_s": 100}}, **over}
    return run(validate_dict(data, str(tmp_path / "c.yaml")))


def test_bound_pods_keep_running_where_they_are(tmp_path: Path) -> None:
    res = _run(tmp_path, SHOP)
    pods = res.pods
    assert len(pods) == 4 and set(pods.node) == {"n-a1", "n-a2", "n-b1", "n-b2"}
    assert (pods.started_s == -86400).all() and (pods.ready_s == -86400).all() and pods.scheduled_s.isna().all()  # a day old
    for reason in ("Scheduled", "Pulling", "Started", "SuccessfulCreate", "ScalingReplicaSet"):
        assert events_of(res, reason).empty, reason  # nothing was rescheduled, pulled, started or created
    web = res.summary["deployments"]["shop/web"]
    assert web["initial_ready_s"] < 0.1 and web["availability"] == 1.0 and web["min_serving_after_ready"] == 4
    assert res.summary["services"]["shop/web"]["failed_requests"] <= res.summary["services"]["shop/web"]["requests"] * 0.01
    assert (pods.restarts == 0).all()  # no restart during the run (the snapshot's counts stand in the API)


def test_controllers_own_the_snapshot_pods(tmp_path: Path) -> None:
    res = _run(tmp_path, SHOP, faults=[{"name": "PodKill", "args": {"at_s": 60, "namespace": "shop", "deployment": "web", "count": 1}}])
    assert len(res.pods) == 5  # the ReplicaSet replaces the killed pod: it owns the snapshot's pods
    created = events_of(res, "SuccessfulCreate")
    assert list(created.name) == ["web-7d4b9c8f5d"]  # by the snapshot's ReplicaSet, adopted by the Deployment
    assert events_of(res, "ScalingReplicaSet").empty


def test_pending_pods_are_scheduled_and_orphans_adopted(tmp_path: Path) -> None:
    pending = b.pod("web", "eeeee", None, phase="Pending", ready=False)
    orphan = b.pod("web", "fffff", "n-a1", owner=False)
    objs = [*NODES, b.deployment("web", 5), b.replicaset("web", 5), *WEB_PODS[:3], pending, orphan, b.service("web")]
    res = _run(tmp_path, objs)
    p = res.pods.set_index("name")
    assert p.loc["web-7d4b9c8f5d-eeeee", "scheduled_s"] > 0 and p.loc["web-7d4b9c8f5d-eeeee", "ready_s"] > 0
    assert p.loc["web-7d4b9c8f5d-fffff", "started_s"] < 0
    assert len(res.pods) == 5  # 3 bound + 1 pending + 1 adopted orphan: nothing more is created
    assert list(events_of(res, "Adopted").message) == ["Adopted pod: web-7d4b9c8f5d-fffff"]


def test_a_not_ready_node_starts_with_its_kubelet_down(tmp_path: Path) -> None:
    nodes = [*NODES[:3], b.node("n-b2", "zb", ready="False")]
    res = _run(tmp_path, [*nodes, b.deployment("web", 4), b.replicaset("web", 4), *WEB_PODS, b.service("web")], duration_s=500)
    p = res.pods.set_index("name")
    assert p.loc["web-7d4b9c8f5d-ddddd", "node"] == "n-b2" and p.loc["web-7d4b9c8f5d-ddddd", "started_s"] != 0
    evicted = events_of(res, "TaintManagerEviction")
    assert "web-7d4b9c8f5d-ddddd" in set(evicted.name)  # evicted after the 300 s toleration of the taint
    assert len(res.pods) == 5 and res.summary["pods_pending_at_end"] == 0


def test_a_pod_on_a_node_that_is_not_in_the_snapshot_is_collected(tmp_path: Path) -> None:
    stray = b.pod("web", "ddddd", "gone-node")
    res = _run(tmp_path, [*NODES, b.deployment("web", 4), b.replicaset("web", 4), *WEB_PODS[:3], stray, b.service("web")])
    assert "web-7d4b9c8f5d-ddddd" in set(res.pods[res.pods.deleted_s.notna()].name)  # PodGC: orphaned by its node
    assert len(res.pods) == 5 and res.summary["deployments"]["shop/web"]["desired"] == 4


def test_snapshot_records_what_it_changed(tmp_path: Path) -> None:
    rs_alone = b.replicaset("api", 2)
    rs_alone["metadata"]["ownerReferences"][0]["name"] = "gone"
    pod_alone = b.pod("api", "zzzzz", "n-a1")
    res = _run(tmp_path, [*NODES, rs_alone, pod_alone], duration_s=60)
    simpl = res.summary["simplifications"]
    assert any("ReplicaSet shop/api-7d4b9c8f5d: owner Deployment gone is not in the snapshot" in s for s in simpl)
    assert any("recomputed" in s or "ignored field: Pod: spec.containers[].readinessProbe.httpGet" in s for s in simpl)
    assert len(res.pods) == 2  # the bare ReplicaSet still owns its pod and adds one


def test_bad_snapshots_are_one_line(tmp_path: Path) -> None:
    cases = {
        "kind: Gizmo\napiVersion: v1\nmetadata: {name: x}\n": "kind: unknown kind 'Gizmo'",
        "- a\n- b\n": "an object must be a mapping",
        "kind: Pod\napiVersion: v1\nmetadata: {}\n": "metadata.name: required field missing",
        "a: [1, 2\n": "line",
    }
    for i, (text, expected) in enumerate(cases.items()):
        (tmp_path / f"s{i}.yaml").write_text(text)
        with pytest.raises(ConfigError, match=r"s\d\.yaml.*" if expected == "line" else expected) as e:
            validate_dict({"snapshot": {"path": f"s{i}.yaml"}}, str(tmp_path / "c.yaml"))
        assert "\n" not in str(e.value) and f"s{i}.yaml" in str(e.value)
    with pytest.raises(ConfigError, match="no such file"):
        validate_dict({"snapshot": {"path": "nope"}}, str(tmp_path / "c.yaml"))
