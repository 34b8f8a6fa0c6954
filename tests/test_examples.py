"""The shipped examples cannot go stale: results/examples/ and the README's generated blocks are what
``scripts/regenerate_examples.py`` makes from today's code (a few sweep runs are rerun to check)."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from clustersim.config import load_config
from clustersim.output import format_summary, write_outputs
from clustersim.sim import run
from clustersim.sweep.design import design_points, replication_seed, run_id
from clustersim.sweep.report import _markdown, _table
from clustersim.sweep.runner import RunTask, execute_run
from clustersim.sweep.spec import load_experiment
from clustersim.sweep.stats import aggregate
from tests.conftest import ROOT

FIX = "run: python scripts/regenerate_examples.py"


@pytest.fixture(scope="module")
def regen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("regenerate_examples", ROOT / "scripts" / "regenerate_examples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _block(name: str) -> str:
    readme = (ROOT / "README.md").read_text()
    return readme.split(f"<!-- generated:{name} -->\n", 1)[1].split(f"<!-- /generated:{name} -->", 1)[0].rstrip("\n")


def test_the_quick_start_example_is_a_fresh_run(regen: ModuleType, tmp_path: Path) -> None:
    result = run(load_config(ROOT / "configs" / "quickstart.yaml"))
    write_outputs(result, tmp_path, plot=False)
    fresh = regen.stable_summary(json.loads((tmp_path / "summary.json").read_text()))
    shipped = json.loads((regen.EXAMPLES / "quickstart" / "summary.json").read_text())
    assert shipped == fresh, FIX
    printed = regen.quickstart_block(format_summary(result, "configs/quickstart.yaml"))
    assert _block("quickstart-output") == f"```\n{printed}\n```", FIX
    for name in ("replicas.png", "viewer.png"):
        assert (regen.EXAMPLES / "quickstart" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name


@pytest.fixture(scope="module")
def shipped_runs(regen: ModuleType) -> pd.DataFrame:
    return pd.read_csv(regen.EXAMPLES / "node-failure-recovery" / "runs.csv")


@pytest.mark.parametrize("rid", ["p000-r000", "p007-r004", "p015-r009"])
def test_shipped_sweep_runs_are_what_the_code_gives_today(regen: ModuleType, shipped_runs: pd.DataFrame, rid: str) -> None:
    exp = load_experiment(regen.EXPERIMENT)
    p, r = int(rid[1:4]), int(rid[6:9])
    point = design_points(exp.spec)[p]
    seed = replication_seed(exp.spec.seed, r)
    params = {a.name: a.label(point[a.name]) for a in exp.spec.axes}
    out = execute_run(RunTask(run_id(p, r), p, r, seed, params, dict(exp.config_data(point), seed=seed), exp.base_path))
    assert out.error is None, out.error
    row = shipped_runs[shipped_runs["run_id"] == rid].iloc[0]
    assert int(row["seed"]) == seed
    for metric in exp.spec.metrics:
        got, want = out.row[metric], row[metric]
        assert (got is None or math.isnan(got)) if pd.isna(want) else got == pytest.approx(want, rel=1e-6), (rid, metric, FIX)


def test_the_table_and_the_reading_follow_from_the_shipped_runs(regen: ModuleType, shipped_runs: pd.DataFrame) -> None:
    exp = load_experiment(regen.EXPERIMENT)
    params, metrics = [a.name for a in exp.spec.axes], list(exp.spec.metrics)
    assert len(shipped_runs) == len(design_points(exp.spec)) * exp.spec.replications
    table = _markdown(_table(aggregate(shipped_runs, params, metrics), params, shipped_runs))
    summary = (regen.EXAMPLES / "node-failure-recovery" / "summary.md").read_text()
    for line in table.splitlines()[2:]:
        assert line in summary, (line, FIX)
    assert _block("sweep-reading") == regen.sweep_sentence(shipped_runs), FIX
