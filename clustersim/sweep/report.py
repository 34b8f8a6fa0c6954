"""Experiment reports: figures from run DataFrames, and a self-contained HTML page plus Markdown.

Every plotting function takes DataFrames (from ``sweep()`` or ``ResultStore``) and returns a
matplotlib Figure, so a notebook can use them without the results folder.
"""

from __future__ import annotations

import base64
import html
import io
import math
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from clustersim.sweep.metrics import AGGREGATE_METRICS, level_sum, serving_ratio  # noqa: E402
from clustersim.sweep.spec import ExperimentSpec, PlotSpec  # noqa: E402
from clustersim.sweep.stats import aggregate, t_interval  # noqa: E402
from clustersim.sweep.store import ResultStore  # noqa: E402

__all__ = ["default_plots", "plot_cdf", "plot_metric_vs_axis", "plot_timeline", "plot_timeseries", "write_report"]

PHASES = (("detection_s", "detection (NotReady)"), ("taint_s", "taint"), ("toleration_s", "toleration (eviction)"),
          ("replacement_s", "replacement ready"))


def unit_of(metric: str) -> str:
    """Axis label for a metric, with its unit."""
    if metric.endswith("_s"):
        return f"{metric} (s)"
    if "availability" in metric or "ratio" in metric or "allocation" in metric or metric == "converged":
        return f"{metric} (fraction)"
    if metric.endswith("_pods") or metric.startswith("pods_"):
        return f"{metric} (pods)"
    return metric


def _order(values: pd.Series) -> list[Any]:
    uniq = list(dict.fromkeys(values.tolist()))
    try:
        return sorted(uniq)
    except TypeError:
        return uniq


def _numeric(values: list[Any]) -> bool:
    return all(isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool) for v in values)


def plot_metric_vs_axis(runs: pd.DataFrame, metric: str, axis: str, by: str | None = None) -> Figure:
    """Mean of ``metric`` against ``axis`` with a 95% confidence band, one line per value of ``by``.

    Other axes are pooled (the mean is over their values and all seeds).
    """
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    keys = [axis] + ([by] if by else [])
    st = aggregate(runs, keys, [metric])
    xs_all = _order(st[axis])
    numeric = _numeric(xs_all)
    groups = [(None, st)] if by is None else [(g, st[st[by] == g]) for g in _order(st[by])]
    for g, df in groups:
        df = df.set_index(axis).reindex(xs_all).dropna(subset=["mean"])
        x = df.index.to_numpy(float) if numeric else np.array([xs_all.index(v) for v in df.index])
        label = None if by is None else f"{by}={g}"
        ax.plot(x, df["mean"], marker="o", label=label)
        ax.fill_between(x, df["ci_low"].to_numpy(float), df["ci_high"].to_numpy(float), alpha=0.2)
    if not numeric:
        ax.set_xticks(range(len(xs_all)), [str(v) for v in xs_all])
    ax.set_xlabel(axis)
    ax.set_ylabel(unit_of(metric))
    ax.set_title(f"{metric} vs {axis} (mean, 95% CI)")
    if by is not None:
        ax.legend(title=by, fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_cdf(runs: pd.DataFrame, metric: str = "convergence_s", by: str | None = None) -> Figure:
    """Empirical CDF of ``metric`` over runs; runs where it is undefined (never converged) are counted as missing."""
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    groups = [(None, runs)] if by is None else [(g, runs[runs[by] == g]) for g in _order(runs[by])]
    for g, df in groups:
        v = np.sort(df[metric].to_numpy(float))
        n = len(v)
        ok = v[~np.isnan(v)]
        if n == 0:
            continue
        y = np.arange(1, len(ok) + 1) / n  # undefined runs keep the curve below 1
        name = "all runs" if by is None else f"{by}={g}"
        ax.step(ok, y, where="post", label=f"{name} ({n - len(ok)} of {n} missing)" if len(ok) < n else name)
    ax.set_xlabel(unit_of(metric))
    ax.set_ylabel("fraction of runs")
    ax.set_ylim(0, 1.02)
    ax.set_title(f"CDF of {metric}")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def fault_aligned(timeseries: pd.DataFrame, faults: pd.DataFrame, window: tuple[float, float], step: float | None = None,
                  metric: str | None = None) -> pd.DataFrame:
    """Per run, a metric (default the serving ratio) at times relative to its first fault (or t=0 without
    faults): columns run_id, t_rel, value."""
    step = step if step is not None else max((window[1] - window[0]) / 600, 1.0)
    rel = np.arange(window[0], window[1] + step / 2, step)
    t0 = faults.groupby("run_id")["t_inject"].min() if not faults.empty else pd.Series(dtype=float)
    out = []
    for rid, ts in timeseries.groupby("run_id", sort=True):
        start = float(t0.get(rid, 0.0))
        values = serving_ratio(ts, start + rel) if metric in (None, "serving_ratio") else level_sum(ts, metric, start + rel)
        out.append(pd.DataFrame({"run_id": rid, "t_rel": rel, "value": values}))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=["run_id", "t_rel", "value"])


