"""Which nodes are unneeded and since when: cluster-autoscaler ``core/scaledown/planner`` with
``unneeded/``, ``unremovable/`` and the pre-filtering candidates processor.

Candidates are the nodes of managed groups above their min size, not being deleted. Each loop the
eligible ones (eligibility.py) are simulated for removal (at most the unneeded nodes so far plus twice
--max-scale-down-parallelism, and no more than parallelism x unneeded-time / loop interval), each taking
the previous removable nodes out of the destinations and using up PDB budget; nodes found unremovable are
not rechecked for --unremovable-node-recheck-timeout. A node unneeded for --scale-down-unneeded-time
(--scale-down-unready-time if unready), whose group stays at or above its min size, may be deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from clustersim.api.objects import ConditionStatus, Node, Pod
from clustersim.cloud.autoscaler.scaledown.eligibility import unremovable_reason
from clustersim.cloud.autoscaler.simulator.drainability import DrainContext
from clustersim.cloud.autoscaler.simulator.removal import NodeToBeRemoved, RemovalSimulator
from clustersim.cloud.autoscaler.simulator.snapshot import ClusterSnapshot
from clustersim.cloud.provider import NodeGroup
from clustersim.config.cloud import AutoscalerConfig

__all__ = ["Planner", "Unneeded"]


@dataclass(slots=True)
class Unneeded:
    """An unneeded node: since when, and what its removal would move."""

    since: float
    removal: NodeToBeRemoved


class Planner:
    """Tracks unneeded nodes across loops."""

    def __init__(self, cfg: AutoscalerConfig, snapshot: ClusterSnapshot) -> None:
        self.cfg, self.snapshot = cfg, snapshot
        self.sim = RemovalSimulator(snapshot)
        self.unneeded: dict[str, Unneeded] = {}
        self.unremovable_until: dict[str, float] = {}
        self.reasons: dict[str, str] = {}  # last unremovable reason per node (for inspection)
        self.blocking: dict[str, str] = {}  # BlockedByPod: the blocking pod's reason (drainability rules)
        self.min_interval = cfg.scan_interval_s
        self.last_update: float | None = None

    def _limit(self) -> int:
        """unneededNodesLimit."""
        n = self.cfg.max_scale_down_parallelism
        loops = max(self.cfg.scale_down_unneeded_time_s, self.min_interval) / self.min_interval
        return min(len(self.unneeded) + 2 * n, int(n * loops) + n)

    def update(self, candidates: list[Node], destinations: list[str], pods: Callable[[str], list[Pod]], ctx: DrainContext,
               now: float) -> None:
        """UpdateClusterState: re-judge the candidates (previously unneeded ones first)."""
        if self.last_update is not None and now > self.last_update:
            self.min_interval = min(self.min_interval, now - self.last_update)
        self.last_update = now
        order = sorted(candidates, key=lambda n: (n.meta.name not in self.unneeded, n.meta.name))
        removable: dict[str, NodeToBeRemoved] = {}
        dests = list(destinations)
        limit = self._limit()
        for node in order:
            name = node.meta.name
            if self.unremovable_until.get(name, -1.0) > now:
                continue
            reason, _ = unremovable_reason(node, lambda name=name: pods(name), self.cfg, now)  # type: ignore[misc]
            if reason is not None:
                self.reasons[name] = reason
                continue
            if len(removable) >= limit:
                break
            ok, bad = self.sim.simulate(name, pods(name), dests, ctx, self.cfg.expendable_pods_priority_cutoff)
            if bad is not None:
                self.reasons[name] = bad.reason
                self.blocking[name] = bad.detail
                self.unremovable_until[name] = now + self.cfg.unremovable_node_recheck_timeout_s
                continue
            assert ok is not None
            removable[name] = ok
            dests = [d for d in dests if d != name]
            ctx.remove_pods(ok.pods_to_reschedule)
        self.unneeded = {n: Unneeded(self.unneeded[n].since if n in self.unneeded else now, r) for n, r in removable.items()}

    def removable_at(self, nodes: dict[str, Node], group_of: Callable[[Node], NodeGroup | None], deleting: dict[str, int],
                     now: float) -> tuple[list[NodeToBeRemoved], list[NodeToBeRemoved]]:
        """RemovableAt: (empty, needing drain) nodes unneeded long enough whose group stays at its min or above."""
        empty: list[NodeToBeRemoved] = []
        drain: list[NodeToBeRemoved] = []
        taken = dict(deleting)
        for name, u in sorted(self.unneeded.items(), key=lambda kv: (kv[1].since, kv[0])):
            node = nodes.get(name)
            if node is None:
                continue
            wait = self.cfg.scale_down_unneeded_time_s if node.ready is ConditionStatus.TRUE else self.cfg.scale_down_unready_time_s
            if u.since + wait > now:
                continue
            g = group_of(node)
            if g is None or g.target_size() - taken.get(g.id(), 0) <= g.min_size():
                continue
            taken[g.id()] = taken.get(g.id(), 0) + 1
            (drain if u.removal.pods_to_reschedule else empty).append(u.removal)
        return empty, drain

    def forget(self, name: str) -> None:
        """A node left the plan (being deleted, or gone)."""
        self.unneeded.pop(name, None)
