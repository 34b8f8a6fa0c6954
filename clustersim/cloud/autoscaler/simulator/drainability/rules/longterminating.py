"""Pods terminating past their grace period (plus 30 s) are skipped (rules/longterminating)."""

from clustersim.api.objects import Pod
from clustersim.cloud.autoscaler.simulator.drainability import UNDEFINED, DrainContext, Outcome, Status
from clustersim.cloud.autoscaler.utils import is_long_terminating


def drainable(ctx: DrainContext, pod: Pod) -> Status:
    """Skip a long-terminating pod."""
    return Status(Outcome.SKIP) if is_long_terminating(pod, ctx.now) else UNDEFINED
