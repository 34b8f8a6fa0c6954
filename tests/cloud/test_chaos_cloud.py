"""Chaos files' cloud actions on a managed cluster: Krkn's node_stop_start_scenario (../shared/chaos) compiles to
InstanceStop and the run stops and starts the VM through the cloud; without a cloud it is a NodeCrash, said so."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from clustersim.chaos import ChaosError, load_chaos
from clustersim.chaos.compile import compile_experiments
from clustersim.cli import cli
from clustersim.config.load import validate_dict
from clustersim.sim import run
from tests.cloud.test_cloud_layer import WEB, managed
from tests.conftest import events_of, shared_path

KIND_NODES = [{"name": "kind-control-plane", "zone": "za"}, {"name": "kind-worker", "zone": "zb"}]


def _krkn() -> Path:
    return shared_path("chaos", "krkn-chaos-krkn", "scenarios", "kind", "node_scenarios_example.yml")


def _kind(cloud: bool) -> dict[str, Any]:
    """A small cluster with the two nodes the Krkn example names; with a cloud they are its VMs (adopted), plus a pool."""
    cfg = managed(duration_s=400.0, deployments=[dict(WEB, replicas=4)])
    cfg["cluster"]["nodes"] = copy.deepcopy(KIND_NODES)
    if not cloud:
        del cfg["cloud"]
    return cfg


def test_krkn_node_stop_start_compiles_to_instance_stop_on_a_managed_cluster() -> None:
    chaos = load_chaos([_krkn()])
    managed_cfg = validate_dict(_kind(True), "kind.yaml")
    out = compile_experiments(chaos.experiments, managed_cfg, 30.0, managed_cfg.duration_s)
    names = [f["name"] for f in out.faults]
    assert names == ["InstanceStop", "NodeReboot"]
    stop = out.faults[0]["args"]
    assert stop["labels"] == {"kubernetes.io/hostname": "kind-worker"} and stop["duration_s"] == 10.0
    assert not any("modelled as" in n for n in out.notes)

    plain_cfg = validate_dict(_kind(False), "kind.yaml")
    plain = compile_experiments(chaos.experiments, plain_cfg, 30.0, plain_cfg.duration_s)
    assert [f["name"] for f in plain.faults] == ["NodeCrash", "NodeReboot"]
    assert any("InstanceStop needs a cloud: section" in n and "modelled as NodeCrash" in n for n in plain.notes)


def test_the_compiled_instance_stop_stops_and_starts_the_vm_through_the_cloud() -> None:
    chaos = load_chaos([_krkn()])
    data = _kind(True)
    cfg = validate_dict(data, "kind.yaml")
    out = compile_experiments(chaos.experiments, cfg, 30.0, cfg.duration_s)
    data["faults"] = out.faults
    res = run(validate_dict(data, "kind.yaml"))
    assert events_of(res, "InstanceStopping", name="kind-worker").t.tolist() == [30.0]  # the experiment starts at 30 s
    assert events_of(res, "InstanceRunning", name="kind-worker").t.min() > 40.0  # started at 40 s, booted after
    f = next(r for r in res.summary["faults"] if r["fault"] == "InstanceStop")
    assert f["target"] == "kind-worker" and f["recovered_by"] == "node-restart"
    assert f["t_recover"] == pytest.approx(f["t_inject"] + 10.0)  # Krkn's duration: 10 s stopped, then started
    assert len(events_of(res, "DeletingNode")) == 0  # a stopped VM exists: the Node stays (shutdown taint at most)


def test_chaos_preview_of_the_shared_file_on_a_managed_config(tmp_path: Path) -> None:
    path = tmp_path / "kind.yaml"
    path.write_text(yaml.safe_dump(_kind(True)))
    out = tmp_path / "p"
    res = CliRunner().invoke(cli, ["chaos", "preview", str(_krkn()), "--cluster", str(path), "--seeds", "1", "--tail", "60",
                                   "--out", str(out)])
    assert res.exit_code == 0, res.output
    p = json.loads((out / "preview.json").read_text())
    assert [f["name"] for f in p["faults"]] == ["InstanceStop", "NodeReboot"]


def test_an_instance_id_no_node_carries_is_left_to_the_cloud_or_refused_without_one() -> None:
    gcp = load_chaos([shared_path("chaos", "chaos-mesh-website", "docs", "simulate-gcp-chaos.md.L76-L87.node-stop.yaml")])
    cfg = validate_dict(managed("gcp", duration_s=400.0), "gcp.yaml")
    out = compile_experiments(gcp.experiments, cfg, 0.0, cfg.duration_s)
    assert [(f["name"], f["args"]["instances"]) for f in out.faults] == [("InstanceStop", ["your-instance-name"])]
    plain = managed("gcp", duration_s=400.0)
    del plain["cloud"]
    plain["cluster"]["node_pools"] = [{"name": "p", "count": 2}]
    with pytest.raises(ChaosError, match="your-instance-name.*no node of the cluster"):
        compile_experiments(gcp.experiments, validate_dict(plain, "gcp.yaml"), 0.0, 400.0)
