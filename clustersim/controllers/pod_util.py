"""Pod helpers shared by workload controllers (``pkg/controller/controller_utils.go``)."""

from __future__ import annotations

from clustersim.api.objects import Pod
from clustersim.api.types import PodPhase

__all__ = ["deletion_rank", "is_active", "is_available"]

_PHASE_RANK = {PodPhase.PENDING: 0, PodPhase.UNKNOWN: 1, PodPhase.RUNNING: 2}


def is_active(pod: Pod) -> bool:
    """``controller.IsPodActive``: not Succeeded/Failed and not being deleted."""
    return not pod.terminating and not pod.terminal


def is_available(pod: Pod, min_ready_s: float, now: float) -> bool:
    """``podutil.IsPodAvailable``: Ready for at least ``minReadySeconds``."""
    if not pod.status.ready or pod.status.ready_since_s is None:
        return False
    return min_ready_s == 0 or pod.status.ready_since_s + min_ready_s <= now


def deletion_rank(pod: Pod) -> tuple[int, int, int, float, int, float]:
    """Sort key putting the pods to delete first (``controller.ActivePods.Less``).

    Unassigned < assigned; Pending < Unknown < Running; not ready < ready; ready for less time
    first; more restarts first; newer first.
    """
    st = pod.status
    ready_since = -(st.ready_since_s if st.ready and st.ready_since_s is not None else float("inf"))
    return (
        1 if pod.node_name else 0,
        _PHASE_RANK.get(st.phase, 3),
        1 if st.ready else 0,
        ready_since,
        -st.restart_count,
        -pod.meta.creation_s,
    )
