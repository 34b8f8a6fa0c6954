"""NodeResourcesFit: pkg/scheduler/framework/plugins/noderesources/{fit,least_allocated,most_allocated}.go.

Filter: the pod's requests (max of the sum of containers and any init container, plus overhead) must
fit allocatable minus requested, for each resource the pod requests and that is not in
``ignoredResources``, and the pod count must stay within allocatable pods. Score: LeastAllocated or
MostAllocated (or RequestedToCapacityRatio with a shape) over the configured resources with integer arithmetic, using non-zero default
requests for cpu and memory (100m, 200Mi per container without a request); extended resources the
pod does not request, and resources with no allocatable, are skipped.

Args follow ``NodeResourcesFitArgs``: ``{scoringStrategy: {type, resources: [{name, weight}]},
ignoredResources: [...]}``.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from clustersim.api.objects import Pod
from clustersim.scheduler.cache import NodeTable
from clustersim.scheduler.framework import MAX_NODE_SCORE, SCHEDULER_PLUGINS, Code, CycleState, reject_unknown_args
from clustersim.scheduler.plugins.helper import broken_linear_function

REASON_TOO_MANY_PODS = "Too many pods"
STRATEGIES = ("LeastAllocated", "MostAllocated", "RequestedToCapacityRatio")
MAX_CUSTOM_PRIORITY_SCORE = 10  # config.MaxCustomPriorityScore: shape scores are on 0..10
MAX_UTILIZATION = 100


def _default_resources() -> tuple[tuple[str, int], ...]:
    return (("cpu", 1), ("memory", 1))


@dataclass(frozen=True, slots=True)
class Insufficient:
    """``noderesources.InsufficientResource``."""

    resource: str
    reason: str
    requested: int
    used: int
    capacity: int


@SCHEDULER_PLUGINS.register("NodeResourcesFit")
@dataclass(frozen=True)
class NodeResourcesFit:
    """Filter by free resources; score by allocation ratio."""

    strategy: str = "LeastAllocated"
    resources: tuple[tuple[str, int], ...] = field(default_factory=_default_resources)
    ignored: tuple[str, ...] = ()
    shape: tuple[tuple[int, int], ...] = ()
    name: str = "NodeResourcesFit"

    @classmethod
    def from_args(cls, args: dict[str, Any]) -> NodeResourcesFit:
        """Build from ``NodeResourcesFitArgs``; ValueError ``'<field>: <message>'`` as upstream's validation names it."""
        reject_unknown_args(args, {"scoringStrategy", "ignoredResources"})
        ss = args.get("scoringStrategy") or {}
        reject_unknown_args(ss, {"type", "resources", "requestedToCapacityRatio"}, "scoringStrategy.")
        strategy = ss.get("type", "LeastAllocated")
        if strategy not in STRATEGIES:
            raise ValueError(f"scoringStrategy.type: Unsupported value {strategy!r}: supported values: {', '.join(STRATEGIES)}")
        resources = []
        for i, r in enumerate(ss.get("resources") or []):
            weight = r.get("weight", 1)
            # pkg/scheduler/apis/config/validation/validation_pluginargs.go: weight in [1, MaxNodeScore]
            if not isinstance(weight, int) or not 1 <= weight <= MAX_NODE_SCORE:
                raise ValueError(f"scoringStrategy.resources[{i}].weight: Invalid value: {weight}: "
                                 f"resource weight of {r.get('name')} not in valid range [1, 100]")
            resources.append((str(r["name"]), weight))
        shape: tuple[tuple[int, int], ...] = ()
        if strategy == "RequestedToCapacityRatio":
            points = (ss.get("requestedToCapacityRatio") or {}).get("shape") or []
            if not points:
                raise ValueError("scoringStrategy.requestedToCapacityRatio.shape: Required value: at least one point must be specified")
            scale = MAX_NODE_SCORE // MAX_CUSTOM_PRIORITY_SCORE
            shape = tuple((int(p["utilization"]), int(p["score"]) * scale) for p in points)
        return cls(strategy=strategy, resources=tuple(resources) or _default_resources(),
                   ignored=tuple(args.get("ignoredResources") or ()), shape=shape)

    def filter(self, state: CycleState, pod: Pod, nodes: NodeTable, idx: np.ndarray) -> np.ndarray:
        """Nodes where the pod's requests fit."""
        r = pod.spec.requests
        ok = nodes.free_pods[idx] >= 1
        if r.cpu_m > 0:
            ok &= nodes.free_cpu[idx] >= r.cpu_m
        if r.memory > 0:
            ok &= nodes.free_mem[idx] >= r.memory
        for name, value in r.scalar:
            if value > 0 and name not in self.ignored:
                alloc = nodes.scalar_alloc.get(name)
                if alloc is None:
                    return np.zeros(len(idx), dtype=bool)
                ok &= value <= alloc[idx] - nodes.scalar_req[name][idx]
        return ok

    def insufficient(self, pod: Pod, nodes: NodeTable, i: int) -> list[Insufficient]:
        """``fitsRequest``: what does not fit on node ``i``, in upstream order."""
        r = pod.spec.requests
        out = []
        pods_used = int(nodes.alloc_pods[i] - nodes.free_pods[i])
        if nodes.free_pods[i] < 1:
            out.append(Insufficient("pods", REASON_TOO_MANY_PODS, 1, pods_used, int(nodes.alloc_pods[i])))
        if r.cpu_m == 0 and r.memory == 0 and not any(v for _, v in r.scalar):
            return out
        for name, want, alloc, used in (("cpu", r.cpu_m, nodes.alloc_cpu[i], nodes.alloc_cpu[i] - nodes.free_cpu[i]),
                                        ("memory", r.memory, nodes.alloc_mem[i], nodes.alloc_mem[i] - nodes.free_mem[i])):
            if want > 0 and want > alloc - used:
                out.append(Insufficient(name, f"Insufficient {name}", want, int(used), int(alloc)))
        for name, want in r.scalar:
            if want == 0 or name in self.ignored:
                continue
            col = nodes.scalar_alloc.get(name)
            alloc = 0 if col is None else int(col[i])
            used = 0 if col is None else int(nodes.scalar_req[name][i])
            if want > alloc - used:
                out.append(Insufficient(name, f"Insufficient {name}", want, used, alloc))
        return out

    def reason_counts(self, pod: Pod, nodes: NodeTable, idx: np.ndarray) -> Counter[str]:
        """``reasons`` over many nodes at once: how many nodes report each reason (same rules as ``insufficient``)."""
        r = pod.spec.requests
        out: Counter[str] = Counter()
        n_full = int((nodes.free_pods[idx] < 1).sum())
        if n_full:
            out[REASON_TOO_MANY_PODS] = n_full
        if r.cpu_m == 0 and r.memory == 0 and not any(v for _, v in r.scalar):
            return out
        if r.cpu_m > 0:
            out["Insufficient cpu"] = int((nodes.free_cpu[idx] < r.cpu_m).sum())
        if r.memory > 0:
            out["Insufficient memory"] = int((nodes.free_mem[idx] < r.memory).sum())
        for name, want in r.scalar:
            if want == 0 or name in self.ignored:
                continue
            col = nodes.scalar_alloc.get(name)
            free = np.zeros(len(idx), dtype=np.int64) if col is None else col[idx] - nodes.scalar_req[name][idx]
            out[f"Insufficient {name}"] = int((free < want).sum())
        return +out

    skip_reads = "spec"  # skip and skip_score read only the pod spec (see shape_cache)

    def skip(self, pod: Pod, nodes: NodeTable) -> bool:
        """Never skipped: the pod count is always checked."""
        return False

    def skip_score(self, pod: Pod, nodes: NodeTable) -> bool:
        """Never skipped."""
        return False

    def reasons(self, state: CycleState, pod: Pod, nodes: NodeTable, i: int) -> tuple[Code, list[str]]:
        """``Too many pods`` and ``Insufficient <resource>`` reasons."""
        return Code.UNSCHEDULABLE, [x.reason for x in self.insufficient(pod, nodes, i)]

    def _columns(self, pod: Pod, nodes: NodeTable, idx: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray] | None:
        r = pod.spec.requests
        if name == "cpu":
            alloc = nodes.alloc_cpu[idx]
            return alloc, alloc - nodes.nzfree_cpu[idx] + r.nonzero_cpu_m
        if name == "memory":
            alloc = nodes.alloc_mem[idx]
            return alloc, alloc - nodes.nzfree_mem[idx] + r.nonzero_memory
        want = r.get(name)
        if want == 0 or name not in nodes.scalar_alloc:
            return None  # unrequested extended resources are skipped
        return nodes.scalar_alloc[name][idx], nodes.scalar_req[name][idx] + want

    def score(self, state: CycleState, pod: Pod, nodes: NodeTable, idx: np.ndarray) -> np.ndarray:
        """Weighted mean of per-resource scores, truncated (resource_allocation.go)."""
        if self.strategy == "RequestedToCapacityRatio":
            return self._rtcr(pod, nodes, idx)
        least = self.strategy == "LeastAllocated"
        r = pod.spec.requests
        if least and nodes.n_float_inexact == 0 and nodes.n_zero_alloc_cpu == 0 and nodes.n_zero_alloc_mem == 0 \
                and all(name in ("cpu", "memory") for name, _ in self.resources):
            return self._least_cpu_mem(r.nonzero_cpu_m, r.nonzero_memory, nodes, idx)
        total: np.ndarray | int = 0
        weights: np.ndarray | int = 0
        for name, weight in self.resources:
            if least and name in ("cpu", "memory") and (nodes.n_zero_alloc_cpu if name == "cpu" else nodes.n_zero_alloc_mem) == 0:
                # (alloc - requested) * 100 / alloc with requested = node non-zero requests + pod's; 0 when over
                alloc = (nodes.alloc_cpu if name == "cpu" else nodes.alloc_mem)[idx]
                left = (nodes.nzfree_cpu if name == "cpu" else nodes.nzfree_mem)[idx] - (r.nonzero_cpu_m if name == "cpu" else r.nonzero_memory)
                s = np.maximum(left * MAX_NODE_SCORE // alloc, 0)
                total = total + (s if weight == 1 else s * weight)
                weights = weights + weight
                continue
            cols = self._columns(pod, nodes, idx, name)
            if cols is None:
                continue
            alloc, req = cols
            has = alloc > 0
            safe = np.where(has, alloc, 1)
            s = np.maximum((alloc - req) * MAX_NODE_SCORE // safe, 0) if least else np.minimum(req, alloc) * MAX_NODE_SCORE // safe
            total = total + np.where(has, s * weight, 0)
            weights = weights + np.where(has, weight, 0)
        if isinstance(weights, int):
            if weights == 0:
                return np.zeros(len(idx), dtype=np.int64)
            return np.asarray(total if weights == 1 else total // weights, dtype=np.int64)
        return np.where(weights > 0, total // np.maximum(weights, 1), 0)

    normalize_is_identity = True

    def shape_key(self, pod: Pod) -> tuple[int, int, int, int] | None:
        """Key under which per-node results can be reused for pods with the same requests (None: do not reuse)."""
        r = pod.spec.requests
        if r.scalar or self.strategy == "RequestedToCapacityRatio" or any(n not in ("cpu", "memory") for n, _ in self.resources):
            return None
        return (r.cpu_m, r.memory, r.nonzero_cpu_m, r.nonzero_memory)

    def filter_one(self, pod: Pod, nodes: NodeTable, i: int) -> bool:
        """``filter`` for one node."""
        return self.filter_rows(pod, nodes, [i])[0]

    def filter_rows(self, pod: Pod, nodes: NodeTable, rows: list[int]) -> list[bool]:
        """``filter`` for a few nodes, in plain integers (the incremental path's per-row form)."""
        r = pod.spec.requests
        if r.scalar:
            return self.filter(CycleState(), pod, nodes, np.array(rows, dtype=np.int64)).tolist()  # type: ignore[no-any-return]
        cpu, mem, tab = r.cpu_m, r.memory, nodes.rows
        out = []
        for i in rows:
            _, _, _, free_cpu, free_mem, free_pods, _, _ = tab[i]
            out.append(free_pods >= 1 and (cpu <= 0 or free_cpu >= cpu) and (mem <= 0 or free_mem >= mem))
        return out

    def score_one(self, pod: Pod, nodes: NodeTable, i: int) -> int:
        """``score`` for one node."""
        return self.score_rows(pod, nodes, [i])[0]

    def score_rows(self, pod: Pod, nodes: NodeTable, rows: list[int]) -> list[int]:
        """``score`` for a few nodes in plain integers (Go's arithmetic); equal to the vector path."""
        if self.strategy == "RequestedToCapacityRatio" or any(n not in ("cpu", "memory") for n, _ in self.resources):
            return self.score(CycleState(), pod, nodes, np.array(rows, dtype=np.int64)).tolist()  # type: ignore[no-any-return]
        r = pod.spec.requests
        want_cpu, want_mem = r.nonzero_cpu_m, r.nonzero_memory
        least = self.strategy == "LeastAllocated"
        resources, tab = self.resources, nodes.rows
        out = []
        for i in rows:
            alloc_cpu, alloc_mem, _, _, _, _, nzfree_cpu, nzfree_mem = tab[i]
            total = weights = 0
            for name, weight in resources:
                if name == "cpu":
                    alloc, req = alloc_cpu, alloc_cpu - nzfree_cpu + want_cpu
                else:
                    alloc, req = alloc_mem, alloc_mem - nzfree_mem + want_mem
                if alloc <= 0:
                    continue
                if least:
                    s = 0 if req > alloc else (alloc - req) * MAX_NODE_SCORE // alloc
                else:
                    s = min(req, alloc) * MAX_NODE_SCORE // alloc
                total += s * weight
                weights += weight
            out.append(0 if weights == 0 else total // weights)
        return out

    def _least_cpu_mem(self, cpu: int, mem: int, nodes: NodeTable, idx: np.ndarray) -> np.ndarray:
        """LeastAllocated over cpu and memory in float64, exact below ``FLOAT_EXACT_LIMIT`` (see cache.py)."""
        total: np.ndarray | float = 0.0
        wsum = 0
        for name, weight in self.resources:
            free, alloc, want = ((nodes.nzfree_cpu_f, nodes.alloc_cpu_f, cpu) if name == "cpu"
                                 else (nodes.nzfree_mem_f, nodes.alloc_mem_f, mem))
            s = (free[idx] - want) * MAX_NODE_SCORE
            s /= alloc[idx]
            np.floor(s, out=s)
            np.maximum(s, 0.0, out=s)
            if weight != 1:
                s *= weight
            total = total + s
            wsum += weight
        if wsum != 1:
            total = np.floor(total / wsum)
        return np.asarray(total)

    def _rtcr(self, pod: Pod, nodes: NodeTable, idx: np.ndarray) -> np.ndarray:
        """requested_to_capacity_ratio.go: shape(utilization); zero scores leave the mean; rounded."""
        f = broken_linear_function(self.shape)
        cols = [(w, self._columns(pod, nodes, idx, name)) for name, w in self.resources]
        out = np.zeros(len(idx), dtype=np.int64)
        for j in range(len(idx)):
            total = weights = 0
            for w, c in cols:
                if c is None or c[0][j] == 0:
                    continue
                alloc, req = int(c[0][j]), int(c[1][j])
                s = f(MAX_UTILIZATION) if req > alloc else f(req * MAX_UTILIZATION // alloc)
                if s > 0:
                    total += s * w
                    weights += w
            out[j] = 0 if weights == 0 else int(math.floor(total / weights + 0.5))
        return out

    def normalize(self, state: CycleState, pod: Pod, scores: np.ndarray) -> np.ndarray:
        """No ScoreExtensions upstream: identity."""
        return scores
