"""FirstFit: a research baseline, not a Kubernetes plugin. Scores the feasible nodes by their order
in the node list, so that with every node examined (percentageOfNodesToScore 100) the first node
that fits is chosen, as in classic first-fit bin packing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clustersim.api.objects import Pod
from clustersim.scheduler.cache import NodeTable
from clustersim.scheduler.framework import SCHEDULER_PLUGINS, CycleState


@SCHEDULER_PLUGINS.register("FirstFit")
@dataclass(frozen=True)
class FirstFit:
    """Score: earlier nodes higher."""

    name: str = "FirstFit"
    normalize_is_identity = True

    def skip_score(self, pod: Pod, nodes: NodeTable) -> bool:
        """Never skipped."""
        return False

    def score(self, state: CycleState, pod: Pod, nodes: NodeTable, idx: np.ndarray) -> np.ndarray:
        """``len(nodes) - index``: strictly decreasing in node order."""
        return len(nodes.names) - np.asarray(idx, dtype=np.int64)

    def normalize(self, state: CycleState, pod: Pod, scores: np.ndarray) -> np.ndarray:
        """Identity: the order is what matters."""
        return scores
