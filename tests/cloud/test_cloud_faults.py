"""Cloud faults and the managed recovery path, against the self-managed path they replace."""

from __future__ import annotations

from typing import Any

import pytest

from clustersim.config.load import ConfigError, validate_dict
from clustersim.sim import run
from tests.cloud.test_cloud_layer import WEB, managed
from tests.conftest import events_of


def _run(cfg: dict[str, Any]) -> Any:
    return run(validate_dict(cfg, "test"))


def _fault(res: Any, name: str) -> dict[str, Any]:
    return next(f for f in res.summary["faults"] if f["fault"] == name)


def test_instance_termination_recovers_through_the_cloud_path_much_sooner_than_the_taint_path() -> None:
    cloud = managed(duration_s=700.0, faults=[{"name": "InstanceTermination", "args": {"at_s": 60, "nodes": ["p-0"]}}])
    res = _run(cloud)
    f = _fault(res, "InstanceTermination")
    assert f["recovered_by"] == "cloud-node-lifecycle"
    assert f["t_instance_gone"] == pytest.approx(60 + 30)  # shutting-down, then gone
    assert 60 + 40 <= f["t_node_deleted"] <= 60 + 65
    assert f["t_node_deleted"] + 40 <= f["t_orphans_deleted"] <= f["t_node_deleted"] + 60
    assert f["orphans_deleted"] == 2 and f["t_replacements_ready"] - f["t_orphans_deleted"] < 10
    # the ASG relaunched the VM at once (10 s); it was Ready before PodGC, and LeastAllocated picks the empty node
    assert f["t_new_instance"] == pytest.approx(70) and f["capacity_from"] == "node-group"

    plain = managed(duration_s=700.0, faults=[{"name": "NodeCrash", "args": {"at_s": 60, "nodes": ["p-0"]}}])
    del plain["cloud"]
    plain["cluster"]["node_pools"] = [{"name": "p", "count": 3, "capacity": {"cpu": "4", "memory": "16Gi"}}]
    base = _run(plain)
    g = _fault(base, "NodeCrash")
    assert "recovered_by" not in g and g["t_evicted"] >= 60 + 40 + 300  # the toleration path, as before
    assert g["t_replacements_ready"] - f["t_replacements_ready"] > 200


def test_instance_stop_taints_shutdown_and_the_node_comes_back() -> None:
    res = _run(managed(duration_s=400.0, faults=[{"name": "InstanceStop", "args": {"at_s": 30, "nodes": ["p-1"], "duration_s": 120}}]))
    f = _fault(res, "InstanceStop")
    assert f["t_recover"] == pytest.approx(150) and f["recovered_by"] == "node-restart"
    assert f["t_node_deleted"] is None and len(events_of(res, "InstanceStopped", name="p-1")) == 1
    assert events_of(res, "NodeReady", name="p-1").t.min() == pytest.approx(150 + 40, abs=1)


def test_instance_restart_is_a_reboot_the_cloud_never_sees() -> None:
    res = _run(managed(duration_s=300.0, faults=[{"name": "InstanceRestart", "args": {"at_s": 30, "nodes": ["p-2"], "down_s": 45}}]))
    assert events_of(res, "Rebooted", name="p-2").t.min() == pytest.approx(75)
    assert len(events_of(res, "InstanceShuttingDown")) == 0 and len(events_of(res, "DeletingNode")) == 0


def _spot(handler: bool, provider: str = "aws") -> dict[str, Any]:
    itype = {"aws": "m5.xlarge", "gcp": "n2-standard-4"}[provider]
    pools = [{"name": "od", "instance_type": itype, "min_size": 2, "max_size": 4},
             {"name": "spot", "instance_type": itype, "min_size": 2, "max_size": 4, "capacity_type": "spot"}]
    web = dict(WEB, replicas=8)
    cfg = managed(provider, pools=pools, duration_s=500.0, deployments=[web],
                  faults=[{"name": "SpotInterruption", "args": {"at_s": 60, "nodes": ["spot-0"]}}])
    cfg["cloud"]["termination_handler"] = {"enabled": handler}
    return cfg


@pytest.mark.parametrize(("provider", "notice"), [("aws", 120.0), ("gcp", 30.0)])
def test_spot_interruption_gives_the_provider_notice_then_reclaims(provider: str, notice: float) -> None:
    res = _run(_spot(False, provider))
    assert events_of(res, "SpotInterruptionNotice", name="spot-0").t.min() == pytest.approx(60)
    assert events_of(res, "InstanceShuttingDown", name="spot-0").t.min() == pytest.approx(60 + notice)
    assert _fault(res, "SpotInterruption")["recovered_by"] == "cloud-node-lifecycle"


