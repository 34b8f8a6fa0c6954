"""Experiment files that contradict themselves are refused, naming the field (they used to run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.input.cli import assert_bad_input, invoke

BASE = "name: e\nbase: base.yaml\nreplications: 2\nmetrics: [availability_min]\n"
GRACE = "controller_manager.node_monitor_grace_period_s"


@pytest.mark.parametrize(("extra", "field", "words"), [
    (f"axes:\n  - {{name: a, param: {GRACE}, values: [20, 40]}}\n  - {{name: b, param: {GRACE}, values: [30, 50]}}\n",
     "axes.1.param", f"{GRACE} is also set by axes.0"),
    (f"axes:\n  - {{name: a, param: [{GRACE}, {GRACE}], values: [20, 40]}}\n", "axes.0.param", f"{GRACE} is given twice"),
    ("axes:\n  - {name: a, param: deployments.0, values: [{name: x}]}\n  - {name: b, param: deployments.0.replicas, values: [1, 2]}\n",
     "axes.1.param", "deployments.0.replicas is inside deployments.0, set by axes.0"),
    (f"axes:\n  - {{name: a, param: {GRACE}, values: [20, 40, 20]}}\n", "axes.0.values", "20 appears twice"),
    ("axes:\n  - {name: a, param: deployments.0.labels, values: [{app: x}, {app: x}]}\n", "axes.0.values", "appears twice"),
    (f"axes:\n  - {{name: a, param: {GRACE}, values: [20, 40], labels: [x, x]}}\n", "axes.0.labels", "'x' appears twice"),
    ("plots:\n  - {kind: timeseries, window_s: [600, -60]}\n", "plots.0.window_s", "must be before its end"),
    ("precision: {metric: availability_min, half_width: 0.01, max_replications: 1}\nreplications: 5\n", "", ""),
    ("precision: {metric: availability_min, half_width: 0.01, max_replications: 3}\n", "", ""),
])
def test_contradictions_are_refused(tmp_path: Path, extra: str, field: str, words: str) -> None:
    (tmp_path / "base.yaml").write_text((ROOT / "configs" / "quickstart.yaml").read_text())
    exp = tmp_path / "exp.yaml"
    text = BASE + extra
    if "max_replications: 3" in extra:
        text = text.replace("replications: 2", "replications: 5")
        field, words = "precision.max_replications", "3 is below replications (5)"
    if "max_replications: 1" in extra:
        text = text.replace("replications: 2\n", "")
        field, words = "precision.max_replications", "greater than or equal to 2"
    exp.write_text(text)
    for cmd in ("validate", "sweep"):
        assert_bad_input(invoke(cmd, str(exp)), str(exp), field, words)


def test_the_shipped_experiments_hold_no_contradiction() -> None:
    for path in sorted((ROOT / "experiments").glob("*.yaml")):
        out = invoke("validate", str(path))
        assert out.code == 0, out.stderr
