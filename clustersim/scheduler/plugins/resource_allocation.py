"""NodeResourcesFit and BalancedAllocation over a few nodes at once, fused: the incremental path's hot loop.

Upstream keeps the two plugins' shared scoring in ``noderesources/resource_allocation.go``. Here the
pair shares one per-row loop for the case that dominates real clusters and scheduler_perf alike: a pod
asking for cpu and memory only, NodeResourcesFit as the only active filter, and the active scores
among NodeResourcesFit (LeastAllocated or MostAllocated over cpu and memory) and BalancedAllocation
(cpu and memory). One read of each node's row (``NodeTable.rows``) serves the filter and both scores;
the arithmetic is each plugin's own (integer for NodeResourcesFit, the vector path's float operations
for BalancedAllocation), so a row's value equals what the plugins' vector forms give (a property test
checks this).
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
    to the weighted score sum, and returns the change in the number of -1 entries. ``fallback(i)``
    serves a node with no cpu or memory allocatable (the plugins skip such a resource there). The
    bookkeeping is written out in each loop rather than called: it runs for every changed row.
    """
    if len(filters) != 1 or not isinstance(filters[0], NodeResourcesFit):
        return None
    fit: NodeResourcesFit = filters[0]
    r = pod.spec.requests
    if r.scalar:
        return None
    fit_weight = ba_weight = 0
    for plugin, weight in scores:
        if plugin is fit and fit.strategy in ("LeastAllocated", "MostAllocated") \
                and all(name in ("cpu", "memory") for name, _ in fit.resources):
            fit_weight = weight
        elif isinstance(plugin, NodeResourcesBalancedAllocation) and plugin.resources == (("cpu", 1), ("memory", 1)):
            ba_weight = weight
        else:
            return None
    cpu, mem = r.cpu_m, r.memory
    need_cpu = cpu if cpu > 0 else _NEVER
    need_mem = mem if mem > 0 else _NEVER
    want_cpu, want_mem = r.nonzero_cpu_m, r.nonzero_memory
    k_cpu = sum(w for name, w in fit.resources if name == "cpu")
    k_mem = sum(w for name, w in fit.resources if name == "memory")
    k_sum = k_cpu + k_mem
    least = fit.strategy == "LeastAllocated"
    tab = nodes.rows

    def update(rows: list[int], where: list[int]) -> int:
        delta = 0
        for i in rows:
            j = where[i]
            if j < 0:
                continue
            ac, am, _, fc, fm, fp, nc, nm = tab[i]
            if fp < 1 or fc < need_cpu or fm < need_mem:
                new = -1
            elif ac <= 0 or am <= 0:
                new = fallback(i)
            else:
                new = 0
                if fit_weight:
                    if least:  # (allocatable - requested) * 100 / allocatable, 0 when over
                        sc = (nc - want_cpu) * MAX_NODE_SCORE // ac if nc >= want_cpu else 0
                        sm = (nm - want_mem) * MAX_NODE_SCORE // am if nm >= want_mem else 0
                    else:  # min(requested, allocatable) * 100 / allocatable
                        sc = min(ac - nc + want_cpu, ac) * MAX_NODE_SCORE // ac
                        sm = min(am - nm + want_mem, am) * MAX_NODE_SCORE // am
                    new = (sc * k_cpu + sm * k_mem) // k_sum * fit_weight
                if ba_weight:
                    x = (ac - fc + cpu) / ac
                    y = (am - fm + mem) / am
                    if x > 1.0:
                        x = 1.0
                    if y > 1.0:
                        y = 1.0
                    new += int((1 - abs((x - y) / 2)) * MAX_NODE_SCORE) * ba_weight
            old = vals[j]
            if new != old:
                vals[j] = eff[j] = new
                delta += -1 if old < 0 else (new < 0)
        return delta

    if least and k_cpu == k_mem == fit_weight == ba_weight == 1:
        def update_default(rows: list[int], where: list[int]) -> int:
            """The default profile's weights: the multiplications by 1 left out, and memory's
            LeastAllocated score in float64 as the vector path computes it (exact while every
            allocatable is below FLOAT_EXACT_LIMIT; otherwise the general form's integers)."""
            if nodes.n_float_inexact:
                return update(rows, where)
            delta = 0
            for i in rows:
                j = where[i]
                if j < 0:
                    continue
                ac, am, _, fc, fm, fp, nc, nm = tab[i]
                if fp < 1 or fc < need_cpu or fm < need_mem:
                    new = -1
                elif ac <= 0 or am <= 0:
                    new = fallback(i)
                else:
                    x = (ac - fc + cpu) / ac
                    y = (am - fm + mem) / am
                    d = (x if x < 1.0 else 1.0) - (y if y < 1.0 else 1.0)
                    new = (((nc - want_cpu) * MAX_NODE_SCORE // ac if nc >= want_cpu else 0)
                           + (int((nm - want_mem) * 100.0 / am) if nm >= want_mem else 0)) // 2 \
                        + int((1 - (d if d >= 0 else -d) / 2) * MAX_NODE_SCORE)
                old = vals[j]
                if new != old:
                    vals[j] = eff[j] = new
                    delta += -1 if old < 0 else (new < 0)
            return delta

        return update_default

    return update
