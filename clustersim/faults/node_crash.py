"""NodeCrash: power a node off at ``at_s``; optionally back on after ``recover_after_s``.

Containers die, the kubelet stops and its Lease stops renewing; what follows (NotReady after the
grace period, taints, eviction after the toleration, replacements) is the control plane's doing.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from clustersim.actors import ActorArgs, ActorContext, check_at, node_names, node_zones
from clustersim.config.models import SimConfig
from clustersim.faults.base import FAULTS

__all__ = ["NodeCrash"]


class NodeCrashArgs(ActorArgs):
    """Which nodes crash and when."""

    at_s: float = Field(ge=0, description="Time of the crash.")
    recover_after_s: float | None = Field(None, gt=0, description="Power back on after this long (None: stays down).")
    nodes: tuple[str, ...] = Field((), description="Node names; empty picks `count` nodes at random.")
    zone: str | None = Field(None, description="Pick only among nodes of this zone.")
    count: int | Literal["all"] = Field(1, description="Nodes to pick when `nodes` is empty ('all': every match, e.g. a whole zone).")

    @model_validator(mode="after")
    def _one_selector(self) -> NodeCrashArgs:
        if self.nodes and self.zone:
            raise ValueError("zone: give either nodes or zone, not both")
        return self

    def check(self, cfg: SimConfig) -> str | None:
        """A dangling reference, as 'field: message', or None."""
        names = node_names(cfg)
        for i, n in enumerate(self.nodes):
            if n not in names:
                return f"nodes.{i}: unknown node {n!r}"
        if self.zone is not None and self.zone not in cfg.cluster.zones:
            return f"zone: unknown zone {self.zone!r} (cluster.zones: {', '.join(cfg.cluster.zones)})"
        pool = [n for n, z in node_zones(cfg).items() if self.zone is None or z == self.zone]
        if isinstance(self.count, int) and self.count < 1:
            return "count: must be at least 1 or 'all'"
        if not self.nodes and self.count != "all" and self.count > len(pool):
            return f"count: {self.count} nodes requested but only {len(pool)} match"
        return check_at(cfg, self.at_s)


@FAULTS.register("NodeCrash")
class NodeCrash:
    """Power-off of whole nodes."""

    Args = NodeCrashArgs

    def __init__(self, index: int, args: NodeCrashArgs, ctx: ActorContext) -> None:
        self.index, self.args, self.ctx = index, args, ctx

    def targets(self) -> list[str]:
        """The nodes to crash (a seeded draw when not named)."""
        if self.args.nodes:
            return list(self.args.nodes)
        zones = node_zones(self.ctx.cfg)
        pool = sorted(n for n, z in zones.items() if self.args.zone is None or z == self.args.zone)
        rng = self.ctx.env.rng(f"fault/{self.index}/NodeCrash")
        if self.args.count == "all":
            return pool
        picks = rng.choice(len(pool), size=self.args.count, replace=False)
        return [pool[int(i)] for i in sorted(picks)]

    def start(self) -> None:
        """Schedule the crash and the recovery."""
        env = self.ctx.env
        for name in self.targets():
            env.timeout(self.args.at_s).callbacks.append(lambda _e, n=name: self._crash(n))  # type: ignore[misc]

    def _crash(self, name: str) -> None:
        ctx = self.ctx
        host = ctx.infra.hosts[name]
        if not host.powered:
            return
        host.power_off()
        row = {"fault": "NodeCrash", "index": self.index, "target": name, "t_inject": ctx.env.now, "t_recover": None}
        ctx.rec.faults.append(row)
        ctx.rec.event("Node", "", name, "FaultInjected", "NodeCrash: node powered off", name, "Warning")
        if self.args.recover_after_s is not None:
            def recover(_e: object) -> None:
                host.power_on()
                row["t_recover"] = ctx.env.now
            ctx.env.timeout(self.args.recover_after_s).callbacks.append(recover)
