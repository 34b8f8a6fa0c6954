"""Figures of a run (the only matplotlib import): ready replicas and node states over time."""

from __future__ import annotations

from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

__all__ = ["plot_run"]


def _steps(ts: pd.DataFrame, metric: str, end: float, **labels: str) -> tuple[list[float], list[float]]:
    rows = ts[ts["metric"] == metric]
    for k, v in labels.items():
        rows = rows[rows[k] == v]
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


def plot_run(ts: pd.DataFrame, faults: pd.DataFrame, summary: dict[str, Any], title: str = "") -> Figure:
    """Serving vs desired replicas per workload over the recovery timeline (a Gantt of each node
    fault's critical path), and Ready / NotReady nodes."""
    end = float(summary["duration_s"])
    paths = [f for f in summary.get("faults", []) if f.get("t_not_ready") is not None or f.get("t_evicted") is not None]
    if paths:
        fig, (ax1, ax3, ax2) = plt.subplots(3, 1, figsize=(9, 7.5), sharex=True,
                                            height_ratios=[2, 0.35 + 0.25 * min(len(paths), 8), 1])
        _gantt(ax3, paths[:8])
    else:
        fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(9, 6), sharex=True, height_ratios=[2, 1])
    for i, key in enumerate([*summary["deployments"], *summary.get("stateful_sets", {})]):
        ns, name = key.split("/", 1)
        color = f"C{i}"
        t, v = _steps(ts, "serving_replicas", end, namespace=ns, name=name)
        ax1.step(t, v, where="post", color=color, label=f"{name} serving")
        t, v = _steps(ts, "ready_replicas", end, namespace=ns, name=name)
        ax1.step(t, v, where="post", color=color, alpha=0.5, linestyle=":", label=f"{name} readyReplicas (API)")
        t, v = _steps(ts, "desired_replicas", end, namespace=ns, name=name)
        ax1.step(t, v, where="post", color=color, alpha=0.35, linestyle="--", label=f"{name} desired")
    ax1.set_ylabel("replicas")
    if summary["deployments"]:
        ax1.legend(fontsize=7, ncol=3, loc="lower left")
    ax1.set_title(title or "Ready replicas over time")
    for metric, color, label in (("nodes_ready", "tab:green", "Ready"), ("nodes_not_ready", "tab:red", "NotReady / Unknown")):
        t, v = _steps(ts, metric, end)
        ax2.step(t, v, where="post", color=color, label=label)
    ax2.set_ylabel("nodes")
    ax2.set_xlabel("simulated time (s)")
    ax2.legend(fontsize=7, loc="center left")
    ax2.yaxis.get_major_locator().set_params(integer=True)
    for ax in (ax1, ax2):
        for t_inject in faults.get("t_inject", pd.Series(dtype=float)):
            ax.axvline(float(t_inject), color="k", linewidth=0.8, linestyle="-.")
        ax.grid(alpha=0.3)
    _shade_recovery(ax1, summary)
    fig.tight_layout()
    return fig


_GANTT = (("t_inject", "t_not_ready", "detection", "tab:red"),
          ("t_not_ready", "t_tainted", "taint", "tab:purple"),
          ("t_tainted", "t_evicted", "toleration", "tab:orange"),
          ("t_evicted", "t_replacements_scheduled", "create+schedule", "tab:olive"),
          ("t_replacements_scheduled", "t_replacements_pulled", "pull", "tab:cyan"),
          ("t_replacements_pulled", "t_replacements_ready", "start+ready", "tab:green"),
          ("t_replacements_ready", "t_in_endpoints_everywhere", "endpoints", "tab:blue"))


def _gantt(ax: Any, faults: list[dict[str, Any]]) -> None:
    """One bar per fault: the phases of its recovery critical path."""
    seen: set[str] = set()
    for y, f in enumerate(faults):
        for start, stop, label, color in _GANTT:
            a, b = f.get(start), f.get(stop)
            if a is None or b is None or b < a:
                continue
            ax.barh(y, max(b - a, 0.5), left=a, color=color, height=0.6, label=None if label in seen else label)
            seen.add(label)
    ax.set_yticks(range(len(faults)), [f"{f['fault']} {f['target']}" for f in faults], fontsize=7)
    ax.invert_yaxis()
    ax.legend(fontsize=6, ncol=7, loc="upper center", bbox_to_anchor=(0.5, 1.45), frameon=False)


_PHASES = (("t_inject", "t_not_ready", "detection", "tab:red"),
           ("t_tainted", "t_evicted", "toleration", "tab:orange"),
           ("t_evicted", "t_replacements_ready", "replacement", "tab:green"))


def _shade_recovery(ax: Any, summary: dict[str, Any]) -> None:
    """Shade each NodeCrash's critical path: detection, toleration wait, replacement."""
    top = ax.get_ylim()[1]
    for f in summary.get("faults", []):
        if f.get("t_not_ready") is None and f.get("t_evicted") is None:
            continue
        for start, end, label, color in _PHASES:
            a, b = f.get(start), f.get(end)
            if a is None or b is None or b <= a:
                continue
            ax.axvspan(a, b, color=color, alpha=0.08)
            ax.annotate(f"{label} {b - a:.0f} s", ((a + b) / 2, top), fontsize=7, ha="center", va="top", color=color)