def plot_timeseries(runs: pd.DataFrame, timeseries: pd.DataFrame, faults: pd.DataFrame, by: str | None = None,
                    window: tuple[float, float] = (-60.0, 600.0), metric: str | None = None) -> Figure:
    """A metric over time around the first fault (serving/desired replicas by default), mean over seeds with a 95% band."""
    fig, ax = plt.subplots(figsize=(7.2, 4.0))
    aligned = fault_aligned(timeseries, faults, window, metric=metric)
    if by is not None:
        aligned = aligned.merge(runs[["run_id", by]], on="run_id")
    groups = [(None, aligned)] if by is None else [(g, aligned[aligned[by] == g]) for g in _order(runs[by])]
    for g, df in groups:
        if df.empty:
            continue
        piv = df.pivot(index="t_rel", columns="run_id", values="value")
        stats = np.array([t_interval(row) for row in piv.to_numpy(float)])
        t = piv.index.to_numpy(float)
        ax.plot(t, stats[:, 0], label="all runs" if by is None else f"{by}={g}")
        ax.fill_between(t, stats[:, 1], stats[:, 2], alpha=0.2)
    label = metric if metric not in (None, "serving_ratio") else None
    ax.axvline(0, color="k", lw=0.8, ls="--")
    ax.set_xlabel("time since the first fault (s)" if not faults.empty else "simulated time (s)")
    ax.set_ylabel(unit_of(label) if label else "serving / desired replicas (fraction)")
    ax.set_title(f"{label or 'Serving replicas'} over time (mean over seeds, 95% CI)")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_timeline(runs: pd.DataFrame, by: str | None = None) -> Figure:
    """Recovery critical path per group: mean duration of each phase, stacked, with the 95% CI of convergence."""
    groups = [("all runs", runs)] if by is None else [(f"{by}={g}", runs[runs[by] == g]) for g in _order(runs[by])]
    fig, ax = plt.subplots(figsize=(7.2, 0.6 * len(groups) + 2.4))
    colors = [plt.get_cmap("tab10")(k) for k in range(10)]
    for y, (_, df) in enumerate(groups):
        left = 0.0
        for k, (col, name) in enumerate(PHASES):
            m = float(np.nanmean(df[col])) if col in df and df[col].notna().any() else 0.0
            ax.barh(y, m, left=left, color=colors[k], label=name if y == 0 else None, height=0.6)
            left += m
        if "convergence_s" in df and df["convergence_s"].notna().any():
            mean, lo, hi = t_interval(df["convergence_s"].to_numpy(float))
            err = None if math.isnan(lo) else [[mean - lo], [hi - mean]]
            ax.errorbar(mean, y, xerr=err, fmt="kD", ms=4, capsize=3, label="convergence (mean, 95% CI)" if y == 0 else None)
    ax.set_yticks(range(len(groups)), [g for g, _ in groups])
    ax.invert_yaxis()
    ax.set_xlabel("seconds after the fault")
    ax.set_title("Recovery critical path (mean phase durations)")
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3, frameon=False)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def default_plots(spec: ExperimentSpec) -> list[PlotSpec]:
    """Each metric against each axis, the CDF of convergence, and the time series and timeline."""
    axes = [a.name for a in spec.axes]
    out = []
    for m in spec.metrics:
        for i, a in enumerate(axes):
            by = next((b for b in axes if b != a), None)
            out.append(PlotSpec(kind="metric_vs_axis", metric=m, axis=a, by=by if i == 0 else None))
    first = axes[0] if axes else None
    if "convergence_s" in spec.metrics:
        out.append(PlotSpec(kind="cdf", metric="convergence_s", by=first))
    out.append(PlotSpec(kind="timeseries", by=first))
    out.append(PlotSpec(kind="timeline", by=first))
    return out


def _fig_name(i: int, p: PlotSpec) -> str:
    parts = [f"{i:02d}", p.kind] + [x for x in (p.metric, p.axis, p.by) if x]
    return "-".join(parts).replace("/", "_").replace(".", "_")


def _table(stats: pd.DataFrame, params: list[str], runs: pd.DataFrame) -> pd.DataFrame:
    """Design points as rows, 'mean [ci_low, ci_high]' per metric as columns."""
    def cell(r: pd.Series) -> str:
        if math.isnan(r["mean"]):
            return f"- ({int(r['missing'])} missing)"
        ci = "" if math.isnan(r["ci_low"]) else f" [{r['ci_low']:.3g}, {r['ci_high']:.3g}]"
        miss = f" ({int(r['missing'])} missing)" if r["missing"] else ""
        return f"{r['mean']:.4g}{ci}{miss}"
    st = stats.assign(cell=stats.apply(cell, axis=1))
    if params:
        tab = st.pivot_table(index=params, columns="metric", values="cell", aggfunc="first", sort=False)
        tab = tab.join(runs.groupby(params, sort=False).size().rename("runs")).reset_index()
    else:
        tab = st.set_index("metric")["cell"].to_frame().T
    tab.columns.name = None
    return tab


