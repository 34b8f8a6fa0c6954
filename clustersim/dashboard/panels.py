"""The time panels of the run page: each returns a Bokeh figure (sharing the x range and cursor) or None
when the run has nothing of that kind, so absent frames are skipped, not drawn empty."""

from __future__ import annotations

import numpy as np
from bokeh.models import (
    ColumnDataSource,
    CustomJSHover,
    FactorRange,
    FixedTicker,
    HoverTool,
    LinearAxis,
    LinearColorMapper,
    NumeralTickFormatter,
    Range1d,
)
from bokeh.palettes import Category10_10, Viridis256
from bokeh.plotting import figure
from bokeh.transform import factor_cmap

from clustersim.dashboard.cursor import TimeCursor
from clustersim.dashboard.data import (
    PHASE_NAMES,
    fault_phases,
    node_matrix,
    node_states,
    pool_series,
    request_success,
    steps,
    workload_keys,
)
from clustersim.rundir import RunDir

__all__ = ["Panels"]

TOOLS = "xpan,xwheel_zoom,box_zoom,reset,save"
STATE_COLORS = {"Ready": "#2ca02c", "Ready, tainted or cordoned": "#ff7f0e", "NotReady": "#d62728", "deleted": "#7f7f7f"}
PHASE_COLORS = ["#d62728", "#9467bd", "#ff7f0e", "#bcbd22", "#8c564b", "#17becf", "#e377c2", "#2ca02c", "#1f77b4", "#393b79",
                "#aec7e8", "#7f7f7f"]


