"""NodeName: pkg/scheduler/framework/plugins/nodename/node_name.go.

A pod with ``spec.nodeName`` set fits only that node.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clustersim.api.objects import Pod
from clustersim.scheduler.cache import NodeTable
from clustersim.scheduler.framework import SCHEDULER_PLUGINS, Code, CycleState

REASON_NODE_NAME = "node(s) didn't match the requested node name"


@SCHEDULER_PLUGINS.register("NodeName")
@dataclass(frozen=True)
class NodeName:
    """Filter: honour ``spec.nodeName``."""

    name: str = "NodeName"

    def filter(self, state: CycleState, pod: Pod, nodes: NodeTable, idx: np.ndarray) -> np.ndarray:
        """All nodes when no name is requested, else only that one."""
        want = pod.spec.node_name
        if not want:
            return np.ones(len(idx), dtype=bool)
        j = nodes.index.get(want, -1)
        return idx == j

    skip_reads = "spec"  # skip reads only the pod spec (see shape_cache)

    def skip(self, pod: Pod, nodes: NodeTable) -> bool:
        """No node name requested."""
        return not pod.spec.node_name

    def filter_one(self, pod: Pod, nodes: NodeTable, i: int) -> bool:
        """``filter`` for one node."""
        return not pod.spec.node_name or nodes.names[i] == pod.spec.node_name

    def reasons(self, state: CycleState, pod: Pod, nodes: NodeTable, i: int) -> tuple[Code, list[str]]:
        """Another node was requested."""
        return Code.UNSCHEDULABLE_AND_UNRESOLVABLE, [REASON_NODE_NAME]
