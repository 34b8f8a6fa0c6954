"""Bad input: one line naming file and field, exit code 2, no traceback, nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from clustersim.config import ConfigError, load_config
from tests.conftest import ROOT

QUICKSTART = (ROOT / "configs" / "quickstart.yaml").read_text()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "clustersim", *args], capture_output=True, text=True, check=False)


@pytest.mark.parametrize(("text", "field", "words"), [
    ("cluster: [unclosed", "line", "expected"),
    (QUICKSTART.replace("seed: 1", "seed: 1\nsede: 2"), "sede", "unknown field"),
    (QUICKSTART.replace("cpu: 250m", "cpu: -250m"), "deployments.0.containers.0.requests.cpu", "negative quantity"),
    (QUICKSTART.replace("memory: 16Gi, pods", "memory: 16Gb, pods"), "cluster.node_pools.0.capacity.memory", "not a quantity: '16Gb'"),
    (QUICKSTART.replace("zones: [zone-a, zone-b, zone-c]", "zones: [zone-a, zone-b, zone-c]\n  node_pools_x: 1"), "cluster.node_pools_x", "unknown field"),
    (QUICKSTART.replace("count: 12", "count: 12\n      zones: [zone-d]"), "cluster.node_pools.0.zones", "unknown zone 'zone-d'"),
    (QUICKSTART.replace("nodes: [node-4]", "nodes: [node-99]"), "faults.0.args.nodes.0", "unknown node 'node-99'"),
    (QUICKSTART.replace("name: NodeCrash", "name: NodeCrsh"), "faults.0.name", "unknown fault 'NodeCrsh'"),
    (QUICKSTART.replace("at_s: 120", "at_s: -5"), "faults.0.args.at_s", "greater than or equal to 0"),
    (QUICKSTART.replace("at_s: 120", "at_s: 5000"), "faults.0.args.at_s", "not before the end"),
    (QUICKSTART.replace("strategy: Recreate", "strategy: Sideways"), "deployments.2.strategy", "Input should be"),
    (QUICKSTART.replace("replicas: 9", "replicas: -1", 1), "deployments.0.replicas", "greater than or equal to 0"),
])
def test_bad_config_is_one_line_exit_2_nothing_written(tmp_path: Path, text: str, field: str, words: str) -> None:
    cfg = tmp_path / "bad.yaml"
    cfg.write_text(text)
    out = tmp_path / "out"
    proc = _cli("run", str(cfg), "--out", str(out))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"error: {cfg}: {field}"), lines[0]
    assert words in lines[0], lines[0]
    assert "Traceback" not in proc.stderr
    assert not out.exists()


def test_validate_command_and_set_errors(tmp_path: Path) -> None:
    ok = _cli("validate", str(ROOT / "configs" / "quickstart.yaml"))
    assert ok.returncode == 0 and ok.stdout.strip().endswith(": ok (12 nodes, 24 pods, 900 s simulated)")
    bad = _cli("validate", str(ROOT / "configs" / "quickstart.yaml"), "--set", "controller_manager.node_monitor_grace_period_s=-3")
    assert bad.returncode == 2 and "controller_manager.node_monitor_grace_period_s" in bad.stderr
    missing = _cli("validate", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 2 and "nope.yaml" in missing.stderr and len(missing.stderr.strip().splitlines()) == 1


def test_unknown_scheduler_plugin_and_bad_args(tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text(QUICKSTART + "\nscheduler:\n  profiles:\n    - scores:\n        - {name: NodeResourcesFit, args: {scoringStrategy: {resources: [{name: cpu, weight: 101}]}}}\n")
    with pytest.raises(ConfigError) as e:
        load_config(cfg)
    assert "scheduler.profiles.0.scores.0.args.scoringStrategy.resources[0].weight" in str(e.value)
    cfg.write_text(QUICKSTART + "\nscheduler:\n  profiles:\n    - filters: [NodeUnschedulable, Nope]\n")
    with pytest.raises(ConfigError, match="scheduler.profiles.0.filters.1: unknown plugin 'Nope'"):
        load_config(cfg)
