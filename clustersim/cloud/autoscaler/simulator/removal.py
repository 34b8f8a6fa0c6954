"""Simulating a node's removal: cluster-autoscaler ``simulator/cluster.go`` (SimulateNodeRemoval) and
``simulator/drain.go`` (GetPodsToMove).

The node's pods are judged by the drainability rules: a blocked pod makes the node unremovable
(BlockedByPod); DaemonSet pods are evicted but need no new place; the others must each fit another
destination node, tried first where the same pod went last time (the HintingSimulator) and else on
the first node the scheduler's filters pass; a pod with no place makes the node unremovable
(NoPlaceToMovePods). The node and its pods are taken out of a forked snapshot, so the simulation
leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from clustersim.api.objects import Pod
from clustersim.cloud.autoscaler.simulator.drainability import DrainContext, Outcome
from clustersim.cloud.autoscaler.simulator.drainability.rules import drainable
from clustersim.cloud.autoscaler.simulator.snapshot import ClusterSnapshot
from clustersim.cloud.autoscaler.utils import is_daemonset_pod

__all__ = ["NodeToBeRemoved", "RemovalSimulator", "UnremovableNode", "pods_to_move"]


@dataclass(slots=True)
class NodeToBeRemoved:
    """A node that could go: the pods that must move, and its DaemonSet pods."""

    node: str
    pods_to_reschedule: list[Pod] = field(default_factory=list)
    daemonset_pods: list[Pod] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class UnremovableNode:
    """A node that cannot go, and why (upstream's UnremovableReason; the blocking pod's reason)."""

    node: str
    reason: str
    detail: str = ""


def pods_to_move(pods: list[Pod], ctx: DrainContext, expendable_cutoff: int) -> tuple[list[Pod], list[Pod], tuple[Pod, str] | None]:
    """GetPodsToMove: (pods to reschedule, DaemonSet pods, the first blocking pod and its reason)."""
    move: list[Pod] = []
    daemons: list[Pod] = []
    for pod in sorted(pods, key=lambda p: p.key):
        if pod.spec.priority < expendable_cutoff:
            continue  # expendable: killed without consideration
        status = drainable(ctx, pod)
        if status.outcome is Outcome.BLOCK:
            return [], [], (pod, status.reason)
        if status.outcome is Outcome.SKIP:
            continue
        if is_daemonset_pod(pod):
            daemons.append(pod)
        elif not pod.terminal:
            move.append(pod)
    return move, daemons, None


class RemovalSimulator:
    """SimulateNodeRemoval with placement hints kept between loops."""

    def __init__(self, snapshot: ClusterSnapshot) -> None:
        self.snapshot = snapshot
        self.hints: dict[str, str] = {}  # pod uid -> node it fitted last time

    def simulate(self, node: str, pods: list[Pod], destinations: list[str], ctx: DrainContext,
                 expendable_cutoff: int) -> tuple[NodeToBeRemoved | None, UnremovableNode | None]:
        """Can ``node``'s pods all move to ``destinations``?"""
        move, daemons, blocking = pods_to_move(pods, ctx, expendable_cutoff)
        if blocking is not None:
            return None, UnremovableNode(node, "BlockedByPod", blocking[1])
        snap = self.snapshot
        snap.fork()
        try:
            snap.hide_node(node)
            dest = snap.indexes([d for d in destinations if d != node])
            for pod in move:
                i = self._hinted(pod, dest)
                if i is None:
                    i = snap.first_fit(pod, dest)
                if i is None:
                    return None, UnremovableNode(node, "NoPlaceToMovePods", pod.key)
                snap.place(pod, i)
                self.hints[pod.meta.uid] = snap.table.names[i]
        finally:
            snap.revert()
        return NodeToBeRemoved(node, move, daemons), None

    def _hinted(self, pod: Pod, dest: np.ndarray) -> int | None:
        name = self.hints.get(pod.meta.uid)
        i = self.snapshot.table.index.get(name) if name is not None else None
        if i is None or i not in set(dest.tolist()) or not self.snapshot.fits(pod, i):
            return None
        return i
