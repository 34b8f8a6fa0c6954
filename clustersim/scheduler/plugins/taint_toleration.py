"""TaintToleration: pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go.

Filter: a NoSchedule or NoExecute taint the pod does not tolerate rejects the node
(UnschedulableAndUnresolvable). Score: the number of PreferNoSchedule taints not tolerated by the
pod's PreferNoSchedule (or empty-effect) tolerations, normalised in reverse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from clustersim.api.objects import Pod
from clustersim.api.types import TaintEffect, find_untolerated, tolerates
from clustersim.scheduler.cache import NodeTable
from clustersim.scheduler.framework import MAX_NODE_SCORE, SCHEDULER_PLUGINS, Code, CycleState, default_normalize_score

_HARD = (TaintEffect.NO_SCHEDULE, TaintEffect.NO_EXECUTE)


# Recent kube-scheduler releases aggregate this reason without the taint itself.
REASON_UNTOLERATED = "node(s) had untolerated taint(s)"


@SCHEDULER_PLUGINS.register("TaintToleration")
@dataclass(frozen=True)
class TaintToleration:
    """Filter and score by taints and tolerations."""

    name: str = "TaintToleration"

    def filter(self, state: CycleState, pod: Pod, nodes: NodeTable, idx: np.ndarray) -> np.ndarray:
        """Nodes without an untolerated NoSchedule/NoExecute taint."""
        mask = ~nodes.hard_tainted[idx]
        tolerations = pod.spec.tolerations
        for j in np.flatnonzero(~mask):
            mask[j] = find_untolerated(nodes.taints[idx[j]], tolerations, _HARD) is None
        return mask

    skip_reads = "cluster"  # skips read the counts of tainted nodes (see shape_cache)

    def skip(self, pod: Pod, nodes: NodeTable) -> bool:
        """No node has a NoSchedule or NoExecute taint."""
        return nodes.n_hard_tainted == 0

    def skip_score(self, pod: Pod, nodes: NodeTable) -> bool:
        """No node has a PreferNoSchedule taint."""
        return nodes.n_soft_tainted == 0

    def filter_one(self, pod: Pod, nodes: NodeTable, i: int) -> bool:
        """``filter`` for one node."""
        return not nodes.hard_tainted[i] or find_untolerated(nodes.taints[i], pod.spec.tolerations, _HARD) is None

    def fused_filter(self, pod: Pod, nodes: NodeTable) -> Callable[[int], bool]:
        """``filter_one`` as a closure for the fast lane's row loop (most nodes have no taint at all)."""
        taints, tolerations = nodes.taints, pod.spec.tolerations

        def ok(i: int) -> bool:
            t = taints[i]
            return not t or find_untolerated(t, tolerations, _HARD) is None

        return ok

    def reasons(self, state: CycleState, pod: Pod, nodes: NodeTable, i: int) -> tuple[Code, list[str]]:
        """The first untolerated taint."""
        taint = find_untolerated(nodes.taints[i], pod.spec.tolerations, _HARD)
        return Code.UNSCHEDULABLE_AND_UNRESOLVABLE, [REASON_UNTOLERATED] if taint else []

    def score(self, state: CycleState, pod: Pod, nodes: NodeTable, idx: np.ndarray) -> np.ndarray:
        """Count of intolerable PreferNoSchedule taints per node."""
        out = np.zeros(len(idx), dtype=np.int64)
        soft = nodes.soft_tainted[idx]
        if not soft.any():
            return out
        prefer = tuple(t for t in pod.spec.tolerations if t.effect in ("", TaintEffect.PREFER_NO_SCHEDULE.value))
        for j in np.flatnonzero(soft):
            out[j] = sum(
                1 for t in nodes.taints[idx[j]]
                if t.effect is TaintEffect.PREFER_NO_SCHEDULE and not tolerates(prefer, t)
            )
        return out

    def normalize(self, state: CycleState, pod: Pod, scores: np.ndarray) -> np.ndarray:
        """Fewer intolerable taints score higher."""
        return default_normalize_score(MAX_NODE_SCORE, True, scores)
