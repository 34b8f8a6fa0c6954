"""The recorder's tables: chunked, in memory or streamed, read back as the same frames."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import clustersim.metrics.tables as tables
from clustersim.config import load_config
from clustersim.env import ClusterEnv
from clustersim.metrics import frames
from clustersim.metrics.recorder import Recorder
from clustersim.metrics.summary import SUMMARY_EVENT_KINDS, SUMMARY_EVENT_REASONS, SUMMARY_SERIES, summarize
from clustersim.sim import run
from tests.conftest import ROOT


def _record(rec: Recorder, env: ClusterEnv) -> None:
    """Three pods created in order a, b, c; deleted c, a; b still exists; a late mark on a."""
    for name in "abc":
        rec.pod(f"uid-{name}", "ns", name, "w")
        rec.event("Pod", "ns", name, "Scheduled", f"assigned {name}", "n1")
        rec.level("pods_running", 1.0, "ns", name)
    env.run(until=5)
    rec.pod_mark("uid-c", "deleted_s")
    rec.pod_mark("uid-a", "started_s")
    rec.pod_mark("uid-a", "deleted_s")
    env.run(until=7)
    rec.pod_mark("uid-a", "ready_s")  # after its record became a row (a cut-off kubelet)
    rec.pod_restarted("uid-a")
    rec.pod_mark("uid-a", "started_s")  # the first started time wins, as for a live record
    rec.pod_mark("uid-b", "started_s")


@pytest.mark.parametrize("streamed", [False, True])
def test_tables_give_the_recorded_rows_in_creation_order(streamed: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "CHUNK_ROWS", 2)  # several chunks even for a few rows
    env = ClusterEnv(1)
    rec = Recorder(env, tmp_path if streamed else None, frames.schema_for)
    _record(rec, env)
    pods = frames.finalize(rec) if streamed else frames.pod_table(rec)
    df = frames.table_frame(pods, "pods")
    assert df["name"].tolist() == ["a", "b", "c"]
    a = df.set_index("name").loc["a"]
    assert (a["started_s"], a["ready_s"], a["deleted_s"], a["restarts"]) == (5.0, 7.0, 5.0, 1)
    assert pd.isna(df.set_index("name").loc["b", "deleted_s"])
    ev = frames.events(rec)
    assert ev["name"].tolist() == ["a", "b", "c"] and str(ev["name"].dtype) == "string"
    assert frames.events(rec, reasons=["Pulled"]).empty
    assert len(frames.timeseries(rec, metrics=["pods_running"])) == 3
    if streamed:
        assert sorted(p.name for p in tmp_path.iterdir()) == ["events.parquet", "node_status.parquet", "pod_status.parquet", "pods.parquet",
                                                              "timeseries.parquet"]  # no usage rows: no usage file
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "pods.parquet"), df)
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "events.parquet"), ev)


def test_a_streamed_run_writes_the_frames_it_returns(tmp_path: Path) -> None:
    cfg = load_config(ROOT / "configs" / "quickstart.yaml")
    mem, streamed = run(cfg), run(cfg, out=tmp_path)
    for name in ("timeseries", "events", "pods", "faults"):
        pd.testing.assert_frame_equal(getattr(mem, name), getattr(streamed, name))
    for name in ("timeseries", "events", "pods"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / f"{name}.parquet"), getattr(mem, name))
    assert mem.summary == streamed.summary


def test_the_summary_reads_only_the_rows_it_declares() -> None:
    """summarize over the whole frames equals summarize over the subsets the run passes it."""
    for name in ("quickstart", "zone-outage", "rolling-update-meets-crash"):
        cfg = load_config(ROOT / "configs" / f"{name}.yaml")
        res = run(cfg)
        full, _ = summarize(cfg, cfg.duration_s, res.timeseries, res.events, res.pods, res.frame("faults")[
            ["fault", "index", "target", "t_inject", "t_recover"]], res.requests)
        ts = res.timeseries[res.timeseries["metric"].isin(SUMMARY_SERIES)]
        ev = res.events[res.events["reason"].isin(SUMMARY_EVENT_REASONS) | res.events["kind"].isin(SUMMARY_EVENT_KINDS)]
        subset, _ = summarize(cfg, cfg.duration_s, ts, ev, res.pods, res.frame("faults")[
            ["fault", "index", "target", "t_inject", "t_recover"]], res.requests)
        assert str(full) == str(subset), name
