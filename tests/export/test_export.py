"""``clustersim export``: OpenMetrics that a real parser reads, carrying what the frames say; tidy files."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest
from prometheus_client.openmetrics.parser import text_string_to_metric_families

from clustersim.export import write_openmetrics, write_tidy
from clustersim.kubectl.snapshot import pods_at
from clustersim.rundir import RunDir
from tests.conftest import cli
from tests.kubectl.conftest import story  # noqa: F401  (the shared run)


@pytest.fixture(scope="module")
def metrics(story: RunDir, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list]:  # noqa: F811
    path = tmp_path_factory.mktemp("om") / "metrics.om"
    n = write_openmetrics(story, path, interval_s=10.0)
    text = path.read_text()
    assert text.endswith("# EOF\n") and n > 0
    families = {f.name: f.samples for f in text_string_to_metric_families(text)}  # raises on any format error
    return families


def _at(samples: list, t: float, epoch: float, **labels: str) -> list:
    return [s for s in samples if abs(float(s.timestamp) - (epoch + t)) < 1e-3 and all(s.labels.get(k) == v for k, v in labels.items())]


def test_every_family_has_kube_state_metrics_names(metrics: dict[str, list]) -> None:
    for name in ("kube_pod_status_phase", "kube_pod_status_ready", "kube_pod_container_status_restarts", "kube_pod_info",
                 "kube_node_status_condition", "kube_node_spec_taint", "kube_node_status_allocatable",
                 "kube_deployment_spec_replicas", "kube_deployment_status_replicas_ready", "container_cpu_usage_seconds",
                 "container_memory_working_set_bytes", "clustersim_service_requests"):
        assert metrics[name], name
    assert all(s.name == "kube_pod_container_status_restarts_total" for s in metrics["kube_pod_container_status_restarts"])


@pytest.mark.parametrize("t", [10.0, 60.0, 120.0, 200.0, 290.0])
def test_pod_phase_and_ready_match_the_frames(story: RunDir, metrics: dict[str, list], t: float) -> None:  # noqa: F811
    epoch = story.config.clock_start.timestamp()
    pods = pods_at(story, t)
    running = _at(metrics["kube_pod_status_phase"], t, epoch, phase="Running")
    assert {s.labels["pod"] for s in running if s.value == 1} == set(pods[pods["phase"] == "Running"]["name"])
    assert {s.labels["pod"] for s in running} == set(pods["name"])  # one series per existing pod, none for gone ones
    ready = _at(metrics["kube_pod_status_ready"], t, epoch, condition="true")
    assert {s.labels["pod"] for s in ready if s.value == 1} == set(pods[pods["ready"]]["name"])


@pytest.mark.parametrize("t", [50.0, 120.0, 290.0])
def test_node_conditions_and_deployments_match_the_frames(story: RunDir, metrics: dict[str, list], t: float) -> None:  # noqa: F811
    epoch = story.config.clock_start.timestamp()
    ts = story.frame("timeseries")
    ready = ts[(ts["metric"] == "node_ready") & (ts["t"] <= t)].groupby("name")["value"].last()
    cond = _at(metrics["kube_node_status_condition"], t, epoch, condition="Ready", status="true")
    assert {s.labels["node"]: s.value for s in cond} == ready.to_dict()
    dep = ts[(ts["metric"] == "ready_replicas") & (ts["t"] <= t)].groupby("name")["value"].last()
    got = _at(metrics["kube_deployment_status_replicas_ready"], t, epoch)
    assert {s.labels["deployment"]: s.value for s in got} == dep.to_dict()


def test_counters_never_decrease_and_cpu_integrates_usage(story: RunDir, metrics: dict[str, list]) -> None:  # noqa: F811
    series = defaultdict(list)
    for s in metrics["container_cpu_usage_seconds"]:
        series[s.labels["pod"]].append((float(s.timestamp), s.value))
    usage = story.frame("usage")
    for pod, points in series.items():
        values = [v for _, v in points]
        assert values == sorted(values)
        u = usage[usage["pod"] == pod]
        expected = float((u["cpu_m"].to_numpy()[:-1] / 1000 * u["t"].diff().to_numpy()[1:]).sum())
        assert values[-1] == pytest.approx(expected)
    req = story.frame("requests")
    total = _at(metrics["clustersim_service_requests"], 290.0, story.config.clock_start.timestamp(), service="web")
    assert total[0].value == req[req["t"] <= 290.0]["requests"].sum()


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_tidy_frames_round_trip(story: RunDir, tmp_path: Path, fmt: str) -> None:  # noqa: F811
    files = write_tidy(story, tmp_path, fmt)
    assert {f.stem for f in files} >= {"timeseries", "events", "pods", "pod_status", "node_status", "usage", "requests"}
    for f in files:
        back = pd.read_csv(f) if fmt == "csv" else pd.read_parquet(f)
        assert len(back) == len(story.frame(f.stem)) and list(back.columns) == list(story.frame(f.stem).columns)


def test_cli_export_and_its_bad_input(story: RunDir, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "m.om"
    ok = cli("export", str(story.path), "--out", str(out))
    assert ok.exit_code == 0 and "samples in" in ok.stdout and out.read_text().endswith("# EOF\n")
    bad = cli("export", str(tmp_path), "--format", "csv")
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1 and "not a run folder" in bad.stderr


def test_promtool_creates_blocks_from_it(story: RunDir, tmp_path: Path) -> None:  # noqa: F811
    if shutil.which("promtool") is None:
        why = "promtool (Debian: apt-get install prometheus; .ci/run installs it) is not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(why)
        pytest.skip(why)
    out = tmp_path / "m.om"
    write_openmetrics(story, out)
    proc = subprocess.run(["promtool", "tsdb", "create-blocks-from", "openmetrics", str(out), str(tmp_path / "tsdb")],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert any((tmp_path / "tsdb").iterdir())
