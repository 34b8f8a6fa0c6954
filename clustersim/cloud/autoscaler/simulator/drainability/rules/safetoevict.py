"""``cluster-autoscaler.kubernetes.io/safe-to-evict: "true"`` makes a pod evictable whatever else (rules/safetoevict)."""

from clustersim.api.objects import Pod
from clustersim.cloud.autoscaler.simulator.drainability import UNDEFINED, DrainContext, Outcome, Status
from clustersim.cloud.autoscaler.utils import SAFE_TO_EVICT


def drainable(ctx: DrainContext, pod: Pod) -> Status:
    """Drain an annotated pod."""
    return Status(Outcome.DRAIN) if pod.meta.annotations.get(SAFE_TO_EVICT) == "true" else UNDEFINED
