"""Figures of a run (the only matplotlib import): ready replicas and node states over time."""

from __future__ import annotations

from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

__all__ = ["MAX_WORKLOAD_LINES", "PLOT_METRICS", "plot_run"]

MAX_WORKLOAD_LINES = 12  # above this many workloads the figure shows their totals
# what plot_run reads (a caller may pass only these rows of the timeseries)
PLOT_METRICS = ("serving_replicas", "ready_replicas", "desired_replicas", "nodes_ready", "nodes_not_ready", "pods_running",
                "pods_pending", "pods_terminating", "pods_completed", "cluster_cpu_allocation")


class _Rows:
    """The timeseries split once by (metric, namespace, name): a figure asks for hundreds of series."""

    def __init__(self, ts: pd.DataFrame) -> None:
        self.ts = ts
        self.parts = ts.groupby(["metric", "namespace", "name"], sort=False).indices if len(ts) else {}

    def of(self, metric: str, **labels: str) -> pd.DataFrame:
        """Rows of ``metric`` with these labels (all namespaces and names unless given), in frame order."""
        if "namespace" in labels and "name" in labels:
            idx = self.parts.get((metric, labels["namespace"], labels["name"]))
            rows = self.ts.iloc[idx] if idx is not None else self.ts.iloc[0:0]
            return rows[rows["zone"] == labels["zone"]] if "zone" in labels else rows
        rows = self.ts[self.ts["metric"] == metric]
        for k, v in labels.items():
            rows = rows[rows[k] == v]
        return rows


def _steps(ts: pd.DataFrame | _Rows, metric: str, end: float, **labels: str) -> tuple[list[float], list[float]]:
    rows = (ts if isinstance(ts, _Rows) else _Rows(ts)).of(metric, **labels)
    if "zone" not in labels and rows["zone"].nunique() > 1:
        rows = rows.sort_values("t")
        per_zone: dict[str, float] = {}
        t_out: list[float] = []
        v_out: list[float] = []
        for t, zone, value in zip(rows["t"], rows["zone"], rows["value"], strict=True):
            per_zone[zone] = value
            t_out.append(float(t))
            v_out.append(sum(per_zone.values()))
        rows = pd.DataFrame({"t": t_out, "value": v_out}).drop_duplicates("t", keep="last")
    times = [float(x) for x in rows["t"]]
    values = [float(x) for x in rows["value"]]
    if times:
        times.append(end)
        values.append(values[-1])
    return times, values


def _total(rows: _Rows, metric: str, keys: list[tuple[str, str]], end: float) -> tuple[list[float], list[float]]:
    """The sum over workloads ``keys`` of one level metric, as a step function (the changes of every
    workload merged in time order)."""
    times, deltas = [], []
    for ns, name in keys:
        t, v = _steps(rows, metric, end, namespace=ns, name=name)
        if t:
            times.append(np.asarray(t[:-1]))
            deltas.append(np.diff(np.asarray(v[:-1]), prepend=0.0))
    if not times:
        return [], []
    t_all, d_all = np.concatenate(times), np.concatenate(deltas)
    order = np.argsort(t_all, kind="stable")
    t_all, v_all = t_all[order], np.cumsum(d_all[order])
    last = np.append(t_all[1:] != t_all[:-1], True)  # the value after every change at one time
    return [*t_all[last].tolist(), end], [*v_all[last].tolist(), float(v_all[-1])]


