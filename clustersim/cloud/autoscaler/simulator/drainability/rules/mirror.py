"""Mirror pods are skipped: the kubelet owns them (rules/mirror)."""

from clustersim.api.objects import Pod
from clustersim.cloud.autoscaler.simulator.drainability import UNDEFINED, DrainContext, Outcome, Status
from clustersim.cloud.autoscaler.utils import is_mirror_pod


def drainable(ctx: DrainContext, pod: Pod) -> Status:
    """Skip a mirror pod."""
    return Status(Outcome.SKIP) if is_mirror_pod(pod) else UNDEFINED
