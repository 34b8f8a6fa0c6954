"""The quick start's promises, asserted from the event log and the summary."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from clustersim.config import load_config
from clustersim.sim import RunResult, run
from tests.conftest import ROOT

QUICKSTART = ROOT / "configs" / "quickstart.yaml"


@pytest.fixture(scope="module")
def default_run() -> RunResult:
    return run(load_config(QUICKSTART))


@pytest.fixture(scope="module")
def grace40_run() -> RunResult:
    return run(load_config(QUICKSTART, {"controller_manager.node_monitor_grace_period_s": 40}))


def _path(result: RunResult) -> dict:
    (fault,) = result.summary["faults"]
    return fault


def test_node_not_ready_40_to_55_s_after_crash(default_run: RunResult) -> None:
    ev = default_run.events
    crash = ev[(ev.reason == "FaultInjected") & (ev.kind == "Node")]
    assert len(crash) == 1
    node, t_crash = crash.name.iloc[0], crash.t.iloc[0]
    not_ready = ev[(ev.reason == "NodeNotReady") & (ev.kind == "Node") & (ev.name == node)]
    assert len(not_ready) == 1
    assert 40 <= not_ready.t.iloc[0] - t_crash <= 55


def test_pods_evicted_300_s_after_taint(default_run: RunResult) -> None:
    f = _path(default_run)
    ev = default_run.events
    evictions = ev[(ev.reason == "TaintManagerEviction") & (ev.node == f["target"]) & ev.message.str.startswith("Marking")]
    assert len(evictions) == f["evicted_pods"] > 0
    # DefaultTolerationSeconds gives every pod 300 s; the taint is seen one watch latency after it is set
    assert (evictions.t - f["t_tainted"]).between(300, 300 + 0.5).all()


def test_replacements_ready_after_schedule_pull_start(default_run: RunResult) -> None:
    f = _path(default_run)
    pods = default_run.pods
    evicted = set(default_run.events.query("reason == 'TaintManagerEviction'").name)
    new = pods[(pods.created_s >= f["t_evicted"]) & ~pods.name.isin(evicted)]
    assert len(new) == f["evicted_pods"]
    assert (new.scheduled_s >= new.created_s).all()
    assert (new.started_s > new.scheduled_s).all()
    assert (new.ready_s >= new.started_s).all()
    assert f["t_replacements_ready"] == pytest.approx(new.ready_s.max())
    # every replacement is on a healthy node
    assert not (new.node == f["target"]).any()


def test_convergence_breakdown_agrees_with_events(default_run: RunResult) -> None:
    f = _path(default_run)
    ev = default_run.events
    assert f["t_not_ready"] == ev[(ev.reason == "NodeNotReady") & (ev.kind == "Node")].t.min()
    assert f["detection_s"] == pytest.approx(f["t_not_ready"] - f["t_inject"])
    assert f["toleration_s"] == pytest.approx(f["t_evicted"] - f["t_tainted"])
    assert f["replacement_s"] == pytest.approx(f["t_replacements_ready"] - f["t_evicted"])
    # converged when the last replacement is ready (nothing else is pending in the quick start)
    assert f["t_inject"] + f["convergence_s"] == pytest.approx(f["t_replacements_ready"])


def test_grace_period_40_moves_everything_after_detection_10_s_earlier(default_run: RunResult, grace40_run: RunResult) -> None:
    a, b = _path(default_run), _path(grace40_run)
    assert a["target"] == b["target"] and a["t_inject"] == b["t_inject"]
    for key in ("t_not_ready", "t_tainted", "t_evicted", "t_replacements_ready"):
        assert a[key] - b[key] == pytest.approx(10.0), key
    assert a["convergence_s"] - b["convergence_s"] == pytest.approx(10.0)


def test_availability_reflects_the_outage(default_run: RunResult) -> None:
    f = _path(default_run)
    hit = set(default_run.pods[default_run.pods.node == f["target"]].workload)
    for key, d in default_run.summary["deployments"].items():
        name = key.split("/")[1]
        if name in hit:
            assert d["availability"] < 1.0 and d["min_serving_after_ready"] < d["desired"]
        else:
            assert d["availability"] == 1.0


def test_cli_run_writes_parquet_plot_and_summary(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "clustersim", "run", str(QUICKSTART), "--out", str(out),
                           "--set", "controller_manager.node_monitor_grace_period_s=40"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "convergence" in proc.stdout
    for name in ("summary.json", "timeseries.parquet", "events.parquet", "pods.parquet", "faults.parquet",
                 "config.yaml", "replicas.png"):
        assert (out / name).stat().st_size > 0, name
    ts = pd.read_parquet(out / "timeseries.parquet")
    assert list(ts.columns) == ["t", "metric", "namespace", "name", "zone", "value"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["faults"][0]["detection_s"] <= 45
    assert "controller_manager:\n  controllers:" in (out / "config.yaml").read_text()
    assert (out / "replicas.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_zone_labels_are_plain_zone_names(default_run: RunResult) -> None:
    ts = default_run.timeseries
    assert set(ts[ts.metric == "nodes_ready"].zone) == {"zone-a", "zone-b", "zone-c"}
