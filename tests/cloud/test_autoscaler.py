"""The Cluster Autoscaler against its upstream rules, one scenario per rule, read from the event log."""

from __future__ import annotations

from typing import Any

import pytest

from clustersim.config.load import ConfigError, validate_dict
from clustersim.sim import Simulation, build, run
from tests.conftest import events_of, shared_path

FAST = {"median_s": 60.0, "sigma_s": 0.0, "floor_s": 0.0, "slow_fraction": 0.0}


def app(name: str = "web", replicas: int = 4, cpu: str = "1", **extra: Any) -> dict[str, Any]:
    return {"name": name, "replicas": replicas, "containers": [{"name": "c", "image": "img:1", "requests": {"cpu": cpu},
                                                               "readiness_probe": {"period_s": 2}, "behavior": {"ready_after_s": 1}}], **extra}


def cluster(pools: list[dict[str, Any]], ca: dict[str, Any] | None = None, **over: Any) -> dict[str, Any]:
    cfg: dict[str, Any] = {"seed": 1, "duration_s": 400.0, "cluster": {"zones": ["za", "zb", "zc"]},
                           "cloud": {"provisioning_delay": FAST, "node_pools": pools, "autoscaler": ca or {}}, "deployments": [app()]}
    cfg.update(over)
    return cfg


def pool(name: str = "p", itype: str = "m5.xlarge", lo: int = 1, hi: int = 5, **extra: Any) -> dict[str, Any]:
    return {"name": name, "instance_type": itype, "min_size": lo, "max_size": hi, **extra}


def sim_of(cfg: dict[str, Any]) -> Simulation:
    return build(validate_dict(cfg, "test"))


def scale_at(sim: Simulation, t: float, replicas: int, name: str = "web") -> None:
    def go(_e: object) -> None:
        d = sim.state.get("Deployment", f"default/{name}")
        d.spec.replicas = replicas
        d.meta.generation += 1
        sim.state.update(d)
    sim.env.timeout(t).callbacks.append(go)


def test_pending_pods_trigger_a_scale_up_whose_nodes_arrive_after_the_provisioning_delay() -> None:
    res = run(validate_dict(cluster([pool()], deployments=[app(replicas=8)]), "test"))
    up = events_of(res, "ScaledUpGroup")
    assert list(up.message) == ["Scale-up: setting group p size to 3 instead of 1 (max: 5)"]  # 3 x 1-cpu pods per m5.xlarge
    assert up.t.iloc[0] == 10.0  # the loop after the scheduler marked them unschedulable
    trig = events_of(res, "TriggeredScaleUp")
    assert len(trig) == 5 and (trig.message == "pod triggered scale-up: [{p 1->3 (max: 5)}]").all()
    running = events_of(res, "InstanceRunning")
    assert list(running.t) == [70.0, 70.0]  # the 60 s provisioning delay
    late = res.pods[res.pods.created_s < 1]
    # bound once the nodes register, within the scheduler's pod back-off (podMaxBackoffSeconds 10 s)
    assert 70 < late.scheduled_s.max() <= 70 + 10 and res.summary["pods_pending_at_end"] == 0


def test_pods_that_fit_upcoming_nodes_do_not_trigger_a_second_scale_up() -> None:
    sim = sim_of(cluster([pool()], deployments=[app(replicas=8)]))
    res = sim.run()
    assert len(events_of(res, "ScaledUpGroup")) == 1  # loops at 20 .. 60 s see the upcoming nodes
    assert sim.cloud.pools["p"].target_size() == 3


def test_a_pod_no_group_can_run_gets_not_trigger_scale_up_with_the_reasons() -> None:
    big = app("big", replicas=1, cpu="6")
    res = run(validate_dict(cluster([pool(), pool("q", "m5.large", 0, 2)], deployments=[big]), "test"))
    note = events_of(res, "NotTriggerScaleUp", name=res.pods.name.iloc[0])
    assert list(note.message) == ["pod didn't trigger scale-up: 2 Insufficient cpu"]  # once: events are deduplicated
    assert len(events_of(res, "ScaledUpGroup")) == 0


def test_max_size_and_max_nodes_total_cap_the_scale_up() -> None:
    res = run(validate_dict(cluster([pool(hi=2)], deployments=[app(replicas=12)]), "test"))
    assert list(events_of(res, "ScaledUpGroup").message) == ["Scale-up: setting group p size to 2 instead of 1 (max: 2)"]
    assert "1 max node group size reached" in events_of(res, "NotTriggerScaleUp").message.iloc[-1]
    res = run(validate_dict(cluster([pool(hi=9)], {"max_nodes_total": 3}, deployments=[app(replicas=12)]), "test"))
    assert list(events_of(res, "ScaledUpGroup").message) == ["Scale-up: setting group p size to 3 instead of 1 (max: 9)"]


