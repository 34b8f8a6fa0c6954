"""``clustersim view``: one self-contained file; panels for what the run has and none for what it lacks."""

from __future__ import annotations

import re
from pathlib import Path

from clustersim.dashboard import write_run_page
from clustersim.dashboard.data import fault_phases, node_states, request_success
from clustersim.dashboard.page import PANEL_NAMES
from clustersim.output import write_outputs
from clustersim.rundir import read_run
from tests.conftest import cli, run_config


def test_the_page_is_self_contained(quickstart_page: tuple[Path, list[str]]) -> None:
    page, names = quickstart_page
    text = page.read_text()
    assert not re.search(r"<script[^>]+src=", text)  # every script inlined
    assert not re.search(r"<link[^>]+href=[\"']https?:", text)
    assert "Bokeh" in text and set(names) == set(PANEL_NAMES)


def test_a_run_without_faults_services_or_usage_skips_those_panels(tmp_path: Path) -> None:
    write_outputs(run_config(duration_s=120.0), tmp_path, plot=False)
    run = read_run(tmp_path)
    names = write_run_page(run, tmp_path / "view.html")
    assert "panel-faults" not in names and "panel-requests" not in names and "panel-node-usage" not in names
    assert {"panel-replicas", "panel-node-states", "panel-pods-per-node", "panel-events", "panel-pod-usage"} <= set(names)
    assert fault_phases(run)[0] == [] and request_success(run).empty


def test_node_states_count_every_node_once(tmp_path: Path) -> None:
    write_outputs(run_config(duration_s=200.0, faults=[{"name": "NodeCrash", "args": {"at_s": 50, "nodes": ["n-2"]}}]), tmp_path,
                  plot=False)
    df = node_states(read_run(tmp_path))
    per_time = df.groupby("t")["nodes"].sum()
    assert (per_time == 6).all()
    last = df[df["t"] == df["t"].max()]
    assert dict(zip(last["state"], last["nodes"], strict=True)).get("NotReady") == 1


def test_fault_phases_follow_the_critical_path(quickstart_page: tuple[Path, list[str]]) -> None:
    run = read_run(quickstart_page[0].parent)
    labels, df = fault_phases(run)
    assert labels == ["NodeCrash node-4"]
    assert list(df["phase"])[:3] == ["detection (NotReady)", "taint", "toleration (eviction)"]
    assert (df["start"].diff().dropna() >= 0).all() and (df["end"] >= df["start"]).all()
    f = run.frame("faults").iloc[0]
    assert df["start"].iloc[0] == f["t_inject"] and df["end"].max() == f["t_replacements_ready"]


def test_cli_view_writes_run_and_sweep_pages_and_refuses_bad_folders(sweep_page: tuple[Path, list[str]], tmp_path: Path) -> None:
    page, names = sweep_page
    assert {"sweep-summary", "sweep-points", "sweep-runs", "sweep-curves"} <= set(names)
    out = tmp_path / "s.html"
    ok = cli("view", str(page.parent), "--out", str(out))
    assert ok.exit_code == 0 and out.stat().st_size > 100_000
    for bad in ("/nonexistent/run", str(tmp_path)):
        res = cli("view", bad)
        assert res.exit_code == 2 and res.stderr.count("\n") == 1 and "Traceback" not in res.stderr


def test_a_managed_run_draws_its_pools_and_their_cost(tmp_path: Path) -> None:
    from clustersim.config.load import validate_dict
    from clustersim.dashboard.data import pool_series
    from clustersim.sim import run
    from tests.cloud.test_cloud_layer import managed

    pools = [{"name": "od", "instance_type": "m5.xlarge", "min_size": 2, "max_size": 4},
             {"name": "spot", "instance_type": "m5.xlarge", "min_size": 1, "max_size": 3, "capacity_type": "spot"}]
    cfg = managed(pools=pools, duration_s=400.0, faults=[{"name": "InstanceTermination", "args": {"at_s": 60, "nodes": ["od-0"]}}])
    write_outputs(run(validate_dict(cfg, "managed.yaml")), tmp_path, plot=False)
    rd = read_run(tmp_path)
    names = write_run_page(rd, tmp_path / "view.html")
    assert "panel-cloud" in names
    series = pool_series(rd)
    assert set(series) == {"od", "spot"}
    for name, p in rd.summary["cloud"]["pools"].items():
        assert abs(series[name]["cost"][-1] - p["cost"]) < 1e-9  # the drawn cost ends at the summary's
        assert series[name]["nodes"][-1] == p["nodes_at_end"]
    od = series["od"]
    # the ASG's replacement is billed from its launch (70 s) while od-0 is billed until it is gone (90 s)
    assert od["t_vms"][:3] == [0.0, 70.0, 90.0] and od["vms"][:3] == [2.0, 3.0, 2.0]
    assert min(od["nodes"]) == 1.0 and od["nodes"][-1] == 2.0  # one Node short between its deletion and the new one's