def test_a_termination_handler_drains_on_the_notice_so_pods_move_before_the_vm_goes() -> None:
    without, with_handler = _run(_spot(False)), _run(_spot(True))
    drained = events_of(with_handler, "Evicted", node="spot-0")
    assert len(drained) > 0 and (drained.t < 60 + 1).all()  # at the notice, 120 s before the reclaim
    assert _fault(with_handler, "SpotInterruption")["recovered_by"] == "termination-handler"
    a0 = without.summary["deployments"]["default/web"]["availability"]
    a1 = with_handler.summary["deployments"]["default/web"]["availability"]
    assert a1 > a0


def test_zone_outage_takes_the_pool_vms_of_the_zone_and_new_vms_there_never_boot() -> None:
    pools = [{"name": "p", "instance_type": "m5.xlarge", "min_size": 3, "max_size": 6, "zones": ["za", "zb", "zc"]}]
    cfg = managed(pools=pools, duration_s=400.0,
                  faults=[{"name": "ZoneOutage", "args": {"at_s": 30, "zone": "za", "duration_s": 300}}])
    from clustersim.sim import build

    sim = build(validate_dict(cfg, "test"))
    pool = sim.cloud.pools["p"]
    # three more VMs: the least-used zones first, so one lands in the dead zone
    sim.env.timeout(60).callbacks.append(lambda _e: pool.increase_size(3))
    res = sim.run()
    assert [f["target"] for f in res.summary["faults"]] == ["p-0"]  # p-0 was the zone's VM
    stuck = events_of(res, "InstanceLaunchStuck")
    assert len(stuck) == 1 and sim.cloud.by_node[stuck.name.iloc[0]].zone == "za"


def test_summary_prices_each_pool() -> None:
    res = _run(managed(duration_s=3600.0, deployments=[]))
    pool = res.summary["cloud"]["pools"]["p"]
    assert pool["vm_hours"] == pytest.approx(3.0) and pool["cost"] == pytest.approx(3 * 0.192)
    assert pool["nodes_at_end"] == 3 and res.summary["cloud"]["total_cost"] == pytest.approx(pool["cost"])


@pytest.mark.parametrize(("args", "field"), [
    ({"pool": "nope"}, "faults.0.args.pool"),
    ({"nodes": ["p-9"]}, "faults.0.args.nodes.0"),
    ({"zone": "zz"}, "faults.0.args.zone"),
])
def test_a_cloud_fault_on_something_that_does_not_exist_is_one_line(args: dict[str, Any], field: str) -> None:
    with pytest.raises(ConfigError) as e:
        validate_dict(managed(faults=[{"name": "InstanceTermination", "args": {"at_s": 10, **args}}]), "c.yaml")
    assert str(e.value).startswith(f"c.yaml: {field}: ")


def test_cloud_faults_need_a_cloud() -> None:
    cfg = managed(faults=[{"name": "SpotInterruption", "args": {"at_s": 10}}])
    with pytest.raises(ConfigError, match="no cloud pool has spot VMs"):
        validate_dict(cfg, "c.yaml")
    del cfg["cloud"]
    cfg["cluster"]["node_pools"] = [{"name": "n", "count": 1}]
    cfg["faults"] = [{"name": "InstanceTermination", "args": {"at_s": 10}}]
    with pytest.raises(ConfigError, match="need a cloud"):
        validate_dict(cfg, "c.yaml")


def test_the_cloud_summary_reads_only_the_rows_it_declares() -> None:
    """On managed clusters too, summarize over the whole frames equals summarize over the declared subsets
    (the run passes only SUMMARY_SERIES and SUMMARY_EVENT_REASONS/KINDS rows)."""
    from clustersim.config.load import load_config
    from clustersim.metrics.summary import SUMMARY_EVENT_KINDS, SUMMARY_EVENT_REASONS, SUMMARY_SERIES, summarize
    from tests.conftest import ROOT

    for path in ("configs/faults/instance-termination.yaml", "configs/faults/spot-interruption.yaml"):
        cfg = load_config(ROOT / path)
        res = run(cfg)
        faults = res.frame("faults")[["fault", "index", "target", "t_inject", "t_recover"]]
        full, _ = summarize(cfg, cfg.duration_s, res.timeseries, res.events, res.pods, faults, res.requests)
        ts = res.timeseries[res.timeseries["metric"].isin(SUMMARY_SERIES)]
        ev = res.events[res.events["reason"].isin(SUMMARY_EVENT_REASONS) | res.events["kind"].isin(SUMMARY_EVENT_KINDS)]
        subset, _ = summarize(cfg, cfg.duration_s, ts, ev, res.pods, faults, res.requests)
        assert "cloud" in full and full["faults"][0]["recovered_by"] is not None
        assert str(full) == str(subset), path
