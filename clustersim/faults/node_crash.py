"""NodeCrash: power nodes off at ``at_s``; optionally back on after ``recover_after_s`` (or ``duration_s``).

Containers die, the kubelet stops and its Lease stops renewing; what follows (NotReady after the
grace period, taints, eviction after the toleration, replacements) is the control plane's doing.
Targets: named nodes, a zone, node labels, with ``count`` or a chaos-style ``mode``/``value``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from clustersim.actors import ActorContext
from clustersim.config.models import SimConfig
from clustersim.faults.base import FAULTS
from clustersim.faults.node_faults import NodeFault, NodeFaultArgs
from clustersim.faults.targets import pick_nodes

__all__ = ["NodeCrash"]


class NodeCrashArgs(NodeFaultArgs):
    """Which nodes crash and when."""

    recover_after_s: float | None = Field(None, gt=0, description="Power back on after this long (None: stays down; same as duration_s).")
    count: int | Literal["all"] | None = Field(None, description="Nodes to pick when `nodes` is empty ('all': every match, e.g. a whole zone).")

    @model_validator(mode="after")
    def _one_selector(self) -> NodeCrashArgs:
        if self.nodes and self.zone:
            raise ValueError("zone: give either nodes or zone, not both")
        if self.recover_after_s is not None and self.duration_s is not None:
            raise ValueError("recover_after_s: give recover_after_s or duration_s, not both")
        if self.count is not None and self.mode is not None:
            raise ValueError("count: give count or mode, not both")
        if isinstance(self.count, int) and self.count < 1:
            raise ValueError("count: must be at least 1 or 'all'")
        return self

    def check(self, cfg: SimConfig) -> str | None:
        """Dangling names, too few matching nodes, or a time outside the run."""
        problem = super().check(cfg)
        if problem:
            return problem
        pool = self.matching(cfg)
        if not self.nodes and isinstance(self.count, int) and self.count > len(pool):
            return f"count: {self.count} nodes requested but only {len(pool)} match"
        return None


@FAULTS.register("NodeCrash")
class NodeCrash(NodeFault):
    """Power-off of whole nodes."""

    Args = NodeCrashArgs
    NAME = "NodeCrash"
    ACTION = "crash"

    def __init__(self, index: int, args: NodeCrashArgs, ctx: ActorContext) -> None:
        super().__init__(index, args, ctx)

    def recovery_s(self) -> float | None:
        """``recover_after_s`` or ``duration_s``."""
        a: NodeCrashArgs = self.args  # type: ignore[assignment]
        return a.recover_after_s if a.recover_after_s is not None else a.duration_s

    def targets(self) -> list[str]:
        """The nodes to crash (a seeded draw when not named)."""
        a: NodeCrashArgs = self.args  # type: ignore[assignment]
        if a.count == "all":
            return a.matching(self.ctx.cfg)
        if a.mode is None and not a.nodes:
            return pick_nodes(a.model_copy(update={"mode": "fixed", "value": float(a.count or 1)}), self.ctx.cfg, self.rng, self.ctx.state)
        return pick_nodes(a, self.ctx.cfg, self.rng, self.ctx.state)

    def inject(self) -> None:
        """Crash the targets."""
        for name in self.targets():
            self.hit(name, self.recovery_s())
