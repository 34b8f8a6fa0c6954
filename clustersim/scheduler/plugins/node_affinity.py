"""NodeAffinity (``nodeSelector`` part): pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go.

A node must carry every label of the pod's ``nodeSelector``. Required and preferred affinity terms
are not modelled yet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clustersim.api.objects import Pod
from clustersim.scheduler.cache import NodeTable
from clustersim.scheduler.framework import SCHEDULER_PLUGINS, Code, CycleState

REASON_POD_AFFINITY_NOT_MATCH = "node(s) didn't match Pod's node affinity/selector"


@SCHEDULER_PLUGINS.register("NodeAffinity")
@dataclass(frozen=True)
class NodeAffinity:
    """Filter: nodeSelector labels."""

    name: str = "NodeAffinity"

    def filter(self, state: CycleState, pod: Pod, nodes: NodeTable, idx: np.ndarray) -> np.ndarray:
        """Nodes whose labels include the selector."""
        selector = pod.spec.node_selector
        if not selector:
            return np.ones(len(idx), dtype=bool)
        labels = nodes.labels
        return np.fromiter((all(labels[i].get(k) == v for k, v in selector) for i in idx), dtype=bool, count=len(idx))

    def skip(self, pod: Pod, nodes: NodeTable) -> bool:
        """No selector."""
        return not pod.spec.node_selector

    def filter_one(self, pod: Pod, nodes: NodeTable, i: int) -> bool:
        """``filter`` for one node."""
        labels = nodes.labels[i]
        return all(labels.get(k) == v for k, v in pod.spec.node_selector)

    def reasons(self, state: CycleState, pod: Pod, nodes: NodeTable, i: int) -> tuple[Code, list[str]]:
        """Selector mismatch."""
        return Code.UNSCHEDULABLE_AND_UNRESOLVABLE, [REASON_POD_AFFINITY_NOT_MATCH]
