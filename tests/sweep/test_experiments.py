"""Every shipped experiment validates, runs on a tiny version of itself, and its report renders."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from clustersim.sweep.report import write_report
from clustersim.sweep.runner import sweep
from clustersim.sweep.spec import load_experiment
from tests.sweep.conftest import ROOT

EXPERIMENTS = sorted((ROOT / "experiments").glob("*.yaml"))


def test_the_four_questions_are_shipped() -> None:
    assert {p.stem for p in EXPERIMENTS} >= {"node-failure-recovery", "zone-outage", "placement-policy", "rolling-update-node-failure"}


def _tiny(path: Path) -> dict:
    """Two values per axis, one replication, no precision rounds."""
    spec = load_experiment(path).spec
    axes = []
    for a in spec.axes:
        d = a.model_dump(exclude_none=True)
        if a.values is not None:
            d["values"] = list(a.values[:2])
            if a.labels is not None:
                d["labels"] = list(a.labels[:2])
        axes.append(d)
    return {"axes": axes, "replications": 1, "precision": None}


@pytest.mark.parametrize("path", EXPERIMENTS, ids=lambda p: p.stem)
def test_experiment_smoke_and_report(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "results"
    runs = sweep(path, out, workers=1, overrides=_tiny(path))
    assert len(runs) >= 1 and runs["error"].isna().all()
    html = write_report(out)
    text = html.read_text()
    spec = load_experiment(path).spec
    assert text.count("<img ") == len(spec.plots)
    assert "data:image/png;base64," in text and spec.name in text
    figs = sorted((out / "report" / "figures").iterdir())
    assert len(figs) == 2 * len(spec.plots) and {f.suffix for f in figs} == {".png", ".svg"}
    md = (out / "report" / "summary.md").read_text()
    assert "| " in md and f"{len(runs)} runs" in md


def test_report_cli_on_a_folder_without_runs_is_one_line(tmp_path: Path) -> None:
    p = subprocess.run([sys.executable, "-m", "clustersim", "report", str(tmp_path)], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "no finished runs" in p.stderr
