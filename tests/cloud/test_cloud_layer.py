"""The cloud layer: pools register Nodes as managed pools do, VMs come and go, the
cloud-controller-manager reacts as k8s.io/cloud-provider does, and the data plane follows."""

from __future__ import annotations

from typing import Any

import pytest

from clustersim.api.objects import ConditionStatus
from clustersim.cloud.ccm import SHUTDOWN_TAINT
from clustersim.cloud.instances import InstanceState
from clustersim.cloud.pools import TAINT_UNINITIALIZED
from clustersim.config.load import ConfigError, validate_dict
from clustersim.sim import Simulation, build
from tests.conftest import events_of

FAST_BOOT = {"median_s": 50.0, "sigma_s": 0.0, "floor_s": 0.0, "slow_fraction": 0.0}
WEB = {"name": "web", "replicas": 6, "containers": [{"name": "c", "image": "img:1", "requests": {"cpu": "500m"},
                                                      "readiness_probe": {"period_s": 5}, "behavior": {"ready_after_s": 1}}]}


def managed(provider: str = "aws", pools: list[dict[str, Any]] | None = None, **over: Any) -> dict[str, Any]:
    """A cluster whose only nodes are cloud VMs."""
    cfg: dict[str, Any] = {
        "seed": 3, "duration_s": 500.0, "cluster": {"zones": ["za", "zb", "zc"]},
        "cloud": {"provider": provider, "provisioning_delay": FAST_BOOT,
                  "node_pools": pools or [{"name": "p", "instance_type": "m5.xlarge" if provider == "aws" else "n2-standard-4"
                                           if provider == "gcp" else "Standard_D4s_v5", "min_size": 3, "max_size": 6}]},
        "deployments": [WEB],
    }
    cfg.update(over)
    return cfg


def sim_of(cfg: dict[str, Any]) -> Simulation:
    return build(validate_dict(cfg, "test"))


def at(sim: Simulation, t: float, fn: Any) -> None:
    sim.env.timeout(t).callbacks.append(lambda _e: fn())


def test_pool_vms_register_as_managed_nodes_spread_over_zones() -> None:
    sim = sim_of(managed())
    sim.start()
    sim.env.run(until=1)
    nodes = sorted(sim.state.list("Node"), key=lambda n: n.meta.name)
    assert [n.meta.name for n in nodes] == ["p-0", "p-1", "p-2"]
    assert sorted(n.meta.labels["topology.kubernetes.io/zone"] for n in nodes) == ["za", "zb", "zc"]
    n = nodes[0]
    assert n.meta.labels["eks.amazonaws.com/nodegroup"] == "p" and n.meta.labels["eks.amazonaws.com/capacityType"] == "ON_DEMAND"
    assert n.meta.labels["node.kubernetes.io/instance-type"] == "m5.xlarge"
    assert n.provider_id.startswith("aws:///za/i-") and not any(t.key == TAINT_UNINITIALIZED for t in n.taints)
    # EKS reservations: cpu 6 % + 1 % + 0.5 % x 2 of the first four cores; memory 255 MiB + 11 MiB x 58 pods + 100Mi eviction
    assert n.allocatable.cpu_m == 4000 - 80
    assert n.allocatable.memory == 16 * 2**30 - (255 + 11 * 58 + 100) * 2**20
    assert n.allocatable.pods == 58


def test_terminated_vm_is_deleted_by_the_cloud_node_lifecycle_controller_and_its_pods_by_podgc() -> None:
    sim = sim_of(managed())
    victim = "p-0"
    at(sim, 60, lambda: sim.cloud.terminate(sim.cloud.by_node[victim], "test"))
    res = sim.run()
    not_ready = events_of(res, "NodeNotReady", name=victim).t.min()
    deleted = events_of(res, "DeletingNode", name=victim).t.min()
    assert 60 + 40 <= not_ready <= 60 + 60  # the Lease stopped: NotReady after the grace period
    assert not_ready <= deleted <= not_ready + 5  # the next MonitorNodes pass finds the VM gone
    gc = events_of(res, "PodGCDeleted", node=victim)
    assert len(gc) > 0 and (gc.message == "PodGC: node no longer exists").all()
    assert deleted + 40 <= gc.t.min() <= deleted + 60  # a 20 s period and a 40 s quarantine
    evictions = events_of(res, "TaintManagerEviction", node=victim)
    assert not evictions.message.str.startswith("Marking").any()  # not the 300 s toleration path (pending ones are cancelled)
    # replacements are created after PodGC and run elsewhere; the ASG launched a new VM for its target
    reps = res.pods[(res.pods.workload == "web") & (res.pods.created_s >= gc.t.min())]
    assert len(reps) == len(gc) and reps.ready_s.notna().all()
    assert len(events_of(res, "InstanceLaunched")) == 1
    assert res.summary["deployments"]["default/web"]["desired"] == 6