@pytest.mark.parametrize(("expander", "winner"), [("least-waste", "small"), ("least-nodes", "big"), ("most-pods", "big"),
                                                  ("price", "spot"), ("priority", "small")])
def test_each_expander_picks_its_node_group(expander: str, winner: str) -> None:
    # with room for every pod everywhere, most-pods would tie; capped groups make it choose
    small, spot = (2, 1) if expander == "most-pods" else (10, 10)
    pools = [pool("small", "m5.large", 0, small), pool("big", "m5.4xlarge", 0, 10),
             pool("spot", "m5.2xlarge", 0, spot, capacity_type="spot")]
    if expander == "price":  # unfitness favours machines of the preferred size: compare equal machines
        pools = [pool("od", "m5.2xlarge", 0, 10), pools[2]]
    ca: dict[str, Any] = {"expander": expander, "priorities": {10: ["^small$"], 5: [".*"]}} if expander == "priority" else {"expander": expander}
    web = app(replicas=6, cpu="1500m")  # 1 per m5.large, 4 per 2xlarge, 10 per 4xlarge
    res = run(validate_dict(cluster(pools, ca, deployments=[web]), "test"))
    up = events_of(res, "ScaledUpGroup")
    assert len(up) >= 1 and up.message.iloc[0].startswith(f"Scale-up: setting group {winner} ")


def test_balance_similar_node_groups_spreads_a_scale_up_over_the_zones() -> None:
    pools = [pool(f"p-{z}", "m5.xlarge", 0, 5, zones=[z]) for z in ("za", "zb", "zc")]
    cfg = cluster(pools, {"balance_similar_node_groups": True}, deployments=[app(replicas=9)])
    sim = sim_of(cfg)
    sim.run()
    assert sorted(g.target_size() for g in sim.cloud.pools.values()) == [1, 1, 1]  # 9 pods: 3 nodes, one per zone
    unbalanced = sim_of(cluster(pools, {}, deployments=[app(replicas=9)]))
    unbalanced.run()
    assert sorted(g.target_size() for g in unbalanced.cloud.pools.values()) == [0, 0, 3]


def test_a_scale_up_that_never_registers_times_out_and_backs_the_group_off() -> None:
    pools = [pool("dead", "m5.xlarge", 0, 5, zones=["za"]), pool("live", "m5.xlarge", 0, 5, zones=["zb"])]
    cfg = cluster(pools, {"expander": "priority", "priorities": {10: ["dead"], 1: ["live"]}, "max_node_provision_time_s": 120},
                  deployments=[app(replicas=3)], duration_s=600.0,
                  faults=[{"name": "ZoneOutage", "args": {"at_s": 0, "zone": "za", "duration_s": 590}}])
    res = run(validate_dict(cfg, "test"))
    up = list(events_of(res, "ScaledUpGroup").message)
    assert up[0].startswith("Scale-up: setting group dead ") and up[1].startswith("Scale-up: setting group live ")
    timed_out = events_of(res, "ScaleUpTimedOut")
    assert len(timed_out) == 1 and timed_out.t.iloc[0] == pytest.approx(10 + 120 + 10, abs=10)
    assert len(events_of(res, "DeleteUnregistered")) == 1  # the VM that never booted is removed
    assert events_of(res, "ScaledUpGroup").t.iloc[1] >= timed_out.t.iloc[0] and res.summary["pods_pending_at_end"] == 0


def _scale_down_cluster(**ca: Any) -> dict[str, Any]:
    knobs = {"scale_down_unneeded_time_s": 120, "scale_down_delay_after_add_s": 60, **ca}
    return cluster([pool(lo=1, hi=5, initial_size=3)], knobs, deployments=[app(replicas=2, cpu="500m")], duration_s=600.0)


def test_idle_nodes_are_removed_after_the_unneeded_time_and_never_below_min_size() -> None:
    res = run(validate_dict(_scale_down_cluster(), "test"))
    removed = events_of(res, "ScaleDown", kind="Node", message="nodes removed by cluster autoscaler")
    assert len(removed) == 2  # 3 nodes, min 1: two go
    assert removed.t.min() >= 120 and res.summary["cloud"]["pools"]["p"]["vms_at_end"] == 1
    assert len(events_of(res, "DeletingNode")) == 2  # the Node objects go through the cloud node lifecycle controller


def test_no_scale_down_within_the_delay_after_a_scale_up() -> None:
    sim = sim_of(_scale_down_cluster(scale_down_delay_after_add_s=400))
    scale_at(sim, 0.0, 24)  # 24 x 500m on three 3.92-cpu nodes (7 each): a scale-up at t=10
    scale_at(sim, 100.0, 1)  # then idle: unneeded from ~110
    res = sim.run()
    assert events_of(res, "ScaledUpGroup").t.min() == 10.0
    first = events_of(res, "ScaleDown", kind="Node").t.min()
    assert first >= 10 + 400


