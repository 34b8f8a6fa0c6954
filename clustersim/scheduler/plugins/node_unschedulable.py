"""NodeUnschedulable: pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable.go.

A cordoned node (``spec.unschedulable``) is rejected unless the pod tolerates the
``node.kubernetes.io/unschedulable:NoSchedule`` taint.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clustersim.api.objects import TAINT_UNSCHEDULABLE, Pod
from clustersim.api.types import Taint, TaintEffect, tolerates
from clustersim.scheduler.cache import NodeTable
from clustersim.scheduler.framework import SCHEDULER_PLUGINS, Code, CycleState

REASON_UNSCHEDULABLE = "node(s) were unschedulable"
_TAINT = Taint(TAINT_UNSCHEDULABLE, TaintEffect.NO_SCHEDULE)


@SCHEDULER_PLUGINS.register("NodeUnschedulable")
@dataclass(frozen=True)
class NodeUnschedulable:
    """Filter: skip cordoned nodes."""

    name: str = "NodeUnschedulable"

    def filter(self, state: CycleState, pod: Pod, nodes: NodeTable, idx: np.ndarray) -> np.ndarray:
        """Mask of nodes not cordoned (or cordon tolerated)."""
        if tolerates(pod.spec.tolerations, _TAINT):
            return np.ones(len(idx), dtype=bool)
        return ~nodes.unschedulable[idx]

    skip_reads = "cluster"  # skip reads the count of cordoned nodes (see shape_cache)

    def skip(self, pod: Pod, nodes: NodeTable) -> bool:
        """No node is cordoned."""
        return nodes.n_unschedulable == 0

    def filter_one(self, pod: Pod, nodes: NodeTable, i: int) -> bool:
        """``filter`` for one node."""
        return not nodes.unschedulable[i] or tolerates(pod.spec.tolerations, _TAINT)

    def reasons(self, state: CycleState, pod: Pod, nodes: NodeTable, i: int) -> tuple[Code, list[str]]:
        """Cordoned."""
        return Code.UNSCHEDULABLE_AND_UNRESOLVABLE, [REASON_UNSCHEDULABLE]