def _markdown(df: pd.DataFrame) -> str:
    cols = [str(c) for c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for row in df.itertuples(index=False):
        lines.append("| " + " | ".join(str(v) for v in row) + " |")
    return "\n".join(lines)


def write_report(results: str | Path, out: str | Path | None = None, formats: tuple[str, ...] = ("png", "svg")) -> Path:
    """Write ``report.html`` (figures embedded), ``summary.md`` and ``figures/`` for a results folder.

    Returns the HTML path. Raises FileNotFoundError when the folder holds no finished runs.
    """
    store = ResultStore(results)
    manifest = store.read_manifest()
    runs = store.runs()
    if manifest is None or runs.empty:
        raise FileNotFoundError(f"{results}: no finished runs (run `clustersim sweep` first)")
    spec = ExperimentSpec.model_validate(manifest["spec"])
    params = [a.name for a in spec.axes]
    metrics = list(spec.metrics)
    out_dir = Path(out) if out is not None else Path(results) / "report"
    fig_dir = out_dir / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)
    stats = aggregate(runs, params, metrics)
    stats.to_csv(out_dir / "stats.csv", index=False)
    plots = list(spec.plots) or default_plots(spec)
    ts = faults = None
    images: list[tuple[str, str]] = []
    for i, p in enumerate(plots):
        if p.kind == "metric_vs_axis":
            assert p.axis is not None
            fig = plot_metric_vs_axis(runs, p.metric or metrics[0], p.axis, p.by)
        elif p.kind == "cdf":
            fig = plot_cdf(runs, p.metric or "convergence_s", p.by)
        elif p.kind == "timeseries":
            if ts is None:
                ts, faults = store.frame("timeseries"), store.frame("faults")
            fig = plot_timeseries(runs, ts, faults if faults is not None else pd.DataFrame(), p.by, p.window_s, p.metric)
        else:
            fig = plot_timeline(runs, p.by)
        name = _fig_name(i, p)
        for fmt in formats:
            fig.savefig(fig_dir / f"{name}.{fmt}", dpi=110)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=90)
        plt.close(fig)
        images.append((name, base64.b64encode(buf.getvalue()).decode()))
    table = _table(stats, params, runs)
    failed = store.errors()
    meta = [("experiment", spec.name), ("description", spec.description), ("runs", str(len(runs))),
            ("failed runs", str(len(failed))), ("design", f"{spec.design.type}, {len(manifest['points'])} points"),
            ("replications", str(spec.replications)), ("package version", manifest.get("package_version", "")),
            ("config hash", manifest.get("config_hash", "")[:16]), ("started", str(manifest.get("started"))),
            ("ended", str(manifest.get("ended"))), ("status", str(manifest.get("status")))]
    defs = "".join(f"<li><b>{html.escape(m)}</b>: {html.escape(AGGREGATE_METRICS.get(m, 'per-Deployment or per-fault value'))}</li>"
                   for m in metrics)
    body = [f"<h1>{html.escape(spec.name)}</h1>",
            "<table class='meta'>" + "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in meta) + "</table>",
            f"<h2>Metrics</h2><ul>{defs}</ul>",
            "<h2>Design points</h2><p>mean [95% CI, Student t] over replications</p>",
            table.to_html(index=False, escape=True, classes="points"),
            "<h2>Figures</h2>"]
    body += [f"<figure><img alt='{html.escape(n)}' src='data:image/png;base64,{b}'><figcaption>{html.escape(n)}</figcaption></figure>"
             for n, b in images]
    style = ("body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}"
             "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px}"
             "img{max-width:100%}figure{margin:1em 0}")
    head = f"<meta charset='utf-8'><title>{html.escape(spec.name)}</title><style>{style}</style>"
    page = f"<!doctype html><html><head>{head}</head><body>{''.join(body)}</body></html>"
    html_path = out_dir / "report.html"
    html_path.write_text(page)
    md = [f"# {spec.name}", "", spec.description, "", f"{len(runs)} runs ({len(failed)} failed), "
          f"{spec.design.type} design of {len(manifest['points'])} points, package {manifest.get('package_version')}.", "",
          "Mean [95% CI] over replications:", "", _markdown(table), "", "Figures:", ""]
    md += [f"- ![{n}](figures/{n}.png)" for n, _ in images]
    (out_dir / "summary.md").write_text("\n".join(md) + "\n")
    return html_path
