"""NodeResourcesFit and BalancedAllocation over a few nodes at once, fused: the fast lane's hot loop.

Upstream keeps the two plugins' shared scoring in ``noderesources/resource_allocation.go``. Here the
pair shares one per-row loop for the case that dominates real clusters and scheduler_perf alike: a pod
asking for cpu and memory only, NodeResourcesFit as the only active filter (or with filters that give a
cheap per-row verdict, ``fused_filter``: TaintToleration while some node is tainted), and as the active scores
NodeResourcesFit's LeastAllocated over cpu and memory (equal resource weights, as by default) and
BalancedAllocation over cpu and memory. One read of each node's row (``NodeTable.rows``) serves the
filter and both scores, with each plugin's own arithmetic: integers for cpu, and for memory the
float64 operations the vector path uses (exact while every allocatable is below FLOAT_EXACT_LIMIT;
otherwise, and for nodes without cpu or memory allocatable, the plugins' per-row forms answer). A
property test checks that the values equal the vector path's. Other profiles take the plugins'
per-row forms one by one (``shape_cache``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from clustersim.api.objects import Pod
from clustersim.scheduler.cache import NodeTable
from clustersim.scheduler.framework import MAX_NODE_SCORE
from clustersim.scheduler.plugins.node_resources_balanced_allocation import NodeResourcesBalancedAllocation
from clustersim.scheduler.plugins.node_resources_fit import NodeResourcesFit

__all__ = ["RowsUpdate", "fused_rows"]

RowsUpdate = Callable[[list[int], list[int]], "int | None"]

_NEVER = -(1 << 62)  # a request of 0 checks nothing: no free amount is below this


def fused_rows(filters: Sequence[object], scores: Sequence[tuple[object, int]], pod: Pod, nodes: NodeTable,
               eff: np.ndarray, vals: list[int], fallback: Callable[[int], int]) -> RowsUpdate | None:
    """An updater of a shape's values, or None when the active plugins are not the fused pair.

    ``update(rows, where)`` sets, for each node index ``i`` in ``rows`` with ``where[i] >= 0`` (present
    nodes, at that position), ``eff`` and its list copy ``vals`` to -1 where the pod does not fit, else
    to the weighted score sum, and returns the change in the number of -1 entries. ``fallback(i)`` is
    the plugins' per-row answer. The bookkeeping is written out in the loop rather than called: it runs
    for every changed row.
    """
    fits = [f for f in filters if isinstance(f, NodeResourcesFit)]
    others = [f for f in filters if not isinstance(f, NodeResourcesFit)]
    if len(fits) != 1 or len(scores) != 2 or not all(hasattr(f, "fused_filter") for f in others):
        return None
    fit: NodeResourcesFit = fits[0]
    # other per-node static filters (TaintToleration while a node is tainted): their per-row verdicts
    checks = [f.fused_filter(pod, nodes) for f in others]  # type: ignore[attr-defined]
    r = pod.spec.requests
    if r.scalar or fit.strategy != "LeastAllocated" or len(fit.resources) != 2 \
            or {name for name, _ in fit.resources} != {"cpu", "memory"} or fit.resources[0][1] != fit.resources[1][1]:
        return None
    weights = {type(p): w for p, w in scores}
    if scores[0][0] is not fit and scores[1][0] is not fit:
        return None
    ba = next((p for p, _ in scores if isinstance(p, NodeResourcesBalancedAllocation)), None)
    if ba is None or ba.resources != (("cpu", 1), ("memory", 1)):
        return None
    fit_weight, ba_weight = weights[NodeResourcesFit], weights[NodeResourcesBalancedAllocation]
    cpu, mem = r.cpu_m, r.memory
    need_cpu = cpu if cpu > 0 else _NEVER
    need_mem = mem if mem > 0 else _NEVER
    want_cpu, want_mem = r.nonzero_cpu_m, r.nonzero_memory
    tab = nodes.rows

    def update(rows: list[int], where: list[int]) -> int:
        exact = not nodes.n_float_inexact
        delta = 0
        for i in rows:
            j = where[i]
            if j < 0:
                continue
            ac, am, _, fc, fm, fp, nc, nm = tab[i]
            if fp < 1 or fc < need_cpu or fm < need_mem:
                new = -1
            elif ac <= 0 or am <= 0 or not exact:
                new = fallback(i)
            else:
                x = (ac - fc + cpu) / ac  # BalancedAllocation's fractions, capped at 1
                y = (am - fm + mem) / am
                d = (x if x < 1.0 else 1.0) - (y if y < 1.0 else 1.0)
                new = (((nc - want_cpu) * MAX_NODE_SCORE // ac if nc >= want_cpu else 0)  # LeastAllocated
                       + (int((nm - want_mem) * 100.0 / am) if nm >= want_mem else 0)) // 2 * fit_weight \
                    + int((1 - (d if d >= 0 else -d) / 2) * MAX_NODE_SCORE) * ba_weight
            if checks and new != -1:
                for ok in checks:
                    if not ok(i):
                        new = -1
                        break
            old = vals[j]
            if new != old:
                vals[j] = eff[j] = new
                delta += -1 if old < 0 else (new < 0)
        return delta

    return update
