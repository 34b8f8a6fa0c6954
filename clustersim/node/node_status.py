"""The kubelet's node status: computed every ``nodeStatusUpdateFrequency`` and posted when it changed.

Upstream ``pkg/kubelet/kubelet_node_status.go`` ``syncNodeStatus`` runs every
``nodeStatusUpdateFrequency`` (10 s) on the kubelet's own schedule; the condition setters
(``pkg/kubelet/nodestatus/setters.go``: Ready, MemoryPressure, DiskPressure) read the eviction manager
and the runtime's health at that moment and record the NodeHas... / NodeReady / NodeNotReady events
when a condition changes. So a change the kubelet sees reaches the API at its next status sync, not
at once. A kubelet that starts (boot, process restart) posts at once (the loop starts immediately).

To cost nothing on quiet nodes, a sync is scheduled only when the computed status changes; it runs at
the next tick of the node's grid (a per-node phase), as the periodic loop would have. Status reports
of an unchanged node (``nodeStatusReportFrequency``, 5 min) are not modelled: the Lease is the heartbeat.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from clustersim.api.objects import ConditionStatus

if TYPE_CHECKING:
    from clustersim.api.objects import Node
    from clustersim.env import ClusterEnv

__all__ = ["NodeStatus"]


class NodeStatus:
    """What the kubelet wants its Node's conditions to say, and when that is posted."""

    __slots__ = ("env", "node", "period_s", "phase_s", "memory_pressure", "disk_pressure", "ready", "ready_message",
                 "_pending", "_post")

    def __init__(self, env: ClusterEnv, node: Node, period_s: float, post: Callable[[], None]) -> None:
        self.env, self.node, self.period_s = env, node, period_s
        self.phase_s = float(env.rng(f"kubelet/{node.meta.name}/status").uniform(0.0, period_s))
        self.memory_pressure = self.disk_pressure = False
        self.ready, self.ready_message = ConditionStatus.TRUE, ""  # Ready=False with a message: runtime or PLEG down
        self._pending = False
        self._post = post

    def next_sync_s(self, t: float) -> float:
        """The first status sync at or after ``t``."""
        p = self.period_s
        return self.phase_s + math.ceil((t - self.phase_s) / p - 1e-9) * p

    def changed(self) -> None:
        """The computed status changed: post it at the next sync (once, however many changes)."""
        if self._pending:
            return
        self._pending = True
        now = self.env.now
        self.env.timeout(self.next_sync_s(now) - now).callbacks.append(self._sync)

    def _sync(self, _e: object) -> None:
        self._pending = False
        self._post()

    def differs(self) -> bool:
        """The Node in the API says something other than the kubelet computes."""
        n = self.node
        return (n.memory_pressure, n.disk_pressure, n.ready) != (self.memory_pressure, self.disk_pressure, self.ready)
