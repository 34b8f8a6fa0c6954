"""The sweep page: the report's figures made interactive, and a click from a design point to its runs.

Clicking a design point (a marker in a metric-vs-axis figure, or a row of the design table) shows that
point's runs in the runs table (with the command that reproduces each one) and highlights their
serving-ratio curves; the figures are the report's (``clustersim.sweep.report``): each metric against
each axis with a 95 % confidence band, the CDF of convergence, the serving ratio around the first
fault and the mean recovery critical path.
"""

from __future__ import annotations

import json
import math
import os
import shlex
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from bokeh.embed import file_html
from bokeh.layouts import column, row
from bokeh.models import ColumnDataSource, CustomJS, DataTable, Div, HoverTool, NumberFormatter, TableColumn, TapTool
from bokeh.palettes import Category10_10
from bokeh.plotting import figure
from bokeh.resources import INLINE

from clustersim.sweep.report import PHASES, _order, default_plots, fault_aligned, unit_of
from clustersim.sweep.spec import ExperimentSpec
from clustersim.sweep.stats import aggregate, t_interval
from clustersim.sweep.store import ResultStore

__all__ = ["SWEEP_PANELS", "write_sweep_page"]

SWEEP_PANELS = ("sweep-summary", "sweep-points", "sweep-runs", "sweep-curves")

SELECT_JS = """
let pts = new Set();
for (const src of sources) { for (const i of src.selected.indices) for (const p of String(src.data.point[i]).split(',')) pts.add(Number(p)); }
const full = runs_all.data, keys = Object.keys(full), out = {};
for (const k of keys) out[k] = [];
for (let i = 0; i < full.point.length; i++) {
  if (pts.size === 0 || pts.has(full.point[i])) for (const k of keys) out[k].push(full[k][i]);
}
runs.data = out;
if (curves) {
  const a = [], w = [];
  for (let i = 0; i < curves.data.point.length; i++) {
    const on = pts.size === 0 || pts.has(curves.data.point[i]);
    a.push(pts.size === 0 ? 0.25 : (on ? 0.9 : 0.05)); w.push(on && pts.size ? 2.5 : 1);
  }
  curves.data = Object.assign({}, curves.data, {alpha: a, width: w});
}
label.text = pts.size ? ('runs of design point ' + Array.from(pts).sort((x, y) => x - y).join(', ')) : 'all runs (click a design point)';
"""


def _points_table(runs: pd.DataFrame, params: list[str], metrics: list[str]) -> pd.DataFrame:
    rows = []
    for point, g in runs.groupby("point", sort=True):
        row: dict[str, Any] = {"point": int(point), **{p: str(g[p].iloc[0]) for p in params}, "runs": len(g)}
        for m in metrics:
            if m in g:
                mean, lo, hi = t_interval(g[m].to_numpy(float))
                row[m] = "-" if math.isnan(mean) else (f"{mean:.4g}" + ("" if math.isnan(lo) else f" [{lo:.3g}, {hi:.3g}]"))
        rows.append(row)
    return pd.DataFrame(rows)


def _metric_figure(runs: pd.DataFrame, metric: str, axis: str, by: str | None, params: list[str]) -> tuple[figure, ColumnDataSource]:
    keys = [axis] + ([by] if by else [])
    st = aggregate(runs, keys, [metric])
    xs = _order(st[axis])
    numeric = all(isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool) for v in xs)
    extra: dict[str, Any] = {} if numeric else {"x_range": [str(x) for x in xs]}
    fig = figure(title=f"{metric} vs {axis} (mean, 95% CI): click a marker for its runs", width=540, height=340,
                 tools="pan,wheel_zoom,box_zoom,reset,save,tap", x_axis_label=axis, y_axis_label=unit_of(metric), **extra)
    fig.toolbar.logo = None
    groups = [(None, st)] if by is None else [(g, st[st[by] == g]) for g in _order(st[by])]
    point_of = runs.groupby(keys, sort=False)["point"].agg(lambda s: ",".join(str(int(p)) for p in sorted(set(s))))
    data: dict[str, list[Any]] = {"x": [], "mean": [], "lo": [], "hi": [], "n": [], "group": [], "point": [], "color": []}
    for i, (g, df) in enumerate(groups):
        df = df.set_index(axis).reindex(xs).dropna(subset=["mean"])
        x = df.index.to_numpy(float) if numeric else [str(v) for v in df.index]
        color = Category10_10[i % 10]
        fig.varea(x=list(x), y1=df["ci_low"].to_numpy(float), y2=df["ci_high"].to_numpy(float), alpha=0.15, color=color)
        fig.line(x=list(x), y=df["mean"].to_numpy(float), color=color, line_width=2, legend_label=f"{by}={g}" if by else "all")
        for xv, (idx, r) in zip(x, df.iterrows(), strict=True):
            key = (idx, g) if by else idx
            data["x"].append(xv)
            data["mean"].append(float(r["mean"]))
            data["lo"].append(float(r["ci_low"]))
            data["hi"].append(float(r["ci_high"]))
            data["n"].append(int(r["n"]) if "n" in r else 0)
            data["group"].append(f"{by}={g}" if by else "")
            data["point"].append(str(point_of.get(key, "")))
            data["color"].append(color)
    src = ColumnDataSource(data)
    marks = fig.scatter("x", "mean", source=src, size=10, color="color", line_color="black")
    fig.add_tools(HoverTool(renderers=[marks], tooltips=[("design points", "@point"), (axis, "@x"), ("", "@group"), ("mean", "@mean{0.000}"),
                                                        ("95% CI", "@lo{0.000} to @hi{0.000}"), ("runs", "@n")]))
    fig.select_one(TapTool).renderers = [marks]
    if by is not None:
        fig.legend.title = by
    fig.legend.label_text_font_size = "8pt"
    return fig, src


