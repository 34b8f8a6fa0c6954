"""Write a run's outputs atomically: each file goes to a temporary name, then is renamed."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from clustersim.metrics.summary import NODE_FAULTS
from clustersim.sim import RunResult

__all__ = ["STREAMED", "format_summary", "write_outputs"]

# frames a run given an output folder writes there itself, as it runs (usage only when the run has any)
STREAMED = ("timeseries", "events", "pods", "pod_status", "node_status", "usage")


def _clean(obj: Any) -> Any:
    if isinstance(obj, float) and math.isnan(obj):
        return None
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if hasattr(obj, "item"):
        return obj.item()
    return obj


def _atomic(path: Path, write: Any) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    os.replace(tmp, path)


def write_outputs(result: RunResult, out: Path, plot: bool = True) -> list[str]:
    """Write summary.json, the Parquet frames, the resolved config and the plot; return file names."""
    out.mkdir(parents=True, exist_ok=True)
    files = []
    summary = _clean({**result.summary, "stats": result.stats})
    _atomic(out / "summary.json", lambda p: p.write_text(json.dumps(summary, indent=2) + "\n"))
    files.append("summary.json")
    streamed = result.out is not None and result.out.resolve() == out.resolve()
    names = ["timeseries", "events", "pods", "faults", "pod_status", "node_status"] + [
        n for n in ("explanations", "requests", "usage", "denied_requests") if (streamed and n in STREAMED and (out / f"{n}.parquet").is_file())
        or not (streamed and n in STREAMED) and not getattr(result, n).empty]
    for name in names:
        if streamed and name in STREAMED:
            files.append(f"{name}.parquet")  # written while the run ran
            continue
        df: pd.DataFrame = getattr(result, name)
        _atomic(out / f"{name}.parquet", lambda p, df=df: df.to_parquet(p, index=False))
        files.append(f"{name}.parquet")
    config = result.config.model_dump(mode="json")
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: the same YAML, many times faster
    _atomic(out / "config.yaml", lambda p: p.write_text(yaml.dump(config, Dumper=dumper, sort_keys=False)))
    files.append("config.yaml")
    if plot:
        from clustersim.report import PLOT_METRICS, plot_run

        fig = plot_run(result.select_timeseries(list(PLOT_METRICS)), result.faults, result.summary)
        _atomic(out / "replicas.png", lambda p: fig.savefig(p, dpi=110, format="png"))
        files.append("replicas.png")
    return files


def _t(v: Any) -> str:
    return "-" if v is None or (isinstance(v, float) and math.isnan(v)) else f"t={v:.1f} s"


def _d(v: Any, what: str) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else f"  (+{v:.1f} s {what})"


def format_summary(result: RunResult, source: str) -> str:
    """A short human-readable summary."""
    s, st = result.summary, result.stats
    lines = [f"clustersim: {source}, seed {result.seed}, {s['duration_s']:.0f} s simulated in "
             f"{result.runtime_s:.2f} s wall ({st['sim_events']:,} SimPy events)"]
    for f in s["faults"]:
        lines.append(f"Fault {f['fault']} on {f['target']} at t={f['t_inject']:.1f} s")
        if f["fault"] in NODE_FAULTS and f["fault"] != "NodeDrain":
            lines.append(f"  node NotReady           {_t(f.get('t_not_ready'))}{_d(f.get('detection_s'), 'detection')}")
            lines.append(f"  NoExecute taint         {_t(f.get('t_tainted'))}{_d(f.get('taint_s'), 'rate limiter')}")
            lines.append(f"  pods evicted ({f.get('evicted_pods', 0)})        {_t(f.get('t_evicted'))}{_d(f.get('toleration_s'), 'toleration')}")
            ready = _t(f.get("t_replacements_ready"))
            lines.append(f"  replacements Ready      {ready}{_d(f.get('replacement_s'), 'create, schedule, pull, start')}")
        conv = f.get("convergence_s")
        lines.append(f"  convergence             {'not converged by the end' if conv is None else f'{conv:.1f} s after injection'}")
    if s["deployments"]:  # a trace replay may have none: no empty table
        lines.append("Deployment            desired  availability  mean ready/desired  first whole at")
        for key, d in s["deployments"].items():
            av = "-" if d["availability"] is None else f"{100 * d['availability']:.1f} %"
            mr = "-" if d["mean_ready_ratio"] is None else f"{100 * d['mean_ready_ratio']:.1f} %"
            lines.append(f"  {key:<20}{d['desired']:>7}  {av:>12}  {mr:>18}  {_t(d['initial_ready_s'])}")
        lines.append("(availability: share of time, after the Deployment was first whole, with all desired replicas serving)")
    if s.get("services"):
        lines.append("Service                 type          >=1 endpoint  all endpoints  requests  failed  success")
        for key, sv in s["services"].items():
            pct = lambda v: "-" if v is None else f"{100 * v:.1f} %"  # noqa: E731
            ratio = "-" if sv["success_ratio"] is None else f"{100 * sv['success_ratio']:.2f} %"
            lines.append(f"  {key:<22}{sv['type']:<14}{pct(sv['any_endpoint']):>12}  {pct(sv['all_desired']):>13}  "
                         f"{sv['requests']:>8}  {sv['failed_requests']:>6}  {ratio:>7}")
    if s["pods_pending_at_end"]:
        lines.append(f"{s['pods_pending_at_end']} pod(s) still Pending at the end (see FailedScheduling in events.parquet)")
    return "\n".join(lines)
