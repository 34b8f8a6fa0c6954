"""The Eviction API (``pods/eviction``): a pod is deleted only if every PodDisruptionBudget covering it
allows a disruption (pkg/registry/core/pod/storage/eviction.go). An allowed eviction decrements the
budget's ``disruptionsAllowed`` at once, as the API server does, so two evictions in the same instant
cannot both use the last disruption; the disruption controller recomputes it from the pods later.
"""

from __future__ import annotations

from clustersim.api.objects import Pod, PodDisruptionBudget
from clustersim.apiserver import ClusterState

__all__ = ["evict"]


def evict(state: ClusterState, pod: Pod, grace_s: float | None = None) -> bool:
    """Evict ``pod`` (graceful delete, ``grace_s`` overriding its grace period as DeleteOptions do);
    False (HTTP 429) when a PDB allows no disruption now."""
    if state.get("Pod", pod.key) is not pod:
        return True
    if pod.terminating:
        return True
    budgets: list[PodDisruptionBudget] = [b for b in state.list("PodDisruptionBudget")
                                          if b.meta.namespace == pod.meta.namespace and b.selector.matches(pod.meta.labels)]
    # a pod that is not ready (not counted as healthy) may always be evicted (unhealthyPodEvictionPolicy IfHealthyBudget)
    if pod.status.ready and any(b.status.disruptions_allowed <= 0 for b in budgets):
        return False
    if pod.status.ready:
        for b in budgets:
            b.status.disruptions_allowed -= 1
            state.update(b)
    state.delete("Pod", pod.key, grace_s)
    return True