def _cdf_figure(runs: pd.DataFrame, by: str | None) -> figure | None:
    if "convergence_s" not in runs:
        return None
    fig = figure(title="CDF of convergence_s over runs", width=540, height=340, x_axis_label=unit_of("convergence_s"),
                 y_axis_label="fraction of runs", tools="pan,wheel_zoom,box_zoom,reset,save")
    fig.toolbar.logo = None
    groups = [("all runs", runs)] if by is None else [(f"{by}={g}", runs[runs[by] == g]) for g in _order(runs[by])]
    for i, (name, df) in enumerate(groups):
        v = np.sort(df["convergence_s"].to_numpy(float))
        ok = v[~np.isnan(v)]
        if len(v):
            fig.step(ok, np.arange(1, len(ok) + 1) / len(v), mode="after", color=Category10_10[i % 10], line_width=2, legend_label=name)
    fig.legend.location = "bottom_right"
    fig.legend.label_text_font_size = "8pt"
    return fig


def _timeline_figure(runs: pd.DataFrame, by: str | None) -> figure:
    groups = [("all runs", runs)] if by is None else [(f"{by}={g}", runs[runs[by] == g]) for g in _order(runs[by])]
    names = [g for g, _ in groups]
    fig = figure(title="Recovery critical path (mean phase durations)", width=540, height=120 + 30 * len(groups), y_range=names[::-1],
                 x_axis_label="seconds after the fault", tools="pan,wheel_zoom,reset,save")
    fig.toolbar.logo = None
    data: dict[str, list[Any]] = {"g": [], "left": [], "right": [], "phase": [], "color": [], "d": []}
    for name, df in groups:
        left = 0.0
        for k, (col, phase) in enumerate(PHASES):
            m = float(np.nanmean(df[col])) if col in df and df[col].notna().any() else 0.0
            data["g"].append(name)
            data["left"].append(left)
            data["right"].append(left + m)
            data["phase"].append(phase)
            data["color"].append(Category10_10[k])
            data["d"].append(m)
            left += m
    bars = fig.hbar(y="g", left="left", right="right", height=0.6, color="color", source=ColumnDataSource(data), legend_field="phase")
    fig.add_tools(HoverTool(renderers=[bars], tooltips=[("", "@g"), ("phase", "@phase"), ("mean", "@d{0.0} s")]))
    fig.legend.label_text_font_size = "8pt"
    fig.legend.location = "bottom_right"
    return fig


def _curves(store: ResultStore, runs: pd.DataFrame) -> tuple[figure | None, ColumnDataSource | None]:
    ts, faults = store.frame("timeseries"), store.frame("faults")
    if ts.empty:
        return None, None
    aligned = fault_aligned(ts, faults if not faults.empty else pd.DataFrame(), (-60.0, 600.0))
    point = dict(zip(runs["run_id"], runs["point"], strict=True))
    xs, ys, pts, ids = [], [], [], []
    for rid, g in aligned.groupby("run_id", sort=True):
        xs.append(g["t_rel"].tolist())
        ys.append(g["value"].tolist())
        pts.append(int(point.get(rid, -1)))
        ids.append(str(rid))
    src = ColumnDataSource({"xs": xs, "ys": ys, "point": pts, "run_id": ids, "alpha": [0.25] * len(ids), "width": [1] * len(ids)})
    fig = figure(title="Serving / desired replicas around the first fault, one line per run (highlighted: the clicked point)",
                 width=1100, height=300, x_axis_label="time since the first fault (s)", y_axis_label="serving / desired",
                 tools="pan,wheel_zoom,box_zoom,reset,save", name="sweep-curves")
    fig.toolbar.logo = None
    lines = fig.multi_line("xs", "ys", source=src, line_alpha="alpha", line_width="width", color="#1f77b4")
    fig.add_tools(HoverTool(renderers=[lines], tooltips=[("run", "@run_id"), ("point", "@point")]))
    return fig, src