@pytest.mark.parametrize(("extra", "blocker", "workload"), [
    ({"pods": [{"name": "bare", "containers": [{"name": "c", "image": "i"}]}]}, "NotReplicated", "pod/bare"),
    ({"deployments": [app(replicas=2, cpu="500m"), app("sys", 1, "100m", namespace="kube-system")]}, "UnmovableKubeSystemPod", "sys"),
    ({"deployments": [app(replicas=2, cpu="500m", volumes=[{"name": "cache", "type": "emptyDir"}])]}, "LocalStorageRequested", "web"),
])
def test_pods_that_cannot_move_keep_their_node(extra: dict[str, Any], blocker: str, workload: str) -> None:
    cfg = _scale_down_cluster()
    cfg.update(extra)
    sim = sim_of(cfg)
    res = sim.run()
    assert blocker in sim.autoscaler.planner.blocking.values()
    pods = res.pods
    hosts = set(pods[(pods.workload == workload) & (pods.node != "")].node)
    assert hosts and not hosts & set(events_of(res, "DeletingNode").name)  # their nodes were never deleted
    assert len(events_of(res, "DeletingNode")) >= 1  # while an idle node was


def test_evictions_respect_the_pdb_and_graceful_termination_is_capped() -> None:
    cfg = _scale_down_cluster(max_graceful_termination_sec=7)
    cfg["deployments"] = [app(replicas=2, cpu="500m", termination_grace_period_s=60, min_ready_s=0)]
    cfg["pod_disruption_budgets"] = [{"name": "web", "selector": {"match_labels": {"app": "web"}}, "min_available": 2}]
    res = run(validate_dict(cfg, "test"))
    assert len(events_of(res, "ScaleDown", kind="Pod")) == 0  # minAvailable 2 of 2: nothing may be evicted
    cfg["pod_disruption_budgets"] = []
    res = run(validate_dict(cfg, "test"))
    evicted = events_of(res, "ScaleDown", kind="Pod")
    assert len(evicted) >= 1
    gone = res.pods[res.pods.name.isin(set(evicted.name))]
    assert ((gone.deleted_s - gone.deletion_s) <= 7 + 1).all()  # the pods' 60 s grace is capped at 7 s


def test_autoscaler_flags_come_from_a_deployment_manifest() -> None:
    manifest = shared_path("platform-manifests", "kubernetes-autoscaler", "cluster-autoscaler", "cloudprovider", "aws", "examples",
                           "cluster-autoscaler-multi-asg.yaml")
    pools = [pool("k8s-worker-asg-1", hi=3, lo=0), pool("k8s-worker-asg-2", hi=3, lo=0)]
    cfg = validate_dict(cluster(pools, {"manifest": str(manifest)}), "/x/cluster.yaml")
    ca = cfg.cloud.autoscaler
    assert ca.nodes == ("1:10:k8s-worker-asg-1", "1:3:k8s-worker-asg-2") and ca.expander == ("least-waste",)
    assert ca.skip_nodes_with_local_storage is False
    assert any("--v" in s for s in cfg.simplifications)
    sim = build(cfg)
    assert (sim.cloud.pools["k8s-worker-asg-1"].min_size(), sim.cloud.pools["k8s-worker-asg-1"].max_size()) == (1, 10)


@pytest.mark.parametrize(("ca", "field"), [
    ({"expander": "cheapest"}, "cloud.autoscaler.expander"),
    ({"flags": ["--no-such-flag=1"]}, "cloud.autoscaler.flags"),
    ({"flags": ["--scan-interval=ten"]}, "cloud.autoscaler.flags"),
    ({"nodes": ["1:3:nope"]}, "cloud.autoscaler.nodes.0"),
    ({"expander": "priority"}, "cloud.autoscaler.priorities"),
])
def test_bad_autoscaler_settings_are_one_line(ca: dict[str, Any], field: str) -> None:
    with pytest.raises(ConfigError) as e:
        validate_dict(cluster([pool()], ca), "c.yaml")
    assert str(e.value).startswith(f"c.yaml: {field}: ") and "\n" not in str(e.value)


def test_nodes_above_the_utilization_threshold_stay() -> None:
    cfg = _scale_down_cluster()
    cfg["deployments"] = [app(replicas=6, cpu="1")]  # two 1-cpu pods per 3.92-cpu node: 51 % used
    sim = sim_of(cfg)
    res = sim.run()
    assert len(events_of(res, "DeletingNode")) == 0
    assert set(sim.autoscaler.planner.reasons.values()) == {"NotUnderutilized"}
    cfg["cloud"]["autoscaler"]["scale_down_utilization_threshold"] = 0.6
    res = run(validate_dict(cfg, "test"))
    assert len(events_of(res, "DeletingNode")) >= 1  # 51 % is under a 60 % threshold
