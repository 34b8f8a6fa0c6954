"""A tiny experiment on the quick-start config, written to a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def write_experiment(folder: Path, **over: object) -> Path:
    """An experiment file in ``folder`` whose base is the shipped quick-start config."""
    spec = {
        "name": "tiny",
        "base": str(ROOT / "configs" / "quickstart.yaml"),
        "overrides": {"duration_s": 400, "faults.0.args.nodes": []},
        "axes": [{"name": "grace", "param": "controller_manager.node_monitor_grace_period_s", "values": [20, 50]}],
        "replications": 2,
        "metrics": ["convergence_s", "availability_min", "detection_s"],
    }
    spec.update(over)
    path = folder / "tiny.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return write_experiment(tmp_path)
