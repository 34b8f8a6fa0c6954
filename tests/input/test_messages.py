"""Messages that say what is wrong and what to do, and a metric that no longer miscounts."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from clustersim.conformance.runner import main as conformance_main
from clustersim.sweep.metrics import run_metrics
from tests.conftest import BASE, ROOT, run_config, shared_path
from tests.input.cli import assert_bad_input, invoke


def test_run_of_an_experiment_says_to_sweep_it(tmp_path: Path) -> None:
    exp = ROOT / "experiments" / "node-failure-recovery.yaml"
    line = assert_bad_input(invoke("run", str(exp), "--out", str(tmp_path / "out")), str(exp), "", "is an experiment file")
    assert f"clustersim sweep {exp}" in line and "Field required" not in line
    assert not (tmp_path / "out").exists()


def test_sweep_of_a_config_says_to_run_it(tmp_path: Path) -> None:
    cfg = ROOT / "configs" / "quickstart.yaml"
    line = assert_bad_input(invoke("sweep", str(cfg), "--out", str(tmp_path / "out")), str(cfg), "", "is a config file, not an experiment")
    assert "clustersim run" in line and "Field required" not in line


def test_conformance_kind_matching_nothing_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    cases = shared_path("oracle", "k8s_cases_2.json")
    assert conformance_main([str(cases), "--kind", "NoSuchKind"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "--kind NoSuchKind: no case kind starts with it" in err and "dns" in err


def test_availability_leaves_out_deployments_of_zero_replicas() -> None:
    idle = copy.deepcopy(BASE["deployments"][0])
    idle.update(name="idle", replicas=0)
    result = run_config(deployments=[BASE["deployments"][0], idle], duration_s=120)
    assert result.summary["deployments"]["default/idle"]["desired"] == 0
    web = result.summary["deployments"]["default/web"]["availability"]
    m = run_metrics(result.summary)
    assert m["availability_min"] == m["availability_mean"] == web == 1.0
    assert m["ready_ratio_min"] == 1.0
    only_idle = run_metrics({"deployments": {"default/idle": result.summary["deployments"]["default/idle"]}})
    assert only_idle["availability_min"] != only_idle["availability_min"]  # NaN: nothing to be available
