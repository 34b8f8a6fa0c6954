"""Sweeps: identical results whatever the executor; no finished run lost on interruption; failures named."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clustersim.sweep import runner
from clustersim.sweep.runner import SweepError, sweep
from clustersim.sweep.store import ResultStore
from tests.sweep.conftest import ROOT, write_experiment


def _comparable(df: pd.DataFrame) -> pd.DataFrame:
    return df.drop(columns=[c for c in df.columns if c.startswith("stats.")]).sort_values("run_id").reset_index(drop=True)


def test_local_pool_and_dask_give_identical_results(tiny: Path, tmp_path: Path) -> None:
    inline = sweep(tiny, tmp_path / "inline", workers=1)
    pool = sweep(tiny, tmp_path / "pool", workers=2)
    dask = sweep(tiny, tmp_path / "dask", workers=2, executor="dask")
    assert len(inline) == 4 and inline["error"].isna().all()
    pd.testing.assert_frame_equal(_comparable(inline), _comparable(pool))
    pd.testing.assert_frame_equal(_comparable(inline), _comparable(dask))
    ts = [ResultStore(tmp_path / k).frame("timeseries").sort_values(["run_id", "t", "metric", "name"], kind="stable")
          .reset_index(drop=True) for k in ("inline", "dask")]
    pd.testing.assert_frame_equal(ts[0], ts[1])
    # replications differ (different seeds pick different nodes), points share seeds
    assert inline.groupby("replication")["seed"].nunique().eq(1).all()
    assert inline["seed"].nunique() == 2


def test_in_memory_sweep_returns_the_same_rows(tiny: Path, tmp_path: Path) -> None:
    on_disk = sweep(tiny, tmp_path / "a")
    in_memory = sweep(tiny)
    pd.testing.assert_frame_equal(_comparable(on_disk), _comparable(in_memory))
    # the metric follows the knob: a longer grace period detects the crash later
    by = in_memory.groupby("grace")["detection_s"].mean()
    assert by[50] > by[20]


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_sigint_midway_then_resume_has_every_run_exactly_once(tmp_path: Path) -> None:
    path = write_experiment(tmp_path, replications=60, overrides={"duration_s": 300, "faults.0.args.nodes": []})
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "clustersim", "sweep", str(path), "--out", str(out), "--no-report"]
    # a test process started as a background job inherits SIGINT ignored, and Python keeps an ignored SIGINT
    # ignored: give the sweep the default disposition, as a terminal's foreground job has, so Ctrl-C is what arrives
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_default_sigint)
    store = ResultStore(out)
    deadline = time.monotonic() + 120
    while len(store.completed()) < 5 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    done_before = store.completed()
    assert proc.returncode == 130, err
    assert "--resume" in err and "Traceback" not in err
    assert 5 <= len(done_before) < 120
    assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"
    again = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 1 and "already holds results" in again.stderr
    resumed = subprocess.run(cmd + ["--resume"], cwd=ROOT, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    runs = store.runs()
    assert len(runs) == 120 and runs["run_id"].is_unique
    assert set(runs["run_id"]) == {f"p{p:03d}-r{r:03d}" for p in range(2) for r in range(60)}
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"
    # runs finished before the interruption were kept, not rerun
    for rid in done_before:
        assert (out / "runs" / rid / "summary.parquet").stat().st_mtime < (out / "manifest.json").stat().st_mtime


def test_killed_sweep_leaves_only_complete_runs(tmp_path: Path) -> None:
    path = write_experiment(tmp_path, replications=60, overrides={"duration_s": 300, "faults.0.args.nodes": []})
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "clustersim", "sweep", str(path), "--out", str(out), "--no-report"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    store = ResultStore(out)
    deadline = time.monotonic() + 120
    while len(store.completed()) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    for rid in store.completed():  # every folder that exists is whole
        for name in ("summary", "timeseries", "events", "faults"):
            pd.read_parquet(out / "runs" / rid / f"{name}.parquet")
    runs = sweep(path, out, resume=True)
    assert len(runs) == 120 and runs["run_id"].is_unique


def test_a_run_that_raises_is_recorded_and_named(tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = runner.execute_run

    def flaky(task: runner.RunTask) -> runner.RunOutput:
        if task.run_id == "p001-r000":
            task.config["duration_s"] = "not a number"  # fails validation inside the worker
        return real(task)

    monkeypatch.setattr(runner, "execute_run", flaky)
    with pytest.raises(SweepError, match="p001-r000"):
        sweep(tiny, tmp_path / "out")
    store = ResultStore(tmp_path / "out")
    assert len(store.completed()) == 3
    errs = store.errors()
    assert [e["run_id"] for e in errs] == ["p001-r000"] and "duration_s" in errs[0]["error"]
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["status"] == "failed"
    monkeypatch.setattr(runner, "execute_run", real)
    runs = sweep(tiny, tmp_path / "out", resume=True)  # the failed run is retried
    assert len(runs) == 4 and not store.errors()


def test_precision_adds_replications_until_the_interval_is_narrow(tiny: Path) -> None:
    runs = sweep(tiny, overrides={"replications": 2, "metrics": ["detection_s", "convergence_s"],
                                  "precision": {"metric": "detection_s", "half_width": 2.5, "max_replications": 12, "batch": 3}})
    for _, df in runs.groupby("point"):
        v = df["detection_s"].to_numpy(float)
        n = len(v)
        from clustersim.sweep.stats import half_width

        assert n == 12 or half_width(v) <= 2.5
        assert n > 2  # two seeds are never enough for +-2.5 s on a 0-10 s lease offset
        assert sorted(df["replication"]) == list(range(n))
    assert np.all(runs.groupby("point").size() <= 12)
