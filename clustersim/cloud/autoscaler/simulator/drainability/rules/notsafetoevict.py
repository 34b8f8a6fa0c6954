"""``cluster-autoscaler.kubernetes.io/safe-to-evict: "false"`` blocks the node (rules/notsafetoevict)."""

from clustersim.api.objects import Pod
from clustersim.cloud.autoscaler.simulator.drainability import UNDEFINED, DrainContext, Status
from clustersim.cloud.autoscaler.simulator.drainability.rules.common import block
from clustersim.cloud.autoscaler.utils import SAFE_TO_EVICT


def drainable(ctx: DrainContext, pod: Pod) -> Status:
    """Block an annotated pod."""
    if pod.meta.annotations.get(SAFE_TO_EVICT) == "false":
        return block("NotSafeToEvictAnnotation", f"pod annotated as not safe to evict present: {pod.meta.name}")
    return UNDEFINED
