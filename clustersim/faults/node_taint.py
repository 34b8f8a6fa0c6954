"""NodeTaint: a taint is added to the nodes for ``duration_s``, then removed (Litmus node-taint).

A NoSchedule taint keeps new pods off the node; a NoExecute taint makes the taint eviction controller
evict the pods that do not tolerate it (after their tolerationSeconds), and the workload controllers
replace them elsewhere. The taint is written through the API, as ``kubectl taint`` does.
"""

from __future__ import annotations

from pydantic import Field

from clustersim.api.types import Taint, TaintEffect
from clustersim.config.models import TaintConfig
from clustersim.faults.base import FAULTS
from clustersim.faults.node_faults import NodeFault, NodeFaultArgs

__all__ = ["NodeTaint"]


class NodeTaintArgs(NodeFaultArgs):
    """The taint and its nodes."""

    taint: TaintConfig = Field(description="The taint (key, value, effect).")


@FAULTS.register("NodeTaint")
class NodeTaint(NodeFault):
    """Taint the picked nodes; untaint after ``duration_s``."""

    Args = NodeTaintArgs  # type: ignore[assignment]
    NAME = "NodeTaint"

    def _taint(self) -> Taint:
        t = self.args.taint  # type: ignore[attr-defined]
        return Taint(t.key, TaintEffect(t.effect), t.value)

    def hit(self, name: str, recover_after: float | None) -> None:
        """Add the taint through the API; remove it later."""
        ctx, taint = self.ctx, self._taint()
        node = ctx.state.get("Node", name)
        if node is None or any((t.key, t.value, t.effect) == (taint.key, taint.value, taint.effect) for t in node.taints):
            return
        if taint.effect is TaintEffect.NO_EXECUTE:
            taint = Taint(taint.key, taint.effect, taint.value, time_added_s=ctx.env.now)
        node.taints = (*node.taints, taint)
        ctx.state.update(node)
        row = {"fault": self.NAME, "index": self.index, "target": name, "t_inject": ctx.env.now, "t_recover": None}
        ctx.rec.faults.append(row)
        ctx.rec.event("Node", "", name, "FaultInjected", f"{self.NAME}: {taint.key}={taint.value}:{taint.effect}", name, "Warning")
        if recover_after is None:
            return

        def untaint(_e: object) -> None:
            current = ctx.state.get("Node", name)
            if current is not None and taint in current.taints:
                current.taints = tuple(t for t in current.taints if t is not taint and t != taint)
                ctx.state.update(current)
                row["t_recover"] = ctx.env.now
                ctx.rec.event("Node", "", name, "FaultRecovered", f"{self.NAME}: taint removed", name)

        ctx.env.timeout(recover_after).callbacks.append(untaint)
