"""Assemble the run page and write it as one self-contained HTML file (Bokeh's JS inlined, no network)."""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

from bokeh.embed import file_html
from bokeh.layouts import column, row
from bokeh.models import Div
from bokeh.resources import INLINE

from clustersim.dashboard.cursor import TimeCursor
from clustersim.dashboard.panels import Panels
from clustersim.dashboard.tables import event_log, scheduler_explanations
from clustersim.rundir import RunDir

__all__ = ["MANAGED_PANEL_NAMES", "PANEL_NAMES", "build_run_layout", "write_run_page"]

STYLE = "<style>body{font-family:sans-serif;margin:1em 2em;color:#222} h3{margin:0.6em 0 0.2em} code{background:#f3f3f3}</style>"


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{100 * v:.1f} %"


def _summary(run: RunDir) -> Div:
    s = run.summary
    items = [f"<b>{html.escape(run.path.name)}</b>: seed {s.get('seed', run.config.seed)}, {run.duration_s:g} s simulated"]
    for f in s.get("faults", [])[:20]:
        conv = f.get("convergence_s")
        items.append(f"{html.escape(str(f['fault']))} on {html.escape(str(f['target']))} at t={f['t_inject']:.1f} s: "
                     + ("not converged by the end" if conv is None else f"converged {conv:.1f} s later"))
    if len(s.get("faults", [])) > 20:
        items.append(f"... and {len(s['faults']) - 20} more faults (all in the timeline)")
    deps = s.get("deployments", {})
    if deps:
        cells = "".join(f"<tr><td>{html.escape(k)}</td><td>{d['desired']}</td><td>{_pct(d['availability'])}</td></tr>"
                        for k, d in deps.items())
        items.append(f"<table><tr><th>Deployment</th><th>desired</th><th>availability</th></tr>{cells}</table>")
    cloud = s.get("cloud")
    if cloud:
        pools = ", ".join(f"{html.escape(k)} {p['vms_at_end']} VMs at the end, {p['cost']:.2f}" for k, p in cloud["pools"].items())
        items.append(f"Node pools ({html.escape(str(cloud['provider']))}): total cost {cloud['total_cost']:.2f} "
                     f"(list prices x VM hours); {pools}")
    for k, sv in (s.get("services") or {}).items():
        ratio = sv.get("success_ratio")
        items.append(f"Service {html.escape(k)}: {sv.get('requests', 0)} requests, "
                     + ("-" if ratio is None else f"{100 * ratio:.2f} % succeeded"))
    return Div(text="<h2>clustersim run</h2>" + "<br>".join(items), name="panel-summary", width=1100)


def build_run_layout(run: RunDir, width: int = 1100) -> tuple[Any, list[str]]:
    """The page's layout and the names of the panels it holds."""
    cursor = TimeCursor()
    p = Panels(run, cursor, width)
    time_panels = [p.fault_timeline(), p.replicas(), p.cloud_pools(), p.requests(),
                   p.heatmap("panel-pods-per-node", "Pods bound to each node", "pods", "pods"),
                   p.heatmap("panel-node-cpu", "Node CPU requested / allocatable (the monitoring view)", "cpu", "requested"),
                   p.heatmap("panel-node-usage", "Node CPU used (metrics-server), millicores", "usage", "CPU m"),
                   p.pod_resources()]
    zones = p.node_states()
    figs = [f for f in time_panels if f is not None]
    cursor.finish()
    blocks: list[Any] = [_summary(run), cursor.readout]
    order = [figs[0]] if figs and figs[0].name == "panel-faults" else []
    rest = figs[len(order):]
    blocks += order
    if zones:
        blocks.append(row(*zones, name="panel-node-states"))
    blocks += rest
    blocks.append(event_log(run, cursor, width))
    sched = scheduler_explanations(run, width)
    if sched is not None:
        blocks.append(sched)
    names = [b.name for b in blocks if getattr(b, "name", None) and str(b.name).startswith("panel-")]
    return column(*blocks), names


PANEL_NAMES = ("panel-summary", "panel-faults", "panel-node-states", "panel-replicas", "panel-requests", "panel-pods-per-node",
               "panel-node-cpu", "panel-node-usage", "panel-pod-usage", "panel-events", "panel-scheduler")
MANAGED_PANEL_NAMES = ("panel-cloud",)  # runs with a cloud: section only


def write_run_page(run: RunDir, out: Path) -> list[str]:
    """Write the page to ``out`` (atomically); return the names of the panels it has."""
    layout, names = build_run_layout(run)
    page = file_html(layout, resources=INLINE, title=f"clustersim: {run.path.name}")
    page = page.replace("</head>", STYLE + "</head>", 1)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(page)
    os.replace(tmp, out)
    return names
