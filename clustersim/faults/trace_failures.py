"""TraceNodeFailures: machine outages from Google's 2019 machine_events, replayed on the run's nodes.

Racks (switch ids) are failure domains: racks are drawn at random (seeded) and their machines mapped,
in order, onto the targeted nodes, so machines that failed together in the trace fail together here.
Every REMOVE in the window powers the mapped node off at ``(t - start_s) * time_scale``; the next ADD
powers it on again.
"""

from __future__ import annotations

import math
from pathlib import Path

from pydantic import Field

from clustersim.actors import ActorArgs, ActorContext
from clustersim.config.models import SimConfig
from clustersim.faults.base import FAULTS
from clustersim.faults.node_faults import NodeFault
from clustersim.faults.targets import NodeTargetArgs, pick_nodes

__all__ = ["TraceNodeEvents", "TraceNodeFailures"]


class TraceNodeFailuresArgs(NodeTargetArgs):
    """Which trace, which window, how fast, onto which nodes (default: all)."""

    path: str = Field(description="machine_events file (JSON lines, .gz allowed), relative to the config.")
    start_s: float = Field(600.0, ge=0, description="Trace time mapped to t=0 (the 2019 trace window starts at 600 s).")
    time_scale: float = Field(1.0, gt=0, le=1e6, description="Simulated seconds per trace second.")

    def check(self, cfg: SimConfig) -> str | None:
        """The file exists and targets match."""
        if not Path(self.path).is_file():
            return f"path: no such file {self.path!r}"
        return self.check_targets(cfg)


@FAULTS.register("TraceNodeFailures")
class TraceNodeFailures(NodeFault):
    """Node outages as a production trace had them."""

    Args = TraceNodeFailuresArgs  # type: ignore[assignment]
    NAME = "TraceNodeFailures"

    def __init__(self, index: int, args: TraceNodeFailuresArgs, ctx: ActorContext) -> None:
        super().__init__(index, args, ctx)  # type: ignore[arg-type]

    def start(self) -> None:
        """Map racks onto nodes and schedule every outage inside the run."""
        from clustersim.traces.google import machine_events, outages

        a: TraceNodeFailuresArgs = self.args  # type: ignore[assignment]
        nodes = a.matching(self.ctx.cfg) if a.mode is None else pick_nodes(a, self.ctx.cfg, self.rng)
        out = outages(machine_events(a.path))
        racks = sorted(out["rack"].unique())
        order = self.rng.permutation(len(racks))
        machines: list[str] = []
        for k in order:
            machines += sorted(out.loc[out["rack"] == racks[int(k)], "machine"].unique())
            if len(machines) >= len(nodes):
                break
        mapping = dict(zip(machines, nodes, strict=False))
        horizon = self.ctx.cfg.duration_s
        for r in out[out["machine"].isin(mapping)].itertuples(index=False):
            t = (r.down_s - a.start_s) * a.time_scale
            if t < 0 or t >= horizon:
                continue
            back = None if math.isnan(r.up_s) else (r.up_s - r.down_s) * a.time_scale
            node = mapping[r.machine]
            self.ctx.env.timeout(t).callbacks.append(lambda _e, n=node, b=back: self.hit(n, b))  # type: ignore[misc]


class TraceNodeEventsArgs(ActorArgs):
    """A node events file in the clustersim schema (docs/traces.md)."""

    path: str = Field(description="CSV or Parquet with t_s, node, event (add, remove, update) and, for update, cpu_m and memory_mib.")
    start_s: float = Field(0.0, ge=0, description="Trace time mapped to t=0.")
    time_scale: float = Field(1.0, gt=0, le=1e6, description="Simulated seconds per trace second.")

    def check(self, cfg: SimConfig) -> str | None:
        """The file exists and names only known nodes."""
        from clustersim.actors import node_names
        from clustersim.traces.schema import TraceError, read_node_events

        try:
            ev = read_node_events(self.path)
        except TraceError as e:
            return f"path: {e}"
        unknown = sorted(set(ev["node"]) - set(node_names(cfg)))
        return f"path: unknown node {unknown[0]!r} in the events" if unknown else None


@FAULTS.register("TraceNodeEvents")
class TraceNodeEvents:
    """Replay node events: remove powers the node off, add powers it on, update changes its capacity."""

    Args = TraceNodeEventsArgs

    def __init__(self, index: int, args: TraceNodeEventsArgs, ctx: ActorContext) -> None:
        self.index, self.args, self.ctx = index, args, ctx

    def start(self) -> None:
        """Schedule every event inside the run."""
        from clustersim.traces.schema import read_node_events

        a = self.args
        for r in read_node_events(a.path).itertuples(index=False):
            t = (r.t_s - a.start_s) * a.time_scale
            if 0 <= t < self.ctx.cfg.duration_s:
                self.ctx.env.timeout(t).callbacks.append(lambda _e, r=r: self._apply(r))  # type: ignore[misc]

    def _apply(self, r: object) -> None:
        ctx = self.ctx
        node, event = str(r.node), str(r.event)  # type: ignore[attr-defined]
        host = ctx.infra.hosts[node]
        if event == "remove" and host.powered:
            host.power_off()
            ctx.rec.faults.append({"fault": "TraceNodeEvents", "index": self.index, "target": node, "t_inject": ctx.env.now, "t_recover": None})
        elif event == "add" and not host.powered:
            host.power_on()
            for row in reversed(ctx.rec.faults):
                if row["target"] == node and row["fault"] == "TraceNodeEvents" and row["t_recover"] is None:
                    row["t_recover"] = ctx.env.now
                    break
        elif event == "update":
            from dataclasses import replace as dc_replace

            n = ctx.state.get("Node", node)
            if n is not None:
                cpu, mem = int(r.cpu_m), int(r.memory_mib) * 2**20  # type: ignore[attr-defined]
                n.capacity = dc_replace(n.capacity, cpu_m=cpu, memory=mem)
                n.allocatable = dc_replace(n.allocatable, cpu_m=cpu, memory=mem)
                ctx.state.update(n)  # the kubelet re-registers the resized machine
        ctx.rec.event("Node", "", node, "TraceNodeEvent", f"trace event {event}", node)
