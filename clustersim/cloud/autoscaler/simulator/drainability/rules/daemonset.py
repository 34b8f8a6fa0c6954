"""DaemonSet pods may be evicted and need no new place (rules/daemonset)."""

from clustersim.api.objects import Pod
from clustersim.cloud.autoscaler.simulator.drainability import UNDEFINED, DrainContext, Outcome, Status
from clustersim.cloud.autoscaler.utils import is_daemonset_pod


def drainable(ctx: DrainContext, pod: Pod) -> Status:
    """Drain a DaemonSet pod."""
    return Status(Outcome.DRAIN) if is_daemonset_pod(pod) else UNDEFINED