class Panels:
    """Figures over simulated time that share one x range (linked zoom and pan) and the time cursor."""

    def __init__(self, run: RunDir, cursor: TimeCursor, width: int = 1100) -> None:
        self.run, self.cursor, self.width = run, cursor, width
        self.x = Range1d(0.0, run.duration_s, bounds=(0.0, run.duration_s))

    def _fig(self, name: str, title: str, height: int, **kw: object) -> figure:
        fig = figure(name=name, title=title, width=self.width, height=height, x_range=self.x, tools=TOOLS,
                     active_scroll="xwheel_zoom", x_axis_label="simulated time (s)", **kw)
        fig.toolbar.logo = None
        fig.xaxis.formatter = NumeralTickFormatter(format="0,0")  # 120,000 rather than 1.200e+5
        return self.cursor.attach(fig)

    def fault_timeline(self) -> figure | None:
        """Each fault's recovery critical path: one bar per phase (detection, taint, toleration, replacement...)."""
        labels, df = fault_phases(self.run)
        if not labels:
            return None
        rows = list(dict.fromkeys(labels))
        fig = self._fig("panel-faults", "Faults and their recovery critical path (hover a bar for its phase)",
                        min(max(230, 60 + 22 * len(rows)), 700), y_range=FactorRange(*reversed(rows)))  # room for the legend
        phases = [p for p in [*PHASE_NAMES.values(), *df["phase"]] if p in set(df["phase"])]
        phases = list(dict.fromkeys(phases))
        src = ColumnDataSource({c: df[c].tolist() for c in df.columns})
        fig.hbar(y="row", left="start", right="end", height=0.6, source=src, legend_field="phase",
                 color=factor_cmap("phase", PHASE_COLORS * 2, phases))
        inject = self.run.frame("faults")
        fig.scatter(x=inject["t_inject"].astype(float).tolist(), y=[f"{a} {b}" for a, b in zip(inject["fault"], inject["target"], strict=True)],
                    marker="triangle", size=9, color="black", legend_label="injected")
        fig.add_tools(HoverTool(tooltips=[("fault", "@row"), ("phase", "@phase"), ("from", "@start{0.0} s"), ("to", "@end{0.0} s"),
                                          ("lasted", "@duration{0.0} s")], renderers=[fig.renderers[0]]))
        fig.legend.label_text_font_size = "8pt"
        fig.legend.click_policy = "hide"
        fig.add_layout(fig.legend[0], "right")
        fig.yaxis.major_label_text_font_size = "8pt"
        return fig

    def node_states(self) -> list[figure]:
        """Nodes per state over time, one figure per zone."""
        df = node_states(self.run)
        figs = []
        zones = sorted(df["zone"].unique())
        for zone in zones:
            fig = self._fig(f"panel-nodes-{zone or 'none'}", f"Nodes in zone {zone or '(none)'}", 200,
                            y_axis_label="nodes")
            fig.width = max(self.width // max(len(zones), 1), 300)
            z = df[df["zone"] == zone].pivot_table(index="t", columns="state", values="nodes", aggfunc="last").sort_index()
            z = z.reindex(sorted(set(df["t"]))).ffill().fillna(0.0)
            for state, color in STATE_COLORS.items():
                if state not in z.columns:
                    continue
                t = [*z.index.to_numpy(float).tolist(), self.run.duration_s]
                v = [*z[state].tolist(), float(z[state].iloc[-1])]
                src = ColumnDataSource({"t": t, "v": v, "state": [state] * len(t)})
                fig.step("t", "v", source=src, mode="after", color=color, line_width=2, legend_label=state)
            fig.add_tools(HoverTool(tooltips=[("state", "@state"), ("nodes", "@v"), ("from", "@t{0.0} s")]))
            fig.legend.location = "center_left"
            fig.legend.label_text_font_size = "8pt"
            fig.legend.click_policy = "hide"
            figs.append(fig)
        return figs

    def replicas(self) -> figure | None:
        """Desired, readyReplicas (the API's view) and serving (ground truth) per Deployment and StatefulSet."""
        keys = workload_keys(self.run)
        if not keys:
            return None
        ts, end = self.run.frame("timeseries"), self.run.duration_s
        fig = self._fig("panel-replicas", "Replicas per workload: desired (dashed), readyReplicas (dotted), serving (solid)", 300,
                        y_axis_label="replicas")
        for i, (ns, name) in enumerate(keys):
            color = Category10_10[i % 10]
            for metric, dash, label in (("desired_replicas", "dashed", "desired"), ("ready_replicas", "dotted", "readyReplicas"),
                                        ("serving_replicas", "solid", "serving")):
                t, v = steps(ts, metric, end, namespace=ns, name=name)
                if t:
                    src = ColumnDataSource({"t": t, "v": v, "w": [f"{ns}/{name} {label}"] * len(t)})
                    fig.step("t", "v", source=src, mode="after", color=color, line_dash=dash, line_width=2 if label == "serving" else 1.5,
                             legend_label=f"{name} {label}")
        fig.add_tools(HoverTool(tooltips=[("", "@w"), ("value", "@v"), ("from", "@t{0.0} s")]))
        fig.legend.click_policy = "hide"
        fig.legend.label_text_font_size = "8pt"
        fig.legend.ncols = 3
        fig.legend.location = "bottom_left"
        return fig

    def cloud_pools(self) -> figure | None:
        """A managed run's node pools: Nodes (solid) and billed VMs (dashed) per pool, cost so far (right axis)."""
        pools = pool_series(self.run)
        if not pools:
            return None
        fig = self._fig("panel-cloud", "Node pools: Nodes (solid), billed VMs (dashed), cost so far (dotted, right axis)", 260,
                        y_axis_label="nodes / VMs")
        top = max(max(p["cost"]) for p in pools.values())
        fig.extra_y_ranges = {"cost": Range1d(0.0, max(top, 1e-9) * 1.05)}
        fig.add_layout(LinearAxis(y_range_name="cost", axis_label="cost so far (list price x VM hours)"), "right")
        for i, (name, p) in enumerate(sorted(pools.items())):
            color = Category10_10[i % 10]
            fig.step(p["t_nodes"], p["nodes"], mode="after", color=color, line_width=2, legend_label=f"{name} Nodes")
            fig.step(p["t_vms"], p["vms"], mode="after", color=color, line_dash="dashed", line_width=1.5, legend_label=f"{name} VMs")
            src = ColumnDataSource({"t": p["t_vms"], "c": p["cost"], "k": [name] * len(p["cost"])})
            fig.line("t", "c", source=src, color=color, line_dash="dotted", line_width=2, y_range_name="cost", legend_label=f"{name} cost")
        fig.add_tools(HoverTool(tooltips=[("pool", "@k"), ("t", "@t{0.0} s"), ("cost so far", "@c{0.000}")]))
        fig.legend.location = "top_left"
        fig.legend.click_policy = "hide"
        fig.legend.label_text_font_size = "8pt"
        fig.legend.ncols = 3
        return fig

    def requests(self) -> figure | None:
        """Share of requests that succeeded, per Service (and Ingress rule when the run has them)."""
        df = request_success(self.run)
        if df.empty:
            return None
        fig = self._fig("panel-requests", "Request success per Service", 240, y_axis_label="succeeded / sent", y_range=Range1d(-0.02, 1.02))
        for i, (key, g) in enumerate(df.groupby("key", sort=True)):
            src = ColumnDataSource({**{c: g[c].tolist() for c in ("t", "success", "requests", "failed")}, "k": [str(key)] * len(g)})
            fig.step("t", "success", source=src, mode="after", color=Category10_10[i % 10], line_width=2, legend_label=str(key))
        fig.add_tools(HoverTool(tooltips=[("service", "@k"), ("t", "@t{0.0} s"), ("sent", "@requests"), ("failed", "@failed"),
                                          ("success", "@success{0.000}")]))
        fig.legend.location = "bottom_left"
        fig.legend.click_policy = "hide"
        return fig

    def heatmap(self, name: str, title: str, value: str, label: str) -> figure | None:
        """Nodes x time: pods bound, CPU requested / allocatable, or CPU used."""
        nodes, mids, mat = node_matrix(self.run, value=value)
        if not nodes or (value == "usage" and not mat.any()):
            return None
        height = int(min(max(150, 14 * len(nodes) + 80), 520))
        fig = self._fig(name, title, height, y_range=Range1d(-0.5, len(nodes) - 0.5), y_axis_label="node")
        high = float(mat.max()) or 1.0
        cmap = LinearColorMapper(palette=Viridis256, low=0.0, high=high)
        fig.image(image=[mat], x=0.0, y=-0.5, dw=self.run.duration_s, dh=len(nodes), color_mapper=cmap)
        step = max(1, len(nodes) // 30)
        fig.yaxis.ticker = FixedTicker(ticks=list(range(0, len(nodes), step)))
        fig.yaxis.major_label_overrides = {i: nodes[i] for i in range(0, len(nodes), step)}
        name_of = CustomJSHover(args={"names": nodes}, code="return names[Math.max(0, Math.min(names.length - 1, Math.round(value)))]")
        fig.add_tools(HoverTool(tooltips=[("node", "$y{custom}"), ("t", "$x{0.0} s"), (label, "@image{0.00}")],
                                formatters={"$y": name_of}))
        fig.add_layout(_colorbar(cmap, label), "right")
        return fig

    def pod_resources(self) -> figure | None:
        """CPU per pod from metrics-server (runs with a usage model), else CPU requested per workload."""
        usage = self.run.frame("usage")
        if not usage.empty:
            fig = self._fig("panel-pod-usage", "Pod CPU usage (metrics-server scrapes)", 260, y_axis_label="CPU (millicores)")
            top = usage.groupby("pod")["cpu_m"].mean().sort_values(ascending=False).index[:40]
            for i, pod in enumerate(top):
                g = usage[usage["pod"] == pod].sort_values("t")
                src = ColumnDataSource({"t": g["t"].tolist(), "v": g["cpu_m"].tolist(), "m": (g["memory_bytes"] / 2**20).tolist(),
                                        "p": [pod] * len(g)})
                fig.line("t", "v", source=src, color=Category10_10[i % 10], line_width=1.5)
            fig.add_tools(HoverTool(tooltips=[("pod", "@p"), ("t", "@t{0.0} s"), ("CPU", "@v m"), ("memory", "@m{0.0} MiB")]))
            return fig
        pods = self.run.frame("pods")
        bound = pods[pods["scheduled_s"].notna()]
        if bound.empty:
            return None
        fig = self._fig("panel-pod-usage", "CPU requested by running pods, per workload (this run has no usage model: "
                        "a CpuLoad workload, or a CpuStress or MemoryStress fault)", 240, y_axis_label="CPU requested (millicores)")
        grid = np.linspace(0.0, self.run.duration_s, 400)
        for i, (w, g) in enumerate(bound.groupby("workload", sort=True)):
            stop = g["deleted_s"].fillna(np.inf).to_numpy(float)
            live = (grid[:, None] >= g["scheduled_s"].to_numpy(float)) & (grid[:, None] < stop)
            total = (live * g["request_cpu_m"].to_numpy(float)).sum(axis=1)
            src = ColumnDataSource({"t": grid.tolist(), "v": total.tolist(), "w": [str(w)] * len(grid)})
            fig.line("t", "v", source=src, color=Category10_10[i % 10], line_width=2, legend_label=str(w) or "(bare pods)")
        fig.add_tools(HoverTool(tooltips=[("workload", "@w"), ("t", "@t{0.0} s"), ("requested", "@v{0} m")]))
        fig.legend.location = "bottom_left"
        fig.legend.click_policy = "hide"
        return fig


def _colorbar(cmap: LinearColorMapper, label: str) -> object:
    from bokeh.models import ColorBar

    return ColorBar(color_mapper=cmap, title=label, width=10)