def plot_run(ts: pd.DataFrame, faults: pd.DataFrame, summary: dict[str, Any], title: str = "") -> Figure:
    """Serving vs desired replicas per workload (or the pods of a trace replay, which has no workloads), the
    recovery timeline (a Gantt of every node fault's critical path), and Ready / NotReady nodes."""
    end = float(summary["duration_s"])
    rows = _Rows(ts[ts["metric"].isin(PLOT_METRICS)])
    paths = [f for f in summary.get("faults", []) if f.get("t_not_ready") is not None or f.get("t_evicted") is not None]
    workloads = [*summary["deployments"], *summary.get("stateful_sets", {})]
    if paths:
        gantt_h = 0.5 + 0.22 * min(len(paths), 40)
        fig, (ax1, ax3, ax2) = plt.subplots(3, 1, figsize=(11, 5.5 + gantt_h), sharex=True, height_ratios=[2.2, gantt_h, 1.1],
                                            layout="constrained")
        _gantt(ax3, paths)
    else:
        fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(11, 6), sharex=True, height_ratios=[2, 1], layout="constrained")
    if workloads:
        _replicas(ax1, rows, end, workloads, summary)
        ax1.set_title(title or "Replicas over time: serving (solid), readyReplicas in the API (dotted), desired (dashed)")
    else:
        _pods(ax1, rows, end)
        ax1.set_title(title or "Pods over time (the run has no Deployments or StatefulSets)")
    _nodes(ax2, rows, end)
    for ax in (ax1, ax2):
        for t_inject in faults.get("t_inject", pd.Series(dtype=float)):
            ax.axvline(float(t_inject), color="k", linewidth=0.6, linestyle="-.", alpha=0.6)
        ax.grid(alpha=0.3)
    _shade_recovery(ax1, summary, labels=len(paths) <= 2)
    return fig


def _replicas(ax: Any, ts: _Rows, end: float, workloads: list[str], summary: dict[str, Any]) -> None:
    lows, highs = [], []
    if len(workloads) > MAX_WORKLOAD_LINES:  # one line per workload would be unreadable: their totals instead
        keys = [(k.split("/", 1)[0], k.split("/", 1)[1]) for k in workloads]
        firsts = [r for r in ((summary["deployments"].get(k) or {}).get("initial_ready_s") for k in workloads) if r is not None]
        for metric, style, label in (("serving_replicas", {}, "serving"), ("ready_replicas", {"alpha": 0.5, "linestyle": ":"},
                                     "readyReplicas (API)"), ("desired_replicas", {"alpha": 0.35, "linestyle": "--"}, "desired")):
            t, v = _total(ts, metric, keys, end)
            ax.step(t, v, where="post", color="C0", label=f"all {len(workloads)} workloads {label}", **style)
            if metric == "serving_replicas" and v and firsts and any(tt >= max(firsts) for tt in t):
                lows.append(min(x for x, tt in zip(v, t, strict=True) if tt >= max(firsts)))
                highs.append(max(v))
        workloads = []
    for i, key in enumerate(workloads):
        ns, name = key.split("/", 1)
        color = f"C{i % 10}"
        t, v = _steps(ts, "serving_replicas", end, namespace=ns, name=name)
        ax.step(t, v, where="post", color=color, label=f"{name} serving")
        ready_at = (summary["deployments"].get(key) or {}).get("initial_ready_s")
        if ready_at is not None and v:
            lows.append(min(x for x, tt in zip(v, t, strict=True) if tt >= ready_at) if any(tt >= ready_at for tt in t) else 0)
            highs.append(max(v))
        t, v = _steps(ts, "ready_replicas", end, namespace=ns, name=name)
        ax.step(t, v, where="post", color=color, alpha=0.5, linestyle=":", label=f"{name} readyReplicas (API)")
        t, v = _steps(ts, "desired_replicas", end, namespace=ns, name=name)
        ax.step(t, v, where="post", color=color, alpha=0.35, linestyle="--", label=f"{name} desired")
    if lows and min(lows) > 0.5 * max(highs):  # large workloads: show the dips, not the start-up ramp
        span = max(max(highs) - min(lows), 1.0)
        ax.set_ylim(min(lows) - 0.6 * span, max(highs) + 0.25 * span)
    ax.set_ylabel("replicas")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)


def _pods(ax: Any, ts: _Rows, end: float) -> None:
    for metric, color, label in (("pods_running", "tab:green", "Running"), ("pods_pending", "tab:orange", "Pending"),
                                 ("pods_terminating", "tab:red", "Terminating"), ("pods_completed", "tab:gray", "Completed")):
        t, v = _steps(ts, metric, end)
        if t and max(v) > 0:
            ax.step(t, v, where="post", color=color, label=label)
    ax.set_ylabel("pods")
    t, v = _steps(ts, "cluster_cpu_allocation", end)
    if t:
        twin = ax.twinx()
        twin.step(t, [100 * x for x in v], where="post", color="tab:blue", alpha=0.6, label="CPU requested (% of allocatable)")
        twin.set_ylabel("CPU requested (%)")
        twin.legend(fontsize=7, loc="lower left", bbox_to_anchor=(1.06, 0.0), frameon=False)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.06, 1.0), frameon=False)


