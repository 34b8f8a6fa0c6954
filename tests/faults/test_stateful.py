"""StatefulSets, zonal volumes and data loss."""

from __future__ import annotations

from tests.conftest import events_of, run_config

CLUSTER = {"zones": ["za", "zb", "zc"], "node_pools": [{"name": "n", "count": 6, "capacity": {"cpu": "4", "memory": "8Gi"}}]}
C = [{"name": "c", "image": "db:1", "requests": {"cpu": "500m"}, "readiness_probe": {"period_s": 5}, "behavior": {"ready_after_s": 3}}]
DB = {"name": "db", "replicas": 3, "containers": C, "volume_claim_templates": [{"name": "data", "storage": "10Gi"}]}


def test_ordered_ready_creates_one_identity_at_a_time() -> None:
    res = run_config(cluster=CLUSTER, deployments=[], stateful_sets=[DB], duration_s=120)
    pods = res.pods.set_index("name")
    assert list(pods.index) == ["db-0", "db-1", "db-2"]
    assert pods.loc["db-1", "created_s"] >= pods.loc["db-0", "ready_s"]
    assert pods.loc["db-2", "created_s"] >= pods.loc["db-1", "ready_s"]
    assert res.summary["stateful_sets"]["default/db"]["desired"] == 3


def test_pod_on_a_partitioned_node_is_not_replaced_until_the_node_returns() -> None:
    res = run_config(cluster=CLUSTER, deployments=[], stateful_sets=[{**DB, "pod_management_policy": "Parallel"}], duration_s=1200,
                     faults=[{"name": "NetworkPartition", "args": {"at_s": 60, "nodes": ["n-0"], "duration_s": 600}}])
    first = res.pods[res.pods.created_s < 1]
    victim = first[first.node == "n-0"].name.iloc[0]
    evicted = events_of(res, "TaintManagerEviction", name=victim)
    assert evicted.message.str.startswith("Marking").any()  # evicted after the toleration ...
    again = res.pods[(res.pods.name == victim) & (res.pods.created_s > 1)]
    # ... but the identity stays taken by the Terminating pod until the node is back (t=660) and deletes it
    assert len(again) == 1 and again.created_s.iloc[0] >= 660
    # the new pod mounts the same claim, so it goes back to the claim's zone
    assert res.pods[res.pods.name == victim].node.map(lambda n: int(n[2:]) % 3).nunique() == 1


def test_a_zonal_volume_pins_replacements_to_its_zone() -> None:
    dep = {"name": "app", "replicas": 1, "containers": C, "volumes": [{"name": "data", "type": "persistentVolumeClaim", "claim_name": "app-data"}]}
    res = run_config(cluster=CLUSTER, deployments=[dep], persistent_volume_claims=[{"name": "app-data", "zone": "zb"}], duration_s=900,
                     faults=[{"name": "ZoneOutage", "args": {"at_s": 60, "zone": "zb"}}])
    assert res.pods.node.iloc[0] in ("n-1", "n-4")  # zone zb
    failed = events_of(res, "FailedScheduling")
    assert failed.message.str.contains("node(s) had no available volume zone", regex=False).all()
    assert res.summary["pods_pending_at_end"] == 1


def test_an_unbound_claim_is_provisioned_in_the_first_pod_s_zone() -> None:
    res = run_config(cluster=CLUSTER, deployments=[], stateful_sets=[{**DB, "replicas": 1}], duration_s=60)
    assert len(res.pods) == 1 and res.pods.node.iloc[0]


def test_data_loss_emptydir_and_hostpath() -> None:
    dep = {"name": "cache", "replicas": 2, "containers": C,
           "volumes": [{"name": "scratch", "type": "emptyDir"}, {"name": "logs", "type": "hostPath", "path": "/var/log/cache"}]}
    res = run_config(cluster=CLUSTER, deployments=[dep], duration_s=300,
                     scheduler={"profiles": [{"plugin_args": {"NodeResourcesFit": {"scoringStrategy": {"type": "MostAllocated"}}}}]},
                     faults=[{"name": "PodKill", "args": {"at_s": 60, "deployment": "cache", "count": 1}}])
    loss = events_of(res, "DataLoss")
    assert loss.message.str.startswith("emptyDir scratch").sum() == 1
    replacement = res.pods[res.pods.created_s > 60]
    killed_on = res.pods[res.pods.deletion_s.notna()].node.iloc[0]
    moved = replacement.node.iloc[0] != killed_on
    assert loss.message.str.startswith("hostPath").sum() == (1 if moved else 0)
    assert res.summary["data_loss_events"] == len(loss)


def test_data_loss_on_a_node_that_crashed_for_good() -> None:
    # the pods of a dead node stay Terminating (nobody confirms their deletion), but their data is gone:
    # the emptyDir dies with the pod marked for deletion, and the hostPath data stays on the dead node
    # while the replacement starts elsewhere, before the old pod is finalized
    dep = {"name": "cache", "replicas": 1, "containers": C,
           "volumes": [{"name": "scratch", "type": "emptyDir"}, {"name": "logs", "type": "hostPath", "path": "/var/log/cache"}]}
    home = run_config(cluster=CLUSTER, deployments=[dep], duration_s=30).pods.node.iloc[0]
    res = run_config(cluster=CLUSTER, deployments=[dep], duration_s=700,
                     faults=[{"name": "NodeCrash", "args": {"at_s": 60, "nodes": [home]}}])
    first = res.pods.iloc[0]
    assert first.node == home and first.deletion_s > 0 and first.deleted_s != first.deleted_s  # never finalized (NaN)
    assert len(res.pods) == 2 and res.pods.node.iloc[1] != home
    loss = events_of(res, "DataLoss")
    assert loss.message.str.startswith("emptyDir scratch").sum() == 1
    assert loss.message.str.startswith("hostPath /var/log/cache").sum() == 1
    assert res.summary["data_loss_events"] == 2