def test_the_self_managed_path_is_unchanged_without_a_cloud() -> None:
    cfg = managed()
    del cfg["cloud"]
    cfg["cluster"]["node_pools"] = [{"name": "p", "count": 3, "capacity": {"cpu": "4", "memory": "16Gi"}}]
    cfg["faults"] = [{"name": "NodeCrash", "args": {"at_s": 60, "nodes": ["p-0"]}}]
    cfg["duration_s"] = 600.0
    res = sim_of(cfg).run()
    assert len(events_of(res, "DeletingNode")) == 0 and len(events_of(res, "PodGCDeleted")) == 0
    evicted = events_of(res, "TaintManagerEviction", node="p-0")
    assert len(evicted) > 0 and evicted.t.min() >= 60 + 40 + 300  # NotReady, then the 300 s toleration


def test_stopped_vm_gets_the_shutdown_taint_until_it_is_ready_again() -> None:
    sim = sim_of(managed(duration_s=400.0))
    inst = sim.cloud.by_node["p-1"]
    at(sim, 30, lambda: sim.cloud.stop(inst))
    seen: dict[str, float] = {}

    def probe() -> None:
        node = sim.state.get("Node", "p-1")
        tainted = any(t.key == SHUTDOWN_TAINT.key for t in node.taints)
        if tainted and "tainted" not in seen:
            seen["tainted"] = sim.env.now
        if "tainted" in seen and not tainted and "untainted" not in seen:
            seen["untainted"] = sim.env.now
    for t in range(1, 400):
        at(sim, t, probe)
    at(sim, 200, lambda: sim.cloud.start(inst))
    res = sim.run()
    not_ready = events_of(res, "NodeNotReady", name="p-1").t.min()
    assert inst.state is InstanceState.RUNNING
    assert not_ready <= seen["tainted"] <= not_ready + 6  # the next monitor pass after NotReady, VM stopped
    assert seen["untainted"] > 200 + 40  # started (40 s), Ready, then the next monitor pass removes it
    assert len(events_of(res, "DeletingNode")) == 0  # a stopped VM still exists


@pytest.mark.parametrize(("provider", "replaced"), [("aws", True), ("gcp", True), ("azure", False)])
def test_a_vanished_vm_is_replaced_by_asgs_and_migs_but_not_by_scale_sets(provider: str, replaced: bool) -> None:
    sim = sim_of(managed(provider, duration_s=300.0))
    at(sim, 20, lambda: sim.cloud.terminate(sim.cloud.by_node["p-2"], "test"))
    sim.run()
    pool = sim.cloud.pools["p"]
    assert pool.target_size() == (3 if replaced else 2)
    ready = [n for n in sim.state.list("Node") if n.ready is ConditionStatus.TRUE]
    assert len(ready) == (3 if replaced else 2)


def test_new_vm_waits_for_the_cloud_node_controller_and_boots_after_its_delay() -> None:
    sim = sim_of(managed(duration_s=200.0))
    pool = sim.cloud.pools["p"]
    at(sim, 10, lambda: pool.increase_size(1))
    res = sim.run()
    launched = events_of(res, "InstanceLaunched").t.min()
    running = events_of(res, "InstanceRunning").t.min()
    assert running - launched == pytest.approx(50.0)  # the pool's provisioning delay
    node = sim.state.get("Node", "p-3")
    assert node is not None and node.provider_id and not any(t.key == TAINT_UNINITIALIZED for t in node.taints)
    with pytest.raises(Exception, match="size increase too large"):
        pool.increase_size(3)


def test_load_balancer_answers_only_once_the_service_controller_provisioned_it() -> None:
    svc = {"name": "web", "type": "LoadBalancer", "selector": {"app": "web"}, "traffic": {"source": "external", "rate_per_s": 20}}
    cfg = managed(duration_s=200.0, services=[svc])
    cfg["cloud"]["load_balancer"] = {"provision_s": 90.0}
    res = sim_of(cfg).run()
    ensured = events_of(res, "EnsuredLoadBalancer").t.min()
    assert ensured == pytest.approx(90.0, abs=0.2)
    req = res.requests
    before, after = req[req.t < ensured], req[req.t > ensured + 40]
    assert before.failed.sum() == before.requests.sum() > 0  # no load balancer yet
    assert after.failed.sum() == 0 and after.requests.sum() > 0


def test_plain_nodes_beside_a_cloud_are_adopted_vms() -> None:
    cfg = managed(duration_s=300.0)
    cfg["cluster"]["node_pools"] = [{"name": "static", "count": 1}]
    cfg["faults"] = [{"name": "NodeCrash", "args": {"at_s": 30, "nodes": ["static-0"]}}]
    res = sim_of(cfg).run()
    assert len(events_of(res, "DeletingNode")) == 0  # its VM still exists: the taint path applies


@pytest.mark.parametrize(("pools", "field"), [
    ([{"name": "p", "instance_type": "m5.large", "min_size": 5, "max_size": 2}], "cloud.node_pools.0.min_size"),
    ([{"name": "p", "instance_type": "m9.huge", "max_size": 2}], "cloud.node_pools.0.instance_type"),
    ([{"name": "p", "instance_type": "m5.large", "max_size": 2, "zones": ["zz"]}], "cloud.node_pools.0.zones"),
])
def test_bad_pools_are_one_line_naming_the_field(pools: list[dict[str, Any]], field: str) -> None:
    with pytest.raises(ConfigError) as e:
        validate_dict(managed(pools=pools), "cluster.yaml")
    assert str(e.value).startswith(f"cluster.yaml: {field}: ") and "\n" not in str(e.value)
