"""NodeResourcesBalancedAllocation: pkg/scheduler/framework/plugins/noderesources/balanced_allocation.go.

Favours nodes whose resource utilisation fractions are even: for each configured resource,
fraction = (node requested + pod requested) / allocatable, capped at 1, with real requests (no
non-zero defaults); extended resources the pod does not request, and resources without allocatable,
are skipped. score = int((1 - std) * 100), std being |f1 - f2| / 2 for two resources and the
population standard deviation for more. A pod requesting nothing is skipped in PreScore
(kubernetes/kubernetes#129138). Not in the default profile yet (issue 3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from clustersim.api.objects import Pod
from clustersim.scheduler.cache import NodeTable
from clustersim.scheduler.framework import MAX_NODE_SCORE, SCHEDULER_PLUGINS, CycleState, reject_unknown_args


def _default_resources() -> tuple[tuple[str, int], ...]:
    return (("cpu", 1), ("memory", 1))


@SCHEDULER_PLUGINS.register("NodeResourcesBalancedAllocation")
@dataclass(frozen=True)
class NodeResourcesBalancedAllocation:
    """Score: balance of utilisation across resources."""

    resources: tuple[tuple[str, int], ...] = field(default_factory=_default_resources)
    name: str = "NodeResourcesBalancedAllocation"

    @classmethod
    def from_args(cls, args: dict[str, Any]) -> NodeResourcesBalancedAllocation:
        """``NodeResourcesBalancedAllocationArgs``: ``{resources: [{name, weight}]}``."""
        reject_unknown_args(args, {"resources"})
        resources = tuple((str(r["name"]), int(r.get("weight", 1))) for r in args.get("resources") or [])
        return cls(resources=resources or _default_resources())

    def _requested(self, pod: Pod, name: str) -> int:
        return pod.spec.requests.get(name)

    def skip_score(self, pod: Pod, nodes: NodeTable) -> bool:
        """PreScore Skip for a best-effort pod (requests nothing of the configured resources)."""
        return all(self._requested(pod, name) == 0 for name, _ in self.resources)

    def score(self, state: CycleState, pod: Pod, nodes: NodeTable, idx: np.ndarray) -> np.ndarray:
        """``int((1 - std) * 100)`` over the resources that count."""
        cols = []
        for name, _ in self.resources:
            want = self._requested(pod, name)
            if name == "cpu":
                alloc, used = nodes.alloc_cpu[idx], nodes.alloc_cpu[idx] - nodes.free_cpu[idx]
            elif name == "memory":
                alloc, used = nodes.alloc_mem[idx], nodes.alloc_mem[idx] - nodes.free_mem[idx]
            else:
                if want == 0 or name not in nodes.scalar_alloc:
                    continue  # extended resources the pod does not request are skipped
                alloc, used = nodes.scalar_alloc[name][idx], nodes.scalar_req[name][idx]
            frac = np.where(alloc > 0, np.minimum((used + want) / np.where(alloc > 0, alloc, 1), 1.0), np.nan)
            cols.append(frac)
        out = np.empty(len(idx), dtype=np.int64)
        for j in range(len(idx)):
            fractions = [c[j] for c in cols if not np.isnan(c[j])]
            if len(fractions) == 2:
                std = abs(fractions[0] - fractions[1]) / 2
            elif len(fractions) > 2:
                mean = sum(fractions) / len(fractions)
                std = float(np.sqrt(sum((f - mean) ** 2 for f in fractions) / len(fractions)))
            else:
                std = 0.0
            out[j] = int((1 - std) * MAX_NODE_SCORE)
        return out

    def normalize(self, state: CycleState, pod: Pod, scores: np.ndarray) -> np.ndarray:
        """No ScoreExtensions upstream: identity."""
        return scores
