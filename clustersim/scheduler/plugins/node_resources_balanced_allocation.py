"""NodeResourcesBalancedAllocation: pkg/scheduler/framework/plugins/noderesources/balanced_allocation.go.

Favours nodes whose resource utilisation fractions are even: for each configured resource,
fraction = (node requested + pod requested) / allocatable, capped at 1, with real requests (no
non-zero defaults); extended resources the pod does not request, and resources without allocatable,
are skipped. score = int((1 - std) * 100), std being |f1 - f2| / 2 for two resources and the
population standard deviation for more. A pod requesting nothing is skipped in PreScore
(kubernetes/kubernetes#129138)..
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from clustersim.api.objects import Pod
from clustersim.scheduler.cache import NodeTable
from clustersim.scheduler.framework import MAX_NODE_SCORE, SCHEDULER_PLUGINS, CycleState, reject_unknown_args


def _score(fractions_in: object) -> int:
    fractions = [f for f in fractions_in if not np.isnan(f)]  # type: ignore[attr-defined]
    if len(fractions) == 2:
        std = abs((fractions[0] - fractions[1]) / 2)
    elif len(fractions) > 2:
        mean = sum(fractions) / len(fractions)
        std = float(np.sqrt(sum((f - mean) ** 2 for f in fractions) / len(fractions)))
    else:
        std = 0.0
    return int((1 - std) * MAX_NODE_SCORE)


def _default_resources() -> tuple[tuple[str, int], ...]:
    return (("cpu", 1), ("memory", 1))


_DEFAULT = _default_resources()


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

    skip_reads = "spec"  # skip_score reads only the pod's requests (see shape_cache)

    def _fractions(self, pod: Pod, nodes: NodeTable, idx: np.ndarray) -> list[np.ndarray]:
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
            cols.append(np.where(alloc > 0, np.minimum((used + want) / np.where(alloc > 0, alloc, 1), 1.0), np.nan))
        return cols

    def score(self, state: CycleState, pod: Pod, nodes: NodeTable, idx: np.ndarray) -> np.ndarray:
        """``int((1 - std) * 100)`` over the resources that count."""
        if self.resources == _DEFAULT and nodes.n_zero_alloc_cpu == 0 and nodes.n_zero_alloc_mem == 0:
            r = pod.spec.requests  # cpu and memory with every allocatable > 0: no fraction is skipped
            ac, am = nodes.alloc_cpu[idx], nodes.alloc_mem[idx]
            fc = np.minimum((ac - nodes.free_cpu[idx] + r.cpu_m) / ac, 1.0)
            fm = np.minimum((am - nodes.free_mem[idx] + r.memory) / am, 1.0)
            return ((1 - np.abs((fc - fm) / 2)) * MAX_NODE_SCORE).astype(np.int64)
        cols = self._fractions(pod, nodes, idx)
        if len(cols) == 2:  # the usual case, vectorised with upstream's two-resource formula
            a, b = cols
            both = ~np.isnan(a) & ~np.isnan(b)
            std = np.where(both, np.abs((a - b) / 2), 0.0)
            return ((1 - std) * MAX_NODE_SCORE).astype(np.int64)
        out = np.empty(len(idx), dtype=np.int64)
        for j in range(len(idx)):
            out[j] = _score(c[j] for c in cols)
        return out

    def score_one(self, pod: Pod, nodes: NodeTable, i: int) -> int:
        """``score`` for one node in plain floats (the same IEEE operations as the vector path)."""
        return self.score_rows(pod, nodes, [i])[0]

    def score_rows(self, pod: Pod, nodes: NodeTable, rows: list[int]) -> list[int]:
        """``score`` for a few nodes in plain floats (the same IEEE operations as the vector path)."""
        r = pod.spec.requests
        out = []
        if self.resources == _DEFAULT:  # cpu and memory: the hot case, without the generic loop
            cpu, mem, tab = r.cpu_m, r.memory, nodes.rows
            for i in rows:
                ac, am, _, free_cpu, free_mem, _, _, _ = tab[i]
                if ac > 0 and am > 0:
                    fc = min((ac - free_cpu + cpu) / ac, 1.0)
                    fm = min((am - free_mem + mem) / am, 1.0)
                    out.append(int((1 - abs((fc - fm) / 2)) * MAX_NODE_SCORE))
                else:
                    out.append(self._score_generic(pod, nodes, i))
            return out
        return [self._score_generic(pod, nodes, i) for i in rows]

    def _score_generic(self, pod: Pod, nodes: NodeTable, i: int) -> int:
        fractions = []
        for name, _ in self.resources:
            want = self._requested(pod, name)
            if name == "cpu":
                alloc, used = int(nodes.alloc_cpu[i]), int(nodes.alloc_cpu[i] - nodes.free_cpu[i])
            elif name == "memory":
                alloc, used = int(nodes.alloc_mem[i]), int(nodes.alloc_mem[i] - nodes.free_mem[i])
            else:
                if want == 0 or name not in nodes.scalar_alloc:
                    continue
                alloc, used = int(nodes.scalar_alloc[name][i]), int(nodes.scalar_req[name][i])
            fractions.append(min((used + want) / alloc, 1.0) if alloc > 0 else float("nan"))
        return _score(fractions)

    normalize_is_identity = True

    def normalize(self, state: CycleState, pod: Pod, scores: np.ndarray) -> np.ndarray:
        """No ScoreExtensions upstream: identity."""
        return scores
