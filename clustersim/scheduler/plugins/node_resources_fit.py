"""NodeResourcesFit: pkg/scheduler/framework/plugins/noderesources/{fit,least_allocated,most_allocated}.go.

Filter: the pod's requests (max of the sum of containers and any init container, plus overhead) must
fit allocatable minus requested, for each resource the pod requests, and the pod count must stay
within allocatable pods. Score: LeastAllocated or MostAllocated over the configured resources with
integer arithmetic, using non-zero default requests for cpu and memory (100m, 200Mi per container
without a request); extended resources the pod does not request are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from clustersim.api.objects import Pod
from clustersim.scheduler.cache import NodeTable
from clustersim.scheduler.framework import MAX_NODE_SCORE, SCHEDULER_PLUGINS, Code, CycleState

REASON_TOO_MANY_PODS = "Too many pods"
STRATEGIES = ("LeastAllocated", "MostAllocated")


def _default_resources() -> tuple[tuple[str, int], ...]:
    return (("cpu", 1), ("memory", 1))


@SCHEDULER_PLUGINS.register("NodeResourcesFit")
@dataclass(frozen=True)
class NodeResourcesFit:
    """Filter by free resources; score by allocation ratio."""

    strategy: str = "LeastAllocated"
    resources: tuple[tuple[str, int], ...] = field(default_factory=_default_resources)
    name: str = "NodeResourcesFit"

    @classmethod
    def from_args(cls, args: dict[str, Any]) -> NodeResourcesFit:
        """Build from profile args ``{strategy, resources: [{name, weight}]}``; ValueError names the bad arg."""
        unknown = set(args) - {"strategy", "resources"}
        if unknown:
            raise ValueError(f"unknown arg {sorted(unknown)[0]!r}")
        strategy = args.get("strategy", "LeastAllocated")
        if strategy not in STRATEGIES:
            raise ValueError(f"strategy: {strategy!r} is not one of {', '.join(STRATEGIES)}")
        resources = tuple((r["name"], int(r.get("weight", 1))) for r in args.get("resources", [])) or _default_resources()
        for name, weight in resources:
            if not 1 <= weight <= 100:  # validation.go: resource weight in range [1, 100]
                raise ValueError(f"resources.{name}.weight: must be in the range [1, 100], got {weight}")
        return cls(strategy=strategy, resources=resources)

    def filter(self, state: CycleState, pod: Pod, nodes: NodeTable, idx: np.ndarray) -> np.ndarray:
        """Nodes where the pod's requests fit."""
        r = pod.spec.requests
        ok = nodes.pod_count[idx] + 1 <= nodes.alloc_pods[idx]
        if r.cpu_m > 0:
            ok &= r.cpu_m <= nodes.alloc_cpu[idx] - nodes.req_cpu[idx]
        if r.memory > 0:
            ok &= r.memory <= nodes.alloc_mem[idx] - nodes.req_mem[idx]
        for name, value in r.scalar:
            if value > 0:
                alloc = nodes.scalar_alloc.get(name)
                if alloc is None:
                    return np.zeros(len(idx), dtype=bool)
                ok &= value <= alloc[idx] - nodes.scalar_req[name][idx]
        return ok

    def reasons(self, state: CycleState, pod: Pod, nodes: NodeTable, i: int) -> tuple[Code, list[str]]:
        """``Too many pods`` and ``Insufficient <resource>`` reasons, in upstream order."""
        r = pod.spec.requests
        out = []
        if nodes.pod_count[i] + 1 > nodes.alloc_pods[i]:
            out.append(REASON_TOO_MANY_PODS)
        if r.cpu_m > 0 and r.cpu_m > nodes.alloc_cpu[i] - nodes.req_cpu[i]:
            out.append("Insufficient cpu")
        if r.memory > 0 and r.memory > nodes.alloc_mem[i] - nodes.req_mem[i]:
            out.append("Insufficient memory")
        for name, value in r.scalar:
            alloc = nodes.scalar_alloc.get(name)
            free = 0 if alloc is None else alloc[i] - nodes.scalar_req[name][i]
            if value > 0 and value > free:
                out.append(f"Insufficient {name}")
        return Code.UNSCHEDULABLE, out

    def _columns(self, pod: Pod, nodes: NodeTable, idx: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray] | None:
        r = pod.spec.requests
        if name == "cpu":
            return nodes.alloc_cpu[idx], nodes.nz_cpu[idx] + r.nonzero_cpu_m
        if name == "memory":
            return nodes.alloc_mem[idx], nodes.nz_mem[idx] + r.nonzero_memory
        want = r.get(name)
        if want == 0 or name not in nodes.scalar_alloc:
            return None  # unrequested extended resources are skipped
        return nodes.scalar_alloc[name][idx], nodes.scalar_req[name][idx] + want

    def score(self, state: CycleState, pod: Pod, nodes: NodeTable, idx: np.ndarray) -> np.ndarray:
        """Weighted mean of per-resource scores, truncated (resource_allocation.go)."""
        total = np.zeros(len(idx), dtype=np.int64)
        weights = np.zeros(len(idx), dtype=np.int64)
        for name, weight in self.resources:
            cols = self._columns(pod, nodes, idx, name)
            if cols is None:
                continue
            alloc, req = cols
            has = alloc > 0
            safe = np.where(has, alloc, 1)
            if self.strategy == "LeastAllocated":
                s = np.where(req > alloc, 0, (alloc - req) * MAX_NODE_SCORE // safe)
            else:
                s = np.minimum(req, alloc) * MAX_NODE_SCORE // safe
            total += np.where(has, s * weight, 0)
            weights += np.where(has, weight, 0)
        return np.where(weights > 0, total // np.maximum(weights, 1), 0)

    def normalize(self, state: CycleState, pod: Pod, scores: np.ndarray) -> np.ndarray:
        """No ScoreExtensions upstream: identity."""
        return scores
