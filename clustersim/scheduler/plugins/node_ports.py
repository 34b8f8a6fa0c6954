"""NodePorts: pkg/scheduler/framework/plugins/nodeports/node_ports.go.

A pod's ``hostPort`` conflicts with a port already used on the node when protocol and port are
equal and the host IPs are equal or either is 0.0.0.0 (HostPortInfo.CheckConflict). PreFilter
returns Skip for a pod without host ports.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clustersim.api.objects import Pod
from clustersim.scheduler.cache import NodeTable
from clustersim.scheduler.framework import SCHEDULER_PLUGINS, Code, CycleState

REASON = "node(s) didn't have free ports for the requested pod ports"


@SCHEDULER_PLUGINS.register("NodePorts")
@dataclass(frozen=True)
class NodePorts:
    """Filter: free host ports."""

    name: str = "NodePorts"

    skip_reads = "spec"  # skip reads only the pod spec (see shape_cache)

    def skip(self, pod: Pod, nodes: NodeTable) -> bool:
        """No host ports wanted."""
        return not pod.spec.host_ports

    def filter_one(self, pod: Pod, nodes: NodeTable, i: int) -> bool:
        """No wanted port conflicts with one in use on node ``i``."""
        used = nodes.host_ports[i]
        return not any(w.conflicts(u) for w in pod.spec.host_ports for u in used)

    def filter(self, state: CycleState, pod: Pod, nodes: NodeTable, idx: np.ndarray) -> np.ndarray:
        """Only nodes with host ports in use need a look."""
        mask = np.ones(len(idx), dtype=bool)
        if nodes.n_host_port_nodes:
            for j, i in enumerate(idx):
                if nodes.host_ports[i]:
                    mask[j] = self.filter_one(pod, nodes, int(i))
        return mask

    def reasons(self, state: CycleState, pod: Pod, nodes: NodeTable, i: int) -> tuple[Code, list[str]]:
        """A port is taken."""
        return Code.UNSCHEDULABLE, [REASON]