def _nodes(ax: Any, ts: _Rows, end: float) -> None:
    """Ready nodes (left axis) and NotReady nodes (right axis: a few among thousands stay visible)."""
    t, v = _steps(ts, "nodes_ready", end)
    ax.step(t, v, where="post", color="tab:green", label="Ready (left)")
    ax.set_ylabel("Ready nodes")
    ax.set_xlabel("simulated time (s)")
    ax.yaxis.get_major_locator().set_params(integer=True)
    t, v = _steps(ts, "nodes_not_ready", end)
    twin = ax.twinx()
    if t:
        twin.step(t, v, where="post", color="tab:red", label="NotReady / Unknown (right)")
    twin.set_ylabel("NotReady nodes", color="tab:red")
    twin.set_ylim(bottom=0, top=max(max(v, default=0) * 1.3, 1))
    twin.yaxis.get_major_locator().set_params(integer=True)
    lines = ax.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
    ax.legend(lines, [h.get_label() for h in lines], fontsize=7, loc="upper left", bbox_to_anchor=(1.06, 1.0), frameon=False)


_GANTT = (("t_inject", "t_not_ready", "detection", "tab:red"),
          ("t_not_ready", "t_tainted", "taint", "tab:purple"),
          ("t_tainted", "t_evicted", "toleration", "tab:orange"),
          ("t_evicted", "t_replacements_scheduled", "create+schedule", "tab:olive"),
          ("t_replacements_scheduled", "t_replacements_pulled", "pull", "tab:cyan"),
          ("t_replacements_pulled", "t_replacements_ready", "start+ready", "tab:green"),
          ("t_replacements_ready", "t_in_endpoints_everywhere", "endpoints", "tab:blue"))


def _gantt(ax: Any, faults: list[dict[str, Any]]) -> None:
    """One bar per fault: the phases of its recovery critical path (every fault; labels up to 40 rows)."""
    seen: set[str] = set()
    for y, f in enumerate(faults):
        for start, stop, label, color in _GANTT:
            a, b = f.get(start), f.get(stop)
            if a is None or b is None or b < a:
                continue
            ax.barh(y, max(b - a, 0.5), left=a, color=color, height=0.7, label=None if label in seen else label)
            seen.add(label)
    if len(faults) <= 40:
        ax.set_yticks(range(len(faults)), [f"{f['fault']} {f['target']}" for f in faults], fontsize=7)
    else:
        ax.set_yticks([])
        ax.set_ylabel(f"{len(faults)} faults")
    ax.invert_yaxis()
    ax.set_title("Recovery critical path of each node fault", fontsize=9)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.grid(axis="x", alpha=0.3)


_PHASES = (("t_inject", "t_not_ready", "detection", "tab:red"),
           ("t_tainted", "t_evicted", "toleration", "tab:orange"),
           ("t_evicted", "t_replacements_ready", "replacement", "tab:green"))


def _shade_recovery(ax: Any, summary: dict[str, Any], labels: bool = True) -> None:
    """Shade each node fault's critical path: detection, toleration wait, replacement (labelled for one or two faults;
    with more, the Gantt below names them and labels would overprint)."""
    top = ax.get_ylim()[1]
    for f in summary.get("faults", []):
        if f.get("t_not_ready") is None and f.get("t_evicted") is None:
            continue
        for start, end, label, color in _PHASES:
            a, b = f.get(start), f.get(end)
            if a is None or b is None or b <= a:
                continue
            ax.axvspan(a, b, color=color, alpha=0.08)
            if labels:
                ax.annotate(f"{label} {b - a:.0f} s", ((a + b) / 2, top), fontsize=7, ha="center", va="top", color=color)