def _reproduce(manifest: dict[str, Any], spec: ExperimentSpec, runs: pd.DataFrame) -> list[str]:
    """For each run, the ``clustersim run`` command that repeats it alone (then ``clustersim view`` shows it)."""
    base = Path(str(manifest.get("source", ""))).parent / spec.base
    points = manifest.get("points") or []
    fixed = dict(spec.overrides)

    def value(v: Any) -> str:
        return v if isinstance(v, str) else json.dumps(v)

    out = []
    for r in runs.itertuples(index=False):
        chosen = points[int(r.point)] if int(r.point) < len(points) else {}
        sets = dict(fixed)
        for a in spec.axes:
            if a.name in chosen:
                for param in (a.param if isinstance(a.param, list | tuple) else [a.param]):
                    sets[param] = chosen[a.name]
        args = " ".join(f"--set {shlex.quote(f'{k}={value(v)}')}" for k, v in sets.items())
        out.append(f"clustersim run {shlex.quote(str(base))} --seed {r.seed} {args} --out results/{r.run_id}".replace("  ", " "))
    return out


def write_sweep_page(results: Path, out: Path) -> list[str]:
    """Write the sweep's page to ``out``; FileNotFoundError when the folder holds no finished runs."""
    store = ResultStore(results)
    manifest, runs = store.read_manifest(), store.runs()
    if manifest is None or runs.empty:
        raise FileNotFoundError(f"{results}: no finished runs (run `clustersim sweep` first)")
    spec = ExperimentSpec.model_validate(manifest["spec"])
    params, metrics = [a.name for a in spec.axes], list(spec.metrics)
    runs = runs.copy()
    runs["reproduce"] = _reproduce(manifest, spec, runs)
    sources, figs = [], []
    for p in list(spec.plots) or default_plots(spec):
        if p.kind == "metric_vs_axis" and p.axis is not None and (p.metric or metrics[0]) in runs:
            fig, src = _metric_figure(runs, p.metric or metrics[0], p.axis, p.by, params)
            figs.append(fig)
            sources.append(src)
    first = params[0] if params else None
    for extra in (_cdf_figure(runs, first), _timeline_figure(runs, first)):
        if extra is not None:
            figs.append(extra)
    curves_fig, curves = _curves(store, runs)
    table = _points_table(runs, params, metrics)
    points_src = ColumnDataSource({c: table[c].tolist() for c in table.columns}, name="sweep-points-source")
    sources.append(points_src)
    points = DataTable(source=points_src, columns=[TableColumn(field=c, title=c) for c in table.columns], width=1100, height=220,
                       index_position=None, reorderable=False, name="sweep-points")
    show = ["run_id", "point", "replication", "seed", *params, *[m for m in metrics if m in runs], "reproduce"]
    runs_data = {c: [("" if isinstance(v, float) and math.isnan(v) else v) for v in runs[c].tolist()] for c in show}
    runs_all = ColumnDataSource(runs_data, name="sweep-runs-all")
    runs_shown = ColumnDataSource(dict(runs_data), name="sweep-runs-shown")
    fmt = NumberFormatter(format="0.000")
    run_cols = [TableColumn(field=c, title=c, formatter=fmt) if c in metrics else TableColumn(field=c, title=c) for c in show]
    runs_table = DataTable(source=runs_shown, columns=run_cols, width=1100, height=260, index_position=None, reorderable=False,
                           name="sweep-runs")
    label = Div(text="all runs (click a design point)", name="sweep-runs-label")
    cb = CustomJS(args={"sources": sources, "runs_all": runs_all, "runs": runs_shown, "curves": curves, "label": label}, code=SELECT_JS)
    for src in sources:
        src.selected.js_on_change("indices", cb)
    head = Div(text=f"<h2>{spec.name}</h2><p>{spec.description}</p><p>{len(runs)} runs, {len(table)} design points, "
                    f"{spec.replications} replications. Click a marker or a design-point row to list that point's runs.</p>",
               name="sweep-summary", width=1100)
    grid = [row(*figs[i:i + 2]) for i in range(0, len(figs), 2)]
    blocks = [head, *grid, Div(text="<h3>Design points</h3>"), points, label, runs_table]
    if curves_fig is not None:
        blocks.append(curves_fig)
    page = file_html(column(*blocks), resources=INLINE, title=f"clustersim sweep: {spec.name}")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(page)
    os.replace(tmp, out)
    return [b.name for b in blocks if getattr(b, "name", None)]
